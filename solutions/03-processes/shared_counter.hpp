// Exercise: shared_counter — one counter, several processes, an exact total.
//
// Chapter: chapters/03-processes/README.md, section "Exercise: shared_counter".
// Grade it: `./workbook check shared_counter`.
#pragma once

#include <workbook/child_status.hpp>

#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace workbook::processes {

/// Forks `processes` children; each adds 1 to one shared counter
/// `increments_each` times, then exits; returns the counter once every child
/// has been reaped. The total must be exact: `processes * increments_each`.
///
/// A variable of the parent is no use: after `fork` each child has its own
/// copy (copy-on-write). The counter must live in memory that the processes
/// really share, `mmap(MAP_SHARED | MAP_ANONYMOUS)` before forking, and be
/// incremented atomically: a lock-free `std::atomic` works across processes.
///
/// @throws std::invalid_argument if `processes` is 0.
/// @throws std::runtime_error if a child did not exit with code 0 (its status
///         in the message); std::system_error if a system call fails. Every
///         child that was started has been reaped, and the mapping released,
///         whatever happens.
inline long count_in_processes(unsigned processes, long increments_each) {
  using Counter = std::atomic<long>;
  static_assert(Counter::is_always_lock_free, "a counter shared between processes must be lock-free");
  if (processes == 0) {
    throw std::invalid_argument("count_in_processes needs at least one process");
  }
  void* memory = ::mmap(nullptr, sizeof(Counter), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    throw std::system_error(errno, std::generic_category(), "mmap");
  }
  auto* counter = new (memory) Counter(0);

  std::vector<pid_t> children;
  int fork_error = 0;
  for (unsigned i = 0; i < processes; ++i) {
    const pid_t child = ::fork();
    if (child < 0) {
      fork_error = errno;
      break;
    }
    if (child == 0) {
      for (long n = 0; n < increments_each; ++n) {
        counter->fetch_add(1, std::memory_order_relaxed);
      }
      ::_exit(0);
    }
    children.push_back(child);
  }
  std::string failure;
  for (const pid_t child : children) {
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    const auto ended = ChildStatus::from_wait_status(status);
    if (!ended.success() && failure.empty()) {
      failure = "a counting child " + ended.describe();
    }
  }
  const long total = counter->load();
  counter->~Counter();
  ::munmap(memory, sizeof(Counter));
  if (fork_error != 0) {
    throw std::system_error(fork_error, std::generic_category(), "fork");
  }
  if (!failure.empty()) {
    throw std::runtime_error(failure);
  }
  return total;
}

} // namespace workbook::processes
