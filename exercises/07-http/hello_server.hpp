// Exercise: hello_server — the tutorial's aiohttp server with cpp-httplib, and what a real one needs.
//
// Chapter: chapters/07-http/README.md, section "Exercise: hello_server".
// Grade it: `./workbook check hello_server`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <httplib.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace workbook::http {

/// How a HelloServer listens.
struct HelloServerOptions {
  int port = 0;                      ///< the TCP port on 127.0.0.1; 0 lets the system choose
  std::size_t max_body_bytes = 1024; ///< a larger request body is answered 413
};

/// `text` as a JSON string literal, quotes included (RFC 8259 section 7):
/// quote and backslash escaped with a backslash, control characters as
/// backslash-u and four hex digits (or the short forms for newline, tab and
/// carriage return). JSON text is UTF-8 (RFC 8259 section 8.1): well-formed
/// UTF-8 sequences (RFC 3629) pass through unchanged, and every byte that
/// is not part of one becomes `\ufffd`, the replacement character, so that
/// `%FF%FE` in a query gives `"\ufffd\ufffd"`.
inline std::string json_quoted([[maybe_unused]] std::string_view text) {
  throw workbook::not_implemented(__FILE__, "Exercise: hello_server");
}

/// The tutorial's `GET /{name}` server, grown up. Routes:
/// - `GET /hello/{name}` → 200, `text/plain`, body `Hello, {name}` (name:
///   one or more characters other than `/`, as cpp-httplib decodes them);
/// - `GET /api/hello?name={name}` → 200, `application/json`, body
///   `{"greeting":"Hello, {name}"}` with the name escaped as JSON requires
///   (json_quoted); no `name` or an empty one → 400 with `{"error":"..."}`;
/// - `POST /echo` → 200, the request body back, as long as it is at most
///   max_body_bytes, whatever its framing: a body over the cap is 413,
///   with a Content-Length and with `Transfer-Encoding: chunked` alike
///   (cpp-httplib 0.11's set_payload_max_length does not count chunked
///   bodies). A POST with neither header has an empty body (RFC 9112
///   section 6.3) and is answered at once, not after a read timeout;
/// - anything else → 404; malformed requests → 400 (cpp-httplib does that,
///   the server must simply survive them).
/// Before any route, every request is checked, and refused with
/// `Connection: close` and a closed connection (a client that framed one
/// request wrongly cannot be trusted to frame the next):
/// - both Content-Length and Transfer-Encoding → 400 (RFC 9112 section 6.1:
///   the raw material of request smuggling; the server MUST close after
///   responding);
/// - a Content-Length that is not digits only (`+5`, `1e3`, `5, 6`), or
///   several that differ → 400 (RFC 9110 section 8.6; the optional
///   whitespace around a value is not part of it);
/// - an HTTP/1.1 request without exactly one Host → 400 (RFC 9112 section
///   3.2);
/// - a Content-Length over max_body_bytes → 413, before the body is read.
/// Pipelined requests, whitespace before a colon, obsolete line folding and
/// the 431 status are cpp-httplib's business, not this exercise's: the
/// chapter's table (httplib_conformance) shows what version 0.11 does.
/// Listens on 127.0.0.1 only: never on every interface.
class HelloServer {
public:
  explicit HelloServer(HelloServerOptions options) : options_(options) {}

  HelloServer(const HelloServer&) = delete;
  HelloServer& operator=(const HelloServer&) = delete;

  ~HelloServer() = default; // yours: stop a running server

  /// Binds 127.0.0.1:port and serves on a background thread. Returns once
  /// the socket listens, so a client may connect at once; throws
  /// std::runtime_error if the port cannot be bound.
  void start() { throw workbook::not_implemented(__FILE__, "Exercise: hello_server"); }

  /// The port it listens on, once started.
  [[nodiscard]] int port() const { throw workbook::not_implemented(__FILE__, "Exercise: hello_server"); }

  /// Stops accepting connections and waits for the serving thread; requests
  /// already being handled finish first. Safe to call twice.
  void stop() { throw workbook::not_implemented(__FILE__, "Exercise: hello_server"); }

private:
  [[maybe_unused]] HelloServerOptions options_;
  httplib::Server server_;
};

} // namespace workbook::http
