// Exercise: run_in_child — multiprocessing.Process(target=f): run a function in a child process.
//
// Chapter: chapters/03-processes/README.md, section "Exercise: run_in_child".
// Grade it: `./workbook check run_in_child`.
#pragma once

#include <workbook/not_implemented.hpp>

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
inline ChildStatus run_in_child([[maybe_unused]] const std::function<int()>& body) {
  throw workbook::not_implemented(__FILE__, "Exercise: run_in_child");
}

} // namespace workbook::processes
