// check_snippets ROOT
//
// Checks the literate rule on every chapters/*/README.md and docs/*.md: a
// fenced C++ block (```cpp or ```c++) must be directly preceded by one of
//
//   <!-- snippet: path/from/root.cpp#name -->   the block equals the lines
//                                               between the two markers
//                                               `// [name]` in that file,
//                                               with common indentation removed
//   <!-- not compiled: why -->                  a fragment shown for reading
//
// so that the text can never drift from the code. A fenced block of any
// language preceded by `<!-- output: path/from/root.expected -->` must equal
// that file, line for line: a program's output quoted in the text, checked
// against the program by its example test (EXPECTED_OUTPUT). Exit status 1 lists every
// violation as file:line: message.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    lines.push_back(line);
  }
  return lines;
}

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) {
    return "";
  }
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// The lines between the two markers `// [name]` (exclusive), dedented.
// Markers of other snippets inside the region are dropped, so snippets can nest.
bool extract(const fs::path& file, const std::string& name, std::vector<std::string>& out,
             std::string& error) {
  if (!fs::exists(file)) {
    error = "no such file: " + file.string();
    return false;
  }
  const std::string marker = "// [" + name + "]";
  const auto lines = read_lines(file);
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (trim(lines[i]) == marker) {
      at.push_back(i);
    }
  }
  if (at.size() != 2) {
    error = "expected exactly two lines \"" + marker + "\" in " + file.string() + ", found " +
            std::to_string(at.size());
    return false;
  }
  std::size_t indent = std::string::npos;
  std::vector<std::string> region;
  for (std::size_t i = at[0] + 1; i < at[1]; ++i) {
    const std::string t = trim(lines[i]);
    if (t.rfind("// [", 0) == 0 && t.back() == ']' && t.find(' ', 4) == std::string::npos) {
      continue; // a nested snippet's marker
    }
    region.push_back(lines[i]);
    if (!t.empty()) {
      indent = std::min(indent, lines[i].find_first_not_of(" \t"));
    }
  }
  for (auto& line : region) {
    line = line.size() >= indent && indent != std::string::npos ? line.substr(indent) : trim(line);
  }
  out = region;
  return true;
}

struct Checker {
  fs::path root;
  int violations = 0;
  int quoted = 0;
  int uncompiled = 0;

  void report(const fs::path& file, std::size_t line, const std::string& message) {
    ++violations;
    std::cerr << fs::relative(file, root).string() << ":" << line << ": " << message << "\n";
  }

  void check(const fs::path& markdown) {
    const auto lines = read_lines(markdown);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string t = trim(lines[i]);
      if (t.rfind("```", 0) != 0 || t.size() == 3) {
        continue;
      }
      const std::string language = trim(t.substr(3));
      // Find the end of this block whatever its language.
      std::size_t end = i + 1;
      while (end < lines.size() && trim(lines[end]) != "```") {
        ++end;
      }
      {
        std::size_t before = i;
        while (before > 0 && trim(lines[before - 1]).empty()) {
          --before;
        }
        const std::string directive = before > 0 ? trim(lines[before - 1]) : "";
        if (directive.rfind("<!-- output:", 0) == 0 && directive.size() > 16) {
          const std::string reference = trim(directive.substr(12, directive.size() - 12 - 3));
          const std::vector<std::string> block(lines.begin() + static_cast<std::ptrdiff_t>(i + 1),
                                               lines.begin() +
                                                   static_cast<std::ptrdiff_t>(std::min(end, lines.size())));
          if (!fs::exists(root / reference)) {
            report(markdown, i + 1, "no such file: " + reference);
          } else if (read_lines(root / reference) != block) {
            report(markdown, i + 1, "block differs from the output file " + reference);
          } else {
            ++quoted;
          }
          i = end;
          continue;
        }
      }
      if (language == "cpp" || language == "c++" || language == "cxx") {
        std::size_t before = i;
        while (before > 0 && trim(lines[before - 1]).empty()) {
          --before;
        }
        const std::string directive = before > 0 ? trim(lines[before - 1]) : "";
        std::vector<std::string> block(lines.begin() + static_cast<std::ptrdiff_t>(i + 1),
                                       lines.begin() +
                                           static_cast<std::ptrdiff_t>(std::min(end, lines.size())));
        if (directive.rfind("<!-- not compiled:", 0) == 0) {
          ++uncompiled;
        } else if (directive.rfind("<!-- snippet:", 0) == 0 && directive.size() > 17) {
          const std::string reference = trim(directive.substr(13, directive.size() - 13 - 3));
          const auto hash = reference.find('#');
          if (hash == std::string::npos) {
            report(markdown, i + 1, "snippet reference needs path#name: " + reference);
          } else {
            std::vector<std::string> expected;
            std::string error;
            if (!extract(root / reference.substr(0, hash), reference.substr(hash + 1), expected, error)) {
              report(markdown, i + 1, error);
            } else if (expected != block) {
              std::size_t k = 0;
              while (k < expected.size() && k < block.size() && expected[k] == block[k]) {
                ++k;
              }
              report(markdown, i + 2 + k,
                     "block differs from " + reference + " at its line " + std::to_string(k + 1) +
                         ":\n  code: " + (k < expected.size() ? expected[k] : "<end of snippet>") +
                         "\n  text: " + (k < block.size() ? block[k] : "<end of block>"));
            } else {
              ++quoted;
            }
          }
        } else {
          report(markdown, i + 1,
                 "C++ block is neither quoted (<!-- snippet: file#name -->) nor marked <!-- not compiled: "
                 "why -->");
        }
      }
      i = end;
    }
  }
};

} // namespace

int main(int argc, char* argv[]) {
  if (argc != 2) {
    std::cerr << "usage: check_snippets WORKBOOK_ROOT\n";
    return 2;
  }
  Checker checker{fs::path(argv[1]), 0, 0, 0};
  std::vector<fs::path> files;
  for (const char* dir : {"chapters", "docs"}) {
    if (!fs::exists(checker.root / dir)) {
      continue;
    }
    for (const auto& entry : fs::recursive_directory_iterator(checker.root / dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".md") {
        files.push_back(entry.path());
      }
    }
  }
  files.push_back(checker.root / "README.md");
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    if (fs::exists(file)) {
      checker.check(file);
    }
  }
  std::cout << "check_snippets: " << files.size() << " markdown files, " << checker.quoted
            << " C++ blocks quoted from compiled code, " << checker.uncompiled << " marked not compiled, "
            << checker.violations << " violations\n";
  return checker.violations == 0 ? 0 : 1;
}
