// The tools of chapter 05 beside std::atomic<T>'s loads and stores, each in
// a few lines whose output never varies: waiting on an atomic, atomic_ref on
// plain memory, fences, std::call_once and a function-local static.
#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

void wait_and_notify() {
  // [wait-notify]
  std::atomic<int> stage{0};
  std::thread waiter([&] {
    stage.wait(0); // sleeps while stage == 0; re-reads after each notify (or spurious wake)
    std::printf("waiter: woken at stage %d\n", stage.load());
  });
  stage.store(1);     // the new value first...
  stage.notify_one(); // ...then the notify: a waiter already asleep wakes only for it
  waiter.join();
  // [wait-notify]
}

void atomic_ref_on_plain_ints() {
  // [atomic-ref]
  std::array<int, 4> histogram{}; // plain ints, read plainly once the threads are joined
  auto count = [&](int bucket) {
    for (int i = 0; i < 100'000; ++i) {
      std::atomic_ref<int>(histogram[static_cast<std::size_t>(bucket)])
          .fetch_add(1, std::memory_order_relaxed);
    }
  };
  {
    std::jthread first(count, 1);
    std::jthread second(count, 1); // both hit bucket 1: every access to it is atomic
  }                                // join: the threads' increments happen before the reads below
  std::printf("atomic_ref: bucket 1 counted %d\n", histogram[1]);
  // [atomic-ref]
}

void fences() {
  // [fences]
  std::string message; // plain data
  std::atomic<bool> ready{false};
  std::thread writer([&] {
    message = "hello through a fence";
    std::atomic_thread_fence(std::memory_order_release); // orders the write above...
    ready.store(true, std::memory_order_relaxed);        // ...before this store
  });
  while (!ready.load(std::memory_order_relaxed)) {
    std::this_thread::yield();
  }
  std::atomic_thread_fence(std::memory_order_acquire); // the fences synchronize: message is visible
  std::printf("fences: %s\n", message.c_str());
  writer.join();
  // [fences]
}

// [call-once]
std::once_flag config_once;
int config_loads = 0; // written only inside call_once, read after the threads are joined

void load_config() {
  ++config_loads; // runs once, however many threads call it at once
}
// [call-once]

// [static-local]
struct Table {
  std::vector<int> squares;
  static inline std::atomic<int> built{0};
  Table() {
    for (int i = 0; i < 10; ++i) {
      squares.push_back(i * i);
    }
    ++built;
  }
};

const Table& table() {
  static const Table instance; // initialised once, thread-safely, on the first call ([stmt.dcl])
  return instance;
}
// [static-local]

void once_initialisation() {
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([] {
        std::call_once(config_once, load_config);
        (void)table().squares.at(9);
      });
    }
  }
  std::printf("call_once: load_config ran %d time(s) for 4 threads\n", config_loads);
  std::printf("static local: Table built %d time(s) for 4 threads, squares[9] = %d\n", Table::built.load(),
              table().squares[9]);
}

} // namespace

int main() {
  wait_and_notify();
  atomic_ref_on_plain_ints();
  fences();
  once_initialisation();
  return 0;
}
