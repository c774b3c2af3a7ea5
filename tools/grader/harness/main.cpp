// The Catch2 main shared by every hidden test, compiled once.
//
// It adds what a grader needs on top of Catch2:
//  - a watchdog per test case (WORKBOOK_TEST_BUDGET seconds, default 10) that
//    names a stuck test case as a likely deadlock and ends the run;
//  - an "expect failure" mode (WORKBOOK_EXPECT_FAILURE=1) used on the shipped
//    stubs, where a test case that passes is the error: it could not tell a
//    stub from a solution;
//  - a check that the requested test case exists, so a typo in a test name
//    cannot pass by running nothing.
#define CATCH_CONFIG_RUNNER
#include "catch.hpp"
#include "watchdog.hpp"
#include "workbook/not_implemented.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

workbook::grader::Watchdog* g_watchdog = nullptr;
std::atomic<int> g_test_cases_started{0};

#if WORKBOOK_CATCH2_MAJOR >= 3
using ListenerBase = Catch::EventListenerBase;
#else
using ListenerBase = Catch::TestEventListenerBase;
#endif

class WatchdogListener : public ListenerBase {
public:
  using ListenerBase::ListenerBase;

  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    ++g_test_cases_started;
    if (g_watchdog != nullptr) {
      g_watchdog->arm(std::string(info.name));
    }
  }

  void testCaseEnded(Catch::TestCaseStats const& /*stats*/) override {
    if (g_watchdog != nullptr) {
      g_watchdog->disarm();
    }
  }
};

long budget_from_environment() {
  const char* text = std::getenv("WORKBOOK_TEST_BUDGET");
  if (text == nullptr || *text == '\0') {
    return 10;
  }
  char* end = nullptr;
  const long seconds = std::strtol(text, &end, 10);
  if (*end != '\0' || seconds <= 0) {
    std::fprintf(stderr,
                 "workbook: ignoring WORKBOOK_TEST_BUDGET=\"%s\" (not a positive number of seconds)\n", text);
    return 10;
  }
  return seconds;
}

bool expecting_failure() {
  const char* text = std::getenv("WORKBOOK_EXPECT_FAILURE");
  return text != nullptr && std::string(text) == "1";
}

} // namespace

CATCH_REGISTER_LISTENER(WatchdogListener)

// The stubs' exception is not a std::exception (so that it never satisfies a
// test expecting a standard one): show its message all the same.
CATCH_TRANSLATE_EXCEPTION(workbook::not_implemented const& error) {
  return error.what();
}

int main(int argc, char* argv[]) {
  Catch::Session session;
  if (const int status = session.applyCommandLine(argc, argv); status != 0) {
    return status;
  }

  int failed = 0;
  {
    workbook::grader::Watchdog watchdog{std::chrono::seconds{budget_from_environment()}};
    g_watchdog = &watchdog;
    failed = session.run();
    g_watchdog = nullptr;
  }

  const auto& config = session.configData();
#if WORKBOOK_CATCH2_MAJOR >= 3
  const bool listing = config.listTests || config.listTags || config.listReporters;
#else
  const bool listing =
      config.listTests || config.listTestNamesOnly || config.listTags || config.listReporters;
#endif
  if (listing || config.showHelp) {
    return failed;
  }
  if (g_test_cases_started == 0) {
    std::fprintf(stderr, "workbook: no test case matched the command line: nothing was graded.\n");
    return 2;
  }
  if (expecting_failure()) {
    if (failed > 0) {
      std::printf("workbook: failed against the shipped stub, as it must.\n");
      return 0;
    }
    std::fprintf(stderr, "workbook: PASSED against the shipped stub: this test cannot tell a stub "
                         "from a solution.\n");
    return 1;
  }
  return failed > 0 ? 1 : 0;
}
