// Hidden tests for the rw_lock exercise.
#include "rw_lock.hpp"

#include <instrumented_sync.hpp>
#include <sim/catch_sim.hpp>

#include <catch.hpp>

#include <atomic>
#include <latch>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

using workbook::locks::RwLock;
using workbook::testing::InstrumentedSync;
using workbook::testing::WaitStats;
using TestLock = RwLock<InstrumentedSync>;
namespace sim = workbook::sim;
using SimLock = RwLock<sim::sync>;

TEST_CASE("readers hold the lock together", "[rw_lock]") {
  RwLock<> lock;
  constexpr int kReaders = 3;
  std::latch all_inside(kReaders); // only passable if three readers are inside at once
  std::vector<std::thread> readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.emplace_back([&] {
      std::shared_lock shared(lock); // SharedLockable: works with std::shared_lock
      all_inside.arrive_and_wait();
    });
  }
  for (auto& reader : readers) {
    reader.join();
  }
  CHECK(lock.try_lock());
  lock.unlock();
}

TEST_CASE("try_lock and try_lock_shared respect holders", "[rw_lock]") {
  RwLock<> lock;
  lock.lock_shared();
  CHECK_FALSE(lock.try_lock()); // a reader holds it
  CHECK(lock.try_lock_shared());
  lock.unlock_shared();
  lock.unlock_shared();
  lock.lock();
  CHECK_FALSE(lock.try_lock());
  std::atomic<bool> shared_from_other{true};
  std::thread other([&] { shared_from_other = lock.try_lock_shared(); });
  other.join();
  CHECK_FALSE(shared_from_other.load()); // a writer holds it
  lock.unlock();
  CHECK(lock.try_lock_shared());
  lock.unlock_shared();
}

TEST_CASE("a waiting writer goes before readers who come after it", "[rw_lock]") {
  WaitStats::reset();
  TestLock lock;
  lock.lock_shared(); // reader A holds it
  std::atomic<int> order{0};
  std::atomic<int> writer_at{-1};
  std::atomic<int> late_reader_at{-1};
  std::thread writer([&] {
    lock.lock();
    writer_at = order++;
    lock.unlock();
  });
  WaitStats::wait_until_blocked(1); // the writer waits for A
  std::thread late_reader([&] {
    lock.lock_shared(); // must wait behind the writer, although only readers hold the lock
    late_reader_at = order++;
    lock.unlock_shared();
  });
  WaitStats::wait_until_blocked_or(2, [&] { return late_reader_at.load() >= 0; });
  const bool reader_got_in = late_reader_at.load() >= 0;
  lock.unlock_shared(); // A leaves: the writer's turn
  writer.join();
  late_reader.join();
  INFO("a reader that came after a waiting writer got in first: a stream of readers would starve writers");
  CHECK_FALSE(reader_got_in);
  CHECK(writer_at.load() == 0);
  CHECK(late_reader_at.load() == 1);
}

TEST_CASE("the last reader out lets a waiting writer in", "[rw_lock]") {
  WaitStats::reset(false, true); // each notify lets the woken thread run first
  TestLock lock;
  lock.lock_shared();
  lock.lock_shared(); // two readers' worth (the same thread may hold shared twice here)
  std::atomic<bool> wrote{false};
  std::thread writer([&] {
    lock.lock();
    wrote = true;
    lock.unlock();
  });
  WaitStats::wait_until_blocked_or(1, [&] { return wrote.load(); });
  const bool wrote_early = wrote.load();
  lock.unlock_shared();
  lock.unlock_shared(); // a notify sent before the count drops is lost (the watchdog says so)
  writer.join();
  INFO("the writer got in while readers held the lock");
  CHECK_FALSE(wrote_early);
  CHECK(wrote.load());
}

TEST_CASE("a writer woken spuriously does not enter while readers hold the lock", "[rw_lock]") {
  WaitStats::reset(true);
  TestLock lock;
  lock.lock_shared();
  std::atomic<bool> wrote{false};
  std::thread writer([&] {
    lock.lock();
    wrote = true;
    lock.unlock();
  });
  WaitStats::wait_until_blocked_or(1, [&] { return wrote.load(); });
  CHECK(WaitStats::spurious.load() >= 1);
  const bool wrote_early = wrote.load();
  lock.unlock_shared();
  writer.join();
  INFO("lock() returned after a spurious wakeup while a reader held the lock");
  CHECK_FALSE(wrote_early);
}

TEST_CASE("writers are alone and readers see whole writes under contention", "[rw_lock]") {
  RwLock<> lock;
  long a = 0; // a writer keeps a == b; only the lock protects them (ThreadSanitizer checks)
  long b = 0;
  std::atomic<int> writers_inside{0};
  std::atomic<int> readers_inside{0};
  std::atomic<int> violations{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        std::unique_lock exclusive(lock);
        if (++writers_inside != 1 || readers_inside.load() != 0) {
          ++violations;
        }
        ++a;
        std::this_thread::yield();
        ++b;
        --writers_inside;
      }
    });
  }
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        std::shared_lock shared(lock);
        ++readers_inside;
        if (writers_inside.load() != 0 || a != b) {
          ++violations;
        }
        --readers_inside;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(violations.load() == 0);
  CHECK(a == 4000);
  CHECK(b == 4000);
}

// Explored: each scenario runs under every schedule within the explorer's
// bounds (two preemptions, one spurious wakeup), on the simulated policy.

TEST_CASE("explored: a writer is alone and readers share", "[rw_lock][explored]") {
  bool readers_together = false; // seen in some schedule: kept across executions
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [&] {
    SimLock lock;
    int readers = 0; // one thread runs at a time: plain counters will do
    bool writing = false;
    sim::sync::atomic<int> tick{0}; // a scheduling point inside each critical section
    auto reader = [&] {
      lock.lock_shared();
      ++readers;
      WORKBOOK_SIM_CHECK(!writing); // a reader next to a writer
      readers_together = readers_together || readers == 2;
      tick.load();
      --readers;
      lock.unlock_shared();
    };
    sim::sync::thread first(reader);
    sim::sync::thread second(reader);
    lock.lock();
    writing = true;
    WORKBOOK_SIM_CHECK(readers == 0); // a writer next to a reader
    tick.load();
    writing = false;
    lock.unlock();
    first.join();
    second.join();
  }));
  INFO("in no schedule were two readers inside at once: readers must share the lock");
  CHECK(readers_together);
}

TEST_CASE("explored: a reader that comes after a waiting writer goes after it", "[rw_lock][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimLock lock;
    int order = 0;
    int writer_at = -1;
    int reader_at = -1;
    lock.lock_shared(); // main is a reader
    sim::sync::thread writer([&] {
      lock.lock();
      writer_at = order++;
      lock.unlock();
    });
    sim::await_blocked(1);                       // the writer waits for main
    WORKBOOK_SIM_CHECK(!lock.try_lock_shared()); // writers first: no new reader, even a trying one
    sim::sync::thread late_reader([&] {
      lock.lock_shared();
      reader_at = order++;
      lock.unlock_shared();
    });
    sim::await_blocked(2); // the late reader waits behind the writer
    lock.unlock_shared();  // the last reader out lets the writer in
    writer.join();
    late_reader.join();
    WORKBOOK_SIM_CHECK(writer_at == 0);
    WORKBOOK_SIM_CHECK(reader_at == 1);
  }));
}

TEST_CASE("explored: a writer's unlock lets every waiting reader in", "[rw_lock][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimLock lock;
    lock.lock(); // main writes
    int inside = 0;
    auto reader = [&] {
      lock.lock_shared(); // one notify_one for the readers leaves the other asleep for good
      ++inside;
      lock.unlock_shared();
    };
    sim::sync::thread first(reader);
    sim::sync::thread second(reader);
    sim::await_blocked(2);
    lock.unlock();
    first.join();
    second.join();
    WORKBOOK_SIM_CHECK(inside == 2);
  }));
}

TEST_CASE("explored: the last of two readers out lets a waiting writer in", "[rw_lock][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimLock lock;
    sim::sync::atomic<bool> go{false};
    int inside = 0;     // readers holding shared access (one thread runs at a time)
    lock.lock_shared(); // main is the first reader
    ++inside;
    sim::sync::thread reader([&] {
      lock.lock_shared();
      ++inside;
      go.wait(false); // holds shared access until main says go
      --inside;
      lock.unlock_shared(); // the last reader out
    });
    sim::await_blocked(1);
    sim::sync::thread writer([&] {
      lock.lock(); // a notify before the count drops is lost: it waits for ever
      WORKBOOK_SIM_CHECK(inside == 0);
      lock.unlock();
    });
    sim::await_blocked(2); // the writer waits for the readers
    --inside;
    lock.unlock_shared();
    go = true;
    go.notify_all();
    reader.join();
    writer.join();
  }));
}
