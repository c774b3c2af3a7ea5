#include "sanitizer_report.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace workbook::cli {

namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return "";
  }
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::string without_root(std::string text, const std::string& root) {
  for (std::size_t at; (at = text.find("/./")) != std::string::npos;) {
    text.erase(at, 2); // clang writes "/root/./exercises/x.hpp"
  }
  if (!root.empty()) {
    const std::string prefix = root + "/";
    for (std::size_t at; (at = text.find(prefix)) != std::string::npos;) {
      text.erase(at, prefix.size());
    }
  }
  return text;
}

// A function name as a learner reads it: no parameter lists, no template
// arguments beyond the outermost, and "lambda" for a closure's call operator.
// "workbook::gil::parallel_sum<long>(std::span<long const, 18446744073709551615ul>,
// unsigned long)::{lambda()#1}::operator()() const" (g++'s runtime) becomes
// "parallel_sum<long>()::lambda"; so do llvm-symbolizer's names of the same
// closure, "long workbook::gil::parallel_sum<long>(...)::'lambda'()::operator()() const",
// and of one in a function of internal linkage, "...::$_0::operator()() const".
std::string short_function(std::string name) {
  for (const std::string noise : {"(anonymous namespace)::", "{anonymous}::"}) {
    for (std::size_t at; (at = name.find(noise)) != std::string::npos;) {
      name.erase(at, noise.size());
    }
  }
  // Drop a leading return type ("long workbook::gil::f<long>(...)").
  std::string out;
  int parens = 0;
  int angles = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '(') {
      if (parens++ == 0) {
        out += "()";
      }
      continue;
    }
    if (c == ')') {
      --parens;
      continue;
    }
    if (parens > 0) {
      continue;
    }
    if (c == '<') {
      if (angles++ > 0) {
        continue;
      }
    } else if (c == '>') {
      if (--angles > 0) {
        continue;
      }
    } else if (angles > 1) {
      continue;
    }
    out += c;
  }
  // A return type before the name: keep what follows the last space outside brackets.
  std::string result;
  angles = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '<') {
      ++angles;
    } else if (out[i] == '>') {
      --angles;
    } else if (out[i] == ' ' && angles == 0 && i + 1 < out.size() && out.compare(i + 1, 5, "const") != 0) {
      start = i + 1;
    }
  }
  result = out.substr(start);
  // The outermost closure, however the demangler spells it.
  std::size_t lambda = std::string::npos;
  for (const char* spelling : {"::{lambda()#", "::'lambda", "::$_"}) {
    lambda = std::min(lambda, result.find(spelling));
  }
  if (lambda != std::string::npos) {
    result = result.substr(0, lambda) + "::lambda";
  }
  if (const auto space = result.find(" const"); space != std::string::npos) {
    result.erase(space);
  }
  // Namespaces of the workbook and of anonymous helpers say nothing.
  for (const char* noise : {"workbook::", "(anonymous namespace)::"}) {
    for (std::size_t at; (at = result.find(noise)) != std::string::npos;) {
      // keep "workbook::" only when nothing else is left of the name
      result.erase(at, std::string(noise).size());
    }
  }
  for (const char* chapter :
       {"gil::", "threads::", "processes::", "locks::", "atomics::", "async::", "http::"}) {
    if (starts_with(result, chapter)) {
      result.erase(0, std::string(chapter).size());
    }
  }
  return result;
}

struct Frame {
  std::string function;
  std::string file; ///< relative to the root when under it
  std::string line;
};

// "    #0 foo(int) /path/file.cpp:12 (module+0x1)" (ThreadSanitizer) or
// "    #0 0x4f5e2a in foo(int) /path/file.cpp:12:3" (AddressSanitizer).
bool parse_frame(const std::string& line, const std::string& root, Frame& frame) {
  static const std::regex pattern(
      R"(^\s*#\d+ (?:0x[0-9a-f]+ in )?(.*?) (\S+?):(\d+)(?::\d+)?(?: \(.*\))?\s*$)");
  static const std::regex bare(R"(^\s*#\d+ (?:0x[0-9a-f]+ in )?(.*?)(?: \(.*\))?\s*$)");
  std::smatch match;
  if (std::regex_match(line, match, pattern)) {
    frame.function = match[1];
    frame.file = without_root(match[2], root);
    frame.line = match[3];
    return true;
  }
  if (std::regex_match(line, match, bare)) {
    frame.function = match[1];
    frame.file.clear();
    frame.line.clear();
    return true;
  }
  return false;
}

bool is_frame(const std::string& line) {
  static const std::regex pattern(R"(^\s*#\d+ .*)");
  return std::regex_match(line, pattern);
}

// Frames nobody wants to read: the standard library, the sanitizer's own
// runtime, Catch2 and the grader's harness.
bool is_noise(const Frame& frame) {
  const std::string& file = frame.file;
  return file.empty() || starts_with(file, "/usr/") || contains(file, "libsanitizer") ||
         contains(file, "/c++/") || contains(file, "catch2/") || starts_with(file, "tools/grader/harness/") ||
         starts_with(frame.function, "std::") || starts_with(frame.function, "void std::") ||
         starts_with(frame.function, "__") || frame.function == "<null>";
}

bool is_exercise(const Frame& frame) {
  return starts_with(frame.file, "exercises/") || contains(frame.file, "/exercises/");
}

// The frame of a stack that says where: the learner's own file first, then
// the first frame outside the standard library and the grader (a test's own
// line), then the first frame at all.
void choose_frame(const std::vector<Frame>& frames, ReportSection& section) {
  const Frame* chosen = nullptr;
  for (const auto& frame : frames) {
    if (is_exercise(frame)) {
      chosen = &frame;
      break;
    }
  }
  if (chosen == nullptr) {
    for (const auto& frame : frames) {
      if (!is_noise(frame)) {
        chosen = &frame;
        break;
      }
    }
  }
  if (chosen == nullptr && !frames.empty()) {
    chosen = &frames.front();
  }
  if (chosen == nullptr) {
    return;
  }
  section.where = chosen->file.empty() ? "" : chosen->file + ":" + chosen->line;
  section.function = short_function(chosen->function);
  section.in_exercise = is_exercise(*chosen);
}

std::string thread_of(const std::string& heading) {
  static const std::regex thread(R"(\b(?:by|in) thread (T\d+))");
  std::smatch match;
  if (std::regex_search(heading, match, thread)) {
    return match[1] == "T0" ? "main" : std::string(match[1]); // AddressSanitizer's T0 is the main thread
  }
  if (contains(heading, "main thread")) {
    return "main";
  }
  static const std::regex asan_thread(R"(\bthread (T\d+))");
  if (std::regex_search(heading, match, asan_thread)) {
    return match[1] == "T0" ? "main" : std::string(match[1]);
  }
  return "";
}

// "Write of size 8 at 0x7b0400000130 by thread T2:" -> "Write of size 8 by thread T2".
std::string clean_heading(std::string heading) {
  heading = trim(heading);
  if (!heading.empty() && heading.back() == ':') {
    heading.pop_back();
  }
  static const std::regex address(R"( (?:at |on address )?0x[0-9a-f]+)");
  heading = std::regex_replace(heading, address, "");
  static const std::regex mutex_ids(R"( \(0x[0-9a-f]+\))");
  heading = std::regex_replace(heading, mutex_ids, "");
  static const std::regex tid(R"( \(tid=\d+, [a-z]+\))");
  heading = std::regex_replace(heading, tid, "");
  static const std::regex module(R"( \([^ ()]+\+0x[0-9a-f]+\))");
  heading = std::regex_replace(heading, module, "");
  if (starts_with(heading, "Location is ")) {
    heading = "The memory: " + heading.substr(std::string("Location is ").size());
  }
  return heading;
}

std::string describe_thread(const std::string& thread, const SanitizerReport& report) {
  if (thread == "main") {
    return "the test's main thread";
  }
  if (thread.empty()) {
    return "";
  }
  for (const auto& section : report.sections) {
    if (starts_with(section.heading, "Thread " + thread + " ")) {
      if (section.in_exercise) {
        return "a worker thread (" + thread + ", started at " + section.where + " in " + section.function +
               ")";
      }
      if (contains(section.heading, "created by main thread")) {
        return "a worker thread (" + thread + ", started by the test's main thread)";
      }
      return "a worker thread (" + thread + ")";
    }
  }
  return "thread " + thread;
}

// Sections: a heading line followed by its frames, from lines[first] on.
void append_sections(const std::vector<std::string>& lines, std::size_t first, const std::string& root,
                     SanitizerReport& report) {
  std::vector<Frame> frames;
  ReportSection current;
  bool have_heading = false;
  const auto flush = [&] {
    if (have_heading) {
      choose_frame(frames, current);
      if (!(report.tool == "UBSan" && current.heading.empty())) {
        report.sections.push_back(current);
      }
    }
    frames.clear();
    current = ReportSection{};
    have_heading = false;
  };
  for (std::size_t i = first; i < lines.size(); ++i) {
    const std::string& text_line = lines[i];
    if (is_frame(text_line)) {
      Frame frame;
      if (parse_frame(text_line, root, frame)) {
        if (!have_heading && report.tool == "UBSan") {
          // UBSan's stack belongs to its one section, made above.
          if (!report.sections.empty() && report.sections.back().function.empty() && !is_noise(frame)) {
            report.sections.back().function = short_function(frame.function);
          }
          continue;
        }
        frames.push_back(frame);
      }
      continue;
    }
    const std::string heading = trim(text_line);
    if (heading.empty() || starts_with(heading, "SUMMARY:") || starts_with(heading, "=====") ||
        starts_with(heading, "HINT:") || starts_with(heading, "Shadow ") || starts_with(heading, "0x")) {
      flush();
      continue;
    }
    flush();
    current.heading = clean_heading(heading);
    current.thread = thread_of(heading);
    have_heading = true;
  }
  flush();
}

} // namespace

SanitizerReport parse_sanitizer_report(const std::string& output, const std::string& root) {
  SanitizerReport report;
  std::istringstream in(output);
  std::string line;
  std::vector<std::string> lines;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside) {
      static const std::regex tsan(R"(WARNING: ThreadSanitizer: (.*?)(?: \(pid=\d+\))?\s*$)");
      static const std::regex asan(R"(ERROR: (AddressSanitizer|LeakSanitizer): ([a-z-]+).*)");
      static const std::regex ubsan(R"((\S+:\d+(?::\d+)?): runtime error: (.*))");
      std::smatch match;
      if (std::regex_search(line, match, tsan)) {
        report.tool = "ThreadSanitizer";
        report.kind = match[1];
      } else if (std::regex_search(line, match, asan)) {
        report.tool = match[1];
        report.kind = match[2];
      } else if (std::regex_search(line, match, ubsan)) {
        report.tool = "UBSan";
        report.kind = match[2];
        ReportSection section;
        section.heading = "undefined behaviour";
        section.where = without_root(match[1], root);
        section.in_exercise = starts_with(section.where, "exercises/");
        report.sections.push_back(section);
      } else {
        continue;
      }
      inside = true;
      lines.push_back(line);
      continue;
    }
    lines.push_back(line);
    if (report.tool != "ThreadSanitizer" &&
        (starts_with(line, "SUMMARY: ") || starts_with(line, "Shadow bytes around"))) {
      break; // AddressSanitizer's summary ends what is worth reading; its shadow map follows
    }
    if (starts_with(line, "SUMMARY: ") || starts_with(line, "==================") ||
        (report.tool == "UBSan" && !is_frame(line) && lines.size() > 1 && trim(line).empty())) {
      if (starts_with(line, "SUMMARY: ")) {
        continue; // TSan closes with a line of '=' after its summary
      }
      break;
    }
  }
  if (report.tool.empty()) {
    return report;
  }
  if (report.kind == "lock-order-inversion (potential deadlock)") {
    report.kind = "lock-order inversion (potential deadlock)";
  }
  std::ostringstream text;
  for (const auto& kept : lines) {
    text << kept << "\n";
  }
  report.text = text.str();

  append_sections(lines, 1, root, report);
  return report;
}

// Line `number` of `file` (relative to `root`), without its indentation.
std::string source_line(const std::string& root, const std::string& where) {
  const auto colon = where.rfind(':');
  if (colon == std::string::npos) {
    return "";
  }
  std::ifstream in(root.empty() || where.front() == '/' ? where.substr(0, colon)
                                                        : root + "/" + where.substr(0, colon));
  const int wanted = std::atoi(where.c_str() + colon + 1);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (number == wanted) {
      return trim(line);
    }
  }
  return "";
}

std::string describe_report(const SanitizerReport& report, const std::string& root) {
  if (report.empty()) {
    return "";
  }
  std::ostringstream out;
  out << report.kind << " (" << report.tool << ")\n";
  for (const auto& section : report.sections) {
    if (starts_with(section.heading, "Thread T") && contains(section.heading, "created")) {
      continue; // said with the access the thread made
    }
    // TSan's second, nameless view of a stack location: '<null>' with g++'s
    // runtime, '??' with llvm-symbolizer (escaped: not a trigraph).
    if (contains(section.heading, "'<null>'") || contains(section.heading, "'?\?'")) {
      continue;
    }
    std::string heading = section.heading;
    const bool memory = starts_with(heading, "The memory: ");
    if (memory) {
      // "The memory: stack of main thread." / "...heap block of size 8 allocated by main thread"
      if (!heading.empty() && heading.back() == '.') {
        heading.pop_back();
      }
      for (const std::string main : {"main thread"}) {
        if (const auto at = heading.find(main); at != std::string::npos) {
          heading.replace(at, main.size(), "the test's main thread");
        }
      }
    } else {
      // "Read of size 8 by main thread" -> "Read of size 8", the thread said below.
      for (const char* by :
           {" by main thread", " by thread ", " in thread ", " in main thread", " thread T"}) {
        if (const auto at = heading.find(by); at != std::string::npos) {
          heading.erase(at);
        }
      }
    }
    out << "  " << heading;
    if (!section.where.empty()) {
      out << " at " << section.where;
    }
    if (!section.function.empty()) {
      out << " in " << section.function;
    }
    if (!memory) {
      if (const std::string thread = describe_thread(section.thread, report); !thread.empty()) {
        out << "\n    by " << thread;
      }
    }
    out << "\n";
    if (section.in_exercise) {
      if (const std::string code = source_line(root, section.where); !code.empty()) {
        out << "    | " << code << "\n";
      }
    }
  }
  return out.str();
}

std::string one_line(const SanitizerReport& report) {
  if (report.empty()) {
    return "";
  }
  std::string line = report.kind;
  std::vector<std::string> places;
  for (const auto& section : report.sections) {
    if (section.in_exercise && !(starts_with(section.heading, "Thread T")) &&
        !starts_with(section.heading, "Location") && !section.where.empty()) {
      places.push_back(section.where);
    }
  }
  for (std::size_t i = 0; i < places.size() && i < 2; ++i) {
    std::string place = places[i];
    if (i == 1) {
      const auto file = places[0].substr(0, places[0].rfind(':'));
      if (place.rfind(file + ":", 0) == 0) {
        place = "line " + place.substr(file.size() + 1);
      }
    }
    line += (i == 0 ? " at " : " and ") + place;
  }
  return line;
}

} // namespace workbook::cli

namespace workbook::cli {

std::vector<ReportSection> parse_watchdog_stacks(const std::string& output, const std::string& root) {
  std::istringstream in(output);
  std::string line;
  std::vector<std::string> lines;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside) {
      inside = contains(line, "workbook watchdog: where each thread was");
      continue;
    }
    lines.push_back(line);
  }
  SanitizerReport stacks;
  stacks.tool = "watchdog";
  append_sections(lines, 0, root, stacks);
  for (auto& section : stacks.sections) {
    section.thread = contains(section.heading, "main thread") ? "main" : "";
  }
  return stacks.sections;
}

} // namespace workbook::cli
