// Hidden tests for the as_completed exercise. The tasks finish in an order
// the test chooses, by opening one gate at a time; nothing sleeps.
#include "as_completed.hpp"
#include "thread_states.hpp"

#include <catch.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using workbook::testing::blocked_in;
using workbook::testing::BlockedIn;
using workbook::threads::AsCompleted;

namespace {

struct Gates {
  explicit Gates(std::size_t count) : openers(count) {
    for (auto& opener : openers) {
      opened.push_back(opener.get_future().share());
    }
  }
  void open(std::size_t i) { openers[i].set_value(); }
  std::vector<std::promise<void>> openers;
  std::vector<std::shared_future<void>> opened;
};

bool ready(const std::future<int>& future) {
  return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

struct TaskError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The destructor's thread, and whether the destructor has returned; for a
// worker's end-of-thread check (thread_local destructors run on the worker
// as it ends, so they cannot see the test case's locals).
std::atomic<pid_t> destroying_thread{0};
std::atomic<bool> destructor_returned{false};
std::atomic<int> workers_outlived_destructor{0};
std::atomic<int> workers_never_joined{0};
std::atomic<int> workers_ended{0};
std::atomic<bool> first_task_outlived_destructor{false};

// A worker that has outlived the destructor runs on memory the destructor
// freed: it reports (the test case waits for the report) and then parks
// here for good instead of going on into that memory; the process's exit
// ends it.
[[noreturn]] void park_for_good() {
  for (;;) {
    ::pause();
  }
}

// Armed on a worker thread by a task; as the worker ends, waits until the
// destructor is joining it (a correct destructor) or has returned (one that
// detached it). The five-second wait is a backstop for neither, not a
// measurement.
struct EndOfWorker {
  ~EndOfWorker() {
    check();
    ++workers_ended;
  }
  static void check() {
    const auto self = reinterpret_cast<std::uintptr_t>(reinterpret_cast<void*>(::pthread_self()));
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      if (destructor_returned.load()) {
        ++workers_outlived_destructor; // the destructor returned while this thread still ran
        ++workers_ended;
        park_for_good();
      }
      const pid_t destroyer = destroying_thread.load();
      if (destroyer != 0) {
        const BlockedIn now = blocked_in(destroyer);
        if (now.call == SYS_futex && now.first_argument >= self && now.first_argument < self + 4096) {
          return; // the destructor waits in a join of this very thread
        }
      }
      if (std::chrono::steady_clock::now() > give_up) {
        ++workers_never_joined;
        return;
      }
      std::this_thread::yield();
    }
  }
};

} // namespace

TEST_CASE("next returns the tasks in the order they finish", "[as_completed]") {
  constexpr std::size_t kTasks = 5;
  Gates gates(kTasks);
  std::vector<std::function<int()>> tasks;
  for (std::size_t i = 0; i < kTasks; ++i) {
    tasks.emplace_back([&gates, i] {
      gates.opened[i].wait();
      return static_cast<int>(i) * 10;
    });
  }
  AsCompleted<int> completed(std::move(tasks), kTasks);
  // A task can only finish once its gate is open: opening them one at a
  // time fixes the order. An as_completed that waits for the tasks in index
  // order never gets past the first (the watchdog says so).
  std::vector<std::size_t> order;
  for (std::size_t index : {3U, 0U, 4U, 2U, 1U}) {
    gates.open(index);
    auto next = completed.next();
    REQUIRE(next.has_value());
    order.push_back(next->first);
    CHECK(ready(next->second));
    CHECK(next->second.get() == static_cast<int>(next->first) * 10);
  }
  CHECK(order == std::vector<std::size_t>{3, 0, 4, 2, 1});
  CHECK_FALSE(completed.next().has_value());
  CHECK_FALSE(completed.next().has_value());
}

TEST_CASE("the future of a task that threw rethrows its exception", "[as_completed]") {
  Gates gates(2);
  std::vector<std::function<int()>> tasks;
  tasks.emplace_back([&]() -> int {
    gates.opened[0].wait();
    throw TaskError("task 0 failed");
  });
  tasks.emplace_back([&] {
    gates.opened[1].wait();
    return 1;
  });
  AsCompleted<int> completed(std::move(tasks), 2);
  gates.open(1);
  auto first = completed.next();
  REQUIRE(first.has_value());
  CHECK(first->first == 1);
  CHECK(first->second.get() == 1);
  gates.open(0);
  auto second = completed.next();
  REQUIRE(second.has_value());
  CHECK(second->first == 0);
  CHECK(ready(second->second));
  CHECK_THROWS_AS(second->second.get(), TaskError);
  CHECK_FALSE(completed.next().has_value());
}

TEST_CASE("no tasks means nothing to wait for", "[as_completed]") {
  AsCompleted<int> completed({}, 4);
  CHECK_FALSE(completed.next().has_value());
  CHECK_THROWS_AS(AsCompleted<int>({[] { return 1; }}, 0), std::invalid_argument);
}

TEST_CASE("every task runs once on at most threads threads and is returned once", "[as_completed]") {
  constexpr int kTasks = 200;
  constexpr int kThreads = 3;
  std::atomic<int> inside{0};
  std::atomic<int> peak{0};
  std::vector<std::atomic<int>> runs(kTasks);
  std::vector<std::function<int()>> tasks;
  const auto caller = std::this_thread::get_id();
  std::atomic<int> on_caller{0};
  for (int i = 0; i < kTasks; ++i) {
    tasks.emplace_back([&, i] {
      const int now = ++inside;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      on_caller += std::this_thread::get_id() == caller ? 1 : 0;
      ++runs[static_cast<std::size_t>(i)];
      for (int spin = 0; spin < 50; ++spin) {
        std::this_thread::yield();
      }
      --inside;
      return i;
    });
  }
  AsCompleted<int> completed(std::move(tasks), kThreads);
  std::vector<int> returned(kTasks, 0);
  int mismatched = 0;
  while (auto next = completed.next()) {
    ++returned[next->first];
    mismatched += next->second.get() == static_cast<int>(next->first) ? 0 : 1;
  }
  int returned_once = 0;
  int ran_once = 0;
  for (int i = 0; i < kTasks; ++i) {
    returned_once += returned[static_cast<std::size_t>(i)] == 1 ? 1 : 0;
    ran_once += runs[static_cast<std::size_t>(i)].load() == 1 ? 1 : 0;
  }
  CHECK(returned_once == kTasks);
  CHECK(ran_once == kTasks);
  CHECK(mismatched == 0);
  CHECK(on_caller.load() == 0);
  INFO("with " << kThreads << " threads, " << peak.load() << " tasks ran at once");
  CHECK(peak.load() <= kThreads);
}

TEST_CASE("the destructor waits for tasks nobody asked for", "[as_completed]") {
  std::atomic<int> ran{0};
  auto witness = std::make_shared<int>(0);
  std::weak_ptr<int> watch = witness;
  {
    std::vector<std::function<int()>> tasks;
    for (int i = 0; i < 50; ++i) {
      tasks.emplace_back([&ran, witness] { return ++ran; });
    }
    witness.reset();
    AsCompleted<int> completed(std::move(tasks), 2);
    auto one = completed.next(); // take one, leave the rest
    REQUIRE(one.has_value());
  } // joins: no std::terminate, no task cut short
  CHECK(ran.load() == 50);
  CHECK(watch.expired());
}

TEST_CASE("move-only results are handed over", "[as_completed]") {
  std::vector<std::function<std::unique_ptr<std::string>()>> tasks;
  tasks.emplace_back([] { return std::make_unique<std::string>("only"); });
  AsCompleted<std::unique_ptr<std::string>> completed(std::move(tasks), 1);
  auto next = completed.next();
  REQUIRE(next.has_value());
  CHECK(*next->second.get() == "only");
  CHECK_FALSE(completed.next().has_value());
}

TEST_CASE("the destructor joins its threads and runs every task before it returns", "[as_completed]") {
  // One thread. The first task waits until the destructor has begun and is
  // blocked (waiting for the tasks or joining the thread) or has returned,
  // so the other tasks can only start while it is being destroyed, and
  // nobody ever calls next(). As the worker thread ends, it waits until the
  // destructor joins it: a destructor that detached its threads returns
  // first, and the worker sees that it has outlived it.
  destroying_thread = 0;
  destructor_returned = false;
  workers_outlived_destructor = 0;
  workers_never_joined = 0;
  workers_ended = 0;
  std::atomic<int> ran{0};
  std::atomic<bool> destructor_began{false};
  first_task_outlived_destructor = false;
  std::vector<std::function<int()>> tasks;
  tasks.emplace_back([&] {
    thread_local EndOfWorker end_of_worker; // checks, as this thread ends, who waits for it
    static_cast<void>(end_of_worker);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      if (destructor_returned.load()) {
        first_task_outlived_destructor = true;
        park_for_good();
      }
      if (destructor_began.load() && blocked_in(destroying_thread.load()).call == SYS_futex) {
        break; // the destructor waits (for this task or for this thread)
      }
      if (std::chrono::steady_clock::now() > give_up) {
        break; // a backstop: the check as the thread ends still decides
      }
      std::this_thread::yield();
    }
    return ++ran;
  });
  for (int i = 0; i < 3; ++i) {
    tasks.emplace_back([&] { return ++ran; });
  }
  auto completed = std::make_unique<AsCompleted<int>>(std::move(tasks), 1);
  std::thread destroyer([&] {
    destroying_thread = static_cast<pid_t>(::gettid());
    destructor_began = true;
    completed.reset();
    destructor_returned = true;
  });
  destroyer.join();
  // A joined worker has ended by now. A detached one may still be running
  // (on memory the destructor freed): wait, as a backstop, for its verdict.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (workers_ended.load() == 0 && !first_task_outlived_destructor.load() &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  INFO("a destructor that detaches its threads returns while they still run");
  REQUIRE_FALSE(first_task_outlived_destructor.load());
  REQUIRE(workers_ended.load() == 1); // else the worker thread never ended
  CHECK(workers_outlived_destructor.load() == 0);
  INFO("the destructor neither returned nor joined the worker within 5 s");
  CHECK(workers_never_joined.load() == 0);
  INFO("tasks that ran before the destructor returned, of 4");
  CHECK(ran.load() == 4);
}
