#include "process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace workbook::cli {

namespace {

// How a child that waitpid reported ended.
void record_status(int status, ProcessResult& result) {
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
}

} // namespace

std::string ProcessResult::describe() const {
  if (signal != 0) {
    return std::string("killed by signal ") + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
  return "exited with status " + std::to_string(exit_code);
}

ProcessResult run_process(const std::vector<std::string>& argv, bool capture,
                          const std::optional<std::string>& working_directory) {
  if (argv.empty()) {
    throw std::invalid_argument("run_process: empty argument vector");
  }
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);

  int pipe_fds[2] = {-1, -1};
  if (capture && pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (capture) {
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  }
  // A working directory needs posix_spawn_file_actions_addchdir_np (glibc
  // 2.29+), which is fine on the platforms the workbook supports.
  if (working_directory) {
    posix_spawn_file_actions_addchdir_np(&actions, working_directory->c_str());
  }

  pid_t pid = -1;
  const int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (capture) {
    close(pipe_fds[1]);
  }
  if (error != 0) {
    if (capture) {
      close(pipe_fds[0]);
    }
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(error));
  }

  ProcessResult result;
  if (capture) {
    char buffer[65536];
    for (;;) {
      const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
      if (n > 0) {
        result.output.append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        break;
      }
    }
    close(pipe_fds[0]);
  }

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
  }
  record_status(status, result);
  return result;
}

namespace {

// Reads everything from `fd` until end of file, then closes it.
std::string drain(int fd) {
  std::string output;
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      output.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fd);
  return output;
}

} // namespace

std::vector<ProcessResult> run_concurrently(const std::vector<std::vector<std::string>>& argvs) {
  std::vector<ProcessResult> results(argvs.size());
  std::vector<pid_t> children;
  std::vector<int> files;
  std::string failure;
  for (const auto& argv : argvs) {
    if (argv.empty()) {
      failure = "run_concurrently: empty argument vector";
      break;
    }
    char path[] = "/tmp/workbook-output-XXXXXX";
    const int file = mkostemp(path, O_CLOEXEC);
    if (file < 0) {
      failure = std::string("mkostemp: ") + std::strerror(errno);
      break;
    }
    unlink(path); // read through the descriptor; gone once it is closed
    std::vector<char*> args;
    for (const auto& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, file, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, file, STDERR_FILENO);
    pid_t pid = -1;
    const int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
      close(file);
      failure = "cannot start " + argv[0] + ": " + std::strerror(error);
      break;
    }
    children.push_back(pid);
    files.push_back(file);
  }
  for (std::size_t i = 0; i < children.size(); ++i) {
    int status = 0;
    while (waitpid(children[i], &status, 0) < 0 && errno == EINTR) {
    }
    record_status(status, results[i]);
    lseek(files[i], 0, SEEK_SET);
    results[i].output = drain(files[i]);
  }
  if (!failure.empty()) {
    throw std::runtime_error(failure);
  }
  return results;
}

BackgroundProcess::BackgroundProcess(std::vector<std::string> argv, bool lower_priority) {
  std::vector<char*> args;
  for (auto& arg : argv) {
    args.push_back(arg.data());
  }
  args.push_back(nullptr);
  int pipe_fds[2] = {-1, -1};
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0); // a group of its own: stop() ends the compilers too
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(pipe_fds[1]);
  if (error != 0) {
    close(pipe_fds[0]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(error));
  }
  pid_ = pid;
  output_fd_ = pipe_fds[0];
  if (lower_priority) {
    // Before the build has started its compilers (they inherit it); a
    // failure only costs speed.
    static_cast<void>(setpriority(PRIO_PROCESS, static_cast<id_t>(pid), 10));
  }
}

BackgroundProcess::~BackgroundProcess() {
  if (!finished_) {
    stop();
  }
}

ProcessResult BackgroundProcess::wait() {
  if (finished_) {
    return result_;
  }
  result_.output = drain(output_fd_);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  record_status(status, result_);
  finished_ = true;
  return result_;
}

void BackgroundProcess::stop() {
  if (finished_) {
    return;
  }
  kill(-pid_, SIGTERM);
  wait();
}

} // namespace workbook::cli
