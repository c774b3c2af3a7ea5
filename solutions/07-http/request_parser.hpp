// Exercise: request_parser — an incremental HTTP/1.1 request parser that never trusts its input.
//
// Chapter: chapters/07-http/README.md, section "Exercise: request_parser".
// Grade it: `./workbook check request_parser`.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace workbook::http {

/// How much a parser accepts before it gives up on a request.
struct ParserLimits {
  /// The head: any empty lines before the request line, the request line,
  /// every header line and the blank line that ends the head, CRLFs
  /// included. A head that does not fit is answered 431.
  std::size_t max_head_bytes = 8 * 1024;
  /// The largest Content-Length accepted; a larger one is answered 413.
  std::size_t max_body_bytes = 1024 * 1024;
};

/// Whether `a` and `b` are equal but for the case of ASCII letters, as
/// header names and Connection options are compared. (Given.)
inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

/// One parsed request.
struct Request {
  std::string method;  ///< e.g. "GET" (case-sensitive, as sent)
  std::string target;  ///< e.g. "/hello/world?x=1", as sent
  std::string version; ///< "HTTP/1.0" or "HTTP/1.1"
  /// Header fields in the order received: names as sent, values without the
  /// optional whitespace around them.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Whether the connection stays open after the response (RFC 9112 §9.3).
  bool keep_alive = true;

  /// The value of the first header named `name` (compared without regard to
  /// case), if any. (Given: not part of the exercise.)
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
    for (const auto& [field, value] : headers) {
      if (equals_ignoring_case(field, name)) {
        return value;
      }
    }
    return std::nullopt;
  }
};

/// Where a parser stands.
enum class ParseState {
  incomplete, ///< needs more bytes
  complete,   ///< request() holds a whole request
  failed,     ///< the input is not an acceptable request: see error_status()
};

/// An incremental HTTP/1.1 request parser (RFC 9112): feed it bytes as they
/// arrive, in pieces of any size, and it produces the same request (or the
/// same error) whether they come in one piece or one byte at a time.
///
/// It accepts, and rejects with the status a server should answer:
/// - request line `method SP target SP HTTP/1.0|HTTP/1.1 CRLF`: the method a
///   token, the target one or more visible ASCII characters; anything else
///   is 400, except a well-formed `HTTP/d.d` other than 1.0 and 1.1: 505;
/// - header lines `name: value CRLF`: the name a token with no whitespace
///   before the colon; the value without control characters other than tab;
///   a line that starts with whitespace (obsolete folding) is 400;
/// - every line ends with CRLF: a bare LF (no CR before it) is 400, and so
///   is a CR anywhere else;
/// - an HTTP/1.1 request needs exactly one Host header; HTTP/1.0 at most one
///   (400 otherwise);
/// - Content-Length: digits only, so `+5`, `1e3`, `5, 5` and an empty value
///   are 400; leading zeros are allowed (`0005` is 5); every copy of the
///   field must be the same number (`5` and `005` are; `5` and `6` are 400);
///   more than max_body_bytes is 413;
/// - any Transfer-Encoding: 501 (this parser reads no chunked bodies);
/// - a CONNECT request with a Content-Length or a Transfer-Encoding: 400
///   (RFC 9110 section 9.3.6: a CONNECT request has no content);
/// - a head longer than max_head_bytes: 431, decided as soon as the bytes
///   received exceed the limit.
/// Empty lines before the request line are skipped (RFC 9112 section 2.2),
/// but they are part of the head: they count toward max_head_bytes.
///
/// Which error wins when several apply: the first one the byte stream
/// reaches. A line is judged when its LF arrives, and 431 as soon as the
/// head passes the limit, so a malformed line that ends (LF included)
/// within the limit is 400 and one that passes the limit is 431. The rules about
/// the whole head are checked at its blank line, in this order: a malformed
/// or conflicting Content-Length (400, in the order the fields came), the
/// number of Host fields (400), CONNECT with a body (400), Transfer-Encoding
/// (501), a Content-Length over max_body_bytes (413).
class RequestParser {
public:
  explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}

  /// Parses as much of `bytes` as belongs to the current request and returns
  /// how many bytes it used: all of them while the request is incomplete,
  /// fewer when the request ends inside `bytes` (the rest is the start of
  /// the next, pipelined request). Once complete or failed, returns 0
  /// until reset(). The call that fails may use any part of its input.
  std::size_t feed(std::string_view bytes) {
    std::size_t used = 0;
    while (used < bytes.size() && state_ == ParseState::incomplete) {
      const std::string_view rest = bytes.substr(used);
      if (in_body_) {
        const std::size_t take = std::min(rest.size(), body_left_);
        request_.body.append(rest.substr(0, take));
        body_left_ -= take;
        used += take;
        if (body_left_ == 0) {
          state_ = ParseState::complete;
        }
        continue;
      }
      const std::size_t newline = rest.find('\n');
      const std::size_t take = newline == std::string_view::npos ? rest.size() : newline + 1;
      if (head_bytes_ + take > limits_.max_head_bytes) {
        fail(431);
        return used;
      }
      line_.append(rest.substr(0, take));
      head_bytes_ += take;
      used += take;
      if (newline != std::string_view::npos) {
        end_of_line();
        line_.clear();
      }
    }
    return used;
  }

  [[nodiscard]] ParseState state() const { return state_; }

  /// Whether the head (up to its blank line) has been parsed and accepted:
  /// request() then holds the method, target, version, headers and
  /// keep_alive, while the body may still be on its way. False before the
  /// blank line and after a failure; true once complete.
  [[nodiscard]] bool head_complete() const { return head_complete_; }

  /// The request; whole once state() is complete.
  [[nodiscard]] const Request& request() const { return request_; }

  /// 400, 413, 431, 501 or 505 once state() is failed; 0 before.
  [[nodiscard]] int error_status() const { return error_status_; }

  /// Forgets the current request (complete or not) and the error, ready for
  /// the next request on the same connection.
  void reset() { *this = RequestParser(limits_); }

private:
  void fail(int status) {
    state_ = ParseState::failed;
    error_status_ = status;
  }

  static bool is_token_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  }
  static bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
  }
  static bool is_ows(char c) { return c == ' ' || c == '\t'; }
  static std::string_view trim_ows(std::string_view text) {
    while (!text.empty() && is_ows(text.front())) {
      text.remove_prefix(1);
    }
    while (!text.empty() && is_ows(text.back())) {
      text.remove_suffix(1);
    }
    return text;
  }

  void end_of_line() {
    if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
      fail(400); // a bare LF
      return;
    }
    const std::string_view content = std::string_view(line_).substr(0, line_.size() - 2);
    if (content.find('\r') != std::string_view::npos) {
      fail(400); // a bare CR
      return;
    }
    if (!seen_request_line_) {
      if (!content.empty()) {
        request_line(content);
      }
    } else if (content.empty()) {
      end_of_head();
    } else {
      header_line(content);
    }
  }

  void request_line(std::string_view line) {
    seen_request_line_ = true;
    const std::size_t first = line.find(' ');
    const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
      fail(400);
      return;
    }
    const std::string_view method = line.substr(0, first);
    const std::string_view target = line.substr(first + 1, second - first - 1);
    const std::string_view version = line.substr(second + 1);
    const bool visible_target = !target.empty() && std::all_of(target.begin(), target.end(), [](char c) {
      return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
    });
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const bool versionlike = version.size() == 8 && version.substr(0, 5) == "HTTP/" && digit(version[5]) &&
                             version[6] == '.' && digit(version[7]);
    if (!is_token(method) || !visible_target || !versionlike) {
      fail(400);
      return;
    }
    if (version != "HTTP/1.0" && version != "HTTP/1.1") {
      fail(505);
      return;
    }
    request_.method = method;
    request_.target = target;
    request_.version = version;
  }

  void header_line(std::string_view line) {
    if (is_ows(line.front())) {
      fail(400); // obsolete line folding
      return;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      fail(400);
      return;
    }
    const std::string_view value = trim_ows(line.substr(colon + 1));
    const bool clean = std::none_of(value.begin(), value.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return (u < 0x20 && c != '\t') || u == 0x7f;
    });
    if (!clean) {
      fail(400);
      return;
    }
    request_.headers.emplace_back(line.substr(0, colon), value);
  }

  void end_of_head() {
    std::size_t hosts = 0;
    bool chunked_or_other = false;
    std::optional<std::string> length; // digits without leading zeros
    bool close = false;
    bool keep_alive = false;
    for (const auto& [name, value] : request_.headers) {
      if (equals_ignoring_case(name, "host")) {
        ++hosts;
      } else if (equals_ignoring_case(name, "transfer-encoding")) {
        chunked_or_other = true;
      } else if (equals_ignoring_case(name, "content-length")) {
        if (value.empty() ||
            !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          fail(400);
          return;
        }
        std::string digits = value.substr(std::min(value.find_first_not_of('0'), value.size() - 1));
        if (length && *length != digits) {
          fail(400);
          return;
        }
        length = std::move(digits);
      } else if (equals_ignoring_case(name, "connection")) {
        std::string_view list = value;
        while (!list.empty()) {
          const std::size_t comma = list.find(',');
          const std::string_view item = trim_ows(list.substr(0, comma));
          list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
          close = close || equals_ignoring_case(item, "close");
          keep_alive = keep_alive || equals_ignoring_case(item, "keep-alive");
        }
      }
    }
    const bool http11 = request_.version == "HTTP/1.1";
    if (hosts > 1 || (http11 && hosts == 0)) {
      fail(400);
      return;
    }
    if (request_.method == "CONNECT" && (length || chunked_or_other)) {
      fail(400); // a CONNECT request has no content: its bytes after the head are a tunnel
      return;
    }
    if (chunked_or_other) {
      fail(501);
      return;
    }
    std::size_t body = 0;
    if (length) {
      // Compare as decimal strings first: a length of 30 digits must not overflow.
      const std::string limit = std::to_string(limits_.max_body_bytes);
      if (length->size() > limit.size() || (length->size() == limit.size() && *length > limit)) {
        fail(413);
        return;
      }
      body = static_cast<std::size_t>(std::stoull(*length));
    }
    request_.keep_alive = !close && (http11 || keep_alive);
    head_complete_ = true;
    if (body == 0) {
      state_ = ParseState::complete;
    } else {
      in_body_ = true;
      body_left_ = body;
      request_.body.reserve(body);
    }
  }

  ParserLimits limits_;
  ParseState state_ = ParseState::incomplete;
  int error_status_ = 0;
  Request request_;
  std::string line_;
  std::size_t head_bytes_ = 0;
  bool seen_request_line_ = false;
  bool head_complete_ = false;
  bool in_body_ = false;
  std::size_t body_left_ = 0;
};

} // namespace workbook::http
