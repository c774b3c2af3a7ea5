// A per-test-case deadline: the grader's backstop against deadlocks.
//
// Tests never measure time. The watchdog exists only so that a learner's
// deadlock ends with a message naming the stuck test case instead of a hung
// test run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace workbook::grader {

class Watchdog {
public:
  explicit Watchdog(std::chrono::seconds budget);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  /// Starts the clock for one test case, and notes which threads run already.
  void arm(std::string test_case);
  /// Stops the clock: the test case finished in time.
  void disarm();

  [[nodiscard]] std::chrono::seconds budget() const { return budget_; }

private:
  void watch();

  std::chrono::seconds budget_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool armed_ = false;
  bool stopping_ = false;
  std::string test_case_;
  // The threads already running when the case began (from earlier cases of
  // the same run, or the runtime's own): a stuck case's report leaves them out.
  std::vector<pid_t> earlier_threads_;
  std::chrono::steady_clock::time_point deadline_;
  std::thread thread_;

public:
  /// The exit status of a run the watchdog ended.
  static constexpr int kWatchdogExitCode = 124;
};

} // namespace workbook::grader
