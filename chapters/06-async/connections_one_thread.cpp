// How many connections one Asio thread holds, what each costs in memory,
// and how many echo round trips per second it serves, on 127.0.0.1.
//
// The server runs in a child process (fork) on one thread, so that its
// memory is measured alone and each side has its own descriptor limit.
//
//   connections_one_thread            10,000 connections, 2 s per throughput run
//   connections_one_thread --quick    300 connections, 0.2 s per run
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

asio::awaitable<void> echo(tcp::socket socket) {
  std::array<char, 512> data{};
  for (;;) {
    std::error_code error;
    const std::size_t n =
        co_await socket.async_read_some(asio::buffer(data), asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      co_return;
    }
    co_await asio::async_write(socket, asio::buffer(data.data(), n),
                               asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      co_return;
    }
  }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor) {
  for (;;) {
    std::error_code error;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
    if (!error) {
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(acceptor.get_executor(), echo(std::move(socket)), asio::detached);
    }
  }
}

void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// The child: serves until killed; tells the parent its port through `pipe_fd`.
[[noreturn]] void run_server(int pipe_fd) {
  raise_descriptor_limit();
  asio::io_context context(1); // concurrency hint: one thread, no locking
  tcp::acceptor acceptor(context);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor.open(endpoint.protocol());
  acceptor.bind(endpoint);
  acceptor.listen(4096);
  const unsigned short port = acceptor.local_endpoint().port();
  (void)!write(pipe_fd, &port, sizeof port);
  close(pipe_fd);
  asio::co_spawn(context, listen(acceptor), asio::detached);
  context.run();
  _exit(0);
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

int connect_to(unsigned short port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    if (fd >= 0) {
      close(fd);
    }
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool round_trip(int fd, const char* message, std::size_t size) {
  if (send(fd, message, size, MSG_NOSIGNAL) != static_cast<ssize_t>(size)) {
    return false;
  }
  std::array<char, 64> reply{};
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = recv(fd, reply.data() + got, size - got, 0);
    if (n <= 0) {
      return false;
    }
    got += static_cast<std::size_t>(n);
  }
  return true;
}

// Round trips per second with `fds` in flight at once: a message to each,
// then every reply, repeated for `seconds`.
double round_trips_per_second(const std::vector<int>& fds, double seconds) {
  const char message[] = "ping\n";
  std::array<char, 64> reply{};
  long trips = 0;
  const auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    for (int fd : fds) {
      (void)!send(fd, message, sizeof message - 1, MSG_NOSIGNAL);
    }
    for (int fd : fds) {
      std::size_t got = 0;
      while (got < sizeof message - 1) {
        const ssize_t n = recv(fd, reply.data(), sizeof message - 1 - got, 0);
        if (n <= 0) {
          return 0;
        }
        got += static_cast<std::size_t>(n);
      }
    }
    trips += static_cast<long>(fds.size());
  }
  return static_cast<double>(trips) / std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

int main(int argc, char* argv[]) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int wanted = quick ? 300 : 10'000;
  const double seconds = quick ? 0.2 : 2.0;
  raise_descriptor_limit();

  int port_pipe[2];
  if (pipe(port_pipe) != 0) {
    std::perror("pipe");
    return 1;
  }
  const pid_t server = fork();
  if (server < 0) {
    std::perror("fork");
    return 1;
  }
  if (server == 0) {
    close(port_pipe[0]);
    run_server(port_pipe[1]);
  }
  close(port_pipe[1]);
  unsigned short port = 0;
  if (read(port_pipe[0], &port, sizeof port) != sizeof port) {
    std::fprintf(stderr, "the server did not start\n");
    return 1;
  }
  close(port_pipe[0]);

  // Warm the server up with one connection, then measure its memory before
  // and after opening the rest, each proven served by one round trip.
  std::vector<int> fds;
  fds.push_back(connect_to(port));
  round_trip(fds[0], "x", 1);
  const long rss_before = rss_kib(server);
  const auto start = Clock::now();
  while (static_cast<int>(fds.size()) < wanted) {
    const int fd = connect_to(port);
    if (fd < 0 || !round_trip(fd, "x", 1)) {
      std::fprintf(stderr, "connection %zu failed: %s\n", fds.size(), std::strerror(errno));
      if (fd >= 0) {
        close(fd);
      }
      break;
    }
    fds.push_back(fd);
  }
  const double open_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const long rss_after = rss_kib(server);
  const int held = static_cast<int>(fds.size());
  const double per_connection_kib =
      held > 1 ? static_cast<double>(rss_after - rss_before) / static_cast<double>(held - 1) : 0.0;

  const double one = round_trips_per_second({fds[0]}, seconds);
  const std::vector<int> hundred(fds.begin(), fds.begin() + std::min<std::ptrdiff_t>(100, held));
  const double many = round_trips_per_second(hundred, seconds);

  for (int fd : fds) {
    close(fd);
  }
  kill(server, SIGTERM);
  int status = 0;
  waitpid(server, &status, 0);

  std::printf("one server thread, %d connections asked, %d held (opened and echoed in %.2f s)\n", wanted,
              held, open_seconds);
  std::printf("server RSS: %ld KiB before, %ld KiB after: %.1f KiB per connection\n", rss_before, rss_after,
              per_connection_kib);
  std::printf("echo round trips/s: %.0f over 1 connection, %.0f over %zu connections at once\n", one, many,
              hundred.size());
  std::printf("claim: connections held open by one Asio thread | %d connections | %d asked | %.2fx\n", held,
              wanted, static_cast<double>(held) / wanted);
  std::printf(
      "claim: server memory per open connection (coroutine + socket) | %.1f KiB | 8 MiB default thread "
      "stack reserved | %.4fx\n",
      per_connection_kib, per_connection_kib / 8192.0);
  std::printf(
      "claim: echo round trips/s, %zu connections in flight, one server thread | %.0f /s | 1 connection "
      "%.0f /s | %.2fx\n",
      hundred.size(), many, one, one > 0 ? many / one : 0.0);
  return held == wanted ? 0 : 1;
}
