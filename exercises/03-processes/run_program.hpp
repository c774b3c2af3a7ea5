// Exercise: run_program — subprocess.run(args, input=..., capture_output=True).
//
// Chapter: chapters/03-processes/README.md, section "Exercise: run_program".
// Grade it: `./workbook check run_program`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <workbook/child_status.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

extern char** environ; // POSIX: the environment the child inherits

namespace workbook::processes {

/// Thrown when a program cannot be started at all (not found, not
/// executable): `code()` holds the errno value, and the message names the
/// program. Python raises `FileNotFoundError` here; a shell would run the
/// command and report exit status 127, which is easy to mistake for the
/// program's own failure.
class spawn_error : public std::system_error {
public:
  spawn_error(int error, const std::string& program)
      : std::system_error(error, std::generic_category(), "cannot run '" + program + "'") {}
};

/// What a finished program did.
struct Completed {
  ChildStatus status;
  std::string out; ///< everything it wrote to standard output
  std::string err; ///< everything it wrote to standard error
};

/// Python's `subprocess.run(argv, input=input, capture_output=True)`:
/// runs the program `argv[0]` (looked up in `PATH` when it has no slash)
/// with the arguments `argv[1..]`, each passed **literally** (no shell: a
/// space, a `;` or a `$` in an argument is just a character); writes `input`
/// to its standard input, then closes it; captures its standard output and
/// standard error; and waits for it to end.
///
/// It must not deadlock whatever the program writes: a pipe holds only
/// 64 KiB on Linux, so reading one stream to the end while the program is
/// blocked writing the other, or writing all the input before reading
/// anything, waits for ever. A program that exits without reading all its
/// input is not an error (and must not kill the caller with `SIGPIPE`).
/// Write the input through your end of the pipe made non-blocking
/// (`O_NONBLOCK` on the write end only: the program's standard input stays
/// blocking), and let `poll` say when it can take more.
///
/// The program starts with SIGPIPE at its default action and unblocked,
/// whatever the calling thread did with it: ignored signals and the signal
/// mask survive fork and exec, so ask `posix_spawn` for it
/// (`POSIX_SPAWN_SETSIGDEF`, `POSIX_SPAWN_SETSIGMASK`), and block SIGPIPE
/// for your own writes only after the program has started.
///
/// No descriptor is leaked and the child is reaped before this returns.
///
/// @throws std::invalid_argument if `argv` is empty.
/// @throws spawn_error if the program cannot be started.
inline Completed run_program([[maybe_unused]] const std::vector<std::string>& argv,
                             [[maybe_unused]] std::string_view input = {}) {
  throw workbook::not_implemented(__FILE__, "Exercise: run_program");
}

} // namespace workbook::processes
