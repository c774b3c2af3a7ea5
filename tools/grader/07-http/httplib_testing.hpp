// Running the tests' own cpp-httplib servers.
#pragma once

#include <httplib.h>

#include <atomic>
#include <thread>

namespace workbook::testing {

/// Serves an httplib::Server that is already bound (bind_to_any_port) on a
/// thread of its own, and stops it when destroyed, however early:
/// httplib::Server::stop() does nothing until listen_after_bind() has
/// entered its accept loop, so stop() repeats it until the thread leaves.
class Serving {
public:
  explicit Serving(httplib::Server& server)
      : server_(server), thread_([this] {
          server_.listen_after_bind();
          done_ = true;
        }) {}
  Serving(const Serving&) = delete;
  Serving& operator=(const Serving&) = delete;
  ~Serving() { stop(); }

  void stop() {
    if (!thread_.joinable()) {
      return;
    }
    while (!done_) {
      server_.stop();
      std::this_thread::yield();
    }
    thread_.join();
  }

private:
  httplib::Server& server_;
  std::atomic<bool> done_ = false;
  std::thread thread_; // last: it starts once the members above exist
};

} // namespace workbook::testing
