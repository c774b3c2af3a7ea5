// Exercise: periodic_worker — a background thread that ticks until it is told to stop.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: periodic_worker".
// Grade it: `./workbook check periodic_worker`.
#pragma once

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
class PeriodicWorker {
public:
  using Duration = std::chrono::steady_clock::duration;

  /// Starts the worker.
  /// @throws std::invalid_argument if `period` is not positive or `tick` is empty.
  PeriodicWorker(Duration period, std::function<void()> tick) : period_(period), tick_(std::move(tick)) {
    if (period_ <= Duration::zero() || !tick_) {
      throw std::invalid_argument("PeriodicWorker needs a positive period and a tick function");
    }
    worker_ = std::jthread([this](std::stop_token stop) { run(stop); });
  }
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;
  ~PeriodicWorker() = default; // the jthread requests a stop (waking the wait) and joins

  /// Asks the worker to stop and returns at once.
  void request_stop() noexcept { worker_.request_stop(); }

  /// Asks the worker to stop, waits until it has ended, and rethrows the
  /// exception a tick threw, if one did (only the first call rethrows it).
  void stop() {
    worker_.request_stop();
    if (worker_.joinable()) {
      worker_.join();
    }
    if (auto error = std::exchange(error_, nullptr)) {
      std::rethrow_exception(error);
    }
  }

  /// How many ticks have finished (returned or thrown).
  [[nodiscard]] std::size_t ticks() const {
    std::lock_guard lock(mutex_);
    return ticks_;
  }

private:
  void run(const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      try {
        tick_();
      } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception(); // read by stop() after join: no race
        ++ticks_;
        return;
      }
      std::unique_lock lock(mutex_);
      ++ticks_;
      // Returns when the period has passed or a stop is requested, whichever
      // comes first; the stop_token overload cannot miss a stop requested
      // just before it starts waiting.
      wake_.wait_for(lock, stop, period_, [] { return false; });
    }
  }

  const Duration period_;
  const std::function<void()> tick_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::size_t ticks_ = 0;
  std::exception_ptr error_;
  std::jthread worker_; // last: destroyed (stopped and joined) first
};

} // namespace workbook::threads
