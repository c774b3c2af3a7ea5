// The seed's pool example: ten tasks submitted to a pool of ten threads, and
// their results printed as they complete. The pool here is Asio's
// asio::thread_pool, a ready-made one; each task reports its own completion
// into a queue that main reads, which is what the as_completed exercise
// builds. The tasks take different times, so completion order differs from
// submission order.
#include <asio/post.hpp>
#include <asio/thread_pool.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace {

std::string mytask(int id) {
  // Task 0 works longest, task 9 shortest: they finish roughly in reverse.
  std::this_thread::sleep_for(std::chrono::milliseconds(10 * (10 - id)));
  return "hello world from task " + std::to_string(id);
}

} // namespace

int main() {
  // [pool]
  std::mutex mutex;
  std::condition_variable finished_one;
  std::deque<std::pair<int, std::string>> finished; // in completion order

  asio::thread_pool pool(10); // max_workers=10
  for (int id = 0; id < 10; ++id) {
    asio::post(pool, [&, id] {
      std::string result = mytask(id);
      {
        std::lock_guard lock(mutex);
        finished.emplace_back(id, std::move(result));
      }
      finished_one.notify_one();
    });
  }
  for (int received = 0; received < 10; ++received) { // as_completed(...)
    std::unique_lock lock(mutex);
    finished_one.wait(lock, [&] { return !finished.empty(); });
    auto [id, result] = std::move(finished.front());
    finished.pop_front();
    lock.unlock();
    std::cout << "task " << id << " done: " << result << '\n';
  }
  pool.join(); // leaving Python's `with` block
  // [pool]
  return 0;
}
