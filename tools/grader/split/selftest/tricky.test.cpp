// split_grader's self-test: a hidden test that is hard to scan, compiled in
// parts and linked into one program that must run exactly these 3 cases.
// A TEST_CASE("in a comment", "[x]") { is not a test case. /* nor { this } */
#include <catch.hpp>

#include <string>

namespace {
const char* const braces = "{ \" } TEST_CASE(\"in a string\") {";
const char quote = '"';
const char brace = '}';
const long big = 1'000'000; // a digit separator, not a character literal
const double tiny = 1.5e-3; // an exponent's sign
const char* const raw = R"delimiter(TEST_CASE("in a raw string") { ")" })delimiter";
const char8_t* const prefixed = u8"}";
} // namespace

TEST_CASE("the first case", "[tricky]") {
  std::string text = "}";
  if (text.size() == 1) {
    CHECK(text == "}");
  }
}

TEST_CASE ( "spaces before its parenthesis and a long body" ) /* a comment */ {
  // } a brace in a comment
  const char* nested = R"({{{)";
  CHECK(nested[0] == '{');
  CHECK(big == 1'000'000);
  CHECK(quote == '"');
  CHECK(brace == '}');
  CHECK(raw != nullptr);
  CHECK(prefixed != nullptr);
  CHECK(braces != nullptr);
  CHECK(tiny > 0);
}

static void helper_between_cases() {} // internal linkage: every part defines it

TEST_CASE("the third case") { helper_between_cases(); CHECK(true); }
