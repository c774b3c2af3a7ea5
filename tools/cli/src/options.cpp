#include "options.hpp"

#include <map>

namespace workbook::cli {

namespace {

const std::map<std::string, std::string>& command_help() {
  static const std::map<std::string, std::string> help = {
      {"status", R"(usage: workbook status [--quick | --tsan]

Grades every exercise with its hidden tests and prints the progress table:
each chapter, each exercise and its state (done, passes but races, not
started, failing, does not compile, deadlock?, crashed), and the next
exercise to do. An exercise whose file is still the shipped stub is not
started, without being compiled; one that passes is graded again under
ThreadSanitizer, and is done only if that passes too (--quick skips it).
This is what ./workbook does without a command.
)"},
      {"list", R"(usage: workbook list [CHAPTER] [--quick | --tsan]

Grades every exercise and prints one line per exercise with its state and
passing test cases. CHAPTER (01, 01-gil or gil) keeps that chapter's only.
)"},
      {"next", R"(usage: workbook next [--quick | --tsan]

Grades every exercise, then shows the first one in book order that does not
pass yet: its task as its doc comment states it, the file to edit, the
chapter section to read, and how to grade it.
)"},
      {"hint", R"(usage: workbook hint EXERCISE [--all]

Shows the exercise's hints one layer at a time: the first call gives a
nudge, each further call one more hint, and the earlier ones again.
--all shows every layer at once.
)"},
      {"check", R"(usage: workbook check EXERCISE [--quick | --tsan]

Rebuilds and grades one exercise; when every test case passes, grades it
again under ThreadSanitizer (build/learner-tsan, set up on first need).
A compile error is shown as its first error with the source line; a failing
test case with the check that failed and its values; a data race with the
two accesses in your file and the threads that made them (the whole report
is kept in a file, named); a deadlock with the watchdog's message and where
each thread was waiting. Exit status 0 when the exercise is done, 1
otherwise. --quick skips ThreadSanitizer; --tsan grades under it only.
)"},
      {"watch", R"(usage: workbook watch [--quick | --tsan] [--poll-ms N]

Grades the next exercise, then watches exercises/ and grades again each time
you save a file there (it polls, so it works in containers and on network
file systems). When the exercise passes it moves on to the next one. Stop it
with Ctrl-C.
)"},
      {"solution", R"(usage: workbook solution EXERCISE [--force]

Shows the reference solution of an exercise once your version passes.
--force shows it before that, and says so.
)"},
      {"reset", R"(usage: workbook reset EXERCISE [--yes]

Puts the shipped stub back in place of your version of the exercise (taken
from git). Your version is kept in the build folder (workbook-backups/), and
the command asks first unless --yes is given.
)"},
      {"run", R"(usage: workbook run EXAMPLE [ARGUMENTS...]

Builds one of the chapters' examples or measuring programs and runs it with
the given arguments. ./workbook run --list (or an unknown name) lists them.
)"},
  };
  return help;
}

} // namespace

std::string help_text(const std::string& command) {
  const auto& help = command_help();
  if (const auto found = help.find(command); found != help.end()) {
    return found->second;
  }
  return R"(usage: workbook [COMMAND] [OPTIONS]

Commands:
  status             grade every exercise and show your progress (the default)
  list [CHAPTER]     every exercise and its state, for one chapter if given
  next               the next exercise to do, with its task
  check EXERCISE     grade one exercise and show why it fails
  watch              grade the exercise you are editing each time you save it
  hint EXERCISE      the next hint for an exercise
  solution EXERCISE  the reference solution, once your version passes
  reset EXERCISE     put the shipped stub back (your version is kept)
  run EXAMPLE        build and run one of the chapters' examples
  selftest           maintainers: prove the workbook honest (what CI runs)
  bench              every chapter's measurements, in an optimised build
  docs               build the documentation site

Options:
  --quick            skip the ThreadSanitizer grade of an exercise that passes
                     (alias --no-tsan): quicker, but "done" is not proven race-free
  --tsan             grade under ThreadSanitizer only (build/learner-tsan)
  --build DIR        the build folder (default build/learner)
  --help             help for a command: ./workbook check --help

Colour is used on a terminal; NO_COLOR=1 turns it off.
)";
}

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  bool have_command = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (have_command && options.command == "run" && !options.operands.empty()) {
      options.operands.push_back(arg); // the example's own arguments
      continue;
    }
    const auto value = [&](const char* flag) -> std::string {
      if (i + 1 >= args.size()) {
        throw UsageError(std::string(flag) + " needs a value");
      }
      return args[++i];
    };
    if (arg == "--build") {
      options.build_dir = value("--build");
    } else if (arg == "--tsan") {
      options.tsan = true;
    } else if (arg == "--quick" || arg == "--no-tsan") {
      options.quick = true;
    } else if (arg == "--force") {
      options.force = true;
    } else if (arg == "--yes" || arg == "-y") {
      options.yes = true;
    } else if (arg == "--all") {
      options.all = true;
    } else if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (arg == "--poll-ms" || arg == "--max-verdicts") {
      const std::string text = value(arg.c_str());
      int number = 0;
      try {
        number = std::stoi(text);
      } catch (const std::exception&) {
        throw UsageError(arg + " needs a number, not \"" + text + "\"");
      }
      const bool poll = arg == "--poll-ms";
      const int least = poll ? 10 : 0;
      if (number < least) {
        throw UsageError(arg + " " + text + " is out of range: it takes " + std::to_string(least) +
                         " or more");
      }
      (poll ? options.poll_ms : options.max_verdicts) = number;
    } else if (arg == "--list" && options.command == "run") {
      options.operands.push_back("--list");
    } else if (!arg.empty() && arg[0] == '-') {
      throw UsageError("unknown option " + arg + " (try ./workbook --help)");
    } else if (!have_command) {
      options.command = arg == "help" ? "help" : arg;
      have_command = true;
    } else {
      options.operands.push_back(arg);
    }
  }
  return options;
}

} // namespace workbook::cli
