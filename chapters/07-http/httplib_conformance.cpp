// What cpp-httplib 0.11 does with inputs RFC 9112 and RFC 9110 are strict
// about: a server as it comes (a route, a body cap), fed raw bytes on
// 127.0.0.1, each answer printed beside what the RFCs ask. The chapter's
// table is this program's output.
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

// What the server sends until `quiet_ms` pass in silence, it closes
// ("[closed]" is appended), or `until` arrives.
std::string read_all(int fd, int quiet_ms, const std::string& until = "\x01") {
  std::string got;
  char buffer[65536];
  while (got.find(until) == std::string::npos) {
    pollfd wait{.fd = fd, .events = POLLIN, .revents = 0};
    if (::poll(&wait, 1, quiet_ms) <= 0) {
      return got;
    }
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      return got + "[closed]";
    }
    got.append(buffer, static_cast<std::size_t>(n));
  }
  return got;
}

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  return fd;
}

int count_of(const std::string& text, const std::string& what) {
  int count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

struct Case {
  const char* input;
  std::string bytes;
  const char* rfc;
  bool half_close = false; // the bytes and a FIN (shutdown(SHUT_WR)) in one segment
  int quiet_ms = 1500;     // silence that ends the wait for answers: past the 1 s read timeout
};

// The statuses of the responses, then whether a GET sent afterwards on the
// same connection was answered (kept) or not (closed).
std::string describe(int port, const Case& c) {
  const int fd = connect_to(port);
  if (c.half_close) {
    // cpp-httplib checks just before it writes a response whether the peer
    // has closed its sending side, and then writes nothing. Whether it sees
    // the FIN therefore depends on when the FIN arrives; corked, the
    // request and the FIN leave in one segment, so it always has.
    const int cork = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &cork, sizeof cork);
  }
  ::send(fd, c.bytes.data(), c.bytes.size(), MSG_NOSIGNAL);
  if (c.half_close) {
    ::shutdown(fd, SHUT_WR);
  }
  const std::string first = read_all(fd, c.quiet_ms);
  std::string outcome;
  for (std::size_t at = first.find("HTTP/1.1 "); at != std::string::npos;
       at = first.find("HTTP/1.1 ", at + 1)) {
    outcome += (outcome.empty() ? "" : " ") + first.substr(at + 9, 3);
  }
  if (outcome.empty()) {
    outcome = "no response";
  }
  if (count_of(first, "SMUGGLED") > 0) {
    outcome += ", smuggled GET answered";
  }
  if (!c.half_close) {
    const std::string next = "GET /hello/next HTTP/1.1\r\nHost: x\r\n\r\n";
    ::send(fd, next.data(), next.size(), MSG_NOSIGNAL);
    outcome += read_all(fd, 2000, "Hello, next").find("Hello, next") != std::string::npos ? ", kept open"
                                                                                          : ", closed";
  }
  ::close(fd);
  return outcome;
}

} // namespace

int main() {
  httplib::Server server;
  server.Get(R"(/hello/([^/]+))", [](const httplib::Request& request, httplib::Response& response) {
    response.set_content("Hello, " + request.matches[1].str(), "text/plain");
  });
  server.Post("/echo", [](const httplib::Request& request, httplib::Response& response) {
    response.set_content(request.body, "application/octet-stream");
  });
  server.set_payload_max_length(1000);
  // The defaults are 5 s each. A shorter read timeout keeps the run short;
  // the keep-alive timeout stays longer than any wait below, so that
  // "closed" means the server chose to close.
  server.set_read_timeout(1);
  server.set_keep_alive_timeout(4);
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  while (!server.is_running()) {
    std::this_thread::yield();
  }

  const std::string get = "GET /hello/a HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string hidden = "GET /hello/SMUGGLED HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string smuggling_body = "0\r\n\r\n" + hidden;
  const std::vector<Case> cases = {
      {"chunked body of 2000 bytes, cap 1000",
       "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" +
           std::string(2000, 'a') + "\r\n0\r\n\r\n",
       "413 (a cap is a cap)"},
      {"Content-Length 2000, cap 1000", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n",
       "413; close or read the body"},
      {"Content-Length and chunked together",
       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(smuggling_body.size()) +
           "\r\nTransfer-Encoding: chunked\r\n\r\n" + smuggling_body,
       "400 or chunked, then close (6.1)"},
      {"Content-Length: +5", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello",
       "400, close (6.3)"},
      {"Content-Length: 1e3", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\nhello",
       "400, close (6.3)"},
      {"Content-Length: 5, 6", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello",
       "400, close (6.3)"},
      {"POST without a length", "POST /echo HTTP/1.1\r\nHost: x\r\n\r\n", "200 at once: empty body (6.3)",
       false, 2000},
      {"four requests in one send", get + get + get + get, "200 200 200 200 (9.3.2)"},
      {"request and FIN in one segment", get, "200", true, 2000},
      {"no Host", "GET /hello/a HTTP/1.1\r\n\r\n", "400 (3.2)"},
      {"two Hosts", "GET /hello/a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", "400 (3.2)"},
      {"whitespace before a colon", "GET /hello/a HTTP/1.1\r\nHost : x\r\n\r\n", "400 (5.1)"},
      {"obsolete line folding", "GET /hello/a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", "400 (5.2)"},
      {"NUL in a header value", std::string("GET /hello/a HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 44),
       "400 (5.5)"},
      {"100 KB header line",
       "GET /hello/a HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(100'000, 'p') + "\r\n\r\n",
       "431 (RFC 6585)"},
      {"GARBAGE request line", "GARBAGE\r\n\r\n", "400"},
  };
  std::printf("cpp-httplib %s, a route and set_payload_max_length(1000); each input on a new connection\n\n",
              CPPHTTPLIB_VERSION);
  std::printf("%-38s %-34s %s\n", "input", "cpp-httplib answers", "RFC 9112 asks (section)");
  for (const Case& c : cases) {
    std::printf("%-38s %-34s %s\n", c.input, describe(port, c).c_str(), c.rfc);
  }
  server.stop();
  serving.join();
}
