#include "grading.hpp"

#include <cctype>

#include <sstream>
#include <utility>

namespace workbook::cli {

const char* to_string(State state) {
  switch (state) {
  case State::done: return "done";
  case State::races: return "passes, but races";
  case State::not_started: return "not started";
  case State::failing: return "failing";
  case State::deadlocked: return "deadlock?";
  case State::crashed: return "crashed";
  case State::does_not_compile: return "does not compile";
  case State::not_graded: return "not graded";
  }
  return "?";
}

namespace {

bool contains(const std::string& text, const char* what) {
  return text.find(what) != std::string::npos;
}

std::string trim(std::string text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return "";
  }
  const auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::string relative_to(std::string text, const std::string& root) {
  if (root.empty()) {
    return text;
  }
  const std::string prefix = root + "/";
  for (std::size_t at; (at = text.find(prefix)) != std::string::npos;) {
    text.erase(at, prefix.size());
  }
  return text;
}

// The signal a crashed test case died of, or "" if it did not crash. CTest's
// JUnit report leaves the failure message empty, so the test's own output is
// read: Catch2 reports a fatal signal before it re-raises it, and the
// sanitizers and std::terminate print their own banners.
std::string crash_cause(const TestRecord& record) {
  static const std::pair<const char*, const char*> banners[] = {
      {"SIGSEGV", "segmentation fault"},
      {"SIGABRT", "aborted"},
      {"SIGBUS", "bus error"},
      {"SIGFPE", "arithmetic exception"},
      {"SIGILL", "illegal instruction"},
      {"terminate called", "std::terminate called"},
      {"ThreadSanitizer:", "ThreadSanitizer report"},
      {"AddressSanitizer:", "AddressSanitizer report"},
      {"runtime error:", "undefined behaviour reported by UBSan"},
  };
  for (const auto& [banner, cause] : banners) {
    if (contains(record.output, banner)) {
      return cause;
    }
  }
  const auto& message = record.failure_message;
  if (contains(message, "SEGFAULT") || contains(message, "Exception") || contains(message, "Child aborted")) {
    return message;
  }
  return "";
}

std::string first_failure_line(const std::string& output) {
  std::istringstream in(output);
  std::string line;
  std::string previous;
  while (std::getline(in, line)) {
    if (contains(line, "FAILED:")) {
      std::string expression;
      std::getline(in, expression);
      return trim(expression);
    }
    if (contains(line, "WARNING: ThreadSanitizer:") || contains(line, "ERROR: AddressSanitizer:") ||
        contains(line, "runtime error:")) {
      return trim(line);
    }
  }
  return "";
}

} // namespace

std::string state_label(const Verdict& verdict) {
  if (verdict.state == State::races && verdict.passed < verdict.total) {
    return "races under TSan";
  }
  return to_string(verdict.state);
}

std::string first_compiler_error(const std::string& log, const std::string& root) {
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (contains(line, ": error:") || contains(line, ": fatal error:")) {
      return relative_to(trim(line), root);
    }
  }
  return "";
}

namespace {

// A line that starts a diagnostic or a build tool's message, not code quoted
// under one: "file:12:5: note: ...", "In file included from ...",
// "In instantiation of", ninja's "[3/4] ..." and "FAILED: ...".
bool is_diagnostic(const std::string& line) {
  if (line.empty() || line.rfind("In file included from", 0) == 0 || line.rfind("FAILED:", 0) == 0 ||
      line.rfind("ninja:", 0) == 0 || line.front() == '[') {
    return true;
  }
  if (line.front() == ' ' || line.front() == '\t') {
    return false;
  }
  // A location: a path, then ":<line>:" (GCC's "In instantiation of ..."
  // lines start with a path and a colon too).
  const std::size_t colon = line.find(':');
  return colon != std::string::npos && colon + 1 < line.size() &&
         (std::isdigit(static_cast<unsigned char>(line[colon + 1])) != 0 || line[colon + 1] == ' ');
}

} // namespace

std::string compiler_error_excerpt(const std::string& log, const std::string& root) {
  std::istringstream in(log);
  std::string line;
  std::string excerpt;
  int context = 0;
  while (std::getline(in, line)) {
    if (excerpt.empty()) {
      if (contains(line, ": error:") || contains(line, ": fatal error:")) {
        excerpt = relative_to(trim(line), root);
        context = 2;
      }
    } else if (context > 0 && !is_diagnostic(line)) {
      // The quoted code and its caret: GCC's "  12 |  code" and "     |  ^~~"
      // lines, or clang's code line and its "      ^" line.
      excerpt += "\n" + line;
      --context;
    } else {
      break;
    }
  }
  return excerpt;
}

namespace {

// What Catch2 printed about the first failed assertion: its location, the
// expression and its expansion, and any INFO messages, up to a dozen lines.
std::string failure_block(const std::string& output, const std::string& root) {
  std::istringstream in(output);
  std::string line;
  std::string block;
  int lines = 0;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside) {
      if (contains(line, "FAILED:")) {
        inside = true;
        block = relative_to(trim(line), root);
        lines = 1;
      }
      continue;
    }
    if (line.rfind("-----", 0) == 0 || line.rfind("=====", 0) == 0 || line.rfind("...", 0) == 0 ||
        lines >= 12) {
      break;
    }
    if (trim(line).empty()) {
      break; // Catch2 ends the report of an assertion with a blank line
    }
    block += "\n" + line;
    ++lines;
  }
  return block;
}

std::string watchdog_line(const std::string& output) {
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (contains(line, "likely a deadlock")) {
      return trim(line);
    }
  }
  return "did not finish: likely a deadlock or a missed notify";
}

// The watchdog's verdict and, when it could tell, where each thread was:
// the line of the learner's file (or else of the test) it was waiting in.
std::string watchdog_block(const std::string& output, const std::string& root) {
  std::string block = watchdog_line(output);
  const auto stacks = parse_watchdog_stacks(output, root);
  bool any = false;
  for (const auto& stack : stacks) {
    if (stack.where.empty()) {
      continue;
    }
    if (!any) {
      block += "\nwhere the threads were when it ran out:";
      any = true;
    }
    block += "\n  " + std::string(stack.thread == "main" ? "the test's main thread" : "another thread") +
             ": " + stack.where + (stack.function.empty() ? "" : " in " + stack.function);
    if (stack.in_exercise) {
      if (const std::string code = source_line(root, stack.where); !code.empty()) {
        block += "\n    | " + code;
      }
    }
  }
  return block;
}

// The schedule explorer's report, as the grader prints it before the failed
// check: the verdict, the shortest failing schedule as a trace, and its
// replay token. The block runs from the blank line before it to the
// "Replay exactly this schedule" line; empty when the output has none.
std::string explored_schedule_block(const std::string& output, const std::string& ctest_name) {
  const std::string replay_marker = "Replay exactly this schedule: ";
  const auto replay = output.find(replay_marker);
  if (replay == std::string::npos) {
    return {};
  }
  const auto replay_end = output.find('\n', replay);
  const auto blank = output.rfind("\n\n", replay);
  const auto begin = blank == std::string::npos ? 0 : blank + 2;
  std::string block =
      output.substr(begin, (replay_end == std::string::npos ? output.size() : replay_end) - begin);
  const auto token = block.rfind("WORKBOOK_SIM_REPLAY=");
  if (token != std::string::npos) {
    // The name goes inside single quotes for the shell: its own apostrophes
    // ("each producer's items") close and reopen them.
    std::string quoted;
    for (const char c : ctest_name) {
      quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    block += "\n(to run exactly this schedule again: " + block.substr(token) +
             " ctest --test-dir build/learner -R '^" + quoted + "$' --output-on-failure)";
  }
  return block;
}

} // namespace

std::vector<CaseResult> case_results(const Exercise& exercise, const std::vector<TestRecord>& records,
                                     const std::string& root) {
  std::map<std::string, const TestRecord*> by_name;
  for (const auto& record : records) {
    by_name[record.name] = &record;
  }
  std::vector<CaseResult> cases;
  for (const auto& test : exercise.tests) {
    CaseResult result;
    result.name = test.substr(exercise.name.size() + 2);
    const auto found = by_name.find(test);
    if (found == by_name.end()) {
      result.summary = "not run";
    } else if (found->second->status == "run") {
      result.passed = true;
    } else {
      const TestRecord& record = *found->second;
      if (contains(record.output, "likely a deadlock") || record.failure_message == "Timeout") {
        result.summary = watchdog_block(record.output, root);
      } else if (result.report = parse_sanitizer_report(record.output, root); !result.report.empty()) {
        result.summary = describe_report(result.report, root);
        if (!result.summary.empty() && result.summary.back() == '\n') {
          result.summary.pop_back();
        }
      } else if (const std::string cause = crash_cause(record); !cause.empty()) {
        result.summary = "crashed: " + cause;
        if (const std::string block = failure_block(record.output, root); !block.empty()) {
          result.summary += "\n" + block;
        }
      } else if (contains(record.output, "not implemented yet")) {
        result.summary = "not implemented yet (the stub still throws workbook::not_implemented)";
      } else if (const std::string schedule = explored_schedule_block(record.output, test);
                 !schedule.empty()) {
        result.summary = relative_to(schedule, root);
      } else {
        result.summary = failure_block(record.output, root);
        if (result.summary.empty()) {
          result.summary = record.failure_message.empty() ? "failed" : record.failure_message;
        }
      }
    }
    cases.push_back(result);
  }
  return cases;
}

std::vector<Verdict> grade(const Manifest& manifest, const std::vector<TestRecord>& records) {
  std::map<std::string, const TestRecord*> by_name;
  for (const auto& record : records) {
    by_name[record.name] = &record;
  }
  std::vector<Verdict> verdicts;
  for (const auto& exercise : manifest.exercises) {
    Verdict verdict;
    verdict.exercise = &exercise;
    verdict.total = static_cast<int>(exercise.tests.size());

    const auto compile = by_name.find(exercise.name + ": compiles");
    if (compile == by_name.end()) {
      verdicts.push_back(verdict);
      continue;
    }
    if (compile->second->status != "run") {
      verdict.state = State::does_not_compile;
      verdict.detail = first_compiler_error(compile->second->output, manifest.root);
      verdicts.push_back(verdict);
      continue;
    }

    int stub_failures = 0;
    int failures = 0;
    int race_reports = 0; // cases ThreadSanitizer stopped with a report
    std::string deadlock;
    std::string crash;
    std::string failure;
    std::string explored; // the first explored case's own verdict, with its schedule
    for (const auto& test : exercise.tests) {
      const auto found = by_name.find(test);
      if (found == by_name.end()) {
        continue;
      }
      const TestRecord& record = *found->second;
      if (record.status == "run") {
        ++verdict.passed;
        continue;
      }
      ++failures;
      const std::string case_name = test.substr(exercise.name.size() + 2);
      if (contains(record.output, "likely a deadlock") || record.failure_message == "Timeout") {
        if (deadlock.empty()) {
          deadlock = "\"" + case_name + "\" did not finish: likely a deadlock or a missed notify";
        }
      } else if (const SanitizerReport report = parse_sanitizer_report(record.output, manifest.root);
                 !report.empty()) {
        if (report.tool == "ThreadSanitizer") {
          ++race_reports;
        }
        if (crash.empty()) {
          crash = one_line(report) + " (in \"" + case_name + "\")";
          verdict.sanitizer_report = true;
        }
      } else if (const std::string cause = crash_cause(record); !cause.empty()) {
        if (crash.empty()) {
          crash = "\"" + case_name + "\" crashed: " + cause;
        }
      } else if (contains(record.output, "not implemented yet")) {
        ++stub_failures;
      } else {
        // An explored case's own verdict ("check failed: ...", "deadlock:
        // ...") says more than the CHECK on the exploration's result.
        const std::string schedule = explored_schedule_block(record.output, test);
        std::string verdict_line = schedule.substr(0, schedule.find('\n'));
        if (!verdict_line.empty() && verdict_line.back() == ':') {
          verdict_line.pop_back(); // "deadlock: no thread can run ...:" goes on with the threads
        }
        const std::string why = schedule.empty() ? first_failure_line(record.output)
                                                 : verdict_line + ", in a schedule the explorer found";
        const std::string named = "\"" + case_name + "\"" + (why.empty() ? "" : ": " + why);
        if (failure.empty()) {
          failure = named;
        }
        if (!schedule.empty() && explored.empty()) {
          explored = named;
        }
      }
    }
    if (failures == 0 && verdict.passed == verdict.total && verdict.total > 0) {
      verdict.state = State::done;
    } else if (!explored.empty()) {
      // A schedule that shows the bug beats a real-thread case that hung
      // (most often the same bug, met by chance) and a crash it led to. It
      // is "failing", not "deadlock?": the watchdog's guess is not needed,
      // the explorer's verdict says what happened, deadlock or not.
      verdict.state = State::failing;
      verdict.detail = relative_to(explored, manifest.root);
    } else if (!deadlock.empty()) {
      verdict.state = State::deadlocked;
      verdict.detail = deadlock;
    } else if (!crash.empty()) {
      // Graded in the ThreadSanitizer build, a case it stopped with a report
      // did not crash: it races (when nothing else went wrong).
      verdict.state = race_reports == failures ? State::races : State::crashed;
      verdict.detail = relative_to(crash, manifest.root);
    } else if (stub_failures == failures && verdict.passed == 0 && failures > 0) {
      verdict.state = State::not_started;
    } else if (failures > 0) {
      verdict.state = State::failing;
      verdict.detail = relative_to(failure, manifest.root);
    }
    verdicts.push_back(verdict);
  }
  return verdicts;
}

} // namespace workbook::cli
