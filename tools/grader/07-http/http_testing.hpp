// Helpers shared by chapter 07's hidden tests: ports, raw exchanges over
// TCP, and what the kernel says a port listens on.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace workbook::testing {

/// A TCP socket bound to 127.0.0.1 on a port of the kernel's choosing, and
/// not listening: a connection to it is refused, deterministically, for as
/// long as the object lives (nobody else can take the port meanwhile).
class RefusingPort {
public:
  RefusingPort() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::system_error(errno, std::generic_category(), "test setup: binding a refusing port");
    }
    port_ = ntohs(address.sin_port);
  }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  ~RefusingPort() { ::close(fd_); }
  [[nodiscard]] int port() const { return port_; }
  /// Gives the port up, for a server under test to bind.
  int release() {
    ::close(fd_);
    fd_ = -1;
    return port_;
  }

private:
  int fd_;
  int port_ = 0;
};

/// The local addresses of the sockets listening on TCP `port`, from
/// /proc/net/tcp and /proc/net/tcp6 ("127.0.0.1", "0.0.0.0", "::"...).
inline std::vector<std::string> listening_addresses(int port) {
  std::vector<std::string> found;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream file(table);
    std::string line;
    std::getline(file, line); // header
    while (std::getline(file, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const auto colon = local.find(':');
      if (state != "0A" || colon == std::string::npos ||
          std::stoi(local.substr(colon + 1), nullptr, 16) != port) {
        continue;
      }
      const std::string hex = local.substr(0, colon);
      if (hex.size() == 8) {
        const auto value = static_cast<std::uint32_t>(std::stoul(hex, nullptr, 16));
        in_addr address{};
        address.s_addr = value; // the kernel prints it in host byte order
        found.emplace_back(inet_ntoa(address));
      } else {
        found.emplace_back(hex == std::string(32, '0') ? "::" : "[ipv6 " + hex + "]");
      }
    }
  }
  return found;
}

/// A blocking TCP client connection to 127.0.0.1, for bytes no real client
/// would send. Every read gives up after `backstop_seconds` without a byte.
class RawConnection {
public:
  /// Throws std::system_error if the connection is refused.
  explicit RawConnection(int port, int backstop_seconds = 5)
      : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      ::close(fd_);
      throw std::system_error(error, std::generic_category(),
                              "connecting to 127.0.0.1:" + std::to_string(port));
    }
    timeval timeout{backstop_seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() { ::close(fd_); }

  /// Sends each write at once (no Nagle): for tests that pace their bytes.
  void send_immediately() {
    const int yes = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  }

  /// Whether the peer has sent something (or closed) within `milliseconds`;
  /// bytes already received count.
  bool readable_within(int milliseconds) {
    if (!pending_.empty()) {
      return true;
    }
    pollfd wait{.fd = fd_, .events = POLLIN, .revents = 0};
    return ::poll(&wait, 1, milliseconds) > 0;
  }

  /// The socket, for tests that need an option of their own on it.
  [[nodiscard]] int descriptor() const { return fd_; }

  /// Sends all of `bytes`; false if the peer has closed the connection.
  bool send(std::string_view bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  /// One whole response (head, then Content-Length bytes of body), or what
  /// came before the peer closed or the backstop passed.
  std::string read_response() {
    for (;;) {
      const std::size_t head_end = pending_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const std::size_t total = head_end + 4 + content_length(pending_.substr(0, head_end));
        if (pending_.size() >= total) {
          std::string response = pending_.substr(0, total);
          pending_.erase(0, total);
          return response;
        }
      }
      if (!receive()) {
        return std::exchange(pending_, {});
      }
    }
  }

  /// Whether the peer closes the connection (reads EOF or a reset) before
  /// the backstop passes; bytes that arrive meanwhile are kept.
  bool closed_by_peer() {
    while (receive()) {
    }
    return eof_;
  }

private:
  static std::size_t content_length(const std::string& head) {
    std::string lower = head;
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const std::size_t at = lower.find("\r\ncontent-length:");
    return at == std::string::npos ? 0 : std::stoul(lower.substr(at + 17));
  }

  // Appends what arrives; false at EOF, on a reset or after the backstop.
  bool receive() {
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      pending_.append(buffer, static_cast<std::size_t>(n));
      return true;
    }
    eof_ = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
    return false;
  }

  int fd_;
  std::string pending_;
  bool eof_ = false;
};

/// Connects to 127.0.0.1:`port`, sends `bytes` and returns one response
/// (see RawConnection).
inline std::string raw_exchange(int port, std::string_view bytes) {
  RawConnection connection(port);
  connection.send(bytes);
  return connection.read_response();
}

} // namespace workbook::testing
