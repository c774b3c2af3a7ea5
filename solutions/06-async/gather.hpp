// Exercise: gather — run awaitables concurrently and collect every outcome in place.
//
// Chapter: chapters/06-async/README.md, section "Exercise: gather".
// Grade it: `./workbook check gather`.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace workbook::async {

/// One awaitable's outcome: its value, or the exception it ended with.
template <class T> struct Outcome {
  std::optional<T> value;
  std::exception_ptr error;

  [[nodiscard]] bool ok() const { return value.has_value(); }
  /// The value; rethrows the error instead when there is one.
  T& get() {
    if (error) {
      std::rethrow_exception(error);
    }
    return *value;
  }
};

template <class T> asio::awaitable<std::vector<Outcome<T>>> gather(std::vector<asio::awaitable<T>> tasks) {
  struct State {
    explicit State(const asio::any_io_executor& executor, std::size_t count)
        : outcomes(count), remaining(count), all_done(executor, asio::steady_timer::time_point::max()) {}
    std::vector<Outcome<T>> outcomes;
    std::size_t remaining;
    asio::steady_timer all_done; // an event: cancelled when the last task finishes
  };
  const auto executor = co_await asio::this_coro::executor;
  const auto state = std::make_shared<State>(executor, tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    asio::co_spawn(executor, std::move(tasks[i]),
                   [state, i](std::exception_ptr error, std::optional<T> value) {
                     // (co_spawn's handler gets a default-constructed T on failure; the
                     // optional keeps "no value" distinct from a value that is T{}.)
                     if (error) {
                       state->outcomes[i].error = error;
                     } else {
                       state->outcomes[i].value = std::move(value);
                     }
                     if (--state->remaining == 0) {
                       state->all_done.cancel();
                     }
                   });
  }
  if (state->remaining > 0) {
    std::error_code ignored; // operation_aborted: the event fired
    co_await state->all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return std::move(state->outcomes);
}

} // namespace workbook::async
