// Exercise: retrying_get — a GET with a timeout per attempt and retries with exponential backoff.
//
// Chapter: chapters/07-http/README.md, section "Exercise: retrying_get".
// Grade it: `./workbook check retrying_get`.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <stdexcept>
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
inline bool worth_retrying(int status) {
  return status == 0 || status == 429 || status >= 500;
}

/// GETs http://127.0.0.1:`port``path`, trying up to policy.max_attempts
/// times while the outcome is worth_retrying. Each attempt has
/// policy.timeout to connect and for each read. Between attempts it calls
/// policy.sleep with first_delay, then first_delay × multiplier, × multiplier²
/// ... each capped at max_delay and rounded to the nearest millisecond;
/// never after the last attempt. Returns the
/// last attempt's outcome. Throws std::invalid_argument if max_attempts < 1.
inline RetriedResult retrying_get(int port, const std::string& path, const RetryPolicy& policy) {
  if (policy.max_attempts < 1) {
    throw std::invalid_argument("retrying_get: max_attempts must be at least 1");
  }
  RetriedResult result;
  auto delay = std::chrono::duration<double, std::milli>(policy.first_delay);
  for (result.attempts = 1;; ++result.attempts) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(policy.timeout);
    client.set_read_timeout(policy.timeout);
    client.set_write_timeout(policy.timeout);
    if (const auto response = client.Get(path.c_str())) {
      result.status = response->status;
      result.body = response->body;
      result.error.clear();
    } else {
      result.status = 0;
      result.body.clear();
      result.error = httplib::to_string(response.error());
    }
    if (!worth_retrying(result.status) || result.attempts == policy.max_attempts) {
      return result;
    }
    const auto capped = std::min(delay, std::chrono::duration<double, std::milli>(policy.max_delay));
    policy.sleep(std::chrono::round<std::chrono::milliseconds>(capped));
    delay *= policy.multiplier;
  }
}

} // namespace workbook::http
