// Exercise: hello_server — the tutorial's aiohttp server with cpp-httplib, and what a real one needs.
//
// Chapter: chapters/07-http/README.md, section "Exercise: hello_server".
// Grade it: `./workbook check hello_server`.
#pragma once

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
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
/// carriage return). JSON text is UTF-8 (RFC 8259 section 8.1): well-formed
/// UTF-8 sequences (RFC 3629) pass through unchanged, and every byte that
/// is not part of one becomes `\ufffd`, the replacement character, so that
/// `%FF%FE` in a query gives `"\ufffd\ufffd"`.
inline std::string json_quoted(std::string_view text) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const auto lead = static_cast<unsigned char>(c);
    if (lead >= 0x80) {
      // The length of the sequence, and the range of its second byte (which
      // rules out overlong forms, surrogates and code points past U+10FFFF).
      std::size_t length = 0;
      unsigned low = 0x80;
      unsigned high = 0xbf;
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
      }
      bool well_formed = length != 0 && i + length <= text.size();
      for (std::size_t k = 1; well_formed && k < length; ++k) {
        const auto byte = static_cast<unsigned char>(text[i + k]);
        well_formed = byte >= (k == 1 ? low : 0x80) && byte <= (k == 1 ? high : 0xbf);
      }
      if (well_formed) {
        out.append(text.substr(i, length));
        i += length;
      } else {
        out += "\\ufffd";
        ++i;
      }
      continue;
    }
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (lead < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(lead));
        out += escaped;
      } else {
        out += c;
      }
    }
    ++i;
  }
  return out + "\"";
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
  explicit HelloServer(HelloServerOptions options) : options_(options) {
    server_.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
      return check_framing(request, response);
    });
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
    // A content reader sees the body as it arrives, whatever its framing,
    // so the cap holds for chunked bodies too.
    server_.Post("/echo", [this](const httplib::Request&, httplib::Response& response,
                                 const httplib::ContentReader& read_body) {
      std::string body;
      bool too_large = false;
      read_body([&](const char* data, std::size_t size) {
        too_large = body.size() + size > options_.max_body_bytes;
        if (!too_large) {
          body.append(data, size);
        }
        return !too_large;
      });
      if (too_large) {
        refuse(response, 413, "the body is larger than the server accepts");
        return;
      }
      response.set_content(body, "application/octet-stream");
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
  // An error response after which the connection closes. A handler cannot
  // ask cpp-httplib 0.11 to close (a `Connection: close` response header is
  // sent but not acted upon); a content provider that fails after writing
  // the body can: the library then ends the connection.
  static void refuse(httplib::Response& response, int status, const std::string& why) {
    response.status = status;
    response.set_header("Connection", "close");
    const std::string text = why + "\n";
    response.set_content_provider(text.size(), "text/plain; charset=utf-8",
                                  [text](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                    sink.write(text.data() + offset, length);
                                    return false; // written; now close
                                  });
  }

  static bool digits_only(const std::string& text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  }

  // The checks every request passes before routing: cpp-httplib 0.11 frames
  // a request by Transfer-Encoding when both framings are present, reads
  // `+5` and `1e3` as numbers, and keeps the connection after its own 400
  // and 413.
  httplib::Server::HandlerResponse check_framing(const httplib::Request& request,
                                                 httplib::Response& response) {
    using Handled = httplib::Server::HandlerResponse;
    const bool has_length = request.has_header("Content-Length");
    const bool has_coding = request.has_header("Transfer-Encoding");
    if (has_length && has_coding) {
      refuse(response, 400, "Content-Length and Transfer-Encoding together");
      return Handled::Handled;
    }
    if (request.version == "HTTP/1.1" && request.get_header_value_count("Host") != 1) {
      refuse(response, 400, "an HTTP/1.1 request needs exactly one Host");
      return Handled::Handled;
    }
    if (has_length) {
      const std::size_t count = request.get_header_value_count("Content-Length");
      const std::string first = request.get_header_value("Content-Length");
      for (std::size_t i = 0; i < count; ++i) {
        const std::string value = request.get_header_value("Content-Length", i);
        if (!digits_only(value) ||
            value.substr(std::min(value.find_first_not_of('0'), value.size() - 1)) !=
                first.substr(std::min(first.find_first_not_of('0'), first.size() - 1))) {
          refuse(response, 400, "a Content-Length must be digits only, every copy the same");
          return Handled::Handled;
        }
      }
      const std::string limit = std::to_string(options_.max_body_bytes);
      const std::string length = first.substr(std::min(first.find_first_not_of('0'), first.size() - 1));
      if (length.size() > limit.size() || (length.size() == limit.size() && length > limit)) {
        refuse(response, 413, "the body is larger than the server accepts");
        return Handled::Handled;
      }
    }
    if (!has_length && !has_coding && request.method == "POST") {
      // No framing: the body is empty (RFC 9112 section 6.3). cpp-httplib
      // 0.11 would wait for one until its read timeout.
      if (request.path == "/echo") {
        response.set_content("", "application/octet-stream");
      } else {
        response.status = 404;
      }
      return Handled::Handled;
    }
    return Handled::Unhandled;
  }

  HelloServerOptions options_;
  httplib::Server server_;
  std::thread thread_;
  std::atomic<bool> served_ = false;
  int port_ = 0;
};

} // namespace workbook::http
