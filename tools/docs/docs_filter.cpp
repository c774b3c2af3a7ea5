// docs_filter ROOT FILE
//
// Doxygen's input filter for the workbook's markdown (FILTER_PATTERNS). The
// markdown stays readable on its own (GitHub, an editor); the site gets:
//  - a stable page label on every chapter (`chapter_01_gil`), a table of
//    contents, and previous/next navigation in book order;
//  - every quoted block (`<!-- snippet: path#name -->` + fenced block)
//    replaced by Doxygen's `\snippet`, so the site shows the compiled file's
//    code itself, not the copy in the text;
//  - a link from each chapter to the API reference of its exercises, whose
//    headers get a `\file` block so that Doxygen lists them.
// Other files pass through unchanged. Line breaks are kept where possible so
// that Doxygen's messages point near the right line.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) {
    return "";
  }
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

std::string label_of(const std::string& chapter) {
  std::string label = "chapter_" + chapter;
  std::replace(label.begin(), label.end(), '-', '_');
  return label;
}

std::vector<std::string> chapters(const fs::path& root) {
  std::vector<std::string> ids;
  if (!fs::exists(root / "chapters")) {
    return ids;
  }
  for (const auto& entry : fs::directory_iterator(root / "chapters")) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.size() > 3 && std::isdigit(static_cast<unsigned char>(name[0])) &&
        fs::exists(entry.path() / "README.md")) {
      ids.push_back(name);
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string title_of(const fs::path& readme) {
  std::ifstream in(readme);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      return trim(line.substr(2));
    }
  }
  return readme.parent_path().filename().string();
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

std::string navigation(const fs::path& root, const std::vector<std::string>& ids, std::size_t at) {
  std::string nav = "<div class=\"workbook-nav\">";
  if (at > 0) {
    nav += "&larr; \\ref " + label_of(ids[at - 1]) + " \"" +
           title_of(root / "chapters" / ids[at - 1] / "README.md") + "\" &nbsp;|&nbsp; ";
  }
  nav += "\\ref index \"Contents\"";
  if (at + 1 < ids.size()) {
    nav += " &nbsp;|&nbsp; \\ref " + label_of(ids[at + 1]) + " \"" +
           title_of(root / "chapters" / ids[at + 1] / "README.md") + "\" &rarr;";
  }
  return nav + "</div>";
}

// The exercise headers of a chapter, for the API reference links.
std::vector<std::string> exercise_headers(const fs::path& root, const std::string& chapter) {
  std::vector<std::string> headers;
  const fs::path dir = root / "exercises" / chapter;
  if (fs::exists(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".hpp") {
        headers.push_back(entry.path().filename().string());
      }
    }
  }
  std::sort(headers.begin(), headers.end());
  return headers;
}

} // namespace

int main(int argc, char* argv[]) {
  if (argc != 3) {
    std::cerr << "usage: docs_filter ROOT FILE\n";
    return 2;
  }
  const fs::path root = fs::weakly_canonical(argv[1]);
  const fs::path file = fs::weakly_canonical(argv[2]);
  auto lines = read_lines(file);

  const fs::path relative = file.lexically_relative(root);
  if (file.extension() == ".hpp") {
    // Exercise headers: a file block on the first line makes Doxygen list the
    // file and its documented API (the line count is unchanged).
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::cout << (i == 0 ? "/** \\file */ " : "") << lines[i] << "\n";
    }
    return 0;
  }
  const auto ids = chapters(root);
  std::string chapter;
  std::size_t at = 0;
  if (relative.begin() != relative.end() && *relative.begin() == "chapters" &&
      relative.filename() == "README.md") {
    chapter = relative.parent_path().filename().string();
    at = static_cast<std::size_t>(std::find(ids.begin(), ids.end(), chapter) - ids.begin());
  }

  bool titled = chapter.empty();
  bool in_fence = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string& line = lines[i];
    if (trim(line).rfind("```", 0) == 0) {
      in_fence = !in_fence;
    }
    if (in_fence) {
      std::cout << line << "\n";
      continue;
    }
    if (!titled && line.rfind("# ", 0) == 0) {
      // Label, table of contents and navigation go on the title's line so
      // that line numbers stay as they were.
      line += " {#" + label_of(chapter) + "}";
      titled = true;
      std::cout << line << "\n" << navigation(root, ids, at) << " [TOC]";
      const auto headers = exercise_headers(root, chapter);
      if (!headers.empty()) {
        std::cout << " <div class=\"workbook-api\">Exercises' API:";
        for (const auto& header : headers) {
          std::cout << " \\ref " << header;
        }
        std::cout << "</div>";
      }
      std::cout << "\n";
      continue;
    }
    const std::string t = trim(line);
    if (t.rfind("<!-- snippet:", 0) == 0 && t.size() > 17 && t.substr(t.size() - 3) == "-->") {
      const std::string reference = trim(t.substr(13, t.size() - 16));
      const auto hash = reference.find('#');
      std::size_t open = i + 1;
      while (open < lines.size() && trim(lines[open]).empty()) {
        ++open;
      }
      if (hash != std::string::npos && open < lines.size() && trim(lines[open]).rfind("```", 0) == 0) {
        std::size_t close = open + 1;
        while (close < lines.size() && trim(lines[close]) != "```") {
          ++close;
        }
        std::cout << "\\snippet " << reference.substr(0, hash) << " " << reference.substr(hash + 1) << "\n";
        for (std::size_t k = i + 1; k <= close && k < lines.size(); ++k) {
          std::cout << "\n"; // keep the line count
        }
        i = close;
        continue;
      }
    }
    std::cout << line << "\n";
  }
  if (!chapter.empty()) {
    std::cout << "\n" << navigation(root, ids, at) << "\n";
  }
  return 0;
}
