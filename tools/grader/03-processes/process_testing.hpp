// Helpers for the hidden tests of chapter 03: what a call left behind.
#pragma once

#include <dirent.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace workbook::testing {

/// The open descriptors of this process, from /proc/self/fd (Linux).
inline std::vector<int> open_descriptors() {
  std::vector<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) {
    return fds;
  }
  const int own = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') {
      const int fd = std::stoi(entry->d_name);
      if (fd != own) {
        fds.push_back(fd);
      }
    }
  }
  ::closedir(dir);
  return fds;
}

/// Whether this process has no child at all, running or zombie (waitpid
/// reports ECHILD). A child that ended and was not waited for is a zombie.
inline bool no_children_left() {
  int status = 0;
  const pid_t pid = ::waitpid(-1, &status, WNOHANG);
  return pid < 0 && errno == ECHILD;
}

/// While it lives, SIGPIPE is blocked on this thread and ignored in the
/// whole process, the state a careless caller leaves behind; the
/// destructor restores both.
class SigpipeBlockedAndIgnored {
public:
  SigpipeBlockedAndIgnored() {
    sigset_t sigpipe;
    ::sigemptyset(&sigpipe);
    ::sigaddset(&sigpipe, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &sigpipe, &mask_);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &action_);
  }
  SigpipeBlockedAndIgnored(const SigpipeBlockedAndIgnored&) = delete;
  SigpipeBlockedAndIgnored& operator=(const SigpipeBlockedAndIgnored&) = delete;
  ~SigpipeBlockedAndIgnored() {
    ::sigaction(SIGPIPE, &action_, nullptr);
    ::pthread_sigmask(SIG_SETMASK, &mask_, nullptr);
  }

private:
  sigset_t mask_{};
  struct sigaction action_ {};
};

/// Whether SIGPIPE is set in the signal-mask line `field` ("SigBlk:",
/// "SigIgn:") of a /proc/PID/status text.
inline bool sigpipe_in(const std::string& status, const std::string& field) {
  std::istringstream lines(status);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(field, 0) == 0) {
      const unsigned long long mask = std::strtoull(line.c_str() + field.size(), nullptr, 16);
      return ((mask >> (SIGPIPE - 1)) & 1U) != 0;
    }
  }
  return true; // no such line: report the worst
}

} // namespace workbook::testing
