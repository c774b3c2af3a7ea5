// Exercise: parallel_map — Executor.map with a chunk size: many threads, input order kept.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: parallel_map".
// Grade it: `./workbook check parallel_map`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

namespace workbook::threads {

/// Python's `executor.map(function, inputs, chunksize=chunk_size)`, as one
/// call: returns `function(inputs[i])` for every i, **in input order**,
/// computed by up to `threads` threads at once.
///
/// The inputs are cut into consecutive chunks of `chunk_size` elements (the
/// last one may be shorter). Each chunk is processed by one thread, element
/// after element; threads take the next unclaimed chunk, in input order,
/// until none is left. `function` receives a reference to the element of
/// `inputs` itself (no copy) and is called from several threads at once.
///
/// The result type need not be default-constructible, and may be move-only.
/// If calls throw, no new chunk is started; once every thread has finished,
/// the exception of the **earliest element in input order** that threw is
/// rethrown.
///
/// @throws std::invalid_argument if `threads` or `chunk_size` is 0.
template <class T, class Function>
auto parallel_map([[maybe_unused]] const std::vector<T>& inputs, [[maybe_unused]] Function function,
                  [[maybe_unused]] std::size_t threads, [[maybe_unused]] std::size_t chunk_size = 1)
    -> std::vector<std::invoke_result_t<Function&, const T&>> {
  throw workbook::not_implemented(__FILE__, "Exercise: parallel_map");
}

} // namespace workbook::threads
