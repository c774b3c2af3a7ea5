#include "task.hpp"

#include <fstream>
#include <sstream>

namespace workbook::cli {

std::string task_of(const std::string& stub_path) {
  std::ifstream in(stub_path);
  if (!in) {
    return "";
  }
  std::ostringstream task;
  std::string line;
  bool header = true;
  bool in_block = false;
  while (std::getline(in, line)) {
    const auto start = line.find_first_not_of(" \t");
    const std::string body = start == std::string::npos ? "" : line.substr(start);
    if (header) {
      if (body.rfind("//", 0) == 0 && body.rfind("///", 0) != 0) {
        task << (body.size() > 3 ? body.substr(3) : "") << "\n"; // "// Exercise: ..." lines
        continue;
      }
      header = false;
      task << "\n";
    }
    if (body.rfind("///", 0) == 0) {
      std::string text = body.substr(3);
      if (!text.empty() && text[0] == '<') {
        continue; // a member's trailing comment (///<) belongs to the code below
      }
      task << "  " << (text.empty() ? "" : text.substr(text[0] == ' ' ? 1 : 0)) << "\n";
      in_block = true;
    } else if (in_block) {
      task << "  > " << body << "\n\n"; // the declaration the comment documents
      in_block = false;
    }
  }
  return task.str();
}

} // namespace workbook::cli
