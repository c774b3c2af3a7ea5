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
