// A toy interpreter on 1..N threads, with and without a simulated GIL.
//
// Each thread runs a CPU-bound loop of "bytecodes" (a few arithmetic steps
// each). With a GIL modelled on CPython's (a waiter asks for the lock after
// a switch interval; the holder checks between bytecodes and hands over),
// only one thread runs bytecodes at a time, so adding threads adds no speed.
// Without it, the threads run in parallel on the machine's cores.
//
//   gil_scaling            full run (a few seconds)
//   gil_scaling --quick    a short run that only proves it works
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// [simulated-gil]
// CPython's "new GIL" (Python 3.2+), much simplified: a thread that wants
// the GIL waits one switch interval, then sets the drop request; the holder
// sees it at its next check and hands over, and waits until the other thread
// has really taken it (forced switching).
class SimulatedGil {
public:
  explicit SimulatedGil(std::chrono::microseconds interval) : interval_(interval) {}

  void acquire() {
    std::unique_lock lock(mutex_);
    while (held_) {
      if (!changed_.wait_for(lock, interval_, [this] { return !held_; })) {
        drop_request_.store(true, std::memory_order_relaxed); // "please let me in"
      }
    }
    held_ = true;
    ++takeovers_;
    drop_request_.store(false, std::memory_order_relaxed);
    changed_.notify_all();
  }

  void release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }

  // Called between bytecodes: cheap unless a drop was requested.
  void check() {
    if (!drop_request_.load(std::memory_order_relaxed)) {
      return;
    }
    std::unique_lock lock(mutex_);
    const auto before = takeovers_;
    held_ = false;
    changed_.notify_all();
    changed_.wait(lock, [&] { return takeovers_ != before; }); // forced switching
    lock.unlock();
    acquire();
  }

private:
  std::chrono::microseconds interval_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  std::uint64_t takeovers_ = 0;
  std::atomic<bool> drop_request_{false};
};
// [simulated-gil]

// One "bytecode": a step of a linear congruential generator, so the
// compiler cannot fold the loop away.
inline std::uint64_t bytecode(std::uint64_t state) {
  return state * 6364136223846793005ULL + 1442695040888963407ULL;
}

struct NoGil {
  void acquire() {}
  void release() {}
  void check() {}
};

// Runs `total` bytecodes split across `threads` threads; returns seconds.
template <class Gil> double run(Gil& gil, int threads, std::uint64_t total) {
  std::atomic<std::uint64_t> sink{0};
  const auto start = Clock::now();
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        std::uint64_t state = static_cast<std::uint64_t>(t) + 1;
        gil.acquire();
        for (std::uint64_t i = 0; i < total / static_cast<std::uint64_t>(threads); ++i) {
          state = bytecode(state);
          if ((i & 63) == 0) {
            gil.check(); // CPython checks its eval breaker between bytecodes
          }
        }
        gil.release();
        sink += state;
      });
    }
  }
  const std::chrono::duration<double> elapsed = Clock::now() - start;
  if (sink.load() == 42) {
    std::puts(""); // keeps `sink` observable
  }
  return elapsed.count();
}

} // namespace

int main(int argc, char* argv[]) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::uint64_t total = quick ? 20'000'000ULL : 1'200'000'000ULL;
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  std::vector<int> counts{1, 2};
  if (cores > 2) {
    counts.push_back(cores);
  }

  std::printf("%llu bytecodes of CPU-bound work, split across 1..%d threads (%d cores)\n",
              static_cast<unsigned long long>(total), counts.back(), cores);
  std::printf("%-8s %14s %10s %14s %10s\n", "threads", "no GIL (s)", "speedup", "with GIL (s)", "speedup");

  NoGil none;
  SimulatedGil gil(std::chrono::milliseconds(5)); // sys.getswitchinterval() is 0.005 by default
  double base_free = 0;
  double base_gil = 0;
  double last_free = 1;
  double last_gil = 1;
  for (const int threads : counts) {
    const double free_seconds = run(none, threads, total);
    const double gil_seconds = run(gil, threads, total);
    if (threads == 1) {
      base_free = free_seconds;
      base_gil = gil_seconds;
    }
    last_free = base_free / free_seconds;
    last_gil = base_gil / gil_seconds;
    std::printf("%-8d %14.3f %9.2fx %14.3f %9.2fx\n", threads, free_seconds, last_free, gil_seconds,
                last_gil);
  }
  const double rate = static_cast<double>(total) / base_free / 1e6;
  std::printf(
      "claim: CPU-bound threads without a GIL, %d threads | %.0f M bytecodes/s on 1 thread | 1 thread "
      "| %.2fx\n",
      counts.back(), rate, last_free);
  std::printf(
      "claim: CPU-bound threads under a simulated GIL, %d threads | %.0f M bytecodes/s on 1 thread | 1 "
      "thread | %.2fx\n",
      counts.back(), static_cast<double>(total) / base_gil / 1e6, last_gil);
  return 0;
}
