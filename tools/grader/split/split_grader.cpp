// split_grader: writes a hidden test as N smaller translation units, so that
// the build compiles them in parallel and the learner's verdict comes sooner.
//
//   split_grader <test.cpp> <parts> <output-prefix>
//
// writes <output-prefix>.part1.cpp ... .part<parts>.cpp. Each part is the
// whole test file, its helpers and includes, except that the bodies of the
// TEST_CASEs given to other parts are blanked out: replaced by spaces, with
// every newline kept, so that a line in a part is the same line of the test
// file. A `#line 1 "<test.cpp>"` at the top makes diagnostics, __FILE__ and
// debug information name the test file itself. Every test case is in exactly
// one part; the cases are shared out by the length of their source, largest
// first, each to the part with the least so far (a fair proxy for the time
// it takes to compile them). The objects are linked into one grader.
//
// Only as much of C++'s lexical grammar is read as finding a TEST_CASE and
// its braces needs: comments, string and character literals (raw strings and
// digit separators included) and identifiers. A test case is the identifier
// TEST_CASE, its parenthesized arguments, and the braced body after them.
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Span {
  std::size_t begin; // the T of TEST_CASE
  std::size_t end;   // one past the body's closing brace
};

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Scans the text and returns the test cases' spans. Throws on text it cannot
// read (an unterminated literal or comment, a TEST_CASE without a body).
class Scanner {
public:
  explicit Scanner(std::string_view text) : text_(text) {}

  std::vector<Span> test_cases() {
    std::vector<Span> cases;
    while (pos_ < text_.size()) {
      const std::size_t start = pos_;
      if (skip_comment_or_literal()) {
        continue;
      }
      const char c = text_[pos_];
      if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) {
        skip_number();
      } else if (is_identifier_char(c)) {
        const std::string_view word = identifier();
        if (word == "TEST_CASE" && (start == 0 || !is_identifier_char(text_[start - 1]))) {
          skip_blank_and_comments();
          if (pos_ < text_.size() && text_[pos_] == '(') {
            skip_balanced('(', ')');
            skip_blank_and_comments();
            if (pos_ >= text_.size() || text_[pos_] != '{') {
              fail(start, "a TEST_CASE without a braced body");
            }
            skip_balanced('{', '}');
            cases.push_back({start, pos_});
          }
        }
      } else {
        ++pos_;
      }
    }
    return cases;
  }

private:
  [[noreturn]] void fail(std::size_t at, const std::string& what) const {
    const auto line = std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
    throw std::runtime_error("line " + std::to_string(line) + ": " + what);
  }

  std::string_view identifier() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_identifier_char(text_[pos_])) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  // A pp-number: digits, letters, '.', digit separators and exponent signs.
  void skip_number() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if ((c == '+' || c == '-') && pos_ > 0 &&
          std::string_view("eEpP").find(text_[pos_ - 1]) != std::string_view::npos) {
        ++pos_;
      } else if (c == '\'' && pos_ + 1 < text_.size() && is_identifier_char(text_[pos_ + 1])) {
        pos_ += 2;
      } else if (is_identifier_char(c) || c == '.') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  // At a comment, a string or a character literal (with any prefix): skips
  // it and returns true.
  bool skip_comment_or_literal() {
    const std::string_view rest = text_.substr(pos_);
    if (rest.starts_with("//")) {
      const std::size_t end = text_.find('\n', pos_);
      pos_ = end == std::string_view::npos ? text_.size() : end;
      return true;
    }
    if (rest.starts_with("/*")) {
      const std::size_t end = text_.find("*/", pos_ + 2);
      if (end == std::string_view::npos) {
        fail(pos_, "an unterminated comment");
      }
      pos_ = end + 2;
      return true;
    }
    // An encoding prefix (u8, u, U, L) and R for a raw string.
    std::size_t quote = pos_;
    if (pos_ == 0 || !is_identifier_char(text_[pos_ - 1])) {
      for (const std::string_view prefix : {"u8R", "uR", "UR", "LR", "R", "u8", "u", "U", "L"}) {
        if (rest.starts_with(prefix) && rest.size() > prefix.size() &&
            (rest[prefix.size()] == '"' || (prefix.back() != 'R' && rest[prefix.size()] == '\''))) {
          quote = pos_ + prefix.size();
          if (prefix.back() == 'R') {
            skip_raw_string(quote);
            return true;
          }
          break;
        }
      }
    }
    const char c = text_[quote];
    if (c != '"' && c != '\'') {
      return false;
    }
    std::size_t at = quote + 1;
    while (at < text_.size() && text_[at] != c) {
      if (text_[at] == '\\') {
        ++at;
      } else if (text_[at] == '\n') {
        fail(quote, "an unterminated literal");
      }
      ++at;
    }
    if (at >= text_.size()) {
      fail(quote, "an unterminated literal");
    }
    pos_ = at + 1;
    return true;
  }

  void skip_raw_string(std::size_t quote) {
    const std::size_t open = text_.find('(', quote);
    if (open == std::string_view::npos) {
      fail(quote, "a raw string without its '('");
    }
    const std::string closing = ")" + std::string(text_.substr(quote + 1, open - quote - 1)) + "\"";
    const std::size_t end = text_.find(closing, open);
    if (end == std::string_view::npos) {
      fail(quote, "an unterminated raw string");
    }
    pos_ = end + closing.size();
  }

  void skip_blank_and_comments() {
    while (pos_ < text_.size()) {
      if (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r') {
        ++pos_;
      } else if (text_.substr(pos_).starts_with("//") || text_.substr(pos_).starts_with("/*")) {
        skip_comment_or_literal();
      } else {
        return;
      }
    }
  }

  // At `open`: moves past its matching `close`.
  void skip_balanced(char open, char close) {
    const std::size_t start = pos_;
    int depth = 0;
    while (pos_ < text_.size()) {
      if (skip_comment_or_literal()) {
        continue;
      }
      const char c = text_[pos_];
      if (is_digit(c)) {
        skip_number();
        continue;
      }
      if (is_identifier_char(c)) {
        identifier();
        continue;
      }
      ++pos_;
      if (c == open) {
        ++depth;
      } else if (c == close && --depth == 0) {
        return;
      }
    }
    fail(start, std::string("no matching '") + close + "'");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes the file only if its content changes, so that the build does not
// recompile a part whose text is the same.
void write_if_changed(const std::string& path, const std::string& content) {
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream old;
      old << in.rdbuf();
      if (old.str() == content) {
        return;
      }
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out.flush()) {
    throw std::runtime_error("cannot write " + path);
  }
}

std::string quoted_for_line_directive(const std::string& path) {
  std::string quoted = "\"";
  for (const char c : path) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
    }
    quoted += c;
  }
  return quoted + "\"";
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: split_grader <test.cpp> <parts> <output-prefix>\n";
    return 2;
  }
  const std::string source = argv[1];
  const std::string prefix = argv[3];
  char* end = nullptr;
  const long parts = std::strtol(argv[2], &end, 10);
  if (*end != '\0' || parts < 1 || parts > 64) {
    std::cerr << "split_grader: <parts> must be a number from 1 to 64, not \"" << argv[2] << "\"\n";
    return 2;
  }
  try {
    const std::string text = read_file(source);
    const std::vector<Span> cases = Scanner(text).test_cases();
    if (cases.empty()) {
      throw std::runtime_error("no TEST_CASE found");
    }
    // Largest first, each to the part with the least source so far.
    std::vector<std::size_t> order(cases.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    const auto length = [&](std::size_t i) { return cases[i].end - cases[i].begin; };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return length(a) > length(b); });
    std::vector<std::size_t> load(static_cast<std::size_t>(parts), 0);
    std::vector<std::size_t> part_of(cases.size());
    for (const std::size_t i : order) {
      const auto lightest =
          static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
      part_of[i] = lightest;
      load[lightest] += length(i);
    }
    for (std::size_t part = 0; part < load.size(); ++part) {
      std::string content = text;
      for (std::size_t i = 0; i < cases.size(); ++i) {
        if (part_of[i] != part) {
          for (std::size_t at = cases[i].begin; at < cases[i].end; ++at) {
            if (content[at] != '\n') {
              content[at] = ' ';
            }
          }
        }
      }
      // The #line directive takes the place of nothing: it goes on a line of
      // its own before line 1, and names line 1 as the test file's.
      write_if_changed(prefix + ".part" + std::to_string(part + 1) + ".cpp",
                       "#line 1 " + quoted_for_line_directive(source) + "\n" + content);
    }
  } catch (const std::exception& error) {
    std::cerr << "split_grader: " << source << ": " << error.what() << "\n";
    return 1;
  }
  return 0;
}
