// ctest's JUnit XML (`ctest --output-junit`), read and written with pugixml:
// one record per ctest test, with its status, failure message and captured
// output. The CLI also writes records back (a cached verdict, a case the
// watchdog stopped) in the same form, so one reader serves both.
#pragma once

#include <string>
#include <vector>

namespace workbook::cli {

struct TestRecord {
  std::string name;
  std::string status;          ///< "run", "fail", "notrun", "disabled"
  std::string failure_message; ///< e.g. "Failed", "Timeout", "SEGFAULT", "Exception: ..."
  std::string output;          ///< the test's captured stdout/stderr (may be truncated by ctest)
  double seconds = 0;
};

/// Every <testcase> in `xml`: a whole ctest report, or <testcase> elements
/// one after another (XML comments between them are skipped). Throws
/// std::runtime_error, with where and why, on malformed input.
std::vector<TestRecord> parse_junit(const std::string& xml);

/// `record` as one <testcase> element, which parse_junit reads back as it was.
std::string to_junit_xml(const TestRecord& record);

} // namespace workbook::cli
