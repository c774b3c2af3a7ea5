// Tasks per second computing n * 2 in other processes, measured in one run
// and printed as ratios:
//
//   1. this chapter's ProcessPool (the process_pool exercise: yours in your
//      build, the reference in the solutions and bench builds) with two
//      workers: the workers are forked once, tasks and results cross pipes;
//   2. a fork per task: fork, compute in the child, send the result back
//      through a pipe, reap the child; two at a time, like the two workers;
//   3. the same tasks on this thread, for scale;
//   4. CPython's ProcessPoolExecutor with two workers, as the tutorial uses
//      it (submit, then as_completed) and with map(chunksize=100)
//      (process_pool_throughput.py, run by Debian's /usr/bin/python3).
//
// Every result is checked. The best of three rounds is kept.
//
//   process_pool_throughput            100,000 pool tasks, 3,000 forks per round
//   process_pool_throughput --quick    a short run that only proves it works
#include "process_pool.hpp"

#include <workbook/bench.hpp>
#include <workbook/your_code.hpp>

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

int measure(bool quick) {
  namespace bench = workbook::bench;
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
  std::printf("%-52s %14s %12s\n", "way", "tasks/s", "vs the pool");
  std::printf("%-52s %14.0f %11.2fx\n", "reference ProcessPool, 2 workers", by_pool, 1.0);
  std::printf("%-52s %14.0f %11.2fx\n", "fork per task, 2 at a time", by_fork, by_fork / by_pool);
  std::printf("%-52s %14.0f %11.2fx\n", "on this thread, no process at all", in_thread, in_thread / by_pool);

  const auto python = bench::run_python(bench::chapter_file("process_pool_throughput.py"),
                                        {quick ? "500" : "10000"}, std::chrono::seconds(120));
  const auto submitted = python["submit_as_completed"];
  const auto mapped = python["map_chunksize_100"];
  if (submitted && mapped) {
    std::printf("%-52s %14.0f %11.2fx\n", "Python ProcessPoolExecutor(2), submit", *submitted,
                *submitted / by_pool);
    std::printf("%-52s %14.0f %11.2fx\n", "Python ProcessPoolExecutor(2), map(chunksize=100)", *mapped,
                *mapped / by_pool);
  }

  const std::string what = "n * 2 tasks through the reference ProcessPool, 2 workers";
  bench::claim(what, bench::figure(by_pool, "tasks/s"), "a fork per task", bench::ratio(by_pool / by_fork));
  const std::string python_pool = bench::python_name(python) + " ProcessPoolExecutor, 2 workers";
  if (submitted && mapped) {
    bench::claim(what, bench::figure(by_pool, "tasks/s"),
                 python_pool + ", submit + as_completed " + bench::figure(*submitted, "/s"),
                 bench::ratio(by_pool / *submitted));
    bench::claim(python_pool + ", map(chunksize=100)", bench::figure(*mapped, "tasks/s"),
                 "the reference ProcessPool, one task per message", bench::ratio(*mapped / by_pool));
  } else {
    const std::string why =
        "not measured: " +
        (python.ok() ? std::string("incomplete output of the Python program") : python.error);
    bench::claim(what, bench::figure(by_pool, "tasks/s"), python_pool + ", submit + as_completed", why);
    bench::claim(python_pool + ", map(chunksize=100)", "not measured", "the reference ProcessPool", why);
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  return workbook::run_on_your_code("process_pool", [&] { return measure(quick); });
}
