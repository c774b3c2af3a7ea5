// Hidden tests for exercises/01-gil/parallel_for_each.hpp. The explored cases
// come first: a wrong claim of a chunk is an atomicity violation, not a data
// race (every access is atomic), so ThreadSanitizer cannot see it, but the
// explorer finds the schedule that shows it. The real-thread cases after them
// check the rest of the contract at full speed, under ThreadSanitizer too.
#include "parallel_for_each.hpp"
#include "catch.hpp"

#include <sim/catch_sim.hpp>
#include <workbook/sync.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

using workbook::gil::parallel_for_each;
namespace sim = workbook::sim;
using namespace std::chrono_literals;

namespace {

// Waits (bounded: a backstop, never a measurement) until `ready()`; returns
// whether it became true.
template <class Predicate>
bool wait_for_condition(std::mutex& mutex, std::condition_variable& changed, Predicate ready) {
  std::unique_lock lock(mutex);
  return changed.wait_for(lock, std::chrono::seconds(5), ready);
}

// An atomic that makes two threads meet at it. The first thread to read it
// (a `load` or a read-modify-write) of an integral value (not a bool flag)
// waits, right after that operation, until another thread operates on the
// same atomic; then both go on. A cursor advanced by one read-modify-write
// (`fetch_add`, `++`, a compare-exchange loop) hands out distinct chunks
// whatever the interleaving; a cursor advanced by a `load` and a separate
// `store` is loaded twice before either store, and a `fetch_add` followed
// by a separate `load` of the result is advanced twice before either load:
// both threads take the same chunk. The five-second wait is a backstop for
// an atomic that no second thread ever touches, not a measurement.
template <class T> class MeetingAtomic {
public:
  MeetingAtomic() noexcept = default;
  constexpr MeetingAtomic(T value) noexcept : value_(value) {} // NOLINT: converting, like std::atomic
  MeetingAtomic(const MeetingAtomic&) = delete;
  MeetingAtomic& operator=(const MeetingAtomic&) = delete;

  T load(std::memory_order order = std::memory_order_seq_cst) const noexcept {
    const T value = value_.load(order);
    arrive(true);
    return value;
  }
  operator T() const noexcept { return load(); } // NOLINT: implicit, like std::atomic
  void store(T value, std::memory_order order = std::memory_order_seq_cst) noexcept {
    value_.store(value, order);
    arrive(false);
  }
  T operator=(T value) noexcept {
    store(value);
    return value;
  }
  T exchange(T value, std::memory_order order = std::memory_order_seq_cst) noexcept {
    return after(value_.exchange(value, order));
  }
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst) noexcept {
    return after(value_.compare_exchange_weak(expected, desired, order));
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure) noexcept {
    return after(value_.compare_exchange_weak(expected, desired, success, failure));
  }
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst) noexcept {
    return after(value_.compare_exchange_strong(expected, desired, order));
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure) noexcept {
    return after(value_.compare_exchange_strong(expected, desired, success, failure));
  }
  T fetch_add(T delta, std::memory_order order = std::memory_order_seq_cst) noexcept
      requires(!std::is_same_v<T, bool>) {
    return after(value_.fetch_add(delta, order));
  }
  T fetch_sub(T delta, std::memory_order order = std::memory_order_seq_cst) noexcept
      requires(!std::is_same_v<T, bool>) {
    return after(value_.fetch_sub(delta, order));
  }
  T operator++() noexcept requires(!std::is_same_v<T, bool>) { return fetch_add(1) + 1; }
  T operator++(int) noexcept requires(!std::is_same_v<T, bool>) { return fetch_add(1); }
  T operator--() noexcept requires(!std::is_same_v<T, bool>) { return fetch_sub(1) - 1; }
  T operator--(int) noexcept requires(!std::is_same_v<T, bool>) { return fetch_sub(1); }
  T operator+=(T delta) noexcept requires(!std::is_same_v<T, bool>) { return fetch_add(delta) + delta; }
  T operator-=(T delta) noexcept requires(!std::is_same_v<T, bool>) { return fetch_sub(delta) - delta; }

  /// Whether a first load met a second thread here (read after the threads are joined).
  [[nodiscard]] bool met() const {
    std::lock_guard lock(mutex_);
    return met_;
  }

private:
  template <class Result> Result after(Result result) const noexcept {
    arrive(true);
    return result;
  }
  void arrive(bool reads) const noexcept {
    if constexpr (std::is_same_v<T, bool>) {
      return; // flags are left alone: only the cursor's interleaving matters
    } else {
      std::unique_lock lock(mutex_);
      if (!armed_) {
        return;
      }
      const auto self = std::this_thread::get_id();
      if (!first_loader_) {
        if (reads) {
          first_loader_ = self;
          met_or_gave_up_.wait_for(lock, std::chrono::seconds(5), [&] { return met_; });
          armed_ = false;
        }
        return;
      }
      if (self != *first_loader_) {
        met_ = true;
        armed_ = false;
        met_or_gave_up_.notify_all();
      }
    }
  }

  std::atomic<T> value_{};
  mutable std::mutex mutex_;
  mutable std::condition_variable met_or_gave_up_;
  mutable std::optional<std::thread::id> first_loader_;
  mutable bool armed_ = true;
  mutable bool met_ = false;
};

// The standard policy with MeetingAtomic for its atomics.
struct MeetingSync : workbook::std_sync {
  template <class T> using atomic = MeetingAtomic<T>;
};

// The order in which the threads of one parallel_for_each call meet the
// test: the first call on each of two threads waits for the other, one of
// them (never the calling thread, whose end cannot be observed) throws, and
// its thread's end is observable through a promise made ready at thread exit.
struct ThrowScript {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::thread::id> arrived; // the threads whose first call has begun
  std::optional<std::thread::id> thrower;
  bool thrown = false;
  std::promise<void> thrower_exit;
  std::shared_future<void> thrower_exited = thrower_exit.get_future().share();
  std::thread::id caller = std::this_thread::get_id();
  bool gave_up = false; // a backstop expired: something the test waited for never happened

  // Called at the start of every call of `function`; returns whether this
  // call is the one that must throw.
  bool first_call_meets_the_other_thread() {
    std::unique_lock lock(mutex);
    const auto self = std::this_thread::get_id();
    if (std::find(arrived.begin(), arrived.end(), self) != arrived.end()) {
      return false;
    }
    arrived.push_back(self);
    changed.notify_all();
    if (!changed.wait_for(lock, std::chrono::seconds(5), [&] { return arrived.size() >= 2; })) {
      gave_up = true;
      return false;
    }
    if (!thrower && self != caller) {
      thrower = self;
      thrower_exit.set_value_at_thread_exit(); // ready once this thread has ended
      return true;
    }
    return false;
  }
  void mark_thrown() {
    std::lock_guard lock(mutex);
    thrown = true;
    changed.notify_all();
  }
  void wait_until_thrown() {
    std::unique_lock lock(mutex);
    if (!changed.wait_for(lock, std::chrono::seconds(5), [&] { return thrown; })) {
      gave_up = true;
    }
  }
  bool has_thrown() {
    std::lock_guard lock(mutex);
    return thrown;
  }
  // A correct parallel_for_each records the failure before the throwing
  // thread ends; after that, no thread may start another chunk.
  void wait_until_thrower_has_ended() {
    if (thrower_exited.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      std::lock_guard lock(mutex);
      gave_up = true;
    }
  }
};

std::string times(int count) {
  return count == 1 ? "once" : count == 2 ? "twice" : std::to_string(count) + " times";
}

// Explores parallel_for_each over `count` elements: every element must be
// processed exactly once, none past the end of the span (the vector goes on
// past it, so that a claim past the last chunk is seen, not undefined), and
// nothing may run after the call returns.
sim::Result explore_claims(const sim::Options& options, std::size_t count, std::size_t threads,
                           std::size_t chunk_size) {
  const auto body = [=] {
    constexpr std::size_t kPastTheEnd = 4;
    std::vector<int> storage(count + kPastTheEnd);
    std::iota(storage.begin(), storage.end(), 0);
    std::vector<int> visits(storage.size(), 0);
    bool returned = false;
    parallel_for_each<sim::sync>(std::span<int>(storage.data(), count), threads, chunk_size, [&](int& item) {
      sim::check(!returned, "the function ran after parallel_for_each returned");
      ++visits[static_cast<std::size_t>(item)];
    });
    returned = true;
    std::string wrong;
    for (std::size_t i = 0; i < storage.size(); ++i) {
      if (visits[i] != (i < count ? 1 : 0)) {
        wrong += " element " + std::to_string(i) + (i < count ? "" : " (past the end)") +
                 (visits[i] == 0 ? " never processed;" : " processed " + times(visits[i]) + ";");
      }
    }
    sim::check(wrong.empty(), "chunks taken twice or skipped:" + wrong);
  };
  return sim::explore(options, sim::failing_on_exception(body));
}

// Explores a run on two threads in which the element `bad` throws. A
// thread that begins an element after the throw first waits until every
// other thread is blocked or finished (a sleep on the virtual clock, which
// moves only then), by which time the thread that threw has recorded the
// failure and stopped; from then on, the waiting thread may finish the
// chunk it is in, and must not start another. The rest of the chunk that
// threw must not run, and the exception must reach the caller.
sim::Result explore_throw(const sim::Options& options, std::size_t count, std::size_t chunk_size, int bad) {
  const auto body = [=] {
    std::vector<int> items(count);
    std::iota(items.begin(), items.end(), 0);
    const auto chunk_of = [chunk_size](int item) { return static_cast<std::size_t>(item) / chunk_size; };
    bool thrown = false;
    bool returned = false;
    std::map<std::thread::id, std::size_t> stopped_in; // a thread's chunk once the thrower had stopped
    std::string message;
    const auto function = [&](int& item) {
      const auto self = sim::sync::this_thread::get_id();
      sim::check(!returned, "the function ran after parallel_for_each returned");
      if (thrown && chunk_of(item) == chunk_of(bad)) {
        sim::check(false, item == bad
                              ? "element " + std::to_string(bad) +
                                    " ran again after it threw: its chunk was taken twice"
                              : "element " + std::to_string(item) + " ran after element " +
                                    std::to_string(bad) +
                                    " of the same chunk threw: the rest of a chunk that throws is skipped");
      }
      if (const auto stopped = stopped_in.find(self); stopped != stopped_in.end()) {
        sim::check(stopped->second == chunk_of(item),
                   "a thread started chunk " + std::to_string(chunk_of(item)) +
                       " after the failure was recorded and the thread that threw had stopped");
      }
      if (item == bad) {
        thrown = true;
        sim::note("throws");
        throw std::runtime_error("bad item");
      }
      if (thrown && stopped_in.find(self) == stopped_in.end()) {
        sim::sync::this_thread::sleep_for(1ms); // until every other thread is blocked or finished
        stopped_in[self] = chunk_of(item);
      }
    };
    try {
      parallel_for_each<sim::sync>(std::span<int>(items), 2, chunk_size, function);
      sim::check(false, "parallel_for_each returned normally although an element threw");
    } catch (const std::runtime_error& error) {
      message = error.what();
    }
    returned = true;
    sim::check(message == "bad item", "the caller got another exception than the one thrown");
  };
  return sim::explore(options, sim::failing_on_exception(body));
}

} // namespace

// Explored: each scenario runs under every schedule within the explorer's
// bounds (two preemptions unless a case says otherwise), on the simulated
// policy, where every operation on an atomic is a scheduling point. Plain
// fields of a scenario need no lock: one simulated thread runs at a time.

TEST_CASE("explored: no chunk is taken twice or skipped in any schedule", "[parallel_for_each][explored]") {
  // Five elements in chunks of two on two threads, and four elements one
  // by one on three threads. A cursor advanced by a load and a separate
  // store, or by a fetch_add and a separate load, hands one chunk to two
  // threads.
  WORKBOOK_CHECK_EXPLORED(explore_claims({}, 5, 2, 2));
  WORKBOOK_CHECK_EXPLORED(explore_claims({}, 4, 3, 1));
}

TEST_CASE("explored: the threads work at the same time", "[parallel_for_each][explored]") {
  // Two elements on two threads: each call waits until both calls have
  // begun. Threads that run one after the other never get there, and the
  // explorer names where each of them waits.
  const auto body = [] {
    std::vector<int> items(2);
    sim::sync::mutex mutex;
    sim::sync::condition_variable changed;
    int arrived = 0;
    parallel_for_each<sim::sync>(std::span<int>(items), 2, 1, [&](int&) {
      std::unique_lock lock(mutex);
      ++arrived;
      changed.notify_all();
      changed.wait(lock, [&] { return arrived == 2; }); // both calls are running at once
    });
    sim::check(arrived == 2, "the function was not called for both elements");
  };
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, sim::failing_on_exception(body)));
}

TEST_CASE("explored: no chunk starts after a throw once the failure is recorded",
          "[parallel_for_each][explored]") {
  // Two threads; element 1 of five throws (chunks of one), then element 2
  // of six (chunks of two: element 3 is the rest of its chunk).
  WORKBOOK_CHECK_EXPLORED(explore_throw({}, 5, 1, 1));
  WORKBOOK_CHECK_EXPLORED(explore_throw({}, 6, 2, 2));
}

// Real threads: the contract at full speed, under ThreadSanitizer too.

TEST_CASE("every element is visited exactly once for any threads and chunk size", "[parallel_for_each]") {
  for (std::size_t threads : {1, 2, 3, 8}) {
    for (std::size_t chunk : {1, 7, 64, 1000, 5000}) {
      std::vector<int> items(1000);
      std::iota(items.begin(), items.end(), 0);
      std::vector<std::atomic<int>> visits(items.size());
      parallel_for_each(std::span<int>(items), threads, chunk, [&](int& item) {
        ++visits[static_cast<std::size_t>(item)];
        item *= 2;
      });
      INFO("threads = " << threads << ", chunk size = " << chunk);
      int wrong = 0;
      for (std::size_t i = 0; i < items.size(); ++i) {
        wrong += (visits[i].load() != 1 || items[i] != 2 * static_cast<int>(i)) ? 1 : 0;
      }
      CHECK(wrong == 0);
    }
  }
}

TEST_CASE("an empty input calls nothing", "[parallel_for_each]") {
  std::vector<int> none;
  std::atomic<int> calls{0};
  parallel_for_each(std::span<int>(none), 4, 3, [&](int&) { ++calls; });
  CHECK(calls.load() == 0);
}

TEST_CASE("zero threads or a zero chunk size is rejected with std::invalid_argument", "[parallel_for_each]") {
  std::vector<int> items(10);
  std::vector<int> none;
  const auto noop = [](int&) {};
  CHECK_THROWS_AS(parallel_for_each(std::span<int>(items), 0, 1, noop), std::invalid_argument);
  CHECK_THROWS_AS(parallel_for_each(std::span<int>(items), 2, 0, noop), std::invalid_argument);
  CHECK_THROWS_AS(parallel_for_each(std::span<int>(none), 0, 1, noop), std::invalid_argument);
}

TEST_CASE("the threads work at the same time", "[parallel_for_each]") {
  constexpr std::size_t kThreads = 4;
  std::mutex mutex;
  std::condition_variable changed;
  std::set<std::thread::id> arrived;
  std::atomic<bool> missed{false};
  std::vector<int> items(16);
  parallel_for_each(std::span<int>(items), kThreads, 1, [&](int&) {
    std::unique_lock lock(mutex);
    arrived.insert(std::this_thread::get_id());
    changed.notify_all();
    if (!changed.wait_for(lock, std::chrono::seconds(5), [&] { return arrived.size() >= kThreads; })) {
      missed = true;
    }
  });
  INFO("distinct threads that called the function: " << arrived.size());
  CHECK(arrived.size() == kThreads);
  CHECK_FALSE(missed.load()); // fails when the threads run one after another
}

TEST_CASE("a slow chunk does not hold up the chunks after it", "[parallel_for_each]") {
  // Element 0 waits until every other element is done. With chunks handed
  // out as threads become free, the second thread does them all; with a
  // fixed split, the first thread's other elements wait behind element 0.
  std::vector<int> items(10);
  std::iota(items.begin(), items.end(), 0);
  std::mutex mutex;
  std::condition_variable changed;
  int others_done = 0;
  std::atomic<bool> held_up{false};
  parallel_for_each(std::span<int>(items), 2, 1, [&](int& item) {
    if (item == 0) {
      if (!wait_for_condition(mutex, changed, [&] { return others_done == 9; })) {
        held_up = true;
      }
      return;
    }
    std::lock_guard lock(mutex);
    ++others_done;
    changed.notify_all();
  });
  CHECK(others_done == 9);
  CHECK_FALSE(held_up.load());
}

TEST_CASE("an exception reaches the caller after every thread has stopped", "[parallel_for_each]") {
  std::vector<int> items(200);
  std::iota(items.begin(), items.end(), 0);
  std::atomic<int> running{0};
  std::atomic<bool> caller_has_returned{false};
  std::atomic<int> calls_after_return{0};
  const auto function = [&](int& item) {
    ++running;
    if (caller_has_returned) {
      ++calls_after_return;
    }
    if (item == 37) {
      --running;
      throw std::runtime_error("bad item 37");
    }
    for (int spin = 0; spin < 200; ++spin) {
      std::this_thread::yield(); // give the failure time to overtake us
    }
    --running;
  };
  std::string message;
  try {
    parallel_for_each(std::span<int>(items), 4, 3, function);
  } catch (const std::runtime_error& error) {
    message = error.what();
  }
  caller_has_returned = true;
  CHECK(message == "bad item 37");
  CHECK(running.load() == 0); // nothing still running when the error arrived
  CHECK(calls_after_return.load() == 0);
}

TEST_CASE("no chunk starts after a failure and the first exception wins", "[parallel_for_each]") {
  // One thread, so the order is known: element 3 throws, 4..9 never run.
  std::vector<int> items(10);
  std::iota(items.begin(), items.end(), 0);
  std::vector<int> called;
  try {
    parallel_for_each(std::span<int>(items), 1, 1, [&](int& item) {
      called.push_back(item);
      if (item == 3) {
        throw std::domain_error("first");
      }
      if (item == 6) {
        throw std::runtime_error("second");
      }
    });
    FAIL("no exception reached the caller");
  } catch (const std::domain_error& error) {
    CHECK(std::string(error.what()) == "first");
  }
  CHECK(called == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("every thread throwing still ends with one exception and no crash", "[parallel_for_each]") {
  std::vector<int> items(64);
  CHECK_THROWS_AS(parallel_for_each(std::span<int>(items), 8, 1, [](int&) { throw std::logic_error("all"); }),
                  std::logic_error);
}

TEST_CASE("no thread starts a new chunk once another thread has thrown", "[parallel_for_each]") {
  // Two threads, one element per chunk. Each thread's first call waits for
  // the other's, so both are busy; then one throws. The other finishes its
  // element only after the throw, and every element it starts after that
  // waits until the throwing thread has ended, by which time the failure is
  // recorded: a thread that honours it starts at most that one chunk, a
  // thread that only its own failure stops goes through the rest.
  std::vector<int> items(12);
  std::iota(items.begin(), items.end(), 0);
  ThrowScript script;
  std::atomic<int> started_after_throw{0};
  std::string message;
  try {
    parallel_for_each(std::span<int>(items), 2, 1, [&](int&) {
      if (script.first_call_meets_the_other_thread()) {
        script.mark_thrown();
        throw std::runtime_error("the thrower");
      }
      if (script.has_thrown()) {
        ++started_after_throw;
        script.wait_until_thrower_has_ended();
        return;
      }
      script.wait_until_thrown(); // the other thread's first element ends after the throw
    });
  } catch (const std::runtime_error& error) {
    message = error.what();
  }
  REQUIRE_FALSE(script.gave_up); // the two threads never met, or the throwing thread never ended
  INFO(started_after_throw.load() << " chunks were started after the throw, while the failure was "
                                  << "already recorded: the other threads must stop taking chunks too");
  CHECK(started_after_throw.load() <= 1);
  CHECK(message == "the thrower");
}

TEST_CASE("when two threads throw the first exception thrown reaches the caller", "[parallel_for_each]") {
  // The second exception is thrown only after the first thread has ended,
  // so its exception was recorded first: a solution that keeps the last one
  // reports the wrong error.
  std::vector<int> items(8);
  ThrowScript script;
  std::string message;
  try {
    parallel_for_each(std::span<int>(items), 2, 1, [&](int&) {
      if (script.first_call_meets_the_other_thread()) {
        script.mark_thrown();
        throw std::runtime_error("first");
      }
      script.wait_until_thrown();
      script.wait_until_thrower_has_ended();
      throw std::runtime_error("second");
    });
  } catch (const std::runtime_error& error) {
    message = error.what();
  }
  REQUIRE_FALSE(script.gave_up);
  CHECK(message == "first");
}

TEST_CASE("a throw skips the rest of its chunk", "[parallel_for_each]") {
  // One thread, chunks of four: element 5 throws in the chunk 4..7, so 6
  // and 7 are skipped and no chunk after it starts.
  std::vector<int> items(12);
  std::iota(items.begin(), items.end(), 0);
  std::vector<int> called;
  CHECK_THROWS_AS(parallel_for_each(std::span<int>(items), 1, 4,
                                    [&](int& item) {
                                      called.push_back(item);
                                      if (item == 5) {
                                        throw std::out_of_range("five");
                                      }
                                    }),
                  std::out_of_range);
  CHECK(called == std::vector<int>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("two threads arriving at the chunk cursor together never take the same chunk",
          "[parallel_for_each]") {
  // MeetingAtomic holds the first thread that loads the cursor until a
  // second thread touches it: one read-modify-write per claim passes, a
  // load followed by a separate store hands the same chunk to both.
  for (std::size_t chunk : {1, 3}) {
    std::vector<int> items(24);
    std::iota(items.begin(), items.end(), 0);
    std::vector<std::atomic<int>> visits(items.size());
    parallel_for_each<MeetingSync>(std::span<int>(items), 2, chunk,
                                   [&](int& item) { ++visits[static_cast<std::size_t>(item)]; });
    std::string twice;
    std::string never;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (visits[i].load() > 1) {
        twice += " " + std::to_string(i);
      }
      if (visits[i].load() == 0) {
        never += " " + std::to_string(i);
      }
    }
    INFO("chunk size " << chunk << "; processed more than once:" << (twice.empty() ? " none" : twice)
                       << "; never processed:" << (never.empty() ? " none" : never));
    CHECK(twice.empty());
    CHECK(never.empty());
  }
}
