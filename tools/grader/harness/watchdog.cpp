#include "watchdog.hpp"

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace workbook::grader {

Watchdog::Watchdog(std::chrono::seconds budget) : budget_(budget), thread_([this] { watch(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void Watchdog::arm(std::string test_case) {
  {
    std::lock_guard lock(mutex_);
    test_case_ = std::move(test_case);
    deadline_ = std::chrono::steady_clock::now() + budget_;
    armed_ = true;
  }
  changed_.notify_one();
}

void Watchdog::disarm() {
  {
    std::lock_guard lock(mutex_);
    armed_ = false;
  }
  changed_.notify_one();
}

void Watchdog::watch() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!armed_) {
      changed_.wait(lock, [this] { return stopping_ || armed_; });
      continue;
    }
    if (changed_.wait_until(lock, deadline_) == std::cv_status::timeout && armed_ &&
        std::chrono::steady_clock::now() >= deadline_) {
      std::fprintf(stderr,
                   "\nworkbook watchdog: test case \"%s\" did not finish within %lld s: "
                   "likely a deadlock or a missed notify.\n"
                   "  (The budget is a backstop, not a speed limit; set WORKBOOK_TEST_BUDGET "
                   "to change it.)\n",
                   test_case_.c_str(), static_cast<long long>(budget_.count()));
      std::fflush(stderr);
      std::fflush(stdout);
      // _Exit: a deadlocked program cannot run destructors or atexit handlers safely.
      std::_Exit(kWatchdogExitCode);
    }
  }
}

} // namespace workbook::grader
