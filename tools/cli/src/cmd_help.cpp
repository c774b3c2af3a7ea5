// hint and solution: help on demand, in increasing doses.
#include "commands.hpp"
#include "hints.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace workbook::cli {

int hint_command(Workspace& workspace) {
  const auto& operands = workspace.options().operands;
  if (operands.size() != 1) {
    throw UsageError("usage: workbook hint EXERCISE [--all]");
  }
  const Exercise& exercise = workspace.exercise(operands[0]);
  const auto layers = read_hints(workspace.path_of(exercise.hints));
  const int total = static_cast<int>(layers.size());
  const int already = hints_shown(workspace.build_dir(), exercise.name);
  const int show = workspace.options().all ? total : std::min(total, already + 1);
  remember_hints_shown(workspace.build_dir(), exercise.name, std::max(show, already));
  const Terminal& terminal = workspace.terminal();
  for (int layer = 0; layer < show; ++layer) {
    std::cout << terminal.paint("Hint " + std::to_string(layer + 1) + " of " + std::to_string(total) + " (" +
                                    exercise.name + ")",
                                Colour::bold)
              << "\n"
              << layers[static_cast<std::size_t>(layer)] << "\n\n";
  }
  if (show < total) {
    std::cout << "Run ./workbook hint " << exercise.name << " again for the next hint.\n";
  } else {
    std::cout << "That was the last hint. The reference solution: ./workbook solution " << exercise.name
              << " (once your version passes).\n";
  }
  return 0;
}

int solution_command(Workspace& workspace) {
  const auto& operands = workspace.options().operands;
  if (operands.size() != 1) {
    throw UsageError("usage: workbook solution EXERCISE [--force]");
  }
  const Exercise& exercise = workspace.exercise(operands[0]);
  const Terminal& terminal = workspace.terminal();
  if (!workspace.options().force) {
    std::cout << "Grading " << exercise.name << " first ..." << std::endl;
    const ExerciseResult result = workspace.grade_one(exercise);
    if (result.verdict.state != State::done) {
      std::cout << terminal.paint(exercise.name + " does not pass yet", Colour::yellow) << " ("
                << to_string(result.verdict.state) << ", " << result.verdict.passed << " of "
                << result.verdict.total << " test cases pass): the solution stays hidden until it does.\n"
                << "Try ./workbook hint " << exercise.name << ", or ./workbook solution " << exercise.name
                << " --force to look anyway.\n";
      return 1;
    }
    std::cout << terminal.paint("Your version passes.", Colour::green)
              << " Compare it with the reference solution:\n\n";
  } else {
    std::cout << terminal.paint("Shown with --force: the reference solution, before your version passes.",
                                Colour::yellow)
              << "\n\n";
  }
  std::ifstream in(workspace.path_of(exercise.solution));
  if (!in) {
    throw std::runtime_error("the solution " + exercise.solution + " cannot be read");
  }
  std::cout << terminal.paint("// " + exercise.solution, Colour::bold) << "\n" << in.rdbuf();
  return 0;
}

} // namespace workbook::cli
