// Hidden tests for the echo_server exercise. The server runs on one thread
// of its own; the clients are plain blocking sockets on the test's thread,
// with a receive timeout only as a backstop against a server that never
// answers (the failure then says so).
#include "echo_server.hpp"

#include <catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace {

// The server under test: serve_echo on 127.0.0.1, an ephemeral port, one thread.
class Server {
public:
  Server() : acceptor_(context_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(context_, workbook::async::serve_echo(acceptor_), [this](std::exception_ptr error) {
      server_error_ = error != nullptr;
      server_returned_ = true;
      early_exception_ = error;
    });
    // The guard keeps run() going through the rounds below even if
    // serve_echo has already ended.
    auto guard = asio::make_work_guard(context_);
    thread_ = std::thread([this] { context_.run(); });
    // Let the server's thread run its first steps (the coroutine's start and
    // a completion handler posted after it), so that a serve_echo that throws
    // at once, like the untouched stub, is reported as its exception here.
    for (int round = 0; round < 3; ++round) {
      std::promise<void> turned;
      asio::post(context_, [&turned] { turned.set_value(); });
      turned.get_future().wait();
    }
    guard.reset();
    if (early_exception_) {
      stop();
      std::rethrow_exception(early_exception_);
    }
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server() { stop(); }

  // Closes the acceptor on the server's thread and waits for run() to
  // return: serve_echo must return, and every session must have ended
  // (the tests close their clients first). A server that never returns is
  // caught by the watchdog.
  void stop() {
    if (thread_.joinable()) {
      asio::post(context_, [this] {
        std::error_code ignored;
        acceptor_.close(ignored);
      });
      thread_.join();
    }
  }

  [[nodiscard]] unsigned short port() const { return port_; }
  [[nodiscard]] bool returned() const { return server_returned_; }
  [[nodiscard]] bool failed() const { return server_error_; }

private:
  asio::io_context context_;
  asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
  bool server_returned_ = false; // written and read on the server's thread, read after join
  bool server_error_ = false;
  std::exception_ptr early_exception_; // read after the rounds above
};

// A blocking client socket with a receive timeout as a backstop.
class Client {
public:
  explicit Client(unsigned short port, int receive_buffer = 0)
      : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (receive_buffer > 0) { // before connect, so that the window is small from the start
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    timeval timeout{3, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client() { close(); }

  [[nodiscard]] bool connected() const { return connected_; }
  bool send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  // Reads exactly `size` bytes, or fewer if the peer closes or the backstop expires.
  std::string receive(std::size_t size) {
    std::string data(size, '\0');
    std::size_t got = 0;
    while (got < size) {
      const ssize_t n = ::recv(fd_, data.data() + got, size - got, 0);
      if (n <= 0) {
        break;
      }
      got += static_cast<std::size_t>(n);
    }
    data.resize(got);
    return data;
  }
  // Closes with a reset instead of an orderly shutdown.
  void reset() {
    linger option{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &option, sizeof option);
    close();
  }
  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

private:
  int fd_;
  bool connected_ = false;
};

} // namespace

TEST_CASE("echoes what a client sends back to it", "[echo_server]") {
  Server server;
  Client client(server.port());
  REQUIRE(client.connected());
  for (const std::string message : {"hello\n", "x", "a longer line with spaces\n"}) {
    REQUIRE(client.send(message));
    INFO("no echo within 3 s");
    REQUIRE(client.receive(message.size()) == message);
  }
}

TEST_CASE("serves many clients at once on its one thread", "[echo_server]") {
  Server server;
  constexpr int kClients = 200;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>(server.port()));
    REQUIRE(clients.back()->connected());
  }
  // Every client is connected and silent; the last one speaks first. A
  // server that serves one client until it leaves never answers it.
  int answered = 0;
  for (int i = kClients - 1; i >= 0; --i) {
    const std::string message = "client " + std::to_string(i) + "\n";
    REQUIRE(clients[static_cast<std::size_t>(i)]->send(message));
    const std::string reply = clients[static_cast<std::size_t>(i)]->receive(message.size());
    if (reply != message) {
      INFO("client " << i
                     << " got no echo within 3 s while the other clients stayed connected: the server does "
                        "not serve its clients concurrently");
      CHECK(reply == message);
      break;
    }
    ++answered;
  }
  CHECK(answered == kClients);
}

TEST_CASE("a large message comes back whole and in order", "[echo_server]") {
  Server server;
  // A small receive window makes the server's writes block part-way, as on
  // a slow network: a write that sends only part of its buffer loses data.
  Client client(server.port(), 4096);
  REQUIRE(client.connected());
  std::string message(1 << 20, '\0');
  for (std::size_t i = 0; i < message.size(); ++i) {
    message[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  }
  // Send from another thread while this one reads: both directions at once,
  // as a real client must, or the socket buffers fill up.
  bool sent = false;
  std::thread sender([&] { sent = client.send(message); });
  const std::string echoed = client.receive(message.size());
  sender.join();
  CHECK(sent);
  CHECK(echoed.size() == message.size());
  // (Compared as a bool: Catch2 would print both megabytes otherwise.)
  const auto mismatch = std::mismatch(echoed.begin(), echoed.end(), message.begin(), message.end());
  const bool identical = mismatch.first == echoed.end() && mismatch.second == message.end();
  INFO("the echo differs from the message from byte " << (mismatch.first - echoed.begin()));
  CHECK(identical);
}

TEST_CASE("a client that leaves or resets does not stop the server", "[echo_server]") {
  Server server;
  {
    Client leaves(server.port());
    REQUIRE(leaves.connected());
    REQUIRE(leaves.send("bye\n"));
    REQUIRE(leaves.receive(4) == "bye\n");
  }
  {
    Client resets(server.port());
    REQUIRE(resets.connected());
    REQUIRE(resets.send("partial"));
    resets.reset();
  }
  Client later(server.port());
  REQUIRE(later.connected());
  REQUIRE(later.send("still there?\n"));
  CHECK(later.receive(13) == "still there?\n");
}

TEST_CASE("closing the acceptor ends serve_echo without an error", "[echo_server]") {
  Server server;
  {
    Client client(server.port());
    REQUIRE(client.connected());
    REQUIRE(client.send("x"));
    REQUIRE(client.receive(1) == "x");
  }
  server.stop();
  CHECK(server.returned());
  CHECK_FALSE(server.failed());
}
