// The lost update, for real: several threads add 1 to a shared counter.
//
// With a plain integer the additions race (a data race: undefined behaviour
// in C++, and in practice lost updates); std::atomic and std::mutex make
// every addition count. Build and run: `cmake --build build/learner --target
// run_lost_update_demo`. Under ThreadSanitizer the first version is reported.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace {

constexpr int kThreads = 4;
constexpr long kIncrements = 1'000'000;

// [on-threads]
// Runs `body` on kThreads threads and waits for them all.
template <class Body> void on_threads(Body body) {
  std::vector<std::jthread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(body);
  }
} // each std::jthread joins in its destructor: every thread has finished here
// [on-threads]

long racy() {
  // `volatile` keeps one load and one store per addition, as CPython's
  // bytecodes do; it does NOT make the addition atomic or the race defined.
  // [racy-increment]
  volatile long counter = 0;
  on_threads([&] {
    for (long i = 0; i < kIncrements; ++i) {
      counter = counter + 1; // load, add, store: another thread can run in between
    }
  });
  // [racy-increment]
  return counter;
}

long with_atomic() {
  // [atomic-increment]
  std::atomic<long> counter{0};
  on_threads([&] {
    for (long i = 0; i < kIncrements; ++i) {
      counter.fetch_add(1, std::memory_order_relaxed); // one indivisible read-modify-write
    }
  });
  // [atomic-increment]
  return counter.load();
}

long with_mutex() {
  // [mutex-increment]
  long counter = 0;
  std::mutex mutex;
  on_threads([&] {
    for (long i = 0; i < kIncrements; ++i) {
      std::lock_guard lock(mutex); // the whole load-add-store happens under the lock
      ++counter;
    }
  });
  // [mutex-increment]
  return counter;
}

void report(const char* how, long total) {
  const long expected = kThreads * kIncrements;
  std::printf("%-12s %9ld of %9ld  (%ld lost)\n", how, total, expected, expected - total);
}

} // namespace

int main() {
  std::printf("%d threads, each adding 1 to a shared counter %ld times\n", kThreads, kIncrements);
  report("plain long", racy());
  report("std::atomic", with_atomic());
  report("std::mutex", with_mutex());
  return 0;
}
