// Exercise: gil — build CPython's global interpreter lock.
//
// Chapter: chapters/01-gil/README.md, section "Exercise: gil".
// Grade it: `./workbook check gil` or `ctest --test-dir build/learner -L '^gil$'`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace workbook::gil {

/// A simulated global interpreter lock with the handoff protocol of
/// CPython's "new GIL" (3.2 and later): threads run "bytecodes" only while
/// they hold the GIL, and the holder calls `check()` between bytecodes, the
/// way CPython's eval loop checks its "eval breaker".
///
/// The protocol:
/// - `acquire()`: if no thread holds the GIL, take it. Otherwise set the
///   drop request and wait until the GIL is free, then take it. (CPython's
///   waiter first waits one switch interval, 5 ms by default, before it sets
///   the request; here the interval is zero, so that the tests need no clock.)
///   The drop request stays set as long as any thread is waiting: when a
///   thread takes the GIL, the request is set if another thread still
///   waits and cleared if none does. (CPython clears it on every take and
///   each remaining waiter sets it again after its own switch interval; with
///   an interval of zero that is at once, which is this rule.)
///   `acquire()` by the thread that already holds the GIL is an error: it
///   throws std::logic_error (the GIL is not reentrant, and waiting for
///   itself would never end).
/// - `check()`, called by the holder: if no drop is requested, return at
///   once. Otherwise give up the GIL, wait until **another thread has taken
///   it** (forced switching: the dropper must not simply win the race for the
///   lock it just dropped), then acquire it again **as a waiter would**:
///   counted among the waiters, with the drop request set, so that the new
///   holder hands the GIL back at its next `check()`.
/// - `release()`: give up the GIL and wake the waiters.
/// - `switches()` counts every time a thread took the GIL: each `acquire()`,
///   and each re-take at the end of a `check()` that handed over (so one
///   handover and back is two). A `check()` that returns at once counts
///   nothing.
///
/// Guarantees the tests check: never two holders at once; a waiter that has
/// set the drop request gets the GIL at the holder's next `check()`; no
/// waiting thread starves while another runs bytecodes; waits survive
/// spurious wakeups of the condition variable.
///
/// @tparam Mutex the mutex type (the tests inject their own).
/// @tparam ConditionVariable a condition variable usable with
///         `std::unique_lock<Mutex>`; it may wake spuriously. Use only
///         `wait(lock)`, `wait(lock, predicate)`, `notify_one()` and
///         `notify_all()`: the tests' condition variables offer those (the
///         predicate overload loops as std::condition_variable's does), and
///         no timed wait.
template <class Mutex = std::mutex, class ConditionVariable = std::condition_variable> class Gil {
public:
  /// A free GIL: nobody holds it, no drop is requested.
  Gil() { throw workbook::not_implemented(__FILE__, "Exercise: gil"); }
  Gil(const Gil&) = delete;
  Gil& operator=(const Gil&) = delete;

  /// Takes the GIL, waiting (with the drop request set) while another thread
  /// holds it.
  /// @throws std::logic_error if the calling thread already holds the GIL.
  void acquire() { throw workbook::not_implemented(__FILE__, "Exercise: gil"); }

  /// Gives the GIL up and wakes the waiters.
  /// @throws std::logic_error if the calling thread does not hold the GIL.
  void release() { throw workbook::not_implemented(__FILE__, "Exercise: gil"); }

  /// The holder's check between two bytecodes: hands the GIL over when a
  /// drop is requested, and returns once it holds the GIL again.
  /// @throws std::logic_error if the calling thread does not hold the GIL.
  void check() { throw workbook::not_implemented(__FILE__, "Exercise: gil"); }

  /// Whether a waiting thread has asked the holder to drop the GIL.
  [[nodiscard]] bool drop_requested() const { throw workbook::not_implemented(__FILE__, "Exercise: gil"); }

  /// The thread holding the GIL, if any.
  [[nodiscard]] std::optional<std::thread::id> holder() const {
    throw workbook::not_implemented(__FILE__, "Exercise: gil");
  }

  /// How many times a thread has taken the GIL so far (see `switches()` above).
  [[nodiscard]] std::size_t switches() const { throw workbook::not_implemented(__FILE__, "Exercise: gil"); }
};

} // namespace workbook::gil
