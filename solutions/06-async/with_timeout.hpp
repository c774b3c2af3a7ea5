// Exercise: with_timeout — an operation or a timeout, whichever comes first; the loser is cancelled.
//
// Chapter: chapters/06-async/README.md, section "Exercise: with_timeout".
// Grade it: `./workbook check with_timeout`.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/deferred.hpp>
#include <asio/experimental/parallel_group.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <stdexcept>
#include <utility>

namespace workbook::async {

/// What with_timeout throws when the time limit wins.
class timeout_error : public std::runtime_error {
public:
  timeout_error() : std::runtime_error("the operation timed out") {}
};

template <class T>
asio::awaitable<T> with_timeout(asio::awaitable<T> operation, std::chrono::steady_clock::duration limit) {
  namespace experimental = asio::experimental;
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, limit);
  // A parallel group waiting for the first to complete (success or not):
  // it then cancels the other through its cancellation slot, and resumes
  // us only once both have finished, so nothing is left running. (Asio's
  // `||` operator waits for the first *success*, so a failing operation
  // would wait out the whole timeout.)
  auto [order, error, value, timer_error] =
      co_await experimental::make_parallel_group(
          asio::co_spawn(executor, std::move(operation), experimental::deferred),
          timer.async_wait(experimental::deferred))
          .async_wait(experimental::wait_for_one(), asio::use_awaitable);
  (void)timer_error;
  if (order[0] == 1) {
    throw timeout_error();
  }
  if (error) {
    std::rethrow_exception(error);
  }
  co_return std::move(value);
}

} // namespace workbook::async
