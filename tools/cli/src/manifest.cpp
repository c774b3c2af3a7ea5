#include "manifest.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace workbook::cli {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t')) {
    fields.push_back(field);
  }
  if (!line.empty() && line.back() == '\t') {
    fields.emplace_back();
  }
  return fields;
}

} // namespace

const Exercise* Manifest::find_exercise(const std::string& name) const {
  for (const auto& exercise : exercises) {
    if (exercise.name == name) {
      return &exercise;
    }
  }
  return nullptr;
}

const Chapter* Manifest::find_chapter(const std::string& id_or_label) const {
  for (const auto& chapter : chapters) {
    if (chapter.id == id_or_label || chapter.label == id_or_label || chapter.id.substr(0, 2) == id_or_label) {
      return &chapter;
    }
  }
  return nullptr;
}

const Example* Manifest::find_example(const std::string& name) const {
  for (const auto& example : examples) {
    if (example.name == name) {
      return &example;
    }
  }
  return nullptr;
}

Manifest read_manifest(const std::string& build_dir) {
  const std::string path = build_dir + "/workbook-manifest.tsv";
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read " + path +
                             ": the build folder is missing or was never configured "
                             "(run ./workbook to set it up again)");
  }
  Manifest manifest;
  std::vector<std::pair<std::string, std::string>> tests; // (exercise, ctest name)
  std::vector<std::vector<std::string>> graders; // "grader" lines: kind, exercise, executable, environment...
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const auto fields = split_tabs(line);
    const auto need = [&](std::size_t count) {
      if (fields.size() < count) {
        throw std::runtime_error(path + ":" + std::to_string(line_number) + ": malformed line");
      }
    };
    const std::string& kind = fields.at(0);
    if (kind == "build") {
      need(5);
      manifest.source_tree = fields[1];
      manifest.sanitizer = fields[2];
      manifest.root = fields[3];
      manifest.project = fields[4];
    } else if (kind == "chapter") {
      need(4);
      manifest.chapters.push_back({fields[1], fields[2], fields[3]});
    } else if (kind == "exercise") {
      need(7);
      manifest.exercises.push_back(
          {fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], {}, {}, {}});
    } else if (kind == "test") {
      need(3);
      tests.emplace_back(fields[1], fields[2]); // an exercise's test lines precede it
    } else if (kind == "grader") {
      need(3);
      graders.push_back(fields); // name, executable, then the environment
    } else if (kind == "example" || kind == "benchmark") {
      need(5);
      manifest.examples.push_back({fields[1], fields[2], fields[3], fields[4], kind == "benchmark"});
    }
  }
  for (const auto& fields : graders) {
    for (auto& exercise : manifest.exercises) {
      if (exercise.name == fields[1]) {
        exercise.executable = fields[2];
        for (auto field = fields.begin() + 3; field != fields.end(); ++field) {
          if (!field->empty()) {
            exercise.environment.push_back(*field);
          }
        }
      }
    }
  }
  for (const auto& [exercise_name, test] : tests) {
    for (auto& exercise : manifest.exercises) {
      if (exercise.name == exercise_name) {
        exercise.tests.push_back(test);
      }
    }
  }
  if (manifest.root.empty()) {
    throw std::runtime_error(path + ": no build line (configure again)");
  }
  return manifest;
}

} // namespace workbook::cli
