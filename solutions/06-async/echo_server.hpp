// Exercise: echo_server — one thread, many clients, with coroutines.
//
// Chapter: chapters/06-async/README.md, section "Exercise: echo_server".
// Grade it: `./workbook check echo_server`.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <system_error>
#include <utility>

namespace workbook::async {

inline asio::awaitable<void> echo_session(asio::ip::tcp::socket socket) {
  std::array<char, 4096> buffer{};
  for (;;) {
    std::error_code error;
    const std::size_t n = co_await socket.async_read_some(asio::buffer(buffer),
                                                          asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      co_return; // end of stream, reset, cancelled: this client is done
    }
    co_await asio::async_write(socket, asio::buffer(buffer.data(), n),
                               asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      co_return;
    }
  }
}

inline asio::awaitable<void> serve_echo(asio::ip::tcp::acceptor& acceptor) {
  asio::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    std::error_code error;
    asio::ip::tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
    if (error == asio::error::operation_aborted || error == asio::error::bad_descriptor ||
        !acceptor.is_open()) {
      co_return; // the acceptor was closed: stop serving
    }
    if (error) {
      // Out of descriptors (EMFILE, ENFILE) or memory: the connection waits in
      // the listen queue, so accepting again at once would fail again at once.
      // Wait a little on a timer (the other sessions go on meanwhile), then retry.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, error));
      continue;
    }
    // Each client in its own coroutine, so the loop goes straight back to accepting.
    asio::co_spawn(acceptor.get_executor(), echo_session(std::move(socket)), asio::detached);
  }
}

} // namespace workbook::async
