// Reference solution: gil — CPython's global interpreter lock, simulated.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace workbook::gil {

/// A global interpreter lock with CPython's drop-request handoff (see the
/// exercise for the contract).
template <class Mutex = std::mutex, class ConditionVariable = std::condition_variable> class Gil {
public:
  Gil() = default;
  Gil(const Gil&) = delete;
  Gil& operator=(const Gil&) = delete;

  void acquire() {
    std::unique_lock lock(mutex_);
    if (holder_ == std::this_thread::get_id()) {
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
  void take(std::unique_lock<Mutex>& lock) {
    ++waiting_;
    while (holder_.has_value()) {
      drop_request_ = true; // ask the holder to hand over at its next check
      changed_.wait(lock);
    }
    --waiting_;
    holder_ = std::this_thread::get_id();
    ++takeovers_;
    drop_request_ = waiting_ > 0; // the request stands while anyone waits
    changed_.notify_all();        // a thread in check() waits for this takeover
  }

  void give_up() {
    holder_.reset();
    drop_request_ = false;
  }

  void require_holder(const char* operation) const {
    if (holder_ != std::this_thread::get_id()) {
      throw std::logic_error(std::string("Gil::") + operation + ": the calling thread does not hold the GIL");
    }
  }

  mutable Mutex mutex_;
  ConditionVariable changed_;
  std::optional<std::thread::id> holder_;
  std::size_t waiting_ = 0;
  std::size_t takeovers_ = 0;
  bool drop_request_ = false;
};

} // namespace workbook::gil
