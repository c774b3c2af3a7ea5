// What a lock costs: lock + unlock pairs per second, alone (uncontended)
// and with two threads fighting over one counter (contended), for
// std::mutex, a spin lock, std::recursive_mutex and this chapter's
// ReentrantLock (the reentrant_lock exercise: yours in your build, the
// reference in the solutions and bench builds); and a handoff between two
// threads, back and forth, with two std::binary_semaphores against a mutex,
// a condition variable and a turn flag. Ratios are to std::mutex in the same
// run; every counter is checked, so no way can skip work.
//
//   lock_costs            10,000,000 uncontended pairs, 2,000,000 contended, 200,000 handoffs
//   lock_costs --quick    a short run that only proves it works
#include "reentrant_lock.hpp"

#include <workbook/your_code.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <semaphore>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

// [spin-lock]
/// A test-and-test-and-set spin lock: waits by spinning on a load (which
/// stays in the core's cache) and yields now and then so that a preempted
/// holder can run on a machine with few cores.
class SpinLock {
public:
  void lock() {
    for (int spins = 0; locked_.exchange(true, std::memory_order_acquire); ++spins) {
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins % 64 == 0) {
          std::this_thread::yield();
        }
      }
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

private:
  std::atomic<bool> locked_{false};
};
// [spin-lock]

template <class Body> double seconds(Body body) {
  const auto start = Clock::now();
  body();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "lock_costs: %s lost an update\n", what);
    std::exit(1);
  }
}

template <class Lock> double uncontended(long pairs) {
  Lock lock;
  long counter = 0;
  const double elapsed = seconds([&] {
    for (long i = 0; i < pairs; ++i) {
      lock.lock();
      ++counter;
      lock.unlock();
    }
  });
  check(counter == pairs, "an uncontended loop");
  return pairs / elapsed;
}

template <class Lock> double contended(long pairs_per_thread) {
  Lock lock;
  long counter = 0;
  const double elapsed = seconds([&] {
    std::jthread first([&] {
      for (long i = 0; i < pairs_per_thread; ++i) {
        std::lock_guard guard(lock);
        ++counter;
      }
    });
    std::jthread second([&] {
      for (long i = 0; i < pairs_per_thread; ++i) {
        std::lock_guard guard(lock);
        ++counter;
      }
    });
  });
  check(counter == 2 * pairs_per_thread, "a contended loop");
  return 2 * pairs_per_thread / elapsed;
}

double handoffs_with_semaphores(long rounds) {
  std::binary_semaphore ping(0);
  std::binary_semaphore pong(0);
  long returned = 0;
  const double elapsed = seconds([&] {
    std::jthread other([&] {
      for (long i = 0; i < rounds; ++i) {
        ping.acquire();
        pong.release();
      }
    });
    for (long i = 0; i < rounds; ++i) {
      ping.release();
      pong.acquire();
      ++returned;
    }
  });
  check(returned == rounds, "the semaphore handoff");
  return 2 * rounds / elapsed;
}

double handoffs_with_condition_variable(long rounds) {
  std::mutex mutex;
  std::condition_variable turn_changed;
  bool other_turn = false;
  long returned = 0;
  const double elapsed = seconds([&] {
    std::jthread other([&] {
      for (long i = 0; i < rounds; ++i) {
        std::unique_lock lock(mutex);
        turn_changed.wait(lock, [&] { return other_turn; });
        other_turn = false;
        turn_changed.notify_one();
      }
    });
    for (long i = 0; i < rounds; ++i) {
      std::unique_lock lock(mutex);
      other_turn = true;
      turn_changed.notify_one();
      turn_changed.wait(lock, [&] { return !other_turn; });
      ++returned;
    }
  });
  check(returned == rounds, "the condition-variable handoff");
  return 2 * rounds / elapsed;
}

void row(const char* name, double rate, double baseline) {
  std::printf("  %-36s %14.0f /s %9.2fx   %6.1f ns each\n", name, rate, rate / baseline, 1e9 / rate);
}

int measure(bool quick) {
  const long alone = quick ? 100'000 : 10'000'000;
  const long fought = quick ? 20'000 : 1'000'000;
  const long rounds = quick ? 2'000 : 100'000;
  using Reentrant = workbook::locks::ReentrantLock<>;

  std::printf("uncontended: lock + unlock pairs on one thread\n");
  const double mutex_alone = uncontended<std::mutex>(alone);
  row("std::mutex", mutex_alone, mutex_alone);
  const double spin_alone = uncontended<SpinLock>(alone);
  row("spin lock", spin_alone, mutex_alone);
  row("std::recursive_mutex", uncontended<std::recursive_mutex>(alone), mutex_alone);
  const double reentrant_alone = uncontended<Reentrant>(alone);
  row("reference ReentrantLock", reentrant_alone, mutex_alone);

  std::printf("contended: two threads, one counter, pairs per second in all\n");
  const double mutex_fought = contended<std::mutex>(fought);
  row("std::mutex", mutex_fought, mutex_fought);
  const double spin_fought = contended<SpinLock>(fought);
  row("spin lock", spin_fought, mutex_fought);
  row("std::recursive_mutex", contended<std::recursive_mutex>(fought), mutex_fought);
  row("reference ReentrantLock", contended<Reentrant>(fought), mutex_fought);

  std::printf("handoff: two threads taking turns, turns per second\n");
  const double by_condition = handoffs_with_condition_variable(rounds);
  row("mutex + condition_variable", by_condition, by_condition);
  const double by_semaphores = handoffs_with_semaphores(rounds);
  row("two binary_semaphores", by_semaphores, by_condition);

  // Each claim's ratio is its rate over the comparison's: above 1 means faster.
  std::printf("claim: uncontended lock + unlock, spin lock | %.1f ns | std::mutex | %.2fx\n",
              1e9 / spin_alone, spin_alone / mutex_alone);
  std::printf("claim: uncontended lock + unlock, reference ReentrantLock | %.1f ns | std::mutex | %.2fx\n",
              1e9 / reentrant_alone, reentrant_alone / mutex_alone);
  std::printf("claim: contended lock + unlock, 2 threads, spin lock | %.0f pairs/s | std::mutex | %.2fx\n",
              spin_fought, spin_fought / mutex_fought);
  std::printf(
      "claim: thread handoffs, two binary_semaphores | %.0f turns/s | mutex + condition_variable | %.2fx\n",
      by_semaphores, by_semaphores / by_condition);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  return workbook::run_on_your_code("reentrant_lock", [&] { return measure(quick); });
}
