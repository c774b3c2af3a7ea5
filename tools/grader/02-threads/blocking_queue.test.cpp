// Hidden tests for the blocking_queue exercise. Threads are ordered by
// counting the threads blocked in the (instrumented) condition variable,
// never by sleeping.
#include "blocking_queue.hpp"

#include <instrumented_sync.hpp>
#include <sim/catch_sim.hpp>

#include <catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using workbook::testing::InstrumentedSync;
using workbook::testing::WaitStats;
using workbook::threads::BlockingQueue;
using workbook::threads::queue_closed;
using Queue = BlockingQueue<int, InstrumentedSync>;
using namespace std::chrono_literals;
namespace sim = workbook::sim;
using SimQueue = BlockingQueue<int, sim::sync>;

// Explored first: each scenario runs under every schedule within the
// explorer's bounds (two preemptions, one spurious wakeup) on the simulated
// policy, so a lost wakeup or a missing loop is shown as the schedule that
// breaks the queue. The real-thread cases after them check what a scheduler
// cannot see: data races (under ThreadSanitizer) and real timeouts.

namespace {

/// Three simulated threads: one preemption keeps the search exhaustive and quick.
sim::Options one_preemption() {
  sim::Options options;
  options.preemption_bound = 1;
  return options;
}

} // namespace

TEST_CASE("explored: a get waiting on an empty queue gets the item put", "[blocking_queue][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimQueue queue;
    sim::name_next_thread("consumer");
    sim::sync::thread consumer([&] {
      const std::optional<int> item = queue.get();
      WORKBOOK_SIM_CHECK(item.has_value()); // woke for nothing and returned: wait in a loop
      WORKBOOK_SIM_CHECK(item == 42);
    });
    queue.put(42); // a notify sent before the item is in the queue is lost in some schedule
    consumer.join();
  }));
}

TEST_CASE("explored: a put waiting on a full queue goes on when a get makes room",
          "[blocking_queue][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimQueue queue(1);
    queue.put(1);
    sim::name_next_thread("producer");
    sim::sync::thread producer([&] {
      queue.put(2);
      WORKBOOK_SIM_CHECK(queue.size() <= 1); // put went on without room: wait in a loop
    });
    WORKBOOK_SIM_CHECK(queue.get() == 1);
    producer.join();
    WORKBOOK_SIM_CHECK(queue.get() == 2);
  }));
}

TEST_CASE("explored: no item is lost or duplicated and each producer's items keep their order",
          "[blocking_queue][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore(one_preemption(), [] {
    SimQueue queue(2); // bounded: producers block, and two items can be out of order
    sim::name_next_thread("producer a");
    sim::sync::thread a([&] {
      queue.put(10);
      queue.put(11);
    });
    sim::name_next_thread("producer b");
    sim::sync::thread b([&] { queue.put(20); });
    std::vector<int> got;
    for (int i = 0; i < 3; ++i) {
      const std::optional<int> item = queue.get();
      WORKBOOK_SIM_CHECK(item.has_value()); // the queue is open: get waits for an item
      got.push_back(item.value_or(-1));
    }
    a.join();
    b.join();
    WORKBOOK_SIM_CHECK(!queue.try_get().has_value()); // nothing duplicated
    std::vector<int> sorted = got;
    std::sort(sorted.begin(), sorted.end());
    WORKBOOK_SIM_CHECK(sorted == std::vector<int>({10, 11, 20})); // nothing lost
    std::vector<int> from_a;
    std::copy_if(got.begin(), got.end(), std::back_inserter(from_a), [](int item) { return item < 20; });
    WORKBOOK_SIM_CHECK(from_a == std::vector<int>({10, 11})); // producer a's order
  }));
}

TEST_CASE("explored: close wakes every consumer waiting on an empty queue", "[blocking_queue][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore(one_preemption(), [] {
    SimQueue queue;
    auto consumer = [&] {
      WORKBOOK_SIM_CHECK(!queue.get().has_value()); // closed and empty: nothing
    };
    sim::name_next_thread("consumer 1");
    sim::sync::thread first(consumer);
    sim::name_next_thread("consumer 2");
    sim::sync::thread second(consumer);
    WORKBOOK_SIM_CHECK(sim::await_blocked(2)); // both wait now
    queue.close(); // a notify_one leaves one asleep: a deadlock, each thread's wait printed
    first.join();
    second.join();
  }));
}

TEST_CASE("explored: close wakes every producer waiting on a full queue with queue_closed",
          "[blocking_queue][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore(one_preemption(), [] {
    SimQueue queue(1);
    queue.put(0);
    auto producer = [&](int item) {
      bool threw = false;
      try {
        queue.put(item);
      } catch (const queue_closed&) {
        threw = true;
      }
      WORKBOOK_SIM_CHECK(threw); // a put on a full queue that is then closed throws
    };
    sim::name_next_thread("producer 1");
    sim::sync::thread first(producer, 1);
    sim::name_next_thread("producer 2");
    sim::sync::thread second(producer, 2);
    WORKBOOK_SIM_CHECK(sim::await_blocked(2));
    queue.close();
    first.join();
    second.join();
    WORKBOOK_SIM_CHECK(queue.get() == 0); // what was put before close is still delivered
    WORKBOOK_SIM_CHECK(!queue.get().has_value());
  }));
}

TEST_CASE("explored: get_for and put_for give up exactly at their deadline across spurious wakeups",
          "[blocking_queue][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimQueue queue(1);
    const auto start = sim::clock::now();
    WORKBOOK_SIM_CHECK(!queue.get_for(10ms).has_value());
    // Not later: a deadline restarted after a spurious wakeup returns late.
    WORKBOOK_SIM_CHECK(sim::clock::now() == start + 10ms);
    queue.put(1); // full now
    WORKBOOK_SIM_CHECK(!queue.put_for(2, 10ms));
    WORKBOOK_SIM_CHECK(sim::clock::now() == start + 20ms);
    WORKBOOK_SIM_CHECK(queue.size() == 1);
  }));
}

TEST_CASE("explored: get_for and put_for return as soon as their wait is over",
          "[blocking_queue][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    SimQueue queue(1);
    sim::name_next_thread("other");
    sim::sync::thread other([&] {
      sim::sync::this_thread::sleep_for(5ms);
      queue.put(7); // wakes the get_for below
      sim::sync::this_thread::sleep_for(10ms);
      WORKBOOK_SIM_CHECK(queue.get() == 8); // makes room for the put_for below
    });
    const auto start = sim::clock::now();
    WORKBOOK_SIM_CHECK(queue.get_for(1h) == 7);
    WORKBOOK_SIM_CHECK(sim::clock::now() == start + 5ms);
    queue.put(8);
    WORKBOOK_SIM_CHECK(queue.put_for(9, 1h)); // room at 15 ms
    WORKBOOK_SIM_CHECK(sim::clock::now() == start + 15ms);
    other.join();
    WORKBOOK_SIM_CHECK(queue.get() == 9);
  }));
}

TEST_CASE("items come out in the order they went in", "[blocking_queue]") {
  BlockingQueue<std::string> queue;
  queue.put("a");
  queue.put("b");
  CHECK(queue.try_put("c"));
  CHECK(queue.size() == 3);
  CHECK(queue.get() == "a");
  CHECK(queue.try_get() == "b");
  CHECK(queue.get_for(1ms) == "c");
  CHECK_FALSE(queue.try_get().has_value());
  CHECK(queue.size() == 0);
}

TEST_CASE("maxsize 0 is unbounded and a bounded queue refuses a try_put when full", "[blocking_queue]") {
  BlockingQueue<int> unbounded;
  for (int i = 0; i < 10000; ++i) {
    REQUIRE(unbounded.try_put(i));
  }
  BlockingQueue<int> bounded(2);
  CHECK(bounded.try_put(1));
  CHECK(bounded.try_put(2));
  CHECK_FALSE(bounded.try_put(3));
  CHECK_FALSE(bounded.put_for(3, 1ms));
  CHECK(bounded.get() == 1);
  CHECK(bounded.try_put(3));
  CHECK(bounded.get() == 2);
  CHECK(bounded.get() == 3);
}

TEST_CASE("get blocks until an item is put", "[blocking_queue]") {
  WaitStats::reset(false, true); // each notify lets the woken consumer run first
  Queue queue;
  std::atomic<bool> got{false};
  std::optional<int> item;
  std::thread consumer([&] {
    item = queue.get();
    got = true;
  });
  WaitStats::wait_until_blocked_or(1, [&] { return got.load(); });
  const bool got_early = got.load();
  // A put that notifies before the item is in the queue wakes the consumer
  // to an empty queue: it waits again and never wakes (the watchdog says so).
  queue.put(42);
  consumer.join();
  INFO("get returned while the queue was empty and open");
  CHECK_FALSE(got_early);
  CHECK(item == 42);
}

TEST_CASE("put on a full queue blocks until a get makes room", "[blocking_queue]") {
  WaitStats::reset(false, true); // a get that notifies before it makes room loses the producer's wakeup
  Queue queue(1);
  queue.put(1);
  std::atomic<bool> put_done{false};
  std::thread producer([&] {
    queue.put(2);
    put_done = true;
  });
  WaitStats::wait_until_blocked_or(1, [&] { return put_done.load(); });
  const bool put_early = put_done.load();
  CHECK(queue.get() == 1);
  producer.join();
  INFO("put on a full queue returned without waiting");
  CHECK_FALSE(put_early);
  CHECK(put_done.load());
  CHECK(queue.get() == 2);
}

// Three waits, each on a queue of its own, so that a waiter that returns
// early fails its own check at once instead of leaving an item behind that
// blocks the next part (and the watchdog would then be all the learner saw).
TEST_CASE("a waiter woken spuriously goes back to waiting", "[blocking_queue]") {
  {
    WaitStats::reset(true);
    Queue queue(1);
    std::optional<int> item;
    std::atomic<bool> got{false};
    std::thread consumer([&] {
      item = queue.get();
      got = true;
    });
    WaitStats::wait_until_blocked_or(1, [&] { return got.load(); }); // woke spuriously once, then waited
    const bool got_early = got.load();
    queue.put(7);
    consumer.join();
    INFO("get returned after a spurious wakeup although nothing was put and the queue is open: a waiter "
         "returned without an item (wait in a loop that re-checks the condition)");
    REQUIRE_FALSE(got_early);
    CHECK(WaitStats::spurious.load() >= 1);
    CHECK(item == 7);
  }
  {
    WaitStats::reset(true);
    Queue queue(1);
    std::optional<int> item;
    std::atomic<bool> got{false};
    std::thread timed_consumer([&] {
      item = queue.get_for(1h);
      got = true;
    });
    WaitStats::wait_until_blocked_or(1, [&] { return got.load(); });
    const bool timed_got_early = got.load();
    queue.put(8);
    timed_consumer.join();
    INFO("get_for returned after a spurious wakeup long before its timeout: a waiter returned without an "
         "item (wait until the deadline in a loop that re-checks the condition)");
    REQUIRE_FALSE(timed_got_early);
    CHECK(WaitStats::spurious.load() >= 1);
    CHECK(item == 8);
  }
  {
    WaitStats::reset(true);
    Queue queue(1);
    queue.put(1); // full now
    std::atomic<bool> put_done{false};
    std::thread producer([&] {
      queue.put(2);
      put_done = true;
    });
    WaitStats::wait_until_blocked_or(1, [&] { return put_done.load(); });
    const bool put_early = put_done.load();
    const std::optional<int> first = queue.get();
    producer.join();
    INFO("put returned after a spurious wakeup although the queue was full: a waiter went on without room "
         "(wait in a loop that re-checks the condition)");
    REQUIRE_FALSE(put_early);
    CHECK(first == 1);
    CHECK(WaitStats::spurious.load() >= 1);
    CHECK(queue.size() == 1);
    CHECK(queue.get() == 2);
  }
}

TEST_CASE("close wakes every waiter and a closed queue drains then ends", "[blocking_queue]") {
  WaitStats::reset();
  Queue queue;
  constexpr int kConsumers = 4;
  std::atomic<int> ended{0};
  std::vector<std::thread> consumers;
  for (int i = 0; i < kConsumers; ++i) {
    consumers.emplace_back([&] {
      if (!queue.get().has_value()) {
        ++ended;
      }
    });
  }
  WaitStats::wait_until_blocked(kConsumers);
  queue.close();
  for (auto& consumer : consumers) {
    consumer.join();
  }
  CHECK(ended.load() == kConsumers);
  CHECK(queue.closed());

  Queue draining;
  draining.put(1);
  draining.put(2);
  draining.close();
  CHECK_THROWS_AS(draining.put(3), queue_closed);
  CHECK_THROWS_AS(draining.try_put(3), queue_closed);
  CHECK(draining.get() == 1); // what was put before close is still delivered
  CHECK(draining.get() == 2);
  CHECK_FALSE(draining.get().has_value());
  CHECK_FALSE(draining.get_for(1h).has_value()); // closed and empty: no waiting at all
}

TEST_CASE("close wakes a producer blocked on a full queue with queue_closed", "[blocking_queue]") {
  WaitStats::reset();
  Queue queue(1);
  queue.put(1);
  std::atomic<bool> threw{false};
  std::thread producer([&] {
    try {
      queue.put(2);
    } catch (const queue_closed&) {
      threw = true;
    }
  });
  WaitStats::wait_until_blocked(1);
  queue.close();
  producer.join();
  CHECK(threw.load());
  CHECK(queue.get() == 1);
  CHECK_FALSE(queue.get().has_value());
}

TEST_CASE("many producers and consumers lose nothing duplicate nothing and keep each producer's order",
          "[blocking_queue]") {
  constexpr int kProducers = 4;
  constexpr int kConsumers = 4;
  constexpr int kItems = 20000; // per producer
  BlockingQueue<int> queue(8);  // small: producers and consumers block often
  std::vector<std::vector<int>> received(kConsumers);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kItems; ++i) {
        queue.put(p * kItems + i);
      }
    });
  }
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&, c] {
      while (auto item = queue.get()) {
        received[static_cast<std::size_t>(c)].push_back(*item);
      }
    });
  }
  std::atomic<bool> producing{true};
  std::size_t largest = 0;
  std::thread watcher([&] { // size() is read while others write (ThreadSanitizer checks the locking)
    while (producing.load()) {
      largest = std::max(largest, queue.size());
      std::this_thread::yield();
    }
  });
  for (int p = 0; p < kProducers; ++p) {
    threads[static_cast<std::size_t>(p)].join();
  }
  producing = false;
  watcher.join();
  CHECK(largest <= 8);
  queue.close();
  for (int c = 0; c < kConsumers; ++c) {
    threads[static_cast<std::size_t>(kProducers + c)].join();
  }
  std::vector<int> seen(kProducers * kItems, 0);
  bool in_order = true;
  for (const auto& items : received) {
    std::vector<int> last(kProducers, -1);
    for (int item : items) {
      ++seen[static_cast<std::size_t>(item)];
      const int producer = item / kItems;
      in_order = in_order && item > last[static_cast<std::size_t>(producer)];
      last[static_cast<std::size_t>(producer)] = item;
    }
  }
  int missing = 0;
  int duplicated = 0;
  for (int count : seen) {
    missing += count == 0 ? 1 : 0;
    duplicated += count > 1 ? 1 : 0;
  }
  CHECK(missing == 0);
  CHECK(duplicated == 0);
  CHECK(in_order);
}

TEST_CASE("join waits until every item has been marked done", "[blocking_queue]") {
  WaitStats::reset();
  Queue queue;
  queue.join(); // nothing put: returns at once
  for (int i = 0; i < 3; ++i) {
    queue.put(i);
  }
  std::atomic<bool> joined{false};
  std::thread joiner([&] {
    queue.join();
    joined = true;
  });
  for (int i = 0; i < 3; ++i) {
    REQUIRE(queue.get().has_value());
  }
  CHECK_NOTHROW(queue.task_done());
  CHECK_NOTHROW(queue.task_done());
  WaitStats::wait_until_blocked_or(1, [&] { return joined.load(); }); // one item is not done yet
  const bool joined_early = joined.load();
  CHECK_NOTHROW(queue.task_done());
  joiner.join();
  INFO("join returned before the last task_done");
  CHECK_FALSE(joined_early);
  CHECK(joined.load());
  CHECK_THROWS_AS(queue.task_done(), std::logic_error); // more task_done calls than items
}

TEST_CASE("timed waits give up after their timeout", "[blocking_queue]") {
  BlockingQueue<int> queue(1);
  CHECK_FALSE(queue.get_for(5ms).has_value());
  CHECK(queue.put_for(1, 5ms));
  CHECK_FALSE(queue.put_for(2, 5ms));
  CHECK(queue.get_for(5ms) == 1);
}
