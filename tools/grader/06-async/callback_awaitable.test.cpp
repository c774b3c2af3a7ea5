// Hidden tests for the callback_awaitable exercise. The services below call
// back from a thread of their own (or at once, or twice), as real callback
// libraries do; the test decides when.
#include "callback_awaitable.hpp"

#include "async_testing.hpp"

#include <catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

using workbook::async::async_lookup;
using workbook::async::CallbackLookup;
using workbook::testing::Event;
using workbook::testing::run_with_backstop;

namespace {

// Answers each lookup from its own worker thread, once `release()` allows.
class ThreadedLookup : public CallbackLookup {
public:
  ThreadedLookup() : worker_([this] { work(); }) {}
  ~ThreadedLookup() override {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }
  void lookup(std::string key, Callback callback) override {
    {
      std::lock_guard lock(mutex_);
      requests_.emplace_back(std::move(key), std::move(callback));
    }
    changed_.notify_all();
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    changed_.notify_all();
  }
  void fail_with(std::error_code error) {
    std::lock_guard lock(mutex_);
    error_ = error;
  }
  [[nodiscard]] std::thread::id thread_id() const { return worker_.get_id(); }

private:
  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return closing_ || (released_ && !requests_.empty()); });
      if (closing_) {
        return;
      }
      auto [key, callback] = std::move(requests_.front());
      requests_.pop_front();
      const std::error_code error = error_;
      lock.unlock();
      callback(error, error ? std::string() : "value of " + key);
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<std::string, Callback>> requests_;
  bool released_ = false;
  bool closing_ = false;
  std::error_code error_;
  std::thread worker_;
};

// Calls back at once, inside lookup(), on the caller's thread.
class ImmediateLookup : public CallbackLookup {
public:
  void lookup(std::string key, Callback callback) override { callback({}, "now " + key); }
};

// Calls back twice, the second time with other data (a buggy library).
class TwiceLookup : public CallbackLookup {
public:
  void lookup(std::string key, Callback callback) override {
    callback({}, "first " + key);
    callback({}, "second " + key);
  }
};

} // namespace

TEST_CASE("the callback's value comes back to the awaiting coroutine", "[callback_awaitable]") {
  asio::io_context context;
  ThreadedLookup service;
  service.release();
  std::optional<std::string> result;
  asio::co_spawn(
      context, [&]() -> asio::awaitable<void> { result = co_await async_lookup(service, "alpha"); },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  INFO("no result within 5 s: the coroutine was never resumed");
  REQUIRE(result.has_value());
  CHECK(*result == "value of alpha");
}

TEST_CASE("the coroutine resumes on its own thread and not on the service's", "[callback_awaitable]") {
  asio::io_context context;
  ThreadedLookup service;
  service.release();
  std::thread::id resumed_on;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        co_await async_lookup(service, "beta");
        resumed_on = std::this_thread::get_id();
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context); // this thread runs the io_context
  CHECK(resumed_on == std::this_thread::get_id());
  CHECK(resumed_on != service.thread_id());
}

TEST_CASE("waiting for the callback does not block the io_context", "[callback_awaitable]") {
  // The service answers only after another coroutine on the same thread has
  // run: blocking the thread while waiting would never let it run.
  asio::io_context context;
  ThreadedLookup service;
  std::optional<std::string> result;
  bool other_ran = false;
  asio::co_spawn(
      context, [&]() -> asio::awaitable<void> { result = co_await async_lookup(service, "gamma"); },
      workbook::testing::rethrow_error);
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        other_ran = true;
        service.release();
        co_return;
      },
      workbook::testing::rethrow_error);
  std::exception_ptr failure; // an exception out of run() must not escape the runner thread
  std::thread runner([&] {
    try {
      run_with_backstop(context);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  runner.join();
  if (failure) {
    service.release();
    std::rethrow_exception(failure);
  }
  INFO("the other coroutine did not run: async_lookup blocked the io_context's thread");
  CHECK(other_ran);
  REQUIRE(result.has_value());
  CHECK(*result == "value of gamma");
  service.release();
}

TEST_CASE("an error code from the callback is thrown as std::system_error", "[callback_awaitable]") {
  asio::io_context context;
  ThreadedLookup service;
  service.fail_with(std::make_error_code(std::errc::host_unreachable));
  service.release();
  std::error_code caught;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        try {
          co_await async_lookup(service, "delta");
        } catch (const std::system_error& error) {
          caught = error.code();
        }
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  CHECK(caught == std::errc::host_unreachable);
}

TEST_CASE("a callback called at once inside lookup still resumes the coroutine correctly",
          "[callback_awaitable]") {
  asio::io_context context;
  ImmediateLookup service;
  std::optional<std::string> result;
  asio::co_spawn(
      context, [&]() -> asio::awaitable<void> { result = co_await async_lookup(service, "now"); },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  CHECK(context.stopped());
  CHECK(result == "now now");
}

TEST_CASE("a callback called twice resumes the coroutine once", "[callback_awaitable]") {
  asio::io_context context;
  TwiceLookup service;
  int resumed = 0;
  std::optional<std::string> result;
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        result = co_await async_lookup(service, "x");
        ++resumed;
      },
      workbook::testing::rethrow_error);
  run_with_backstop(context);
  CHECK(context.stopped());
  CHECK(resumed == 1);
  CHECK(result == "first x");
}

TEST_CASE("many lookups in flight each get their own answer", "[callback_awaitable]") {
  asio::io_context context;
  ThreadedLookup service;
  constexpr int kLookups = 50;
  std::vector<std::string> results(kLookups);
  for (int i = 0; i < kLookups; ++i) {
    asio::co_spawn(
        context,
        [&, i]() -> asio::awaitable<void> {
          results[static_cast<std::size_t>(i)] = co_await async_lookup(service, "key" + std::to_string(i));
        },
        workbook::testing::rethrow_error);
  }
  asio::post(context, [&] { service.release(); });
  run_with_backstop(context);
  for (int i = 0; i < kLookups; ++i) {
    CHECK(results[static_cast<std::size_t>(i)] == "value of key" + std::to_string(i));
  }
}
