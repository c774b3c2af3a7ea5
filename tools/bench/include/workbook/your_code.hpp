// For an example or a measuring program that runs one of its chapter's
// exercises (registered with `USES exercise`): the header it includes by
// name ("thread_pool.hpp") is the one the build grades, so in a learner's
// build it runs the learner's own class, and in the solutions and bench
// builds the reference. While the learner's class is still the shipped stub,
// the program says so and ends normally instead of crashing.
#pragma once

#include <workbook/not_implemented.hpp>

#include <cstdio>

namespace workbook {

/// Runs `body` and returns its exit status; `exercise` is the exercise's
/// name (`thread_pool`). If `body` reaches a body of the
/// stub that still throws `workbook::not_implemented`, prints a line starting
/// "skipped: this program runs on your " (ctest then reports the test as
/// skipped, not failed) and returns 0.
template <class Body> int run_on_your_code(const char* exercise, Body body) {
  try {
    return body();
  } catch (const not_implemented& stub) {
    std::fflush(stdout);
    std::printf("skipped: this program runs on your %s exercise, which is not written yet.\n"
                "  %s\n"
                "  Grade it with ./workbook check %s, then run this program again.\n",
                exercise, stub.what(), exercise);
    return 0;
  }
}

} // namespace workbook
