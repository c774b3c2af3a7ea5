// Helpers for the hidden tests of chapter 02: what another thread of this
// process is blocked in, so that a test can see a thread wait without a
// clock.
#pragma once

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace workbook::testing {

// What the thread `tid` of this process is blocked in, read from
// /proc/self/task/<tid>/syscall (Linux): the system call's number and first
// argument, or nothing while it runs. A thread joining another waits in
// futex(&that_thread's_descriptor->tid, ...), an address inside the joined
// thread's pthread descriptor; a thread waiting for a mutex or a
// condition variable waits in futex too, on the address of that object.
struct BlockedIn {
  long call = -1;
  std::uintptr_t first_argument = 0;
};
inline BlockedIn blocked_in(pid_t tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/syscall", static_cast<int>(tid));
  char text[256] = {};
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return {};
  }
  const ssize_t length = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  BlockedIn result;
  if (length <= 0 || text[0] < '0' || text[0] > '9') {
    return result; // "running", or "-1 ..." (not in a system call)
  }
  char* rest = nullptr;
  result.call = std::strtol(text, &rest, 10);
  result.first_argument = static_cast<std::uintptr_t>(std::strtoull(rest, nullptr, 16));
  return result;
}

} // namespace workbook::testing
