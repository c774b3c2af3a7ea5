// The tutorial's Condition example done right. Three workers wait for
// permission; the main thread lets one go with notify_one, then the other
// two with notify_all. The tutorial orders these steps with time.sleep(1),
// which orders nothing: a worker that has not started waiting yet misses
// the notify and, waiting without a condition, waits for ever. Here the
// order comes from shared state under the lock: the main thread waits until
// all three are waiting, and each worker waits for a permit it can count.
// Which worker wakes first is unspecified and changes from run to run; how
// many wake at each step does not, and the program checks it.
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

int main() {
  // [state]
  std::mutex mutex;
  std::condition_variable permit_given; // workers wait here for a permit
  std::condition_variable progress;     // main waits here for the workers
  int waiting = 0;                      // workers that have reached their wait
  int permits = 0;                      // how many workers may run now
  int ran = 0;
  // [state]

  // [worker]
  auto worker = [&](const std::string& name) {
    std::unique_lock lock(mutex);
    std::cout << name << " waiting...\n";
    ++waiting;
    progress.notify_one();
    permit_given.wait(lock, [&] { return permits > 0; }); // a loop: spurious and stolen wakeups
    --permits;
    ++ran;
    std::cout << name << " running...\n";
    progress.notify_one();
  };
  // [worker]

  std::vector<std::jthread> threads;
  for (const char* name : {"T1", "T2", "T3"}) {
    threads.emplace_back(worker, name);
  }

  // [main]
  std::unique_lock lock(mutex);
  progress.wait(lock, [&] { return waiting == 3; }); // not sleep(1): the state says they wait
  permits = 1;
  permit_given.notify_one(); // condition.notify(): one of them, which one is unspecified
  progress.wait(lock, [&] { return ran == 1; });
  std::cout << "one permit: " << ran << " worker ran\n";
  permits = 2;
  permit_given.notify_all(); // condition.notify_all(): the other two
  // [main]
  lock.unlock();
  for (auto& thread : threads) {
    thread.join();
  }
  std::cout << "two more permits: " << ran << " workers ran in all\n";
  return ran == 3 ? 0 : 1;
}
