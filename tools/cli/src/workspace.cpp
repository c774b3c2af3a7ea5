#include "workspace.hpp"

#include "junit.hpp"
#include "names.hpp"
#include "process.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace workbook::cli {

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string tsan_folder_for(const std::string& build_dir) {
  const fs::path path(build_dir);
  if (path.filename() == "learner") {
    return (path.parent_path() / "learner-tsan").string();
  }
  return build_dir + "-tsan";
}

// Runs ctest on the tests matching `selection` and returns its records.
std::vector<TestRecord> run_ctest(const std::string& build_dir, const std::vector<std::string>& selection) {
  const fs::path junit = fs::absolute(fs::path(build_dir) / "workbook-results.xml");
  fs::remove(junit);
  std::vector<std::string> argv{"ctest", "--test-dir",     build_dir,      "-j",
                                "2",     "--output-junit", junit.string(), "--test-output-size-failed",
                                "65536"};
  argv.insert(argv.end(), selection.begin(), selection.end());
  const ProcessResult test = run_process(argv, true);
  std::ofstream(fs::path(build_dir) / "workbook-ctest.log") << test.output;
  if (!fs::exists(junit)) {
    if (!fs::exists(fs::path(build_dir) / "CTestTestfile.cmake")) {
      throw std::runtime_error("the build folder " + build_dir +
                               " disappeared while grading: run ./workbook to set it up again");
    }
    throw std::runtime_error("ctest did not write its results (" + test.describe() + "):\n" + test.output);
  }
  return parse_junit(read_file(junit));
}

} // namespace

Workspace::Workspace(const Options& options, Terminal terminal)
    : options_(options), terminal_(terminal),
      build_dir_(options.tsan ? tsan_folder_for(options.build_dir) : options.build_dir) {}

void Workspace::require_build_folder() const {
  if (!fs::exists(fs::path(build_dir_) / "CMakeCache.txt")) {
    throw std::runtime_error("the build folder " + build_dir_ +
                             " is missing or was never configured: run ./workbook to set it up again");
  }
}

void Workspace::ensure_tsan_build() {
  if (fs::exists(fs::path(build_dir_) / "workbook-manifest.tsv")) {
    return;
  }
  const Manifest base = read_manifest(options_.build_dir);
  std::cout << "Configuring the ThreadSanitizer build in " << build_dir_ << " (once) ..." << std::endl;
  const ProcessResult configure = run_process(
      {"cmake", "-S", base.project, "-B", build_dir_, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
       "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", "-DWORKBOOK_SOURCE=" + base.source_tree,
       "-DWORKBOOK_SANITIZE=thread", "-DWORKBOOK_TEST_BUDGET=60", "-DWORKBOOK_BUILD_DOCS=OFF",
       "-DWORKBOOK_CONTENT=" + base.root},
      true);
  if (!configure.succeeded()) {
    throw std::runtime_error("configuring the ThreadSanitizer build failed (" + configure.describe() +
                             "):\n" + configure.output);
  }
}

const Manifest& Workspace::manifest() {
  if (!manifest_) {
    if (options_.tsan) {
      ensure_tsan_build();
    }
    manifest_ = read_manifest(build_dir_);
  }
  return *manifest_;
}

const Exercise& Workspace::exercise(const std::string& name) {
  if (const Exercise* found = manifest().find_exercise(name)) {
    return *found;
  }
  std::vector<std::string> names;
  for (const auto& exercise : manifest().exercises) {
    names.push_back(exercise.name);
  }
  const std::string guess = closest_name(name, names);
  throw UsageError("there is no exercise \"" + name + "\"" +
                   (guess.empty() ? "" : "; did you mean \"" + guess + "\"?") +
                   " (./workbook list shows them all)");
}

const Example& Workspace::example(const std::string& name) {
  if (const Example* found = manifest().find_example(name)) {
    return *found;
  }
  std::vector<std::string> names;
  for (const auto& example : manifest().examples) {
    names.push_back(example.name);
  }
  const std::string guess = closest_name(name, names);
  throw UsageError("there is no example \"" + name + "\"" +
                   (guess.empty() ? "" : "; did you mean \"" + guess + "\"?") +
                   " (./workbook run --list shows them all)");
}

std::string Workspace::path_of(const std::string& relative) {
  return (fs::path(manifest().root) / relative).string();
}

std::vector<Verdict> Workspace::grade_all() {
  const Manifest& book = manifest();
  require_build_folder();
  std::cout << "Building your exercises (cmake --build " << build_dir_ << ") ..." << std::endl;
  const ProcessResult build = run_process({"cmake", "--build", build_dir_, "--", "-k", "0"}, true);
  std::ofstream(fs::path(build_dir_) / "workbook-build.log") << build.output;
  std::size_t cases = 0;
  for (const auto& exercise : book.exercises) {
    cases += exercise.tests.size();
  }
  std::cout << "Grading " << book.exercises.size() << " exercises, " << cases
            << " test cases (ctest -L exercise) ..." << std::endl;
  return grade(book, run_ctest(build_dir_, {"-L", "^exercise$"}));
}

ExerciseResult Workspace::grade_one(const Exercise& exercise) {
  const Manifest& book = manifest();
  require_build_folder();
  ExerciseResult result;
  Manifest just_this = book;
  just_this.exercises = {exercise};

  if (!fs::exists(path_of(exercise.stub))) {
    result.verdict = grade(just_this, {}).front();
    result.verdict.exercise = &exercise;
    result.verdict.state = State::does_not_compile;
    result.compile_error =
        exercise.stub + " is missing: ./workbook reset " + exercise.name + " puts the shipped stub back";
    result.verdict.detail = result.compile_error;
    return result;
  }
  const ProcessResult build =
      run_process({"cmake", "--build", build_dir_, "--target", "grade_" + exercise.name}, true);
  if (!build.succeeded()) {
    require_build_folder();
    result.verdict = grade(just_this, {}).front();
    result.verdict.exercise = &exercise;
    result.verdict.state = State::does_not_compile;
    result.compile_error = compiler_error_excerpt(build.output, book.root);
    if (result.compile_error.empty()) {
      result.compile_error = "the build failed:\n" + build.output;
    }
    result.verdict.detail = first_compiler_error(build.output, book.root);
    return result;
  }
  const auto records = run_ctest(build_dir_, {"-R", "^" + exercise.name + ": "});
  result.verdict = grade(just_this, records).front();
  result.verdict.exercise = &exercise;
  result.cases = case_results(exercise, records, book.root);
  return result;
}

} // namespace workbook::cli
