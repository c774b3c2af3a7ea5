// Exercise: spin_lock — a test-and-test-and-set lock that sleeps in
// atomic::wait instead of burning a core.
//
// Chapter: chapters/05-atomics/README.md, section "Exercise: spin_lock".
// Grade it: `./workbook check spin_lock`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <atomic>

namespace workbook::atomics {

/// A mutual-exclusion lock on one atomic flag (`true` = held), *Lockable*
/// like `std::mutex` (so `std::lock_guard` and `std::scoped_lock` work):
///
/// - `lock()` takes the flag with an atomic exchange with **acquire** order.
///   While the flag is held it does not retry the exchange in a loop (that
///   would keep moving the flag's cache line between cores) and does not
///   spin on loads for ever (that would burn a core while the holder works,
///   or is not even running): it blocks in `wait(true)`, which returns once
///   the flag has been seen `false` (or spuriously), and then tries again.
/// - `try_lock()` takes the flag if it is free and returns whether it did;
///   it never blocks. It tests with a load before it exchanges, so that a
///   held lock's cache line is only read.
/// - `unlock()` (by the holder) stores `false` with **release** order and
///   then wakes a waiter with `notify_one()`. A store alone does not wake a
///   thread blocked in `wait` ([atomics.wait]): forgetting the notify leaves
///   it asleep for good.
///
/// The acquire of `lock`/`try_lock` and the release of `unlock` make
/// everything written inside one critical section visible in the next;
/// without them ThreadSanitizer reports the protected data as raced.
///
/// `AtomicBool` is the flag's type: `std::atomic<bool>`'s interface (`load`,
/// `store`, `exchange`, `wait`, `notify_one`, `notify_all`, each with a
/// memory-order argument where std::atomic has one), constructed from the
/// initial value. The hidden tests substitute one that counts the threads
/// blocked in `wait`.
template <class AtomicBool = std::atomic<bool>> class SpinLock {
public:
  SpinLock() { throw workbook::not_implemented(__FILE__, "Exercise: spin_lock"); }
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  /// Takes the lock, sleeping in `wait` while another thread holds it.
  void lock() { throw workbook::not_implemented(__FILE__, "Exercise: spin_lock"); }

  /// Takes the lock if it is free; returns whether it did. Never blocks.
  bool try_lock() { throw workbook::not_implemented(__FILE__, "Exercise: spin_lock"); }

  /// Releases the lock (the caller holds it) and wakes one waiter.
  void unlock() { throw workbook::not_implemented(__FILE__, "Exercise: spin_lock"); }

private:
  // Your state: one AtomicBool, initially false.
};

} // namespace workbook::atomics
