// Asio's template instances that the Asio graders need most, made once in
// their precompiled header (clang only; measured as pch_instances.hpp says).
// Nothing calls these functions: using a template is what makes clang
// instantiate it in the header.
#pragma once

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/experimental/deferred.hpp>
#include <asio/experimental/parallel_group.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <system_error>

namespace workbook::testing::pch {

inline asio::awaitable<std::size_t> asio_coroutine_instances(asio::ip::tcp::socket& socket) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, std::chrono::milliseconds(1));
  std::error_code error;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, error));
  co_await timer.async_wait(asio::use_awaitable);
  std::array<char, 16> buffer{};
  const std::size_t read =
      co_await socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, error));
  co_await asio::async_write(socket, asio::buffer(buffer, read),
                             asio::redirect_error(asio::use_awaitable, error));
  co_await asio::post(executor, asio::use_awaitable);
  using namespace asio::experimental::awaitable_operators;
  co_await (timer.async_wait(asio::use_awaitable) || timer.async_wait(asio::use_awaitable));
  // A read raced against a timer: an idle connection's time limit.
  co_await (socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, error)) ||
            timer.async_wait(asio::redirect_error(asio::use_awaitable, error)));
  co_return read;
}

// An operation raced against a timer in a parallel group that waits for the
// first to finish, success or not: how a time limit on an awaitable is
// usually written, for the result types the hidden tests use.
template <class T> asio::awaitable<void> first_of_instances(asio::awaitable<T> operation) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, std::chrono::milliseconds(1));
  auto results = co_await asio::experimental::make_parallel_group(
                     asio::co_spawn(executor, std::move(operation), asio::experimental::deferred),
                     timer.async_wait(asio::experimental::deferred))
                     .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  (void)results;
}

inline asio::awaitable<int> int_coroutine_instances() {
  co_return 1;
}

inline asio::awaitable<std::string> string_coroutine_instances() {
  co_return std::string();
}

inline asio::awaitable<void> asio_void_coroutine_instances() {
  co_return;
}

inline void asio_instances() {
  asio::io_context context;
  const asio::any_io_executor executor = context.get_executor();
  asio::steady_timer timer(context, std::chrono::milliseconds(1));
  asio::steady_timer from_executor(executor);
  timer.expires_after(std::chrono::milliseconds(1));
  asio::ip::tcp::socket socket(context);
  asio::co_spawn(context, asio_coroutine_instances(socket), asio::detached);
  asio::co_spawn(executor, asio_void_coroutine_instances(), asio::detached);
  asio::co_spawn(executor, first_of_instances(int_coroutine_instances()), asio::detached);
  asio::co_spawn(executor, first_of_instances(string_coroutine_instances()), asio::detached);
  asio::post(context, [] {});
  context.run_for(std::chrono::seconds(1));
  context.run();
}

} // namespace workbook::testing::pch
