// The command line: a command, its operands, and the flags every command
// understands. Errors in it are UsageError (exit status 2).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace workbook::cli {

/// A mistake in how the workbook was called: exit status 2, with a message.
class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string command = "status";
  std::vector<std::string> operands; ///< after the command: an exercise, a chapter, an example's arguments
  std::string build_dir = "build/learner";
  bool tsan = false;    ///< grade under ThreadSanitizer only, in its own build folder
  bool quick = false;   ///< skip the ThreadSanitizer grade of an exercise that passes
  bool force = false;   ///< solution: show it even before the exercise passes
  bool yes = false;     ///< reset: no confirmation
  bool all = false;     ///< hint: every layer at once
  bool help = false;    ///< the command's own help
  int poll_ms = 500;    ///< watch: how often files are checked
  int max_verdicts = 0; ///< watch: stop after this many verdicts (0: never; for tests)
};

/// Parses argv[1..]. For `run`, everything after the example's name is
/// passed to the example untouched.
Options parse_options(const std::vector<std::string>& args);

/// The help of one command, or the overview for "" or an unknown command.
std::string help_text(const std::string& command);

} // namespace workbook::cli
