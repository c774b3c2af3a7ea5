// Test cases that exercise the grading harness itself (not an exercise):
// the CMake script next to this file runs them one by one and checks how the
// runner ends.
#include "catch.hpp"

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

TEST_CASE("harness: passes", "[harness]") {
  CHECK(1 + 1 == 2);
}

TEST_CASE("harness: fails", "[harness]") {
  CHECK(1 + 1 == 3);
}

TEST_CASE("harness: throws", "[harness]") {
  throw std::runtime_error("boom");
}

TEST_CASE("harness: has no assertion", "[harness]") {}

namespace {
// Blocks for the rest of the run: a thread an earlier case left behind
// (declared before "harness: deadlocks", so that it runs first).
[[gnu::noinline]] void left_waiting_forever(std::shared_future<void> never) {
  never.wait();
}
} // namespace

TEST_CASE("harness: leaves a thread waiting", "[harness]") {
  static std::promise<void> never_kept;
  std::thread(left_waiting_forever, never_kept.get_future().share()).detach();
  CHECK(true);
}

TEST_CASE("harness: deadlocks", "[harness]") {
  // A wait that nothing will ever end, as a learner's missed notify would.
  std::mutex mutex;
  std::condition_variable never;
  std::unique_lock lock(mutex);
  never.wait(lock, [] { return false; });
  CHECK(false);
}
