// Hidden tests for the process_pool exercise.
#include "process_pool.hpp"

#include "process_testing.hpp"

#include <catch.hpp>

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using workbook::processes::ProcessPool;
using workbook::testing::no_children_left;
using workbook::testing::open_descriptors;

namespace {

std::string doubled(const std::string& input) {
  return std::to_string(2 * std::stol(input));
}

} // namespace

TEST_CASE("results come back in input order", "[process_pool]") {
  ProcessPool pool(3, doubled);
  CHECK(pool.size() == 3);
  std::vector<std::string> inputs;
  for (int n = 0; n < 200; ++n) {
    inputs.push_back(std::to_string(n));
  }
  const auto results = pool.map(inputs);
  REQUIRE(results.size() == inputs.size());
  int wrong = 0;
  for (int n = 0; n < 200; ++n) {
    const auto& result = results[static_cast<std::size_t>(n)];
    wrong += result.ok && result.value == std::to_string(2 * n) ? 0 : 1;
  }
  CHECK(wrong == 0);
  CHECK(pool.map({}).empty());
}

TEST_CASE("the work runs in the worker processes", "[process_pool]") {
  ProcessPool pool(2, [](const std::string&) { return std::to_string(::getpid()); });
  const auto results = pool.map(std::vector<std::string>(50, "which"));
  std::set<std::string> pids;
  for (const auto& result : results) {
    pids.insert(result.value);
  }
  std::set<std::string> workers;
  for (const pid_t pid : pool.worker_pids()) {
    workers.insert(std::to_string(pid));
  }
  CHECK(pids.count(std::to_string(::getpid())) == 0);
  CHECK(std::includes(workers.begin(), workers.end(), pids.begin(), pids.end()));
}

TEST_CASE("the workers run tasks at the same time", "[process_pool]") {
  // A counter in shared memory: each task arrives and waits until two have
  // arrived, which only two workers running at once get past.
  void* memory =
      ::mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(memory != MAP_FAILED);
  auto* arrived = new (memory) std::atomic<int>(0);
  {
    ProcessPool pool(2, [arrived](const std::string&) {
      ++*arrived;
      while (arrived->load() < 2) {
        ::sched_yield();
      }
      return std::string("met");
    });
    const auto results = pool.map({"a", "b"});
    CHECK(results[0].value == "met");
    CHECK(results[1].value == "met");
  }
  ::munmap(memory, sizeof(std::atomic<int>));
}

TEST_CASE("an exception in the work fails only its own task", "[process_pool]") {
  ProcessPool pool(2, [](const std::string& input) -> std::string {
    if (input == "bad") {
      throw std::runtime_error("cannot work on bad");
    }
    return input + "!";
  });
  const auto results = pool.map({"a", "bad", "c"});
  CHECK(results[0].ok);
  CHECK(results[0].value == "a!");
  CHECK_FALSE(results[1].ok);
  CHECK(results[1].error == "cannot work on bad");
  CHECK(results[2].value == "c!");
}

TEST_CASE("a worker that dies fails its task by name and is replaced", "[process_pool]") {
  // The first worker forked dies on its first task; the others (and its
  // replacement) do not. Its death must be noticed, which it is not if a
  // later worker holds a copy of its reply pipe: that pipe never reaches end
  // of file, and map waits for ever (the watchdog says so).
  void* memory =
      ::mmap(nullptr, sizeof(std::atomic<pid_t>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(memory != MAP_FAILED);
  auto* victim = new (memory) std::atomic<pid_t>(0);
  {
    ProcessPool pool(3, [victim](const std::string& input) {
      while (victim->load() == 0) { // until the test has named the victim
        ::sched_yield();
      }
      if (::getpid() == victim->load()) {
        ::raise(SIGKILL);
      }
      return input;
    });
    const auto before = pool.worker_pids();
    *victim = before.front();
    std::vector<std::string> inputs;
    for (int i = 0; i < 12; ++i) {
      inputs.push_back(std::to_string(i));
    }
    const auto results = pool.map(inputs);
    REQUIRE(results.size() == inputs.size());
    int failed = 0;
    int right = 0;
    std::string error;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (!results[i].ok) {
        ++failed;
        error = results[i].error;
      }
      right += results[i].ok && results[i].value == inputs[i] ? 1 : 0;
    }
    CHECK(failed == 1);
    CHECK(right == 11);
    INFO("the error was: " << error);
    CHECK(error.find("signal 9") != std::string::npos);
    const auto after = pool.worker_pids();
    CHECK(after.size() == 3);
    CHECK(after.front() != before.front());            // a new worker in the dead one's place
    const auto again = pool.map({"x", "y", "z", "w"}); // the pool still has three working workers
    CHECK(again[0].value == "x");
    CHECK(again[3].value == "w");
  }
  ::munmap(memory, sizeof(std::atomic<pid_t>));
}

TEST_CASE("payloads larger than a pipe's buffer arrive whole", "[process_pool]") {
  ProcessPool pool(2, [](const std::string& input) { return input + input; });
  const std::string big(300000, 'p');
  const auto results = pool.map({big, "small", big});
  CHECK(results[0].value.size() == 600000);
  CHECK(results[1].value == "smallsmall");
  CHECK(results[2].value == big + big);
}

TEST_CASE("shutdown reaps every worker and closes every descriptor", "[process_pool]") {
  const auto before = open_descriptors();
  std::vector<pid_t> pids;
  {
    ProcessPool pool(3, doubled);
    pids = pool.worker_pids();
    CHECK(pool.map({"1", "2", "3"}).size() == 3);
    pool.shutdown(); // must not hang: each worker sees end of file on its own pipe
    CHECK_THROWS_AS(pool.map({"1"}), std::logic_error);
    pool.shutdown(); // harmless again
  }
  CHECK(no_children_left());
  CHECK(open_descriptors() == before);
  {
    ProcessPool pool(2, doubled);
    pool.map({"5"});
  } // the destructor shuts down
  CHECK(no_children_left());
  CHECK(open_descriptors() == before);
  CHECK_THROWS_AS(ProcessPool(0, doubled), std::invalid_argument);
}
