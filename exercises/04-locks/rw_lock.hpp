// Exercise: rw_lock — a readers-writer lock in which writers are not starved.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: rw_lock".
// Grade it: `./workbook check rw_lock`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <condition_variable>
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
/// `ConditionVariable` is what blocked threads wait on: the hidden tests
/// substitute an instrumented one (the interface of
/// `std::condition_variable_any`; waits take a `std::unique_lock<std::mutex>`).
template <class ConditionVariable = std::condition_variable> class RwLock {
public:
  RwLock() { throw workbook::not_implemented(__FILE__, "Exercise: rw_lock"); }
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  /// Exclusive access: waits until no reader and no writer holds the lock.
  void lock() { throw workbook::not_implemented(__FILE__, "Exercise: rw_lock"); }
  bool try_lock() { throw workbook::not_implemented(__FILE__, "Exercise: rw_lock"); }
  void unlock() { throw workbook::not_implemented(__FILE__, "Exercise: rw_lock"); }

  /// Shared access: waits while a writer holds the lock **or waits for it**.
  void lock_shared() { throw workbook::not_implemented(__FILE__, "Exercise: rw_lock"); }
  bool try_lock_shared() { throw workbook::not_implemented(__FILE__, "Exercise: rw_lock"); }
  void unlock_shared() { throw workbook::not_implemented(__FILE__, "Exercise: rw_lock"); }

private:
  // Your state: a mutex, ConditionVariables, the number of readers inside,
  // the number of writers waiting, and whether a writer is inside.
};

} // namespace workbook::locks
