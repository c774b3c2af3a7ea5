// Exercise: periodic_worker — a background thread that ticks until it is told to stop.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: periodic_worker".
// Grade it: `./workbook check periodic_worker`.
#pragma once

#include <workbook/not_implemented.hpp>
#include <workbook/sync.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <utility>

namespace workbook::threads {

/// Calls `tick()` on a thread of its own (a `std::jthread`), on a fixed
/// schedule, until a stop is requested: the first tick at once, at the time
/// `start` the worker begins, and tick `k` at `start + k * period`, however
/// long the ticks take (the schedule does not drift). A tick that is still
/// running when the next one is due delays it: that one then starts as soon
/// as the late tick returns, and the ones after it keep to the schedule.
///
/// A stop interrupts the wait between ticks **at once**, not at the end of
/// the period; a tick that is running is allowed to finish, and no tick
/// starts after the stop was requested.
///
/// If a tick throws, the worker ends and `stop()` rethrows that exception
/// (once). The destructor requests a stop and joins; it never throws.
///
/// The wait between ticks is the one the chapter shows, with a deadline:
/// `std::condition_variable_any::wait_until(lock, stop_token, deadline,
/// predicate)` returns at the deadline or at once when a stop is requested,
/// even one requested before it began to wait.
///
/// `Sync` is the synchronization policy: write `typename Sync::jthread`,
/// `typename Sync::mutex`, `typename Sync::condition_variable_any` and
/// `Sync::clock::now()` where you would write the std names. The default,
/// `workbook::std_sync`, *is* those std types; the hidden tests pass a
/// simulated policy whose clock is virtual: a tick due at 20 ms must start
/// when that clock reads exactly 20 ms.
template <class Sync = workbook::std_sync> class PeriodicWorker {
public:
  using Duration = typename Sync::clock::duration;

  /// Starts the worker.
  /// @throws std::invalid_argument if `period` is not positive or `tick` is empty.
  PeriodicWorker([[maybe_unused]] Duration period, [[maybe_unused]] std::function<void()> tick) {
    throw workbook::not_implemented(__FILE__, "Exercise: periodic_worker");
  }
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;
  ~PeriodicWorker() = default; // think about what destroying your members does, and in what order

  /// Asks the worker to stop and returns at once. It never throws: once it
  /// is yours, declare it `noexcept` (the tests check that it is).
  void request_stop() { throw workbook::not_implemented(__FILE__, "Exercise: periodic_worker"); }

  /// Asks the worker to stop, waits until it has ended, and rethrows the
  /// exception a tick threw, if one did (only the first call rethrows it).
  void stop() { throw workbook::not_implemented(__FILE__, "Exercise: periodic_worker"); }

  /// How many ticks have finished (returned or thrown).
  [[nodiscard]] std::size_t ticks() const {
    throw workbook::not_implemented(__FILE__, "Exercise: periodic_worker");
  }

private:
  // Your state: a `typename Sync::jthread`, the period and the tick, what a
  // waiting worker waits on, the tick count and the exception a tick threw.
};

} // namespace workbook::threads
