// Hidden tests for the parallel_map exercise.
#include "parallel_map.hpp"

#include <catch.hpp>

#include <atomic>
#include <latch>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using workbook::threads::parallel_map;

namespace {

std::vector<int> iota(int count) {
  std::vector<int> values(static_cast<std::size_t>(count));
  std::iota(values.begin(), values.end(), 0);
  return values;
}

/// A result type with no default constructor.
struct Labelled {
  explicit Labelled(std::string text) : label(std::move(text)) {}
  std::string label;
};

struct ElementError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace

TEST_CASE("results come back in input order for any chunk size and thread count", "[parallel_map]") {
  const auto inputs = iota(101);
  std::vector<long> expected;
  for (int x : inputs) {
    expected.push_back(static_cast<long>(x) * x);
  }
  for (std::size_t threads : {1U, 2U, 4U}) {
    for (std::size_t chunk : {1U, 2U, 3U, 7U, 100U, 101U, 500U}) {
      const auto squares = parallel_map(
          inputs,
          [](const int& x) {
            if (x % 5 == 0) {
              std::this_thread::yield(); // let the threads overtake each other
            }
            return static_cast<long>(x) * x;
          },
          threads, chunk);
      INFO(threads << " threads, chunk size " << chunk);
      CHECK(squares == expected);
    }
  }
}

TEST_CASE("no inputs give no results and no calls", "[parallel_map]") {
  std::atomic<int> calls{0};
  const auto results = parallel_map(
      std::vector<int>{},
      [&](const int& x) {
        ++calls;
        return x;
      },
      4, 3);
  CHECK(results.empty());
  CHECK(calls.load() == 0);
  CHECK_THROWS_AS(parallel_map(
                      iota(3), [](const int& x) { return x; }, 0, 1),
                  std::invalid_argument);
  CHECK_THROWS_AS(parallel_map(
                      iota(3), [](const int& x) { return x; }, 2, 0),
                  std::invalid_argument);
}

TEST_CASE("the function gets each element itself exactly once", "[parallel_map]") {
  const auto inputs = iota(1000);
  std::vector<std::atomic<int>> calls(inputs.size());
  std::atomic<int> copies{0};
  parallel_map(
      inputs,
      [&](const int& x) {
        const auto at = static_cast<std::size_t>(x);
        ++calls[at];
        copies += &x == &inputs[at] ? 0 : 1; // a reference to the element, not to a copy
        return x;
      },
      3, 4);
  int once = 0;
  for (const auto& count : calls) {
    once += count.load() == 1 ? 1 : 0;
  }
  CHECK(once == 1000);
  CHECK(copies.load() == 0);
}

TEST_CASE("threads threads work at once and never more", "[parallel_map]") {
  constexpr std::size_t kThreads = 4;
  std::latch all_running(kThreads);
  std::atomic<int> inside{0};
  std::atomic<int> peak{0};
  const auto inputs = iota(40);
  parallel_map(
      inputs,
      [&](const int& x) {
        const int now = ++inside;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        // The first element of each of the first four chunks waits for the
        // other three: only four threads at once get past (the watchdog
        // ends a map that runs fewer).
        if (x < static_cast<int>(kThreads)) {
          all_running.arrive_and_wait();
        }
        for (int spin = 0; spin < 100; ++spin) {
          std::this_thread::yield();
        }
        --inside;
        return x;
      },
      kThreads, 1);
  INFO(peak.load() << " calls ran at once with " << kThreads << " threads");
  CHECK(peak.load() == static_cast<int>(kThreads));
}

TEST_CASE("each chunk is processed by one thread in order", "[parallel_map]") {
  constexpr std::size_t kChunk = 5;
  const auto inputs = iota(60);
  std::vector<std::thread::id> worker(inputs.size());
  std::vector<int> position(inputs.size(), -1);
  std::atomic<int> clock{0};
  parallel_map(
      inputs,
      [&](const int& x) {
        const auto at = static_cast<std::size_t>(x);
        worker[at] = std::this_thread::get_id();
        position[at] = clock++;
        std::this_thread::yield();
        return x;
      },
      3, kChunk);
  int split = 0;
  int out_of_order = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (i % kChunk != 0) {
      split += worker[i] == worker[i - 1] ? 0 : 1;
      out_of_order += position[i] > position[i - 1] ? 0 : 1;
    }
  }
  INFO("elements of one chunk handled by different threads: " << split);
  CHECK(split == 0);
  CHECK(out_of_order == 0);
}

TEST_CASE("results need no default constructor and may be move-only", "[parallel_map]") {
  const std::vector<std::string> words{"a", "bb", "ccc"};
  const auto labelled = parallel_map(
      words, [](const std::string& word) { return Labelled(word + "!"); }, 2, 1);
  REQUIRE(labelled.size() == 3);
  CHECK(labelled[0].label == "a!");
  CHECK(labelled[2].label == "ccc!");
  const auto owned = parallel_map(
      words, [](const std::string& word) { return std::make_unique<std::size_t>(word.size()); }, 2, 2);
  REQUIRE(owned.size() == 3);
  CHECK(*owned[1] == 2);
}

TEST_CASE("the exception of the earliest failing element is rethrown after every thread ended",
          "[parallel_map]") {
  const auto inputs = iota(50);
  std::atomic<int> running{0};
  std::atomic<int> running_at_return{-1};
  std::atomic<bool> seventeen_threw{false};
  try {
    parallel_map(
        inputs,
        [&](const int& x) -> int {
          ++running;
          struct Leave {
            std::atomic<int>& count;
            ~Leave() { --count; }
          } leave{running};
          if (x == 9) {
            // Fail late: let element 17 (a later chunk) fail first in time.
            for (int spin = 0; spin < 200000 && !seventeen_threw.load(); ++spin) {
              std::this_thread::yield();
            }
          }
          if (x == 31 || x == 9 || x == 17) {
            if (x == 17) {
              seventeen_threw = true;
            }
            throw ElementError("element " + std::to_string(x));
          }
          std::this_thread::yield();
          return x;
        },
        4, 2);
    FAIL("parallel_map returned although calls threw");
  } catch (const ElementError& error) {
    running_at_return = running.load();
    CHECK(std::string(error.what()) == "element 9");
  }
  CHECK(running_at_return.load() == 0);
}
