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
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <system_error>
#include <utility>

namespace workbook::async {

/// Serves one client: sends back every byte it receives, in order, until
/// the client closes its side (end of stream) or the connection fails
/// (reset, cancelled). Neither is an error for the server: the session just
/// ends. The socket is taken by value: the coroutine owns it (a reference
/// parameter would dangle once the caller moved on).
///
/// Every byte read is sent back, even when the kernel takes a write only in
/// part (a slow client, a full send buffer): `async_write_some` may send
/// fewer bytes than asked and returns how many; `asio::async_write` sends
/// them all. A buffer is not read into again before the write of its bytes
/// has completed. After the client's end of stream the session finishes
/// sending what it has read, then ends, closing the connection: the client
/// reads its whole echo, then end of stream.
inline asio::awaitable<void> echo_session([[maybe_unused]] asio::ip::tcp::socket socket) {
  throw workbook::not_implemented(__FILE__, "Exercise: echo_server");
  co_return;
}

/// Accepts clients on `acceptor` and serves each with echo_session, **all at
/// the same time** on the acceptor's executor (one thread in the tests): a
/// client that connects and says nothing must not keep the others waiting.
/// Returns (without an exception) once the acceptor is closed.
///
/// Any other failed accept does not stop the server, nor does a failed
/// session. In particular running out of file descriptors (`EMFILE` for the
/// process, `ENFILE` for the system) is transient: the connection waits in
/// the listen queue until a descriptor is free, so an accept retried at once
/// fails again at once. Wait a little on an `asio::steady_timer` (tens of
/// milliseconds; never a sleep, which would stop every session), then accept
/// again. The tests run the process out of descriptors, free them, and expect
/// the waiting client to be served within a few seconds.
inline asio::awaitable<void> serve_echo([[maybe_unused]] asio::ip::tcp::acceptor& acceptor) {
  throw workbook::not_implemented(__FILE__, "Exercise: echo_server");
  co_return;
}

} // namespace workbook::async
