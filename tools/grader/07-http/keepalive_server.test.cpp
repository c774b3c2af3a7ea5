// Hidden tests for the keepalive_server exercise. The learner's serve_hello
// runs on one io_context on one thread of its own; the test talks to it
// through blocking sockets, byte by byte where that matters. Waits end on
// what the server does (a response, a close), with a backstop of a few
// seconds that only a broken server reaches.
#include "keepalive_server.hpp"

#include "http_testing.hpp"

#include <catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using workbook::http::KeepAliveLimits;
using workbook::http::serve_hello;
using workbook::testing::RawConnection;

namespace {

// serve_hello on 127.0.0.1, on its own thread.
class RunningServer {
public:
  explicit RunningServer(KeepAliveLimits limits) {
    asio::ip::tcp::acceptor acceptor(context_, {asio::ip::make_address("127.0.0.1"), 0});
    port_ = acceptor.local_endpoint().port();
    asio::co_spawn(context_, serve_hello(std::move(acceptor), limits), [this](std::exception_ptr error) {
      std::lock_guard lock(mutex_);
      error_ = error;
      finished_ = true;
    });
    // Run serve_hello up to its first wait on this thread, before the
    // server's thread exists: an exception it throws at once (the stub's
    // not_implemented) is then the first thing every test case reports.
    context_.poll();
    rethrow_if_failed();
    context_.restart();
    std::promise<pid_t> thread_id;
    auto known = thread_id.get_future();
    thread_ = std::thread([this, &thread_id] {
      thread_id.set_value(static_cast<pid_t>(::syscall(SYS_gettid)));
      context_.run();
    });
    const std::string status = "/proc/self/task/" + std::to_string(known.get()) + "/status";
    status_fd_ = ::open(status.c_str(), O_RDONLY | O_CLOEXEC);
  }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;
  ~RunningServer() {
    context_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
    if (status_fd_ >= 0) {
      ::close(status_fd_);
    }
  }

  [[nodiscard]] int port() const { return port_; }

  // A connection to the server; if serve_hello has thrown, its exception.
  std::unique_ptr<RawConnection> connect() {
    try {
      auto connection = std::make_unique<RawConnection>(port_);
      rethrow_if_failed();
      return connection;
    } catch (const std::system_error&) {
      rethrow_if_failed();
      throw;
    }
  }

  // Reads one response; if there is none, the server's exception if any.
  std::string read_response(RawConnection& connection) {
    std::string response = connection.read_response();
    if (response.empty()) {
      rethrow_if_failed();
    }
    return response;
  }

  // Whether serve_hello has returned (or thrown).
  bool finished() {
    std::lock_guard lock(mutex_);
    return finished_;
  }

  // How many times the server's thread has gone to sleep so far (it does
  // each time it waits for the kernel: for a connection, a byte, a timer).
  // Read through a descriptor opened beforehand, so that it works when the
  // process has no descriptor left to open a file with.
  long sleeps() const {
    char text[4096];
    const ssize_t n = ::pread(status_fd_, text, sizeof text - 1, 0);
    if (n <= 0) {
      return -1;
    }
    text[n] = '\0';
    const char* field = std::strstr(text, "voluntary_ctxt_switches:");
    return field == nullptr ? -1 : std::strtol(field + std::strlen("voluntary_ctxt_switches:"), nullptr, 10);
  }

private:
  void rethrow_if_failed() {
    std::lock_guard lock(mutex_);
    if (error_) {
      std::rethrow_exception(error_);
    }
  }

  asio::io_context context_;
  std::thread thread_;
  int port_ = 0;
  int status_fd_ = -1;
  std::mutex mutex_;
  std::exception_ptr error_;
  bool finished_ = false;
};

std::string get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

bool says_close(const std::string& response) {
  const std::string head = response.substr(0, response.find("\r\n\r\n"));
  return head.find("\r\nConnection: close") != std::string::npos ||
         head.find("\r\nconnection: close") != std::string::npos;
}

KeepAliveLimits patient() {
  return KeepAliveLimits{.max_head_bytes = 8192, .max_body_bytes = 65536, .request_timeout = 10s};
}

} // namespace

TEST_CASE("GET slash name answers Hello comma name", "[keepalive_server]") {
  RunningServer server(patient());
  auto connection = server.connect();
  connection->send(get("/world", "Connection: close\r\n"));
  const std::string response = server.read_response(*connection);
  INFO(response);
  CHECK(status_line(response) == "HTTP/1.1 200 OK");
  CHECK(body_of(response) == "Hello, world");
  CHECK(response.find("\r\nContent-Length: 12\r\n") != std::string::npos);
  CHECK(says_close(response));
  INFO("after a response to Connection: close, the server closes the connection");
  CHECK(connection->closed_by_peer());
}

TEST_CASE("one connection carries several requests one after another", "[keepalive_server]") {
  RunningServer server(patient());
  auto connection = server.connect();
  for (const std::string name : {"first", "second", "third"}) {
    REQUIRE(connection->send(get("/" + name)));
    const std::string response = server.read_response(*connection);
    INFO("response to GET /" << name << " on a kept-alive connection: " << response);
    CHECK(status_line(response) == "HTTP/1.1 200 OK");
    CHECK(body_of(response) == "Hello, " + name);
    CHECK_FALSE(says_close(response));
  }
}

TEST_CASE("pipelined requests are answered in order", "[keepalive_server]") {
  RunningServer server(patient());
  auto connection = server.connect();
  connection->send(get("/a") + get("/b?query=ignored") + get("/c", "Connection: close\r\n"));
  for (const std::string name : {"a", "b", "c"}) {
    const std::string response = server.read_response(*connection);
    INFO("three requests sent in one write; expected the answer for /" << name << ", got: " << response);
    CHECK(body_of(response) == "Hello, " + name);
  }
  CHECK(connection->closed_by_peer());
}

TEST_CASE("a request byte by byte is answered like one in one piece", "[keepalive_server]") {
  RunningServer server(patient());
  auto connection = server.connect();
  for (const char byte : get("/slowly")) {
    connection->send(std::string(1, byte));
  }
  CHECK(body_of(server.read_response(*connection)) == "Hello, slowly");
}

TEST_CASE("other methods get 405 and their bodies do not leak into the next request", "[keepalive_server]") {
  RunningServer server(patient());
  auto connection = server.connect();
  const std::string body = "GET /smuggled HTTP/1"; // 20 bytes that look like a request
  connection->send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(body.size()) +
                   "\r\n\r\n" + body + get("/after"));
  const std::string refused = server.read_response(*connection);
  INFO(refused);
  CHECK(status_line(refused).rfind("HTTP/1.1 405", 0) == 0);
  CHECK(refused.find("\r\nAllow: GET") != std::string::npos);
  const std::string next = server.read_response(*connection);
  INFO("the 20 bytes of body must be read and dropped: the next request is GET /after. Got: " << next);
  CHECK(body_of(next) == "Hello, after");
}

TEST_CASE("unknown paths get 404 and the connection stays usable", "[keepalive_server]") {
  RunningServer server(patient());
  auto connection = server.connect();
  for (const std::string target : {"/", "/a/b", "/a/"}) {
    connection->send(get(target));
    const std::string response = server.read_response(*connection);
    INFO("GET " << target << ": " << response);
    CHECK(status_line(response).rfind("HTTP/1.1 404", 0) == 0);
  }
  connection->send(get("/still-here"));
  CHECK(body_of(server.read_response(*connection)) == "Hello, still-here");
}

TEST_CASE("HTTP/1.0 closes after the response unless it asks for keep-alive", "[keepalive_server]") {
  RunningServer server(patient());
  auto plain = server.connect();
  plain->send("GET /old HTTP/1.0\r\n\r\n");
  const std::string response = server.read_response(*plain);
  CHECK(body_of(response) == "Hello, old");
  CHECK(says_close(response));
  CHECK(plain->closed_by_peer());

  auto kept = server.connect();
  kept->send("GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  const std::string first = server.read_response(*kept);
  CHECK(body_of(first) == "Hello, one");
  INFO(
      "an HTTP/1.0 client reuses the connection only if the response says Connection: keep-alive: " << first);
  const std::string first_head = first.substr(0, first.find("\r\n\r\n"));
  CHECK((first_head.find("\r\nConnection: keep-alive") != std::string::npos ||
         first_head.find("\r\nConnection: Keep-Alive") != std::string::npos));
  kept->send("GET /two HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  CHECK(body_of(server.read_response(*kept)) == "Hello, two");
}

TEST_CASE("a head over the cap is answered 431 and the connection closed", "[keepalive_server]") {
  KeepAliveLimits limits = patient();
  limits.max_head_bytes = 1024;
  RunningServer server(limits);
  auto connection = server.connect();
  // Far more than the server reads before it gives up: the rest is still
  // unread in its socket when it closes.
  connection->send(get("/big", "X-Padding: " + std::string(256 * 1024, 'p') + "\r\n"));
  const std::string response = server.read_response(*connection);
  INFO("a 256 KB header against a 1 KB cap; the reply must arrive whole, not be lost to a reset: "
       << response);
  CHECK(status_line(response).rfind("HTTP/1.1 431", 0) == 0);
  CHECK(connection->closed_by_peer());

  INFO("a head of exactly max_head_bytes, the blank line that ends it included, is served");
  auto fits = server.connect();
  const std::string exact = get("/fits", "X-Padding: " + std::string(1024 - 52, 'p') + "\r\n");
  REQUIRE(exact.size() == 1024);
  fits->send(exact);
  CHECK(body_of(server.read_response(*fits)) == "Hello, fits");
  INFO("one byte more is answered 431");
  auto over = server.connect();
  over->send(get("/over", "X-Padding: " + std::string(1024 - 51, 'p') + "\r\n"));
  CHECK(status_line(server.read_response(*over)).rfind("HTTP/1.1 431", 0) == 0);
}

TEST_CASE("malformed input is answered 400 and the server goes on serving", "[keepalive_server]") {
  RunningServer server(patient());
  for (const std::string& garbage :
       {std::string("GARBAGE\r\n\r\n"),
        std::string("GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: -3\r\n\r\n"),
        std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", 15)}) {
    auto connection = server.connect();
    connection->send(garbage);
    const std::string response = server.read_response(*connection);
    INFO("reply to malformed input: " << response);
    CHECK(status_line(response).rfind("HTTP/1.1 400", 0) == 0);
    CHECK(connection->closed_by_peer());
  }
  auto connection = server.connect();
  connection->send(get("/fine"));
  CHECK(body_of(server.read_response(*connection)) == "Hello, fine");
}

TEST_CASE("an idle keep-alive connection is closed after the request timeout", "[keepalive_server]") {
  KeepAliveLimits limits = patient();
  limits.request_timeout = 300ms;
  RunningServer server(limits);
  auto connection = server.connect();
  connection->send(get("/once"));
  CHECK(body_of(server.read_response(*connection)) == "Hello, once");
  INFO("the client now sends nothing: the server must close the connection (the test waits 5 s at most)");
  CHECK(connection->closed_by_peer());
}

namespace {

// Sends `bytes` one at a time, each `pause_ms` after the previous one (the
// pacing is the workload: far shorter than the request timeout), and stops
// as soon as the server answers or closes. Returns what the server sent
// then, and how many bytes it had been sent.
std::pair<std::string, std::size_t> trickle(RunningServer& server, RawConnection& connection,
                                            const std::string& bytes, int pause_ms) {
  connection.send_immediately();
  std::size_t sent = 0;
  while (sent < bytes.size() && !connection.readable_within(pause_ms)) {
    if (!connection.send(bytes.substr(sent, 1))) {
      break;
    }
    ++sent;
  }
  return {server.read_response(connection), sent};
}

} // namespace

TEST_CASE("a request trickled faster than the timeout per read is cut off at the request timeout",
          "[keepalive_server]") {
  // 500 ms for the whole request; one byte every 5 ms. The head cap is what
  // ends the test if the server never times out: 400 bytes take 2 s at
  // least, four times the timeout, however the machine is loaded.
  const KeepAliveLimits limits{.max_head_bytes = 400, .max_body_bytes = 1024, .request_timeout = 500ms};
  RunningServer server(limits);
  auto connection = server.connect();
  const std::string head = "GET /never-ending HTTP/1.1\r\nHost: h\r\nX-Slow: " + std::string(1000, 'x');
  const auto [response, sent] = trickle(server, *connection, head, 5);
  INFO("a head of " << head.size()
                    << " bytes sent one byte every 5 ms against a 500 ms request timeout; the "
                       "server answered after "
                    << sent << " bytes: " << response);
  INFO("a 431 means the head grew to its cap before any timeout: the deadline must be set once per request, "
       "not restarted at each read");
  CHECK(status_line(response).rfind("HTTP/1.1 408", 0) == 0);
  CHECK(connection->closed_by_peer());
}

TEST_CASE("a body trickled faster than the timeout per read is cut off at the request timeout",
          "[keepalive_server]") {
  // The same against the body: 300 bytes at one per 5 ms take 1.5 s at
  // least, three times the 500 ms a whole request may take.
  const KeepAliveLimits limits{.max_head_bytes = 1024, .max_body_bytes = 1024, .request_timeout = 500ms};
  RunningServer server(limits);
  auto connection = server.connect();
  connection->send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 300\r\n\r\n");
  const auto [response, sent] = trickle(server, *connection, std::string(300, 'b'), 5);
  INFO("a 300-byte body sent one byte every 5 ms against a 500 ms request timeout; the server answered after "
       << sent << " bytes of it: " << response);
  INFO("a 405 means the whole body was read however long it took: the request timeout must cover the body "
       "too, "
       "once per request, not restart at each read");
  CHECK(status_line(response).rfind("HTTP/1.1 408", 0) == 0);
  CHECK(connection->closed_by_peer());
}

TEST_CASE("a connection older than the request timeout is served while each request comes in time",
          "[keepalive_server]") {
  const KeepAliveLimits limits{.max_head_bytes = 8192, .max_body_bytes = 1024, .request_timeout = 1s};
  RunningServer server(limits);
  auto busy = server.connect();
  busy->send(get("/first"));
  REQUIRE(body_of(server.read_response(*busy)) == "Hello, first");
  // The server's own clock: a connection opened after `busy` and left idle
  // is closed one request timeout after it was accepted, hence more than
  // one timeout after `busy` was.
  auto marker = server.connect();
  int served = 1;
  bool marker_closed = false;
  while (!marker_closed) {
    REQUIRE(busy->send(get("/again")));
    const std::string response = server.read_response(*busy);
    INFO("request "
         << served + 1
         << " on a connection whose every request came at once (a new one every "
            "20 ms) was not answered: the request timeout must restart for each request, not run once per "
            "connection. Got: "
         << response);
    REQUIRE(body_of(response) == "Hello, again");
    ++served;
    marker_closed = marker->readable_within(20) && marker->closed_by_peer();
  }
  INFO("after a full request timeout, counted by the server, the busy connection still serves");
  busy->send(get("/last", "Connection: close\r\n"));
  CHECK(body_of(server.read_response(*busy)) == "Hello, last");
}

TEST_CASE("idle connections do not keep one thread from serving others", "[keepalive_server]") {
  RunningServer server(patient()); // a 10 s timeout: the idle ones stay
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 20; ++i) {
    idle.push_back(server.connect());
  }
  idle[3]->send("GET /half"); // and one that stopped in the middle
  auto active = server.connect();
  active->send(get("/busy"));
  INFO("20 idle connections are open: each must wait in its own coroutine, not block the rest");
  CHECK(body_of(server.read_response(*active)) == "Hello, busy");
}

TEST_CASE("clients that vanish mid-request do not stop the server", "[keepalive_server]") {
  RunningServer server(patient());
  {
    auto gone = server.connect();
    gone->send("GET /half-a-req");
  }
  {
    auto gone = server.connect();
    gone->send(get("/unread") + get("/unread") + get("/unread"));
  } // closed without reading the responses
  auto connection = server.connect();
  connection->send(get("/survivor"));
  CHECK(body_of(server.read_response(*connection)) == "Hello, survivor");
}

TEST_CASE("Expect 100-continue gets 100 Continue before the body is sent", "[keepalive_server]") {
  KeepAliveLimits limits = patient();
  limits.request_timeout = 2s;
  RunningServer server(limits);
  auto connection = server.connect();
  connection->send("GET /patient HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  const std::string interim = server.read_response(*connection);
  INFO("the client sent its head and waits before sending a 4-byte body (RFC 9110 section 10.1.1): the "
       "server must answer 100 Continue at once, not wait for the body until its timeout. Got: "
       << interim);
  REQUIRE(status_line(interim).rfind("HTTP/1.1 100", 0) == 0);
  connection->send("body");
  const std::string response = server.read_response(*connection);
  INFO("after 100 Continue and the body, the final response: " << response);
  CHECK(body_of(response) == "Hello, patient");
  connection->send(get("/next"));
  CHECK(body_of(server.read_response(*connection)) == "Hello, next");
}

TEST_CASE("Expect 100-continue gets the final status at once when the head decides it",
          "[keepalive_server]") {
  KeepAliveLimits limits = patient();
  limits.request_timeout = 2s;
  limits.max_body_bytes = 100;
  RunningServer server(limits);
  for (const std::string& head :
       {std::string("POST /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 50\r\n\r\n"),
        std::string("GET /big HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 500\r\n\r\n")}) {
    auto connection = server.connect();
    connection->send(head);
    const std::string response = server.read_response(*connection);
    INFO("request head " << head
                         << "\nand no body yet: the status (405 for a POST, 413 for a body over the "
                            "cap) is known from the head and must come at once. Got: "
                         << response);
    const std::string status = status_line(response);
    CHECK((status.rfind("HTTP/1.1 405", 0) == 0 || status.rfind("HTTP/1.1 413", 0) == 0));
    CHECK(status.rfind("HTTP/1.1 100", 0) != 0);
    INFO("the body may follow or not: the server must close rather than read it as a request");
    CHECK(says_close(response));
    CHECK(connection->closed_by_peer());
  }
}

TEST_CASE("Expect 100-continue in an HTTP/1.0 request is ignored", "[keepalive_server]") {
  RunningServer server(patient());
  auto connection = server.connect();
  connection->send("GET /old HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab");
  const std::string response = server.read_response(*connection);
  INFO(
      "RFC 9110 section 10.1.1: a server MUST ignore a 100-continue expectation in an HTTP/1.0 request. Got: "
      << response);
  CHECK(status_line(response) == "HTTP/1.1 200 OK");
  CHECK(body_of(response) == "Hello, old");
}

TEST_CASE("a target in absolute form is served like its path", "[keepalive_server]") {
  RunningServer server(patient());
  auto connection = server.connect();
  for (const auto& [target, expected] :
       std::vector<std::pair<std::string, std::string>>{{"http://localhost/world", "Hello, world"},
                                                        {"http://127.0.0.1:8080/ada?lang=en", "Hello, ada"},
                                                        {"HTTP://example.com/Case", "Hello, Case"}}) {
    connection->send(get(target));
    const std::string response = server.read_response(*connection);
    INFO("GET " << target
                << " (the form a client sends through a proxy; RFC 9112 section 3.2.2: a server "
                   "MUST accept it): "
                << response);
    CHECK(body_of(response) == expected);
  }
  connection->send(get("http://localhost/a/b"));
  CHECK(status_line(server.read_response(*connection)).rfind("HTTP/1.1 404", 0) == 0);
}

TEST_CASE("the name is percent-decoded and must be UTF-8", "[keepalive_server]") {
  RunningServer server(patient());
  auto connection = server.connect();
  for (const auto& [target, expected] :
       std::vector<std::pair<std::string, std::string>>{{"/%E4%B8%96", "Hello, \xe4\xb8\x96"},
                                                        {"/a%20b", "Hello, a b"},
                                                        {"/a%2Fb", "Hello, a/b"},
                                                        {"/%41da", "Hello, Ada"},
                                                        {"/100%25", "Hello, 100%"}}) {
    connection->send(get(target));
    const std::string response = server.read_response(*connection);
    INFO("GET " << target << ": the name is decoded, as aiohttp's match_info is: " << response);
    CHECK(body_of(response) == expected);
  }
  for (const std::string target : {"/%zz", "/50%", "/%4", "/%FF", "/%C3%28", "/%ED%A0%80"}) {
    connection->send(get(target));
    const std::string response = server.read_response(*connection);
    INFO("GET " << target << ": a bad escape, or a name that does not decode to UTF-8, is 400: " << response);
    CHECK(status_line(response).rfind("HTTP/1.1 400", 0) == 0);
  }
  INFO("a 400 for a bad name is an answer, not a framing error: the connection stays usable");
  connection->send(get("/still-here"));
  CHECK(body_of(server.read_response(*connection)) == "Hello, still-here");
}

TEST_CASE("the lingering close ends though the client keeps sending", "[keepalive_server]") {
  RunningServer server(patient());
  auto connection = server.connect();
  connection->send("GARBAGE\r\n\r\n");
  const std::string refusal = server.read_response(*connection);
  REQUIRE(status_line(refusal).rfind("HTTP/1.1 400", 0) == 0);
  // The client goes on sending, a line every 5 ms (the workload), until the
  // server has closed its socket (a send then fails: the kernel answers
  // with a reset). The FIN of the server's shutdown comes first and ends
  // nothing: the server keeps reading and dropping, and must stop after a
  // second or so, however busy the client is.
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() < give_up) {
    closed = !connection->send("more garbage\r\n");
    std::this_thread::sleep_for(5ms);
  }
  INFO("after a 400 the server must close within about a second: a lingering close that lasts as long as "
       "the client sends lets it hold the connection forever (the test gave up after 5 s)");
  CHECK(closed);
}

TEST_CASE("a client that never reads stops being read from and others are served", "[keepalive_server]") {
  RunningServer server(patient());
  auto flood = server.connect();
  // A small receive buffer on the client, so that the responses it never
  // reads back up quickly; a send gives up after 2 s without progress (a
  // server that reads ahead may be slow, with a million writes queued, but
  // it still reads; a correct one never again).
  const int small = 64 * 1024;
  ::setsockopt(flood->descriptor(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  timeval patience{2, 0};
  ::setsockopt(flood->descriptor(), SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience);
  std::string batch;
  while (batch.size() < 64 * 1024) {
    batch += "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  }
  const std::size_t cap = 64u * 1024 * 1024; // a correct server stops reading after a few MiB
  std::size_t sent = 0;
  bool stalled = false;
  while (!stalled && sent < cap) {
    const ssize_t n = ::send(flood->descriptor(), batch.data(), batch.size(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      stalled = true;
    } else if (n <= 0) {
      break;
    } else {
      sent += static_cast<std::size_t>(n);
    }
  }
  INFO("a client sent " << sent / (1024 * 1024) << " MiB of pipelined requests and read no response");
  INFO("the server must write each response before it reads the next request, so that it stops reading "
       "from this client once the buffers are full, instead of queueing responses without bound");
  CHECK(stalled);
  auto other = server.connect();
  other->send(get("/other"));
  INFO("meanwhile another client is served at once");
  CHECK(body_of(server.read_response(*other)) == "Hello, other");
}

namespace {

// Lowers the process's descriptor limit so that every descriptor but
// `spare` is taken; restores everything when destroyed.
class DescriptorShortage {
public:
  explicit DescriptorShortage(int spare) {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    int highest = 0;
    if (DIR* open_fds = ::opendir("/proc/self/fd")) {
      while (const dirent* entry = ::readdir(open_fds)) {
        highest = std::max(highest, std::atoi(entry->d_name));
      }
      ::closedir(open_fds);
    }
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(highest + 64);
    ::setrlimit(RLIMIT_NOFILE, &lowered);
    for (;;) {
      const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        break;
      }
      taken_.push_back(fd);
    }
    for (int i = 0; i < spare && !taken_.empty(); ++i) {
      give_back_one();
    }
  }
  DescriptorShortage(const DescriptorShortage&) = delete;
  DescriptorShortage& operator=(const DescriptorShortage&) = delete;
  ~DescriptorShortage() {
    while (!taken_.empty()) {
      give_back_one();
    }
    ::setrlimit(RLIMIT_NOFILE, &saved_);
  }
  void give_back_one() {
    ::close(taken_.back());
    taken_.pop_back();
  }

private:
  rlimit saved_{};
  std::vector<int> taken_;
};

} // namespace

TEST_CASE("an accept that fails for lack of descriptors does not end the accept loop", "[keepalive_server]") {
  RunningServer server(patient());
  {
    auto before = server.connect();
    before->send(get("/before", "Connection: close\r\n"));
    REQUIRE(body_of(server.read_response(*before)) == "Hello, before");
    REQUIRE(before->closed_by_peer());
  }
  std::unique_ptr<RawConnection> client;
  {
    // One descriptor left: the client's socket takes it, the kernel
    // completes the handshake, and the server's accept fails with EMFILE.
    DescriptorShortage shortage(1);
    const long sleeps_before = server.sleeps();
    client = std::make_unique<RawConnection>(server.port());
    // Until the server has met the error and either given up (serve_hello
    // returned) or gone back to waiting more than once (retrying after a
    // pause); the backstop only bounds a server that does neither.
    const auto backstop = std::chrono::steady_clock::now() + 3s;
    while (!server.finished() && server.sleeps() < sleeps_before + 3 &&
           std::chrono::steady_clock::now() < backstop) {
      std::this_thread::yield();
    }
  } // descriptors back: the next accept can succeed
  INFO("an accept failed with EMFILE (too many open files): serve_hello returned instead of pausing and "
       "accepting again");
  CHECK_FALSE(server.finished());
  client->send(get("/after", "Connection: close\r\n"));
  const std::string response = server.read_response(*client);
  INFO("once descriptors are free again, the connection that waited in the listen queue must be served: "
       << response);
  CHECK(body_of(response) == "Hello, after");
}
