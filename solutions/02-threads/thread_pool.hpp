// Exercise: thread_pool — Python's ThreadPoolExecutor: a fixed set of workers and futures.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: thread_pool".
// Grade it: `./workbook check thread_pool`.
#pragma once

#include <workbook/sync.hpp>

#include <algorithm>
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
  explicit ThreadPool(std::size_t threads) {
    if (threads == 0) {
      throw std::invalid_argument("a thread pool needs at least one thread");
    }
    workers_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) {
      workers_.emplace_back([this] { work(); });
      worker_ids_.push_back(workers_.back().get_id());
    }
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() { shutdown(true); }

  /// Queues `function(args...)` (the arguments are copied or moved into the
  /// task, as `std::thread` does: pass `std::ref(x)` to share `x`) and returns
  /// the future of its result. Move-only functions and arguments work.
  /// @throws pool_shut_down after shutdown.
  template <class Function, class... Args>
  auto submit(Function&& function, Args&&... args)
      -> std::future<std::invoke_result_t<std::decay_t<Function>, std::decay_t<Args>...>> {
    using Result = std::invoke_result_t<std::decay_t<Function>, std::decay_t<Args>...>;
    // std::function needs a copyable target, std::packaged_task is move-only:
    // share it.
    auto task = std::make_shared<std::packaged_task<Result()>>(
        [function = std::forward<Function>(function),
         arguments = std::make_tuple(std::forward<Args>(args)...)]() mutable {
          return std::apply(std::move(function), std::move(arguments));
        });
    std::future<Result> result = task->get_future();
    {
      std::lock_guard lock(mutex_);
      if (shut_down_) {
        throw pool_shut_down();
      }
      tasks_.emplace_back([task] { (*task)(); });
    }
    work_available_.notify_one();
    return result;
  }

  /// Stops accepting tasks; the ones already submitted still run. With
  /// `wait`, returns once they have all run and every worker is joined.
  /// Calling it again is harmless.
  void shutdown(bool wait = true) {
    {
      std::lock_guard lock(mutex_);
      shut_down_ = true;
    }
    work_available_.notify_all();
    if (!wait || called_from_a_task()) {
      // A task cannot wait for itself, nor for the join_mutex_ of a caller
      // that is joining the very worker running it: that would deadlock.
      return;
    }
    std::lock_guard join_lock(join_mutex_); // one joiner at a time; the others wait for it
    for (auto& worker : workers_) {
      if (worker.joinable()) {
        worker.join();
      }
    }
  }

  /// The number of worker threads.
  [[nodiscard]] std::size_t size() const { return workers_.size(); }

private:
  // worker_ids_ is written by the constructor only: a task may read it while
  // another thread joins (and so changes) the thread objects themselves.
  [[nodiscard]] bool called_from_a_task() const {
    return std::find(worker_ids_.begin(), worker_ids_.end(), Sync::this_thread::get_id()) !=
           worker_ids_.end();
  }

  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        work_available_.wait(lock, [this] { return shut_down_ || !tasks_.empty(); });
        if (tasks_.empty()) {
          return; // shut down and nothing left to run
        }
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task(); // a packaged_task: an exception lands in its future
    }
  }

  typename Sync::mutex mutex_;
  typename Sync::condition_variable work_available_;
  std::deque<std::function<void()>> tasks_;
  bool shut_down_ = false;
  typename Sync::mutex join_mutex_;
  std::vector<typename Sync::thread> workers_;
  std::vector<std::thread::id> worker_ids_;
};

} // namespace workbook::threads
