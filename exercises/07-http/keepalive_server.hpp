// Exercise: keepalive_server — the tutorial's `GET /{name}` server on Asio coroutines: keep-alive, limits,
// timeouts.
//
// Chapter: chapters/07-http/README.md, section "Exercise: keepalive_server".
// Grade it: `./workbook check keepalive_server`.
#pragma once

#include "request_parser.hpp" // yours, from the previous exercise: use it

#include <workbook/not_implemented.hpp>

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
inline asio::awaitable<void> serve_hello([[maybe_unused]] asio::ip::tcp::acceptor acceptor,
                                         [[maybe_unused]] KeepAliveLimits limits) {
  throw workbook::not_implemented(__FILE__, "Exercise: keepalive_server");
  co_return;
}

} // namespace workbook::http
