// Hidden tests for the pipeline exercise.
#include "pipeline.hpp"

#include "process_testing.hpp"

#include <catch.hpp>

#include <signal.h>

#include <string>

using workbook::processes::pipeline;
using workbook::processes::pipeline_error;
using workbook::testing::no_children_left;
using workbook::testing::open_descriptors;

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.erase(text.begin());
  }
  return text;
}

} // namespace

TEST_CASE("the consumer reads what the producer writes", "[pipeline]") {
  const auto before = open_descriptors();
  const auto sorted = pipeline({"printf", "b\\na\\nc\\n"}, {"sort"});
  CHECK(sorted.output == "a\nb\nc\n");
  CHECK(sorted.producer.success());
  CHECK(sorted.consumer.success());
  CHECK(no_children_left());
  CHECK(open_descriptors() == before);
}

TEST_CASE("the consumer sees end of file when the producer is done", "[pipeline]") {
  // cat ends only when every write end of the pipe is closed: a copy kept
  // open by this process or by cat itself makes it wait for ever.
  const auto copied = pipeline({"printf", "x"}, {"cat"});
  CHECK(copied.output == "x");
  const auto counted = pipeline({"head", "-c", "1000000", "/dev/zero"}, {"wc", "-c"});
  CHECK(trimmed(counted.output) == "1000000\n");
  CHECK(no_children_left());
}

TEST_CASE("a producer whose consumer quits gets SIGPIPE", "[pipeline]") {
  // yes writes for ever; head stops after three lines. Once head has exited
  // and no read end is left, yes is killed by SIGPIPE, if this process does
  // not keep a read end open (then yes would block for ever).
  const auto done = pipeline({"yes"}, {"head", "-n", "3"});
  CHECK(done.output == "y\ny\ny\n");
  CHECK(done.consumer.success());
  CHECK_FALSE(done.producer.exited);
  CHECK(done.producer.signal == SIGPIPE);
}

TEST_CASE("both programs' statuses are reported", "[pipeline]") {
  const auto done = pipeline({"sh", "-c", "echo data; exit 4"}, {"sh", "-c", "cat; exit 5"});
  CHECK(done.output == "data\n");
  CHECK(done.producer.exit_code == 4);
  CHECK(done.consumer.exit_code == 5);
}

TEST_CASE("a program that cannot be started is an error and leaves nothing behind", "[pipeline]") {
  const auto before = open_descriptors();
  CHECK_THROWS_AS(pipeline({"workbook-no-such-program"}, {"cat"}), pipeline_error);
  try {
    pipeline({"yes"}, {"workbook-no-such-consumer"});
    FAIL("pipeline returned although its consumer does not exist");
  } catch (const pipeline_error& error) {
    CHECK(std::string(error.what()).find("workbook-no-such-consumer") != std::string::npos);
  }
  CHECK(no_children_left()); // the producer that did start was reaped
  CHECK(open_descriptors() == before);
  CHECK_THROWS_AS(pipeline({}, {"cat"}), std::invalid_argument);
}

TEST_CASE("a producer gets SIGPIPE even when the caller blocks and ignores it", "[pipeline]") {
  // Ignored signals and the signal mask are inherited through fork and
  // exec: unless the spawn resets SIGPIPE, yes gets EPIPE instead, prints
  // an error and exits with status 1.
  workbook::processes::PipelineResult done;
  {
    workbook::testing::SigpipeBlockedAndIgnored careless_caller;
    done = pipeline({"yes"}, {"head", "-n", "1"});
  }
  CHECK(done.output == "y\n");
  INFO("the producer " << done.producer.describe());
  CHECK_FALSE(done.producer.exited);
  CHECK(done.producer.signal == SIGPIPE);
  CHECK(done.consumer.success());
}
