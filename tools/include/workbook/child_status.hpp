// How a child process ended, decoded from waitpid's status: shared by the
// exercises, solutions and examples of chapter 03 (not an exercise itself).
#pragma once

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <string>

namespace workbook::processes {

/// How a child process ended: it exited with a code, or a signal killed it.
struct ChildStatus {
  bool exited = false; ///< true: it called exit/_exit or returned from main
  int exit_code = 0;   ///< meaningful when exited
  int signal = 0;      ///< the signal that killed it, when !exited

  /// Decodes a status filled in by waitpid (WIFEXITED / WEXITSTATUS,
  /// WIFSIGNALED / WTERMSIG).
  static ChildStatus from_wait_status(int status) {
    ChildStatus result;
    if (WIFEXITED(status)) {
      result.exited = true;
      result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result.signal = WTERMSIG(status);
    }
    return result;
  }

  /// Whether it exited with code 0.
  [[nodiscard]] bool success() const { return exited && exit_code == 0; }

  /// "exited with code 3", or "killed by signal 9 (Killed)".
  [[nodiscard]] std::string describe() const {
    if (exited) {
      return "exited with code " + std::to_string(exit_code);
    }
    return "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  }

  bool operator==(const ChildStatus&) const = default;
};

} // namespace workbook::processes
