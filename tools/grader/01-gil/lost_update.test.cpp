// Hidden tests for exercises/01-gil/lost_update.hpp.
#include "lost_update.hpp"
#include "catch.hpp"

#include <set>
#include <stdexcept>
#include <vector>

using workbook::gil::Op;
using workbook::gil::Outcomes;
using workbook::gil::possible_outcomes;
using workbook::gil::Program;
using workbook::gil::run_schedule;

namespace {

const Program kIncrement{Op::load, Op::add, Op::store};
const Program kLockedIncrement{Op::lock, Op::load, Op::add, Op::store, Op::unlock};
const Program kAtomicIncrement{Op::atomic_increment};

} // namespace

TEST_CASE("one thread after the other gives every update", "[lost_update]") {
  CHECK(run_schedule({kIncrement, kIncrement}, {0, 0, 0, 1, 1, 1}) == 2);
  CHECK(run_schedule({kIncrement, kIncrement}, {1, 1, 1, 0, 0, 0}, 40) == 42);
  CHECK(run_schedule({kIncrement}, {0, 0, 0}, -1) == 0);
}

TEST_CASE("a switch between load and store loses an update", "[lost_update]") {
  // Both threads load 0 before either stores: the second store overwrites the first.
  CHECK(run_schedule({kIncrement, kIncrement}, {0, 1, 0, 0, 1, 1}) == 1);
  CHECK(run_schedule({kIncrement, kIncrement, kIncrement}, {0, 1, 2, 0, 1, 2, 0, 1, 2}, 10) == 11);
}

TEST_CASE("every thread has its own register", "[lost_update]") {
  // Thread 0 loads 5; thread 1 increments x to 6 atomically; thread 0 adds
  // to its own stale register and stores 6: thread 1's update is lost.
  CHECK(run_schedule({kIncrement, kAtomicIncrement}, {0, 1, 0, 0}, 5) == 6);
  // Registers start at 0 and are not shared: add then store without a load.
  CHECK(run_schedule({Program{Op::add, Op::store}, Program{Op::add, Op::add, Op::store}}, {1, 1, 0, 0, 1},
                     9) == 2);
}

TEST_CASE("invalid schedules are rejected with std::invalid_argument", "[lost_update]") {
  CHECK_THROWS_AS(run_schedule({kIncrement}, {0, 0, 0, 0}), std::invalid_argument); // thread finished
  CHECK_THROWS_AS(run_schedule({kIncrement}, {1, 0, 0, 0}), std::invalid_argument); // no thread 1
  CHECK_THROWS_AS(run_schedule({kIncrement, kIncrement}, {0, 0, 0}),
                  std::invalid_argument);                                 // thread 1 never ran
  CHECK_THROWS_AS(run_schedule({kIncrement}, {}), std::invalid_argument); // nothing ran
  // Thread 1 tries to lock while thread 0 holds the mutex: it is blocked.
  CHECK_THROWS_AS(run_schedule({kLockedIncrement, kLockedIncrement}, {0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1}),
                  std::invalid_argument);
  // The mutex is not reentrant: the holder cannot lock it again.
  CHECK_THROWS_AS(run_schedule({Program{Op::lock, Op::lock, Op::unlock, Op::unlock}}, {0, 0, 0, 0}),
                  std::invalid_argument);
  CHECK(run_schedule({}, {}, 7) == 7);
}

TEST_CASE("unlocking a mutex the thread does not hold throws std::logic_error", "[lost_update]") {
  CHECK_THROWS_AS(run_schedule({Program{Op::unlock}}, {0}), std::logic_error);
  CHECK_THROWS_AS(run_schedule({Program{Op::lock, Op::unlock}, Program{Op::unlock}}, {0, 1, 0}),
                  std::logic_error);
  CHECK_THROWS_AS(possible_outcomes({Program{Op::lock, Op::unlock}, Program{Op::unlock}}), std::logic_error);
}

TEST_CASE("the lock makes the increment whole and every schedule gives every update", "[lost_update]") {
  CHECK(run_schedule({kLockedIncrement, kLockedIncrement}, {0, 0, 0, 0, 0, 1, 1, 1, 1, 1}) == 2);
  // A lock protects only against threads that take it too: the atomic
  // increment slips in between thread 0's load and store and is lost.
  CHECK(run_schedule({kLockedIncrement, kAtomicIncrement}, {0, 0, 1, 0, 0, 0}) == 1);
  const Outcomes locked = possible_outcomes({kLockedIncrement, kLockedIncrement, kLockedIncrement});
  CHECK(locked.values == std::set<int>{3});
  CHECK_FALSE(locked.can_deadlock);
  const Outcomes atomic = possible_outcomes({kAtomicIncrement, kAtomicIncrement}, 1);
  CHECK(atomic.values == std::set<int>{3});
}

TEST_CASE("every interleaving is explored", "[lost_update]") {
  CHECK(possible_outcomes({kIncrement, kIncrement}).values == std::set<int>{1, 2});
  CHECK(possible_outcomes({kIncrement, kIncrement, kIncrement}).values == std::set<int>{1, 2, 3});
  // Two increments in thread 0 and one in thread 1: thread 1 can load 0,
  // sleep through both of thread 0's increments, and store 1.
  const Program twice{Op::load, Op::add, Op::store, Op::load, Op::add, Op::store};
  CHECK(possible_outcomes({twice, kIncrement}).values == std::set<int>{1, 2, 3});
  // A racy increment against a locked one: the lock protects nothing if
  // only one side takes it.
  CHECK(possible_outcomes({kLockedIncrement, kIncrement}).values == std::set<int>{1, 2});
  CHECK(possible_outcomes({}, 4).values == std::set<int>{4});
}

TEST_CASE("a thread that locks the mutex twice deadlocks", "[lost_update]") {
  const Outcomes self = possible_outcomes({Program{Op::lock, Op::lock, Op::atomic_increment, Op::unlock}});
  CHECK(self.can_deadlock);
  CHECK(self.values.empty());
  // With another thread: that thread still finishes in some schedules, but
  // no schedule lets the double locker finish.
  const Outcomes mixed = possible_outcomes({Program{Op::lock, Op::lock, Op::unlock, Op::unlock}, kIncrement});
  CHECK(mixed.can_deadlock);
  CHECK(mixed.values.empty());
  CHECK_FALSE(possible_outcomes({kIncrement, kIncrement}).can_deadlock);
}
