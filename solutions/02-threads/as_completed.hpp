// Exercise: as_completed — Python's concurrent.futures.as_completed: results in the order they finish.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: as_completed".
// Grade it: `./workbook check as_completed`.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace workbook::threads {

/// Runs `tasks` on `threads` threads of its own and hands back each task's
/// future **in the order the tasks finish**, like Python's
/// `for f in as_completed(futures)`. (A `std::future` cannot tell anyone that
/// it became ready, so as_completed runs the tasks itself and records each
/// completion as it happens.)
///
/// `next()` blocks until a task it has not returned yet has finished, and
/// returns that task's index in `tasks` and its future, which is ready: `get()`
/// gives the value or rethrows the task's exception. Once every task has been
/// returned, `next()` returns std::nullopt. The tasks start in index order as
/// threads become free; at most `threads` run at once.
///
/// The destructor waits for every task to finish (whether or not `next` has
/// returned it) and joins the threads. `next` is called from one thread.
template <class T> class AsCompleted {
public:
  /// @throws std::invalid_argument if `threads` is 0.
  AsCompleted(std::vector<std::function<T()>> tasks, std::size_t threads) {
    if (threads == 0) {
      throw std::invalid_argument("as_completed needs at least one thread");
    }
    tasks_.reserve(tasks.size());
    futures_.reserve(tasks.size());
    for (auto& task : tasks) {
      tasks_.emplace_back(std::move(task));
      futures_.push_back(tasks_.back().get_future());
    }
    const std::size_t count = std::min(threads, tasks_.size());
    threads_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      threads_.emplace_back([this] { work(); });
    }
  }
  AsCompleted(const AsCompleted&) = delete;
  AsCompleted& operator=(const AsCompleted&) = delete;
  ~AsCompleted() {
    for (auto& thread : threads_) {
      thread.join();
    }
  }

  /// The index and the (ready) future of the next task to finish, or
  /// std::nullopt when every task has been returned.
  std::optional<std::pair<std::size_t, std::future<T>>> next() {
    std::unique_lock lock(mutex_);
    if (returned_ == futures_.size()) {
      return std::nullopt;
    }
    finished_one_.wait(lock, [this] { return !finished_.empty(); });
    const std::size_t index = finished_.front();
    finished_.pop_front();
    ++returned_;
    return std::pair{index, std::move(futures_[index])};
  }

private:
  void work() {
    for (;;) {
      const std::size_t index = next_task_.fetch_add(1);
      if (index >= tasks_.size()) {
        return;
      }
      tasks_[index](); // stores the value or the exception in the future
      {
        std::lock_guard lock(mutex_);
        finished_.push_back(index);
      }
      finished_one_.notify_one();
    }
  }

  std::vector<std::packaged_task<T()>> tasks_;
  std::vector<std::future<T>> futures_;
  std::atomic<std::size_t> next_task_{0};
  std::mutex mutex_;
  std::condition_variable finished_one_;
  std::deque<std::size_t> finished_; // indices finished and not yet returned, in finishing order
  std::size_t returned_ = 0;
  std::vector<std::thread> threads_; // last: the threads start once everything else exists
};

} // namespace workbook::threads
