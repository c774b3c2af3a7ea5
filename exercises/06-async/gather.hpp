// Exercise: gather — run awaitables concurrently and collect every outcome in place.
//
// Chapter: chapters/06-async/README.md, section "Exercise: gather".
// Grade it: `./workbook check gather`.
#pragma once

#include <workbook/not_implemented.hpp>

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
  std::optional<T> value;   ///< set when the awaitable returned
  std::exception_ptr error; ///< set when it threw

  [[nodiscard]] bool ok() const { return value.has_value(); }
  /// The value; rethrows the error instead when there is one.
  T& get() {
    if (error) {
      std::rethrow_exception(error);
    }
    return *value;
  }
};

/// Python's `asyncio.gather(*tasks, return_exceptions=True)` for Asio:
/// starts every awaitable of `tasks` on the calling coroutine's executor so
/// that they all run **at the same time** (interleaved on its thread), waits
/// until the **last** one has finished, and returns one Outcome per task **in
/// argument order** (not in completion order). A task that throws does not
/// stop the others: its exception is kept in its own Outcome.
///
/// An empty `tasks` gives an empty result at once. The executor is used from
/// one thread (an io_context run by one thread, as in the tests).
/// `T` must be default-constructible (co_spawn's requirement).
///
/// What Asio 1.22 gives you to build it with:
/// - `asio::co_spawn(executor, std::move(task), handler)` starts one task and
///   returns at once; when the task ends, `handler` is called (on the
///   executor) with the signature `void(std::exception_ptr error, T value)`:
///   `error` is null and `value` the result when the task returned; `error`
///   holds the exception and `value` is a default-constructed `T` when it
///   threw (so `value` alone cannot tell "returned T{}" from "failed").
/// - Nothing ready-made waits for a whole vector of tasks: Asio 1.22's
///   `experimental::make_parallel_group(op1, op2, ...)` takes a fixed pack of
///   operations, not a range. Wait for the last one yourself: count the tasks
///   still running in state that the handlers share with this coroutine, and
///   suspend this coroutine on something the last handler triggers. An
///   `asio::steady_timer` that expires at `time_point::max()` and that the
///   last handler `cancel()`s is such an event (the wait then ends with
///   `operation_aborted`). The caller must resume only after the last task,
///   never earlier; the tests release the last task only after everything
///   else has run.
template <class T>
asio::awaitable<std::vector<Outcome<T>>> gather([[maybe_unused]] std::vector<asio::awaitable<T>> tasks) {
  throw workbook::not_implemented(__FILE__, "Exercise: gather");
  co_return std::vector<Outcome<T>>{};
}

} // namespace workbook::async
