#include "workspace.hpp"

#include "build_tool.hpp"
#include "junit.hpp"
#include "names.hpp"
#include "process.hpp"
#include "shipped.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>

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

// A ctest -R pattern for every test of the named exercises.
std::string tests_of(const std::vector<const Exercise*>& exercises) {
  std::string pattern = "^(";
  for (std::size_t i = 0; i < exercises.size(); ++i) {
    pattern += (i == 0 ? "" : "|") + exercises[i]->name;
  }
  return pattern + "): ";
}

// A file name for the report of a test case: the case's name, reduced.
std::string report_file_name(const std::string& case_name) {
  std::string name;
  for (const char c : case_name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (keep) {
      name += c;
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
    if (name.size() >= 60) {
      break;
    }
  }
  while (!name.empty() && name.back() == '-') {
    name.pop_back();
  }
  return name + ".txt";
}

// The sanitizer's whole report of each case that has one, kept in the build
// folder so that `check` can show a few lines and point at the rest.
void save_reports(const std::string& build_dir, const Exercise& exercise, std::vector<CaseResult>& cases) {
  const fs::path folder = fs::path(build_dir) / "workbook-reports" / exercise.name;
  std::error_code ignored;
  fs::remove_all(folder, ignored);
  for (auto& one : cases) {
    if (one.report.empty()) {
      continue;
    }
    fs::create_directories(folder);
    const fs::path file = folder / report_file_name(one.name);
    std::ofstream(file) << one.report.text;
    one.report_path = file.string();
  }
}

} // namespace

Workspace::Workspace(const Options& options, Terminal terminal)
    : options_(options), terminal_(terminal),
      build_dir_(options.tsan ? tsan_folder_for(options.build_dir) : options.build_dir),
      tsan_dir_(tsan_folder_for(options.build_dir)) {}

void Workspace::require_build_folder() const {
  if (!fs::exists(fs::path(build_dir_) / "CMakeCache.txt")) {
    throw std::runtime_error("the build folder " + build_dir_ +
                             " is missing or was never configured: run ./workbook to set it up again");
  }
}

bool Workspace::checks_races() const {
  return !options_.quick && !options_.tsan;
}

void Workspace::ensure_tsan_build() {
  if (fs::exists(fs::path(tsan_dir_) / "workbook-manifest.tsv") &&
      fs::exists(fs::path(tsan_dir_) / "build.ninja")) {
    return;
  }
  const Manifest base = read_manifest(options_.build_dir);
  std::cout << "Setting up the ThreadSanitizer build in " << tsan_dir_
            << " (once: an exercise is done only when it is race-free) ..." << std::endl;
  // The same settings as the learner-tsan preset, for this book and chapters.
  // -g1 (line tables and function names) is all a report needs, and at -O1
  // it compiles a grader in about 0.7 of the time full debug information takes.
  // -O0 compiles in half the time again, but ThreadSanitizer then missed a
  // race on a detached thread's result that it reports at -O1 every time.
  // clang++ is a little quicker than g++ and names inlined frames in full;
  // CMake takes it only when its ThreadSanitizer runtime links and
  // llvm-symbolizer is there, else g++.
  // A compiler the learner's build was given explicitly is given here too.
  std::vector<std::string> configure{"cmake",
                                     "-S",
                                     base.project,
                                     "-B",
                                     tsan_dir_,
                                     "-G",
                                     "Ninja",
                                     "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                                     "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1",
                                     "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                                     "-DWORKBOOK_SOURCE=" + base.source_tree,
                                     "-DWORKBOOK_SANITIZE=thread",
                                     "-DWORKBOOK_PREFER_CLANG=ON",
                                     "-DWORKBOOK_TEST_BUDGET=60",
                                     "-DWORKBOOK_BUILD_DOCS=OFF",
                                     "-DWORKBOOK_CONTENT=" + base.root};
  for (const char* inherited : {"WORKBOOK_CHAPTERS", "CMAKE_CXX_COMPILER"}) {
    if (const std::string value = cache_value(options_.build_dir, inherited); !value.empty()) {
      configure.push_back("-D" + std::string(inherited) + "=" + value);
    }
  }
  const ProcessResult result = run_process(configure, true);
  std::ofstream(fs::path(tsan_dir_) / "workbook-configure.log") << result.output;
  if (!result.succeeded()) {
    throw std::runtime_error("configuring the ThreadSanitizer build failed (" + result.describe() + "):\n" +
                             result.output);
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

const Manifest& Workspace::tsan_manifest() {
  if (options_.tsan) {
    return manifest();
  }
  if (!tsan_manifest_) {
    ensure_tsan_build();
    tsan_manifest_ = read_manifest(tsan_dir_);
  }
  return *tsan_manifest_;
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

namespace {

// Builds the graders of `exercises` in `build_dir` (-k 0: one that does not
// compile does not stop the others) and runs their tests in one ctest.
// A verdict is kept next to the grader it came from and used again while
// the grader is the same file (its modification time and size): `status`
// and `next` re-run only the tests of what was rebuilt.
fs::path cache_file(const std::string& build_dir, const Exercise& exercise) {
  return fs::path(build_dir) / "workbook-verdicts" / (exercise.name + ".xml");
}

std::string grader_stamp(const std::string& build_dir, const Exercise& exercise) {
  const fs::path grader = fs::path(build_dir) / "chapters" / exercise.chapter / ("grade_" + exercise.name);
  std::error_code error;
  const auto time = fs::last_write_time(grader, error);
  if (error) {
    return "";
  }
  const auto size = fs::file_size(grader, error);
  if (error) {
    return "";
  }
  // A new configuration (another budget, other test cases) rewrites the test list.
  const auto tests = fs::last_write_time(fs::path(build_dir) / "CTestTestfile.cmake", error);
  return "<!-- grader " + std::to_string(time.time_since_epoch().count()) + " " + std::to_string(size) + " " +
         std::to_string(error ? 0 : tests.time_since_epoch().count()) + " -->";
}

void save_verdict(const std::string& build_dir, const Exercise& exercise,
                  const std::vector<TestRecord>& records) {
  std::error_code ignored;
  fs::remove(cache_file(build_dir, exercise), ignored);
  std::string text;
  bool compiled = false;
  for (const auto& record : records) {
    if (record.name.rfind(exercise.name + ": ", 0) == 0) {
      text += to_junit_xml(record) + "\n";
      compiled = compiled || (record.name == exercise.name + ": compiles" && record.status == "run");
    }
  }
  const std::string stamp = grader_stamp(build_dir, exercise);
  if (!compiled || stamp.empty()) {
    return;
  }
  fs::create_directories(cache_file(build_dir, exercise).parent_path(), ignored);
  std::ofstream(cache_file(build_dir, exercise)) << stamp << "\n" << text;
}

// The cached records of `exercise` if its grader has not changed since.
std::optional<std::vector<TestRecord>> cached_verdict(const std::string& build_dir,
                                                      const Exercise& exercise) {
  const std::string stamp = grader_stamp(build_dir, exercise);
  if (stamp.empty()) {
    return std::nullopt;
  }
  std::ifstream in(cache_file(build_dir, exercise));
  std::string first;
  if (!std::getline(in, first) || first != stamp) {
    return std::nullopt;
  }
  std::ostringstream rest;
  rest << in.rdbuf();
  try {
    return parse_junit(rest.str());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Whether the build's log shows a failed step of the exercise's grader (its
// old executable is then still there, and must not be taken for current).
bool build_failed_for(const std::string& log, const Exercise& exercise) {
  const std::string target = "grade_" + exercise.name;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("FAILED: ", 0) != 0) {
      continue;
    }
    const bool object = line.find("/" + target + ".dir/") != std::string::npos;
    const bool link = line.find("/" + target + " ") != std::string::npos ||
                      (line.size() > target.size() &&
                       line.compare(line.size() - target.size(), target.size(), target) == 0);
    if (object || link) {
      return true;
    }
  }
  return false;
}

std::vector<TestRecord> build_and_test(const std::string& build_dir,
                                       const std::vector<const Exercise*>& exercises) {
  std::vector<std::string> targets;
  for (const Exercise* exercise : exercises) {
    targets.push_back("grade_" + exercise->name);
  }
  const ProcessResult built = run_process(build_command(build_dir, targets, /*keep_going=*/true), true);
  std::ofstream(fs::path(build_dir) / "workbook-build.log") << built.output;
  std::vector<TestRecord> records;
  std::vector<const Exercise*> to_test;
  for (const Exercise* exercise : exercises) {
    const auto cached =
        build_failed_for(built.output, *exercise) ? std::nullopt : cached_verdict(build_dir, *exercise);
    if (cached) {
      records.insert(records.end(), cached->begin(), cached->end());
    } else {
      to_test.push_back(exercise);
    }
  }
  if (!to_test.empty()) {
    const std::vector<TestRecord> tested = run_ctest(build_dir, {"-R", tests_of(to_test)});
    for (const Exercise* exercise : to_test) {
      save_verdict(build_dir, *exercise, tested);
    }
    records.insert(records.end(), tested.begin(), tested.end());
  }
  return records;
}

std::vector<const Exercise*> named(const Manifest& book, const std::vector<const Exercise*>& exercises) {
  std::vector<const Exercise*> found;
  for (const Exercise* exercise : exercises) {
    if (const Exercise* same = book.find_exercise(exercise->name)) {
      found.push_back(same);
    }
  }
  return found;
}

// Folds the ThreadSanitizer grade of an exercise that passes into its verdict.
void fold_in_race_check(Verdict& verdict, const Verdict& under_tsan) {
  if (under_tsan.state == State::done) {
    return;
  }
  if ((under_tsan.state == State::races || under_tsan.state == State::crashed) &&
      under_tsan.sanitizer_report) {
    verdict.state = State::races;
    verdict.detail = under_tsan.detail;
    return;
  }
  if (under_tsan.state == State::not_graded) {
    return; // the ThreadSanitizer build could not grade it: say what is known
  }
  verdict.state = under_tsan.state;
  verdict.passed = under_tsan.passed;
  verdict.detail = "under ThreadSanitizer: " + under_tsan.detail;
}

} // namespace

const Manifest* Workspace::race_check_build() {
  try {
    return &tsan_manifest();
  } catch (const std::exception& error) {
    std::cout
        << "workbook: the ThreadSanitizer build could not be set up, so passing exercises are not checked "
           "for data races (./workbook --quick stops trying):\n"
        << error.what() << std::endl;
    options_.quick = true;
    return nullptr;
  }
}

std::vector<Verdict> Workspace::grade_all() {
  const Manifest& book = manifest();
  require_build_folder();
  const std::set<std::string> untouched = untouched_exercises(book);
  std::vector<const Exercise*> changed;
  std::size_t cases = 0;
  for (const auto& exercise : book.exercises) {
    if (untouched.count(exercise.name) == 0) {
      changed.push_back(&exercise);
      cases += exercise.tests.size();
    }
  }
  std::vector<TestRecord> records;
  if (!changed.empty()) {
    std::cout << "Grading the " << changed.size() << " of " << book.exercises.size()
              << " exercises you have changed, " << cases << " test cases (" << untouched.size()
              << " untouched: not started) ..." << std::endl;
    records = build_and_test(build_dir_, changed);
  } else {
    std::cout << "Every exercise is the untouched stub: not started." << std::endl;
  }
  std::vector<Verdict> verdicts = grade(book, records);
  for (auto& verdict : verdicts) {
    if (untouched.count(verdict.exercise->name) != 0) {
      verdict.state = State::not_started;
      verdict.detail.clear();
    }
  }
  if (!checks_races()) {
    return verdicts;
  }
  std::vector<const Exercise*> passing;
  for (const auto& verdict : verdicts) {
    if (verdict.state == State::done) {
      passing.push_back(verdict.exercise);
    }
  }
  if (passing.empty()) {
    return verdicts;
  }
  const Manifest* tsan_book_or_null = race_check_build();
  if (tsan_book_or_null == nullptr) {
    return verdicts;
  }
  const Manifest& tsan_book = *tsan_book_or_null;
  const auto under_tsan = named(tsan_book, passing);
  std::cout << "Checking the " << under_tsan.size() << " passing exercise"
            << (under_tsan.size() == 1 ? "" : "s") << " for data races (ThreadSanitizer, " << tsan_dir_
            << ") ..." << std::endl;
  Manifest just_these = tsan_book;
  just_these.exercises.clear();
  for (const Exercise* exercise : under_tsan) {
    just_these.exercises.push_back(*exercise);
  }
  const std::vector<Verdict> tsan_verdicts = grade(just_these, build_and_test(tsan_dir_, under_tsan));
  for (auto& verdict : verdicts) {
    for (const auto& tsan_verdict : tsan_verdicts) {
      if (tsan_verdict.exercise->name == verdict.exercise->name) {
        fold_in_race_check(verdict, tsan_verdict);
      }
    }
  }
  return verdicts;
}

namespace {

// A ctest test that passed, as ctest's JUnit would record it.
TestRecord passed_record(const std::string& name, double seconds = 0) {
  TestRecord record;
  record.name = name;
  record.status = "run";
  record.seconds = seconds;
  return record;
}

// A ctest regular expression matching `text` literally (ctest's regular
// expressions take a backslash before a special character as that character).
std::string literal_pattern(const std::string& text) {
  std::string pattern;
  for (const char c : text) {
    if (std::string_view("^$.|?*+()[]{}\\").find(c) != std::string_view::npos) {
      pattern += '\\';
    }
    pattern += c;
  }
  return pattern;
}

// The value of WORKBOOK_TEST_BUDGET in a grader's environment (seconds).
long test_budget(const Exercise& exercise) {
  const std::string key = "WORKBOOK_TEST_BUDGET=";
  for (const auto& field : exercise.environment) {
    if (field.rfind(key, 0) == 0) {
      return std::max(1L, std::atol(field.c_str() + key.size()));
    }
  }
  return 10;
}

// How the grader's watchdog ends a process (tools/grader/harness/watchdog.hpp).
constexpr int kWatchdogExitCode = 124;

// What a run of every case, in two processes at once, tells.
struct OneRun {
  /// One passed record per case: each process exited 0, Catch2 says that
  /// exactly its cases all passed, and no sanitizer wrote a report.
  std::optional<std::vector<TestRecord>> all_passed;
  /// The cases the watchdog stopped (one per process at most), each with the
  /// watchdog's report as its output: a second run of one would only wait
  /// out the budget again.
  std::vector<TestRecord> hung;
};

// Whether the last grade of `exercise` in `build_dir` had a case that the
// watchdog stopped. While a learner works on a deadlock, several cases
// usually hang: running them one by one (two at a time) straight away waits
// out fewer budgets than a run of all of them in two processes first.
bool last_grade_hung(const std::string& build_dir, const Exercise& exercise) {
  std::ifstream in(cache_file(build_dir, exercise));
  for (std::string line; std::getline(in, line);) {
    if (line.find("likely a deadlock") != std::string::npos ||
        line.find("message=\"Timeout\"") != std::string::npos) {
      return true;
    }
  }
  return false;
}

// How long each case took at the last grade in `build_dir` (none if unknown).
std::map<std::string, double> last_durations(const std::string& build_dir, const Exercise& exercise) {
  std::map<std::string, double> seconds;
  std::ifstream in(cache_file(build_dir, exercise));
  std::string stamp;
  if (!std::getline(in, stamp)) {
    return seconds;
  }
  std::ostringstream rest;
  rest << in.rdbuf();
  try {
    for (const auto& record : parse_junit(rest.str())) {
      seconds[record.name] = record.seconds;
    }
  } catch (const std::runtime_error&) {
    seconds.clear(); // an unreadable cache only costs balance
  }
  return seconds;
}

// The exercise's cases in two groups of about the same running time: the
// longest first, each to the group with less so far, by the durations of the
// last grade; in turns while they are unknown.
std::vector<std::vector<std::string>> two_groups(const std::string& build_dir, const Exercise& exercise) {
  const std::map<std::string, double> seconds = last_durations(build_dir, exercise);
  std::vector<std::string> order = exercise.tests;
  const auto duration = [&](const std::string& test) {
    const auto found = seconds.find(test);
    return found == seconds.end() ? 0.0 : found->second;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](const std::string& a, const std::string& b) { return duration(a) > duration(b); });
  std::vector<std::vector<std::string>> groups(std::min<std::size_t>(2, order.size()));
  std::array<double, 2> load{0, 0};
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t group = duration(order[i]) > 0 ? (load[0] <= load[1] ? 0 : 1) : i % groups.size();
    groups[group].push_back(order[i]);
    load[group] += duration(order[i]);
  }
  return groups;
}

// What the watchdog's message in `output` names as the stuck case, as a
// record of that case; nothing when the run did not end by the watchdog.
std::optional<TestRecord> hung_case(const Exercise& exercise, const ProcessResult& run) {
  const std::string marker = "workbook watchdog: test case \"";
  const auto at = run.output.find(marker);
  const auto name_end =
      at == std::string::npos ? at : run.output.find("\" did not finish", at + marker.size());
  if (run.exit_code != kWatchdogExitCode || name_end == std::string::npos) {
    return std::nullopt;
  }
  const std::string test =
      exercise.name + ": " + run.output.substr(at + marker.size(), name_end - at - marker.size());
  if (std::find(exercise.tests.begin(), exercise.tests.end(), test) == exercise.tests.end()) {
    return std::nullopt;
  }
  TestRecord hung;
  hung.name = test;
  hung.status = "fail";
  hung.failure_message = "Failed";
  hung.output = run.output.substr(at);
  return hung;
}

// Runs every case of the grader: half of them in each of two processes at
// once (two cores, as ctest -j 2 runs them), each process running its cases
// one after another.
OneRun run_every_case_at_once(const std::string& build_dir, const Exercise& exercise) {
  OneRun result;
  if (exercise.executable.empty() || !fs::exists(exercise.executable) || exercise.tests.empty()) {
    return result;
  }
  const std::vector<std::vector<std::string>> groups = two_groups(build_dir, exercise);
  std::vector<std::vector<std::string>> argvs;
  for (const auto& group : groups) {
    // A backstop in case the watchdog itself cannot act: `timeout` stops the
    // run (and what it started) well after every case's budget.
    const long backstop = test_budget(exercise) * static_cast<long>(group.size() + 1) + 30;
    std::vector<std::string> argv{"timeout", "--kill-after=5", std::to_string(backstop) + "s", "env"};
    argv.insert(argv.end(), exercise.environment.begin(), exercise.environment.end());
    // Catch2's test spec: names separated by commas (a case's name has none).
    std::string spec;
    for (const auto& test : group) {
      spec += (spec.empty() ? "" : ",") + test.substr(exercise.name.size() + 2);
    }
    argv.insert(argv.end(), {exercise.executable, "--durations", "yes", "--warn", "NoAssertions", spec});
    argvs.push_back(std::move(argv));
  }
  const std::vector<ProcessResult> runs = run_concurrently(argvs);
  bool all_passed = true;
  std::map<std::string, double> seconds;
  for (std::size_t g = 0; g < runs.size(); ++g) {
    const ProcessResult& run = runs[g];
    const std::string cases = " assertions in " + std::to_string(groups[g].size()) + " test case";
    const auto summary = run.output.find("All tests passed (");
    all_passed = all_passed && run.succeeded() && summary != std::string::npos &&
                 run.output.find(cases, summary) != std::string::npos &&
                 run.output.find("Sanitizer") == std::string::npos;
    if (auto hung = hung_case(exercise, run)) {
      result.hung.push_back(std::move(*hung));
    }
    // --durations: "0.012 s: <case name>" as each case ends.
    std::istringstream lines(run.output);
    for (std::string line; std::getline(lines, line);) {
      const auto colon = line.find(" s: ");
      if (colon != std::string::npos && colon > 0 && std::isdigit(static_cast<unsigned char>(line[0])) != 0) {
        seconds[exercise.name + ": " + line.substr(colon + 4)] = std::atof(line.c_str());
      }
    }
  }
  if (all_passed) {
    result.all_passed.emplace();
    for (const auto& test : exercise.tests) {
      result.all_passed->push_back(passed_record(test, seconds.count(test) != 0 ? seconds[test] : 0));
    }
  }
  return result;
}

} // namespace

ExerciseResult Workspace::grade_in(const std::string& build_dir, const Manifest& book,
                                   const Exercise& exercise) {
  ExerciseResult result;
  Manifest just_this = book;
  just_this.exercises = {exercise};
  const ProcessResult build = run_process(build_command(build_dir, {"grade_" + exercise.name}), true);
  if (!build.succeeded()) {
    if (!fs::exists(fs::path(build_dir) / "CMakeCache.txt")) {
      throw std::runtime_error("the build folder " + build_dir +
                               " is missing or was never configured: run ./workbook to set it up again");
    }
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
  // Most often every case passes here, and two processes (each running half
  // of the cases) say so sooner than a process per case: ctest's own start
  // and a start per case cost more than the cases of most graders, and under
  // ThreadSanitizer each start costs tens of milliseconds. Anything else, a
  // failure, a report, a crash, and each case runs alone for its own
  // verdict; a case the watchdog stopped keeps the report it has. After a
  // grade that hung, the cases run one by one at once.
  OneRun at_once =
      last_grade_hung(build_dir, exercise) ? OneRun{} : run_every_case_at_once(build_dir, exercise);
  std::vector<TestRecord> records;
  if (at_once.all_passed) {
    records = std::move(*at_once.all_passed);
  } else {
    // The grader was just built: its "compiles" test (a second build) is not run again.
    std::string skipped = "^" + literal_pattern(exercise.name + ": compiles") + "$";
    for (const auto& hung : at_once.hung) {
      skipped += "|^" + literal_pattern(hung.name) + "$";
    }
    if (at_once.hung.size() < exercise.tests.size()) {
      records = run_ctest(build_dir, {"-R", "^" + exercise.name + ": ", "-E", skipped,
                                      "--fixture-exclude-setup", "^compiles_" + exercise.name + "$"});
    }
    records.insert(records.end(), at_once.hung.begin(), at_once.hung.end());
  }
  records.push_back(passed_record(exercise.name + ": compiles"));
  save_verdict(build_dir, exercise, records);
  result.verdict = grade(just_this, records).front();
  result.verdict.exercise = &exercise;
  result.cases = case_results(exercise, records, book.root);
  save_reports(build_dir, exercise, result.cases);
  return result;
}

ExerciseResult Workspace::grade_one(const Exercise& exercise) {
  const Manifest& book = manifest();
  require_build_folder();
  ExerciseResult result;
  if (!fs::exists(path_of(exercise.stub))) {
    Manifest just_this = book;
    just_this.exercises = {exercise};
    result.verdict = grade(just_this, {}).front();
    result.verdict.exercise = &exercise;
    result.verdict.state = State::does_not_compile;
    result.stub_missing = true;
    result.compile_error =
        exercise.stub + " is missing: ./workbook reset " + exercise.name + " puts the shipped stub back";
    result.verdict.detail = result.compile_error;
    return result;
  }
  Manifest just_this = book;
  just_this.exercises = {exercise};
  if (untouched_exercises(just_this).count(exercise.name) != 0) {
    // The shipped stub: every case fails with not_implemented (the stubs
    // build proves it), so there is nothing to compile.
    result.verdict.exercise = &exercise;
    result.verdict.state = State::not_started;
    result.verdict.total = static_cast<int>(exercise.tests.size());
    for (const auto& test : exercise.tests) {
      result.cases.push_back({test.substr(exercise.name.size() + 2), false, "", {}, ""});
    }
    return result;
  }
  // When the ThreadSanitizer build is already set up, its grader is built
  // at the same time as the normal one (a second core is free while the
  // normal grader compiles), and stopped if the normal grade fails.
  std::optional<BackgroundProcess> tsan_build;
  if (checks_races() && fs::exists(fs::path(tsan_dir_) / "build.ninja")) {
    tsan_build.emplace(build_command(tsan_dir_, {"grade_" + exercise.name}),
                       /*lower_priority=*/true);
  }
  result = grade_in(build_dir_, book, exercise);
  if (result.verdict.state != State::done) {
    tsan_build.reset(); // stops it
  } else if (tsan_build) {
    tsan_build->wait(); // grade_in builds again: a no-op, or the error if there is one
  }
  if (result.verdict.state != State::done || !checks_races()) {
    result.race_check_skipped = result.verdict.state == State::done && options_.quick;
    return result;
  }
  const Manifest* tsan_book_or_null = race_check_build();
  if (tsan_book_or_null == nullptr) {
    result.race_check_skipped = true;
    return result;
  }
  const Manifest& tsan_book = *tsan_book_or_null;
  const Exercise* under_tsan = tsan_book.find_exercise(exercise.name);
  if (under_tsan == nullptr) {
    return result;
  }
  std::cout << "Every test case passes; now under ThreadSanitizer (" << tsan_dir_ << ") ..." << std::endl;
  ExerciseResult race_check = grade_in(tsan_dir_, tsan_book, *under_tsan);
  race_check.verdict.exercise = &exercise;
  race_check.race_checked = true;
  fold_in_race_check(result.verdict, race_check.verdict);
  if (race_check.verdict.state == State::done) {
    result.race_checked = true;
    return result;
  }
  race_check.verdict.state = result.verdict.state;
  race_check.verdict.detail = result.verdict.detail;
  race_check.verdict.passed =
      race_check.verdict.state == State::races ? race_check.verdict.passed : result.verdict.passed;
  return race_check;
}

} // namespace workbook::cli
