// `workbook`: the learner's command-line tool. The ./workbook script at the
// root installs what is missing, configures the learner build, builds this
// program and runs it with the script's arguments.
#include "commands.hpp"
#include "options.hpp"
#include "terminal.hpp"
#include "workspace.hpp"

#include <functional>
#include <initializer_list>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace workbook::cli;

int main(int argc, char* argv[]) {
  try {
    const Options options = parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (options.command == "help") {
      std::cout << help_text(options.operands.empty() ? "" : options.operands[0]);
      return 0;
    }
    if (options.help) {
      std::cout << help_text(options.command == "status" && argc <= 2 ? "" : options.command);
      return 0;
    }
    static const std::map<std::string, std::function<int(Workspace&)>> commands = {
        {"status", status_command},     {"list", list_command},   {"next", next_command},
        {"check", check_command},       {"watch", watch_command}, {"hint", hint_command},
        {"solution", solution_command}, {"reset", reset_command}, {"run", run_command},
    };
    const auto command = commands.find(options.command);
    if (command == commands.end()) {
      throw UsageError("unknown command \"" + options.command + "\" (./workbook help lists them)");
    }
    for (const auto& [given, flag] :
         {std::pair{options.tsan, "--tsan"}, std::pair{options.quick, "--quick"}}) {
      if (given && options.command != "status" && options.command != "check" && options.command != "watch" &&
          options.command != "list" && options.command != "next") {
        throw UsageError(std::string(flag) + " applies to status, list, next, check and watch");
      }
    }
    if (options.tsan && options.quick) {
      throw UsageError("--tsan and --quick contradict each other: --quick skips ThreadSanitizer");
    }
    const auto only_for = [&](bool given, const char* flag, std::initializer_list<const char*> allowed) {
      if (!given) {
        return;
      }
      for (const char* command_name : allowed) {
        if (options.command == command_name) {
          return;
        }
      }
      throw UsageError(std::string(flag) + " does not apply to " + options.command + " (./workbook " +
                       options.command + " --help)");
    };
    only_for(options.force, "--force", {"solution"});
    only_for(options.yes, "--yes", {"reset"});
    only_for(options.all, "--all", {"hint"});
    only_for(options.poll_ms != Options{}.poll_ms || options.max_verdicts != 0, "--poll-ms/--max-verdicts",
             {"watch"});
    Workspace workspace(options, Terminal::detect());
    return command->second(workspace);
  } catch (const UsageError& error) {
    std::cerr << "workbook: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "workbook: " << error.what() << "\n";
    return 1;
  }
}
