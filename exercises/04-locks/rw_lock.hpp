// Exercise: rw_lock — a readers-writer lock in which writers are not starved.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: rw_lock".
// Grade it: `./workbook check rw_lock`.
#pragma once

#include <workbook/not_implemented.hpp>
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
  // Your state: a `typename Sync::mutex`, `Sync::condition_variable`s, the number of readers inside,
  // the number of writers waiting, and whether a writer is inside.
};

} // namespace workbook::locks
