// What atomics cost: increments per second of one counter with a relaxed
// fetch_add, a seq_cst fetch_add and a mutex-protected ++, on one thread and
// on two threads sharing the counter; a seq_cst store against a release
// store; and false sharing: two threads, each with its own counter, the two
// counters on one cache line or on separate ones. Ratios are to the
// comparison measured in the same run; every counter is checked at the end,
// so no variant can skip its work. Each figure is the best of 100 short
// bursts that the threads start together: on a machine shared with other
// programs, the best burst is one in which the threads had their cores to
// themselves, which is what the comparison is about.
//
//   atomic_costs            100 bursts of 100,000 operations per thread, per measurement
//   atomic_costs --quick    4 bursts of 10,000: a short run that only proves it works
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "atomic_costs: %s lost an update\n", what);
    std::exit(1);
  }
}

/// Spins until `done()`, yielding now and then for a machine with more
/// runnable threads than cores.
template <class Predicate> void spin_until(Predicate done) {
  for (unsigned spins = 1; !done(); ++spins) {
    if (spins % 1024 == 0) {
      std::this_thread::yield();
    }
  }
}

/// Runs `body(thread_index, operations)` on `threads` threads (1 or 2) in
/// `bursts` bursts that the threads start together at a spinning barrier;
/// returns the best burst's rate, in operations per second in all, where a
/// burst lasts from the first thread's start to the last thread's end. The
/// best burst is one in which the threads really ran at the same time: on a
/// machine shared with other programs, a burst in which one was preempted
/// lasts longer.
template <class Body> double best_burst_rate(int threads, long operations, int bursts, Body body) {
  std::atomic<int> arrived{0};
  std::vector<Clock::time_point> starts(static_cast<std::size_t>(threads * bursts));
  std::vector<Clock::time_point> ends(starts.size());
  auto run = [&](int thread) {
    for (int burst = 0; burst < bursts; ++burst) {
      arrived.fetch_add(1);
      spin_until([&] { return arrived.load() >= (burst + 1) * threads; });
      const auto slot = static_cast<std::size_t>(burst * threads + thread);
      starts[slot] = Clock::now();
      body(thread, operations);
      ends[slot] = Clock::now();
    }
  };
  {
    std::vector<std::jthread> others;
    for (int thread = 1; thread < threads; ++thread) {
      others.emplace_back(run, thread);
    }
    run(0);
  } // joined: every thread's time points happen before the reads below
  double best = 0;
  for (int burst = 0; burst < bursts; ++burst) {
    const auto first = starts.begin() + burst * threads;
    const auto last = ends.begin() + burst * threads;
    const double span = std::chrono::duration<double>(*std::max_element(last, last + threads) -
                                                      *std::min_element(first, first + threads))
                            .count();
    best = std::max(best, static_cast<double>(threads * operations) / span);
  }
  return best;
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

/// Increments per second of one Counter shared by `threads` threads.
template <class Counter> double increments(int threads, long per_burst, int bursts) {
  Counter counter;
  const double rate = best_burst_rate(threads, per_burst, bursts, [&](int, long count) {
    for (long i = 0; i < count; ++i) {
      counter.increment();
    }
  });
  check(counter.total() == threads * per_burst * bursts, "a shared counter");
  return rate;
}

/// Stores per second of one thread storing to an atomic with `order` (a
/// template argument: GCC compiles an order it cannot see as seq_cst).
template <std::memory_order order> double stores(long per_burst, int bursts) {
  std::atomic<long> value{0};
  long next = 0;
  const double rate = best_burst_rate(1, per_burst, bursts, [&](int, long count) {
    for (long i = 0; i < count; ++i) {
      value.store(++next, order);
    }
  });
  check(value.load() == per_burst * bursts, "a store loop");
  return rate;
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
template <class Pair> double own_counters(long per_burst, int bursts) {
  Pair pair;
  const double rate = best_burst_rate(2, per_burst, bursts, [&](int thread, long count) {
    std::atomic<long>& mine = thread == 0 ? pair.first : pair.second;
    for (long i = 0; i < count; ++i) {
      mine.fetch_add(1, std::memory_order_relaxed);
    }
  });
  check(pair.first.load() == per_burst * bursts && pair.second.load() == per_burst * bursts,
        "an own counter");
  return rate;
}

void row(const char* name, double rate, double baseline) {
  std::printf("  %-34s %14.0f /s %9.2fx   %6.1f ns each\n", name, rate, rate / baseline, 1e9 / rate);
}

} // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const long burst = quick ? 10'000 : 100'000; // operations per thread and burst
  const int bursts = quick ? 4 : 100;

  std::printf("one thread, one counter: increments per second\n");
  const double relaxed_alone = increments<RelaxedCounter>(1, burst, bursts);
  row("fetch_add(1, relaxed)", relaxed_alone, relaxed_alone);
  const double seq_cst_alone = increments<SeqCstCounter>(1, burst, bursts);
  row("fetch_add(1, seq_cst)", seq_cst_alone, relaxed_alone);
  const double mutex_alone = increments<MutexCounter>(1, burst, bursts);
  row("std::mutex + ++", mutex_alone, relaxed_alone);

  std::printf("two threads, one counter: increments per second in all\n");
  const double relaxed_shared = increments<RelaxedCounter>(2, burst, bursts);
  row("fetch_add(1, relaxed)", relaxed_shared, relaxed_shared);
  const double seq_cst_shared = increments<SeqCstCounter>(2, burst, bursts);
  row("fetch_add(1, seq_cst)", seq_cst_shared, relaxed_shared);
  const double mutex_shared = increments<MutexCounter>(2, burst, bursts);
  row("std::mutex + ++", mutex_shared, relaxed_shared);

  std::printf("one thread, stores per second\n");
  const double release_stores = stores<std::memory_order_release>(burst, bursts);
  row("store(release)", release_stores, release_stores);
  const double seq_cst_stores = stores<std::memory_order_seq_cst>(burst, bursts);
  row("store(seq_cst)", seq_cst_stores, release_stores);

  std::printf("two threads, each its own counter: increments per second in all\n");
  const double padded = own_counters<Padded>(burst, bursts);
  row("counters on separate cache lines", padded, padded);
  const double adjacent = own_counters<Adjacent>(burst, bursts);
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
