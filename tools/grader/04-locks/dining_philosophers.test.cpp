// Hidden tests for the dining_philosophers exercise. The forks record who
// holds them, and the first time each philosopher picks up a fork it pauses
// until every philosopher holds a fork or waits for one: the moment at which
// "everyone takes the left fork, then the right" deadlocks for certain
// (and the watchdog says so), instead of once in a blue moon.
#include "dining_philosophers.hpp"

#include <catch.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using workbook::locks::dine;

namespace {

struct Table {
  static inline std::atomic<int> philosophers{0};
  static inline std::atomic<int> holding_first_fork{0}; // philosophers past their first pick-up
  static inline std::atomic<int> blocked{0};            // threads inside Fork::lock, waiting
  static inline std::atomic<int> meals{0};
  static void reset(int count) {
    philosophers = count;
    holding_first_fork = 0;
    blocked = 0;
    meals = 0;
  }
};

thread_local int forks_in_hand = 0;
thread_local bool paused_once = false;

class Fork {
public:
  void lock() {
    ++Table::blocked;
    inner_.lock();
    --Table::blocked;
    picked_up();
  }
  bool try_lock() {
    if (!inner_.try_lock()) {
      return false;
    }
    picked_up();
    return true;
  }
  void unlock() {
    holder_ = std::thread::id();
    --forks_in_hand;
    inner_.unlock();
  }
  [[nodiscard]] std::thread::id holder() const { return holder_.load(); }

private:
  void picked_up() {
    holder_ = std::this_thread::get_id();
    if (++forks_in_hand == 1 && !paused_once) {
      paused_once = true;
      ++Table::holding_first_fork;
      // Wait (bounded, so that no correct solution can be held up by the
      // test) until everyone holds a fork or is blocked waiting for one.
      for (int spin = 0; spin < 200000; ++spin) {
        if (Table::holding_first_fork.load() + Table::blocked.load() >= Table::philosophers.load() ||
            Table::meals.load() > 0) {
          break;
        }
        std::this_thread::yield();
      }
    }
  }

  std::mutex inner_;
  std::atomic<std::thread::id> holder_{};
};

struct Outcome {
  std::vector<int> meals;
  int without_both_forks = 0;
  std::set<std::thread::id> threads;
  int on_wrong_thread = 0;
};

Outcome run_dinner(int philosophers, int meals) {
  Table::reset(philosophers);
  std::vector<Fork> forks(static_cast<std::size_t>(philosophers));
  Outcome outcome;
  outcome.meals.assign(static_cast<std::size_t>(philosophers), 0);
  std::vector<std::thread::id> seat(static_cast<std::size_t>(philosophers));
  std::mutex record; // the test's own bookkeeping, not a fork
  dine(forks, static_cast<std::size_t>(meals), [&](std::size_t i) {
    const auto me = std::this_thread::get_id();
    const bool both = forks[i].holder() == me && forks[(i + 1) % forks.size()].holder() == me;
    std::lock_guard lock(record);
    ++Table::meals;
    ++outcome.meals[i];
    outcome.without_both_forks += both ? 0 : 1;
    if (seat[i] == std::thread::id()) {
      seat[i] = me;
      outcome.threads.insert(me);
    } else if (seat[i] != me) {
      ++outcome.on_wrong_thread;
    }
  });
  return outcome;
}

} // namespace

TEST_CASE("five philosophers who all pick up a fork at once still all eat", "[dining_philosophers]") {
  const auto outcome = run_dinner(5, 1);
  CHECK(outcome.meals == std::vector<int>(5, 1));
  CHECK(outcome.without_both_forks == 0);
}

TEST_CASE("every philosopher eats its share holding both forks on a thread of its own",
          "[dining_philosophers]") {
  const auto outcome = run_dinner(5, 200);
  CHECK(outcome.meals == std::vector<int>(5, 200));
  INFO("meals eaten without holding both forks: " << outcome.without_both_forks);
  CHECK(outcome.without_both_forks == 0);
  CHECK(outcome.threads.size() == 5);
  CHECK(outcome.threads.count(std::this_thread::get_id()) == 0);
  CHECK(outcome.on_wrong_thread == 0);
}

TEST_CASE("two philosophers share two forks and one is not enough", "[dining_philosophers]") {
  const auto outcome = run_dinner(2, 50);
  CHECK(outcome.meals == std::vector<int>(2, 50));
  CHECK(outcome.without_both_forks == 0);
  std::vector<Fork> one(1);
  CHECK_THROWS_AS(dine(one, 1, [](std::size_t) {}), std::invalid_argument);
}

TEST_CASE("a large table with many meals finishes", "[dining_philosophers]") {
  const auto outcome = run_dinner(12, 300);
  CHECK(outcome.meals == std::vector<int>(12, 300));
  CHECK(outcome.without_both_forks == 0);
}
