// The schedule explorer's own tests: the classic wrong implementations are
// each found with the verdict that names their bug, and correct ones are
// never flagged at the default bound.
#include <sim/sim.hpp>

#include <catch.hpp>

#include <chrono>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace sim = workbook::sim;
using namespace std::chrono_literals;
using Sync = sim::sync;
using Lock = std::unique_lock<Sync::mutex>;

namespace {

// A one-shot handoff: `give` sets the flag, `take` waits for it.
template <bool NotifyFirst, bool LoopOnPredicate> struct Handoff {
  Sync::mutex mutex;
  Sync::condition_variable ready_cv;
  bool ready = false;

  void give() {
    if constexpr (NotifyFirst) {
      ready_cv.notify_one(); // wrong: before the state change
      Lock lock(mutex);
      ready = true;
    } else {
      Lock lock(mutex);
      ready = true;
      lock.unlock();
      ready_cv.notify_one();
    }
  }
  void take() {
    Lock lock(mutex);
    if constexpr (LoopOnPredicate) {
      while (!ready) {
        ready_cv.wait(lock);
      }
    } else if (!ready) { // wrong: one wakeup is taken as proof
      ready_cv.wait(lock);
    }
    sim::check(ready, "take() returned while nothing was given");
  }
};

template <class H> sim::Result explore_handoff() {
  return sim::explore({}, [] {
    H handoff;
    Sync::thread taker([&] { handoff.take(); });
    handoff.give();
    taker.join();
  });
}

// Waits for `ready` for at most `timeout`; returns when it came, and checks
// the time it returned at.
template <bool RestartDeadline> bool timed_take(Handoff<false, true>& h, std::chrono::milliseconds timeout) {
  Lock lock(h.mutex);
  const auto start = Sync::clock::now();
  auto deadline = start + timeout;
  while (!h.ready) {
    if (h.ready_cv.wait_until(lock, deadline) == std::cv_status::timeout) {
      break;
    }
    if constexpr (RestartDeadline) {
      deadline = Sync::clock::now() + timeout; // wrong: a spurious wakeup buys more time
    }
  }
  if (!h.ready) {
    sim::check(Sync::clock::now() == start + timeout, "a timed wait gave up at its deadline, not later");
  }
  return h.ready;
}

} // namespace

TEST_CASE("sim: a correct handoff passes every schedule", "[sim]") {
  const auto result = explore_handoff<Handoff<false, true>>();
  INFO(result.report());
  CHECK(result.passed());
  CHECK(result.exhausted);
  CHECK(result.executions > 1);
}

TEST_CASE("sim: a notify before the state change is a deadlock", "[sim]") {
  const auto result = explore_handoff<Handoff<true, true>>();
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::deadlock);
  CHECK(result.headline.find("is blocked in a wait on condition_variable 1") != std::string::npos);
  CHECK(result.trace.find("notify_one condition_variable 1: nobody waits") != std::string::npos);
}

TEST_CASE("sim: if instead of while returns for nothing after a spurious wakeup", "[sim]") {
  const auto result = explore_handoff<Handoff<false, false>>();
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::check_failed);
  CHECK(result.headline.find("take() returned while nothing was given") != std::string::npos);
  CHECK(result.trace.find("wakes up spuriously") != std::string::npos);
}

TEST_CASE("sim: two locks taken in opposite orders deadlock", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex a;
    Sync::mutex b;
    Sync::thread other([&] {
      std::scoped_lock<Sync::mutex> first(b);
      std::scoped_lock<Sync::mutex> second(a);
    });
    {
      std::scoped_lock<Sync::mutex> first(a);
      std::scoped_lock<Sync::mutex> second(b);
    }
    other.join();
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::deadlock);
  CHECK(result.headline.find("is blocked in lock(mutex 1), held by") != std::string::npos);
  CHECK(result.headline.find("is blocked in lock(mutex 2), held by") != std::string::npos);
}

TEST_CASE("sim: locks taken in one order never deadlock", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex a;
    Sync::mutex b;
    Sync::thread other([&] {
      std::scoped_lock<Sync::mutex> first(a);
      std::scoped_lock<Sync::mutex> second(b);
    });
    {
      std::scoped_lock<Sync::mutex> first(a);
      std::scoped_lock<Sync::mutex> second(b);
    }
    other.join();
  });
  INFO(result.report());
  CHECK(result.passed());
  CHECK(result.exhausted);
}

TEST_CASE("sim: a timed wait returns exactly at its virtual deadline", "[sim]") {
  bool timed_out_seen = false;
  bool given_seen = false;
  const auto result = sim::explore({}, [&] {
    Handoff<false, true> handoff;
    Sync::thread giver([&] {
      Sync::this_thread::sleep_for(20ms);
      handoff.give();
    });
    const bool got = timed_take<false>(handoff, 10ms);
    (got ? given_seen : timed_out_seen) = true;
    giver.join();
    sim::check(Sync::clock::now() == Sync::clock::time_point(20ms), "the giver slept exactly 20 ms");
  });
  INFO(result.report());
  CHECK(result.passed());
  CHECK(timed_out_seen);
}

TEST_CASE("sim: a deadline restarted after a spurious wakeup returns late", "[sim]") {
  const auto result = sim::explore({}, [] {
    Handoff<false, true> handoff;
    timed_take<true>(handoff, 10ms);
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::check_failed);
  CHECK(result.headline.find("gave up at its deadline") != std::string::npos);
  CHECK(result.trace.find("wakes up spuriously") != std::string::npos);
}

TEST_CASE("sim: notify_one where every waiter must wake leaves one asleep", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex mutex;
    Sync::condition_variable open_cv;
    bool open = false;
    auto waiter = [&] {
      Lock lock(mutex);
      open_cv.wait(lock, [&] { return open; });
    };
    Sync::thread first(waiter);
    Sync::thread second(waiter);
    {
      Lock lock(mutex);
      open = true;
    }
    open_cv.notify_one(); // wrong: both wait for the same thing
    first.join();
    second.join();
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::deadlock);
}

TEST_CASE("sim: a busy wait exceeds the step budget", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::atomic<bool> done{false};
    Sync::thread spinner([&] {
      while (!done.load()) {
        // wrong: polls instead of waiting
      }
    });
    Sync::mutex mutex;
    Sync::condition_variable never;
    Lock lock(mutex);
    never.wait_for(lock, 1h); // the main thread is slow to say "done"
    done = true;
    lock.unlock();
    spinner.join();
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::step_budget);
  CHECK(result.headline.find("busy wait") != std::string::npos);
}

TEST_CASE("sim: a spin loop that yields passes", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::atomic<bool> done{false};
    Sync::thread spinner([&] {
      while (!done.load()) {
        Sync::this_thread::yield();
      }
    });
    done = true;
    spinner.join();
  });
  INFO(result.report());
  CHECK(result.passed());
}

TEST_CASE("sim: an exception escaping a thread is reported with its message", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::thread thrower([] { throw std::runtime_error("boom in a worker"); });
    thrower.join();
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::exception);
  CHECK(result.headline.find("boom in a worker") != std::string::npos);
}

TEST_CASE("sim: a thread left running when the scenario ends is reported", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex mutex;
    mutex.lock();
    Sync::thread waiter([&] {
      mutex.lock();
      mutex.unlock();
    });
    waiter.detach();
    Sync::this_thread::yield();
    mutex.unlock();
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::still_running);
}

TEST_CASE("sim: an unlock by a thread that does not hold the mutex is reported", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex mutex;
    mutex.lock();
    Sync::thread other([&] { mutex.unlock(); });
    other.join();
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::misuse);
  CHECK(result.headline.find("which \"main\" holds") != std::string::npos);
}

TEST_CASE("sim: a deadline on the real clock is reported", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex mutex;
    Sync::condition_variable cv;
    Lock lock(mutex);
    cv.wait_until(lock, std::chrono::steady_clock::now() + 1ms);
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::misuse);
  CHECK(result.headline.find("std::chrono::steady_clock") != std::string::npos);
}

TEST_CASE("sim: a replay token runs the same schedule again", "[sim]") {
  const auto first = explore_handoff<Handoff<true, true>>();
  REQUIRE_FALSE(first.passed());
  sim::Options replay;
  replay.replay = first.token;
  const auto again = sim::explore(replay, [] {
    Handoff<true, true> handoff;
    Sync::thread taker([&] { handoff.take(); });
    handoff.give();
    taker.join();
  });
  CHECK(again.executions == 1);
  CHECK(again.verdict == first.verdict);
  CHECK(again.trace.substr(again.trace.find('\n')) == first.trace.substr(first.trace.find('\n')));
}

TEST_CASE("sim: random mode finds the lost wakeup too", "[sim]") {
  sim::Options random;
  random.random_executions = 200;
  random.seed = 7;
  const auto result = sim::explore(random, [] {
    Handoff<true, true> handoff;
    Sync::thread taker([&] { handoff.take(); });
    handoff.give();
    taker.join();
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::deadlock);
}

TEST_CASE("sim: a wait until a deadline that has passed returns timeout with the lock held", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex mutex;
    Sync::condition_variable cv;
    Lock lock(mutex);
    Sync::this_thread::sleep_for(2ms);
    const auto status = cv.wait_until(lock, Sync::clock::time_point(1ms));
    sim::check(status == std::cv_status::timeout, "a deadline in the past times out");
    sim::check(lock.owns_lock(), "the lock is held again");
    sim::check(!cv.wait_for(lock, 0ms, [] { return false; }), "a zero timeout returns the predicate");
  });
  INFO(result.report());
  CHECK(result.passed());
}

TEST_CASE("sim: a stop request wakes a wait with the stop token at once in every schedule", "[sim]") {
  bool stop_came_first = false; // the stop was requested before the wait began
  bool stop_came_later = false; // ... or while it waited
  const auto result = sim::explore({}, [&] {
    Sync::mutex mutex;
    Sync::condition_variable_any wake;
    Sync::jthread worker([&](std::stop_token stop) {
      Lock lock(mutex);
      (stop.stop_requested() ? stop_came_first : stop_came_later) = true;
      const bool ready = wake.wait_for(lock, stop, 1h, [] { return false; });
      sim::check(!ready, "the predicate never holds");
      sim::check(stop.stop_requested(), "the wait returned because of the stop");
      sim::check(Sync::clock::now() == Sync::clock::time_point(0ms), "the stop ended the wait at once");
    });
    worker.request_stop();
    worker.join();
  });
  INFO(result.report());
  CHECK(result.passed());
  CHECK(result.exhausted);
  CHECK(stop_came_first);
  CHECK(stop_came_later);
}

TEST_CASE("sim: a wait with a stop token returns true when its predicate holds", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex mutex;
    Sync::condition_variable_any wake;
    bool ready = false;
    Sync::jthread worker([&](std::stop_token stop) {
      Lock lock(mutex);
      sim::check(wake.wait(lock, stop, [&] { return ready; }), "woken by the notify, not by a stop");
      sim::check(wake.wait_until(lock, stop, Sync::clock::now() + 5ms, [&] { return ready; }),
                 "the predicate holds at once");
      sim::check(!wake.wait_for(lock, stop, 5ms, [] { return false; }), "a timeout returns the predicate");
      sim::check(Sync::clock::now() == Sync::clock::time_point(5ms), "the wait ended at its deadline");
    });
    {
      Lock lock(mutex);
      ready = true;
    }
    wake.notify_one();
    worker.join();
  });
  INFO(result.report());
  CHECK(result.passed());
}

TEST_CASE("sim: a wait without the stop token sleeps through a stop", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex mutex;
    Sync::condition_variable_any wake;
    Sync::jthread worker([&](std::stop_token stop) {
      Lock lock(mutex);
      if (!stop.stop_requested()) {
        wake.wait_for(lock, 1h); // wrong: nothing wakes it on a stop
      }
      sim::check(Sync::clock::now() == Sync::clock::time_point(0ms), "the stop ended the wait at once");
    });
    worker.request_stop();
    worker.join();
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::check_failed);
  CHECK(result.trace.find("request_stop \"thread 1\"") != std::string::npos);
  CHECK(result.headline.find("the stop ended the wait at once") != std::string::npos);
}

TEST_CASE("sim: a stop callback that notifies without the mutex loses the wakeup in some schedule", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex mutex;
    Sync::condition_variable wake;
    Sync::jthread worker([&](std::stop_token stop) {
      // wrong: the stop can come between the check and the wait, and the
      // callback's notify then finds nobody waiting
      std::stop_callback on_stop(stop, [&] { wake.notify_all(); });
      Lock lock(mutex);
      while (!stop.stop_requested()) {
        wake.wait(lock);
      }
    });
    worker.request_stop();
    worker.join();
  });
  INFO(result.report());
  CHECK(result.verdict == sim::Verdict::deadlock);
  CHECK(result.trace.find("notify_all condition_variable 1: nobody waits") != std::string::npos);
}

TEST_CASE("sim: a stop callback that takes the mutex to notify never loses the wakeup", "[sim]") {
  const auto result = sim::explore({}, [] {
    Sync::mutex mutex;
    Sync::condition_variable wake;
    Sync::jthread worker([&](std::stop_token stop) {
      std::stop_callback on_stop(stop, [&] {
        Lock lock(mutex); // the stop is set before, and seen after, the worker's check-and-wait
        wake.notify_all();
      });
      Lock lock(mutex);
      while (!stop.stop_requested()) {
        wake.wait(lock);
      }
    });
    worker.request_stop();
    worker.join();
  });
  INFO(result.report());
  CHECK(result.passed());
  CHECK(result.exhausted);
}

// Run by CheckRunner.cmake: the run must end with kBlockedOutsideExitCode
// and say why (explore never returns from this verdict).
TEST_CASE("sim: a raw std::mutex that blocks ends the run as blocked outside the scheduler",
          "[sim][ends-run]") {
  static std::mutex raw; // not the policy's: the scheduler cannot see who waits for it
  sim::Options options;
  options.blocked_outside_after = 300ms;
  const auto result = sim::explore(options, [] {
    Sync::thread holder([] {
      std::lock_guard hold(raw);
      Sync::this_thread::yield(); // parked by the scheduler while holding the raw mutex
    });
    Sync::this_thread::yield();
    std::lock_guard wait(raw); // blocks for real: the holder never gets the baton back
    holder.join();
  });
  FAIL("explore returned: " << result.report());
}
