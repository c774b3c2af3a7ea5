// The progress table: every chapter, every exercise, its state, and the next
// exercise to do.
#pragma once

#include "grading.hpp"
#include "manifest.hpp"
#include "terminal.hpp"

#include <ostream>
#include <vector>

namespace workbook::cli {

/// The first exercise in book order that is not done, or nullptr.
const Verdict* next_exercise(const std::vector<Verdict>& verdicts);

void print_status(std::ostream& out, const Manifest& manifest, const std::vector<Verdict>& verdicts,
                  const Terminal& terminal, const std::string& build_dir);

} // namespace workbook::cli
