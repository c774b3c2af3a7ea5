// Reading the JUnit XML that `ctest --output-junit` writes: one record per
// ctest test, with its status, failure message and captured output.
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
  std::string xml; ///< the <testcase> element as ctest wrote it (kept to cache a verdict)
};

/// Parses ctest's JUnit output. Throws std::runtime_error on malformed input.
std::vector<TestRecord> parse_junit(const std::string& xml);

/// Replaces the five XML entities and numeric character references.
std::string decode_xml_entities(const std::string& text);

} // namespace workbook::cli
