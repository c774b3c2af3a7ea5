#include "shipped.hpp"

#include "process.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;

namespace workbook::cli {

namespace {

bool still_a_stub(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str().find("workbook::not_implemented(") != std::string::npos;
}

} // namespace

std::set<std::string> untouched_exercises(const Manifest& manifest) {
  std::vector<std::string> paths;
  std::map<std::string, const Exercise*> by_path;
  for (const auto& exercise : manifest.exercises) {
    // A file without the stub's marker is not the stub: no git needed for it
    // (on a save of a solved exercise, none at all).
    const fs::path file = fs::path(manifest.root) / exercise.stub;
    std::error_code error;
    if (fs::is_regular_file(file, error) && still_a_stub(file)) {
      paths.push_back(exercise.stub);
      by_path[exercise.stub] = &exercise;
    }
  }
  if (paths.empty()) {
    return {};
  }
  // One git for the blobs in HEAD, one for the files as they are now.
  std::vector<std::string> tree{"git", "-C", manifest.root, "ls-tree", "HEAD", "--"};
  tree.insert(tree.end(), paths.begin(), paths.end());
  std::vector<std::string> hash{"git", "-C", manifest.root, "hash-object", "--"};
  hash.insert(hash.end(), paths.begin(), paths.end());
  ProcessResult in_head;
  ProcessResult now;
  try {
    in_head = run_process(tree, true);
    now = run_process(hash, true);
  } catch (const std::exception&) {
    return {}; // no git: grade by compiling
  }
  if (!in_head.succeeded() || !now.succeeded()) {
    return {};
  }
  std::map<std::string, std::string> head_blob; // path -> blob hash
  std::istringstream entries(in_head.output);
  for (std::string line; std::getline(entries, line);) {
    // "100644 blob <hash>\t<path>"
    const auto tab = line.find('\t');
    const auto space = line.rfind(' ', tab);
    if (tab == std::string::npos || space == std::string::npos) {
      continue;
    }
    head_blob[line.substr(tab + 1)] = line.substr(space + 1, tab - space - 1);
  }
  std::set<std::string> untouched;
  std::istringstream hashes(now.output);
  for (const auto& path : paths) {
    std::string current;
    if (!std::getline(hashes, current)) {
      break;
    }
    const auto shipped = head_blob.find(path);
    if (shipped != head_blob.end() && shipped->second == current) {
      untouched.insert(by_path[path]->name);
    }
  }
  return untouched;
}

} // namespace workbook::cli
