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

/// Runs every argument vector at the same time, each with its stdout and
/// stderr going to a file of its own (a file never fills up and stalls a
/// program, as an unread pipe would), and waits for all of them. The results
/// come in the order of `argvs`. Throws std::runtime_error when one cannot be
/// started (those already started are waited for first).
std::vector<ProcessResult> run_concurrently(const std::vector<std::vector<std::string>>& argvs);

/// A build started ahead of need, in a process group of its own, so that
/// it can be stopped (with everything it started) when it is not needed.
class BackgroundProcess {
public:
  /// With `lower_priority`, it and what it starts run at nice 10: work the
  /// learner is not waiting for yet gives way to work they are.
  explicit BackgroundProcess(std::vector<std::string> argv, bool lower_priority = false);
  ~BackgroundProcess(); ///< stops it if it still runs
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  /// Waits for it and returns how it ended (with its output).
  ProcessResult wait();
  /// Stops it and every process it started (SIGTERM to its process group).
  void stop();

private:
  int pid_ = -1;
  int output_fd_ = -1;
  bool finished_ = false;
  ProcessResult result_;
};

} // namespace workbook::cli
