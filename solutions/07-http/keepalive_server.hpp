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
#include <optional>
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
    std::error_code read_error;
    std::error_code timer_error; // its own: the cancelled wait reports operation_aborted
    const auto result = co_await (
        socket.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, read_error)) ||
        linger.async_wait(asio::redirect_error(asio::use_awaitable, timer_error)));
    if (result.index() == 1 || read_error) {
      break; // a second has passed, or the client closed (EOF) or reset
    }
  }
  socket.close(error);
}

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// `%XX` escapes decoded (RFC 3986 section 2.1); nullopt if a `%` is not
// followed by two hexadecimal digits.
inline std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) {
      return std::nullopt;
    }
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// Whether `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no
// surrogates, nothing above U+10FFFF.
inline bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned low = 0x80; // the range of the second byte, which rules out the bad forms
    unsigned high = 0xbf;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      low = lead == 0xe0 ? 0xa0 : 0x80;
      high = lead == 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      low = lead == 0xf0 ? 0x90 : 0x80;
      high = lead == 0xf4 ? 0x8f : 0xbf;
    } else {
      return false;
    }
    if (i + length > text.size()) {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xbf)) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

// The path of a request target: the origin form `/path?query` as it is, the
// absolute form `http://host/path?query` (what a client sends through a
// proxy; RFC 9112 section 3.2.2) without its scheme and authority.
inline std::string_view path_of(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && equals_ignoring_case(target.substr(0, scheme.size()), scheme)) {
      const std::size_t path = target.find_first_of("/?", scheme.size());
      target =
          path == std::string_view::npos || target[path] == '?' ? std::string_view("/") : target.substr(path);
      break;
    }
  }
  return target.substr(0, target.find('?'));
}

inline std::string respond(const Request& request, bool close) {
  // An HTTP/1.0 client keeps the connection only if the response says so.
  const std::string_view keep_alive_1_0 =
      !close && request.version == "HTTP/1.0" ? "Connection: keep-alive\r\n" : "";
  if (request.method != "GET") {
    return format_response(405, "only GET is served here\n", close,
                           std::string("Allow: GET\r\n") + std::string(keep_alive_1_0));
  }
  const std::string_view path = path_of(request.target);
  if (path.size() < 2 || path.front() != '/' || path.find('/', 1) != std::string_view::npos) {
    return format_response(404, "no such page\n", close, keep_alive_1_0);
  }
  const std::optional<std::string> name = percent_decoded(path.substr(1));
  if (!name || !is_utf8(*name)) {
    return format_response(400, "the name must be UTF-8, each % followed by two hexadecimal digits\n", close,
                           keep_alive_1_0);
  }
  return format_response(200, "Hello, " + *name, close, keep_alive_1_0);
}

// Whether the request asks for 100 Continue: HTTP/1.1 (an HTTP/1.0
// expectation is ignored, RFC 9110 section 10.1.1) with `100-continue` in
// its Expect field.
inline bool expects_continue(const Request& request) {
  if (request.version != "HTTP/1.1") {
    return false;
  }
  const std::optional<std::string> expect = request.header("Expect");
  return expect && equals_ignoring_case(*expect, "100-continue");
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
    bool expectation_handled = false;
    pending.erase(0, parser.feed(pending));
    while (parser.state() == ParseState::incomplete) {
      std::error_code error;
      if (parser.head_complete() && !expectation_handled) {
        // The head is in, the body is not: a client that sent
        // `Expect: 100-continue` waits for a word before sending it. A final
        // status known from the head goes out now; the connection then
        // closes, because the client may or may not send the body anyway.
        expectation_handled = true;
        if (expects_continue(parser.request())) {
          if (parser.request().method != "GET") {
            const std::string refusal = respond(parser.request(), true);
            co_await asio::async_write(socket, asio::buffer(refusal),
                                       asio::redirect_error(asio::use_awaitable, error));
            co_await lingering_close(socket);
            co_return;
          }
          static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
          co_await asio::async_write(socket, asio::buffer(go_on),
                                     asio::redirect_error(asio::use_awaitable, error));
          if (error) {
            co_return;
          }
        }
      }
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
