// std::jthread and cooperative cancellation: a stop is a request that the
// thread's own code checks (std::stop_token) or is woken by (a condition
// variable wait that takes the token, a std::stop_callback). Nothing kills a
// thread from outside. The output is deterministic.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <stop_token>
#include <thread>

// GCC 12 warns that a std::jthread "may be used uninitialized" inside
// libstdc++'s own stop_source constructor (it passes *this to a member's
// constructor); the code is correct, and the warning is a false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace {

void stop_a_polling_thread() {
  // [polling]
  std::jthread counter([](std::stop_token stop) {
    while (!stop.stop_requested()) { // checked between units of work
      std::this_thread::yield();
    }
    std::cout << "the counter saw the stop request and returned\n";
  });
  counter.request_stop();
  counter.join();
  // [polling]
}

void stop_a_waiting_thread() {
  // [waiting]
  std::mutex mutex;
  std::condition_variable_any wake;
  bool has_work = false;
  std::jthread waiter([&](std::stop_token stop) {
    std::unique_lock lock(mutex);
    // Returns when has_work is true OR a stop is requested; the token's
    // overload cannot miss a stop requested just before it starts to wait.
    const bool got_work = wake.wait(lock, stop, [&] { return has_work; });
    std::cout << std::boolalpha << "waiter woke up, got work: " << got_work
              << ", stop requested: " << stop.stop_requested() << '\n';
  });
  // [waiting]

  // [callback]
  std::atomic<bool> callback_ran{false};
  std::stop_callback on_stop(waiter.get_stop_token(), [&] { callback_ran = true; });
  waiter.request_stop(); // runs the callbacks, on this thread, before it returns
  waiter.join();
  std::cout << "the stop callback ran: " << callback_ran.load() << '\n';
  // [callback]
}

void stop_a_timed_wait() {
  // [timed-wait]
  std::mutex mutex;
  std::condition_variable_any wake;
  bool has_work = false;
  std::jthread sleeper([&](std::stop_token stop) {
    std::unique_lock lock(mutex);
    // Waits for work, for an hour at most, or until a stop: whichever comes
    // first. It returns the predicate's value: false here, so the caller
    // tells "stopped" (stop.stop_requested()) from "the hour passed".
    const bool got_work = wake.wait_for(lock, stop, std::chrono::hours(1), [&] { return has_work; });
    std::cout << std::boolalpha << "sleeper woke up before the hour, got work: " << got_work
              << ", stop requested: " << stop.stop_requested() << '\n';
  });
  sleeper.request_stop(); // wakes the timed wait at once
  // [timed-wait]
}

} // namespace

int main() {
  stop_a_polling_thread();
  stop_a_waiting_thread();
  stop_a_timed_wait();
  // A jthread that is still joinable when destroyed requests a stop and joins:
  // unlike std::thread, whose destructor would call std::terminate.
  std::jthread left_running([](std::stop_token stop) {
    while (!stop.stop_requested()) {
      std::this_thread::yield();
    }
  });
  std::cout << "leaving main with a running jthread\n";
  return 0;
}
