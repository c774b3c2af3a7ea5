// Turning ctest's per-test results into a verdict per exercise.
#pragma once

#include "junit.hpp"
#include "manifest.hpp"
#include "sanitizer_report.hpp"

#include <map>
#include <string>
#include <vector>

namespace workbook::cli {

enum class State {
  done,        ///< every test case passes, also under ThreadSanitizer
  races,       ///< every test case passes, but ThreadSanitizer reports a race (or another bug)
  not_started, ///< compiles; every failure is the stub's not_implemented
  failing,     ///< compiles; some test cases fail
  deadlocked,  ///< a test case hit the watchdog
  crashed,     ///< a test case ended by a signal (or a sanitizer report)
  does_not_compile,
  not_graded, ///< no result (the grading run did not reach it)
};

const char* to_string(State state);

struct Verdict {
  const Exercise* exercise = nullptr;
  State state = State::not_graded;
  int passed = 0;
  int total = 0;
  std::string detail;            ///< first compiler error, failing case, watchdog message...
  bool sanitizer_report = false; ///< a sanitizer's report ended a case (detail says what it found)
};

/// The state as the tables name it: to_string's, except that an exercise
/// graded under ThreadSanitizer alone (--tsan) whose cases a race stopped
/// was never seen to pass, so it "races under TSan".
std::string state_label(const Verdict& verdict);

/// One verdict per exercise of `manifest`, in book order.
std::vector<Verdict> grade(const Manifest& manifest, const std::vector<TestRecord>& records);

/// The first compiler error in a build log, as "file:line: message"
/// (with the root prefix removed), or "" when there is none.
std::string first_compiler_error(const std::string& log, const std::string& root);

/// The first compiler error with the source line and caret the compiler
/// printed under it: a few readable lines instead of a wall of templates.
std::string compiler_error_excerpt(const std::string& log, const std::string& root);

/// One test case of an exercise, as `check` shows it.
struct CaseResult {
  std::string name; ///< the TEST_CASE's name
  bool passed = false;
  std::string summary;     ///< why it failed: the failed check and its values, the watchdog's message...
  SanitizerReport report;  ///< the sanitizer's report, when one ended the case
  std::string report_path; ///< where the whole report was saved ("" when there is none)
};

/// The cases of `exercise` in source order, from the records of one ctest run.
std::vector<CaseResult> case_results(const Exercise& exercise, const std::vector<TestRecord>& records,
                                     const std::string& root);

} // namespace workbook::cli
