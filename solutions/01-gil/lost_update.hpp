// Reference solution: lost_update — replay `x += 1` one bytecode at a time.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace workbook::gil {

/// One step of the tiny shared-integer machine (see the exercise).
enum class Op { load, add, store, lock, unlock, atomic_increment };

/// A thread's program: its ops, in order.
using Program = std::vector<Op>;

namespace detail {

// The whole state of the machine: what an interleaving has done so far.
struct Machine {
  int x = 0;
  std::vector<std::size_t> next;    // per thread: index of its next op
  std::vector<int> registers;       // per thread
  std::optional<std::size_t> owner; // the thread holding the mutex

  Machine(std::size_t threads, int initial) : x(initial), next(threads, 0), registers(threads, 0) {}

  bool finished(const std::vector<Program>& programs, std::size_t t) const {
    return next[t] == programs[t].size();
  }

  bool blocked(const std::vector<Program>& programs, std::size_t t) const {
    return !finished(programs, t) && programs[t][next[t]] == Op::lock && owner.has_value();
  }

  // [step]
  void step(const std::vector<Program>& programs, std::size_t t) {
    switch (programs[t][next[t]]) {
    case Op::load: registers[t] = x; break;
    case Op::add: registers[t] += 1; break;
    case Op::store: x = registers[t]; break;
    case Op::lock: owner = t; break;
    case Op::unlock:
      if (owner != t) {
        throw std::logic_error("thread " + std::to_string(t) + " unlocks a mutex it does not hold");
      }
      owner.reset();
      break;
    case Op::atomic_increment: x += 1; break;
    }
    ++next[t];
  }
  // [step]
};

inline void explore(const std::vector<Program>& programs, Machine& machine, std::set<int>& values,
                    bool& can_deadlock) {
  bool all_finished = true;
  bool someone_moved = false;
  for (std::size_t t = 0; t < programs.size(); ++t) {
    if (machine.finished(programs, t)) {
      continue;
    }
    all_finished = false;
    if (machine.blocked(programs, t)) {
      continue;
    }
    someone_moved = true;
    Machine next = machine; // copy: each branch explores its own future
    next.step(programs, t);
    explore(programs, next, values, can_deadlock);
  }
  if (all_finished) {
    values.insert(machine.x);
  } else if (!someone_moved) {
    can_deadlock = true;
  }
}

} // namespace detail

/// Runs `programs` on a shared x in the order `schedule` gives (see the exercise).
inline int run_schedule(const std::vector<Program>& programs, const std::vector<std::size_t>& schedule,
                        int initial = 0) {
  detail::Machine machine(programs.size(), initial);
  for (const std::size_t t : schedule) {
    if (t >= programs.size()) {
      throw std::invalid_argument("the schedule names thread " + std::to_string(t) +
                                  ", which does not exist");
    }
    if (machine.finished(programs, t)) {
      throw std::invalid_argument("the schedule runs thread " + std::to_string(t) + " after it finished");
    }
    if (machine.blocked(programs, t)) {
      throw std::invalid_argument("the schedule runs thread " + std::to_string(t) +
                                  " while it waits for the mutex");
    }
    machine.step(programs, t);
  }
  for (std::size_t t = 0; t < programs.size(); ++t) {
    if (!machine.finished(programs, t)) {
      throw std::invalid_argument("the schedule ends before thread " + std::to_string(t) + " has finished");
    }
  }
  return machine.x;
}

/// What every possible interleaving of `programs` can end with.
struct Outcomes {
  std::set<int> values;      ///< every final value of x some complete schedule produces
  bool can_deadlock = false; ///< some schedule gets stuck before every program has finished
};

/// Explores every interleaving of `programs` (see the exercise).
inline Outcomes possible_outcomes(const std::vector<Program>& programs, int initial = 0) {
  Outcomes outcomes;
  detail::Machine machine(programs.size(), initial);
  detail::explore(programs, machine, outcomes.values, outcomes.can_deadlock);
  return outcomes;
}

} // namespace workbook::gil
