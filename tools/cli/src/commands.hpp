// The workbook's commands. Each returns the process's exit status: 0 when
// it did what was asked, 1 when the answer is "no" (an exercise fails, a
// solution is refused), and throws UsageError or std::runtime_error when it
// could not run.
#pragma once

#include "workspace.hpp"

namespace workbook::cli {

int status_command(Workspace& workspace);
int list_command(Workspace& workspace);
int next_command(Workspace& workspace);
int check_command(Workspace& workspace);
int watch_command(Workspace& workspace);
int hint_command(Workspace& workspace);
int solution_command(Workspace& workspace);
int reset_command(Workspace& workspace);
int run_command(Workspace& workspace);

/// Prints one exercise's grading as `check` and `watch` show it.
void print_result(std::ostream& out, const ExerciseResult& result, const Terminal& terminal,
                  const std::string& build_dir);

} // namespace workbook::cli
