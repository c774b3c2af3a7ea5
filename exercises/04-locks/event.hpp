// Exercise: event — Python's threading.Event: a flag that threads can wait for.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: event".
// Grade it: `./workbook check event`.
#pragma once

#include <workbook/not_implemented.hpp>
#include <workbook/sync.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>

namespace workbook::locks {

/// Python's `threading.Event`: a flag, initially clear, and a way to wait
/// until it is set. `set()` releases **every** thread waiting at that moment,
/// even if `clear()` is called before they get to run (as in Python, where
/// `wait` returns True for them); a thread that starts waiting after the
/// flag was cleared waits for the next `set()`.
///
/// `Sync` is the synchronization policy: write `typename Sync::mutex`,
/// `typename Sync::condition_variable` (its waits take a
/// `std::unique_lock<typename Sync::mutex>`) and `Sync::clock::now()` where
/// you would write the std names. The default, `workbook::std_sync`, *is* those
/// std types; the hidden tests pass a simulated policy so that they can run
/// your code under every schedule of a small scenario.
template <class Sync = workbook::std_sync> class Event {
public:
  Event() { throw workbook::not_implemented(__FILE__, "Exercise: event"); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  /// Sets the flag and wakes every waiter.
  void set() { throw workbook::not_implemented(__FILE__, "Exercise: event"); }

  /// Clears the flag.
  void clear() { throw workbook::not_implemented(__FILE__, "Exercise: event"); }

  /// Whether the flag is set.
  [[nodiscard]] bool is_set() const { throw workbook::not_implemented(__FILE__, "Exercise: event"); }

  /// Blocks until the flag is set (returns at once if it is).
  void wait() { throw workbook::not_implemented(__FILE__, "Exercise: event"); }

  /// Like wait, for at most `timeout`; returns whether the flag was set
  /// (Python's `wait(timeout)` returning True or False).
  template <class Rep, class Period>
  bool wait_for([[maybe_unused]] std::chrono::duration<Rep, Period> timeout) {
    throw workbook::not_implemented(__FILE__, "Exercise: event");
  }

private:
  // Your state: a `typename Sync::mutex`, a `typename Sync::condition_variable`, the flag, and something that
  // tells a waiter "a set() happened since you started waiting".
};

} // namespace workbook::locks
