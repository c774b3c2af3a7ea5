#include "status.hpp"

#include <iomanip>
#include <sstream>

namespace workbook::cli {

namespace {

Colour colour_of(State state) {
  switch (state) {
  case State::done: return Colour::green;
  case State::not_started: return Colour::dim;
  case State::failing: return Colour::yellow;
  case State::races:
  case State::deadlocked:
  case State::crashed:
  case State::does_not_compile: return Colour::red;
  case State::not_graded: return Colour::dim;
  }
  return Colour::none;
}

const char* mark_of(State state) {
  switch (state) {
  case State::done: return "[x]";
  case State::not_started: return "[ ]";
  case State::failing: return "[~]";
  case State::races:
  case State::deadlocked:
  case State::crashed:
  case State::does_not_compile: return "[!]";
  case State::not_graded: return "[?]";
  }
  return "[?]";
}

std::string bar(int done, int total, int width = 20) {
  const int filled = total == 0 ? 0 : done * width / total;
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string shorten(const std::string& text, std::size_t width) {
  return text.size() <= width ? text : text.substr(0, width - 3) + "...";
}

} // namespace

const Verdict* next_exercise(const std::vector<Verdict>& verdicts) {
  for (const auto& verdict : verdicts) {
    if (verdict.state != State::done) {
      return &verdict;
    }
  }
  return nullptr;
}

void print_status(std::ostream& out, const Manifest& manifest, const std::vector<Verdict>& verdicts,
                  const Terminal& terminal, const std::string& build_dir) {
  out << terminal.paint("C++ Concurrency Workbook", Colour::bold) << " - progress, graded against "
      << manifest.source_tree << "/"
      << (manifest.sanitizer.empty() ? "" : " (" + manifest.sanitizer + " sanitizer)") << "\n";
  int all_done = 0;
  for (const auto& chapter : manifest.chapters) {
    int done = 0;
    int total = 0;
    for (const auto& verdict : verdicts) {
      if (verdict.exercise->chapter == chapter.id) {
        ++total;
        done += verdict.state == State::done ? 1 : 0;
      }
    }
    all_done += done;
    out << "\n"
        << terminal.paint(pad(chapter.id + "  " + chapter.title, 56), Colour::bold) << " "
        << bar(done, total, 10) << " " << done << "/" << total << "\n";
    for (const auto& verdict : verdicts) {
      if (verdict.exercise->chapter != chapter.id) {
        continue;
      }
      std::ostringstream cases;
      cases << verdict.passed << "/" << verdict.total;
      out << "  " << terminal.paint(mark_of(verdict.state), colour_of(verdict.state)) << " "
          << pad(verdict.exercise->name, 22) << " "
          << terminal.paint(pad(state_label(verdict), 17), colour_of(verdict.state)) << " "
          << pad(verdict.state == State::does_not_compile ? "-" : cases.str(), 6);
      if (!verdict.detail.empty()) {
        out << " " << shorten(verdict.detail, 110);
      }
      out << "\n";
    }
  }
  const int total = static_cast<int>(verdicts.size());
  out << "\nOverall " << bar(all_done, total) << " " << all_done << " of " << total << " exercises done.\n";

  if (const Verdict* next = next_exercise(verdicts)) {
    const Exercise& exercise = *next->exercise;
    out << "\n"
        << terminal.paint("Next:", Colour::bold) << " " << exercise.name << " (" << to_string(next->state)
        << ")\n"
        << "  edit   " << exercise.stub << "\n"
        << "  read   chapters/" << exercise.chapter << "/README.md, section \"Exercise: " << exercise.name
        << "\"\n"
        << "  grade  ./workbook check " << exercise.name << "   or   ctest --test-dir " << build_dir
        << " -L '^" << exercise.name << "$'\n"
        << "  stuck? ./workbook hint " << exercise.name << "\n";
  } else if (total > 0) {
    out << "\n" << terminal.paint("Every exercise passes, race-free. Well done!", Colour::green) << "\n";
  }
}

} // namespace workbook::cli
