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
  /// The head as RequestParser counts it (ParserLimits::max_head_bytes):
  /// any empty lines before the request line, the request line, the header
  /// lines and the blank line that ends the head, CRLFs included. A head of
  /// exactly this many bytes is served; one byte more is answered 431.
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
/// - Paths: the target in origin form (`/name?query`) or in absolute form
///   (`http://host/name?query`, as sent through a proxy: RFC 9112 section
///   3.2.2, a server MUST accept it); the query is ignored. The name is
///   percent-decoded, as aiohttp's `match_info` is: `/%E4%B8%96` greets
///   "世", `/a%2Fb` greets "a/b" (the path is split at its `/` before
///   decoding). A `%` without two hexadecimal digits after it, or a name
///   whose decoded bytes are not UTF-8 (`/%FF`), is 400 and the connection
///   stays usable (aiohttp 3.8 greets both with the escapes left as they
///   were). Other paths: 404.
/// - Other methods: 405 with `Allow: GET` (their bodies are read and
///   dropped; the connection stays usable).
/// - `Expect: 100-continue` on an HTTP/1.1 request whose body has not come
///   yet (RFC 9110 section 10.1.1): as soon as the head is in (see
///   RequestParser::head_complete), either the final status when the head
///   decides it (405 for a method other than GET, then close; a 413 is the
///   parser's) or `HTTP/1.1 100 Continue` and a blank line, then the body
///   is read and the request answered as usual. An HTTP/1.0 expectation is
///   ignored.
/// - Keep-alive: the connection closes after a response when the request
///   said `Connection: close` or was HTTP/1.0 without `Connection:
///   keep-alive` (and then the response says `Connection: close`); the
///   response to an HTTP/1.0 request that asked for keep-alive says
///   `Connection: keep-alive`, or the client would not reuse it.
/// - Bad input: the parser's status (400, 413, 431, 501, 505), then close.
/// - A request that does not arrive whole within limits.request_timeout:
///   408 if part of it came, then close; an idle connection just closes.
///   The deadline is set once per request, when the server starts waiting
///   for it, and covers the whole request, head and body: it is not
///   restarted by each read, and not set once per connection.
/// - Closing after an error or a timeout is a lingering close (RFC 9112
///   section 9.6): shut down sending, read and drop what the client still
///   sends, and close at its EOF or after one second at most, however fast
///   it keeps sending (the tests wait 5 s at most for the close).
/// - Backpressure: a response is written before the next request on that
///   connection is read, so a client that never reads its responses stops
///   being read from once the sockets' buffers are full (its coroutine
///   waits in async_write); nothing is queued for it without bound, and the
///   other connections are served meanwhile.
/// - A client that disconnects, or misbehaves, affects only its connection.
/// - A failed accept is not the end: on any error but operation_aborted
///   (running out of file descriptors, EMFILE or ENFILE, say), pause a
///   little (a timer, never a spin) and accept again; the connection that
///   could not be accepted waits in the listen queue meanwhile.
/// Runs until the acceptor is closed (the accept then completes with
/// operation_aborted); then returns. The tests stop a server another way:
/// they stop its io_context and destroy it, which destroys every coroutine
/// at the co_await where it waits, without resuming it.
///
/// Remember that Asio's `||` (awaitable_operators) waits for the first
/// operation to *succeed*: a read that fails by throwing (the client reset
/// the connection) does not end the race, the timer does, later. Give the
/// read `asio::redirect_error` so that its failure is a result.
inline asio::awaitable<void> serve_hello([[maybe_unused]] asio::ip::tcp::acceptor acceptor,
                                         [[maybe_unused]] KeepAliveLimits limits) {
  throw workbook::not_implemented(__FILE__, "Exercise: keepalive_server");
  co_return;
}

} // namespace workbook::http
