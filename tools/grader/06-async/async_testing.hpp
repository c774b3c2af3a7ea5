// Helpers shared by the chapter's hidden tests: an event that coroutines
// can wait for, and running an io_context with a deadlock backstop.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <system_error>

namespace workbook::testing {

/// A one-shot event for coroutines on one io_context: wait() suspends until
/// set() is called (or returns at once if it was).
class Event {
public:
  explicit Event(asio::io_context& context) : timer_(context, asio::steady_timer::time_point::max()) {}
  void set() {
    set_ = true;
    timer_.cancel();
  }
  [[nodiscard]] bool is_set() const { return set_; }
  asio::awaitable<void> wait() {
    while (!set_) {
      std::error_code ignored;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
  }

private:
  asio::steady_timer timer_;
  bool set_ = false;
};

/// A co_spawn completion handler for the tests' own coroutines: an exception
/// that escapes one is rethrown out of io_context::run, so the test case
/// reports it (asio::detached would swallow it, and with it the stub's
/// "not implemented yet").
inline void rethrow_error(const std::exception_ptr& error) {
  if (error) {
    std::rethrow_exception(error);
  }
}

/// Runs `context` until it has no more work, or for at most `backstop`
/// (only a guard against a hang: the caller checks context.stopped()).
inline void run_with_backstop(asio::io_context& context,
                              std::chrono::seconds backstop = std::chrono::seconds(5)) {
  context.run_for(backstop);
}

} // namespace workbook::testing
