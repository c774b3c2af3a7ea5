// The build's description of the book, written by CMake at configure time
// (workbook-manifest.tsv): chapters, exercises and their test cases, examples,
// all in book order.
#pragma once

#include <string>
#include <vector>

namespace workbook::cli {

struct Exercise {
  std::string chapter;                  ///< "01-gil"
  std::string name;                     ///< "parallel_sum"
  std::string stub;                     ///< "exercises/01-gil/parallel_sum.hpp" (relative to the root)
  std::string solution;                 ///< "solutions/01-gil/parallel_sum.hpp"
  std::string grader;                   ///< "tools/grader/01-gil/parallel_sum.test.cpp"
  std::string hints;                    ///< "tools/hints/01-gil/parallel_sum.md"
  std::vector<std::string> tests;       ///< ctest names of its test cases
  std::string executable;               ///< the built grader's absolute path
  std::vector<std::string> environment; ///< VAR=value pairs ctest gives each of its cases
};

struct Example {
  std::string chapter;
  std::string name;
  std::string source;     ///< "chapters/01-gil/gil_scaling.cpp"
  std::string executable; ///< the built program's absolute path
  bool benchmark = false; ///< a measuring program (./workbook bench runs them all)
};

struct Chapter {
  std::string id;    ///< "01-gil"
  std::string label; ///< "gil" (the ctest label)
  std::string title;
};

struct Manifest {
  std::string source_tree; ///< "exercises" or "solutions"
  std::string sanitizer;
  std::string root;    ///< where chapters/, exercises/, solutions/ live
  std::string project; ///< the workbook's source directory (CMakePresets.json)
  std::vector<Chapter> chapters;
  std::vector<Exercise> exercises;
  std::vector<Example> examples;

  [[nodiscard]] const Exercise* find_exercise(const std::string& name) const;
  [[nodiscard]] const Chapter* find_chapter(const std::string& id_or_label) const;
  [[nodiscard]] const Example* find_example(const std::string& name) const;
};

/// Reads `<build>/workbook-manifest.tsv`; throws std::runtime_error with a
/// readable message when it is missing or malformed.
Manifest read_manifest(const std::string& build_dir);

} // namespace workbook::cli
