// Hidden tests for the fetch_all exercise. The test's own cpp-httplib server
// holds every request until the test releases it, counts the requests in
// flight, and releases the most recent first, so that completion order
// differs from the order of the URLs. No sleeps: the test waits for counts.
#include "fetch_all.hpp"

#include "http_testing.hpp"
#include "httplib_testing.hpp"

#include <catch.hpp>

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using workbook::http::fetch_all;
using workbook::http::FetchResult;
using workbook::testing::RefusingPort;
using workbook::testing::Serving;

namespace {

using namespace std::chrono_literals;

// Serves GET /item/<n> with "item <n>", each response held until released.
class GatedServer {
public:
  GatedServer() {
    // More workers than any test has requests, so that the server never
    // limits the concurrency the client achieves.
    server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server_.Get(R"(/item/(\d+))", [this](const httplib::Request& request, httplib::Response& response) {
      const int item = std::stoi(request.matches[1].str());
      std::unique_lock lock(mutex_);
      ++in_flight_;
      ++held_;
      peak_ = std::max(peak_, in_flight_);
      waiting_.push_back(item);
      changed_.notify_all();
      changed_.wait(lock, [&] {
        return abandoned_ || std::find(released_.begin(), released_.end(), item) != released_.end();
      });
      --in_flight_;
      response.set_content("item " + std::to_string(item), "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    serving_.emplace(server_);
  }
  GatedServer(const GatedServer&) = delete;
  GatedServer& operator=(const GatedServer&) = delete;
  ~GatedServer() {
    abandon();
    serving_.reset(); // before the state its handlers use goes away
  }

  [[nodiscard]] std::string url(int item) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/item/" + std::to_string(item);
  }

  // Waits until `count` requests are held (false after the backstop).
  bool wait_for_held(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return held_ >= count; });
  }
  // Releases the most recently arrived request still held.
  void release_newest() {
    std::lock_guard lock(mutex_);
    for (auto it = waiting_.rbegin(); it != waiting_.rend(); ++it) {
      if (std::find(released_.begin(), released_.end(), *it) == released_.end()) {
        released_.push_back(*it);
        --held_; // released, though its handler may not have woken yet
        break;
      }
    }
    changed_.notify_all();
  }
  void abandon() {
    std::lock_guard lock(mutex_);
    abandoned_ = true;
    changed_.notify_all();
  }
  int held() {
    std::lock_guard lock(mutex_);
    return held_;
  }
  int peak() {
    std::lock_guard lock(mutex_);
    return peak_;
  }
  std::vector<int> completion_order() {
    std::lock_guard lock(mutex_);
    return released_;
  }

private:
  httplib::Server server_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  int in_flight_ = 0; // handlers running
  int held_ = 0;      // requests arrived and not yet released
  int peak_ = 0;      // the most handlers running at once
  std::vector<int> waiting_;
  std::vector<int> released_;
  bool abandoned_ = false;
  std::optional<Serving> serving_;
};

// Runs fetch_all on another thread, keeping `limit` requests in flight while
// URLs remain: releases one only when min(limit, remaining) are held.
// Returns the results, or nothing if the client fell short.
std::optional<std::vector<FetchResult>> run_gated(GatedServer& server, int count, int limit) {
  std::vector<std::string> urls;
  for (int item = 0; item < count; ++item) {
    urls.push_back(server.url(item));
  }
  std::vector<FetchResult> results;
  std::exception_ptr error;
  std::thread client([&] {
    try {
      results = fetch_all(urls, static_cast<std::size_t>(limit));
    } catch (...) {
      error = std::current_exception();
    }
  });
  bool kept_up = true;
  for (int released = 0; released < count; ++released) {
    const int expected = std::min(limit, count - released);
    if (!server.wait_for_held(expected)) {
      UNSCOPED_INFO(
          "after " << released << " responses, only " << server.held() << " requests were in flight, for "
                   << expected << " expected: requests must start as soon as one finishes, up to "
                   << "max_concurrency at once (not one by one, not in batches that wait for each other)");
      kept_up = false;
      break;
    }
    server.release_newest();
  }
  server.abandon();
  client.join();
  if (error) {
    std::rethrow_exception(error);
  }
  if (!kept_up) {
    return std::nullopt;
  }
  return results;
}

} // namespace

TEST_CASE("every result lands in the place of its URL whatever the completion order", "[fetch_all]") {
  GatedServer server;
  const auto results = run_gated(server, 10, 3);
  REQUIRE(results);
  REQUIRE(results->size() == 10);
  const auto order = server.completion_order();
  INFO("the test finished the requests in the order " << Catch::Detail::stringify(order));
  for (int item = 0; item < 10; ++item) {
    const FetchResult& result = (*results)[static_cast<std::size_t>(item)];
    INFO("result " << item << ": error \"" << result.error << "\"");
    CHECK(result.ok());
    CHECK(result.status == 200);
    CHECK(result.body == "item " + std::to_string(item));
  }
}

TEST_CASE("max_concurrency requests are in flight while URLs remain and never more", "[fetch_all]") {
  for (const int limit : {1, 3, 5}) {
    INFO("max_concurrency " << limit << " for 12 URLs");
    GatedServer server;
    const auto results = run_gated(server, 12, limit);
    REQUIRE(results);
    CHECK(server.peak() == limit);
    CHECK(results->size() == 12);
  }
}

TEST_CASE("a limit above the number of URLs sends them all at once", "[fetch_all]") {
  GatedServer server;
  const auto results = run_gated(server, 4, 100);
  REQUIRE(results);
  CHECK(server.peak() == 4);
}

TEST_CASE("a refused connection a 404 and a bad URL are reported in place", "[fetch_all]") {
  httplib::Server server;
  server.Get("/ok", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("fine", "text/plain");
  });
  server.Get("/broken", [](const httplib::Request&, httplib::Response& response) {
    response.status = 500;
    response.set_content("it broke", "text/plain");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  const Serving serving(server); // stops the server even when fetch_all throws
  RefusingPort refusing;
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> urls = {
      base + "/ok",         "http://127.0.0.1:" + std::to_string(refusing.port()) + "/ok",
      base + "/missing",    base + "/broken",
      "ftp://127.0.0.1/ok", "not a url at all",
      base + "/ok"};
  const auto results = fetch_all(urls, 2);

  REQUIRE(results.size() == urls.size());
  CHECK(results[0].ok());
  CHECK(results[0].body == "fine");
  INFO("a refused connection is an error with no status: " << results[1].error);
  CHECK_FALSE(results[1].ok());
  CHECK(results[1].status == 0);
  INFO("a 404 and a 500 are responses, not errors (as in aiohttp without raise_for_status)");
  CHECK(results[2].ok());
  CHECK(results[2].status == 404);
  CHECK(results[3].ok());
  CHECK(results[3].status == 500);
  CHECK(results[3].body == "it broke");
  INFO("URLs that are not http:// are errors in place, not exceptions");
  CHECK_FALSE(results[4].ok());
  CHECK_FALSE(results[5].ok());
  CHECK(results[6].body == "fine");
}

TEST_CASE("a limit of zero is an invalid argument and no URLs give no results", "[fetch_all]") {
  CHECK_THROWS_AS(fetch_all({"http://127.0.0.1:1/"}, 0), std::invalid_argument);
  CHECK(fetch_all({}, 4).empty());
}

TEST_CASE("a hundred URLs with eight in flight all come back right", "[fetch_all]") {
  GatedServer server;
  server.abandon(); // no holding: responses go out at once
  std::vector<std::string> urls;
  for (int item = 0; item < 100; ++item) {
    urls.push_back(server.url(item));
  }
  const auto results = fetch_all(urls, 8);
  REQUIRE(results.size() == 100);
  for (int item = 0; item < 100; ++item) {
    CHECK(results[static_cast<std::size_t>(item)].body == "item " + std::to_string(item));
  }
  CHECK(server.peak() <= 8);
}
