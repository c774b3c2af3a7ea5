// Exercise: run_in_child — multiprocessing.Process(target=f): run a function in a child process.
//
// Chapter: chapters/03-processes/README.md, section "Exercise: run_in_child".
// Grade it: `./workbook check run_in_child`.
#pragma once

#include <workbook/child_status.hpp>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <system_error>

namespace workbook::processes {

/// Python's `p = Process(target=body); p.start(); p.join()`, then
/// `p.exitcode`: forks a child process, runs `body()` in it, and waits for
/// the child to end. The child's exit code is what `body` returns (0–255);
/// if `body` throws, the child exits with code 70 (`EX_SOFTWARE`). The child
/// leaves with `_exit`, never `exit`: it must not run the parent's `atexit`
/// handlers or flush stdio buffers it inherited (they would be written
/// twice). A child killed by a signal is reported as such, not as a code.
///
/// No zombie is left behind: the child has been reaped when this returns.
///
/// @throws std::system_error if `fork` or `waitpid` fails.
inline ChildStatus run_in_child(const std::function<int()>& body) {
  const pid_t child = ::fork();
  if (child < 0) {
    throw std::system_error(errno, std::generic_category(), "fork");
  }
  if (child == 0) {
    int code = 70;
    try {
      code = body();
    } catch (...) {
      code = 70;
    }
    ::_exit(code & 0xff);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) { // a signal handler interrupted the wait: wait again
      throw std::system_error(errno, std::generic_category(), "waitpid");
    }
  }
  return ChildStatus::from_wait_status(status);
}

} // namespace workbook::processes
