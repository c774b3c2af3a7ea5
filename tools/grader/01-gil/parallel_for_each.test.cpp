// Hidden tests for exercises/01-gil/parallel_for_each.hpp.
#include "parallel_for_each.hpp"
#include "catch.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using workbook::gil::parallel_for_each;

namespace {

// Waits (bounded: a backstop, never a measurement) until `ready()`; returns
// whether it became true.
template <class Predicate>
bool wait_for_condition(std::mutex& mutex, std::condition_variable& changed, Predicate ready) {
  std::unique_lock lock(mutex);
  return changed.wait_for(lock, std::chrono::seconds(5), ready);
}

} // namespace

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
