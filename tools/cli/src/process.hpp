// Running a child program from an argument vector (never a shell string) and
// collecting its output and how it ended.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace workbook::cli {

struct ProcessResult {
  int exit_code = -1; ///< the exit status, when the child exited
  int signal = 0;     ///< the signal that ended it, when it was killed
  std::string output; ///< stdout and stderr interleaved (when captured)

  [[nodiscard]] bool succeeded() const { return signal == 0 && exit_code == 0; }
  [[nodiscard]] std::string describe() const;
};

/// Runs `argv` (argv[0] is looked up in PATH) and waits for it.
/// With `capture`, stdout and stderr are collected; otherwise they go to the
/// terminal. Throws std::runtime_error when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, bool capture,
                          const std::optional<std::string>& working_directory = std::nullopt);

} // namespace workbook::cli
