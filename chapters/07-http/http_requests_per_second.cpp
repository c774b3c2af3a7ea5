// Keep-alive HTTP requests per second on 127.0.0.1, for the same response
// ("Hello, world") from four servers, measured in one run:
//   1. the workbook's Asio coroutine server (solutions/07-http), one thread;
//   2. cpp-httplib with set_tcp_nodelay(true), its default thread pool;
//   3. cpp-httplib as it comes (Nagle's algorithm on);
//   4. nginx with one worker process, if it is installed.
// The load comes from wrk (one thread, 50 connections) when it is installed,
// else from a small Asio client built in here; the report says which.
//
//   http_requests_per_second            3 s per server
//   http_requests_per_second --quick    0.3 s per server, built-in client, no nginx
#include "../../solutions/07-http/keepalive_server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>

#include <httplib.h>

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int connections = 50;

bool have_program(const char* name) {
  const std::string command = std::string("command -v ") + name + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// nginx lives in /usr/sbin, which is not on every user's PATH.
std::optional<std::string> nginx_program() {
  if (have_program("nginx")) {
    return "nginx";
  }
  if (::access("/usr/sbin/nginx", X_OK) == 0) {
    return "/usr/sbin/nginx";
  }
  return std::nullopt;
}

// --- load generators -------------------------------------------------------

// One client connection: request, whole response, repeat until the deadline.
asio::awaitable<void> keep_asking(tcp::endpoint server, Clock::time_point deadline, long& completed) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(server, asio::use_awaitable);
  socket.set_option(tcp::no_delay(true));
  const std::string request = "GET /world HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  asio::streambuf input;
  while (Clock::now() < deadline) {
    co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
    const std::size_t head = co_await asio::async_read_until(socket, input, "\r\n\r\n", asio::use_awaitable);
    std::string text(asio::buffers_begin(input.data()),
                     asio::buffers_begin(input.data()) + static_cast<long>(head));
    input.consume(head);
    std::size_t length = 0;
    for (char& c : text) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (const auto at = text.find("content-length:"); at != std::string::npos) {
      length = std::stoul(text.substr(at + 15));
    }
    if (input.size() < length) {
      co_await asio::async_read(socket, input, asio::transfer_exactly(length - input.size()),
                                asio::use_awaitable);
    }
    input.consume(length);
    ++completed;
  }
}

double builtin_load(int port, std::chrono::duration<double> duration) {
  asio::io_context context;
  const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(duration);
  long completed = 0;
  for (int i = 0; i < connections; ++i) {
    asio::co_spawn(context, keep_asking(server, deadline, completed), asio::detached);
  }
  context.run();
  return static_cast<double>(completed) / std::chrono::duration<double>(Clock::now() - start).count();
}

double wrk_load(int port, std::chrono::duration<double> duration) {
  const std::string command = "wrk -t1 -c" + std::to_string(connections) + " -d" +
                              std::to_string(static_cast<int>(duration.count())) +
                              "s http://127.0.0.1:" + std::to_string(port) + "/world 2>&1";
  FILE* output = ::popen(command.c_str(), "r");
  if (output == nullptr) {
    return 0;
  }
  double rate = 0;
  char line[512];
  while (std::fgets(line, sizeof line, output) != nullptr) {
    std::sscanf(line, " Requests/sec: %lf", &rate);
  }
  ::pclose(output);
  return rate;
}

// --- servers ---------------------------------------------------------------

class AsioServer {
public:
  AsioServer() {
    tcp::acceptor acceptor(context_, {asio::ip::make_address("127.0.0.1"), 0});
    port_ = acceptor.local_endpoint().port();
    asio::co_spawn(context_, workbook::http::serve_hello(std::move(acceptor), {}), asio::detached);
    thread_ = std::thread([this] { context_.run(); });
  }
  ~AsioServer() {
    context_.stop();
    thread_.join();
  }
  [[nodiscard]] int port() const { return port_; }

private:
  asio::io_context context_;
  std::thread thread_;
  int port_ = 0;
};

class HttplibServer {
public:
  explicit HttplibServer(bool nodelay) {
    server_.Get(R"(/(\w+))", [](const httplib::Request& request, httplib::Response& response) {
      response.set_content("Hello, " + request.matches[1].str(), "text/plain; charset=utf-8");
    });
    server_.set_tcp_nodelay(nodelay);
    server_.set_keep_alive_max_count(1'000'000); // 0.11 closes after 5 requests by default
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::yield();
    }
  }
  ~HttplibServer() {
    server_.stop();
    thread_.join();
  }
  [[nodiscard]] int port() const { return port_; }

private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

// nginx with one worker, answering every path with "Hello, world".
class Nginx {
public:
  explicit Nginx(const std::string& program) {
    directory_ = std::filesystem::temp_directory_path() / ("workbook-nginx-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory_);
    port_ = free_port();
    const std::string dir = directory_.string();
    std::ofstream(directory_ / "nginx.conf")
        << "worker_processes 1;\ndaemon off;\npid " << dir << "/nginx.pid;\n"
        << "error_log " << dir << "/error.log;\n"
        << "events { worker_connections 1024; }\n"
        << "http {\n  access_log off;\n"
        << "  client_body_temp_path " << dir << "/body;\n"
        << "  proxy_temp_path " << dir << "/proxy;\n"
        << "  fastcgi_temp_path " << dir << "/fastcgi;\n"
        << "  uwsgi_temp_path " << dir << "/uwsgi;\n"
        << "  scgi_temp_path " << dir << "/scgi;\n"
        << "  keepalive_requests 1000000;\n"
        << "  server {\n    listen 127.0.0.1:" << port_ << ";\n"
        << "    location / { default_type text/plain; return 200 \"Hello, world\"; }\n"
        << "  }\n}\n";
    const std::string conf = dir + "/nginx.conf";
    std::vector<std::string> args = {"nginx", "-p", dir, "-c", conf, "-e", dir + "/error.log"};
    std::vector<char*> argv;
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    if (::posix_spawnp(&pid_, program.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
      return;
    }
    // Ready when it accepts a connection (2 s at most).
    for (int tries = 0; tries < 200 && !accepts(); ++tries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~Nginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
  [[nodiscard]] bool running() const { return pid_ > 0 && accepts(); }
  [[nodiscard]] int port() const { return port_; }

private:
  static int free_port() {
    asio::io_context context;
    tcp::acceptor probe(context, {asio::ip::make_address("127.0.0.1"), 0});
    return probe.local_endpoint().port();
  }
  [[nodiscard]] bool accepts() const {
    asio::io_context context;
    tcp::socket socket(context);
    std::error_code error;
    socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)}, error);
    return !error;
  }

  std::filesystem::path directory_;
  pid_t pid_ = -1;
  int port_ = 0;
};

} // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  ::signal(SIGPIPE, SIG_IGN);
  const std::chrono::duration<double> duration(quick ? 0.3 : 3.0);
  const bool use_wrk = !quick && have_program("wrk");
  const auto load = [&](int port) {
    return use_wrk ? wrk_load(port, duration) : builtin_load(port, duration);
  };

  std::printf("HTTP/1.1 keep-alive, GET /world -> \"Hello, world\", %d connections, %.1f s per server\n",
              connections, duration.count());
  std::printf("load: %s; %u cores\n\n",
              use_wrk ? "wrk -t1 (one thread)" : "built-in Asio client (one thread)",
              std::thread::hardware_concurrency());

  double asio_rate = 0;
  {
    AsioServer server;
    asio_rate = load(server.port());
  }
  double nodelay_rate = 0;
  {
    HttplibServer server(true);
    nodelay_rate = load(server.port());
  }
  double nagle_rate = 0;
  {
    HttplibServer server(false);
    nagle_rate = load(server.port());
  }
  std::optional<double> nginx_rate;
  const auto nginx_path = quick ? std::nullopt : nginx_program();
  if (nginx_path) {
    Nginx nginx(*nginx_path);
    if (nginx.running()) {
      nginx_rate = load(nginx.port());
    } else {
      std::printf("(nginx is installed but did not start: skipped)\n");
    }
  }

  const auto row = [&](const char* name, double rate) {
    std::printf("%-48s %12.0f /s   %7.3fx\n", name, rate, rate / asio_rate);
  };
  std::printf("%-48s %14s   %7s\n", "server", "requests", "vs Asio");
  row("Asio coroutines (workbook solution), 1 thread", asio_rate);
  row("cpp-httplib, set_tcp_nodelay(true), thread pool", nodelay_rate);
  row("cpp-httplib as it comes (Nagle on)", nagle_rate);
  if (nginx_rate) {
    row("nginx 1.22, one worker process", *nginx_rate);
  } else if (!quick) {
    std::printf("%-48s %14s\n", "nginx (not installed: apt-get install nginx-light)", "-");
  }

  std::printf(
      "\nclaim: HTTP keep-alive requests/s, Asio coroutine server on 1 thread | %.0f /s | cpp-httplib with "
      "TCP_NODELAY | %.2fx\n",
      asio_rate, asio_rate / nodelay_rate);
  std::printf("claim: cpp-httplib requests/s with TCP_NODELAY | %.0f /s | without it (Nagle vs delayed ACK) "
              "| %.1fx\n",
              nodelay_rate, nodelay_rate / nagle_rate);
  if (nginx_rate) {
    std::printf(
        "claim: HTTP requests/s, Asio server vs nginx, one worker each | %.0f /s | nginx %.0f /s | %.2fx\n",
        asio_rate, *nginx_rate, asio_rate / *nginx_rate);
  }
  return 0;
}
