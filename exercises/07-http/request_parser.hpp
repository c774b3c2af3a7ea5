// Exercise: request_parser — an incremental HTTP/1.1 request parser that never trusts its input.
//
// Chapter: chapters/07-http/README.md, section "Exercise: request_parser".
// Grade it: `./workbook check request_parser`.
#pragma once

#include <workbook/not_implemented.hpp>

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
  explicit RequestParser([[maybe_unused]] ParserLimits limits = {}) {}

  /// Parses as much of `bytes` as belongs to the current request and returns
  /// how many bytes it used: all of them while the request is incomplete,
  /// fewer when the request ends inside `bytes` (the rest is the start of
  /// the next, pipelined request). Once complete or failed, returns 0
  /// until reset(). The call that fails may use any part of its input.
  std::size_t feed([[maybe_unused]] std::string_view bytes) {
    throw workbook::not_implemented(__FILE__, "Exercise: request_parser");
  }

  [[nodiscard]] ParseState state() const {
    throw workbook::not_implemented(__FILE__, "Exercise: request_parser");
  }

  /// Whether the head (up to its blank line) has been parsed and accepted:
  /// request() then holds the method, target, version, headers and
  /// keep_alive, while the body may still be on its way. False before the
  /// blank line and after a failure; true once complete.
  [[nodiscard]] bool head_complete() const {
    throw workbook::not_implemented(__FILE__, "Exercise: request_parser");
  }

  /// The request; whole once state() is complete.
  [[nodiscard]] const Request& request() const {
    throw workbook::not_implemented(__FILE__, "Exercise: request_parser");
  }

  /// 400, 413, 431, 501 or 505 once state() is failed; 0 before.
  [[nodiscard]] int error_status() const {
    throw workbook::not_implemented(__FILE__, "Exercise: request_parser");
  }

  /// Forgets the current request (complete or not) and the error, ready for
  /// the next request on the same connection.
  void reset() { throw workbook::not_implemented(__FILE__, "Exercise: request_parser"); }

private:
  // Yours to design: the limits, where the parser is (request line, headers,
  // body), the line received so far, how many head bytes came in, how much
  // body is left, the request being built, the error.
};

} // namespace workbook::http
