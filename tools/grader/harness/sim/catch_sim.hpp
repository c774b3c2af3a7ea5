// Catch2 glue for explored test cases: assert on an exploration's Result on
// the test's own thread, with the failing schedule as the message.
#pragma once

#include "sim.hpp"

#include <catch.hpp>

/// Checks that every explored schedule passed; on failure the message is the
/// verdict, the shortest failing schedule as a trace, and its replay token.
#define WORKBOOK_CHECK_EXPLORED(...)                                                                         \
  do {                                                                                                       \
    const ::workbook::sim::Result workbook_explored_result = (__VA_ARGS__);                                  \
    INFO(workbook_explored_result.report());                                                                 \
    CHECK(workbook_explored_result.passed());                                                                \
  } while (false)
