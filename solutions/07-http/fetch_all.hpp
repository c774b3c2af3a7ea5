// Exercise: fetch_all — the tutorial's gather(..., return_exceptions=True), with a limit on requests in
// flight.
//
// Chapter: chapters/07-http/README.md, section "Exercise: fetch_all".
// Grade it: `./workbook check fetch_all`.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace workbook::http {

/// What became of one URL: a response (any status, 404 and 500 included:
/// those are answers, not failures) or the reason there was none.
struct FetchResult {
  int status = 0;    ///< the response's status; 0 when there was no response
  std::string body;  ///< the response's body
  std::string error; ///< empty when a response came; otherwise what went wrong
  [[nodiscard]] bool ok() const { return error.empty(); }
};

/// GETs one `http://host[:port][/path]` URL with cpp-httplib (5 s to
/// connect, 10 s to read). Never throws: every failure (a URL it cannot
/// use, a refused connection, a timeout) comes back in `error`.
inline FetchResult fetch_one(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (url.rfind(scheme, 0) != 0 || url.size() == scheme.size() || url[scheme.size()] == '/') {
    return FetchResult{
        .status = 0, .body = {}, .error = "unsupported URL (expected http://host[:port]/path): " + url};
  }
  const std::size_t slash = url.find('/', scheme.size());
  const std::string origin = url.substr(0, slash);
  const std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  try {
    httplib::Client client(origin);
    client.set_connection_timeout(5);
    client.set_read_timeout(10);
    const auto response = client.Get(path.c_str());
    if (!response) {
      return FetchResult{.status = 0, .body = {}, .error = url + ": " + httplib::to_string(response.error())};
    }
    return FetchResult{.status = response->status, .body = response->body, .error = {}};
  } catch (const std::exception& error) {
    return FetchResult{.status = 0, .body = {}, .error = url + ": " + error.what()};
  }
}

/// Fetches every URL, at most `max_concurrency` at a time, and returns one
/// result per URL in the order of `urls` (not the order they finished in).
/// Keeps `max_concurrency` requests in flight while URLs remain: the next
/// request starts as soon as any one finishes, not when a whole batch has.
/// Throws std::invalid_argument if max_concurrency is 0.
inline std::vector<FetchResult> fetch_all(const std::vector<std::string>& urls, std::size_t max_concurrency) {
  if (max_concurrency == 0) {
    throw std::invalid_argument("fetch_all: max_concurrency must be at least 1");
  }
  std::vector<FetchResult> results(urls.size());
  std::atomic<std::size_t> next = 0;
  {
    std::vector<std::jthread> workers;
    for (std::size_t worker = 0; worker < std::min(max_concurrency, urls.size()); ++worker) {
      workers.emplace_back([&] {
        for (std::size_t index = next++; index < urls.size(); index = next++) {
          results[index] = fetch_one(urls[index]); // each slot is written by one worker only
        }
      });
    }
  } // the jthreads join here
  return results;
}

} // namespace workbook::http
