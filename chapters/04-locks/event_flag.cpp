// threading.Event in C++, from standard parts: a flag, the mutex that guards
// it and a condition variable to wait on it (Python builds its Event from a
// Condition and a flag the same way). Three workers wait for a start signal;
// main sets it once all three are waiting; a wait with a timeout on an
// event that nobody sets returns false. The output is deterministic.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace {

// [flag]
// The tutorial's Event without clear(): set(), is_set, wait(), wait(timeout).
struct StartSignal {
  std::mutex mutex;
  std::condition_variable changed;
  bool is_set = false; // event.is_set()
  int waiting = 0;     // how many threads are in wait(): for main to see
  int went = 0;        // how many have returned from wait()
};

void set(StartSignal& event) { // event.set(): every waiter, and every later wait, goes
  {
    std::lock_guard lock(event.mutex);
    event.is_set = true;
  }
  event.changed.notify_all();
}

void wait(StartSignal& event) { // event.wait(): returns at once if already set
  std::unique_lock lock(event.mutex);
  ++event.waiting;
  event.changed.notify_all(); // tell main one more is waiting
  event.changed.wait(lock, [&] { return event.is_set; });
  ++event.went;
  event.changed.notify_all();
}

bool wait_for(StartSignal& event, std::chrono::milliseconds timeout) { // event.wait(timeout)
  std::unique_lock lock(event.mutex);
  return event.changed.wait_for(lock, timeout, [&] { return event.is_set; });
}
// [flag]

} // namespace

int main() {
  // [workers]
  StartSignal start;
  {
    std::vector<std::jthread> workers;
    for (int w = 0; w < 3; ++w) {
      workers.emplace_back([&] { wait(start); });
    }
    {
      std::unique_lock lock(start.mutex); // not sleep(): the state says they wait
      start.changed.wait(lock, [&] { return start.waiting == 3; });
      std::printf("%d workers waiting, %d gone\n", start.waiting, start.went);
    }
    set(start);
    std::unique_lock lock(start.mutex);
    start.changed.wait(lock, [&] { return start.went == 3; });
    std::printf("after set(): %d workers gone\n", start.went);
  }
  std::printf("a wait on a set event returns at once: %s\n",
              wait_for(start, std::chrono::hours(1)) ? "True" : "False");
  StartSignal never;
  std::printf("wait(0.01) on an event nobody sets: %s\n",
              wait_for(never, std::chrono::milliseconds(10)) ? "True" : "False");
  // [workers]
  return 0;
}
