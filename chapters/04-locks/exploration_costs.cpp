// What grading by exploring schedules costs: for each exercise of the
// chapter, runs its hidden test cases (the graders built next to this
// program), the explored ones and the real-thread ones, and reports how many
// schedules the explored ones ran and how long each kind took, in one run.
//
//   exploration_costs           every exercise
//   exploration_costs --quick   one exercise, to prove it works
//
// The graders are the build's own (`grade_<exercise>`, against the sources
// the build grades): run it in the bench or solutions build to measure the
// reference solutions.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

extern char** environ; // NOLINT: POSIX

namespace {

struct Run {
  int status = -1;
  std::string output; // stdout and stderr together
  double seconds = 0;
};

// Runs `argv` (no shell) and collects what it prints.
Run run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str())); // NOLINT: posix_spawn's signature
  }
  args.push_back(nullptr);
  std::array<int, 2> pipe_ends{};
  Run result;
  if (pipe(pipe_ends.data()) != 0) {
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
  posix_spawn_file_actions_addclose(&actions, pipe_ends[1]);
  const auto start = std::chrono::steady_clock::now();
  pid_t child = 0;
  const int spawned = posix_spawn(&child, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_ends[1]);
  std::array<char, 4096> buffer{};
  for (ssize_t got = 0; (got = read(pipe_ends[0], buffer.data(), buffer.size())) > 0;) {
    result.output.append(buffer.data(), static_cast<std::size_t>(got));
  }
  close(pipe_ends[0]);
  if (spawned == 0) {
    int status = 0;
    waitpid(child, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

struct Costs {
  int explored_cases = 0;
  int real_cases = 0;
  long executions = 0;
  double explored_seconds = 0;
  double real_seconds = 0;
  bool all_passed = true;
};

// Adds up the "workbook sim: exploration N: M executions" lines of a run.
long executions_in(const std::string& output) {
  long total = 0;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("workbook sim: exploration ", 0) == 0) {
      const auto colon = line.find(": ", 26);
      total += std::strtol(line.c_str() + colon + 2, nullptr, 10);
    }
  }
  return total;
}

Costs measure(const std::string& grader) {
  Costs costs;
  const Run listing = run({grader, "--list-test-names-only"});
  std::istringstream names(listing.output);
  for (std::string name; std::getline(names, name);) {
    if (name.empty() || name.find(' ') == std::string::npos) {
      continue; // Catch2's blank and summary lines
    }
    const Run graded = run({grader, name});
    costs.all_passed = costs.all_passed && graded.status == 0;
    if (name.rfind("explored: ", 0) == 0) {
      ++costs.explored_cases;
      costs.executions += executions_in(graded.output);
      costs.explored_seconds += graded.seconds;
    } else {
      ++costs.real_cases;
      costs.real_seconds += graded.seconds;
    }
  }
  return costs;
}

} // namespace

int main(int argc, char* argv[]) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const auto here = std::filesystem::canonical("/proc/self/exe").parent_path();
  setenv("WORKBOOK_SIM_STATS", "1", 1); // each exploration reports its executions
  unsetenv("WORKBOOK_SIM_REPLAY");
  unsetenv("WORKBOOK_EXPECT_FAILURE");
  const std::vector<std::string> all = {"event",          "reentrant_lock", "bounded_semaphore",
                                        "cyclic_barrier", "rw_lock",        "dining_philosophers"};
  const std::vector<std::string> exercises = quick ? std::vector<std::string>{"reentrant_lock"} : all;

  std::printf("Every hidden test case of each exercise, run one by one as ctest runs them;\n"
              "the explored ones try every schedule within the bound (two preemptions,\n"
              "one spurious wakeup), or a seeded sample of schedules.\n\n");
  std::printf("  %-20s %8s %11s %10s %12s %8s %10s\n", "exercise", "explored", "executions", "explored",
              "per exec.", "real", "real");
  std::printf("  %-20s %8s %11s %10s %12s %8s %10s\n", "", "cases", "", "time", "", "cases", "time");
  bool all_passed = true;
  std::vector<std::pair<std::string, Costs>> measured;
  for (const auto& exercise : exercises) {
    const auto grader = here / ("grade_" + exercise);
    if (!std::filesystem::exists(grader)) {
      std::fprintf(stderr, "exploration_costs: %s is not built\n", grader.c_str());
      return 1;
    }
    const Costs costs = measure(grader.string());
    all_passed = all_passed && costs.all_passed;
    std::printf("  %-20s %8d %11ld %9.2fs %10.0fus %8d %9.2fs%s\n", exercise.c_str(), costs.explored_cases,
                costs.executions, costs.explored_seconds,
                costs.executions > 0 ? 1e6 * costs.explored_seconds / static_cast<double>(costs.executions)
                                     : 0.0,
                costs.real_cases, costs.real_seconds, costs.all_passed ? "" : "  (a case failed)");
    measured.emplace_back(exercise, costs);
  }
  std::printf("\n");
  for (const auto& [exercise, costs] : measured) {
    std::printf(
        "claim: explored test cases of %s | %ld executions in %.2f s | its real-thread cases | %.2fx\n",
        exercise.c_str(), costs.executions, costs.explored_seconds,
        costs.real_seconds > 0 ? costs.explored_seconds / costs.real_seconds : 0.0);
  }
  if (!all_passed) {
    std::printf("\nSome cases failed (the stubs, or a solution in progress): an exploration stops at its "
                "first failure, so those figures are not the full cost.\n");
  }
  return 0;
}
