// Exercise: thread_pool — Python's ThreadPoolExecutor: a fixed set of workers and futures.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: thread_pool".
// Grade it: `./workbook check thread_pool`.
#pragma once

#include <workbook/not_implemented.hpp>
#include <workbook/sync.hpp>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace workbook::threads {

/// Thrown by submit once the pool has been shut down (Python raises
/// `RuntimeError: cannot schedule new futures after shutdown`).
class pool_shut_down : public std::runtime_error {
public:
  pool_shut_down() : std::runtime_error("submit on a thread pool that has been shut down") {}
};

/// Python's `concurrent.futures.ThreadPoolExecutor`: `threads` worker
/// threads, started by the constructor, take submitted tasks from one FIFO
/// queue and run each exactly once. `submit` returns a `std::future` for the
/// task's result; an exception the task throws reaches whoever calls
/// `get()` on that future, and the worker carries on with the next task.
///
/// `shutdown(wait)` stops accepting tasks; every task submitted before it
/// still runs. With `wait` it blocks until they have all run and the workers
/// have been joined; without, it returns at once and the destructor joins.
/// The destructor is `shutdown(true)`, like leaving Python's `with` block.
///
/// `shutdown` may be called from several threads at once; every call
/// returns only as described. It may be called from a task too: then it
/// stops the intake and returns at once, even with `wait`, since the task
/// that called it is still running (a worker never joins itself, nor waits
/// for a call outside the pool that is joining it); the call outside the
/// pool, or the destructor, joins.
/// `size()` is the number of workers the pool was created with, also after
/// shutdown.
///
/// `Sync` is the synchronization policy: write `typename Sync::mutex`,
/// `typename Sync::condition_variable` (its waits take a
/// `std::unique_lock<typename Sync::mutex>`; it may wake a worker
/// spuriously), `typename Sync::thread` and `Sync::this_thread::get_id()`
/// where you would write the std names. The default, `workbook::std_sync`,
/// *is* those std types; the hidden tests pass a simulated policy that runs
/// your pool under every schedule of a small scenario. Change the queue and
/// the shut-down flag under the mutex; then notify, with the mutex held or
/// just after releasing it: both are correct. Every wait goes through
/// `Sync`: a `std::mutex` or a `std::future::get` inside the pool blocks
/// where the simulated scheduler cannot see it.
template <class Sync = workbook::std_sync> class ThreadPool {
public:
  /// Starts `threads` workers.
  /// @throws std::invalid_argument if `threads` is 0.
  explicit ThreadPool([[maybe_unused]] std::size_t threads) {
    throw workbook::not_implemented(__FILE__, "Exercise: thread_pool");
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() = default; // yours: shut down and join

  /// Queues `function(args...)` (the arguments are copied or moved into the
  /// task, as `std::thread` does: pass `std::ref(x)` to share `x`) and returns
  /// the future of its result. Move-only functions and arguments work.
  /// @throws pool_shut_down after shutdown.
  template <class Function, class... Args>
  auto submit([[maybe_unused]] Function&& function, [[maybe_unused]] Args&&... args)
      -> std::future<std::invoke_result_t<std::decay_t<Function>, std::decay_t<Args>...>> {
    throw workbook::not_implemented(__FILE__, "Exercise: thread_pool");
  }

  /// Stops accepting tasks; the ones already submitted still run. With
  /// `wait`, returns once they have all run and every worker is joined.
  /// Calling it again is harmless.
  void shutdown([[maybe_unused]] bool wait = true) {
    throw workbook::not_implemented(__FILE__, "Exercise: thread_pool");
  }

  /// The number of worker threads.
  [[nodiscard]] std::size_t size() const {
    throw workbook::not_implemented(__FILE__, "Exercise: thread_pool");
  }

private:
  // Your state: the workers (`typename Sync::thread`), a queue of type-erased
  // tasks, a `typename Sync::mutex`, a `typename Sync::condition_variable`,
  // and whether the pool has been shut down.
};

} // namespace workbook::threads
