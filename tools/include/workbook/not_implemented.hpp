// The error every shipped stub throws, so that an untouched exercise fails
// fast and loudly (never hangs, never crashes) and tells the learner where to
// look.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace workbook {

/// Thrown by every body of a shipped exercise stub.
///
/// The message names the file to edit (relative to the workbook's root) and
/// the chapter section that explains the task.
class not_implemented : public std::logic_error {
public:
  /// @param file    the stub's path, usually `__FILE__`
  /// @param section the heading of the chapter section to read
  not_implemented(std::string_view file, std::string_view section)
      : std::logic_error(describe(file, section)) {}

private:
  static std::string describe(std::string_view file, std::string_view section) {
    // __FILE__ is absolute in a CMake build: keep it from "exercises/" on.
    if (const auto at = file.rfind("exercises/"); at != std::string_view::npos) {
      file.remove_prefix(at);
    }
    std::string chapter;
    if (const auto slash = file.find('/'); slash != std::string_view::npos) {
      const auto rest = file.substr(slash + 1);
      chapter = std::string(rest.substr(0, rest.find('/')));
    }
    std::string message = "not implemented yet: write your solution in ";
    message += file;
    if (!chapter.empty()) {
      message += " (read chapters/" + chapter + "/README.md, section \"";
      message += section;
      message += "\")";
    }
    return message;
  }
};

} // namespace workbook
