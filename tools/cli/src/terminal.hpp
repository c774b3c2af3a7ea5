// Colour when writing to a terminal; none when piped or when NO_COLOR is set.
#pragma once

#include <string>

namespace workbook::cli {

enum class Colour { none, red, green, yellow, blue, bold, dim };

class Terminal {
public:
  /// Decides from the environment and from whether stdout is a terminal.
  static Terminal detect();
  explicit Terminal(bool colour) : colour_(colour) {}

  [[nodiscard]] std::string paint(const std::string& text, Colour colour) const;
  [[nodiscard]] bool colour() const { return colour_; }

private:
  bool colour_;
};

} // namespace workbook::cli
