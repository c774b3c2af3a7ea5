// A toy interpreter on 1..N threads, with and without a simulated GIL, and
// CPython's own threads on the same counts (gil_scaling.py), in one run.
//
// Each thread runs a CPU-bound loop of "bytecodes" (a few arithmetic steps
// each). With a GIL modelled on CPython's (a waiter asks for the lock after
// a switch interval; the holder checks between bytecodes and hands over),
// only one thread runs bytecodes at a time, so adding threads adds no speed.
// Without it, the threads run in parallel on the machine's cores. The thread
// counts go from 1 to two past the number of cores.
//
//   gil_scaling            full run (some seconds)
//   gil_scaling --quick    a short run that only proves it works
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <workbook/bench.hpp>

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
    if (drop_request_.load(std::memory_order_relaxed)) {
      hand_over();
    }
  }

private:
  // Out of line, so that the interpreter's loop around check() keeps its
  // variables in registers instead of spilling them for the slow path.
  [[gnu::noinline]] void hand_over() {
    std::unique_lock lock(mutex_);
    const auto before = takeovers_;
    held_ = false;
    changed_.notify_all();
    changed_.wait(lock, [&] { return takeovers_ != before; }); // forced switching
    lock.unlock();
    acquire();
  }

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
        // [loop]
        // The bound is a local: were it the expression `total / threads` on
        // captured references, the compiler would have to divide again on
        // every iteration, since for all it knows the call in check()'s slow
        // path writes to `total` or `threads`, whose addresses have escaped.
        const std::uint64_t bytecodes = total / static_cast<std::uint64_t>(threads);
        std::uint64_t state = static_cast<std::uint64_t>(t) + 1;
        gil.acquire();
        for (std::uint64_t i = 0; i < bytecodes; ++i) {
          state = bytecode(state);
          if ((i & 63) == 0) {
            gil.check(); // CPython checks its eval breaker between bytecodes
          }
        }
        gil.release();
        // [loop]
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
  namespace bench = workbook::bench;
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::uint64_t total = quick ? 20'000'000ULL : 300'000'000ULL;
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  std::vector<int> counts;
  for (int threads = 1; threads <= std::max(4, cores + 2); ++threads) {
    counts.push_back(threads);
  }

  std::printf("%llu bytecodes of CPU-bound work, split across 1..%d threads (%d cores), best of 5 rounds\n",
              static_cast<unsigned long long>(total), counts.back(), cores);
  std::printf("%-8s %14s %10s %14s %10s\n", "threads", "no GIL (s)", "speedup", "with GIL (s)", "speedup");

  // The counts take turns over five rounds and each keeps its best time, so
  // that a shared machine's changing load slows every count alike.
  NoGil none;
  SimulatedGil gil(std::chrono::milliseconds(5)); // sys.getswitchinterval() is 0.005 by default
  constexpr int rounds = 5;
  std::vector<double> free_seconds(counts.size(), 1e300);
  std::vector<double> gil_seconds(counts.size(), 1e300);
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t at = 0; at < counts.size(); ++at) {
      free_seconds[at] = std::min(free_seconds[at], run(none, counts[at], total));
      gil_seconds[at] = std::min(gil_seconds[at], run(gil, counts[at], total));
    }
  }
  const double base_free = free_seconds[0];
  const double base_gil = gil_seconds[0];
  std::vector<double> free_speedup;
  std::vector<double> gil_speedup;
  for (std::size_t at = 0; at < counts.size(); ++at) {
    free_speedup.push_back(base_free / free_seconds[at]);
    gil_speedup.push_back(base_gil / gil_seconds[at]);
    std::printf("%-8d %14.3f %9.2fx %14.3f %9.2fx\n", counts[at], free_seconds[at], free_speedup.back(),
                gil_seconds[at], gil_speedup.back());
    bench::point("gil-speedup", "C++ threads, no GIL", counts[at], free_speedup.back());
    bench::point("gil-speedup", "C++ threads, simulated GIL", counts[at], gil_speedup.back());
  }

  // CPython's threads on the same counts: the tutorial's threading.Thread
  // subclass counting down, the same total split between the threads.
  const auto cpython = bench::run_python(bench::chapter_file("gil_scaling.py"),
                                         {quick ? "1000000" : "4000000", std::to_string(counts.back())},
                                         std::chrono::seconds(120));
  std::vector<double> python_speedup;
  if (cpython.ok()) {
    const auto serial = cpython["seconds_1"];
    for (const int threads : counts) {
      const auto seconds = cpython["seconds_" + std::to_string(threads)];
      if (!serial || !seconds) {
        python_speedup.clear();
        break;
      }
      python_speedup.push_back(*serial / *seconds);
      bench::point("gil-speedup", bench::python_name(cpython) + " threads (its GIL)", threads,
                   python_speedup.back());
    }
  }

  const std::size_t at_cores = static_cast<std::size_t>(cores - 1); // counts[i] == i + 1
  const std::string threads_text = std::to_string(cores) + " threads on " + std::to_string(cores) + " cores";
  bench::claim("CPU-bound threads without a GIL, " + threads_text,
               bench::figure(static_cast<double>(total) / base_free / 1e6, "M bytecodes/s on 1 thread"),
               "1 thread", bench::ratio(free_speedup[at_cores]));
  bench::claim("CPU-bound threads under a simulated GIL, " + threads_text,
               bench::figure(static_cast<double>(total) / base_gil / 1e6, "M bytecodes/s on 1 thread"),
               "1 thread", bench::ratio(gil_speedup[at_cores]));
  bench::claim("one thread under the simulated GIL (checks, no handover)", bench::figure(base_gil, "s", 3),
               "one thread without a GIL " + bench::figure(base_free, "s", 3),
               bench::ratio(base_free / base_gil));
  if (!python_speedup.empty()) {
    bench::claim(bench::python_name(cpython) + " CPU-bound threads (its real GIL), " + threads_text,
                 bench::figure(*cpython["loops_per_second_1"] / 1e6, "M loop iterations/s on 1 thread", 1),
                 "1 thread", bench::ratio(python_speedup[at_cores]));
  } else {
    bench::claim("CPython CPU-bound threads (its real GIL), " + threads_text, "not measured", "1 thread",
                 "not measured: " + (cpython.ok() ? std::string("incomplete results") : cpython.error));
  }
  return 0;
}
