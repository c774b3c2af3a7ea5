// Knowing an untouched exercise without compiling it: its file is still the
// stub the workbook shipped, byte for byte (git's object hash of the file
// equals the blob in HEAD, and that blob still throws not_implemented).
// `reset` puts back the same file.
#pragma once

#include "manifest.hpp"

#include <set>
#include <string>

namespace workbook::cli {

/// The names of the exercises whose file is the shipped stub. Empty when the
/// book is not a git clone (every exercise is then compiled and graded).
std::set<std::string> untouched_exercises(const Manifest& manifest);

} // namespace workbook::cli
