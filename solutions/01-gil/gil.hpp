// Reference solution: gil — CPython's global interpreter lock, simulated.
#pragma once

#include <workbook/sync.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace workbook::gil {

/// A global interpreter lock with CPython's drop-request handoff (see the
/// exercise for the contract).
template <class Sync = workbook::std_sync> class Gil {
public:
  Gil() = default;
  explicit Gil(std::chrono::nanoseconds switch_interval) : interval_(switch_interval) {
    if (switch_interval < std::chrono::nanoseconds::zero()) {
      throw std::invalid_argument("Gil: the switch interval must not be negative");
    }
  }
  Gil(const Gil&) = delete;
  Gil& operator=(const Gil&) = delete;

  void acquire() {
    std::unique_lock lock(mutex_);
    if (holder_ == Sync::this_thread::get_id()) {
      throw std::logic_error("Gil::acquire: the calling thread already holds the GIL");
    }
    take(lock);
  }

  void release() {
    std::unique_lock lock(mutex_);
    require_holder("release");
    give_up();
    lock.unlock();
    changed_.notify_all();
  }

  // [check]
  void check() {
    std::unique_lock lock(mutex_);
    require_holder("check");
    if (!drop_request_) {
      return; // the fast path: nobody is waiting
    }
    const std::size_t taken_before = takeovers_;
    give_up();
    changed_.notify_all();
    // Forced switching: do not race the waiter for the lock we just dropped;
    // wait until another thread has actually taken it.
    while (takeovers_ == taken_before) {
      changed_.wait(lock);
    }
    take(lock);
  }
  // [check]

  [[nodiscard]] bool drop_requested() const {
    std::lock_guard lock(mutex_);
    return drop_request_;
  }

  [[nodiscard]] std::optional<std::thread::id> holder() const {
    std::lock_guard lock(mutex_);
    return holder_;
  }

  [[nodiscard]] std::size_t switches() const {
    std::lock_guard lock(mutex_);
    return takeovers_;
  }

private:
  using Clock = typename Sync::clock;

  // [take]
  void take(std::unique_lock<typename Sync::mutex>& lock) {
    const auto waiting_since = Clock::now();
    ++waiting_;
    while (holder_.has_value()) {
      // One switch interval after this thread began waiting, or after the
      // current holder took the GIL if that was later. Computed afresh on
      // every pass, so a spurious wakeup does not restart the interval.
      const auto deadline = std::max(waiting_since, taken_at_) + interval_;
      if (Clock::now() >= deadline) {
        drop_request_ = true; // ask the holder to hand over at its next check
        changed_.wait(lock);
      } else {
        changed_.wait_until(lock, deadline);
      }
    }
    --waiting_;
    holder_ = Sync::this_thread::get_id();
    taken_at_ = Clock::now();
    ++takeovers_;
    // A take clears the request; each thread still waiting sets it again one
    // interval from now. With an interval of zero that is at once.
    drop_request_ = waiting_ > 0 && interval_ == std::chrono::nanoseconds::zero();
    changed_.notify_all(); // a thread in check() waits for this takeover
  }
  // [take]

  void give_up() {
    holder_.reset();
    drop_request_ = false;
  }

  void require_holder(const char* operation) const {
    if (holder_ != Sync::this_thread::get_id()) {
      throw std::logic_error(std::string("Gil::") + operation + ": the calling thread does not hold the GIL");
    }
  }

  mutable typename Sync::mutex mutex_;
  typename Sync::condition_variable changed_;
  std::chrono::nanoseconds interval_{0};
  std::optional<std::thread::id> holder_;
  typename Clock::time_point taken_at_{};
  std::size_t waiting_ = 0;
  std::size_t takeovers_ = 0;
  bool drop_request_ = false;
};

} // namespace workbook::gil
