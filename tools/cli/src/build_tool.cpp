#include "build_tool.hpp"

#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;

namespace workbook::cli {

std::string cache_value(const std::string& build_dir, const std::string& name) {
  std::ifstream in(fs::path(build_dir) / "CMakeCache.txt");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + ":", 0) == 0) {
      const auto equals = line.find('=');
      return equals == std::string::npos ? "" : line.substr(equals + 1);
    }
  }
  return "";
}

std::vector<std::string> build_command(const std::string& build_dir, const std::vector<std::string>& targets,
                                       bool keep_going) {
  // Read once per build folder: a check reads it on every save.
  static std::map<std::string, std::string> ninja_of;
  auto known = ninja_of.find(build_dir);
  if (known == ninja_of.end()) {
    std::string ninja;
    if (cache_value(build_dir, "CMAKE_GENERATOR") == "Ninja") {
      ninja = cache_value(build_dir, "CMAKE_MAKE_PROGRAM");
      std::error_code error;
      if (!fs::is_regular_file(ninja, error)) {
        ninja.clear();
      }
    }
    known = ninja_of.emplace(build_dir, ninja).first;
  }
  std::vector<std::string> command;
  if (!known->second.empty()) {
    command = {known->second, "-C", build_dir};
    command.insert(command.end(), targets.begin(), targets.end());
    if (keep_going) {
      command.insert(command.end(), {"-k", "0"});
    }
    return command;
  }
  command = {"cmake", "--build", build_dir, "--target"};
  command.insert(command.end(), targets.begin(), targets.end());
  if (keep_going) {
    command.insert(command.end(), {"--", "-k", "0"});
  }
  return command;
}

} // namespace workbook::cli
