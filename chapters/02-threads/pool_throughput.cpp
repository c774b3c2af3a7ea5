// Trivial tasks per second through four ways of running them on other
// threads, measured in one run and printed as ratios:
//
//   1. the workbook's reference ThreadPool (solutions/02-threads), submit()
//      returning a std::future per task, like ThreadPoolExecutor.submit;
//   2. asio::thread_pool with a std::packaged_task per task (a future too);
//   3. asio::thread_pool with asio::post alone (no future: fire and forget);
//   4. a new std::thread per task, started and joined.
//
// Every way runs the same task (add one to an atomic) the same number of
// times with two worker threads; the count is checked, so no way can skip
// work. The best of three rounds is kept.
//
//   pool_throughput            200,000 tasks per round (20,000 for thread-per-task)
//   pool_throughput --quick    a short run that only proves it works
#include "../../solutions/02-threads/thread_pool.hpp"

#include <asio/post.hpp>
#include <asio/thread_pool.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr unsigned kWorkers = 2;

std::atomic<long> done{0};

void trivial_task() {
  done.fetch_add(1, std::memory_order_relaxed);
}

/// Runs `body(tasks)` three times; returns the best rate in tasks per second.
double best_rate(const char* name, long tasks, const std::function<void(long)>& body) {
  double best = 0;
  for (int round = 0; round < 3; ++round) {
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
    futures.push_back(pool.submit(trivial_task));
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
    auto task = std::make_shared<std::packaged_task<void()>>(trivial_task);
    futures.push_back(task->get_future());
    asio::post(pool, [task] { (*task)(); });
  }
  for (auto& future : futures) {
    future.get();
  }
  pool.join();
}

void asio_pool_post_only(long tasks) {
  asio::thread_pool pool(kWorkers);
  for (long i = 0; i < tasks; ++i) {
    asio::post(pool, trivial_task);
  }
  pool.join();
}

void thread_per_task(long tasks) {
  // Two at a time, like the pools' two workers: start two, join two.
  for (long i = 0; i < tasks; i += kWorkers) {
    std::thread first(trivial_task);
    std::thread second(trivial_task);
    first.join();
    second.join();
  }
}

} // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const long tasks = quick ? 2'000 : 200'000;
  const long spawned = quick ? 200 : 20'000;
  std::printf("trivial tasks per second, %u worker threads, %u cores, best of 3 rounds\n", kWorkers,
              std::thread::hardware_concurrency());

  const double reference = best_rate("reference ThreadPool", tasks, reference_pool);
  const double asio_futures = best_rate("asio::thread_pool + futures", tasks, asio_pool_with_futures);
  const double asio_post = best_rate("asio::thread_pool post", tasks, asio_pool_post_only);
  const double per_task = best_rate("thread per task", spawned, thread_per_task);

  std::printf("%-40s %14s %12s\n", "way", "tasks/s", "vs ThreadPool");
  const auto row = [&](const char* name, double rate) {
    std::printf("%-40s %14.0f %11.2fx\n", name, rate, rate / reference);
  };
  row("reference ThreadPool::submit (future)", reference);
  row("asio::thread_pool + packaged_task", asio_futures);
  row("asio::thread_pool, post only", asio_post);
  row("std::thread per task (start + join)", per_task);
  std::printf("claim: trivial tasks through the reference ThreadPool, 2 workers | %.0f tasks/s | "
              "asio::thread_pool with futures | %.2fx\n",
              reference, reference / asio_futures);
  std::printf("claim: trivial tasks through the reference ThreadPool, 2 workers | %.0f tasks/s | "
              "a std::thread per task | %.2fx\n",
              reference, reference / per_task);
  // Measured with pool_throughput.py (CPython 3.11, 2 workers) on the
  // 2-core machine the chapter's figures come from.
  constexpr double kPythonRate = 42'000;
  std::printf("CPython 3.11's ThreadPoolExecutor: about %.0f tasks/s (pool_throughput.py);\n"
              "the reference pool here is %.0fx that.\n",
              kPythonRate, reference / kPythonRate);
  std::printf("claim: trivial tasks through the reference ThreadPool, 2 workers | %.0f tasks/s | "
              "Python ThreadPoolExecutor (measured once) | %.2fx\n",
              reference, reference / kPythonRate);
  return 0;
}
