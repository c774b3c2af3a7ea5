// Exercise: periodic_worker — a background thread that ticks until it is told to stop.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: periodic_worker".
// Grade it: `./workbook check periodic_worker`.
#pragma once

#include <workbook/not_implemented.hpp>

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

/// Calls `tick()` on a thread of its own (a `std::jthread`): once at once,
/// then again each time `period` has passed since the previous tick
/// returned, until a stop is requested. A stop interrupts the wait between
/// ticks **at once**, not at the end of the period; a tick that is running
/// is allowed to finish, and no tick starts after the stop was requested.
///
/// If a tick throws, the worker ends and `stop()` rethrows that exception
/// (once). The destructor requests a stop and joins; it never throws.
///
/// The wait between ticks is the one the chapter shows:
/// `std::condition_variable_any::wait_for(lock, stop_token, period, predicate)`
/// returns at once when a stop is requested, even one requested before it
/// began to wait.
class PeriodicWorker {
public:
  using Duration = std::chrono::steady_clock::duration;

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
  // Your state: a std::jthread, the period and the tick, what a waiting
  // worker waits on, the tick count and the exception a tick threw.
};

} // namespace workbook::threads
