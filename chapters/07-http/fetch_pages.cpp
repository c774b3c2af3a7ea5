// The tutorial's aiohttp client in C++: fetch several URLs at once and
// print each body's length, or the error, in the order of the URLs
// (asyncio.gather(..., return_exceptions=True)).
//
// Nothing here reaches the internet: the example starts its own server on
// 127.0.0.1 and asks it for three pages, a missing one, and a port where
// nothing listens.
#include <httplib.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

// [fetch]
// Like the tutorial's fetch(): the body, or an exception.
std::string fetch(const std::string& origin, const std::string& path) {
  httplib::Client client(origin);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  const httplib::Result response = client.Get(path.c_str());
  if (!response) { // no response at all: refused, reset, timed out...
    throw std::runtime_error("no response: " + httplib::to_string(response.error()));
  }
  if (response->status != 200) { // the tutorial's `assert response.status == 200`
    throw std::runtime_error("status " + std::to_string(response->status));
  }
  return response->body;
}
// [fetch]

// A port on 127.0.0.1 where nothing listens (bound, never listening).
struct ClosedPort {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  ClosedPort() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~ClosedPort() { ::close(fd); }
};

} // namespace

int main() {
  httplib::Server server;
  server.Get("/short", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("a short page", "text/plain");
  });
  server.Get("/long", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(100'000, 'x'), "text/plain");
  });
  server.Get("/empty", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("", "text/plain");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  const ClosedPort nobody;

  const std::string here = "http://127.0.0.1:" + std::to_string(port);
  const std::string nowhere = "http://127.0.0.1:" + std::to_string(nobody.port);

  // [gather]
  const std::vector<std::pair<std::string, std::string>> urls = {
      {here, "/short"}, {here, "/long"}, {here, "/missing"}, {nowhere, "/"}, {here, "/empty"}};
  // ensure_future for each URL: every request starts now, on its own thread.
  std::vector<std::future<std::string>> pages;
  for (const auto& [origin, path] : urls) {
    pages.push_back(std::async(std::launch::async, fetch, origin, path));
  }
  // gather(..., return_exceptions=True): results in the order of the URLs,
  // an exception in place of a result that failed.
  for (auto& page : pages) {
    try {
      std::printf("%zu\n", page.get().size());
    } catch (const std::exception& error) {
      std::printf("Error: %s\n", error.what());
    }
  }
  // [gather]

  while (!server.is_running()) {
    std::this_thread::yield();
  }
  server.stop();
  serving.join();
}
