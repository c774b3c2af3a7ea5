// How long a new client waits for cpp-httplib 0.11 when every worker
// thread is held by an idle keep-alive connection. Each worker keeps its
// connection until the keep-alive timeout runs out; connections that came
// meanwhile wait in the pool's queue, and so does the new client. Bounded:
// at most 24 connections and about 8 s in all, on 127.0.0.1.
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int workers = 8; // CPPHTTPLIB_THREAD_POOL_COUNT on a machine with up to 9 cores

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::perror("connect");
  }
  return fd;
}

const char request[] = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

// Seconds a new client waits for `GET /hello` while `queued` connections,
// each with a request sent, wait behind `workers` idle kept-alive ones.
double wait_behind(int port, int queued) {
  std::vector<int> idle;
  // One per worker: a request, its response, then silence. Each holds its
  // worker until the keep-alive timeout.
  for (int i = 0; i < workers; ++i) {
    idle.push_back(connect_to(port));
    ::send(idle.back(), request, sizeof request - 1, MSG_NOSIGNAL);
    char buffer[512];
    ::recv(idle.back(), buffer, sizeof buffer, 0);
  }
  // More clients with a request each: all in the queue now. Paced, so that
  // cpp-httplib's listen backlog of 5 does not overflow.
  for (int i = 0; i < queued; ++i) {
    idle.push_back(connect_to(port));
    ::send(idle.back(), request, sizeof request - 1, MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto start = std::chrono::steady_clock::now();
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30);
  const auto response = client.Get("/hello");
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!response || response->status != 200) {
    std::printf("the new client got no answer\n");
  }
  for (const int fd : idle) {
    ::close(fd);
  }
  return waited;
}

} // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int keep_alive_seconds = 1; // the default is 5
  httplib::Server server;
  server.Get("/hello", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("Hello", "text/plain");
  });
  server.set_tcp_nodelay(true);
  server.set_keep_alive_timeout(keep_alive_seconds);
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  while (!server.is_running()) {
    std::this_thread::yield();
  }

  std::printf("cpp-httplib %s, %d workers, keep-alive timeout %d s; a new client behind %d idle kept-alive\n"
              "connections and N more, each with a request waiting in the pool's queue\n\n",
              CPPHTTPLIB_VERSION, workers, keep_alive_seconds, workers);
  std::printf("%-12s %-16s %s\n", "queued N", "new client waits", "model: (1 + N / 8) x timeout");
  std::vector<int> rounds = quick ? std::vector<int>{0} : std::vector<int>{0, 8, 16};
  for (const int queued : rounds) {
    const double waited = wait_behind(port, queued);
    const double model = (1.0 + queued / static_cast<double>(workers)) * keep_alive_seconds;
    std::printf("%-12d %-16.2f %.2f s\n", queued, waited, model);
    std::printf(
        "claim: new client's wait behind %d idle + %d queued keep-alive connections (cpp-httplib) | %.2f s | "
        "model (1 + N/8) x %d s | %.2fx\n",
        workers, queued, waited, keep_alive_seconds, waited / model);
    // Let the workers drop this round's connections before the next.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  }
  std::printf("\nWith the defaults (5 s, 8 workers), 1000 such connections put a new client about\n"
              "(1000 / 8) x 5 s = %d s behind, by the same model.\n",
              1000 / workers * 5);
  server.stop();
  serving.join();
}
