// A condition variable for the hidden tests: it counts the threads blocked
// in it (so a test can wait until a thread really waits, without sleeping);
// on request it wakes waiters spuriously on every other wait, as the standard
// allows any condition variable to do ([thread.condition.condvar]); and on
// request each notify lets the woken thread run before the notifier goes on,
// which turns a notify sent before the state change into a certain lost
// wakeup instead of a rare one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace workbook::testing {

struct WaitStats {
  static inline std::atomic<int> blocked{0};     ///< threads inside a real wait now
  static inline std::atomic<int> spurious{0};    ///< waits that returned spuriously so far
  static inline std::atomic<bool> inject{false}; ///< return spuriously from every other wait
  static inline std::atomic<bool> settle{false}; ///< a notify waits (briefly) for the woken thread to run
  static inline std::atomic<unsigned> flip{0};
  static inline std::atomic<long> returned{0}; ///< real waits that have returned so far

  static void reset(bool spurious_wakeups = false, bool settle_after_notify = false) {
    blocked = 0;
    spurious = 0;
    flip = 0;
    returned = 0;
    inject = spurious_wakeups;
    settle = settle_after_notify;
  }
  /// Spins (yielding) until `count` threads are blocked; the watchdog ends a test that waits forever.
  static void wait_until_blocked(int count) {
    while (blocked.load() < count) {
      std::this_thread::yield();
    }
  }
  /// Spins until `count` threads are blocked or `gave_up()` (a waiter that returned too early).
  template <class Predicate> static void wait_until_blocked_or(int count, Predicate gave_up) {
    while (blocked.load() < count && !gave_up()) {
      std::this_thread::yield();
    }
  }
};

class InstrumentedConditionVariable {
public:
  template <class Lock> void wait(Lock& lock) {
    if (spurious_now(lock)) {
      return;
    }
    ++WaitStats::blocked;
    inner_.wait(lock);
    --WaitStats::blocked;
    ++WaitStats::returned;
  }
  template <class Lock, class Predicate> void wait(Lock& lock, Predicate ready) {
    while (!ready()) {
      wait(lock);
    }
  }
  template <class Lock, class Clock, class Duration>
  std::cv_status wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline) {
    if (spurious_now(lock)) {
      return Clock::now() < deadline ? std::cv_status::no_timeout : std::cv_status::timeout;
    }
    ++WaitStats::blocked;
    const auto status = inner_.wait_until(lock, deadline);
    --WaitStats::blocked;
    ++WaitStats::returned;
    return status;
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline, Predicate ready) {
    while (!ready()) {
      if (wait_until(lock, deadline) == std::cv_status::timeout) {
        return ready();
      }
    }
    return true;
  }
  template <class Lock, class Rep, class Period>
  std::cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout) {
    return wait_until(lock, std::chrono::steady_clock::now() + timeout);
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate ready) {
    return wait_until(lock, std::chrono::steady_clock::now() + timeout, std::move(ready));
  }
  void notify_one() noexcept {
    notify([this] { inner_.notify_one(); });
  }
  void notify_all() noexcept {
    notify([this] { inner_.notify_all(); });
  }

private:
  // With `settle`, give a woken waiter up to 50 ms to get the mutex back and
  // return from its wait. A notifier that holds the mutex (the usual way)
  // just waits out the 50 ms; one that notifies before changing the state
  // lets the waiter find nothing to do and wait again, for good.
  template <class Notify> static void notify(Notify inner_notify) noexcept {
    const long before = WaitStats::returned.load();
    inner_notify();
    if (!WaitStats::settle.load()) {
      return;
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
    while (WaitStats::returned.load() == before && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
    }
  }

  template <class Lock> bool spurious_now(Lock& lock) {
    if (!WaitStats::inject.load() || WaitStats::flip.fetch_xor(1) != 0) {
      return false;
    }
    lock.unlock();
    std::this_thread::yield();
    lock.lock();
    ++WaitStats::spurious;
    return true;
  }

  std::condition_variable_any inner_;
};

} // namespace workbook::testing
