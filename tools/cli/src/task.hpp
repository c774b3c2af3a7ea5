// An exercise's task, read from its stub: the header comment and the doc
// comments (///) that specify the API.
#pragma once

#include <string>

namespace workbook::cli {

/// The stub's task as plain text, or "" when the file cannot be read.
std::string task_of(const std::string& stub_path);

} // namespace workbook::cli
