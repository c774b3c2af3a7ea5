// Reading a sanitizer's report (ThreadSanitizer, AddressSanitizer, UBSan)
// out of a test's output, and saying it in a few lines: what kind of bug,
// the accesses as file:line in the learner's own code with the functions
// that made them, which thread made each, and the memory involved.
#pragma once

#include <string>
#include <vector>

namespace workbook::cli {

/// One stack of a report, reduced to the frame that matters.
struct ReportSection {
  std::string heading;      ///< "Write of size 8 by thread T2", "Location is heap block of size 16"
  std::string thread;       ///< "T2", "main" or "" when the heading names none
  std::string where;        ///< "exercises/01-gil/parallel_sum.hpp:40" ("" when no frame has a file)
  std::string function;     ///< "parallel_sum<long>()::lambda" (shortened)
  bool in_exercise = false; ///< `where` is in the learner's exercises/ folder
};

struct SanitizerReport {
  std::string tool; ///< "ThreadSanitizer", "AddressSanitizer", "UBSan"
  std::string kind; ///< "data race", "lock-order inversion (potential deadlock)", "heap-use-after-free"...
  std::vector<ReportSection> sections;
  std::string text; ///< the whole report as the sanitizer printed it

  [[nodiscard]] bool empty() const { return tool.empty(); }
};

/// The first sanitizer report in `output` (an empty report when there is
/// none). Paths under `root` are made relative to it.
SanitizerReport parse_sanitizer_report(const std::string& output, const std::string& root);

/// The report in a few indented lines for `check`: its kind, then one line
/// per access or location, the threads named as the test's main thread or a
/// thread the code under test started.
/// The lines of the learner's file are quoted (`root` is where they live).
std::string describe_report(const SanitizerReport& report, const std::string& root);

/// The text of `where` ("exercises/x.hpp:40", relative to `root`), trimmed;
/// "" when it cannot be read.
std::string source_line(const std::string& root, const std::string& where);

/// One line for the progress table: "data race: exercises/x.hpp:40 and :52".
std::string one_line(const SanitizerReport& report);

/// The stacks the grader's watchdog printed when a test case ran out of
/// time: one section per thread, "Thread 1234 (the test's main thread)".
std::vector<ReportSection> parse_watchdog_stacks(const std::string& output, const std::string& root);

} // namespace workbook::cli
