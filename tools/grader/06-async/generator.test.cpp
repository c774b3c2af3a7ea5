// Hidden tests for the generator exercise.
#include "generator.hpp"

#include <catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

using workbook::async::Generator;
using workbook::async::yield_from;

namespace {

Generator<int> count_to(int n, int* started = nullptr) {
  if (started != nullptr) {
    ++*started;
  }
  for (int i = 1; i <= n; ++i) {
    co_yield i;
  }
}

Generator<long> naturals(int* produced) {
  for (long i = 0;; ++i) {
    ++*produced;
    co_yield i;
  }
}

template <class T> std::vector<T> collect(Generator<T> generator) {
  std::vector<T> values;
  for (auto& value : generator) {
    values.push_back(value);
  }
  return values;
}

struct Tracked {
  explicit Tracked(int* live) : live_(live) { ++*live_; }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
  ~Tracked() { --*live_; }
  int* live_;
};

} // namespace

TEST_CASE("yields its values in order through a range-for loop", "[generator]") {
  CHECK(collect(count_to(5)) == std::vector<int>{1, 2, 3, 4, 5});
  CHECK(collect(count_to(0)).empty());
}

TEST_CASE("the body runs only as far as the consumer asks", "[generator]") {
  int started = 0;
  auto generator = count_to(3, &started);
  CHECK(started == 0); // lazy: creating the generator runs nothing
  auto it = generator.begin();
  CHECK(started == 1);
  CHECK(*it == 1);

  int produced = 0;
  auto infinite = naturals(&produced);
  std::vector<long> first;
  for (long value : infinite) {
    if (value == 4) {
      break;
    }
    first.push_back(value);
  }
  CHECK(first == std::vector<long>{0, 1, 2, 3});
  CHECK(produced == 5); // one value per step, never ahead of the consumer
}

TEST_CASE("an exception in the body reaches the consumer where it resumed the generator", "[generator]") {
  auto failing = []() -> Generator<int> {
    co_yield 1;
    throw std::runtime_error("second value");
  };
  auto generator = failing();
  auto it = generator.begin();
  CHECK(*it == 1);
  CHECK_THROWS_AS(++it, std::runtime_error);

  auto fails_at_once = []() -> Generator<int> {
    throw std::out_of_range("first value");
    co_return;
  };
  auto first = fails_at_once();
  CHECK_THROWS_AS(first.begin(), std::out_of_range);
}

TEST_CASE("yield_from delegates to an inner generator in place", "[generator]") {
  auto outer = []() -> Generator<int> {
    co_yield 0;
    co_yield yield_from(count_to(3));
    co_yield 10;
    co_yield yield_from(count_to(0));
    co_yield yield_from(count_to(2));
  };
  CHECK(collect(outer()) == std::vector<int>{0, 1, 2, 3, 10, 1, 2});

  auto starts_with_delegation = []() -> Generator<int> { co_yield yield_from(count_to(2)); };
  CHECK(collect(starts_with_delegation()) == std::vector<int>{1, 2});
}

namespace {

Generator<int> nested(int depth) {
  co_yield depth;
  if (depth > 0) {
    co_yield yield_from(nested(depth - 1));
  }
  co_yield -depth;
}

} // namespace

TEST_CASE("delegation nests to any depth", "[generator]") {
  CHECK(collect(nested(3)) == std::vector<int>{3, 2, 1, 0, 0, -1, -2, -3});
  std::size_t count = 0;
  for (int value : nested(200)) {
    (void)value;
    ++count;
  }
  CHECK(count == 402);
}

TEST_CASE("an inner generator's exception is thrown at the outer co_yield where it can be caught",
          "[generator]") {
  auto inner = []() -> Generator<std::string> {
    co_yield "inner";
    throw std::runtime_error("inner failed");
  };
  auto catching = [&]() -> Generator<std::string> {
    std::string caught;
    try {
      co_yield yield_from(inner());
    } catch (const std::runtime_error& error) {
      caught = error.what(); // (co_yield is not allowed inside a handler)
    }
    co_yield "caught: " + caught;
    co_yield "after";
  };
  CHECK(collect(catching()) == std::vector<std::string>{"inner", "caught: inner failed", "after"});

  auto not_catching = [&]() -> Generator<std::string> { co_yield yield_from(inner()); };
  auto generator = not_catching();
  auto it = generator.begin();
  CHECK(*it == "inner");
  CHECK_THROWS_AS(++it, std::runtime_error);
}

TEST_CASE("move-only values are yielded by reference without copies", "[generator]") {
  auto pointers = []() -> Generator<std::unique_ptr<int>> {
    for (int i = 0; i < 3; ++i) {
      co_yield std::make_unique<int>(i);
    }
  };
  std::vector<int> seen;
  for (auto& pointer : pointers()) {
    std::unique_ptr<int> taken = std::move(pointer); // the consumer may take the value
    seen.push_back(*taken);
  }
  CHECK(seen == std::vector<int>{0, 1, 2});
}

TEST_CASE("destroying an unfinished generator destroys its locals and its inner generators", "[generator]") {
  int live = 0;
  {
    auto holds = [](int* counter) -> Generator<int> {
      Tracked outer_local(counter);
      co_yield 1;
      co_yield yield_from([](int* c) -> Generator<int> {
        Tracked inner_local(c);
        co_yield 2;
        co_yield 3;
      }(counter));
    };
    auto generator = holds(&live);
    auto it = generator.begin();
    CHECK(*it == 1);
    ++it;
    CHECK(*it == 2);
    CHECK(live == 2);
  }
  CHECK(live == 0);
}

TEST_CASE("a generator is move-only and a moved-from one is empty", "[generator]") {
  CHECK_FALSE(std::is_copy_constructible_v<Generator<int>>);
  auto first = count_to(2);
  Generator<int> second = std::move(first);
  CHECK(collect(std::move(second)) == std::vector<int>{1, 2});
  CHECK(first.begin() == first.end()); // NOLINT(bugprone-use-after-move): moved-from is empty
}
