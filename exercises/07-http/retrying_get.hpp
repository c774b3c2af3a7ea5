// Exercise: retrying_get — a GET with a timeout per attempt and retries with exponential backoff.
//
// Chapter: chapters/07-http/README.md, section "Exercise: retrying_get".
// Grade it: `./workbook check retrying_get`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <httplib.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace workbook::http {

/// How hard retrying_get tries.
struct RetryPolicy {
  int max_attempts = 4;                       ///< attempts in all, the first included
  std::chrono::milliseconds first_delay{100}; ///< the wait before the second attempt
  double multiplier = 2.0;                    ///< each later wait is this many times the previous one...
  std::chrono::milliseconds max_delay{2000};  ///< ...but never longer than this
  std::chrono::milliseconds timeout{2000};    ///< per attempt: to connect, and for each read
  /// How to wait between attempts. The default sleeps; tests record instead.
  std::function<void(std::chrono::milliseconds)> sleep = [](std::chrono::milliseconds delay) {
    std::this_thread::sleep_for(delay);
  };
};

/// The outcome of the last attempt, and how many attempts were made.
struct RetriedResult {
  int status = 0;    ///< the last response's status; 0 if the last attempt got none
  std::string body;  ///< the last response's body
  std::string error; ///< empty if the last attempt got a response; else why not
  int attempts = 0;  ///< how many requests were sent (or tried)
};

/// Whether an attempt that ended this way is worth repeating: no response
/// at all (refused, reset, timed out), 429 Too Many Requests, or a 5xx
/// (the server's trouble, maybe passing). Not other 4xx: asking again
/// will not change the answer.
inline bool worth_retrying([[maybe_unused]] int status) {
  throw workbook::not_implemented(__FILE__, "Exercise: retrying_get");
}

/// GETs http://127.0.0.1:`port``path`, trying up to policy.max_attempts
/// times while the outcome is worth_retrying. Each attempt has
/// policy.timeout to connect and for each read. Between attempts it calls
/// policy.sleep with first_delay, then first_delay × multiplier, × multiplier²
/// ... each capped at max_delay and rounded to the nearest millisecond;
/// never after the last attempt. Returns the
/// last attempt's outcome. Throws std::invalid_argument if max_attempts < 1.
inline RetriedResult retrying_get([[maybe_unused]] int port, [[maybe_unused]] const std::string& path,
                                  [[maybe_unused]] const RetryPolicy& policy) {
  throw workbook::not_implemented(__FILE__, "Exercise: retrying_get");
}

} // namespace workbook::http
