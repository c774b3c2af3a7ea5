// Exercise: event — Python's threading.Event: a flag that threads can wait for.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: event".
// Grade it: `./workbook check event`.
#pragma once

#include <workbook/sync.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>

namespace workbook::locks {

/// Python's `threading.Event`: a flag, initially clear, and a way to wait
/// until it is set. `set()` releases **every** thread waiting at that moment,
/// even if `clear()` is called before they get to run (as in Python, where
/// `wait` returns True for them); a thread that starts waiting after the
/// flag was cleared waits for the next `set()`.
///
/// `Sync` is the synchronization policy: write `typename Sync::mutex`,
/// `typename Sync::condition_variable` (its waits take a
/// `std::unique_lock<typename Sync::mutex>`) and `Sync::clock::now()` where
/// you would write the std names. The default, `workbook::std_sync`, *is* those
/// std types; the hidden tests pass a simulated policy so that they can run
/// your code under every schedule of a small scenario.
template <class Sync = workbook::std_sync> class Event {
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
    const auto deadline = Sync::clock::now() + timeout;
    const std::uint64_t arrived_in = generation_;
    while (!flag_ && generation_ == arrived_in) {
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
        return flag_ || generation_ != arrived_in;
      }
    }
    return true;
  }

private:
  mutable typename Sync::mutex mutex_;
  typename Sync::condition_variable changed_;
  bool flag_ = false;
  std::uint64_t generation_ = 0; ///< how many times the flag went from clear to set
};

} // namespace workbook::locks
