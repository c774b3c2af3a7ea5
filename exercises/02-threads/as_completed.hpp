// Exercise: as_completed — Python's concurrent.futures.as_completed: results in the order they finish.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: as_completed".
// Grade it: `./workbook check as_completed`.
#pragma once

#include <workbook/not_implemented.hpp>

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
  AsCompleted([[maybe_unused]] std::vector<std::function<T()>> tasks, [[maybe_unused]] std::size_t threads) {
    throw workbook::not_implemented(__FILE__, "Exercise: as_completed");
  }
  AsCompleted(const AsCompleted&) = delete;
  AsCompleted& operator=(const AsCompleted&) = delete;
  ~AsCompleted() = default; // yours: wait for the tasks and join the threads

  /// The index and the (ready) future of the next task to finish, or
  /// std::nullopt when every task has been returned.
  std::optional<std::pair<std::size_t, std::future<T>>> next() {
    throw workbook::not_implemented(__FILE__, "Exercise: as_completed");
  }

private:
  // Your state: the tasks (std::packaged_task turns a call into a future),
  // their futures, the threads, and the indices of the tasks that have
  // finished but not been returned yet, guarded by a mutex.
};

} // namespace workbook::threads
