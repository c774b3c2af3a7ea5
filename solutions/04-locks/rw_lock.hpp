// Exercise: rw_lock — a readers-writer lock in which writers are not starved.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: rw_lock".
// Grade it: `./workbook check rw_lock`.
#pragma once

#include <workbook/sync.hpp>

#include <cstddef>
#include <mutex>

namespace workbook::locks {

/// A readers-writer lock with the interface of `std::shared_mutex`: any
/// number of readers at once (`lock_shared`), or one writer alone (`lock`).
///
/// **Writers first**: once a writer is waiting, threads that ask for shared
/// access wait too, even though the lock is only held by readers, so that a
/// steady stream of readers cannot keep a writer out for ever. (The standard
/// leaves `std::shared_mutex`'s policy unspecified; Python has no such lock.)
///
/// `Sync` is the synchronization policy: write `typename Sync::mutex` and
/// `typename Sync::condition_variable` (its waits take a
/// `std::unique_lock<typename Sync::mutex>`) where you would write the std
/// names. The default, `workbook::std_sync`, *is* those std types; the hidden
/// tests pass a simulated policy so that they can run your code under every
/// schedule of a small scenario.
///
/// What follows from writers first, exactly: `try_lock_shared` fails while a
/// writer waits, as `lock_shared` would wait; a writer's `unlock` lets the
/// next waiting writer in if there is one, and otherwise every waiting reader;
/// and a reader that already holds shared access and calls `lock_shared`
/// again while a writer waits deadlocks (it waits behind the writer, which
/// waits for it), so shared access is not reentrant.
template <class Sync = workbook::std_sync> class RwLock {
public:
  RwLock() = default;
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  /// Exclusive access: waits until no reader and no writer holds the lock.
  void lock() {
    std::unique_lock guard(mutex_);
    ++waiting_writers_; // from now on, new readers wait
    while (writing_ || readers_ > 0) {
      writer_may_go_.wait(guard);
    }
    --waiting_writers_;
    writing_ = true;
  }

  bool try_lock() {
    std::lock_guard guard(mutex_);
    if (writing_ || readers_ > 0) {
      return false;
    }
    writing_ = true;
    return true;
  }

  void unlock() {
    {
      std::lock_guard guard(mutex_);
      writing_ = false;
    }
    // Another writer first if one waits (readers would wait for it anyway).
    writer_may_go_.notify_one();
    readers_may_go_.notify_all();
  }

  /// Shared access: waits while a writer holds the lock **or waits for it**.
  void lock_shared() {
    std::unique_lock guard(mutex_);
    while (writing_ || waiting_writers_ > 0) {
      readers_may_go_.wait(guard);
    }
    ++readers_;
  }

  bool try_lock_shared() {
    std::lock_guard guard(mutex_);
    if (writing_ || waiting_writers_ > 0) {
      return false;
    }
    ++readers_;
    return true;
  }

  void unlock_shared() {
    bool last = false;
    {
      std::lock_guard guard(mutex_);
      last = --readers_ == 0;
    }
    if (last) {
      writer_may_go_.notify_one();
    }
  }

private:
  typename Sync::mutex mutex_;
  typename Sync::condition_variable readers_may_go_;
  typename Sync::condition_variable writer_may_go_;
  std::size_t readers_ = 0;
  std::size_t waiting_writers_ = 0;
  bool writing_ = false;
};

} // namespace workbook::locks
