// Hidden tests for the event exercise. Threads are ordered by counting the
// threads blocked in the (instrumented) condition variable, never by sleeping.
#include "event.hpp"

#include <instrumented_sync.hpp>
#include <sim/catch_sim.hpp>

#include <catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using workbook::locks::Event;
using workbook::testing::InstrumentedSync;
using workbook::testing::WaitStats;
using TestEvent = Event<InstrumentedSync>;
using namespace std::chrono_literals;
namespace sim = workbook::sim;
using SimEvent = Event<sim::sync>;

TEST_CASE("an event starts clear and set and clear change the flag", "[event]") {
  Event<> event;
  CHECK_FALSE(event.is_set());
  event.set();
  CHECK(event.is_set());
  event.set(); // setting twice is fine
  CHECK(event.is_set());
  event.wait(); // set: returns at once
  CHECK(event.wait_for(1h));
  event.clear();
  CHECK_FALSE(event.is_set());
}

TEST_CASE("wait blocks until set and set wakes every waiter", "[event]") {
  WaitStats::reset();
  TestEvent event;
  constexpr int kWaiters = 4;
  std::atomic<int> released{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < kWaiters; ++i) {
    waiters.emplace_back([&] {
      event.wait();
      ++released;
    });
  }
  WaitStats::wait_until_blocked_or(kWaiters, [&] { return released.load() > 0; });
  const int released_early = released.load();
  event.set(); // one notify_one would leave three waiters asleep for good (the watchdog says so)
  for (auto& waiter : waiters) {
    waiter.join();
  }
  INFO("wait returned before set");
  CHECK(released_early == 0);
  CHECK(released.load() == kWaiters);
}

TEST_CASE("a waiter woken spuriously goes back to waiting", "[event]") {
  WaitStats::reset(true); // every other wait returns at once, with nothing changed
  TestEvent event;
  std::atomic<bool> returned{false};
  std::atomic<bool> timed_result{true};
  std::thread waiter([&] {
    event.wait();
    returned = true;
  });
  WaitStats::wait_until_blocked_or(1, [&] { return returned.load(); });
  const bool returned_early = returned.load();
  CHECK(WaitStats::spurious.load() >= 1);
  event.set();
  waiter.join();
  {
    INFO("wait returned after a spurious wakeup although the event was not set");
    CHECK_FALSE(returned_early);
  }

  event.clear();
  WaitStats::reset(true);
  std::atomic<bool> timed_returned{false};
  std::thread timed_waiter([&] {
    timed_result = event.wait_for(1h);
    timed_returned = true;
  });
  WaitStats::wait_until_blocked_or(1, [&] { return timed_returned.load(); });
  const bool timed_returned_early = timed_returned.load();
  event.set();
  timed_waiter.join();
  INFO("wait_for returned after a spurious wakeup long before its timeout");
  CHECK_FALSE(timed_returned_early);
  CHECK(timed_result.load());
}

TEST_CASE("set releases the threads waiting then even if clear follows at once", "[event]") {
  WaitStats::reset();
  TestEvent event;
  constexpr int kWaiters = 3;
  std::atomic<int> released{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < kWaiters; ++i) {
    waiters.emplace_back([&] {
      event.wait();
      ++released;
    });
  }
  WaitStats::wait_until_blocked(kWaiters);
  // Python's Event releases them: wait() returns True for every thread
  // waiting at the set(). A waiter that only re-checks the flag finds it
  // clear again and sleeps for ever (the watchdog says so).
  event.set();
  event.clear();
  for (auto& waiter : waiters) {
    waiter.join();
  }
  CHECK(released.load() == kWaiters);
  CHECK_FALSE(event.is_set());
}

TEST_CASE("a wait that starts after clear waits for the next set", "[event]") {
  WaitStats::reset();
  TestEvent event;
  event.set();
  event.clear();
  std::atomic<bool> returned{false};
  std::thread waiter([&] {
    event.wait();
    returned = true;
  });
  WaitStats::wait_until_blocked_or(1, [&] { return returned.load(); });
  const bool returned_early = returned.load();
  event.set();
  waiter.join();
  INFO("wait returned because of a set() that happened before it started");
  CHECK_FALSE(returned_early);
}

TEST_CASE("wait_for times out on a clear event and reports a set one", "[event]") {
  Event<> event;
  CHECK_FALSE(event.wait_for(5ms));
  std::thread setter([&] { event.set(); });
  CHECK(event.wait_for(1h)); // returns when set, long before the hour
  setter.join();
  event.clear();
  CHECK_FALSE(event.wait_for(1ms));
}

// Explored: each scenario runs under every schedule within the explorer's
// bounds (two preemptions, one spurious wakeup), on the simulated policy.

TEST_CASE("explored: set wakes every waiter and no wait returns before set", "[event][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimEvent event;
    bool setting = false; // written by main just before set(): one thread runs at a time
    auto waiter = [&] {
      event.wait();
      WORKBOOK_SIM_CHECK(setting); // a wait returned for nothing
    };
    sim::sync::thread first(waiter);
    sim::sync::thread second(waiter);
    setting = true;
    event.set(); // a notify_one leaves a waiter asleep: a deadlock in some schedule
    first.join();
    second.join();
  }));
}

TEST_CASE("explored: set then clear still releases the threads waiting at the set", "[event][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimEvent event;
    int released = 0;
    auto waiter = [&] {
      event.wait();
      ++released;
    };
    sim::sync::thread first(waiter);
    sim::sync::thread second(waiter);
    WORKBOOK_SIM_CHECK(sim::await_blocked(2)); // both wait now
    event.set();
    event.clear(); // a waiter that re-checks only the flag sleeps for ever
    first.join();
    second.join();
    WORKBOOK_SIM_CHECK(released == 2);
    WORKBOOK_SIM_CHECK(!event.is_set());
  }));
}

TEST_CASE("explored: a wait that starts after clear waits for the next set", "[event][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimEvent event;
    event.set();
    event.clear();
    bool second_set = false;
    sim::sync::thread waiter([&] {
      event.wait();
      WORKBOOK_SIM_CHECK(second_set); // released by the set before it started waiting
    });
    second_set = true;
    event.set();
    waiter.join();
  }));
}

TEST_CASE("explored: wait_for returns at its exact deadline across spurious wakeups", "[event][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimEvent event;
    sim::sync::thread setter([&] {
      sim::sync::this_thread::sleep_for(30ms);
      event.set();
    });
    const auto start = sim::clock::now();
    WORKBOOK_SIM_CHECK(!event.wait_for(10ms));
    WORKBOOK_SIM_CHECK(sim::clock::now() == start + 10ms); // not later: the deadline was not restarted
    WORKBOOK_SIM_CHECK(event.wait_for(1h));                // set at 30 ms
    WORKBOOK_SIM_CHECK(sim::clock::now() == start + 30ms);
    setter.join();
  }));
}
