// Exercise: process_pool — ProcessPoolExecutor: forked workers fed over pipes.
//
// Chapter: chapters/03-processes/README.md, section "Exercise: process_pool".
// Grade it: `./workbook check process_pool`.
#pragma once

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
  ProcessPool(unsigned workers, Work work) : work_(std::move(work)) {
    if (workers == 0 || !work_) {
      throw std::invalid_argument("a process pool needs a worker function and at least one worker");
    }
    // The workers start with the caller's signal mask, also the ones forked
    // later inside map(), where SIGPIPE is blocked for the pool's own writes.
    ::pthread_sigmask(SIG_BLOCK, nullptr, &worker_mask_);
    workers_.resize(workers);
    try {
      for (auto& worker : workers_) {
        start(worker);
      }
    } catch (...) {
      shutdown();
      throw;
    }
  }
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;
  ~ProcessPool() { shutdown(); }

  /// Runs `work` on every input in the workers; results in input order.
  /// @throws std::logic_error after shutdown.
  std::vector<TaskResult> map(const std::vector<std::string>& inputs) {
    if (shut_down_) {
      throw std::logic_error("map on a process pool that has been shut down");
    }
    BlockSigpipe guard; // a worker that died makes our next write fail with EPIPE instead
    std::vector<TaskResult> results(inputs.size());
    std::size_t next = 0;
    std::size_t done = 0;
    while (done < inputs.size()) {
      for (auto& worker : workers_) { // hand a task to every idle worker
        if (worker.task < 0 && next < inputs.size()) {
          worker.task = static_cast<long>(next);
          if (!write_frame(worker.request, inputs[next])) {
            finish_dead(worker, results); // it died before it could take the task
            ++done;
          }
          ++next;
        }
      }
      std::vector<pollfd> watched;
      std::vector<Worker*> owners;
      for (auto& worker : workers_) {
        if (worker.task >= 0) {
          watched.push_back({worker.reply, POLLIN, 0});
          owners.push_back(&worker);
        }
      }
      if (watched.empty()) {
        continue;
      }
      if (::poll(watched.data(), watched.size(), -1) < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw std::system_error(errno, std::generic_category(), "poll");
      }
      for (std::size_t i = 0; i < watched.size(); ++i) {
        if (watched[i].revents == 0) {
          continue;
        }
        Worker& worker = *owners[i];
        char kind = 0;
        std::string payload;
        if (read_exact(worker.reply, &kind, 1) && read_frame(worker.reply, payload)) {
          auto& result = results[static_cast<std::size_t>(worker.task)];
          result.ok = kind == 0;
          (result.ok ? result.value : result.error) = std::move(payload);
          worker.task = -1;
        } else {
          finish_dead(worker, results); // end of file: the worker is gone
        }
        ++done;
      }
    }
    return results;
  }

  /// Closes every request pipe, waits for every worker to exit, and closes
  /// the reply pipes. Harmless when called again.
  void shutdown() {
    shut_down_ = true;
    for (auto& worker : workers_) {
      close_fd(worker.request); // the worker reads end-of-file and exits
    }
    for (auto& worker : workers_) {
      reap(worker);
      close_fd(worker.reply);
    }
  }

  /// The number of workers.
  [[nodiscard]] unsigned size() const { return static_cast<unsigned>(workers_.size()); }

  /// The process ids of the current workers (a replaced worker has a new one).
  [[nodiscard]] std::vector<pid_t> worker_pids() const {
    std::vector<pid_t> pids;
    for (const auto& worker : workers_) {
      pids.push_back(worker.pid);
    }
    return pids;
  }

private:
  struct Worker {
    pid_t pid = -1;
    int request = -1; ///< our write end of its request pipe
    int reply = -1;   ///< our read end of its reply pipe
    long task = -1;   ///< the input index it is working on, or -1
  };

  struct BlockSigpipe {
    sigset_t sigpipe{};
    sigset_t previous{};
    BlockSigpipe() {
      ::sigemptyset(&sigpipe);
      ::sigaddset(&sigpipe, SIGPIPE);
      ::pthread_sigmask(SIG_BLOCK, &sigpipe, &previous);
    }
    ~BlockSigpipe() {
      if (::sigismember(&previous, SIGPIPE) == 0) {
        // Discard the SIGPIPE a failed write left pending, which would
        // otherwise be delivered the moment it is unblocked; a caller that
        // had it blocked already keeps whatever is pending.
        const timespec no_wait{0, 0};
        while (::sigtimedwait(&sigpipe, nullptr, &no_wait) > 0) {
        }
      }
      ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    }
  };

  void start(Worker& worker) {
    int request[2];
    int reply[2];
    if (::pipe2(request, O_CLOEXEC) != 0) {
      throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    if (::pipe2(reply, O_CLOEXEC) != 0) {
      const int error = errno;
      ::close(request[0]);
      ::close(request[1]);
      throw std::system_error(error, std::generic_category(), "pipe2");
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
      const int error = errno;
      for (int fd : {request[0], request[1], reply[0], reply[1]}) {
        ::close(fd);
      }
      throw std::system_error(error, std::generic_category(), "fork");
    }
    if (pid == 0) {
      ::pthread_sigmask(SIG_SETMASK, &worker_mask_, nullptr); // not map()'s SIGPIPE block
      // The child: keep only its own two ends. A copy of another worker's
      // request pipe would keep that worker from seeing end of file at
      // shutdown until this one has exited too.
      for (const auto& other : workers_) {
        close_fd_copy(other.request);
        close_fd_copy(other.reply);
      }
      ::close(request[1]);
      ::close(reply[0]);
      serve(request[0], reply[1]);
      ::_exit(0);
    }
    ::close(request[0]);
    ::close(reply[1]);
    worker.pid = pid;
    worker.request = request[1];
    worker.reply = reply[0];
    worker.task = -1;
  }

  [[noreturn]] void serve(int requests, int replies) {
    std::string input;
    for (;;) {
      if (!read_frame(requests, input)) {
        ::_exit(0); // the pool closed our pipe: shut down
      }
      char kind = 0;
      std::string output;
      try {
        output = work_(input);
      } catch (const std::exception& error) {
        kind = 1;
        output = error.what();
      } catch (...) {
        kind = 1;
        output = "unknown exception";
      }
      if (!write_exact(replies, &kind, 1) || !write_frame(replies, output)) {
        ::_exit(1);
      }
    }
  }

  void finish_dead(Worker& worker, std::vector<TaskResult>& results) {
    auto& result = results[static_cast<std::size_t>(worker.task)];
    close_fd(worker.request);
    close_fd(worker.reply);
    const auto status = reap(worker);
    result.ok = false;
    result.error = "worker " + status.describe();
    start(worker); // a fresh worker in its place
  }

  static ChildStatus reap(Worker& worker) {
    ChildStatus status;
    if (worker.pid > 0) {
      int raw = 0;
      while (::waitpid(worker.pid, &raw, 0) < 0 && errno == EINTR) {
      }
      status = ChildStatus::from_wait_status(raw);
      worker.pid = -1;
    }
    return status;
  }

  static void close_fd(int& fd) {
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
  }
  static void close_fd_copy(int fd) {
    if (fd >= 0) {
      ::close(fd);
    }
  }

  static bool read_exact(int fd, void* data, std::size_t size) {
    auto* bytes = static_cast<char*>(data);
    while (size > 0) {
      const ssize_t n = ::read(fd, bytes, size);
      if (n > 0) {
        bytes += n;
        size -= static_cast<std::size_t>(n);
      } else if (n == 0 || errno != EINTR) {
        return false;
      }
    }
    return true;
  }
  static bool write_exact(int fd, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
      const ssize_t n = ::write(fd, bytes, size);
      if (n > 0) {
        bytes += n;
        size -= static_cast<std::size_t>(n);
      } else if (n < 0 && errno != EINTR) {
        return false;
      }
    }
    return true;
  }
  static bool read_frame(int fd, std::string& payload) {
    std::uint32_t length = 0;
    if (!read_exact(fd, &length, sizeof length)) {
      return false;
    }
    payload.resize(length);
    return read_exact(fd, payload.data(), length);
  }
  static bool write_frame(int fd, const std::string& payload) {
    const auto length = static_cast<std::uint32_t>(payload.size());
    return write_exact(fd, &length, sizeof length) && write_exact(fd, payload.data(), payload.size());
  }

  Work work_;
  sigset_t worker_mask_{};
  std::vector<Worker> workers_;
  bool shut_down_ = false;
};

} // namespace workbook::processes
