// Exercise: cyclic_barrier — Python's threading.Barrier: a meeting point that works phase after phase.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: cyclic_barrier".
// Grade it: `./workbook check cyclic_barrier`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <condition_variable>
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
/// `ConditionVariable` is what waiters wait on: the hidden tests substitute
/// an instrumented one (the interface of `std::condition_variable_any`;
/// waits take a `std::unique_lock<std::mutex>`).
template <class ConditionVariable = std::condition_variable> class CyclicBarrier {
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
  // Your state: the parties, the completion, a mutex, a ConditionVariable,
  // how many have arrived in this phase, and which phase it is.
};

} // namespace workbook::locks
