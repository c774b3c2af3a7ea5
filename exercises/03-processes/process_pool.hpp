// Exercise: process_pool — ProcessPoolExecutor: forked workers fed over pipes.
//
// Chapter: chapters/03-processes/README.md, section "Exercise: process_pool".
// Grade it: `./workbook check process_pool`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <workbook/child_status.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace workbook::processes {

/// One task's outcome: the worker's reply, or why there is none.
struct TaskResult {
  bool ok = false;
  std::string value; ///< the reply, when ok
  std::string error; ///< when !ok: the exception's message, or how the worker died
};

/// Python's `ProcessPoolExecutor(max_workers=workers)` for a function fixed
/// at construction. The constructor forks `workers` worker processes; each
/// one loops: read a task from its request pipe, call `work` on it, write
/// the reply to its reply pipe; it exits when its request pipe is closed.
/// Tasks and replies are byte strings sent as **length-prefixed** frames
/// (a pipe is a byte stream: message boundaries are yours to keep).
///
/// `map(inputs)` runs every input on some worker, as many at once as there
/// are workers, and returns the results **in input order**. If `work`
/// throws in a worker, that task's result holds the exception's message. If
/// a worker **dies** during a task (a signal, or an exit), that task fails
/// with the error "worker " followed by `ChildStatus::describe()` of its
/// wait status (workbook/child_status.hpp: "worker killed by signal 11
/// (Segmentation fault)", "worker exited with code 3"), a new worker is
/// forked in its place, and every other task still completes. (Python's
/// pool, by contrast, is broken for good by one dead worker: the parent's
/// futures fail with BrokenProcessPool.) The dead worker is reaped and its
/// two pipe ends are closed when it is replaced, not at shutdown: the pool
/// holds two descriptors per worker however many have died. A worker that
/// died while idle (between two maps) is found at the latest when map
/// hands it a task: that task fails the same way and the worker is
/// replaced (a pool that notices the death earlier may replace it before
/// handing it anything).
///
/// Writing a task to a worker that has died raises SIGPIPE, which would end
/// the caller: block it around your writes (and drain the one a failed
/// write leaves pending before you unblock it). Workers, replacements
/// included, start with the signal mask the pool was created with, not
/// with SIGPIPE blocked.
///
/// `shutdown()` closes the request pipes and reaps every worker; the
/// destructor calls it. Afterwards no child is left unreaped and no
/// descriptor is left open. `map` is called from one thread at a time.
class ProcessPool {
public:
  using Work = std::function<std::string(const std::string&)>;

  /// Forks the workers.
  /// @throws std::invalid_argument if `workers` is 0 or `work` is empty.
  ProcessPool([[maybe_unused]] unsigned workers, [[maybe_unused]] Work work) {
    throw workbook::not_implemented(__FILE__, "Exercise: process_pool");
  }
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;
  ~ProcessPool() = default; // yours: shut down

  /// Runs `work` on every input in the workers; results in input order.
  /// @throws std::logic_error after shutdown.
  std::vector<TaskResult> map([[maybe_unused]] const std::vector<std::string>& inputs) {
    throw workbook::not_implemented(__FILE__, "Exercise: process_pool");
  }

  /// Closes every request pipe, waits for every worker to exit, and closes
  /// the reply pipes. Harmless when called again.
  void shutdown() { throw workbook::not_implemented(__FILE__, "Exercise: process_pool"); }

  /// The number of workers.
  [[nodiscard]] unsigned size() const { throw workbook::not_implemented(__FILE__, "Exercise: process_pool"); }

  /// The process ids of the current workers (a replaced worker has a new one).
  [[nodiscard]] std::vector<pid_t> worker_pids() const {
    throw workbook::not_implemented(__FILE__, "Exercise: process_pool");
  }

private:
  // Your state: the work function, and per worker its pid, the write end of
  // its request pipe, the read end of its reply pipe, and the task it has.
};

} // namespace workbook::processes
