// Exercise: bounded_semaphore — Python's threading.BoundedSemaphore.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: bounded_semaphore".
// Grade it: `./workbook check bounded_semaphore`.
#pragma once

#include <workbook/sync.hpp>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <stdexcept>

namespace workbook::locks {

/// Thrown by BoundedSemaphore::release beyond the initial value (Python
/// raises `ValueError: Semaphore released too many times`).
class released_too_many_times : public std::logic_error {
public:
  released_too_many_times() : std::logic_error("bounded semaphore released too many times") {}
};

/// Python's `threading.BoundedSemaphore(value)`: a counter of free permits,
/// starting at `value`. `acquire` takes a permit, waiting while there is
/// none; `release` gives one back and wakes one waiter. A release that would
/// raise the count above `value` is a bug in the caller: it throws
/// `released_too_many_times` and leaves the count unchanged (C++'s
/// `std::counting_semaphore` makes that undefined behaviour instead).
///
/// `Sync` is the synchronization policy: write `typename Sync::mutex`,
/// `typename Sync::condition_variable` (its waits take a
/// `std::unique_lock<typename Sync::mutex>`) and `Sync::clock::now()` where
/// you would write the std names. The default, `workbook::std_sync`, *is* those
/// std types; the hidden tests pass a simulated policy so that they can run
/// your code under every schedule of a small scenario.
template <class Sync = workbook::std_sync> class BoundedSemaphore {
public:
  /// `value` permits, all free (0 is allowed: every acquire waits for a release).
  explicit BoundedSemaphore(std::size_t value) : limit_(value), free_(value) {}
  BoundedSemaphore(const BoundedSemaphore&) = delete;
  BoundedSemaphore& operator=(const BoundedSemaphore&) = delete;

  /// Takes a permit, waiting while none is free.
  void acquire() {
    std::unique_lock lock(mutex_);
    while (free_ == 0) {
      freed_.wait(lock);
    }
    --free_;
  }

  /// Takes a permit if one is free now; returns whether it did.
  bool try_acquire() {
    std::lock_guard lock(mutex_);
    if (free_ == 0) {
      return false;
    }
    --free_;
    return true;
  }

  /// Like acquire, for at most `timeout`; returns whether it took a permit.
  template <class Rep, class Period> bool try_acquire_for(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    const auto deadline = Sync::clock::now() + timeout;
    while (free_ == 0) {
      if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && free_ == 0) {
        return false;
      }
    }
    --free_;
    return true;
  }

  /// Gives a permit back.
  /// @throws released_too_many_times if every permit is already free.
  void release() {
    {
      std::lock_guard lock(mutex_);
      if (free_ == limit_) {
        throw released_too_many_times();
      }
      ++free_;
    }
    freed_.notify_one();
  }

  /// The number of free permits now.
  [[nodiscard]] std::size_t available() const {
    std::lock_guard lock(mutex_);
    return free_;
  }

private:
  const std::size_t limit_;
  mutable typename Sync::mutex mutex_;
  typename Sync::condition_variable freed_;
  std::size_t free_;
};

} // namespace workbook::locks
