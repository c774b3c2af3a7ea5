// Hidden tests for the bounded_semaphore exercise.
#include "bounded_semaphore.hpp"

#include <instrumented_sync.hpp>
#include <sim/catch_sim.hpp>

#include <catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using workbook::locks::BoundedSemaphore;
using workbook::locks::released_too_many_times;
using workbook::testing::InstrumentedSync;
using workbook::testing::WaitStats;
using TestSemaphore = BoundedSemaphore<InstrumentedSync>;
using namespace std::chrono_literals;
namespace sim = workbook::sim;
using SimSemaphore = BoundedSemaphore<sim::sync>;

TEST_CASE("permits are taken and given back", "[bounded_semaphore]") {
  BoundedSemaphore<> semaphore(2);
  CHECK(semaphore.available() == 2);
  semaphore.acquire();
  CHECK(semaphore.try_acquire());
  CHECK_FALSE(semaphore.try_acquire());
  CHECK_FALSE(semaphore.try_acquire_for(5ms));
  CHECK(semaphore.available() == 0);
  semaphore.release();
  CHECK(semaphore.try_acquire_for(1h)); // a permit is free: no waiting
  semaphore.release();
  semaphore.release();
  CHECK(semaphore.available() == 2);
}

TEST_CASE("a release beyond the initial value throws and changes nothing", "[bounded_semaphore]") {
  BoundedSemaphore<> semaphore(1);
  CHECK_THROWS_AS(semaphore.release(), released_too_many_times);
  CHECK(semaphore.available() == 1);
  semaphore.acquire();
  semaphore.release();
  CHECK_THROWS_AS(semaphore.release(), released_too_many_times);
  CHECK(semaphore.available() == 1);
  semaphore.acquire();
  CHECK_FALSE(semaphore.try_acquire()); // still one permit in all, not two

  BoundedSemaphore<> none(0); // every acquire waits for a release that may not come
  CHECK_FALSE(none.try_acquire());
  CHECK_THROWS_AS(none.release(), released_too_many_times);
}

TEST_CASE("acquire waits for a release", "[bounded_semaphore]") {
  WaitStats::reset(false, true); // each notify lets the woken thread run first
  TestSemaphore semaphore(1);
  semaphore.acquire();
  std::atomic<bool> acquired{false};
  std::thread other([&] {
    semaphore.acquire();
    acquired = true;
    semaphore.release();
  });
  WaitStats::wait_until_blocked_or(1, [&] { return acquired.load(); });
  const bool acquired_early = acquired.load();
  semaphore.release(); // a notify sent before the permit is counted is lost (the watchdog says so)
  other.join();
  INFO("acquire returned while no permit was free");
  CHECK_FALSE(acquired_early);
  CHECK(semaphore.available() == 1);
}

TEST_CASE("a waiter woken spuriously goes back to waiting", "[bounded_semaphore]") {
  WaitStats::reset(true);
  TestSemaphore semaphore(1);
  semaphore.acquire();
  std::atomic<bool> acquired{false};
  std::atomic<bool> timed{false};
  std::thread other([&] {
    semaphore.acquire();
    acquired = true;
  });
  WaitStats::wait_until_blocked_or(1, [&] { return acquired.load(); });
  CHECK(WaitStats::spurious.load() >= 1);
  const bool acquired_early = acquired.load();
  semaphore.release();
  other.join();
  {
    INFO("acquire returned after a spurious wakeup with no permit free");
    CHECK_FALSE(acquired_early);
  }
  // `other` holds the only permit now.
  WaitStats::reset(true);
  std::atomic<bool> returned{false};
  std::thread timed_waiter([&] {
    timed = semaphore.try_acquire_for(1h);
    returned = true;
  });
  WaitStats::wait_until_blocked_or(1, [&] { return returned.load(); });
  const bool returned_early = returned.load();
  semaphore.release();
  timed_waiter.join();
  INFO("try_acquire_for gave up after a spurious wakeup long before its timeout");
  CHECK_FALSE(returned_early);
  CHECK(timed.load());
}

TEST_CASE("never more than value holders at once under contention", "[bounded_semaphore]") {
  constexpr std::size_t kPermits = 3;
  BoundedSemaphore<> semaphore(kPermits);
  std::atomic<int> inside{0};
  std::atomic<int> peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        semaphore.acquire();
        const int now = ++inside;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --inside;
        semaphore.release();
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  INFO(peak.load() << " holders at once with " << kPermits << " permits");
  CHECK(peak.load() <= static_cast<int>(kPermits));
  CHECK(peak.load() >= 2); // it is a semaphore, not a mutex
  CHECK(semaphore.available() == kPermits);
}

// Explored: each scenario runs under every schedule within the explorer's
// bounds (two preemptions, one spurious wakeup), on the simulated policy.

TEST_CASE("explored: never more holders than permits and a release wakes a waiter",
          "[bounded_semaphore][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimSemaphore semaphore(1);
    int holders = 0;                // one thread runs at a time: a plain counter will do
    sim::sync::atomic<int> tick{0}; // a scheduling point while the permit is held
    auto worker = [&] {
      semaphore.acquire(); // returns for nothing after a spurious wakeup, or never after a lost one
      WORKBOOK_SIM_CHECK(++holders == 1);
      tick.load();
      --holders;
      semaphore.release();
    };
    sim::sync::thread first(worker);
    sim::sync::thread second(worker);
    worker();
    first.join();
    second.join();
    WORKBOOK_SIM_CHECK(semaphore.available() == 1);
  }));
}

TEST_CASE("explored: of two racing releases beyond the bound exactly one is refused",
          "[bounded_semaphore][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimSemaphore semaphore(1);
    semaphore.acquire();
    int refused = 0;
    auto releaser = [&] {
      try {
        semaphore.release();
      } catch (const released_too_many_times&) {
        ++refused;
      }
    };
    sim::sync::thread other(releaser);
    releaser();
    other.join();
    WORKBOOK_SIM_CHECK(refused == 1);
    WORKBOOK_SIM_CHECK(semaphore.available() == 1);
  }));
}

TEST_CASE("explored: try_acquire_for returns at its exact deadline across spurious wakeups",
          "[bounded_semaphore][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimSemaphore semaphore(1);
    semaphore.acquire();
    sim::sync::thread releaser([&] {
      sim::sync::this_thread::sleep_for(30ms);
      semaphore.release();
    });
    const auto start = sim::clock::now();
    WORKBOOK_SIM_CHECK(!semaphore.try_acquire_for(10ms));
    WORKBOOK_SIM_CHECK(sim::clock::now() == start + 10ms); // not later: the deadline was not restarted
    WORKBOOK_SIM_CHECK(semaphore.try_acquire_for(1h));     // released at 30 ms
    WORKBOOK_SIM_CHECK(sim::clock::now() == start + 30ms);
    releaser.join();
    WORKBOOK_SIM_CHECK(semaphore.available() == 0);
  }));
}
