// Exercise: keepalive_server — the tutorial's `GET /{name}` server on Asio coroutines: keep-alive, limits,
// timeouts.
//
// Chapter: chapters/07-http/README.md, section "Exercise: keepalive_server".
// Grade it: `./workbook check keepalive_server`.
#pragma once

#include "request_parser.hpp"

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

namespace workbook::http {

/// What one connection may cost the server.
struct KeepAliveLimits {
  /// The request line and headers, CRLFs included: more is answered 431.
  std::size_t max_head_bytes = 8 * 1024;
  /// The largest request body read (and discarded): more is answered 413.
  std::size_t max_body_bytes = 64 * 1024;
  /// How long a whole request may take to arrive, counted from when the
  /// server starts waiting for it (after accepting the connection, or after
  /// sending the previous response). Idle keep-alive connections and clients
  /// that trickle bytes are closed when it runs out.
  std::chrono::milliseconds request_timeout{10'000};
};

/// The text of a response: status line, Content-Type, Content-Length, then
/// `Connection: close` if `close`, any `extra_headers` (each ending in
/// CRLF), a blank line and the body. (Given: not part of the exercise.)
inline std::string format_response(int status, std::string_view body, bool close,
                                   std::string_view extra_headers = {}) {
  const char* reason = "Error";
  switch (status) {
  case 200: reason = "OK"; break;
  case 400: reason = "Bad Request"; break;
  case 404: reason = "Not Found"; break;
  case 405: reason = "Method Not Allowed"; break;
  case 408: reason = "Request Timeout"; break;
  case 413: reason = "Content Too Large"; break;
  case 431: reason = "Request Header Fields Too Large"; break;
  case 501: reason = "Not Implemented"; break;
  case 505: reason = "HTTP Version Not Supported"; break;
  default: break;
  }
  std::string text = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  text += "Content-Type: text/plain; charset=utf-8\r\n";
  text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (close) {
    text += "Connection: close\r\n";
  }
  text += extra_headers;
  text += "\r\n";
  text += body;
  return text;
}

namespace detail {

// Closes gracefully: stop sending, then read and drop what the client still
// sends (for a moment at most), so that unread input does not make the
// kernel reset the connection and destroy the response in flight
// (RFC 9112 section 9.6).
inline asio::awaitable<void> lingering_close(asio::ip::tcp::socket& socket) {
  using namespace asio::experimental::awaitable_operators;
  std::error_code error;
  socket.shutdown(asio::ip::tcp::socket::shutdown_send, error);
  asio::steady_timer linger(socket.get_executor(), std::chrono::seconds(1));
  std::array<char, 4096> sink{};
  for (;;) {
    const auto result = co_await (
        socket.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, error)) ||
        linger.async_wait(asio::redirect_error(asio::use_awaitable, error)));
    if (result.index() == 1 || error) {
      break;
    }
  }
  socket.close(error);
}

inline std::string respond(const Request& request, bool close) {
  if (request.method != "GET") {
    return format_response(405, "only GET is served here\n", close, "Allow: GET\r\n");
  }
  const std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
  if (path.size() < 2 || path.front() != '/' || path.find('/', 1) != std::string_view::npos) {
    return format_response(404, "no such page\n", close);
  }
  return format_response(200, "Hello, " + std::string(path.substr(1)), close);
}

inline asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, KeepAliveLimits limits) {
  using namespace asio::experimental::awaitable_operators;
  RequestParser parser(
      ParserLimits{.max_head_bytes = limits.max_head_bytes, .max_body_bytes = limits.max_body_bytes});
  asio::steady_timer deadline(socket.get_executor());
  std::string pending; // received, not yet parsed: the start of a pipelined request
  std::array<char, 4096> buffer{};
  for (;;) {
    deadline.expires_after(limits.request_timeout);
    parser.reset();
    bool received_any = !pending.empty();
    pending.erase(0, parser.feed(pending));
    while (parser.state() == ParseState::incomplete) {
      std::error_code error;
      std::error_code timer_error;
      const auto result = co_await (
          socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, error)) ||
          deadline.async_wait(asio::redirect_error(asio::use_awaitable, timer_error)));
      if (result.index() == 1) { // the deadline won
        if (received_any) {
          const std::string timeout = format_response(408, "the request took too long\n", true);
          co_await asio::async_write(socket, asio::buffer(timeout),
                                     asio::redirect_error(asio::use_awaitable, error));
        }
        co_await lingering_close(socket);
        co_return;
      }
      if (error) { // the client went away
        co_return;
      }
      received_any = true;
      const std::string_view chunk(buffer.data(), std::get<0>(result));
      const std::size_t used = parser.feed(chunk);
      pending.append(chunk.substr(used));
    }

    std::error_code error;
    if (parser.state() == ParseState::failed) {
      const std::string refusal = format_response(parser.error_status(), "bad request\n", true);
      co_await asio::async_write(socket, asio::buffer(refusal),
                                 asio::redirect_error(asio::use_awaitable, error));
      co_await lingering_close(socket);
      co_return;
    }
    const bool keep_alive = parser.request().keep_alive;
    const std::string response = respond(parser.request(), !keep_alive);
    co_await asio::async_write(socket, asio::buffer(response),
                               asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      co_return;
    }
    if (!keep_alive) {
      co_await lingering_close(socket);
      co_return;
    }
  }
}

} // namespace detail

/// The tutorial's aiohttp server on Asio: answers `GET /{name}` (one path
/// segment, query ignored) with 200 `Hello, {name}`, on every connection
/// `acceptor` accepts, each served by its own coroutine on the acceptor's
/// executor (one thread is enough for any number of connections).
/// - HTTP/1.1 keep-alive: many requests per connection, pipelined ones
///   answered in order; the connection closes after a response when the
///   request said `Connection: close` or was HTTP/1.0 without keep-alive
///   (and then the response says `Connection: close`).
/// - Other paths: 404; other methods: 405 with `Allow: GET` (their bodies
///   are read and dropped; the connection stays usable).
/// - Bad input: the parser's status (400, 413, 431, 501, 505), then close.
/// - A request that does not arrive whole within limits.request_timeout:
///   408 if part of it came, then close; an idle connection just closes.
/// - A client that disconnects, or misbehaves, affects only its connection.
/// Runs until the acceptor fails (it is closed, say); then returns.
inline asio::awaitable<void> serve_hello(asio::ip::tcp::acceptor acceptor, KeepAliveLimits limits) {
  for (;;) {
    std::error_code error;
    asio::ip::tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
    if (error == asio::error::operation_aborted || !acceptor.is_open()) {
      co_return;
    }
    if (error) {
      // One failed accept (out of file descriptors, say): keep serving, but
      // pause rather than spin on an error that repeats.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(10));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, error));
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), detail::serve_connection(std::move(socket), limits),
                   asio::detached);
  }
}

} // namespace workbook::http
