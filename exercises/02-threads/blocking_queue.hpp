// Exercise: blocking_queue — Python's queue.Queue: a FIFO that threads block on.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: blocking_queue".
// Grade it: `./workbook check blocking_queue`.
#pragma once

#include <workbook/not_implemented.hpp>
#include <workbook/sync.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

namespace workbook::threads {

/// Thrown by put on a closed queue.
class queue_closed : public std::runtime_error {
public:
  queue_closed() : std::runtime_error("put on a closed queue") {}
};

/// Python's `queue.Queue` for C++ threads: a FIFO queue that any number of
/// producer and consumer threads share. `put` blocks while a bounded queue is
/// full, `get` blocks while it is empty; the `try_` variants never block and
/// the `_for` variants block at most for a timeout. Unlike Python's queue it
/// can be **closed**, which is how consumers learn that no more items will
/// come. Every item put is got exactly once, and the items of one producer
/// come out in the order that producer put them.
///
/// `Sync` is the synchronization policy: write `typename Sync::mutex`,
/// `typename Sync::condition_variable` (its waits take a
/// `std::unique_lock<typename Sync::mutex>`) and `Sync::clock::now()` where
/// you would write the std names. The default, `workbook::std_sync`, *is* those
/// std types; the hidden tests pass a simulated policy that runs your queue
/// under every schedule of a small scenario, wakes waiters spuriously, and
/// keeps a virtual clock, so a timed wait must end exactly at its deadline.
template <class T, class Sync = workbook::std_sync> class BlockingQueue {
public:
  /// A queue that holds at most `maxsize` items; 0 means unbounded (as in Python).
  explicit BlockingQueue([[maybe_unused]] std::size_t maxsize = 0) {
    throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue");
  }
  BlockingQueue(const BlockingQueue&) = delete;
  BlockingQueue& operator=(const BlockingQueue&) = delete;

  /// Appends `item`, blocking while the queue is full.
  /// @throws queue_closed if the queue is closed (before or while waiting).
  void put([[maybe_unused]] T item) { throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue"); }

  /// Appends `item` if there is room now; returns whether it did.
  /// @throws queue_closed if the queue is closed.
  bool try_put([[maybe_unused]] T item) {
    throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue");
  }

  /// Like put, but gives up (returns false) once `timeout` has passed.
  /// @throws queue_closed if the queue is closed.
  template <class Rep, class Period>
  bool put_for([[maybe_unused]] T item, [[maybe_unused]] std::chrono::duration<Rep, Period> timeout) {
    throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue");
  }

  /// Removes and returns the oldest item, blocking while the queue is empty
  /// and open. Returns std::nullopt once the queue is closed **and** empty:
  /// items put before close() are still delivered.
  std::optional<T> get() { throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue"); }

  /// The oldest item if there is one now, else std::nullopt.
  std::optional<T> try_get() { throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue"); }

  /// Like get, but returns std::nullopt once `timeout` has passed.
  template <class Rep, class Period>
  std::optional<T> get_for([[maybe_unused]] std::chrono::duration<Rep, Period> timeout) {
    throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue");
  }

  /// Closes the queue: every put from now on throws queue_closed, and every
  /// thread blocked in put or get wakes up (get drains what is left first).
  void close() { throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue"); }

  /// Marks one item taken by get as processed (Python's `task_done`).
  /// @throws std::logic_error if called more times than items were put.
  void task_done() { throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue"); }

  /// Blocks until every item ever put has been marked done by task_done.
  void join() { throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue"); }

  /// The number of items in the queue now.
  [[nodiscard]] std::size_t size() const {
    throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue");
  }

  /// Whether close() has been called.
  [[nodiscard]] bool closed() const { throw workbook::not_implemented(__FILE__, "Exercise: blocking_queue"); }

private:
  // Your state: a `typename Sync::mutex`, the items, condition variables of
  // type `typename Sync::condition_variable` (one per thing a thread waits
  // for), the count of unfinished items and the closed flag.
};

} // namespace workbook::threads
