// An exercise's hints: `## Hint N` sections of tools/hints/NN-topic/NAME.md,
// revealed one layer at a time. Which layers were shown is remembered in the
// build folder (it is not progress: deleting it only hides the hints again).
#pragma once

#include <string>
#include <vector>

namespace workbook::cli {

/// The hint layers of a hints file, in order; throws std::runtime_error when
/// the file is missing or has no "## Hint 1".
std::vector<std::string> read_hints(const std::string& path);

/// How many layers of `exercise` were shown so far (0 at first).
int hints_shown(const std::string& build_dir, const std::string& exercise);
void remember_hints_shown(const std::string& build_dir, const std::string& exercise, int count);

} // namespace workbook::cli
