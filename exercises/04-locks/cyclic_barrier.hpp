// Exercise: cyclic_barrier — Python's threading.Barrier: a meeting point that works phase after phase.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: cyclic_barrier".
// Grade it: `./workbook check cyclic_barrier`.
#pragma once

#include <workbook/not_implemented.hpp>
#include <workbook/sync.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace workbook::locks {

/// Python's `threading.Barrier(parties, action)` (and C++20's `std::barrier`,
/// minus its extras): `parties` threads call `arrive_and_wait()`; each waits
/// until all `parties` have arrived, then all go on, and the barrier is ready
/// for the next *phase* at once. A thread that hurries on and arrives for the
/// next phase must not be counted in the phase it just left, nor release
/// anyone still waiting there.
///
/// `on_phase_end`, if given, runs once per phase, on the last thread to
/// arrive, before any thread of that phase is released. `arrive_and_wait`
/// returns the thread's arrival index in its phase, `0` for the first to
/// arrive up to `parties - 1` for the last (Python returns such an index too).
///
/// `Sync` is the synchronization policy: write `typename Sync::mutex` and
/// `typename Sync::condition_variable` (its waits take a
/// `std::unique_lock<typename Sync::mutex>`) where you would write the std
/// names. The default, `workbook::std_sync`, *is* those std types; the hidden
/// tests pass a simulated policy so that they can run your code under every
/// schedule of a small scenario.
///
/// `on_phase_end` runs with the barrier's mutex held, and that is intended
/// although the chapter warns against calling unknown code under a lock: no
/// thread of the phase can leave and none of the next can be counted while it
/// runs (Python's `Barrier` calls its action under its lock too). The price is
/// that warning's: it must not call `arrive_and_wait` on the same barrier (a
/// deadlock). If it throws, the phase still ends: every waiter of the phase is
/// released, the barrier is ready for the next phase, and the exception leaves
/// the last arriver's `arrive_and_wait` (Python would break the barrier
/// instead, with `BrokenBarrierError` in every waiter).
template <class Sync = workbook::std_sync> class CyclicBarrier {
public:
  /// @throws std::invalid_argument if `parties` is 0.
  explicit CyclicBarrier([[maybe_unused]] std::size_t parties,
                         [[maybe_unused]] std::function<void()> on_phase_end = {}) {
    throw workbook::not_implemented(__FILE__, "Exercise: cyclic_barrier");
  }
  CyclicBarrier(const CyclicBarrier&) = delete;
  CyclicBarrier& operator=(const CyclicBarrier&) = delete;

  /// Arrives, and waits until every party of this phase has arrived.
  std::size_t arrive_and_wait() { throw workbook::not_implemented(__FILE__, "Exercise: cyclic_barrier"); }

  /// The number of threads each phase waits for.
  [[nodiscard]] std::size_t parties() const {
    throw workbook::not_implemented(__FILE__, "Exercise: cyclic_barrier");
  }

private:
  // Your state: the parties, the completion, a mutex, a `typename Sync::condition_variable`,
  // how many have arrived in this phase, and which phase it is.
};

} // namespace workbook::locks
