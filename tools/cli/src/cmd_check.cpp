// check and watch: grading one exercise and explaining the verdict.
#include "commands.hpp"
#include "status.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace workbook::cli {

namespace {

std::string indent(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    out += prefix + line + "\n";
  }
  return out;
}

} // namespace

void print_result(std::ostream& out, const ExerciseResult& result, const Terminal& terminal,
                  const std::string& build_dir) {
  const Verdict& verdict = result.verdict;
  const Exercise& exercise = *verdict.exercise;
  if (result.stub_missing) {
    out << terminal.paint(exercise.name + ": the file to edit is missing", Colour::red) << "\n"
        << indent(result.compile_error, "  ");
    return;
  }
  if (verdict.state == State::does_not_compile) {
    out << terminal.paint(exercise.name + " does not compile", Colour::red) << "\n"
        << indent(result.compile_error, "  ") << "  (the whole log: cmake --build " << build_dir
        << " --target grade_" << exercise.name << ")\n";
    return;
  }
  if (verdict.state == State::not_started) {
    out << "  The stub still throws workbook::not_implemented; these test cases grade it:\n";
    for (const auto& one : result.cases) {
      out << "  " << terminal.paint("todo", Colour::dim) << "  " << one.name << "\n";
    }
    out << terminal.paint(exercise.name + ": not started", Colour::yellow) << ", 0 of " << verdict.total
        << " test cases pass. The task is in " << exercise.stub << " (./workbook next shows it).\n";
    return;
  }
  for (const auto& one : result.cases) {
    out << "  " << (one.passed ? terminal.paint("pass", Colour::green) : terminal.paint("FAIL", Colour::red))
        << "  " << one.name << "\n";
    if (!one.passed && !one.summary.empty()) {
      out << indent(one.summary, "        ");
    }
    if (!one.report_path.empty()) {
      out << "        the whole report: " << one.report_path << "\n";
    }
  }
  const Colour colour = verdict.state == State::done ? Colour::green
                        : verdict.state == State::failing || verdict.state == State::not_started
                            ? Colour::yellow
                            : Colour::red;
  int reports = 0;
  for (const auto& one : result.cases) {
    reports += one.report.empty() ? 0 : 1;
  }
  // Graded under ThreadSanitizer alone (--tsan), a race stops a case that
  // was never seen to pass: the report is the verdict.
  if (verdict.state == State::races && result.race_checked) {
    out << terminal.paint(exercise.name + ": passes, but races", colour) << ": every test case passes, and "
        << reports << " of " << verdict.total << " fail under ThreadSanitizer.\n"
        << "  Two threads touch the same memory, at least one of them writes, and nothing orders the two\n"
        << "  accesses: guard the data with a mutex, or make one access happen before the other (join the\n"
        << "  thread, or hand the data over with a latch, a future, or a release store read by an acquire\n"
        << "  load). The result can be right by luck; the program is still undefined.\n";
    return;
  }
  std::string state = to_string(verdict.state);
  if ((verdict.state == State::crashed || verdict.state == State::races) && reports > 0) {
    for (const auto& one : result.cases) {
      if (!one.report.empty()) {
        state = one.report.kind + " (" + one.report.tool + ")"; // "data race (ThreadSanitizer)"
        break;
      }
    }
  }
  out << terminal.paint(exercise.name + ": " + state, colour) << ", " << verdict.passed << " of "
      << verdict.total << " test cases pass";
  if (result.race_checked && verdict.state != State::done) {
    out << " under ThreadSanitizer";
  }
  out << ".";
  if (verdict.state == State::done) {
    out << (result.race_checked ? " No data race under ThreadSanitizer." : "")
        << (result.race_check_skipped ? " Not checked for data races (--quick): it is done once "
                                        "ThreadSanitizer agrees."
                                      : "");
  } else if (verdict.state == State::deadlocked) {
    out << " A test case hit the watchdog: look for a wait whose notify never comes, or two locks taken in "
           "opposite orders.";
  } else if (verdict.state == State::crashed || verdict.state == State::races) {
    if (reports > 0) {
      out << " The sanitizer's report, above, says where.";
    } else {
      out << " A test case crashed: run it alone under a debugger (gdb --args " << build_dir << "/chapters/"
          << exercise.chapter << "/grade_" << exercise.name << " \"CASE\").";
    }
  }
  out << "\n";
}

int check_command(Workspace& workspace) {
  const auto& operands = workspace.options().operands;
  if (operands.size() != 1) {
    throw UsageError("usage: workbook check EXERCISE (./workbook list shows the exercises)");
  }
  const Exercise& exercise = workspace.exercise(operands[0]);
  std::cout << "Grading " << exercise.name << (workspace.options().tsan ? " under ThreadSanitizer" : "")
            << " ..." << std::endl;
  const ExerciseResult result = workspace.grade_one(exercise);
  print_result(std::cout, result, workspace.terminal(),
               result.race_checked ? workspace.tsan_dir() : workspace.build_dir());
  return result.verdict.state == State::done ? 0 : 1;
}

namespace {

// What watch remembers of one exercise file: a save changes its modification
// time, its contents or both (a file system with coarse timestamps can give
// two saves the same time, so the contents are compared too).
struct StubState {
  fs::file_time_type time;
  std::string contents;
};

using StubStates = std::map<std::string, StubState>;

// The state of every exercise file the book lists. Other files (an editor's
// swap or backup file, the temporary file `sed -i` renames into place) are
// not exercises and are not watched; a file missing for a moment, between an
// editor's unlink and rename, is simply left out of this scan.
StubStates scan(const Manifest& book) {
  StubStates states;
  for (const auto& exercise : book.exercises) {
    const fs::path path = fs::path(book.root) / exercise.stub;
    std::error_code error;
    const fs::file_time_type time = fs::last_write_time(path, error);
    if (error) {
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      continue;
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    states[path.string()] = StubState{time, std::move(contents).str()};
  }
  return states;
}

} // namespace

int watch_command(Workspace& workspace) {
  if (!workspace.options().operands.empty()) {
    throw UsageError("watch takes no operand: it follows the exercises in book order");
  }
  const Manifest& book = workspace.manifest();
  std::vector<Verdict> verdicts = workspace.grade_all();
  const Terminal& terminal = workspace.terminal();
  const int max_verdicts = workspace.options().max_verdicts;
  int verdicts_shown = 0;

  const auto current = [&]() -> const Exercise* {
    const Verdict* next = next_exercise(verdicts);
    return next == nullptr ? nullptr : next->exercise;
  };
  const auto announce = [&] {
    if (const Exercise* exercise = current()) {
      std::cout << "\n"
                << terminal.paint("Watching " + exercise->name, Colour::bold) << ": edit " << exercise->stub
                << " and save; Ctrl-C stops.\n"
                << std::flush;
    } else {
      std::cout << "\n"
                << terminal.paint("Every exercise passes. Well done!", Colour::green) << "\n"
                << std::flush;
    }
  };
  const auto show = [&](const Exercise& exercise, std::optional<fs::file_time_type> saved_at) {
    const ExerciseResult result = workspace.grade_one(exercise);
    print_result(std::cout, result, terminal,
                 result.race_checked ? workspace.tsan_dir() : workspace.build_dir());
    if (saved_at) {
      const std::chrono::duration<double> latency = fs::file_time_type::clock::now() - *saved_at;
      std::ostringstream seconds;
      seconds.precision(2);
      seconds << std::fixed << latency.count();
      std::cout << terminal.paint("(verdict " + seconds.str() + " s after the save)", Colour::dim) << "\n";
    }
    for (auto& verdict : verdicts) {
      if (verdict.exercise->name == exercise.name) {
        const Exercise* keep = verdict.exercise;
        verdict = result.verdict;
        verdict.exercise = keep;
      }
    }
    ++verdicts_shown;
    std::cout << std::flush;
  };

  if (const Exercise* exercise = current()) {
    std::cout << "\n";
    show(*exercise, std::nullopt);
  }
  // The baseline is taken before "Watching" is printed, so a save made after
  // that line is always seen as a save.
  StubStates before = scan(book);
  announce();
  while (max_verdicts == 0 || verdicts_shown < max_verdicts) {
    std::this_thread::sleep_for(std::chrono::milliseconds(workspace.options().poll_ms));
    const StubStates now = scan(book);
    const Exercise* exercise = nullptr;
    fs::file_time_type saved_at{};
    for (const auto& candidate : book.exercises) {
      const std::string path = (fs::path(book.root) / candidate.stub).string();
      const auto fresh = now.find(path);
      if (fresh == now.end()) {
        continue; // mid-save; the next scan compares it with the old state
      }
      const auto old = before.find(path);
      if (old == before.end() || old->second.time != fresh->second.time ||
          old->second.contents != fresh->second.contents) {
        exercise = &candidate;
        saved_at = fresh->second.time;
      }
      before[path] = fresh->second;
    }
    if (exercise == nullptr) {
      continue;
    }
    const Exercise* watched = current();
    std::cout << "\nSaved " << exercise->stub << ": grading " << exercise->name << " ..." << std::endl;
    show(*exercise, saved_at);
    if (current() != watched) {
      announce();
    }
  }
  return 0;
}

} // namespace workbook::cli
