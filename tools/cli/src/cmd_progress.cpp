// status, list and next: views of every exercise's grading.
#include "commands.hpp"
#include "names.hpp"
#include "status.hpp"
#include "task.hpp"

#include <iostream>

namespace workbook::cli {

namespace {

// Under --quick no exercise is checked for races, so a "done" in the table
// says less than it does otherwise; the table says so beneath it.
void note_race_check_skipped(const Workspace& workspace, const std::vector<Verdict>& verdicts) {
  if (!workspace.options().quick) {
    return;
  }
  for (const auto& verdict : verdicts) {
    if (verdict.state == State::done) {
      std::cout << workspace.terminal().paint(
                       "--quick: \"done\" above means the hidden tests pass; they were not "
                       "run under ThreadSanitizer, which every done exercise needs.",
                       Colour::dim)
                << "\n";
      return;
    }
  }
}

} // namespace

int status_command(Workspace& workspace) {
  if (!workspace.options().operands.empty()) {
    throw UsageError("status takes no operand (did you mean ./workbook check " +
                     workspace.options().operands[0] + "?)");
  }
  const auto verdicts = workspace.grade_all();
  std::cout << "\n";
  print_status(std::cout, workspace.manifest(), verdicts, workspace.terminal(), workspace.build_dir());
  note_race_check_skipped(workspace, verdicts);
  return 0;
}

int list_command(Workspace& workspace) {
  const Manifest& book = workspace.manifest();
  const Chapter* only = nullptr;
  if (!workspace.options().operands.empty()) {
    const std::string& wanted = workspace.options().operands[0];
    only = book.find_chapter(wanted);
    if (only == nullptr) {
      std::vector<std::string> names;
      for (const auto& chapter : book.chapters) {
        names.push_back(chapter.id);
        names.push_back(chapter.label);
      }
      const std::string guess = closest_name(wanted, names);
      throw UsageError("there is no chapter \"" + wanted + "\"" +
                       (guess.empty() ? "" : "; did you mean \"" + guess + "\"?"));
    }
  }
  const auto verdicts = workspace.grade_all();
  std::cout << "\n";
  const Terminal& terminal = workspace.terminal();
  for (const auto& verdict : verdicts) {
    const Exercise& exercise = *verdict.exercise;
    if (only != nullptr && exercise.chapter != only->id) {
      continue;
    }
    std::string name = exercise.name;
    name.resize(std::max<std::size_t>(name.size(), 22), ' ');
    std::string state = state_label(verdict);
    state.resize(std::max<std::size_t>(state.size(), 17), ' ');
    std::cout << exercise.chapter << "  " << name << " "
              << terminal.paint(state, verdict.state == State::done ? Colour::green : Colour::none) << " "
              << verdict.passed << "/" << verdict.total << "  " << exercise.stub << "\n";
  }
  note_race_check_skipped(workspace, verdicts);
  return 0;
}

int next_command(Workspace& workspace) {
  const auto verdicts = workspace.grade_all();
  const Verdict* next = next_exercise(verdicts);
  const Terminal& terminal = workspace.terminal();
  if (next == nullptr) {
    std::cout << "\n" << terminal.paint("Every exercise passes.", Colour::green) << "\n";
    return 0;
  }
  const Exercise& exercise = *next->exercise;
  std::cout << "\n"
            << terminal.paint("Next: " + exercise.name, Colour::bold) << " (" << to_string(next->state)
            << ", " << next->passed << "/" << next->total << " test cases pass)\n\n";
  const std::string task = task_of(workspace.path_of(exercise.stub));
  std::cout << (task.empty() ? "(the stub " + exercise.stub + " cannot be read)\n" : task);
  std::cout << terminal.paint("Edit   ", Colour::bold) << exercise.stub << "\n"
            << terminal.paint("Read   ", Colour::bold) << "chapters/" << exercise.chapter
            << "/README.md, section \"Exercise: " << exercise.name << "\"\n"
            << terminal.paint("Grade  ", Colour::bold) << "./workbook check " << exercise.name
            << "   (or ./workbook watch)\n"
            << terminal.paint("Stuck? ", Colour::bold) << "./workbook hint " << exercise.name << "\n";
  return 0;
}

} // namespace workbook::cli
