// Hidden tests for the retrying_get exercise. The test's server fails a
// chosen number of times (or hangs) before it answers; the policy's sleep
// is replaced by a recorder, so the delays are checked exactly and no test
// waits for a backoff to pass.
#include "retrying_get.hpp"

#include "http_testing.hpp"
#include "httplib_testing.hpp"

#include <catch.hpp>

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using workbook::http::RetriedResult;
using workbook::http::retrying_get;
using workbook::http::RetryPolicy;
using workbook::http::worth_retrying;
using workbook::testing::RefusingPort;
using workbook::testing::Serving;

namespace {

// Answers GET /flaky with `failure_status` for the first `failures`
// requests, then 200 "ok"; GET /hang-once never answers its first request
// (until the test ends), then answers 200 "ok".
class FlakyServer {
public:
  FlakyServer(int failures, int failure_status) {
    server_.Get("/flaky",
                [this, failures, failure_status](const httplib::Request&, httplib::Response& response) {
                  std::lock_guard lock(mutex_);
                  if (++requests_ <= failures) {
                    response.status = failure_status;
                    response.set_content("failure " + std::to_string(requests_), "text/plain");
                  } else {
                    response.set_content("ok", "text/plain");
                  }
                });
    server_.Get("/hang-once", [this](const httplib::Request&, httplib::Response& response) {
      std::unique_lock lock(mutex_);
      const int request = ++requests_;
      arrived_.notify_all();
      if (request == 1) {
        arrived_.wait(lock, [&] { return finished_; });
      }
      response.set_content("ok", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    serving_.emplace(server_);
  }
  FlakyServer(const FlakyServer&) = delete;
  FlakyServer& operator=(const FlakyServer&) = delete;
  ~FlakyServer() {
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
      arrived_.notify_all();
    }
    serving_.reset(); // before the state its handlers use goes away
  }
  [[nodiscard]] int port() const { return port_; }
  int requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // Waits until `count` requests have arrived, or the client has given up
  // (see client_finished), or the backstop passes; true in the first case.
  bool wait_for_requests(int count, std::chrono::seconds backstop) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, backstop, [&] { return requests_ >= count || client_finished_; });
    return requests_ >= count;
  }
  // Tells a waiting test that the client returned (or threw): no more
  // requests will come.
  void client_finished() {
    std::lock_guard lock(mutex_);
    client_finished_ = true;
    arrived_.notify_all();
  }

private:
  httplib::Server server_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable arrived_;
  int requests_ = 0;
  bool finished_ = false;
  bool client_finished_ = false;
  std::optional<Serving> serving_;
};

// A policy whose sleep records the delays instead of waiting.
struct RecordingPolicy {
  std::vector<long> delays_ms;
  RetryPolicy policy;
  explicit RecordingPolicy(RetryPolicy base = {}) : policy(std::move(base)) {
    policy.sleep = [this](std::chrono::milliseconds delay) { delays_ms.push_back(delay.count()); };
  }
};

using Delays = std::vector<long>;

} // namespace

TEST_CASE("worth_retrying picks failures that may pass", "[retrying_get]") {
  for (const int status : {0, 429, 500, 502, 503, 504}) {
    INFO("status " << status);
    CHECK(worth_retrying(status));
  }
  for (const int status : {200, 201, 204, 301, 304, 400, 401, 403, 404, 405, 413}) {
    INFO("status " << status);
    CHECK_FALSE(worth_retrying(status));
  }
}

TEST_CASE("two 503s then success takes three attempts and two growing waits", "[retrying_get]") {
  FlakyServer server(2, 503);
  RecordingPolicy recording;
  const auto result = retrying_get(server.port(), "/flaky", recording.policy);
  CHECK(result.status == 200);
  CHECK(result.body == "ok");
  CHECK(result.error.empty());
  CHECK(result.attempts == 3);
  CHECK(server.requests() == 3);
  CHECK(recording.delays_ms == Delays{100, 200});
}

TEST_CASE("it gives up after max_attempts and returns the last failure", "[retrying_get]") {
  FlakyServer server(100, 500);
  RecordingPolicy recording;
  const auto result = retrying_get(server.port(), "/flaky", recording.policy);
  CHECK(result.status == 500);
  CHECK(result.body == "failure 4");
  CHECK(result.attempts == 4);
  CHECK(server.requests() == 4);
  INFO("three waits for four attempts: none after the last one");
  CHECK(recording.delays_ms == Delays{100, 200, 400});
}

TEST_CASE("the waits grow by the multiplier and stop at max_delay", "[retrying_get]") {
  FlakyServer server(100, 502);
  RetryPolicy base;
  base.max_attempts = 7;
  base.first_delay = 50ms;
  base.multiplier = 3.0;
  base.max_delay = 1000ms;
  RecordingPolicy recording(base);
  const auto result = retrying_get(server.port(), "/flaky", recording.policy);
  CHECK(result.attempts == 7);
  CHECK(recording.delays_ms == Delays{50, 150, 450, 1000, 1000, 1000});

  RetryPolicy gentle;
  gentle.max_attempts = 6;
  gentle.first_delay = 10ms;
  gentle.multiplier = 1.7;
  RecordingPolicy fractional(gentle);
  (void)retrying_get(server.port(), "/flaky", fractional.policy);
  INFO(
      "10 ms times 1.7 per attempt is 10, 17, 28.9, 49.13, 83.521 ms: keep the running delay exact and round "
      "only what you wait, to the nearest millisecond");
  CHECK(fractional.delays_ms == Delays{10, 17, 29, 49, 84});
}

TEST_CASE("a 404 is not retried and a 429 is", "[retrying_get]") {
  FlakyServer not_found(100, 404);
  RecordingPolicy once;
  auto result = retrying_get(not_found.port(), "/flaky", once.policy);
  CHECK(result.status == 404);
  CHECK(result.attempts == 1);
  CHECK(not_found.requests() == 1);
  CHECK(once.delays_ms.empty());

  FlakyServer busy(1, 429);
  RecordingPolicy twice;
  result = retrying_get(busy.port(), "/flaky", twice.policy);
  CHECK(result.status == 200);
  CHECK(result.attempts == 2);
  CHECK(twice.delays_ms == Delays{100});
}

TEST_CASE("a refused connection is retried and then reported as an error", "[retrying_get]") {
  RefusingPort refusing;
  RecordingPolicy recording;
  const auto result = retrying_get(refusing.port(), "/anything", recording.policy);
  CHECK(result.status == 0);
  CHECK_FALSE(result.error.empty());
  CHECK(result.attempts == 4);
  CHECK(recording.delays_ms == Delays{100, 200, 400});
}

TEST_CASE("an attempt that hangs times out and the next one succeeds", "[retrying_get]") {
  FlakyServer server(0, 200);
  RetryPolicy base;
  base.timeout = 300ms;
  RecordingPolicy recording(base);
  RetriedResult result;
  std::exception_ptr error;
  std::thread client([&] {
    try {
      result = retrying_get(server.port(), "/hang-once", recording.policy);
    } catch (...) {
      error = std::current_exception();
    }
    server.client_finished();
  });
  if (!server.wait_for_requests(1, 5s)) {
    client.join();
    if (error) {
      std::rethrow_exception(error);
    }
    FAIL("no request reached the server in 5 s");
  }
  INFO("the first request hangs; with a 300 ms timeout per attempt a second request must follow (the test "
       "waits 4 s for it). Is the read timeout set on the client (cpp-httplib's default is 5 s), and is a "
       "timeout retried?");
  const bool retried = server.wait_for_requests(2, 4s);
  client.join();
  if (error) {
    std::rethrow_exception(error);
  }
  CHECK(retried);
  CHECK(result.status == 200);
  CHECK(result.attempts == 2);
  CHECK(recording.delays_ms == Delays{100});
}

TEST_CASE("max_attempts below one is an invalid argument", "[retrying_get]") {
  RetryPolicy policy;
  policy.max_attempts = 0;
  CHECK_THROWS_AS(retrying_get(1, "/", policy), std::invalid_argument);
}
