// Hidden tests for the reentrant_lock exercise.
#include "reentrant_lock.hpp"

#include <instrumented_sync.hpp>
#include <sim/catch_sim.hpp>

#include <catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using workbook::locks::not_owner;
using workbook::locks::ReentrantLock;
using workbook::testing::InstrumentedSync;
using workbook::testing::WaitStats;
using TestLock = ReentrantLock<InstrumentedSync>;
namespace sim = workbook::sim;
using SimLock = ReentrantLock<sim::sync>;

TEST_CASE("the owner may lock again and must unlock as many times", "[reentrant_lock]") {
  WaitStats::reset();
  TestLock lock;
  lock.lock();
  lock.lock(); // a std::mutex would be undefined behaviour here; Python's Lock would hang
  CHECK(lock.try_lock());
  CHECK(lock.depth() == 3);
  lock.unlock();
  lock.unlock();
  CHECK(lock.depth() == 1);

  std::atomic<bool> acquired{false};
  std::thread other([&] {
    lock.lock(); // must wait: one level is still held
    acquired = true;
    lock.unlock();
  });
  WaitStats::wait_until_blocked_or(1, [&] { return acquired.load(); });
  const bool acquired_early = acquired.load();
  lock.unlock(); // the last level: now the other thread gets it
  other.join();
  INFO("another thread got the lock while its owner still held a level");
  CHECK_FALSE(acquired_early);
  CHECK(acquired.load());
  CHECK(lock.depth() == 0);
}

TEST_CASE("only the owner may unlock", "[reentrant_lock]") {
  ReentrantLock<> lock;
  CHECK_THROWS_AS(lock.unlock(), not_owner); // nobody holds it
  lock.lock();
  std::atomic<bool> threw{false};
  std::atomic<bool> other_try{true};
  std::thread other([&] {
    try {
      lock.unlock();
    } catch (const not_owner&) {
      threw = true;
    }
    other_try = lock.try_lock();
  });
  other.join();
  CHECK(threw.load());
  INFO("an unlock by a thread that does not hold the lock released it");
  CHECK_FALSE(other_try.load());
  CHECK(lock.depth() == 1);
  lock.unlock();
  CHECK_THROWS_AS(lock.unlock(), not_owner); // more unlocks than locks
}

TEST_CASE("a thread woken spuriously does not take a held lock", "[reentrant_lock]") {
  WaitStats::reset(true);
  TestLock lock;
  lock.lock();
  std::atomic<bool> acquired{false};
  std::thread other([&] {
    lock.lock();
    acquired = true;
    lock.unlock();
  });
  WaitStats::wait_until_blocked_or(1, [&] { return acquired.load(); });
  CHECK(WaitStats::spurious.load() >= 1);
  const bool acquired_early = acquired.load();
  lock.unlock();
  other.join();
  INFO("lock() returned after a spurious wakeup while another thread held the lock");
  CHECK_FALSE(acquired_early);
}

TEST_CASE("four threads never hold it at once and lose no update", "[reentrant_lock]") {
  ReentrantLock<> lock;
  long counter = 0; // plain: only the lock protects it (ThreadSanitizer checks)
  std::atomic<int> inside{0};
  std::atomic<int> peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        std::scoped_lock outer(lock); // Lockable: works with the standard's guards
        std::lock_guard inner(lock);  // and again, reentrantly
        const int now = ++inside;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        ++counter;
        --inside;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(counter == 20000);
  CHECK(peak.load() == 1);
}

// Explored: each scenario runs under every schedule within the explorer's
// bounds (two preemptions, one spurious wakeup), on the simulated policy.

TEST_CASE("explored: two threads never hold it at once and the owner re-enters",
          "[reentrant_lock][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimLock lock;
    sim::sync::atomic<int> holders{0};
    auto critical = [&] {
      lock.lock();
      lock.lock(); // the owner again: one more level, no wait
      WORKBOOK_SIM_CHECK(lock.depth() == 2);
      WORKBOOK_SIM_CHECK(++holders == 1); // two holders at once
      --holders;
      lock.unlock();
      WORKBOOK_SIM_CHECK(lock.depth() == 1); // still held: one level left
      lock.unlock();
    };
    sim::sync::thread other(critical);
    critical();
    other.join();
    WORKBOOK_SIM_CHECK(lock.depth() == 0);
  }));
}

TEST_CASE("explored: a thread waiting for the lock gets it when the last level is released",
          "[reentrant_lock][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimLock lock;
    bool held = true; // main holds the lock from here until it says otherwise
    lock.lock();
    lock.lock();
    sim::sync::thread other([&] {
      lock.lock();               // must wait: a lost wakeup leaves it waiting for ever
      WORKBOOK_SIM_CHECK(!held); // it got a lock its owner still held
      lock.unlock();
    });
    lock.unlock();
    held = false;
    lock.unlock();
    other.join();
  }));
}

TEST_CASE("explored: an unlock by a thread that does not hold the lock throws and changes nothing",
          "[reentrant_lock][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimLock lock;
    lock.lock();
    sim::sync::thread other([&] {
      bool threw = false;
      try {
        lock.unlock();
      } catch (const not_owner&) {
        threw = true;
      }
      WORKBOOK_SIM_CHECK(threw);
      WORKBOOK_SIM_CHECK(!lock.try_lock()); // still main's
    });
    other.join();
    WORKBOOK_SIM_CHECK(lock.depth() == 1);
    lock.unlock();
  }));
}
