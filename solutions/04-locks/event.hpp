// Exercise: event — Python's threading.Event: a flag that threads can wait for.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: event".
// Grade it: `./workbook check event`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace workbook::locks {

/// Python's `threading.Event`: a flag, initially clear, and a way to wait
/// until it is set. `set()` releases **every** thread waiting at that moment,
/// even if `clear()` is called before they get to run (as in Python, where
/// `wait` returns True for them); a thread that starts waiting after the
/// flag was cleared waits for the next `set()`.
///
/// `ConditionVariable` is what waiters wait on: the hidden tests substitute
/// an instrumented one (the interface of `std::condition_variable_any`; waits
/// take a `std::unique_lock<std::mutex>`).
template <class ConditionVariable = std::condition_variable> class Event {
public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  /// Sets the flag and wakes every waiter.
  void set() {
    {
      std::lock_guard lock(mutex_);
      if (flag_) {
        return;
      }
      flag_ = true;
      ++generation_; // the waiters of this generation are released for good
    }
    changed_.notify_all();
  }

  /// Clears the flag.
  void clear() {
    std::lock_guard lock(mutex_);
    flag_ = false;
  }

  /// Whether the flag is set.
  [[nodiscard]] bool is_set() const {
    std::lock_guard lock(mutex_);
    return flag_;
  }

  /// Blocks until the flag is set (returns at once if it is).
  void wait() {
    std::unique_lock lock(mutex_);
    const std::uint64_t arrived_in = generation_;
    while (!flag_ && generation_ == arrived_in) {
      changed_.wait(lock);
    }
  }

  /// Like wait, for at most `timeout`; returns whether the flag was set
  /// (Python's `wait(timeout)` returning True or False).
  template <class Rep, class Period> bool wait_for(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::uint64_t arrived_in = generation_;
    while (!flag_ && generation_ == arrived_in) {
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
        return flag_ || generation_ != arrived_in;
      }
    }
    return true;
  }

private:
  mutable std::mutex mutex_;
  ConditionVariable changed_;
  bool flag_ = false;
  std::uint64_t generation_ = 0; ///< how many times the flag went from clear to set
};

} // namespace workbook::locks
