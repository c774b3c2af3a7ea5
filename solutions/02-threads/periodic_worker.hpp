// Exercise: periodic_worker — a background thread that ticks until it is told to stop.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: periodic_worker".
// Grade it: `./workbook check periodic_worker`.
#pragma once

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
/// `Sync` is the synchronization policy (`workbook::std_sync` by default;
/// the hidden tests pass a simulated one with a virtual clock).
template <class Sync = workbook::std_sync> class PeriodicWorker {
public:
  using Duration = typename Sync::clock::duration;

  /// Starts the worker.
  /// @throws std::invalid_argument if `period` is not positive or `tick` is empty.
  PeriodicWorker(Duration period, std::function<void()> tick) : period_(period), tick_(std::move(tick)) {
    if (period_ <= Duration::zero() || !tick_) {
      throw std::invalid_argument("PeriodicWorker needs a positive period and a tick function");
    }
    worker_ = typename Sync::jthread([this](std::stop_token stop) { run(stop); });
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
    // Tick k is due at start + k * period: each deadline is the last one
    // plus a period, never "now" plus a period, which would add the tick's
    // own duration to every interval.
    auto due = Sync::clock::now();
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
      due += period_;
      // Returns at the deadline or when a stop is requested, whichever comes
      // first (at once if the deadline has passed: a late tick's successor);
      // the stop_token overload cannot miss a stop requested just before it
      // starts waiting.
      wake_.wait_until(lock, stop, due, [] { return false; });
    }
  }

  const Duration period_;
  const std::function<void()> tick_;
  mutable typename Sync::mutex mutex_;
  typename Sync::condition_variable_any wake_;
  std::size_t ticks_ = 0;
  std::exception_ptr error_;
  typename Sync::jthread worker_; // last: destroyed (stopped and joined) first
};

} // namespace workbook::threads
