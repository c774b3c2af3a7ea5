// Helpers for the hidden tests of chapter 03: what a call left behind.
#pragma once

#include <dirent.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <cerrno>
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

} // namespace workbook::testing
