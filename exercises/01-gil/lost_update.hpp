// Exercise: lost_update — replay `x += 1` one bytecode at a time.
//
// Chapter: chapters/01-gil/README.md, section "Exercise: lost_update".
// Grade it: `./workbook check lost_update` or `ctest --test-dir build/learner -L '^lost_update$'`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <cstddef>
#include <set>
#include <stdexcept>
#include <vector>

namespace workbook::gil {

/// One step of a tiny machine that shares a single integer `x` between
/// threads. CPython compiles `x += 1` into separate load, add and store
/// bytecodes; a thread switch between them loses an update.
enum class Op {
  load,             ///< register = x
  add,              ///< register = register + 1
  store,            ///< x = register
  lock,             ///< take the one mutex (not reentrant)
  unlock,           ///< release the mutex
  atomic_increment, ///< x = x + 1 in a single step
};

/// A thread's program: its ops, in order. Every thread has its own register,
/// which starts at 0.
using Program = std::vector<Op>;

/// Runs `programs` on a shared `x` that starts at `initial`, one op at a time:
/// `schedule[k]` is the index of the thread that executes its next op at
/// step k. Returns the final value of `x`.
///
/// The mutex is not reentrant, like Python's `threading.Lock`: a thread whose
/// next op is `lock` while any thread, itself included, holds the mutex is
/// blocked and cannot be scheduled.
///
/// @throws std::invalid_argument if the schedule names a thread that does not
///         exist, a thread that has already finished, or a blocked thread; or
///         if the schedule ends before every program has finished.
/// @throws std::logic_error if a thread executes `unlock` without holding the
///         mutex (undefined behaviour with std::mutex; an error here).
inline int run_schedule([[maybe_unused]] const std::vector<Program>& programs,
                        [[maybe_unused]] const std::vector<std::size_t>& schedule,
                        [[maybe_unused]] int initial = 0) {
  throw workbook::not_implemented(__FILE__, "Exercise: lost_update");
}

/// What every possible interleaving of `programs` can end with.
struct Outcomes {
  std::set<int> values;      ///< every final value of x some complete schedule produces
  bool can_deadlock = false; ///< some schedule reaches a state where no thread can move
                             ///< although not every program has finished
};

/// Explores every interleaving of `programs` (every schedule that
/// run_schedule accepts, and every schedule that gets stuck) and collects the
/// outcomes. A blocked thread cannot move; a thread that reaches `lock`
/// while it holds the mutex itself blocks forever.
///
/// @throws std::logic_error if some interleaving executes `unlock` in a thread
///         that does not hold the mutex.
inline Outcomes possible_outcomes([[maybe_unused]] const std::vector<Program>& programs,
                                  [[maybe_unused]] int initial = 0) {
  throw workbook::not_implemented(__FILE__, "Exercise: lost_update");
}

} // namespace workbook::gil
