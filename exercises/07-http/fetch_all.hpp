// Exercise: fetch_all — the tutorial's gather(..., return_exceptions=True), with a limit on requests in
// flight.
//
// Chapter: chapters/07-http/README.md, section "Exercise: fetch_all".
// Grade it: `./workbook check fetch_all`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <httplib.h>

#include <cstddef>
#include <string>
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
inline FetchResult fetch_one([[maybe_unused]] const std::string& url) {
  throw workbook::not_implemented(__FILE__, "Exercise: fetch_all");
}

/// Fetches every URL, at most `max_concurrency` at a time, and returns one
/// result per URL in the order of `urls` (not the order they finished in).
/// Keeps `max_concurrency` requests in flight while URLs remain: the next
/// request starts as soon as any one finishes, not when a whole batch has.
/// Throws std::invalid_argument if max_concurrency is 0.
inline std::vector<FetchResult> fetch_all([[maybe_unused]] const std::vector<std::string>& urls,
                                          [[maybe_unused]] std::size_t max_concurrency) {
  throw workbook::not_implemented(__FILE__, "Exercise: fetch_all");
}

} // namespace workbook::http
