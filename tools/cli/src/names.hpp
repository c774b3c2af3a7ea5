// "Did you mean ...?": the closest known name to a mistyped one.
#pragma once

#include <string>
#include <vector>

namespace workbook::cli {

/// The candidate closest to `name` by edit distance, or "" when none is
/// close enough to be a plausible typo.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

} // namespace workbook::cli
