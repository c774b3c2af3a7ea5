// Hidden tests for the request_parser exercise. Every request is parsed
// twice, in one piece and one byte at a time, and both must agree: a parser
// that only works when a whole line arrives in one read() fails here.
#include "request_parser.hpp"

#include <catch.hpp>

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

using workbook::http::ParserLimits;
using workbook::http::ParseState;
using workbook::http::Request;
using workbook::http::RequestParser;

namespace {

struct Outcome {
  ParseState state = ParseState::incomplete;
  int status = 0;
  std::size_t used = 0;
  Request request;
};

Outcome parse_in_one_piece(std::string_view bytes, ParserLimits limits = {}) {
  RequestParser parser(limits);
  Outcome outcome;
  outcome.used = parser.feed(bytes);
  outcome.state = parser.state();
  outcome.status = parser.error_status();
  if (outcome.state == ParseState::complete) {
    outcome.request = parser.request();
  }
  return outcome;
}

Outcome parse_byte_by_byte(std::string_view bytes, ParserLimits limits = {}) {
  RequestParser parser(limits);
  Outcome outcome;
  for (const char byte : bytes) {
    if (parser.state() != ParseState::incomplete) {
      break;
    }
    outcome.used += parser.feed(std::string_view(&byte, 1));
  }
  outcome.state = parser.state();
  outcome.status = parser.error_status();
  if (outcome.state == ParseState::complete) {
    outcome.request = parser.request();
  }
  return outcome;
}

void check_same_request(const Request& a, const Request& b) {
  CHECK(a.method == b.method);
  CHECK(a.target == b.target);
  CHECK(a.version == b.version);
  CHECK(a.headers == b.headers);
  CHECK(a.body == b.body);
  CHECK(a.keep_alive == b.keep_alive);
}

// Parses `bytes` both ways and returns the one-piece outcome after checking
// that byte-by-byte feeding gives the same.
Outcome parse(std::string_view bytes, ParserLimits limits = {}) {
  const Outcome whole = parse_in_one_piece(bytes, limits);
  const Outcome bytewise = parse_byte_by_byte(bytes, limits);
  INFO("the same bytes, fed one at a time, must give the same result as in one piece");
  REQUIRE(bytewise.state == whole.state);
  CHECK(bytewise.status == whole.status);
  if (whole.state == ParseState::complete) {
    CHECK(bytewise.used == whole.used);
    check_same_request(whole.request, bytewise.request);
  }
  return whole;
}

int status_of(std::string_view bytes, ParserLimits limits = {}) {
  INFO("request: " << bytes);
  const Outcome outcome = parse(bytes, limits);
  REQUIRE(outcome.state == ParseState::failed);
  return outcome.status;
}

} // namespace

TEST_CASE("a GET with headers is parsed into its parts", "[request_parser]") {
  const std::string text = "GET /hello/world?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                           "User-Agent:  curl/7.88 \r\nAccept: */*\r\n\r\n";
  const Outcome outcome = parse(text);
  REQUIRE(outcome.state == ParseState::complete);
  CHECK(outcome.used == text.size());
  const Request& request = outcome.request;
  CHECK(request.method == "GET");
  CHECK(request.target == "/hello/world?x=1");
  CHECK(request.version == "HTTP/1.1");
  REQUIRE(request.headers.size() == 3);
  CHECK(request.headers[0] == std::pair<std::string, std::string>{"Host", "127.0.0.1:8080"});
  INFO("optional whitespace around a value is not part of it");
  CHECK(request.headers[1] == std::pair<std::string, std::string>{"User-Agent", "curl/7.88"});
  CHECK(request.headers[2] == std::pair<std::string, std::string>{"Accept", "*/*"});
  CHECK(request.body.empty());
  CHECK(request.keep_alive);
}

TEST_CASE("incomplete input is incomplete and not an error at every split point", "[request_parser]") {
  const std::string text = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    INFO("fed only the first " << cut << " bytes");
    RequestParser parser;
    CHECK(parser.feed(std::string_view(text).substr(0, cut)) == cut);
    CHECK(parser.state() == ParseState::incomplete);
    CHECK(parser.error_status() == 0);
  }
}

TEST_CASE("a body is read to exactly Content-Length bytes however it is split", "[request_parser]") {
  const std::string text = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world";
  REQUIRE(parse(text).request.body == "hello world");
  std::mt19937 random(12345);
  for (int trial = 0; trial < 200; ++trial) {
    RequestParser parser;
    std::size_t at = 0;
    while (at < text.size() && parser.state() == ParseState::incomplete) {
      const std::size_t piece = std::uniform_int_distribution<std::size_t>(1, 9)(random);
      at += parser.feed(std::string_view(text).substr(at, piece));
    }
    REQUIRE(parser.state() == ParseState::complete);
    CHECK(at == text.size());
    CHECK(parser.request().body == "hello world");
  }
}

TEST_CASE("bytes after the end of a request are left for the next one", "[request_parser]") {
  const std::string first = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
  const std::string second = "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string both = first + second;
  RequestParser parser;
  const std::size_t used = parser.feed(both);
  INFO("two pipelined requests arrived in one read: the parser must stop at the first one's end");
  REQUIRE(parser.state() == ParseState::complete);
  CHECK(used == first.size());
  CHECK(parser.request().body == "abc");
  CHECK(parser.feed(std::string_view(both).substr(used)) == 0);
  parser.reset();
  CHECK(parser.state() == ParseState::incomplete);
  CHECK(parser.feed(std::string_view(both).substr(used)) == second.size());
  REQUIRE(parser.state() == ParseState::complete);
  CHECK(parser.request().target == "/b");
  CHECK(parser.request().body.empty());
  CHECK(parser.request().headers.size() == 2);
  CHECK_FALSE(parser.request().keep_alive);
}

TEST_CASE("keep-alive follows the version and the Connection header", "[request_parser]") {
  CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n").request.keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").request.keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.1\r\nHost: x\r\nconnection: Upgrade, CLOSE\r\n\r\n").request.keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  CHECK(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").request.keep_alive);
  CHECK(parse("GET / HTTP/1.0\r\nHost: x\r\nConnection: foo, keep-alive\r\n\r\n").request.keep_alive);
}

TEST_CASE("a malformed request line is answered 400", "[request_parser]") {
  CHECK(status_of("GET /\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("G(T / HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET / http/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.10\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n").insert(3, 1, '\0')) == 400);
}

TEST_CASE("a well-formed but unsupported version is answered 505", "[request_parser]") {
  CHECK(status_of("GET / HTTP/2.0\r\nHost: x\r\n\r\n") == 505);
  CHECK(status_of("GET / HTTP/0.9\r\nHost: x\r\n\r\n") == 505);
}

TEST_CASE("a malformed header line is answered 400", "[request_parser]") {
  INFO("no colon");
  CHECK(status_of("GET / HTTP/1.1\r\nHost x\r\n\r\n") == 400);
  INFO("whitespace between the name and the colon (RFC 9112 section 5.1)");
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-Name : 1\r\n\r\n") == 400);
  INFO("an empty name");
  CHECK(status_of("GET / HTTP/1.1\r\n: x\r\nHost: x\r\n\r\n") == 400);
  INFO("obsolete line folding (RFC 9112 section 5.2)");
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n") == 400);
  INFO("a control character in a value");
  CHECK(status_of(std::string("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\x7f\r\n\r\n")) == 400);
  CHECK(status_of(std::string("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 38)) == 400);
}

TEST_CASE("a bare CR is answered 400", "[request_parser]") {
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\rX-Smuggled: 1\r\n\r\n") == 400);
  CHECK(status_of("GET /\r HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
}

TEST_CASE("Host is required once in HTTP/1.1 and at most once in HTTP/1.0", "[request_parser]") {
  CHECK(status_of("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.0\r\nHost: a\r\nHOST: b\r\n\r\n") == 400);
  CHECK(parse("GET / HTTP/1.0\r\n\r\n").state == ParseState::complete);
}

TEST_CASE("a bad Content-Length is answered 400 and a large one 413", "[request_parser]") {
  for (const std::string value : {"-1", "+5", "1e3", "0x10", "5 5", "five", ""}) {
    INFO("Content-Length: \"" << value << "\"");
    CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + value + "\r\n\r\n") == 400);
  }
  INFO("two Content-Length headers that disagree (a request-smuggling vector)");
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") == 400);
  INFO("the same length twice is one length");
  CHECK(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\ncontent-length: 003\r\n\r\nabc")
            .request.body == "abc");
  const ParserLimits limits{.max_head_bytes = 8192, .max_body_bytes = 100};
  CHECK(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'b'), limits)
            .request.body.size() == 100);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n", limits) == 413);
  INFO("a length too large for any integer type is still just too large");
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 184467440737095516160000\r\n\r\n", limits) ==
        413);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551617\r\n\r\n", limits) ==
        413);
}

TEST_CASE("Transfer-Encoding is answered 501", "[request_parser]") {
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n") ==
        501);
}

TEST_CASE("a head longer than the limit is answered 431 as soon as it is too long", "[request_parser]") {
  const std::string head = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(50, 'p') + "\r\n\r\n";
  const ParserLimits exact{.max_head_bytes = head.size(), .max_body_bytes = 0};
  INFO("a head of exactly max_head_bytes bytes (CRLFs included) fits");
  CHECK(parse(head, exact).state == ParseState::complete);
  const ParserLimits one_less{.max_head_bytes = head.size() - 1, .max_body_bytes = 0};
  CHECK(status_of(head, one_less) == 431);

  INFO("an endless header line must be refused once it passes the limit, not buffered forever");
  RequestParser parser(ParserLimits{.max_head_bytes = 1000, .max_body_bytes = 0});
  parser.feed("GET / HTTP/1.1\r\nHost: x\r\nX-Endless: ");
  std::size_t sent = 0;
  while (parser.state() == ParseState::incomplete && sent < 100'000) {
    parser.feed(std::string(100, 'a'));
    sent += 100;
  }
  CHECK(parser.state() == ParseState::failed);
  CHECK(parser.error_status() == 431);
  CHECK(sent <= 1000);
  INFO("once failed, the parser takes no more input");
  CHECK(parser.feed("more") == 0);
  CHECK(parser.error_status() == 431);
}

TEST_CASE("reset after an error starts a clean request", "[request_parser]") {
  RequestParser parser;
  parser.feed("BAD\r\n");
  REQUIRE(parser.state() == ParseState::failed);
  parser.reset();
  CHECK(parser.error_status() == 0);
  parser.feed("GET /fresh HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(parser.state() == ParseState::complete);
  CHECK(parser.request().target == "/fresh");
  CHECK(parser.request().headers.size() == 1);
}

TEST_CASE("empty lines before the request line are skipped", "[request_parser]") {
  const Outcome outcome = parse("\r\n\r\nGET /after-a-post HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(outcome.state == ParseState::complete);
  CHECK(outcome.request.target == "/after-a-post");
}

TEST_CASE("empty lines before the request line count toward the head limit", "[request_parser]") {
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  const ParserLimits limits{.max_head_bytes = request.size() + 4, .max_body_bytes = 0};
  INFO("two empty lines (4 bytes) and the request fill the limit exactly");
  CHECK(parse("\r\n\r\n" + request, limits).state == ParseState::complete);
  INFO("three are one line too many: an endless stream of CRLFs must not be read forever");
  CHECK(status_of("\r\n\r\n\r\n" + request, limits) == 431);
}

TEST_CASE("a bare LF ends no line and is answered 400", "[request_parser]") {
  CHECK(status_of("GET / HTTP/1.1\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\n\n") == 400);
  CHECK(status_of("\nGET / HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
}

TEST_CASE("Content-Length allows leading zeros but not a list", "[request_parser]") {
  INFO("Content-Length: 0005 is the number 5");
  const std::string head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0005\r\n\r\n";
  const Outcome padded = parse(head + "helloGET");
  REQUIRE(padded.state == ParseState::complete);
  CHECK(padded.request.body == "hello");
  CHECK(padded.used == head.size() + 5);
  INFO("Content-Length: 5, 5 is not digits only: 400, though the copies agree");
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello") == 400);
  INFO("Content-Length: 0 is an empty body");
  CHECK(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").state == ParseState::complete);
}

TEST_CASE("a CONNECT request with a body length is answered 400", "[request_parser]") {
  INFO("RFC 9110 section 9.3.6: a CONNECT request has no content");
  CHECK(status_of(
            "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nContent-Length: 5\r\n\r\nhello") ==
        400);
  CHECK(status_of("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nContent-Length: 0\r\n\r\n") ==
        400);
  CHECK(status_of("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nTransfer-Encoding: "
                  "chunked\r\n\r\n") == 400);
  const Outcome plain = parse("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
  REQUIRE(plain.state == ParseState::complete);
  CHECK(plain.request.method == "CONNECT");
  CHECK(plain.request.body.empty());
}

TEST_CASE("when several errors apply the first one in the byte stream wins", "[request_parser]") {
  const ParserLimits small{.max_head_bytes = 64, .max_body_bytes = 10};
  INFO("a malformed line that ends within the head limit: 400, though the head goes on past it");
  CHECK(status_of("GET / HTTP/1.1\r\nBad Line\r\n" + std::string(100, 'x'), small) == 400);
  INFO("a malformed line that passes the head limit before its LF: 431");
  CHECK(status_of("GET / HTTP/1.1\r\nBad Line" + std::string(100, 'x') + "\r\n\r\n", small) == 431);
  INFO("at the blank line: a bad Content-Length (400) before Transfer-Encoding (501)");
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: +1\r\n\r\n") ==
        400);
  INFO("a missing Host (400) before Transfer-Encoding (501)");
  CHECK(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  INFO("a missing Host (400) before a length over the limit (413)");
  const ParserLimits small_body{.max_head_bytes = 8192, .max_body_bytes = 10};
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", small_body) == 400);
  INFO("Transfer-Encoding (501) before a length over the limit (413)");
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nTransfer-Encoding: chunked\r\n\r\n",
                  small_body) == 501);
}

TEST_CASE("the head is complete before its body arrives", "[request_parser]") {
  for (const bool bytewise : {false, true}) {
    INFO((bytewise ? "fed one byte at a time" : "fed in one piece"));
    RequestParser parser;
    const std::string head =
        "POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n";
    if (bytewise) {
      for (const char byte : head) {
        parser.feed(std::string_view(&byte, 1));
      }
    } else {
      parser.feed(head);
    }
    INFO("before the blank line the head is not complete");
    CHECK_FALSE(parser.head_complete());
    parser.feed("\r\n");
    CHECK(parser.state() == ParseState::incomplete);
    INFO("after the blank line the head is complete, and request() has it, while the body is awaited");
    REQUIRE(parser.head_complete());
    CHECK(parser.request().method == "POST");
    CHECK(parser.request().header("expect") == "100-continue");
    parser.feed("abc");
    CHECK(parser.state() == ParseState::complete);
    CHECK(parser.head_complete());
    parser.reset();
    CHECK_FALSE(parser.head_complete());
  }
  INFO("a head that fails is not a complete head");
  RequestParser failing;
  failing.feed("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n");
  CHECK(failing.state() == ParseState::failed);
  CHECK_FALSE(failing.head_complete());
}
