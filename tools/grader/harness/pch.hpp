// The precompiled header of every grader: Catch2, the standard library
// headers that concurrency tests use and the harness's own headers. Keep it
// to headers a learner never edits (never an exercise's).
#pragma once

#include "catch.hpp"
#include "workbook/not_implemented.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <semaphore>
#include <set>
#include <shared_mutex>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "instrumented_sync.hpp"
#include "sim/catch_sim.hpp"

#if defined(__clang__)
// clang instantiates these once, in the header (-fpch-instantiate-templates),
// and with WORKBOOK_PCH_CODEGEN generates their code once too.
#include "pch_instances.hpp"
#endif
