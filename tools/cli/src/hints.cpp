#include "hints.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace workbook::cli {

std::vector<std::string> read_hints(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("the hints file " + path + " is missing");
  }
  std::vector<std::string> layers;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("## Hint ", 0) == 0) {
      layers.emplace_back();
      inside = true;
    } else if (line.rfind("#", 0) == 0) {
      inside = false;
    } else if (inside) {
      layers.back() += line + "\n";
    }
  }
  for (auto& layer : layers) {
    while (!layer.empty() && (layer.back() == '\n' || layer.back() == ' ')) {
      layer.pop_back();
    }
    while (!layer.empty() && layer.front() == '\n') {
      layer.erase(0, 1);
    }
  }
  if (layers.empty()) {
    throw std::runtime_error(path + " has no \"## Hint 1\" section");
  }
  return layers;
}

namespace {

fs::path state_file(const std::string& build_dir, const std::string& exercise) {
  return fs::path(build_dir) / "workbook-hints" / exercise;
}

} // namespace

int hints_shown(const std::string& build_dir, const std::string& exercise) {
  std::ifstream in(state_file(build_dir, exercise));
  int count = 0;
  if (in >> count && count >= 0) {
    return count;
  }
  return 0;
}

void remember_hints_shown(const std::string& build_dir, const std::string& exercise, int count) {
  const fs::path file = state_file(build_dir, exercise);
  std::error_code ignored;
  fs::create_directories(file.parent_path(), ignored);
  std::ofstream(file) << count << "\n";
}

} // namespace workbook::cli
