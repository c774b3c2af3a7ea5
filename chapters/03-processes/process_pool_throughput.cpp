// Tasks per second computing n * 2 in other processes, measured in one run
// and printed as ratios:
//
//   1. the workbook's reference ProcessPool (solutions/03-processes) with two
//      workers: the workers are forked once, tasks and results cross pipes;
//   2. a fork per task: fork, compute in the child, send the result back
//      through a pipe, reap the child; two at a time, like the two workers;
//   3. the same tasks on this thread, for scale.
//
// Every result is checked. The best of three rounds is kept.
//
//   process_pool_throughput            100,000 pool tasks, 3,000 forks per round
//   process_pool_throughput --quick    a short run that only proves it works
#include "../../solutions/03-processes/process_pool.hpp"

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::string doubled(const std::string& input) {
  return std::to_string(2 * std::stol(input));
}

double best_rate(long tasks, const std::function<void(long)>& body) {
  double best = 0;
  for (int round = 0; round < 3; ++round) {
    const auto start = Clock::now();
    body(tasks);
    const std::chrono::duration<double> elapsed = Clock::now() - start;
    best = std::max(best, static_cast<double>(tasks) / elapsed.count());
  }
  return best;
}

void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "process_pool_throughput: %s gave a wrong result\n", what);
    std::exit(1);
  }
}

// [fork-per-task]
/// One task in a child process of its own: fork, compute, write the result
/// into a pipe, exit; the parent reads it and reaps the child.
struct ForkedTask {
  pid_t pid = -1;
  int result_fd = -1;

  explicit ForkedTask(long n) {
    int ends[2];
    if (::pipe(ends) != 0) {
      std::perror("pipe");
      std::exit(1);
    }
    pid = ::fork();
    if (pid == 0) {
      ::close(ends[0]);
      const std::string result = std::to_string(2 * n);
      [[maybe_unused]] const auto written = ::write(ends[1], result.data(), result.size());
      ::_exit(0);
    }
    ::close(ends[1]);
    result_fd = ends[0];
  }

  std::string finish() {
    std::string result;
    char buffer[64];
    ssize_t got = 0;
    while ((got = ::read(result_fd, buffer, sizeof buffer)) > 0) {
      result.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(result_fd);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return result;
  }
};
// [fork-per-task]

} // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const long pool_tasks = quick ? 2'000 : 100'000;
  const long forked_tasks = quick ? 200 : 3'000;

  std::vector<std::string> inputs;
  for (long n = 0; n < pool_tasks; ++n) {
    inputs.push_back(std::to_string(n));
  }
  workbook::processes::ProcessPool pool(2, doubled);
  const double by_pool = best_rate(pool_tasks, [&](long tasks) {
    const auto results = pool.map(inputs);
    expect(static_cast<long>(results.size()) == tasks &&
               results.back().value == std::to_string(2 * (tasks - 1)),
           "the pool");
  });
  const double by_fork = best_rate(forked_tasks, [](long tasks) {
    for (long n = 0; n < tasks; n += 2) {
      ForkedTask first(n);
      ForkedTask second(n + 1);
      expect(first.finish() == std::to_string(2 * n), "fork per task");
      expect(second.finish() == std::to_string(2 * (n + 1)), "fork per task");
    }
  });
  const double in_thread = best_rate(pool_tasks, [&](long tasks) {
    long checksum = 0;
    for (long n = 0; n < tasks; ++n) {
      checksum += std::stol(doubled(inputs[static_cast<std::size_t>(n)]));
    }
    expect(checksum == tasks * (tasks - 1), "this thread");
  });

  std::printf("n * 2 tasks per second, %ld tasks (fork per task: %ld), best of 3 rounds\n", pool_tasks,
              forked_tasks);
  std::printf("%-44s %14s %12s\n", "way", "tasks/s", "vs the pool");
  std::printf("%-44s %14.0f %11.2fx\n", "reference ProcessPool, 2 workers", by_pool, 1.0);
  std::printf("%-44s %14.0f %11.2fx\n", "fork per task, 2 at a time", by_fork, by_fork / by_pool);
  std::printf("%-44s %14.0f %11.2fx\n", "on this thread, no process at all", in_thread, in_thread / by_pool);
  // Measured with process_pool_throughput.py (CPython 3.11, 2 workers) on
  // the 2-core machine the chapter's figures come from.
  constexpr double kPythonRate = 3'500;
  std::printf("CPython 3.11's ProcessPoolExecutor: about %.0f tasks/s (process_pool_throughput.py);\n"
              "the reference pool here is %.0fx that.\n",
              kPythonRate, by_pool / kPythonRate);
  std::printf(
      "claim: n * 2 tasks through the reference ProcessPool, 2 workers | %.0f tasks/s | a fork per task | "
      "%.2fx\n",
      by_pool, by_pool / by_fork);
  std::printf("claim: n * 2 tasks through the reference ProcessPool, 2 workers | %.0f tasks/s | "
              "Python ProcessPoolExecutor submit (measured once) | %.2fx\n",
              by_pool, by_pool / kPythonRate);
  return 0;
}
