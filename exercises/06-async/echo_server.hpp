// Exercise: echo_server — one thread, many clients, with coroutines.
//
// Chapter: chapters/06-async/README.md, section "Exercise: echo_server".
// Grade it: `./workbook check echo_server`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <cstddef>
#include <system_error>
#include <utility>

namespace workbook::async {

/// Serves one client: sends back every byte it receives, in order, until
/// the client closes its side (end of stream) or the connection fails
/// (reset, cancelled). Neither is an error for the server: the session just
/// ends. The socket is taken by value: the coroutine owns it (a reference
/// parameter would dangle once the caller moved on).
inline asio::awaitable<void> echo_session([[maybe_unused]] asio::ip::tcp::socket socket) {
  throw workbook::not_implemented(__FILE__, "Exercise: echo_server");
  co_return;
}

/// Accepts clients on `acceptor` and serves each with echo_session, **all at
/// the same time** on the acceptor's executor (one thread in the tests): a
/// client that connects and says nothing must not keep the others waiting.
/// Returns (without an exception) once the acceptor is closed; a failed
/// accept or a failed session does not stop the server.
inline asio::awaitable<void> serve_echo([[maybe_unused]] asio::ip::tcp::acceptor& acceptor) {
  throw workbook::not_implemented(__FILE__, "Exercise: echo_server");
  co_return;
}

} // namespace workbook::async
