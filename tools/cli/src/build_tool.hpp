// How the CLI asks a build folder to build something.
#pragma once

#include <string>
#include <vector>

namespace workbook::cli {

// The value of `name` in a build folder's CMakeCache.txt ("" when absent).
std::string cache_value(const std::string& build_dir, const std::string& name);

// The command that builds `targets` in `build_dir`, going on past a failed
// target when `keep_going`. For a Ninja build folder this is ninja itself:
// `cmake --build` only starts the same ninja, after 15-20 ms of its own,
// which is a fifth of the time a grader that did not change takes to check.
// Any other generator goes through `cmake --build`.
std::vector<std::string> build_command(const std::string& build_dir, const std::vector<std::string>& targets,
                                       bool keep_going = false);

} // namespace workbook::cli
