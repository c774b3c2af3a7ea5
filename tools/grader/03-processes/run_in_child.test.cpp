// Hidden tests for the run_in_child exercise.
#include "run_in_child.hpp"

#include "process_testing.hpp"

#include <catch.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

using workbook::processes::run_in_child;
using workbook::testing::no_children_left;

namespace {

int marker_fd = -1; // where the atexit handler writes, while a test watches

void atexit_marker() {
  if (marker_fd >= 0) {
    const char mark = 'X';
    [[maybe_unused]] const auto written = ::write(marker_fd, &mark, 1);
  }
}

void on_signal(int) {}

} // namespace

TEST_CASE("the child's return value is its exit code", "[run_in_child]") {
  const auto ok = run_in_child([] { return 0; });
  CHECK(ok.exited);
  CHECK(ok.exit_code == 0);
  CHECK(ok.success());
  const auto three = run_in_child([] { return 3; });
  CHECK(three.exited);
  CHECK(three.exit_code == 3);
  CHECK(three.describe() == "exited with code 3");
  CHECK(no_children_left());
}

TEST_CASE("the body runs in another process with its own copy of memory", "[run_in_child]") {
  const pid_t parent = ::getpid();
  int value = 1;
  const auto status = run_in_child([&] {
    value = 2; // changes the child's copy only
    return ::getpid() == parent ? 1 : 0;
  });
  INFO("the body ran in this process, not in a child");
  CHECK(status.success());
  CHECK(value == 1);
}

TEST_CASE("a child killed by a signal is reported with the signal", "[run_in_child]") {
  const auto status = run_in_child([] {
    ::raise(SIGKILL);
    return 0;
  });
  CHECK_FALSE(status.exited);
  CHECK(status.signal == SIGKILL);
  CHECK_FALSE(status.success());
  CHECK(status.describe().find("killed by signal 9") == 0);
  CHECK(no_children_left());
}

TEST_CASE("a body that throws makes the child exit with code 70", "[run_in_child]") {
  const auto status = run_in_child([]() -> int { throw std::runtime_error("failed in the child"); });
  CHECK(status.exited);
  CHECK(status.exit_code == 70);
  CHECK(no_children_left());
}

TEST_CASE("the child leaves with _exit and runs none of the parent's exit work", "[run_in_child]") {
  int ends[2];
  REQUIRE(::pipe(ends) == 0);
  static const bool registered = std::atexit(atexit_marker) == 0;
  REQUIRE(registered);
  marker_fd = ends[1];
  // Text waiting in a stdio buffer: a child that calls exit() flushes its
  // copy, and the parent flushes the same text again later.
  FILE* buffered = ::fdopen(::dup(ends[1]), "w");
  REQUIRE(buffered != nullptr);
  ::setvbuf(buffered, nullptr, _IOFBF, 4096);
  std::fputs("buffered", buffered);
  const auto status = run_in_child([] { return 0; });
  marker_fd = -1;
  std::fclose(buffered); // the parent's one legitimate flush
  ::close(ends[1]);
  std::string seen;
  char chunk[64];
  ssize_t n = 0;
  while ((n = ::read(ends[0], chunk, sizeof chunk)) > 0) {
    seen.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(ends[0]);
  CHECK(status.success());
  INFO("what reached the pipe: " << seen);
  CHECK(seen == "buffered"); // once, from the parent; no 'X' from an atexit handler in the child
}

TEST_CASE("a wait interrupted by a signal is resumed", "[run_in_child]") {
  struct sigaction action {};
  action.sa_handler = on_signal;
  ::sigemptyset(&action.sa_mask);
  action.sa_flags = 0; // no SA_RESTART: a blocking waitpid fails with EINTR
  struct sigaction previous {};
  ::sigaction(SIGUSR1, &action, &previous);
  const pthread_t waiter = ::pthread_self();
  struct Interrupter { // stops and joins even when run_in_child throws
    pthread_t target;
    struct sigaction previous;
    std::atomic<bool> finished{false};
    std::thread thread{[this] {
      while (!finished.load()) {
        ::pthread_kill(target, SIGUSR1);
        ::usleep(1000);
      }
    }};
    ~Interrupter() {
      finished = true;
      thread.join();
      ::sigaction(SIGUSR1, &previous, nullptr);
    }
  } interrupter{waiter, previous};
  // A solution that gives up on EINTR throws std::system_error ("waitpid:
  // Interrupted system call") out of this call.
  const auto status = run_in_child([] {
    ::usleep(100 * 1000); // long enough for many interruptions of the parent's wait
    return 5;
  });
  CHECK(status.exit_code == 5);
  while (!no_children_left()) { // do not leave a child to the next case if the wait was abandoned
    ::waitpid(-1, nullptr, 0);
  }
}
