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
  ProcessPool pool(2, [](const std::string& input) {
    if (input == "die") {
      ::raise(SIGKILL);
    }
    return input;
  });
  const auto before = pool.worker_pids();
  std::vector<std::string> inputs{"1", "2", "die", "4", "5", "6", "7", "8"};
  const auto results = pool.map(inputs);
  REQUIRE(results.size() == inputs.size());
  CHECK_FALSE(results[2].ok);
  INFO("the error was: " << results[2].error);
  CHECK(results[2].error.find("signal 9") != std::string::npos);
  int others = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    others += i != 2 && results[i].ok && results[i].value == inputs[i] ? 1 : 0;
  }
  CHECK(others == 7);
  const auto after = pool.worker_pids();
  CHECK(after.size() == 2);
  CHECK(after != before);                       // one slot has a new worker
  const auto again = pool.map({"x", "y", "z"}); // the pool still has two working workers
  CHECK(again[0].value == "x");
  CHECK(again[2].value == "z");
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
