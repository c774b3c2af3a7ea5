// Keep-alive HTTP requests per second on 127.0.0.1, for the same response
// ("Hello, world") from five servers, measured in one run:
//   1. this chapter's Asio coroutine server (the keepalive_server exercise:
//      yours in your build, the reference in the solutions and bench
//      builds), one thread;
//   2. cpp-httplib with set_tcp_nodelay(true), its default thread pool;
//   3. cpp-httplib as it comes (Nagle's algorithm on), at 50 connections only;
//   4. nginx with one worker process, if it is installed;
//   5. the tutorial's aiohttp server (hello_name_server.py, one process, run
//      by Debian's /usr/bin/python3), if python3-aiohttp is installed.
// Each is loaded with 1, 10, 50 and 200 keep-alive connections; the table's
// rows compare them at 50. The load comes from wrk (one thread) when it is
// installed, else from a small Asio client built in here; the report says
// which. A server that cannot run is reported "not measured", with why.
//
//   http_requests_per_second            2 s per server and connection count
//   http_requests_per_second --quick    0.3 s each, built-in client, 50 connections only
#include "keepalive_server.hpp"

#include <workbook/bench.hpp>
#include <workbook/your_code.hpp>

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
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
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

namespace bench = workbook::bench;
constexpr int table_connections = 50; // the table's rows compare the servers here

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

double builtin_load(int port, int connections, std::chrono::duration<double> duration) {
  asio::io_context context;
  const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(duration);
  long completed = 0;
  for (int i = 0; i < connections; ++i) {
    asio::co_spawn(context, keep_asking(server, deadline, completed), asio::detached);
  }
  // A server that leaves some connections waiting (a pool of 8 threads and
  // 50 connections) would keep their coroutines suspended: stop at the
  // deadline, counting only the requests answered by then.
  asio::steady_timer stop_at(context, deadline + std::chrono::milliseconds(100));
  stop_at.async_wait([&context](std::error_code) { context.stop(); });
  context.run();
  return static_cast<double>(completed) / std::chrono::duration<double>(Clock::now() - start).count();
}

double wrk_load(int port, int connections, std::chrono::duration<double> duration) {
  bench::Child wrk({"wrk", "-t1", "-c" + std::to_string(connections),
                    "-d" + std::to_string(static_cast<int>(duration.count())) + "s",
                    "http://127.0.0.1:" + std::to_string(port) + "/world"},
                   true);
  std::string output;
  wrk.read_output(output, std::chrono::seconds(static_cast<int>(duration.count()) + 30));
  wrk.wait();
  double rate = 0;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::sscanf(line.c_str(), " Requests/sec: %lf", &rate);
  }
  return rate;
}

int free_port() {
  asio::io_context context;
  tcp::acceptor probe(context, {asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

bool accepts(int port) {
  asio::io_context context;
  tcp::socket socket(context);
  std::error_code error;
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, error);
  return !error;
}

// True once GET /world on `port` answers "Hello, world" (within `limit`).
bool answers(int port, std::chrono::seconds limit) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(limit);
  client.set_read_timeout(limit);
  const auto response = client.Get("/world");
  return response && response->status == 200 && response->body == "Hello, world";
}

// --- servers ---------------------------------------------------------------

class AsioServer {
public:
  AsioServer() {
    tcp::acceptor acceptor(context_, {asio::ip::make_address("127.0.0.1"), 0});
    port_ = acceptor.local_endpoint().port();
    asio::co_spawn(context_, workbook::http::serve_hello(std::move(acceptor), {}),
                   [this](std::exception_ptr failure) { failure_ = failure; });
    thread_ = std::thread([this] { context_.run(); });
    if (!answers(port_, std::chrono::seconds(5))) {
      context_.stop();
      thread_.join();
      if (failure_) {
        std::rethrow_exception(failure_); // a stub's not_implemented, say
      }
      throw std::runtime_error("the Asio server does not answer GET /world with \"Hello, world\"");
    }
  }
  ~AsioServer() {
    context_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  [[nodiscard]] int port() const { return port_; }

private:
  asio::io_context context_;
  std::thread thread_;
  std::exception_ptr failure_; // written by the server's thread, read after join
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
  [[nodiscard]] bool accepts() const { return ::accepts(port_); }

  std::filesystem::path directory_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// The tutorial's aiohttp server (hello_name_server.py): one Python process,
// one event loop. It exits with status 3 when aiohttp is not installed.
class AiohttpServer {
public:
  AiohttpServer() : port_(free_port()) {
    const std::string python = bench::python(&why_);
    if (python.empty()) {
      return;
    }
    server_.emplace(
        std::vector<std::string>{python, bench::chapter_file("hello_name_server.py"), std::to_string(port_)},
        false);
    // Ready when it answers (Python and aiohttp take a moment to import).
    for (int tries = 0; tries < 1000 && server_->running() && !accepts(port_); ++tries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!server_->running()) {
      const int status = server_->wait();
      why_ = status == 3 ? "python3-aiohttp is not installed"
                         : "hello_name_server.py ended with status " + std::to_string(status);
    } else if (!answers(port_, std::chrono::seconds(5))) {
      why_ = "the aiohttp server does not answer GET /world with \"Hello, world\"";
    }
  }
  ~AiohttpServer() {
    if (server_) {
      server_->stop(SIGINT); // aiohttp's run_app shuts down cleanly on SIGINT
    }
  }
  [[nodiscard]] bool running() const { return why_.empty(); }
  [[nodiscard]] const std::string& why_not() const { return why_; }
  [[nodiscard]] int port() const { return port_; }

private:
  int port_;
  std::optional<bench::Child> server_;
  std::string why_;
};

// One server's requests/s at each connection count (empty: not measured).
struct Curve {
  std::string name;
  std::map<int, double> rate;
  std::string why_not;
};

int measure(bool quick) {
  ::signal(SIGPIPE, SIG_IGN);
  const std::chrono::duration<double> duration(quick ? 0.3 : 2.0);
  const bool use_wrk = !quick && have_program("wrk");
  const std::vector<int> counts =
      quick ? std::vector<int>{table_connections} : std::vector<int>{1, 10, 50, 200};
  const auto load = [&](int port, int connections) {
    return use_wrk ? wrk_load(port, connections, duration) : builtin_load(port, connections, duration);
  };
  const auto sweep = [&](Curve& curve, int port) {
    for (const int connections : counts) {
      curve.rate[connections] = load(port, connections);
      bench::point("http-requests", curve.name, connections, curve.rate[connections]);
    }
  };

  std::printf("HTTP/1.1 keep-alive, GET /world -> \"Hello, world\", %.1f s per server and connection count\n",
              duration.count());
  std::printf("load: %s; %u cores\n\n",
              use_wrk ? "wrk -t1 (one thread)" : "built-in Asio client (one thread)",
              std::thread::hardware_concurrency());

  Curve asio{"Asio coroutines, 1 thread", {}, ""};
  {
    AsioServer server;
    sweep(asio, server.port());
  }
  Curve nodelay{"cpp-httplib, TCP_NODELAY, thread pool", {}, ""};
  {
    HttplibServer server(true);
    sweep(nodelay, server.port());
  }
  double nagle_rate = 0;
  {
    HttplibServer server(false);
    nagle_rate = load(server.port(), table_connections);
  }
  Curve nginx{"nginx, 1 worker process", {}, ""};
  if (const auto nginx_path = quick ? std::nullopt : nginx_program()) {
    Nginx server(*nginx_path);
    if (server.running()) {
      sweep(nginx, server.port());
    } else {
      nginx.why_not = "nginx is installed but did not start";
    }
  } else {
    nginx.why_not = quick ? "not in --quick runs" : "nginx is not installed (apt-get install nginx-light)";
  }
  Curve aiohttp{"aiohttp, the tutorial's server, 1 process", {}, ""};
  {
    AiohttpServer server;
    if (server.running()) {
      sweep(aiohttp, server.port());
    } else {
      aiohttp.why_not = server.why_not();
    }
  }

  std::printf("%-44s", "requests/s at connections:");
  for (const int connections : counts) {
    std::printf(" %10d", connections);
  }
  std::printf("\n");
  for (const Curve* curve : {&asio, &nodelay, &nginx, &aiohttp}) {
    std::printf("%-44s", curve->name.c_str());
    if (curve->rate.empty()) {
      std::printf(" not measured: %s", curve->why_not.c_str());
    }
    for (const auto& [connections, rate] : curve->rate) {
      std::printf(" %10.0f", rate);
    }
    std::printf("\n");
  }
  std::printf("%-44s %10.0f (at %d connections)\n\n", "cpp-httplib as it comes (Nagle on)", nagle_rate,
              table_connections);

  const double ours = asio.rate[table_connections];
  const std::string what = "HTTP keep-alive requests/s at " + std::to_string(table_connections) +
                           " connections, Asio coroutine server on 1 thread";
  bench::claim(what, bench::figure(ours, "/s"),
               "cpp-httplib with TCP_NODELAY " + bench::figure(nodelay.rate[table_connections], "/s"),
               bench::ratio(ours / nodelay.rate[table_connections]));
  bench::claim("cpp-httplib requests/s with TCP_NODELAY, " + std::to_string(table_connections) +
                   " connections",
               bench::figure(nodelay.rate[table_connections], "/s"),
               "without it (Nagle vs delayed ACK) " + bench::figure(nagle_rate, "/s"),
               bench::ratio(nodelay.rate[table_connections] / nagle_rate, 1));
  for (const Curve* other : {&nginx, &aiohttp}) {
    if (other->rate.empty()) {
      bench::claim(what, bench::figure(ours, "/s"), other->name, "not measured: " + other->why_not);
    } else {
      const double theirs = other->rate.at(table_connections);
      bench::claim(what, bench::figure(ours, "/s"), other->name + " " + bench::figure(theirs, "/s"),
                   bench::ratio(ours / theirs));
    }
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  return workbook::run_on_your_code("keepalive_server", [&] { return measure(quick); });
}
