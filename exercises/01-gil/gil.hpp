// Exercise: gil — build CPython's global interpreter lock.
//
// Chapter: chapters/01-gil/README.md, section "Exercise: gil".
// Grade it: `./workbook check gil` or `ctest --test-dir build/learner -L '^gil$'`.
#pragma once

#include <workbook/not_implemented.hpp>
#include <workbook/sync.hpp>

#include <chrono>
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
/// The protocol, with a *switch interval* I (zero unless the constructor is
/// given one; CPython's is 5 ms, `sys.getswitchinterval()`):
/// - `acquire()`: if no thread holds the GIL, take it. Otherwise wait until
///   the GIL is free, then take it. While it waits, the thread sets the
///   *drop request* once it has waited I since it began waiting, or since the
///   current holder took the GIL if that was later; with I = 0, at once. A
///   spurious wakeup must not restart the interval: compute the deadline from
///   those two instants, not from the moment the wait returned.
///   `acquire()` by the thread that already holds the GIL is an error: it
///   throws std::logic_error (the GIL is not reentrant, and waiting for
///   itself would never end).
/// - Taking the GIL clears the drop request, and each thread still waiting
///   sets it again one interval later, as above. With I = 0 that is at
///   once: while a thread holds the GIL, the request is set exactly when
///   another thread waits, so a thread that takes the GIL while another
///   waits sees it set. (CPython's `take_gil` clears it too, and its
///   waiters set it again after their 5 ms.)
/// - `check()`, called by the holder: if no drop is requested, return at
///   once. Otherwise give up the GIL, wait until **another thread has taken
///   it** (forced switching: the dropper must not simply win the race for the
///   lock it just dropped), then acquire it again **as a waiter would**:
///   counted among the waiters, setting the drop request after its interval,
///   so that the new holder hands the GIL back at a later `check()` (at its
///   next one, with I = 0).
/// - `release()`: give up the GIL and wake the waiters. (Whether the drop
///   request reads as set while nobody holds the GIL does not matter: the
///   next take sets it right.)
/// - `switches()` counts every time a thread took the GIL: each `acquire()`,
///   and each re-take at the end of a `check()` that handed over (so one
///   handover and back is two). A `check()` that returns at once counts
///   nothing.
///
/// Guarantees the tests check: never two holders at once; a waiter that has
/// set the drop request gets the GIL at the holder's next `check()`; the
/// request stays set while a thread waits (I = 0); no waiting thread starves
/// while another runs bytecodes; waits survive spurious wakeups; the request
/// is set exactly one switch interval after the wait began or the GIL last
/// changed hands, on `Sync::clock`.
///
/// `Sync` is the synchronization policy: write `typename Sync::mutex`,
/// `typename Sync::condition_variable` (its waits take a
/// `std::unique_lock<typename Sync::mutex>`: `wait`, and `wait_until` with a
/// deadline on `Sync::clock`), `Sync::clock::now()` and
/// `Sync::this_thread::get_id()` where you would write the std names. The
/// default, `workbook::std_sync`, *is* those std types; the hidden tests
/// pass a simulated policy, so that they can run your GIL under every
/// schedule of a small scenario, on a virtual clock that moves only when
/// every thread waits.
template <class Sync = workbook::std_sync> class Gil {
public:
  /// A free GIL with a switch interval of zero: nobody holds it, no drop is
  /// requested.
  Gil() { throw workbook::not_implemented(__FILE__, "Exercise: gil"); }
  /// A free GIL whose waiters set the drop request after `switch_interval`.
  /// @throws std::invalid_argument if `switch_interval` is negative.
  explicit Gil([[maybe_unused]] std::chrono::nanoseconds switch_interval) {
    throw workbook::not_implemented(__FILE__, "Exercise: gil");
  }
  Gil(const Gil&) = delete;
  Gil& operator=(const Gil&) = delete;

  /// Takes the GIL, waiting while another thread holds it (and setting the
  /// drop request once it has waited one switch interval).
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

private:
  // Your state: a `typename Sync::mutex` (mutable: the const queries lock
  // it too), a `typename Sync::condition_variable`, the holder, how many
  // threads wait, the drop request, the takeover count, the interval, and
  // when the current holder took the GIL.
};

} // namespace workbook::gil
