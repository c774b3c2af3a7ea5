// Exercise: event_loop — asyncio's loop of callbacks and timers, on a virtual clock.
//
// Chapter: chapters/06-async/README.md, section "Exercise: event_loop".
// Grade it: `./workbook check event_loop`.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <utility>

namespace workbook::async {

class EventLoop {
public:
  using Callback = std::function<void()>;
  using Duration = std::chrono::milliseconds;
  using TimePoint = Duration; ///< virtual time since the loop was created

  /// A scheduled callback, for cancel(). Handles are never reused.
  using Handle = std::uint64_t;

  EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  Handle call_soon(Callback callback) {
    if (!callback) {
      throw std::invalid_argument("EventLoop::call_soon: empty callback");
    }
    const Handle handle = next_handle_++;
    ready_.emplace_back(handle, std::move(callback));
    return handle;
  }

  Handle call_later(Duration delay, Callback callback) {
    if (delay < Duration::zero()) {
      throw std::invalid_argument("EventLoop::call_later: negative delay");
    }
    return call_at(now_ + delay, std::move(callback));
  }

  Handle call_at(TimePoint when, Callback callback) {
    if (!callback) {
      throw std::invalid_argument("EventLoop::call_at: empty callback");
    }
    const Handle handle = next_handle_++;
    timers_.emplace(std::make_pair(std::max(when, now_), handle), std::move(callback));
    return handle;
  }

  bool cancel(Handle handle) {
    for (auto* queue : {&running_, &ready_}) {
      for (auto it = queue->begin(); it != queue->end(); ++it) {
        if (it->first == handle) {
          queue->erase(it);
          return true;
        }
      }
    }
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == handle) {
        timers_.erase(it);
        return true;
      }
    }
    return false;
  }

  [[nodiscard]] TimePoint time() const { return now_; }
  [[nodiscard]] bool idle() const { return running_.empty() && ready_.empty() && timers_.empty(); }

  void stop() { stopping_ = true; }

  void run_until_idle() {
    run_until([] { return false; });
  }

  void run_until(const std::function<bool()>& done) {
    // A stop asked for before the run (stopping_ already set) still lets one
    // iteration run, as asyncio's loop.stop() before run_forever() does.
    try {
      while (!done() && !idle()) {
        run_once();
        if (stopping_) {
          break;
        }
      }
    } catch (...) {
      stopping_ = false; // a stop applies to one run, even one ended by an exception
      throw;
    }
    stopping_ = false;
  }

private:
  // One iteration, as asyncio's _run_once: when nothing is ready, jump the
  // virtual clock to the earliest timer; move every due timer to the ready
  // queue (by time, then by scheduling order); run exactly the callbacks
  // that were ready when the iteration began.
  void run_once() {
    if (ready_.empty() && !timers_.empty()) {
      now_ = std::max(now_, timers_.begin()->first.first);
    }
    while (!timers_.empty() && timers_.begin()->first.first <= now_) {
      auto node = timers_.extract(timers_.begin());
      ready_.emplace_back(node.key().second, std::move(node.mapped()));
    }
    running_.swap(ready_); // callbacks scheduled from now on wait for the next iteration
    while (!running_.empty()) {
      Callback callback = std::move(running_.front().second);
      running_.pop_front();
      try {
        callback();
      } catch (...) {
        // The loop stays consistent: what this iteration did not run yet
        // runs first when the loop is run again.
        ready_.insert(ready_.begin(), std::make_move_iterator(running_.begin()),
                      std::make_move_iterator(running_.end()));
        running_.clear();
        throw;
      }
    }
  }

  TimePoint now_{0};
  Handle next_handle_ = 1;
  bool stopping_ = false;
  std::deque<std::pair<Handle, Callback>> ready_;
  std::deque<std::pair<Handle, Callback>> running_;         // this iteration's batch
  std::map<std::pair<TimePoint, Handle>, Callback> timers_; // by due time, then scheduling order
};

} // namespace workbook::async
