// `workbook`: the learner's command-line tool. The ./workbook script at the
// root installs what is missing, builds this program and runs it.
//
//   workbook-cli --build DIR [status]     build, grade, print the progress table
#include "grading.hpp"
#include "junit.hpp"
#include "manifest.hpp"
#include "process.hpp"
#include "status.hpp"
#include "terminal.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace workbook::cli;

namespace {

constexpr const char* kUsage = R"(usage: workbook [--build DIR] [COMMAND]

Commands:
  status      build your exercises, grade them, print the progress table (default)
  selftest    the maintainer's proof that the workbook is honest (./workbook script)
  help        this text

The ./workbook script at the root of the workbook installs what is missing,
configures the build folder (build/learner) and then runs this program.
)";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Builds everything it can (-k 0: one exercise that does not compile must not
// stop the others), then runs every exercise's test cases through ctest.
std::vector<TestRecord> build_and_grade(const std::string& build_dir, const Manifest& manifest) {
  std::cout << "Building your exercises (cmake --build " << build_dir << ") ..." << std::endl;
  const ProcessResult build = run_process({"cmake", "--build", build_dir, "--", "-k", "0"}, true);
  std::ofstream(fs::path(build_dir) / "workbook-build.log") << build.output;

  std::size_t cases = 0;
  for (const auto& exercise : manifest.exercises) {
    cases += exercise.tests.size();
  }
  std::cout << "Grading " << manifest.exercises.size() << " exercises, " << cases
            << " test cases (ctest -L exercise) ..." << std::endl;
  const fs::path junit = fs::absolute(fs::path(build_dir) / "workbook-results.xml");
  fs::remove(junit);
  const ProcessResult test = run_process({"ctest", "--test-dir", build_dir, "-L", "^exercise$", "-j", "2",
                                          "--output-junit", junit.string(), "--test-output-size-failed",
                                          "65536"},
                                         true);
  std::ofstream(fs::path(build_dir) / "workbook-ctest.log") << test.output;
  if (!fs::exists(junit)) {
    throw std::runtime_error("ctest did not write its results (" + test.describe() + "):\n" + test.output);
  }
  return parse_junit(read_file(junit));
}

int status(const std::string& build_dir) {
  const Manifest manifest = read_manifest(build_dir);
  const auto records = build_and_grade(build_dir, manifest);
  const auto verdicts = grade(manifest, records);
  std::cout << "\n";
  print_status(std::cout, manifest, verdicts, Terminal::detect(), build_dir);
  return 0;
}

} // namespace

int main(int argc, char* argv[]) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string build_dir = "build/learner";
  std::string command = "status";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--build" && i + 1 < args.size()) {
      build_dir = args[++i];
    } else if (args[i] == "--help" || args[i] == "-h" || args[i] == "help") {
      std::cout << kUsage;
      return 0;
    } else if (!args[i].empty() && args[i][0] != '-') {
      command = args[i];
    } else {
      std::cerr << "workbook: unknown option " << args[i] << "\n" << kUsage;
      return 2;
    }
  }
  try {
    if (command == "status") {
      return status(build_dir);
    }
    std::cerr << "workbook: unknown command \"" << command << "\" (try ./workbook help)\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "workbook: " << error.what() << "\n";
    return 1;
  }
}
