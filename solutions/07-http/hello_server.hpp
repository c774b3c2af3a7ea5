// Exercise: hello_server — the tutorial's aiohttp server with cpp-httplib, and what a real one needs.
//
// Chapter: chapters/07-http/README.md, section "Exercise: hello_server".
// Grade it: `./workbook check hello_server`.
#pragma once

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

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
inline std::string json_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x",
                      static_cast<unsigned>(static_cast<unsigned char>(c)));
        out += escaped;
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
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
  explicit HelloServer(HelloServerOptions options) : options_(options) {
    server_.Get(R"(/hello/([^/]+))", [](const httplib::Request& request, httplib::Response& response) {
      response.set_content("Hello, " + request.matches[1].str(), "text/plain; charset=utf-8");
    });
    server_.Get("/api/hello", [](const httplib::Request& request, httplib::Response& response) {
      const std::string name = request.get_param_value("name");
      if (name.empty()) {
        response.status = 400;
        response.set_content(R"({"error":"the query needs a non-empty name"})", "application/json");
        return;
      }
      response.set_content("{\"greeting\":" + json_quoted("Hello, " + name) + "}", "application/json");
    });
    server_.Post("/echo", [](const httplib::Request& request, httplib::Response& response) {
      response.set_content(request.body, "application/octet-stream");
    });
    server_.set_payload_max_length(options_.max_body_bytes);
    // cpp-httplib 0.11 sets SO_REUSEPORT by default, which lets a second
    // server bind a port in use and silently take half its connections.
    server_.set_socket_options([](int socket) {
      const int yes = 1;
      ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    // Without it, each keep-alive response waits for the client's delayed
    // ACK (Nagle's algorithm): a few hundred requests per second at most.
    server_.set_tcp_nodelay(true);
  }

  HelloServer(const HelloServer&) = delete;
  HelloServer& operator=(const HelloServer&) = delete;

  ~HelloServer() { stop(); }

  /// Binds 127.0.0.1:port and serves on a background thread. Returns once
  /// the socket listens, so a client may connect at once; throws
  /// std::runtime_error if the port cannot be bound.
  void start() {
    if (options_.port == 0) {
      port_ = server_.bind_to_any_port("127.0.0.1");
    } else if (server_.bind_to_port("127.0.0.1", options_.port)) {
      port_ = options_.port;
    }
    if (port_ <= 0) {
      throw std::runtime_error("hello_server: cannot listen on 127.0.0.1:" + std::to_string(options_.port));
    }
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      served_ = true;
    });
  }

  /// The port it listens on, once started.
  [[nodiscard]] int port() const { return port_; }

  /// Stops accepting connections and waits for the serving thread; requests
  /// already being handled finish first. Safe to call twice.
  void stop() {
    if (!thread_.joinable()) {
      return;
    }
    // httplib's stop() does nothing until the thread has entered its accept
    // loop: repeat it until the thread says it left that loop.
    while (!served_) {
      server_.stop();
      std::this_thread::yield();
    }
    thread_.join();
  }

private:
  HelloServerOptions options_;
  httplib::Server server_;
  std::thread thread_;
  std::atomic<bool> served_ = false;
  int port_ = 0;
};

} // namespace workbook::http
