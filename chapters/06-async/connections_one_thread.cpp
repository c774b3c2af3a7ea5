// How many connections one Asio thread holds, what each costs in memory
// against a thread per connection, and how many echo round trips per second
// it serves, on 127.0.0.1.
//
// Each server runs in a child process (fork), so that its memory is measured
// alone and each side has its own descriptor limit. Memory is resident
// against resident: the server's RSS and page tables (VmRSS, VmPTE) grow by
// what its connections touch; a thread also costs a kernel stack, which is
// kernel memory (KernelStack in /proc/meminfo). The sockets' own kernel
// memory is the same in both designs and counted in neither.
//
//   connections_one_thread            10,000 connections (1,000 threads), 2 s per throughput run
//   connections_one_thread --quick    300 connections (100 threads), 0.2 s per run
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
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
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <workbook/bench.hpp>

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
  asio::steady_timer pause(acceptor.get_executor());
  for (;;) {
    std::error_code error;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
    if (!error) {
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(acceptor.get_executor(), echo(std::move(socket)), asio::detached);
    } else if (error == asio::error::operation_aborted || !acceptor.is_open()) {
      co_return;
    } else if (error == asio::error::no_descriptors || error == std::errc::too_many_files_open_in_system) {
      // Out of descriptors: retrying at once would spin until a connection
      // closes; wait a little instead (the connection stays in the backlog).
      pause.expires_after(std::chrono::milliseconds(10));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, error));
    } // anything else (a connection reset before it was accepted): the next one
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

// The thread-per-connection design, for comparison: a blocking accept loop
// that starts a thread per connection, each echoing with the same 512-byte
// buffer as the coroutine (std::thread's default stack: 8 MiB reserved,
// only the pages it touches resident).
[[noreturn]] void run_thread_per_connection_server(int pipe_fd) {
  raise_descriptor_limit();
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener < 0 || bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 4096) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    _exit(1);
  }
  const unsigned short port = ntohs(address.sin_port);
  (void)!write(pipe_fd, &port, sizeof port);
  close(pipe_fd);
  for (;;) {
    const int connection = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10)); // out of resources: no hot retry loop
      }
      continue; // or a connection aborted before it was accepted: the next one
    }
    const int one = 1;
    setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread([connection] {
      std::array<char, 512> data{};
      for (;;) {
        const ssize_t n = recv(connection, data.data(), data.size(), 0);
        if (n <= 0 || send(connection, data.data(), static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) {
          close(connection);
          return;
        }
      }
    }).detach();
  }
}

// A field of /proc/<pid>/status or /proc/meminfo, in KiB (-1 if absent).
long kib_field(const std::string& file, const std::string& field) {
  std::ifstream status(file);
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::stol(line.substr(field.size() + 1));
    }
  }
  return -1;
}

long rss_kib(pid_t pid) {
  return kib_field("/proc/" + std::to_string(pid) + "/status", "VmRSS");
}

// What the server process holds resident: its pages and their page tables.
long resident_kib(pid_t pid) {
  return rss_kib(pid) + kib_field("/proc/" + std::to_string(pid) + "/status", "VmPTE");
}

long kernel_stacks_kib() {
  return kib_field("/proc/meminfo", "KernelStack");
}

struct Server {
  pid_t pid = -1;
  unsigned short port = 0;
};

// Forks `serve` into a child process and learns its port.
template <class Serve> Server fork_server(Serve serve) {
  int port_pipe[2];
  if (pipe(port_pipe) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  Server server;
  server.pid = fork();
  if (server.pid < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (server.pid == 0) {
    close(port_pipe[0]);
    serve(port_pipe[1]);
  }
  close(port_pipe[1]);
  if (read(port_pipe[0], &server.port, sizeof server.port) != sizeof server.port) {
    std::fprintf(stderr, "the server did not start\n");
    std::exit(1);
  }
  close(port_pipe[0]);
  return server;
}

void stop(const Server& server) {
  kill(server.pid, SIGTERM);
  int status = 0;
  waitpid(server.pid, &status, 0);
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

// Opens connections until `wanted` are held, each proven served by a round
// trip; returns them.
std::vector<int> open_connections(unsigned short port, int wanted) {
  std::vector<int> fds;
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
  return fds;
}

} // namespace

int main(int argc, char* argv[]) {
  namespace bench = workbook::bench;
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int wanted = quick ? 300 : 10'000;
  const int wanted_threads = quick ? 100 : 1'000;
  const double seconds = quick ? 0.2 : 2.0;
  raise_descriptor_limit();

  const Server server = fork_server(run_server);
  // Warm the server up with one connection, then measure its memory before
  // and after opening the rest, each proven served by one round trip.
  std::vector<int> fds = open_connections(server.port, 1);
  const long resident_before = resident_kib(server.pid);
  const long rss_before = rss_kib(server.pid);
  const auto start = Clock::now();
  {
    auto more = open_connections(server.port, wanted - 1);
    fds.insert(fds.end(), more.begin(), more.end());
  }
  const double open_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const long rss_after = rss_kib(server.pid);
  const long resident_after = resident_kib(server.pid);
  const int held = static_cast<int>(fds.size());
  const double per_connection_kib =
      held > 1 ? static_cast<double>(resident_after - resident_before) / static_cast<double>(held - 1) : 0.0;

  const double one = round_trips_per_second({fds[0]}, seconds);
  const std::vector<int> hundred(fds.begin(), fds.begin() + std::min<std::ptrdiff_t>(100, held));
  const double many = round_trips_per_second(hundred, seconds);

  for (int fd : fds) {
    close(fd);
  }
  stop(server);

  // The same measurement for a thread per connection.
  const Server threaded = fork_server(run_thread_per_connection_server);
  std::vector<int> thread_fds = open_connections(threaded.port, 1);
  const long thread_resident_before = resident_kib(threaded.pid);
  const long stacks_before = kernel_stacks_kib();
  {
    auto more = open_connections(threaded.port, wanted_threads - 1);
    thread_fds.insert(thread_fds.end(), more.begin(), more.end());
  }
  const long thread_resident_after = resident_kib(threaded.pid);
  const long stacks_after = kernel_stacks_kib();
  const int threads_held = static_cast<int>(thread_fds.size());
  const double opened_threads = std::max(1, threads_held - 1);
  const double per_thread_user_kib =
      static_cast<double>(thread_resident_after - thread_resident_before) / opened_threads;
  const double per_thread_kernel_kib = static_cast<double>(stacks_after - stacks_before) / opened_threads;
  const double per_thread_kib = per_thread_user_kib + per_thread_kernel_kib;
  for (int fd : thread_fds) {
    close(fd);
  }
  stop(threaded);

  std::printf("one server thread, %d connections asked, %d held (opened and echoed in %.2f s)\n", wanted,
              held, open_seconds);
  std::printf("server RSS: %ld KiB before, %ld KiB after; with page tables %.1f KiB per connection\n",
              rss_before, rss_after, per_connection_kib);
  std::printf("a thread per connection, %d threads: %.1f KiB resident each (%.1f KiB stack pages and page "
              "tables, %.1f KiB kernel stack)\n",
              threads_held, per_thread_kib, per_thread_user_kib, per_thread_kernel_kib);
  std::printf("echo round trips/s: %.0f over 1 connection, %.0f over %zu connections at once\n", one, many,
              hundred.size());
  bench::claim("connections held open by one Asio thread", std::to_string(held) + " connections",
               std::to_string(wanted) + " asked", bench::ratio(static_cast<double>(held) / wanted));
  bench::claim("resident memory per open connection, one Asio thread (coroutine + socket)",
               bench::figure(per_connection_kib, "KiB", 1),
               "a thread per connection " + bench::figure(per_thread_kib, "KiB", 1) + " (" +
                   std::to_string(threads_held) + " threads; stack pages, page tables, kernel stack)",
               per_thread_kib > 0 ? bench::ratio(per_connection_kib / per_thread_kib) : "not measured");
  bench::claim("echo round trips/s, " + std::to_string(hundred.size()) +
                   " connections in flight, one server thread",
               bench::figure(many, "/s"), "1 connection " + bench::figure(one, "/s"),
               bench::ratio(one > 0 ? many / one : 0.0));
  return held == wanted && threads_held == wanted_threads ? 0 : 1;
}
