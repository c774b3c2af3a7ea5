// Exercise: bounded_semaphore — Python's threading.BoundedSemaphore.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: bounded_semaphore".
// Grade it: `./workbook check bounded_semaphore`.
#pragma once

#include <workbook/not_implemented.hpp>
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
  explicit BoundedSemaphore([[maybe_unused]] std::size_t value) {
    throw workbook::not_implemented(__FILE__, "Exercise: bounded_semaphore");
  }
  BoundedSemaphore(const BoundedSemaphore&) = delete;
  BoundedSemaphore& operator=(const BoundedSemaphore&) = delete;

  /// Takes a permit, waiting while none is free.
  void acquire() { throw workbook::not_implemented(__FILE__, "Exercise: bounded_semaphore"); }

  /// Takes a permit if one is free now; returns whether it did.
  bool try_acquire() { throw workbook::not_implemented(__FILE__, "Exercise: bounded_semaphore"); }

  /// Like acquire, for at most `timeout`; returns whether it took a permit.
  template <class Rep, class Period>
  bool try_acquire_for([[maybe_unused]] std::chrono::duration<Rep, Period> timeout) {
    throw workbook::not_implemented(__FILE__, "Exercise: bounded_semaphore");
  }

  /// Gives a permit back.
  /// @throws released_too_many_times if every permit is already free.
  void release() { throw workbook::not_implemented(__FILE__, "Exercise: bounded_semaphore"); }

  /// The number of free permits now.
  [[nodiscard]] std::size_t available() const {
    throw workbook::not_implemented(__FILE__, "Exercise: bounded_semaphore");
  }

private:
  // Your state: the initial value, the free count, a mutex, a `typename Sync::condition_variable`.
};

} // namespace workbook::locks
