// The tutorial's aiohttp server in C++: GET /{name} answers "Hello, {name}".
//
//   hello_name_server            starts on 127.0.0.1, asks itself three
//                                questions, prints the answers and stops
//   hello_name_server --serve    stays up on 127.0.0.1:8080 until Ctrl-C;
//                                try: curl http://127.0.0.1:8080/world
#include <httplib.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

namespace {

// Read by the signal handler: a lock-free atomic, as [intro.races] requires.
std::atomic<httplib::Server*> running = nullptr;

extern "C" void stop_on_signal(int) {
  // cpp-httplib 0.11's stop() exchanges an atomic and calls shutdown() and
  // close(), which POSIX lists as async-signal-safe.
  if (httplib::Server* server = running.load()) {
    server->stop();
  }
}

} // namespace

int main(int argc, char** argv) {
  // [server]
  httplib::Server server;
  // cpp-httplib 0.11 has no "/{name}" parameters: a regular expression
  // matched against the whole path, and its first group.
  server.Get(R"(/([^/]+))", [](const httplib::Request& request, httplib::Response& response) {
    response.set_content("Hello, " + request.matches[1].str(), "text/plain; charset=utf-8");
  });
  server.set_tcp_nodelay(true); // see "Nagle's algorithm and delayed ACKs"
  // [server]

  if (argc > 1 && std::string(argv[1]) == "--serve") {
    running.store(&server);
    std::signal(SIGINT, stop_on_signal);
    std::signal(SIGTERM, stop_on_signal);
    std::printf("serving on http://127.0.0.1:8080/ (Ctrl-C stops)\n");
    std::fflush(stdout);
    // [listen]
    if (!server.listen("127.0.0.1", 8080)) { // 127.0.0.1: this machine only
      std::fprintf(stderr, "cannot listen on 127.0.0.1:8080 (in use?)\n");
      return 1;
    }
    // [listen]
    return 0;
  }

  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  httplib::Client client("127.0.0.1", port);
  for (const char* path : {"/world", "/Ada", "/"}) {
    const auto response = client.Get(path);
    std::printf("GET %-7s -> %d %s\n", path, response->status,
                response->status == 200 ? response->body.c_str() : "(no route)");
  }
  while (!server.is_running()) {
    std::this_thread::yield();
  }
  server.stop();
  serving.join();
}
