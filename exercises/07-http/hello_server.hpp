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
/// carriage return).
inline std::string json_quoted([[maybe_unused]] std::string_view text) {
  throw workbook::not_implemented(__FILE__, "Exercise: hello_server");
}

/// The tutorial's `GET /{name}` server, grown up. Routes:
/// - `GET /hello/{name}` → 200, `text/plain`, body `Hello, {name}` (name:
///   one or more characters other than `/`, as cpp-httplib decodes them);
/// - `GET /api/hello?name={name}` → 200, `application/json`, body
///   `{"greeting":"Hello, {name}"}` with the name escaped as JSON requires;
///   no `name` or an empty one → 400 with `{"error":"..."}`;
/// - `POST /echo` → 200, the request body back, as long as it is at most
///   max_body_bytes; a longer one → 413 (and the server stays up);
/// - anything else → 404; malformed requests → 400 (cpp-httplib does that,
///   the server must simply survive them).
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
