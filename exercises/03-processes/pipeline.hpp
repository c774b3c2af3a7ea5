// Exercise: pipeline — `producer | consumer`, wired by hand.
//
// Chapter: chapters/03-processes/README.md, section "Exercise: pipeline".
// Grade it: `./workbook check pipeline`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <workbook/child_status.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

extern char** environ; // POSIX: the environment the children inherit

namespace workbook::processes {

/// Thrown when a program of the pipeline cannot be started: `code()` holds
/// the errno value, and the message names the program.
class pipeline_error : public std::system_error {
public:
  pipeline_error(int error, const std::string& program)
      : std::system_error(error, std::generic_category(), "cannot run '" + program + "'") {}
};

/// What the two programs of a pipeline did.
struct PipelineResult {
  ChildStatus producer;
  ChildStatus consumer;
  std::string output; ///< the consumer's standard output
};

/// The shell's `producer | consumer`, without a shell: starts both programs
/// (arguments passed literally, programs looked up in `PATH`), the
/// producer's standard output connected to the consumer's standard input by
/// a pipe; captures the consumer's standard output; waits for both.
/// Standard error and the producer's standard input are inherited.
/// Both programs start with SIGPIPE at its default action and unblocked,
/// whatever the calling thread did with it (ignored signals and the signal
/// mask survive fork and exec; `POSIX_SPAWN_SETSIGDEF` and
/// `POSIX_SPAWN_SETSIGMASK` reset them), so that a producer whose consumer
/// has quit ends by SIGPIPE, as it would in a shell.
///
/// The consumer sees end-of-file only when **every** write end of the pipe
/// is closed: the producer's (when it exits) and any copy in this process
/// or in the consumer itself. A copy left open anywhere and the consumer
/// waits for ever.
///
/// If the consumer cannot be started after the producer was, the producer
/// is still reaped (it sees a closed pipe). No descriptor is leaked; both
/// children are reaped before this returns.
///
/// @throws std::invalid_argument if either argument vector is empty.
/// @throws pipeline_error if a program cannot be started.
inline PipelineResult pipeline([[maybe_unused]] const std::vector<std::string>& producer,
                               [[maybe_unused]] const std::vector<std::string>& consumer) {
  throw workbook::not_implemented(__FILE__, "Exercise: pipeline");
}

} // namespace workbook::processes
