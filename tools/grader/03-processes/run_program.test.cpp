// Hidden tests for the run_program exercise. The programs run are Debian's
// coreutils and /bin/sh (only where a test needs a script of its own).
#include "run_program.hpp"

#include "process_testing.hpp"

#include <catch.hpp>

#include <signal.h>

#include <string>
#include <vector>

using workbook::processes::run_program;
using workbook::processes::spawn_error;
using workbook::testing::no_children_left;
using workbook::testing::open_descriptors;

TEST_CASE("standard output and standard error and the exit code are captured", "[run_program]") {
  const auto before = open_descriptors();
  const auto done = run_program({"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(done.out == "out\n");
  CHECK(done.err == "err\n");
  CHECK(done.status.exited);
  CHECK(done.status.exit_code == 3);
  CHECK(run_program({"true"}).status.success()); // found through PATH
  CHECK(no_children_left());
  CHECK(open_descriptors() == before);
}

TEST_CASE("arguments reach the program literally", "[run_program]") {
  const std::vector<std::string> argv{"printf", "[%s]\\n", "two words", "a;b", "$HOME", "'quoted'", "", "*"};
  const auto done = run_program(argv);
  CHECK(done.out == "[two words]\n[a;b]\n[$HOME]\n['quoted']\n[]\n[*]\n");
  CHECK(done.status.success());
}

TEST_CASE("large output on both streams at once does not deadlock", "[run_program]") {
  // 300 KB to standard error first, then to standard output: reading stdout
  // to its end first waits for ever once stderr's pipe is full (64 KiB).
  const auto done = run_program({"sh", "-c", "head -c 300000 /dev/zero >&2; head -c 200000 /dev/zero"});
  CHECK(done.err.size() == 300000);
  CHECK(done.out.size() == 200000);
  CHECK(done.status.success());
  const auto reverse = run_program({"sh", "-c", "head -c 300000 /dev/zero; head -c 200000 /dev/zero >&2"});
  CHECK(reverse.out.size() == 300000);
  CHECK(reverse.err.size() == 200000);
}

TEST_CASE("input is written while output is read", "[run_program]") {
  std::string input;
  for (int i = 0; input.size() < 1000000; ++i) {
    input += "line " + std::to_string(i) + "\n";
  }
  // cat echoes as it reads: writing all the input before reading anything
  // fills both pipes and waits for ever.
  const auto echoed = run_program({"cat"}, input);
  CHECK(echoed.out.size() == input.size());
  CHECK(echoed.out == input);
  CHECK(echoed.status.success());
  const auto counted = run_program({"wc", "-l"}, "a\nb\n");
  CHECK(counted.out.find('2') != std::string::npos);
}

TEST_CASE("a program that stops reading its input early is not an error", "[run_program]") {
  const std::string input(2000000, 'y');
  const auto done = run_program({"head", "-c", "10"}, input); // exits after 10 bytes
  CHECK(done.out == std::string(10, 'y'));
  CHECK(done.status.success());
  CHECK(no_children_left());
}

TEST_CASE("a program that cannot be started is an error not an exit status", "[run_program]") {
  const auto before = open_descriptors();
  try {
    run_program({"workbook-no-such-program", "--flag"});
    FAIL("run_program returned for a program that does not exist");
  } catch (const spawn_error& error) {
    CHECK(error.code() == std::errc::no_such_file_or_directory);
    CHECK(std::string(error.what()).find("workbook-no-such-program") != std::string::npos);
  }
  CHECK_THROWS_AS(run_program({"/etc/hostname"}), spawn_error); // not executable
  CHECK_THROWS_AS(run_program({}), std::invalid_argument);
  CHECK(no_children_left());
  CHECK(open_descriptors() == before);
}

TEST_CASE("a program killed by a signal is reported with the signal", "[run_program]") {
  const auto done = run_program({"sh", "-c", "kill -TERM $$"});
  CHECK_FALSE(done.status.exited);
  CHECK(done.status.signal == SIGTERM);
  CHECK_FALSE(done.status.success());
}

TEST_CASE("the program starts with SIGPIPE unblocked and not ignored whatever the caller did",
          "[run_program]") {
  // The program reports its own signal state: grep prints the mask lines
  // of its /proc/self/status. A caller that blocks and ignores SIGPIPE
  // passes both to its children unless the spawn resets them.
  workbook::processes::Completed done;
  {
    workbook::testing::SigpipeBlockedAndIgnored careless_caller;
    done = run_program({"grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"});
  }
  INFO("the program's signal state:\n" << done.out);
  CHECK(done.status.success());
  CHECK_FALSE(workbook::testing::sigpipe_in(done.out, "SigBlk:"));
  CHECK_FALSE(workbook::testing::sigpipe_in(done.out, "SigIgn:"));
  CHECK(no_children_left());
}
