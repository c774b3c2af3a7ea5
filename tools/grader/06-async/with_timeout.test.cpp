// Hidden tests for the with_timeout exercise. "Forever" is an hour-long
// timer: if it is not cancelled the io_context cannot finish, and the
// backstop turns that into a failed check.
#include "with_timeout.hpp"

#include "async_testing.hpp"

#include <catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;
using workbook::async::timeout_error;
using workbook::async::with_timeout;
using workbook::testing::Event;
using workbook::testing::run_with_backstop;

namespace {

// Waits an hour unless cancelled; records how it ended.
struct Sleeper {
  bool started = false;
  bool cancelled = false;
  bool completed = false;

  asio::awaitable<int> sleep_an_hour() {
    started = true;
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::hours(1));
    try {
      co_await timer.async_wait(asio::use_awaitable);
    } catch (const std::system_error& error) {
      cancelled = error.code() == asio::error::operation_aborted;
      throw;
    }
    completed = true;
    co_return 1;
  }
};

} // namespace

TEST_CASE("a quick operation's result comes back and the timer is cancelled", "[with_timeout]") {
  asio::io_context context;
  std::optional<std::string> result;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        auto quick = []() -> asio::awaitable<std::string> { co_return "done"; };
        result = co_await with_timeout(quick(), std::chrono::hours(1));
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  INFO("the io_context did not finish: the hour-long timeout timer was left running");
  CHECK(context.stopped());
  REQUIRE(result.has_value());
  CHECK(*result == "done");
}

TEST_CASE("a slow operation times out with timeout_error", "[with_timeout]") {
  asio::io_context context;
  Sleeper sleeper;
  bool timed_out = false;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        try {
          co_await with_timeout(sleeper.sleep_an_hour(), 10ms);
        } catch (const timeout_error&) {
          timed_out = true;
        }
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  CHECK(sleeper.started);
  CHECK(timed_out);
}

TEST_CASE("the operation that lost to the timeout is cancelled and has ended", "[with_timeout]") {
  asio::io_context context;
  Sleeper sleeper;
  bool cancelled_when_caller_resumed = false;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        try {
          co_await with_timeout(sleeper.sleep_an_hour(), 1ms);
        } catch (const timeout_error&) {
          cancelled_when_caller_resumed = sleeper.cancelled; // the loser has finished before we resume
        }
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  INFO("the io_context did not finish: the operation was left running after the timeout");
  CHECK(context.stopped());
  CHECK(sleeper.cancelled);
  CHECK_FALSE(sleeper.completed);
  CHECK(cancelled_when_caller_resumed);
}

TEST_CASE("the operation's own exception propagates unchanged", "[with_timeout]") {
  asio::io_context context;
  bool caught_own = false;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        auto failing = []() -> asio::awaitable<int> {
          throw std::out_of_range("own failure");
          co_return 0;
        };
        try {
          co_await with_timeout(failing(), std::chrono::hours(1));
        } catch (const std::out_of_range&) {
          caught_own = true;
        }
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  CHECK(context.stopped());
  CHECK(caught_own);
}

TEST_CASE("an operation that completes after other work still beats a long timeout", "[with_timeout]") {
  asio::io_context context;
  Event ready(context);
  std::optional<int> result;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        auto waits_for_event = [&]() -> asio::awaitable<int> {
          co_await ready.wait();
          co_return 7;
        };
        result = co_await with_timeout(waits_for_event(), std::chrono::hours(1));
      },
      workbook::testing::rethrow_error);
  asio::post(context, [&] { ready.set(); });
  run_with_backstop(context);
  CHECK(context.stopped());
  CHECK(result == 7);
}
