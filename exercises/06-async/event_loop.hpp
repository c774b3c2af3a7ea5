// Exercise: event_loop — asyncio's loop of callbacks and timers, on a virtual clock.
//
// Chapter: chapters/06-async/README.md, section "Exercise: event_loop".
// Grade it: `./workbook check event_loop`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>

namespace workbook::async {

/// A single-threaded event loop with the scheduling rules of Python's
/// asyncio (`call_soon`, `call_later`, `call_at`, `Handle.cancel`, `stop`),
/// on a **virtual clock**: time only moves when the loop has nothing ready
/// to run, and then it jumps straight to the earliest timer. Nothing sleeps.
///
/// The rules (asyncio's `BaseEventLoop._run_once`), one *iteration* at a time:
/// 1. If no callback is ready, move the clock to the earliest timer's due
///    time (the clock never goes back).
/// 2. Every timer due at or before the clock becomes ready, after the
///    callbacks already ready, earliest first; timers due at the same time
///    in the order they were scheduled. (That tie-break is this exercise's
///    rule: asyncio's `call_later` documents the order of callbacks
///    scheduled for the same time as undefined.)
/// 3. Run exactly the callbacks that are ready now, in order. A callback
///    scheduled by a running callback (even with `call_soon`) waits for the
///    next iteration.
///
/// `run_until_idle()` runs iterations until nothing is scheduled;
/// `run_until(done)` until `done()` is true (checked before each iteration)
/// or nothing is scheduled. `stop()` makes the current run return once the
/// current iteration has finished; a later run continues from there. Called
/// when no run is going, `stop()` makes the next run return after its first
/// iteration (as asyncio's `loop.stop()` before `run_forever()`); a stop
/// applies to one run only, even one that ends without an iteration.
///
/// If a callback throws, the exception propagates out of the run; the
/// callbacks of that iteration that had not run yet stay scheduled (they run
/// first when the loop runs again), and so does every timer.
///
/// Not thread-safe: one thread schedules and runs, as in asyncio.
class EventLoop {
public:
  using Callback = std::function<void()>;
  using Duration = std::chrono::milliseconds;
  using TimePoint = Duration; ///< virtual time since the loop was created (starts at 0)

  /// Identifies a scheduled callback for cancel(). Handles are never reused.
  using Handle = std::uint64_t;

  EventLoop() { throw workbook::not_implemented(__FILE__, "Exercise: event_loop"); }
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Schedules `callback` to run in the next iteration.
  /// @throws std::invalid_argument if `callback` is empty.
  Handle call_soon([[maybe_unused]] Callback callback) {
    throw workbook::not_implemented(__FILE__, "Exercise: event_loop");
  }

  /// Schedules `callback` at time() + `delay`.
  /// @throws std::invalid_argument if `delay` is negative or `callback` empty.
  Handle call_later([[maybe_unused]] Duration delay, [[maybe_unused]] Callback callback) {
    throw workbook::not_implemented(__FILE__, "Exercise: event_loop");
  }

  /// Schedules `callback` at virtual time `when`. A time already past is taken
  /// as time(): the callback is due now, runs in the next iteration (after
  /// timers that were already due at time(), by the rule above), and the
  /// clock never moves back.
  /// @throws std::invalid_argument if `callback` is empty.
  Handle call_at([[maybe_unused]] TimePoint when, [[maybe_unused]] Callback callback) {
    throw workbook::not_implemented(__FILE__, "Exercise: event_loop");
  }

  /// Unschedules a callback that has not run yet, even one of the iteration
  /// being run. Returns whether it was still pending.
  bool cancel([[maybe_unused]] Handle handle) {
    throw workbook::not_implemented(__FILE__, "Exercise: event_loop");
  }

  /// The virtual clock.
  [[nodiscard]] TimePoint time() const { throw workbook::not_implemented(__FILE__, "Exercise: event_loop"); }

  /// Whether nothing at all is scheduled.
  [[nodiscard]] bool idle() const { throw workbook::not_implemented(__FILE__, "Exercise: event_loop"); }

  /// Ends the current run after the current iteration.
  void stop() { throw workbook::not_implemented(__FILE__, "Exercise: event_loop"); }

  void run_until_idle() { throw workbook::not_implemented(__FILE__, "Exercise: event_loop"); }

  void run_until([[maybe_unused]] const std::function<bool()>& done) {
    throw workbook::not_implemented(__FILE__, "Exercise: event_loop");
  }

private:
  // Your state: the clock, the next handle, the ready callbacks (with their
  // handles) and the batch of the iteration being run, the timers ordered by
  // due time and then by scheduling order (a std::map keyed by the pair), and
  // whether a stop was asked for.
};

} // namespace workbook::async
