// Tasks per second through several ways of running them on other threads,
// measured in one run and printed as ratios:
//
//   1. this chapter's ThreadPool (the thread_pool exercise: yours in your
//      build, the reference in the solutions and bench builds), submit()
//      returning a std::future per task, like ThreadPoolExecutor.submit;
//   2. asio::thread_pool with a std::packaged_task per task (a future too);
//   3. asio::thread_pool with asio::post alone (no future: fire and forget);
//   4. a new std::thread per task, started and joined;
//   5. CPython's ThreadPoolExecutor (pool_throughput.py, run by Debian's
//      /usr/bin/python3 in the same run).
//
// First trivial tasks (add one to an atomic; the best of three rounds), then
// tasks of 1 to 1000 microseconds of CPU work each, calibrated on this
// machine, to show where the pool's own cost stops mattering. Every way runs
// with two worker threads and every count is checked, so no way can skip
// work.
//
//   pool_throughput            200,000 trivial tasks per round (20,000 for thread-per-task)
//   pool_throughput --quick    a short run that only proves it works
#include "thread_pool.hpp"

#include <workbook/bench.hpp>
#include <workbook/your_code.hpp>

#include <asio/post.hpp>
#include <asio/thread_pool.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace bench = workbook::bench;
using Clock = std::chrono::steady_clock;
constexpr unsigned kWorkers = 2;

std::atomic<long> done{0};
std::atomic<std::uint64_t> sink{0};
std::uint64_t steps_per_task = 0; // the CPU work of one task; 0: trivial

// A task: `steps_per_task` steps of a pseudo-random generator (so that the
// compiler cannot fold them away), then one count.
void task() {
  std::uint64_t state = 1;
  for (std::uint64_t i = 0; i < steps_per_task; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  }
  sink.fetch_add(state, std::memory_order_relaxed);
  done.fetch_add(1, std::memory_order_relaxed);
}

// Generator steps per microsecond on one thread of this machine: the best of
// many short runs, so that one of them runs undisturbed on a busy machine.
double steps_per_microsecond() {
  double best = 0;
  for (int round = 0; round < 30; ++round) {
    steps_per_task = 200'000;
    const auto start = Clock::now();
    task();
    const std::chrono::duration<double, std::micro> elapsed = Clock::now() - start;
    best = std::max(best, static_cast<double>(steps_per_task) / elapsed.count());
  }
  return best;
}

/// Runs `body(tasks)` `rounds` times; returns the best rate in tasks per second.
double best_rate(const char* name, long tasks, const std::function<void(long)>& body, int rounds = 3) {
  double best = 0;
  for (int round = 0; round < rounds; ++round) {
    done = 0;
    const auto start = Clock::now();
    body(tasks);
    const std::chrono::duration<double> elapsed = Clock::now() - start;
    if (done.load() != tasks) {
      std::fprintf(stderr, "%s ran %ld of %ld tasks\n", name, done.load(), tasks);
      std::exit(1);
    }
    best = std::max(best, static_cast<double>(tasks) / elapsed.count());
  }
  return best;
}

// [reference-pool]
void reference_pool(long tasks) {
  workbook::threads::ThreadPool<> pool(kWorkers);
  std::vector<std::future<void>> futures;
  futures.reserve(static_cast<std::size_t>(tasks));
  for (long i = 0; i < tasks; ++i) {
    futures.push_back(pool.submit(task));
  }
  for (auto& future : futures) {
    future.get();
  }
}
// [reference-pool]

void asio_pool_with_futures(long tasks) {
  asio::thread_pool pool(kWorkers);
  std::vector<std::future<void>> futures;
  futures.reserve(static_cast<std::size_t>(tasks));
  for (long i = 0; i < tasks; ++i) {
    auto packaged = std::make_shared<std::packaged_task<void()>>(task);
    futures.push_back(packaged->get_future());
    asio::post(pool, [packaged] { (*packaged)(); });
  }
  for (auto& future : futures) {
    future.get();
  }
  pool.join();
}

void asio_pool_post_only(long tasks) {
  asio::thread_pool pool(kWorkers);
  for (long i = 0; i < tasks; ++i) {
    asio::post(pool, task);
  }
  pool.join();
}

void thread_per_task(long tasks) {
  // Two at a time, like the pools' two workers: start two, join two.
  for (long i = 0; i < tasks; i += kWorkers) {
    std::thread first(task);
    std::thread second(task);
    first.join();
    second.join();
  }
}

std::string not_measured(const bench::Measured& python, const char* what) {
  return "not measured: " + (python.ok() ? std::string("no ") + what + " in its output" : python.error);
}

int measure(bool quick) {
  const long tasks = quick ? 2'000 : 200'000;
  const long spawned = quick ? 200 : 20'000;
  std::printf("trivial tasks per second, %u worker threads, %u cores, best of 3 rounds\n", kWorkers,
              std::thread::hardware_concurrency());

  steps_per_task = 0;
  const double reference = best_rate("ThreadPool", tasks, reference_pool);
  const double asio_futures = best_rate("asio::thread_pool + futures", tasks, asio_pool_with_futures);
  const double asio_post = best_rate("asio::thread_pool post", tasks, asio_pool_post_only);
  const double per_task = best_rate("thread per task", spawned, thread_per_task);

  // Python's side: the same trivial tasks, then the same task sizes, each
  // calibrated there in Python loop iterations (pool_throughput.py).
  const std::vector<int> sizes = quick ? std::vector<int>{1, 100} : std::vector<int>{1, 10, 100, 1000};
  std::string size_list;
  for (const int size : sizes) {
    size_list += (size_list.empty() ? "" : ",") + std::to_string(size);
  }
  const auto python = bench::run_python(bench::chapter_file("pool_throughput.py"),
                                        {quick ? "2000" : "50000", size_list, quick ? "0.05" : "0.4"},
                                        std::chrono::seconds(120));

  std::printf("%-40s %14s %12s\n", "way", "tasks/s", "vs ThreadPool");
  const auto row = [&](const char* name, double rate) {
    std::printf("%-40s %14.0f %11.2fx\n", name, rate, rate / reference);
  };
  row("ThreadPool::submit (future)", reference);
  row("asio::thread_pool + packaged_task", asio_futures);
  row("asio::thread_pool, post only", asio_post);
  row("std::thread per task (start + join)", per_task);
  const auto python_trivial = python["trivial_2"];
  if (python_trivial) {
    row("Python ThreadPoolExecutor(max_workers=2)", *python_trivial);
  }

  const std::string what = "trivial tasks through the reference ThreadPool, 2 workers";
  bench::claim(what, bench::figure(reference, "tasks/s"), "asio::thread_pool with futures",
               bench::ratio(reference / asio_futures));
  bench::claim(what, bench::figure(reference, "tasks/s"), "a std::thread per task",
               bench::ratio(reference / per_task));
  const std::string python_way = bench::python_name(python) + " ThreadPoolExecutor, 2 workers";
  if (python_trivial) {
    bench::claim(what, bench::figure(reference, "tasks/s"),
                 python_way + " " + bench::figure(*python_trivial, "/s"),
                 bench::ratio(reference / *python_trivial));
  } else {
    bench::claim(what, bench::figure(reference, "tasks/s"), python_way, not_measured(python, "trivial_2"));
  }

  // Tasks of a given CPU time: the pool's overhead matters less and less; two
  // workers approach two tasks per task-time, the GIL-bound Python pool one.
  const double per_microsecond = steps_per_microsecond();
  std::printf("\ntasks of CPU work (calibrated: %.0f generator steps per microsecond), tasks/s\n",
              per_microsecond);
  std::printf("%-10s %14s %14s %14s %14s\n", "task (us)", "ThreadPool", "asio+futures", "thread/task",
              "Python");
  for (const int size : sizes) {
    steps_per_task = static_cast<std::uint64_t>(per_microsecond * size);
    // About 0.2 s of work for two workers, bounded both ways.
    const long count = std::clamp<long>(static_cast<long>((quick ? 0.02 : 0.2) * 2e6 / size), 100, tasks);
    const double ours = best_rate("ThreadPool", count, reference_pool, 1);
    const double theirs = best_rate("asio::thread_pool + futures", count, asio_pool_with_futures, 1);
    const double threads = best_rate("thread per task", std::min(count, spawned), thread_per_task, 1);
    bench::point("pool-throughput", "ThreadPool (C++, 2 workers)", size, ours);
    bench::point("pool-throughput", "asio::thread_pool + futures", size, theirs);
    bench::point("pool-throughput", "a std::thread per task", size, threads);
    const auto python_rate = python["size_" + std::to_string(size)];
    if (python_rate) {
      bench::point("pool-throughput", python_way, size, *python_rate);
    }
    std::printf("%-10d %14.0f %14.0f %14.0f %14.0f\n", size, ours, theirs, threads, python_rate.value_or(0));
  }
  bench::point("pool-throughput", "2 cores' limit: 2 / task time", sizes.front(), 2e6 / sizes.front());
  bench::point("pool-throughput", "2 cores' limit: 2 / task time", sizes.back(), 2e6 / sizes.back());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  return workbook::run_on_your_code("thread_pool", [&] { return measure(quick); });
}
