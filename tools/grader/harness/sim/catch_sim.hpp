// Catch2 glue for explored test cases: assert on an exploration's Result on
// the test's own thread. On failure the report (the verdict, the shortest
// failing schedule as a trace, and its replay token) is printed as it is,
// not through INFO, which Catch2 would wrap at 80 columns.
#pragma once

#include "sim.hpp"

#include <catch.hpp>

#include <iostream>
#include <string>

/// Checks that every explored schedule passed.
#define WORKBOOK_CHECK_EXPLORED(...)                                                                         \
  do {                                                                                                       \
    const ::workbook::sim::Result workbook_explored_result = (__VA_ARGS__);                                  \
    if (!workbook_explored_result.passed()) {                                                                \
      std::cout << "\n" << workbook_explored_result.report() << std::flush;                                  \
    }                                                                                                        \
    INFO(std::string(::workbook::sim::to_string(workbook_explored_result.verdict)) +                         \
         " in a schedule the explorer tried (the schedule and its replay token are printed above)");         \
    CHECK(workbook_explored_result.passed());                                                                \
  } while (false)
