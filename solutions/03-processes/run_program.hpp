// Exercise: run_program — subprocess.run(args, input=..., capture_output=True).
//
// Chapter: chapters/03-processes/README.md, section "Exercise: run_program".
// Grade it: `./workbook check run_program`.
#pragma once

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
inline Completed run_program(const std::vector<std::string>& argv, std::string_view input = {}) {
  if (argv.empty()) {
    throw std::invalid_argument("run_program needs at least the program's name");
  }
  struct Pipe {
    int read = -1;
    int write = -1;
    Pipe() {
      int ends[2];
      if (::pipe2(ends, O_CLOEXEC) != 0) { // CLOEXEC: no leak into programs other threads start
        throw std::system_error(errno, std::generic_category(), "pipe2");
      }
      read = ends[0];
      write = ends[1];
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    ~Pipe() {
      close_read();
      close_write();
    }
    void close_read() {
      if (read >= 0) {
        ::close(read);
        read = -1;
      }
    }
    void close_write() {
      if (write >= 0) {
        ::close(write);
        write = -1;
      }
    }
  };
  Pipe to_child;
  Pipe from_out;
  Pipe from_err;

  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  // dup2 onto 0, 1, 2 clears FD_CLOEXEC on the copies; the originals close at exec.
  ::posix_spawn_file_actions_adddup2(&actions, to_child.read, STDIN_FILENO);
  ::posix_spawn_file_actions_adddup2(&actions, from_out.write, STDOUT_FILENO);
  ::posix_spawn_file_actions_adddup2(&actions, from_err.write, STDERR_FILENO);
  std::vector<char*> arguments;
  for (const auto& argument : argv) {
    arguments.push_back(const_cast<char*>(argument.c_str())); // posix_spawn's signature; not modified
  }
  arguments.push_back(nullptr);
  // [spawn-signals]
  // A child inherits ignored signals and the signal mask through fork and
  // exec: a caller that ignores or blocks SIGPIPE would make the program
  // immune to it (`yes | head` would never end by SIGPIPE). Start it with
  // SIGPIPE at its default action and unblocked.
  posix_spawnattr_t attributes;
  ::posix_spawnattr_init(&attributes);
  sigset_t default_signals;
  ::sigemptyset(&default_signals);
  ::sigaddset(&default_signals, SIGPIPE);
  ::posix_spawnattr_setsigdefault(&attributes, &default_signals);
  sigset_t child_mask;
  ::pthread_sigmask(SIG_BLOCK, nullptr, &child_mask); // the caller's mask, less SIGPIPE
  ::sigdelset(&child_mask, SIGPIPE);
  ::posix_spawnattr_setsigmask(&attributes, &child_mask);
  ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  // [spawn-signals]
  pid_t child = -1;
  const int spawned =
      ::posix_spawnp(&child, argv[0].c_str(), &actions, &attributes, arguments.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    throw spawn_error(spawned, argv[0]);
  }
  to_child.close_read();
  from_out.close_write();
  from_err.close_write();
  ::fcntl(to_child.write, F_SETFL, O_NONBLOCK);

  // Writing to a pipe whose reader has gone raises SIGPIPE, which would end
  // this whole process. Block it on this thread (after the spawn, so the
  // child does not inherit the block), and discard the one a failed write
  // leaves pending, so the write just fails with EPIPE.
  // [block-sigpipe]
  sigset_t sigpipe;
  sigset_t previous;
  ::sigemptyset(&sigpipe);
  ::sigaddset(&sigpipe, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &sigpipe, &previous);
  // [block-sigpipe]

  Completed result;
  std::size_t written = 0;
  if (input.empty()) {
    to_child.close_write();
  }
  char buffer[65536];
  while (to_child.write >= 0 || from_out.read >= 0 || from_err.read >= 0) {
    pollfd watched[3] = {
        {to_child.write, POLLOUT, 0}, {from_out.read, POLLIN, 0}, {from_err.read, POLLIN, 0}};
    if (::poll(watched, 3, -1) < 0) { // a negative fd is ignored by poll
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (watched[0].revents != 0) {
      const ssize_t n = ::write(to_child.write, input.data() + written, input.size() - written);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
      }
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
        to_child.close_write(); // done, or the program stopped reading (EPIPE)
      }
    }
    for (int i = 1; i < 3; ++i) {
      if (watched[i].revents == 0) {
        continue;
      }
      Pipe& pipe = i == 1 ? from_out : from_err;
      const ssize_t n = ::read(pipe.read, buffer, sizeof buffer);
      if (n > 0) {
        (i == 1 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        pipe.close_read(); // end of file
      }
    }
  }
  // [drain-sigpipe]
  if (::sigismember(&previous, SIGPIPE) == 0) { // a caller that blocked it keeps what is pending
    const timespec no_wait{0, 0};
    while (::sigtimedwait(&sigpipe, nullptr, &no_wait) > 0) { // drop the SIGPIPE our write raised
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  // [drain-sigpipe]

  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = ChildStatus::from_wait_status(status);
  return result;
}

} // namespace workbook::processes
