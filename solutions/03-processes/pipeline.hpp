// Exercise: pipeline — `producer | consumer`, wired by hand.
//
// Chapter: chapters/03-processes/README.md, section "Exercise: pipeline".
// Grade it: `./workbook check pipeline`.
#pragma once

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
inline PipelineResult pipeline(const std::vector<std::string>& producer,
                               const std::vector<std::string>& consumer) {
  if (producer.empty() || consumer.empty()) {
    throw std::invalid_argument("a pipeline needs two programs");
  }
  const auto make_pipe = [](int(&ends)[2]) {
    if (::pipe2(ends, O_CLOEXEC) != 0) {
      throw std::system_error(errno, std::generic_category(), "pipe2");
    }
  };
  const auto spawn = [](const std::vector<std::string>& argv, int in, int out, pid_t& pid) {
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    if (in >= 0) {
      ::posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
    }
    ::posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO);
    std::vector<char*> arguments;
    for (const auto& argument : argv) {
      arguments.push_back(const_cast<char*>(argument.c_str())); // posix_spawn's signature; not modified
    }
    arguments.push_back(nullptr);
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

    const int error = ::posix_spawnp(&pid, argv[0].c_str(), &actions, &attributes, arguments.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attributes);
    return error;
  };
  const auto reap = [](pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return ChildStatus::from_wait_status(status);
  };

  int middle[2];
  make_pipe(middle);
  int captured[2];
  try {
    make_pipe(captured);
  } catch (...) {
    ::close(middle[0]);
    ::close(middle[1]);
    throw;
  }
  pid_t producer_pid = -1;
  pid_t consumer_pid = -1;
  int error = spawn(producer, -1, middle[1], producer_pid);
  ::close(middle[1]); // this process's write end: only the producer's copy remains
  if (error != 0) {
    ::close(middle[0]);
    ::close(captured[0]);
    ::close(captured[1]);
    throw pipeline_error(error, producer[0]);
  }
  error = spawn(consumer, middle[0], captured[1], consumer_pid);
  ::close(middle[0]); // a producer writing now gets EPIPE if the consumer is gone
  ::close(captured[1]);
  if (error != 0) {
    ::close(captured[0]);
    reap(producer_pid);
    throw pipeline_error(error, consumer[0]);
  }
  PipelineResult result;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(captured[0], buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(captured[0]);
  result.producer = reap(producer_pid);
  result.consumer = reap(consumer_pid);
  return result;
}

} // namespace workbook::processes
