// What atomics cost: increments per second of one counter with a relaxed
// fetch_add, a seq_cst fetch_add and a mutex-protected ++, on one thread and
// on two threads sharing the counter; a seq_cst store against a release
// store; and false sharing: two threads, each with its own counter, the two
// counters on one cache line or on separate ones. Ratios are to the
// comparison measured in the same run; every counter is checked at the end,
// so no variant can skip its work. Each figure is the best of five runs: on
// a machine shared with other programs, the best run is the one in which the
// threads had their cores to themselves, which is what the comparison is
// about.
//
//   atomic_costs            5 x 4,000,000 operations per measurement
//   atomic_costs --quick    5 x 40,000: a short run that only proves it works
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <latch>
#include <mutex>
#include <new>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

template <class Body> double seconds(Body body) {
  const auto start = Clock::now();
  body();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "atomic_costs: %s lost an update\n", what);
    std::exit(1);
  }
}

/// Runs `body(thread_index)` on `threads` threads started together; returns the wall time.
template <class Body> double on_threads(int threads, Body body) {
  std::latch start(threads + 1);
  std::jthread workers[2];
  for (int t = 0; t < threads; ++t) {
    workers[t] = std::jthread([&, t] {
      start.arrive_and_wait();
      body(t);
    });
  }
  return seconds([&] {
    start.arrive_and_wait();
    for (int t = 0; t < threads; ++t) {
      workers[t].join();
    }
  });
}

// [increments]
struct RelaxedCounter {
  std::atomic<long> value{0};
  void increment() { value.fetch_add(1, std::memory_order_relaxed); }
  long total() const { return value.load(); }
};

struct SeqCstCounter {
  std::atomic<long> value{0};
  void increment() { value.fetch_add(1, std::memory_order_seq_cst); }
  long total() const { return value.load(); }
};

struct MutexCounter {
  std::mutex mutex;
  long value = 0;
  void increment() {
    std::lock_guard lock(mutex);
    ++value;
  }
  long total() {
    std::lock_guard lock(mutex);
    return value;
  }
};
// [increments]

/// The best of five rates measured by `measure()`.
template <class Measure> double best_of_five(Measure measure) {
  double best = 0;
  for (int run = 0; run < 5; ++run) {
    const double rate = measure();
    best = rate > best ? rate : best;
  }
  return best;
}

/// Increments per second of one Counter shared by `threads` threads.
template <class Counter> double increments(int threads, long per_thread) {
  Counter counter;
  const double elapsed = on_threads(threads, [&](int) {
    for (long i = 0; i < per_thread; ++i) {
      counter.increment();
    }
  });
  check(counter.total() == threads * per_thread, "a shared counter");
  return static_cast<double>(threads * per_thread) / elapsed;
}

/// Stores per second of one thread storing to an atomic with `order` (a
/// template argument: GCC compiles an order it cannot see as seq_cst).
template <std::memory_order order> double stores(long count) {
  std::atomic<long> value{0};
  const double elapsed = seconds([&] {
    for (long i = 1; i <= count; ++i) {
      value.store(i, order);
    }
  });
  check(value.load() == count, "a store loop");
  return static_cast<double>(count) / elapsed;
}

// [false-sharing]
#ifdef __cpp_lib_hardware_interference_size
constexpr std::size_t kCacheLine = std::hardware_destructive_interference_size;
#else
constexpr std::size_t kCacheLine = 64; // x86-64 and most ARM cores
#endif

struct Adjacent { // both counters on one cache line: every increment takes it from the other core
  std::atomic<long> first{0};
  std::atomic<long> second{0};
};

struct Padded { // a cache line each: the cores never touch each other's line
  alignas(kCacheLine) std::atomic<long> first{0};
  alignas(kCacheLine) std::atomic<long> second{0};
};
// [false-sharing]

/// Increments per second in all when two threads each increment their own counter.
template <class Pair> double own_counters(long per_thread) {
  Pair pair;
  const double elapsed = on_threads(2, [&](int t) {
    std::atomic<long>& mine = t == 0 ? pair.first : pair.second;
    for (long i = 0; i < per_thread; ++i) {
      mine.fetch_add(1, std::memory_order_relaxed);
    }
  });
  check(pair.first.load() == per_thread && pair.second.load() == per_thread, "an own counter");
  return static_cast<double>(2 * per_thread) / elapsed;
}

void row(const char* name, double rate, double baseline) {
  std::printf("  %-34s %14.0f /s %9.2fx   %6.1f ns each\n", name, rate, rate / baseline, 1e9 / rate);
}

} // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const long count = quick ? 40'000 : 4'000'000;

  std::printf("one thread, one counter: increments per second\n");
  const double relaxed_alone = best_of_five([&] { return increments<RelaxedCounter>(1, count); });
  row("fetch_add(1, relaxed)", relaxed_alone, relaxed_alone);
  const double seq_cst_alone = best_of_five([&] { return increments<SeqCstCounter>(1, count); });
  row("fetch_add(1, seq_cst)", seq_cst_alone, relaxed_alone);
  const double mutex_alone = best_of_five([&] { return increments<MutexCounter>(1, count); });
  row("std::mutex + ++", mutex_alone, relaxed_alone);

  std::printf("two threads, one counter: increments per second in all\n");
  const double relaxed_shared = best_of_five([&] { return increments<RelaxedCounter>(2, count / 2); });
  row("fetch_add(1, relaxed)", relaxed_shared, relaxed_shared);
  const double seq_cst_shared = best_of_five([&] { return increments<SeqCstCounter>(2, count / 2); });
  row("fetch_add(1, seq_cst)", seq_cst_shared, relaxed_shared);
  const double mutex_shared = best_of_five([&] { return increments<MutexCounter>(2, count / 2); });
  row("std::mutex + ++", mutex_shared, relaxed_shared);

  std::printf("one thread, stores per second\n");
  const double release_stores = best_of_five([&] { return stores<std::memory_order_release>(count); });
  row("store(release)", release_stores, release_stores);
  const double seq_cst_stores = best_of_five([&] { return stores<std::memory_order_seq_cst>(count); });
  row("store(seq_cst)", seq_cst_stores, release_stores);

  std::printf("two threads, each its own counter: increments per second in all\n");
  const double padded = best_of_five([&] { return own_counters<Padded>(count / 2); });
  row("counters on separate cache lines", padded, padded);
  const double adjacent = best_of_five([&] { return own_counters<Adjacent>(count / 2); });
  row("counters on one cache line", adjacent, padded);

  // Each claim's ratio is its rate over the comparison's: above 1 means faster.
  std::printf("claim: uncontended increment, fetch_add seq_cst | %.1f ns | fetch_add relaxed | %.2fx\n",
              1e9 / seq_cst_alone, seq_cst_alone / relaxed_alone);
  std::printf("claim: uncontended increment, std::mutex | %.1f ns | fetch_add relaxed | %.2fx\n",
              1e9 / mutex_alone, mutex_alone / relaxed_alone);
  std::printf(
      "claim: one counter, 2 threads, fetch_add seq_cst | %.0f increments/s | fetch_add relaxed | %.2fx\n",
      seq_cst_shared, seq_cst_shared / relaxed_shared);
  std::printf("claim: one counter, 2 threads, std::mutex | %.0f increments/s | fetch_add relaxed | %.2fx\n",
              mutex_shared, mutex_shared / relaxed_shared);
  std::printf(
      "claim: one counter, 2 threads against 1, fetch_add relaxed | %.0f increments/s | 1 thread | %.2fx\n",
      relaxed_shared, relaxed_shared / relaxed_alone);
  std::printf("claim: atomic store, seq_cst | %.1f ns | store release | %.2fx\n", 1e9 / seq_cst_stores,
              seq_cst_stores / release_stores);
  std::printf(
      "claim: 2 threads, own counters on one cache line (false sharing) | %.0f increments/s | padded to "
      "separate lines | %.2fx\n",
      adjacent, adjacent / padded);
  return 0;
}
