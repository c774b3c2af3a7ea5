// Hidden tests for the gather exercise. Completion order is set by events
// the test controls, never by timing.
#include "gather.hpp"

#include "async_testing.hpp"

#include <catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using workbook::async::gather;
using workbook::async::Outcome;
using workbook::testing::Event;
using workbook::testing::run_with_backstop;

namespace {

asio::awaitable<int> value_of(int v) {
  co_return v;
}

asio::awaitable<int> fail_with(std::string message) {
  throw std::runtime_error(message);
  co_return 0;
}

} // namespace

TEST_CASE("every result comes back in argument order", "[gather]") {
  asio::io_context context;
  std::vector<Outcome<int>> outcomes;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        std::vector<asio::awaitable<int>> tasks;
        for (int i = 0; i < 5; ++i) {
          tasks.push_back(value_of(i * i));
        }
        outcomes = co_await gather(std::move(tasks));
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  REQUIRE(context.stopped());
  REQUIRE(outcomes.size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(outcomes[static_cast<std::size_t>(i)].ok());
    CHECK(outcomes[static_cast<std::size_t>(i)].get() == i * i);
  }
}

TEST_CASE("nothing to gather gives nothing at once", "[gather]") {
  asio::io_context context;
  bool finished = false;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        auto outcomes = co_await gather(std::vector<asio::awaitable<int>>{});
        finished = outcomes.empty();
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  CHECK(context.stopped());
  CHECK(finished);
}

TEST_CASE("the awaitables run at the same time", "[gather]") {
  // Each task waits until all of them have started: run one after the
  // other, the first would wait forever.
  asio::io_context context;
  constexpr int kTasks = 6;
  Event all_started(context);
  int started = 0;
  const auto task = [&](int id) -> asio::awaitable<int> {
    if (++started == kTasks) {
      all_started.set();
    }
    co_await all_started.wait();
    co_return id;
  };
  bool finished = false;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        std::vector<asio::awaitable<int>> tasks;
        for (int i = 0; i < kTasks; ++i) {
          tasks.push_back(task(i));
        }
        auto outcomes = co_await gather(std::move(tasks));
        finished = outcomes.size() == kTasks;
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  INFO("started " << started << " of " << kTasks
                  << " tasks: a gather that awaits them one by one never finishes");
  CHECK(started == kTasks);
  CHECK(finished);
  all_started.set(); // release anything still waiting so that the context can wind down
}

TEST_CASE("results stay in argument order when the tasks finish in reverse", "[gather]") {
  asio::io_context context;
  constexpr int kTasks = 5;
  std::vector<std::unique_ptr<Event>> finished_events;
  for (int i = 0; i < kTasks; ++i) {
    finished_events.push_back(std::make_unique<Event>(context));
  }
  std::vector<int> completion_order;
  // Task i waits for task i + 1 to finish: the last one finishes first.
  const auto task = [&](int id) -> asio::awaitable<std::string> {
    if (id + 1 < kTasks) {
      co_await finished_events[static_cast<std::size_t>(id + 1)]->wait();
    }
    completion_order.push_back(id);
    finished_events[static_cast<std::size_t>(id)]->set();
    co_return "task " + std::to_string(id);
  };
  std::vector<Outcome<std::string>> outcomes;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        std::vector<asio::awaitable<std::string>> tasks;
        for (int i = 0; i < kTasks; ++i) {
          tasks.push_back(task(i));
        }
        outcomes = co_await gather(std::move(tasks));
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  REQUIRE(context.stopped());
  CHECK(completion_order == std::vector<int>{4, 3, 2, 1, 0});
  REQUIRE(outcomes.size() == kTasks);
  for (int i = 0; i < kTasks; ++i) {
    CHECK(outcomes[static_cast<std::size_t>(i)].get() == "task " + std::to_string(i));
  }
}

TEST_CASE("an error stays in its place and does not stop the others", "[gather]") {
  asio::io_context context;
  Event late(context);
  bool late_ran = false;
  bool late_ran_before_gather_returned = false;
  const auto slow = [&]() -> asio::awaitable<int> {
    co_await late.wait(); // released well after the failures
    late_ran = true;
    co_return 40;
  };
  std::vector<Outcome<int>> outcomes;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        std::vector<asio::awaitable<int>> tasks;
        tasks.push_back(value_of(10));
        tasks.push_back(fail_with("second"));
        tasks.push_back(value_of(0)); // a real 0, not "no value"
        tasks.push_back(fail_with("fourth"));
        tasks.push_back(slow());
        outcomes = co_await gather(std::move(tasks));
        late_ran_before_gather_returned = late_ran;
      },
      workbook::testing::rethrow_error);
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        // Let everything else that is ready run first (handlers run in
        // order on this one thread), then release the slow task.
        for (int i = 0; i < 20; ++i) {
          co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        }
        late.set();
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  REQUIRE(context.stopped());
  REQUIRE(outcomes.size() == 5);
  INFO("gather returned before its last task had finished");
  CHECK(late_ran_before_gather_returned);
  REQUIRE(outcomes[0].ok());
  CHECK(outcomes[0].get() == 10);
  CHECK_FALSE(outcomes[1].ok());
  CHECK_THROWS_AS(outcomes[1].get(), std::runtime_error);
  REQUIRE(outcomes[2].ok());
  CHECK(outcomes[2].get() == 0);
  CHECK_FALSE(outcomes[3].ok());
  try {
    outcomes[3].get();
    FAIL("the fourth outcome should hold its error");
  } catch (const std::runtime_error& error) {
    CHECK(std::string(error.what()) == "fourth");
  }
  REQUIRE(outcomes[4].ok());
  CHECK(outcomes[4].get() == 40);
}

TEST_CASE("the caller waits until the last task has finished", "[gather]") {
  asio::io_context context;
  Event release(context);
  bool gathered = false;
  int finished_tasks = 0;
  const auto task = [&](bool wait) -> asio::awaitable<int> {
    if (wait) {
      co_await release.wait();
    }
    ++finished_tasks;
    co_return 1;
  };
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        std::vector<asio::awaitable<int>> tasks;
        tasks.push_back(task(false));
        tasks.push_back(task(true));
        tasks.push_back(task(false));
        co_await gather(std::move(tasks));
        gathered = true;
      },
      workbook::testing::rethrow_error);
  context.poll(); // everything that can run without the release
  CHECK(finished_tasks == 2);
  CHECK_FALSE(gathered);
  release.set();
  run_with_backstop(context);
  CHECK(finished_tasks == 3);
  CHECK(gathered);
}
