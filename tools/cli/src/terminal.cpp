#include "terminal.hpp"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace workbook::cli {

Terminal Terminal::detect() {
  // https://no-color.org: any non-empty NO_COLOR disables colour.
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  const bool dumb = term == nullptr || std::strcmp(term, "dumb") == 0;
  return Terminal((no_colour == nullptr || *no_colour == '\0') && !dumb && isatty(STDOUT_FILENO) == 1);
}

std::string Terminal::paint(const std::string& text, Colour colour) const {
  if (!colour_ || colour == Colour::none) {
    return text;
  }
  const char* code = "";
  switch (colour) {
  case Colour::red: code = "31"; break;
  case Colour::green: code = "32"; break;
  case Colour::yellow: code = "33"; break;
  case Colour::blue: code = "34"; break;
  case Colour::bold: code = "1"; break;
  case Colour::dim: code = "2"; break;
  case Colour::none: break;
  }
  return std::string("\033[") + code + "m" + text + "\033[0m";
}

} // namespace workbook::cli
