// reset and run: putting a stub back, and running an example.
#include "build_tool.hpp"
#include "commands.hpp"
#include "process.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace workbook::cli {

namespace {

// The newest version of `file` in git's history that is still a stub (its
// bodies throw not_implemented): the shipped stub, even when the learner has
// committed their own work on top of it.
std::string shipped_stub(const std::string& root, const std::string& file) {
  const ProcessResult log = run_process({"git", "-C", root, "log", "--format=%H", "--", file}, true);
  if (!log.succeeded()) {
    throw std::runtime_error("cannot read git's history of " + file +
                             " (is this a git clone of the workbook?):\n" + log.output);
  }
  std::istringstream commits(log.output);
  std::string commit;
  while (std::getline(commits, commit)) {
    const ProcessResult show = run_process({"git", "-C", root, "show", commit + ":./" + file}, true);
    if (show.succeeded() && show.output.find("workbook::not_implemented(") != std::string::npos) {
      return show.output;
    }
  }
  throw std::runtime_error("git's history has no shipped stub of " + file);
}

std::string timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &local);
  return text;
}

} // namespace

int reset_command(Workspace& workspace) {
  const auto& operands = workspace.options().operands;
  if (operands.size() != 1) {
    throw UsageError("usage: workbook reset EXERCISE [--yes]");
  }
  const Exercise& exercise = workspace.exercise(operands[0]);
  const std::string stub_path = workspace.path_of(exercise.stub);
  const std::string shipped = shipped_stub(workspace.manifest().root, exercise.stub);

  if (!workspace.options().yes) {
    if (isatty(STDIN_FILENO) != 1) {
      throw UsageError("reset replaces your version of " + exercise.stub +
                       "; confirm with ./workbook reset " + exercise.name + " --yes");
    }
    std::cout << "Replace your version of " << exercise.stub
              << " with the shipped stub? (Yours is kept in the build folder.) [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      std::cout << "Nothing changed.\n";
      return 1;
    }
  }
  if (fs::exists(stub_path)) {
    const fs::path backups = fs::path(workspace.build_dir()) / "workbook-backups";
    fs::create_directories(backups);
    const fs::path backup = backups / (exercise.name + "." + timestamp() + ".hpp");
    fs::copy_file(stub_path, backup, fs::copy_options::overwrite_existing);
    std::cout << "Your version is saved as " << backup.string() << "\n";
  }
  std::ofstream out(stub_path, std::ios::binary | std::ios::trunc);
  out << shipped;
  if (!out.flush()) {
    throw std::runtime_error("cannot write " + stub_path);
  }
  std::cout << "Restored the shipped stub: " << exercise.stub << "\n";
  return 0;
}

int run_command(Workspace& workspace) {
  const auto& operands = workspace.options().operands;
  const Manifest& book = workspace.manifest();
  if (operands.empty() || operands[0] == "--list") {
    std::cout << "Examples and measuring programs:\n";
    for (const auto& example : book.examples) {
      std::string name = example.name;
      name.resize(std::max<std::size_t>(name.size(), 24), ' ');
      std::cout << "  " << name << " " << example.source << (example.benchmark ? "  (measures)" : "") << "\n";
    }
    std::cout << "Run one: ./workbook run NAME [ARGUMENTS...]\n";
    return operands.empty() ? 2 : 0;
  }
  const Example& example = workspace.example(operands[0]);
  std::cout << "Building " << example.name << " ..." << std::endl;
  const ProcessResult build = run_process(build_command(workspace.build_dir(), {example.name}), true);
  if (!build.succeeded()) {
    std::cerr << build.output;
    throw std::runtime_error("building " + example.name + " failed (output above)");
  }
  std::vector<std::string> argv{example.executable};
  argv.insert(argv.end(), operands.begin() + 1, operands.end());
  std::vector<char*> args;
  for (auto& arg : argv) {
    args.push_back(arg.data());
  }
  args.push_back(nullptr);
  std::cout << "Running " << example.source << ":\n" << std::flush;
  execv(args[0], args.data()); // the example takes over the terminal (and Ctrl-C)
  throw std::runtime_error("cannot run " + example.executable + ": " + std::strerror(errno));
}

} // namespace workbook::cli
