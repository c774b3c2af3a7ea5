// Fuzz target for the request_parser exercise: whatever the bytes, the parser
// must not crash, must agree with itself however the input is split, and
// must only produce requests within its limits. Built with libFuzzer under
// clang (the asan preset) and with tools/fuzz/random_driver.cpp elsewhere.
#include "request_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using workbook::http::ParserLimits;
using workbook::http::ParseState;
using workbook::http::RequestParser;

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "request_parser fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

// Small limits, so that random inputs reach them.
constexpr ParserLimits limits{.max_head_bytes = 256, .max_body_bytes = 64};

// Feeds `input` in pieces of `piece` bytes (0: in one piece).
std::size_t feed_in_pieces(RequestParser& parser, std::string_view input, std::size_t piece) {
  if (piece == 0) {
    return parser.feed(input);
  }
  std::size_t used = 0;
  for (std::size_t at = 0; at < input.size() && parser.state() == ParseState::incomplete; at += piece) {
    used += parser.feed(input.substr(at, piece));
  }
  return used;
}

void check_one_request(std::string_view input) {
  RequestParser whole(limits);
  const std::size_t used = whole.feed(input);
  require(used <= input.size(), "used more bytes than it was given");
  switch (whole.state()) {
  case ParseState::incomplete:
    require(used == input.size(), "an incomplete request left bytes unused");
    require(whole.error_status() == 0, "an incomplete request has an error status");
    break;
  case ParseState::complete: {
    const auto& request = whole.request();
    require(whole.error_status() == 0, "a complete request has an error status");
    require(!request.method.empty(), "a complete request has no method");
    require(request.body.size() <= limits.max_body_bytes, "a body larger than the limit");
    require(used <= limits.max_head_bytes + request.body.size(), "a head larger than the limit");
    for (const auto& [name, value] : request.headers) {
      require(!name.empty(), "an empty header name");
      require(value.find_first_of("\r\n") == std::string_view::npos, "CR or LF inside a header value");
    }
    break;
  }
  case ParseState::failed: {
    const int status = whole.error_status();
    require(status == 400 || status == 413 || status == 431 || status == 501 || status == 505,
            "an error status outside 400, 413, 431, 501, 505");
    require(whole.feed("x") == 0, "a failed parser took more input");
    break;
  }
  }

  for (const std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{17}}) {
    RequestParser split(limits);
    const std::size_t split_used = feed_in_pieces(split, input, piece);
    require(split.state() == whole.state(), "split input ended in another state");
    require(split.error_status() == whole.error_status(), "split input failed with another status");
    if (whole.state() == ParseState::complete) {
      require(split_used == used, "split input used another number of bytes");
      const auto& a = whole.request();
      const auto& b = split.request();
      require(a.method == b.method && a.target == b.target && a.version == b.version &&
                  a.headers == b.headers && a.body == b.body && a.keep_alive == b.keep_alive,
              "split input produced another request");
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Every pipelined request in the input, in turn.
  for (int requests = 0; requests < 16 && !input.empty(); ++requests) {
    check_one_request(input);
    RequestParser parser(limits);
    const std::size_t used = parser.feed(input);
    if (parser.state() != ParseState::complete) {
      break;
    }
    input.remove_prefix(used);
  }
  return 0;
}
