// Exercise: with_timeout — an operation or a timeout, whichever comes first; the loser is cancelled.
//
// Chapter: chapters/06-async/README.md, section "Exercise: with_timeout".
// Grade it: `./workbook check with_timeout`.
#pragma once

#include <workbook/not_implemented.hpp>

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

/// Python's `asyncio.wait_for(operation, timeout)` for Asio: runs
/// `operation` against a timer of `limit` on the calling coroutine's
/// executor.
/// - If the operation completes first, returns its value, or rethrows its
///   exception at once (without waiting for the timer); the timer is
///   cancelled.
/// - If the timer fires first, **cancels the operation** (through Asio's
///   per-operation cancellation, so its pending wait ends with
///   `asio::error::operation_aborted`) and throws timeout_error.
/// Either way, by the time the caller resumes, the loser has finished:
/// nothing is left running in the background.
template <class T>
asio::awaitable<T> with_timeout([[maybe_unused]] asio::awaitable<T> operation,
                                [[maybe_unused]] std::chrono::steady_clock::duration limit) {
  throw workbook::not_implemented(__FILE__, "Exercise: with_timeout");
  co_return T{};
}

} // namespace workbook::async
