// The synchronization policy the workbook's synchronizing exercises take as
// a template parameter. `workbook::std_sync`, the default, names exactly the
// standard library's types and functions, so an exercise compiled with it is
// plain C++. The hidden tests pass `workbook::sim::sync` instead: the same
// names, backed by a scheduler the grader controls (one thread runs at a
// time, every operation is a point where it may switch threads, and a virtual
// clock moves only when every thread waits), so that it can try every
// interleaving of a small scenario instead of hoping to hit the bad one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace workbook {

/// The real thing: the standard library's mutex, condition variables,
/// atomics, steady clock, threads and `this_thread` functions.
struct std_sync {
  using mutex = std::mutex;
  /// Waits take a `std::unique_lock<mutex>`: `wait`, `wait_for`, `wait_until`,
  /// with or without a predicate, and `notify_one` / `notify_all`.
  using condition_variable = std::condition_variable;
  using condition_variable_any = std::condition_variable_any;
  template <class T> using atomic = std::atomic<T>;
  /// The clock of every deadline: `clock::now() + timeout`.
  using clock = std::chrono::steady_clock;
  using thread = std::thread;
  using jthread = std::jthread;

  /// `std::this_thread`'s functions.
  struct this_thread {
    static void yield() noexcept { std::this_thread::yield(); }
    template <class Rep, class Period>
    static void sleep_for(const std::chrono::duration<Rep, Period>& duration) {
      std::this_thread::sleep_for(duration);
    }
    template <class Clock, class Duration>
    static void sleep_until(const std::chrono::time_point<Clock, Duration>& deadline) {
      std::this_thread::sleep_until(deadline);
    }
    static std::thread::id get_id() noexcept { return std::this_thread::get_id(); }
  };
};

} // namespace workbook
