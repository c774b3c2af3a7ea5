// The CLI's reader of ctest's JUnit XML: a report as ctest 3.25 writes it,
// the edges a hand-written scanner gets wrong, and the round trip of the
// records the CLI writes itself (cached verdicts, a case the watchdog ended).
#include "junit.hpp"
#include "catch.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

using workbook::cli::parse_junit;
using workbook::cli::TestRecord;
using workbook::cli::to_junit_xml;

namespace {

// The shape of `ctest --output-junit` (CMake 3.25): attributes on lines of
// their own, a self-closing <failure>, escaped output.
const char* const ctest_report = R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="x"
	tests="3"
	failures="1"
	disabled="0"
	skipped="1"
	hostname=""
	time="1"
	timestamp="2026-12-03T10:00:00"
	>
	<testcase name="parallel_sum: compiles" classname="parallel_sum: compiles" time="0.004" status="run">
		<system-out></system-out>
	</testcase>
	<testcase name="parallel_sum: a &lt;b&gt; &amp; &quot;c&quot;"
	classname="x"
	time="1.25"
	status="fail">
		<failure message="Failed"/>
		<system-out>CHECK( sum == 3 ) with expansion: 2 == 3 &lt;-- &#27;[31mred&#27;[0m &#x263A;
</system-out>
	</testcase>
	<testcase name="parallel_sum: later" classname="x" time="0" status="notrun">
		<skipped message="Disabled"/>
		<system-out></system-out>
	</testcase>
</testsuite>
)";

} // namespace

TEST_CASE("junit: a ctest report gives one record per test, with its fields decoded", "[cli]") {
  const auto records = parse_junit(ctest_report);
  REQUIRE(records.size() == 3);
  CHECK(records[0].name == "parallel_sum: compiles");
  CHECK(records[0].status == "run");
  CHECK(records[0].failure_message.empty());
  CHECK(std::abs(records[0].seconds - 0.004) < 1e-9);

  CHECK(records[1].name == "parallel_sum: a <b> & \"c\"");
  CHECK(records[1].status == "fail");
  CHECK(records[1].failure_message == "Failed");
  CHECK(std::abs(records[1].seconds - 1.25) < 1e-9);
  CHECK(records[1].output ==
        "CHECK( sum == 3 ) with expansion: 2 == 3 <-- \x1b[31mred\x1b[0m \xE2\x98\xBA\n");

  CHECK(records[2].status == "notrun");
  CHECK(records[2].failure_message.empty());
}

TEST_CASE("junit: CDATA sections and comments in the output are read as XML means them", "[cli]") {
  const auto records =
      parse_junit("<testsuite><testcase name=\"t\" status=\"fail\">"
                  "<failure message=\"SEGFAULT\"/>"
                  "<system-out>before <![CDATA[<testcase name=\"fake\"/> & raw]]> after<!-- x -->"
                  " end</system-out></testcase></testsuite>");
  REQUIRE(records.size() == 1);
  CHECK(records[0].failure_message == "SEGFAULT");
  CHECK(records[0].output == "before <testcase name=\"fake\"/> & raw after end");
}

TEST_CASE("junit: a fragment of testcase elements after a comment is read whole", "[cli]") {
  const auto records =
      parse_junit("<!-- grader 1 2 3 -->\n"
                  "<testcase name=\"a\" status=\"run\" time=\"0.5\"/>\n"
                  "<testcase name=\"b\" status=\"fail\"><failure message=\"Timeout\"/></testcase>\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].name == "a");
  CHECK(records[1].failure_message == "Timeout");
}

TEST_CASE("junit: malformed input is an error that says where", "[cli]") {
  std::string message;
  try {
    parse_junit("<testsuite><testcase name=\"a\" status=\"run\">");
  } catch (const std::runtime_error& error) {
    message = error.what();
  }
  CHECK(message.rfind("malformed JUnit XML at byte ", 0) == 0);
  CHECK_THROWS_AS(parse_junit("<testcase name=\"a></testcase>"), std::runtime_error);
}

TEST_CASE("junit: a record written by the CLI reads back as it was", "[cli]") {
  TestRecord record;
  record.name = "keepalive_server: a <pipelined> & \"quoted\" request\tname";
  record.status = "fail";
  record.failure_message = "Exception: bad \"thing\" <here>";
  record.output = "line 1\r\nline 2 & <tag> ]]> \x1b[1mbold\x1b[0m\n\ttabbed\n";
  record.seconds = 2.5;
  const auto records = parse_junit("<!-- stamp -->\n" + to_junit_xml(record) + "\n" + to_junit_xml(record));
  REQUIRE(records.size() == 2);
  for (const auto& back : records) {
    CHECK(back.name == record.name);
    CHECK(back.status == record.status);
    CHECK(back.failure_message == record.failure_message);
    CHECK(back.output == record.output);
    CHECK(std::abs(back.seconds - 2.5) < 1e-9);
  }
}

TEST_CASE("junit: a passed record without output or failure has neither after the round trip", "[cli]") {
  TestRecord record;
  record.name = "x: compiles";
  record.status = "run";
  const auto records = parse_junit(to_junit_xml(record));
  REQUIRE(records.size() == 1);
  CHECK(records[0].failure_message.empty());
  CHECK(records[0].output.empty());
  CHECK(records[0].seconds == 0);
}
