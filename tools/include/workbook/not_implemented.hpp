// The error every shipped stub throws, so that an untouched exercise fails
// fast and loudly (never hangs, never crashes) and tells the learner where to
// look.
#pragma once

#include <string>
#include <string_view>

namespace workbook {

/// Thrown by every body of a shipped exercise stub.
///
/// The message names the file to edit (relative to the workbook's root) and
/// the chapter section that explains the task. It deliberately derives from
/// no standard exception: a test that expects, say, `std::logic_error` or
/// `std::invalid_argument` must not pass because the stub threw this. The
/// graders' Catch2 main registers a translator that prints `what()`.
class not_implemented {
public:
  /// @param file    the stub's path, usually `__FILE__`
  /// @param section the heading of the chapter section to read
  not_implemented(std::string_view file, std::string_view section) : message_(describe(file, section)) {}

  /// The message: what to edit and where to read about it.
  [[nodiscard]] const char* what() const noexcept { return message_.c_str(); }

private:
  std::string message_;

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
