// How a value gets into a thread and how a result or an exception gets out:
// copies, std::ref and moves; std::promise, std::packaged_task and
// std::async; std::exception_ptr; thread_local. The output is deterministic.
#include <future>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

void append(std::vector<int>& values, int value) {
  values.push_back(value);
}

// [thread-local]
thread_local int calls_on_this_thread = 0; // one variable per thread

int count_call() {
  return ++calls_on_this_thread;
}
// [thread-local]

} // namespace

int main() {
  // [arguments]
  std::vector<int> values;
  // std::thread copies its arguments into the new thread: without std::ref,
  // `append` would not even compile (a copy cannot bind to a non-const
  // reference), and with a by-value parameter it would change a copy.
  std::thread adder(append, std::ref(values), 42);
  adder.join();
  std::cout << "after std::ref: " << values.size() << " value(s)\n";

  auto owned = std::make_unique<std::string>("moved into the thread");
  std::thread mover([text = std::move(owned)] { std::cout << *text << '\n'; });
  mover.join();
  // [arguments]

  // [promise]
  std::promise<int> promise;
  std::future<int> future = promise.get_future();
  std::thread producer([&promise] { promise.set_value(6 * 7); });
  std::cout << "promise delivered " << future.get() << '\n'; // waits for set_value
  producer.join();
  // [promise]

  // [packaged-task]
  std::packaged_task<int(int)> square([](int x) { return x * x; });
  std::future<int> squared = square.get_future();
  std::thread runner(std::move(square), 12); // a packaged_task is move-only
  std::cout << "packaged_task computed " << squared.get() << '\n';
  runner.join();
  // [packaged-task]

  // [async]
  // launch::async: as if on a new std::thread, started now.
  // launch::deferred: run by the first get() or wait(), on the calling thread.
  // No policy (async | deferred): the implementation picks one.
  auto on_new_thread = std::async(std::launch::async, [] { return std::this_thread::get_id(); });
  auto deferred = std::async(std::launch::deferred, [] { return std::this_thread::get_id(); });
  std::cout << "launch::async ran on another thread: " << std::boolalpha
            << (on_new_thread.get() != std::this_thread::get_id()) << '\n';
  std::cout << "launch::deferred ran on this thread: " << (deferred.get() == std::this_thread::get_id())
            << '\n';
  // [async]

  // [exceptions]
  std::exception_ptr failure;
  std::thread failing([&failure] {
    try {
      throw std::runtime_error("disk full");
    } catch (...) {
      failure = std::current_exception(); // an escaping exception would call std::terminate
    }
  });
  failing.join(); // join makes the write to `failure` visible here
  try {
    if (failure) {
      std::rethrow_exception(failure);
    }
  } catch (const std::exception& error) {
    std::cout << "caught on the main thread: " << error.what() << '\n';
  }
  auto through_future = std::async(std::launch::async, []() -> int { throw std::runtime_error("no route"); });
  try {
    through_future.get();
  } catch (const std::exception& error) {
    std::cout << "future.get() rethrew: " << error.what() << '\n';
  }
  // [exceptions]

  count_call();
  count_call();
  int on_other_thread = 0;
  std::thread other([&on_other_thread] { on_other_thread = count_call(); });
  other.join();
  std::cout << "thread_local: main counted " << calls_on_this_thread << ", the other thread "
            << on_other_thread << '\n';
  return 0;
}
