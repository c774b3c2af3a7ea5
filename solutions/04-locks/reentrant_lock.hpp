// Exercise: reentrant_lock — Python's threading.RLock, built from a mutex and a condition variable.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: reentrant_lock".
// Grade it: `./workbook check reentrant_lock`.
#pragma once

#include <workbook/sync.hpp>

#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace workbook::locks {

/// Thrown by ReentrantLock::unlock when the calling thread does not hold the
/// lock (Python raises `RuntimeError: cannot release un-acquired lock`).
class not_owner : public std::logic_error {
public:
  not_owner() : std::logic_error("unlock of a reentrant lock by a thread that does not hold it") {}
};

/// Python's `threading.RLock` (what `std::recursive_mutex` is in C++): the
/// thread that holds it may lock it again, and must unlock it as many times
/// as it locked it before another thread can have it. Only the owner may
/// unlock: `unlock` by any other thread, or of a lock nobody holds, throws
/// `not_owner` and changes nothing.
///
/// It meets the standard's *Lockable* requirements, so `std::lock_guard`,
/// `std::unique_lock` and `std::scoped_lock` work with it.
///
/// `Sync` is the synchronization policy: write `typename Sync::mutex`,
/// `typename Sync::condition_variable` (its waits take a
/// `std::unique_lock<typename Sync::mutex>`) and `Sync::this_thread::get_id()`
/// where you would write the std names. The default, `workbook::std_sync`,
/// *is* those std types; the hidden tests pass a simulated policy so that they
/// can run your code under every schedule of a small scenario.
template <class Sync = workbook::std_sync> class ReentrantLock {
public:
  ReentrantLock() = default;
  ReentrantLock(const ReentrantLock&) = delete;
  ReentrantLock& operator=(const ReentrantLock&) = delete;

  /// Takes the lock, waiting while another thread holds it; a thread that
  /// holds it already just counts one more level.
  void lock() {
    const auto me = Sync::this_thread::get_id();
    std::unique_lock guard(mutex_);
    while (depth_ > 0 && owner_ != me) {
      released_.wait(guard);
    }
    owner_ = me;
    ++depth_;
  }

  /// Takes the lock if it is free or already this thread's; never waits.
  bool try_lock() {
    const auto me = Sync::this_thread::get_id();
    std::lock_guard guard(mutex_);
    if (depth_ > 0 && owner_ != me) {
      return false;
    }
    owner_ = me;
    ++depth_;
    return true;
  }

  /// Releases one level; the last one frees the lock for other threads.
  /// @throws not_owner if the calling thread does not hold the lock.
  void unlock() {
    {
      std::lock_guard guard(mutex_);
      if (depth_ == 0 || owner_ != Sync::this_thread::get_id()) {
        throw not_owner();
      }
      if (--depth_ > 0) {
        return;
      }
      owner_ = std::thread::id();
    }
    released_.notify_one();
  }

  /// How many times the calling thread holds the lock (0 if it does not).
  [[nodiscard]] std::size_t depth() const {
    std::lock_guard guard(mutex_);
    return owner_ == Sync::this_thread::get_id() ? depth_ : 0;
  }

private:
  mutable typename Sync::mutex mutex_;
  typename Sync::condition_variable released_;
  std::thread::id owner_; ///< meaningful while depth_ > 0
  std::size_t depth_ = 0;
};

} // namespace workbook::locks
