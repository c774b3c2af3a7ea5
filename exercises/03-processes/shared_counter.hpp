// Exercise: shared_counter — one counter, several processes, an exact total.
//
// Chapter: chapters/03-processes/README.md, section "Exercise: shared_counter".
// Grade it: `./workbook check shared_counter`.
#pragma once

#include <workbook/not_implemented.hpp>

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
inline long count_in_processes([[maybe_unused]] unsigned processes, [[maybe_unused]] long increments_each) {
  throw workbook::not_implemented(__FILE__, "Exercise: shared_counter");
}

} // namespace workbook::processes
