// Hidden tests for the process_pool exercise.
#include "process_pool.hpp"

#include "process_testing.hpp"

#include <catch.hpp>

#include <dirent.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

// The number of descriptors the process `pid` has open (/proc/PID/fd).
int descriptors_of(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/fd";
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    return -1;
  }
  int count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    count += entry->d_name[0] != '.' ? 1 : 0;
  }
  ::closedir(dir);
  return count;
}

// Whether `pid` is no child of ours any more, i.e. it has been reaped. A
// zombie is reaped here, so the answer is false only once.
bool reaped(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) < 0 && errno == ECHILD;
}

// A work function for the crash tests: "die" kills the worker, "exit"
// makes it exit with code 3, "mask" reports whether SIGPIPE is blocked in
// it, anything else comes back unchanged.
std::string crashing(const std::string& input) {
  if (input == "die") {
    ::raise(SIGKILL);
  }
  if (input == "exit") {
    ::_exit(3);
  }
  if (input == "mask") {
    sigset_t mask;
    ::pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    return ::sigismember(&mask, SIGPIPE) == 1 ? "SIGPIPE blocked" : "SIGPIPE unblocked";
  }
  return input;
}

std::string killed_by(int signal) {
  return std::string("worker killed by signal ") + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
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
    CHECK(error == killed_by(SIGKILL));
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

TEST_CASE("a dead worker is reaped and its pipes closed when it is replaced", "[process_pool]") {
  // While the pool runs it holds two descriptors per worker: after a crash
  // and a replacement, still exactly as many. The dead worker is reaped at
  // once, not at shutdown, and the replacement holds only its own pipe ends
  // (as many descriptors as a worker that never died): each worker counts
  // its own, in a task that waits until both workers run one, so both
  // answer, each after it has closed what it inherited.
  void* memory =
      ::mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(memory != MAP_FAILED);
  auto* arrived = new (memory) std::atomic<int>(0);
  const auto each_worker_counts_its_descriptors = [arrived](ProcessPool& pool) {
    *arrived = 0;
    const auto counts = pool.map({"fds", "fds"});
    return std::vector<std::string>{counts[0].value, counts[1].value};
  };
  {
    ProcessPool pool(2, [arrived](const std::string& input) {
      if (input != "fds") {
        return crashing(input);
      }
      ++*arrived;
      while (arrived->load() < 2) {
        ::sched_yield();
      }
      return std::to_string(descriptors_of(::getpid()));
    });
    const auto first = each_worker_counts_its_descriptors(pool);
    REQUIRE(first[0] == first[1]);
    const auto running = workbook::testing::open_descriptors().size();
    const auto before = pool.worker_pids();
    const auto results = pool.map({"a", "die", "b", "exit", "c"});
    REQUIRE(results.size() == 5);
    CHECK(results[0].value == "a");
    CHECK(results[2].value == "b");
    CHECK(results[4].value == "c");
    CHECK_FALSE(results[1].ok);
    CHECK(results[1].error == killed_by(SIGKILL));
    CHECK_FALSE(results[3].ok);
    CHECK(results[3].error == "worker exited with code 3");
    const auto after = workbook::testing::open_descriptors().size();
    INFO("descriptors open in the pool's process: " << running << " before two workers died, " << after
                                                    << " after they were replaced");
    CHECK(after == running);
    const auto now = pool.worker_pids();
    int replaced = 0;
    for (const pid_t pid : before) {
      if (std::find(now.begin(), now.end(), pid) == now.end()) {
        ++replaced;
        INFO("worker " << pid << " died during the map");
        CHECK(reaped(pid)); // a zombie until shutdown otherwise
      }
    }
    CHECK(replaced >= 1);
    const auto second = each_worker_counts_its_descriptors(pool);
    INFO("descriptors of each worker: " << second[0] << " and " << second[1] << "; before the crashes "
                                        << first[0] << " each");
    CHECK(second[0] == first[0]);
    CHECK(second[1] == first[0]);
  }
  ::munmap(memory, sizeof(std::atomic<int>));
}

TEST_CASE("a worker killed while idle between two maps is replaced", "[process_pool]") {
  // The test does not block SIGPIPE: a pool that writes to the dead
  // worker's pipe without blocking it is killed by it, and the test with it.
  ProcessPool pool(2, crashing);
  CHECK(pool.map({"warm", "up"}).size() == 2);
  const auto running = workbook::testing::open_descriptors().size();
  const pid_t victim = pool.worker_pids().front();
  REQUIRE(::kill(victim, SIGKILL) == 0);
  siginfo_t info{};
  REQUIRE(::waitid(P_PID, static_cast<id_t>(victim), &info, WEXITED | WNOWAIT) == 0); // dead, not reaped
  const auto results = pool.map({"a", "b", "c", "d"});
  REQUIRE(results.size() == 4);
  int failed = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok) {
      ++failed;
      CHECK(results[i].error == killed_by(SIGKILL));
    } else {
      CHECK(results[i].value == std::string(1, static_cast<char>('a' + i)));
    }
  }
  CHECK(failed <= 1); // the task handed to the dead worker, if it got one
  const auto pids = pool.worker_pids();
  CHECK(pids.size() == 2);
  CHECK(std::find(pids.begin(), pids.end(), victim) == pids.end());
  CHECK(reaped(victim));
  CHECK(workbook::testing::open_descriptors().size() == running);
  const auto again = pool.map({"x", "y"});
  CHECK(again[0].value == "x");
  CHECK(again[1].value == "y");
}

TEST_CASE("a replacement worker does not inherit the pool's SIGPIPE block", "[process_pool]") {
  // map() blocks SIGPIPE for its own writes; a worker forked inside map()
  // gets that mask unless it restores the pool's.
  ProcessPool pool(1, crashing);
  CHECK(pool.map({"mask"})[0].value == "SIGPIPE unblocked");
  CHECK(pool.map({"die"})[0].error == killed_by(SIGKILL));
  CHECK(pool.map({"mask"})[0].value == "SIGPIPE unblocked");
}
