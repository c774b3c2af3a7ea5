// The learner's build as the commands see it: which build folder, its
// manifest, and grading runs (every exercise, or one).
#pragma once

#include "grading.hpp"
#include "manifest.hpp"
#include "options.hpp"
#include "terminal.hpp"

#include <optional>
#include <string>
#include <vector>

namespace workbook::cli {

/// One exercise graded on its own.
struct ExerciseResult {
  Verdict verdict;
  std::vector<CaseResult> cases;
  std::string compile_error;       ///< the readable excerpt when it does not compile
  bool stub_missing = false;       ///< the learner's file is gone (reset brings it back)
  bool race_checked = false;       ///< graded under ThreadSanitizer too (its cases are the ones shown)
  bool race_check_skipped = false; ///< passes, but --quick skipped ThreadSanitizer
};

class Workspace {
public:
  Workspace(const Options& options, Terminal terminal);

  [[nodiscard]] const std::string& build_dir() const { return build_dir_; }
  [[nodiscard]] const Terminal& terminal() const { return terminal_; }
  [[nodiscard]] const Options& options() const { return options_; }

  /// The build's manifest (configuring the ThreadSanitizer build first when
  /// --tsan asks for it and it does not exist yet).
  const Manifest& manifest();

  /// The exercise called `name`; a UsageError naming the closest one otherwise.
  const Exercise& exercise(const std::string& name);
  /// The example or measuring program called `name`; a UsageError otherwise.
  const Example& example(const std::string& name);

  /// Grades every exercise: an untouched stub is "not started" without
  /// compiling it; the others are built (-k 0) and tested in one ctest run;
  /// those that pass are graded again under ThreadSanitizer (unless --quick).
  std::vector<Verdict> grade_all();
  /// Rebuilds and grades one exercise, under ThreadSanitizer too when it
  /// passes (unless --quick).
  ExerciseResult grade_one(const Exercise& exercise);
  /// Whether a passing exercise is graded under ThreadSanitizer as well.
  [[nodiscard]] bool checks_races() const;
  [[nodiscard]] const std::string& tsan_dir() const { return tsan_dir_; }

  /// An absolute path for a path relative to the book's content root.
  [[nodiscard]] std::string path_of(const std::string& relative);

private:
  void require_build_folder() const;
  void ensure_tsan_build();
  const Manifest& tsan_manifest();
  /// The ThreadSanitizer build's manifest, or nullptr (said once) when it
  /// cannot be set up: the grade then goes on without the race check.
  const Manifest* race_check_build();
  /// Builds the exercise's grader in `build_dir` and runs its cases: first
  /// all of them, half in each of two processes; only if that run does not
  /// pass cleanly do they run one by one, as ctest runs them (a case that
  /// hung is not run again).
  ExerciseResult grade_in(const std::string& build_dir, const Manifest& book, const Exercise& exercise);

  Options options_;
  Terminal terminal_;
  std::string build_dir_;
  std::string tsan_dir_;
  std::optional<Manifest> manifest_;
  std::optional<Manifest> tsan_manifest_;
};

} // namespace workbook::cli
