// Hidden tests for exercises/01-gil/gil.hpp. The explored cases come first:
// each runs a small scenario under every schedule within the explorer's
// bounds and names a broken rule by the schedule that breaks it. The
// real-thread cases after them run the same rules at full speed, on real
// threads, where ThreadSanitizer watches the plain fields.
#include "gil.hpp"
#include "catch.hpp"
#include "instrumented_sync.hpp"

#include <sim/catch_sim.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using workbook::gil::Gil;
namespace sim = workbook::sim;
using SimGil = Gil<sim::sync>;
using namespace std::chrono_literals;

namespace {

// A condition variable that wakes up spuriously on every other wait, as the
// standard allows any condition variable to do ([thread.condition]): a wait
// that is not in a loop re-checking its condition breaks at once.
// How many waits have returned spuriously so far (all instances).
std::atomic<int> spurious_wakeups{0};

class SpuriousConditionVariable {
public:
  template <class Lock> void wait(Lock& lock) {
    if (flip_.fetch_xor(1) == 0) {
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
      ++spurious_wakeups; // counted with the lock held again, just before returning
      return;
    }
    inner_.wait(lock);
  }
  template <class Lock, class Predicate> void wait(Lock& lock, Predicate ready) {
    while (!ready()) {
      wait(lock);
    }
  }
  template <class Lock, class Clock, class Duration>
  std::cv_status wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline) {
    if (flip_.fetch_xor(1) == 0) {
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
      ++spurious_wakeups;
      return Clock::now() < deadline ? std::cv_status::no_timeout : std::cv_status::timeout;
    }
    return inner_.wait_until(lock, deadline);
  }
  void notify_one() noexcept { inner_.notify_one(); }
  void notify_all() noexcept { inner_.notify_all(); }

private:
  std::condition_variable_any inner_;
  std::atomic<unsigned> flip_{0};
};

// The standard policy with that condition variable.
struct SpuriousSync : workbook::std_sync {
  using condition_variable = SpuriousConditionVariable;
  using condition_variable_any = SpuriousConditionVariable;
};

// A simulated thread for the scenarios. If an exception unwinds the scenario
// while the thread is still joinable, it is detached instead of destroyed
// joinable, so that the verdict is the exception (see sim::failing_on_exception), not the
// std::terminate that destroying a joinable thread would mean.
class Thread {
public:
  template <class F, class... Args>
  explicit Thread(F&& f, Args&&... args) : thread_(std::forward<F>(f), std::forward<Args>(args)...) {}
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;
  ~Thread() {
    if (thread_.joinable() && std::uncaught_exceptions() > 0) {
      thread_.detach();
    }
  }
  void join() { thread_.join(); }

private:
  sim::sync::thread thread_;
};

// Spins (yielding) until `ready()`; the watchdog ends a test that waits forever.
template <class Predicate> void wait_until(Predicate ready) {
  while (!ready()) {
    std::this_thread::yield();
  }
}

// Runs `bytecodes` steps on the GIL: each step enters a region that only one
// thread may be in, bumps a counter that only the GIL protects, and checks.
template <class G> struct Interpreter {
  G gil;
  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};
  long unprotected_counter = 0; // deliberately not atomic: the GIL protects it

  void run(int bytecodes) {
    gil.acquire();
    for (int i = 0; i < bytecodes; ++i) {
      const int now = ++inside;
      int seen = most_inside.load();
      while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
      }
      ++unprotected_counter;
      --inside;
      gil.check();
    }
    gil.release();
  }
};

} // namespace

// Explored: each scenario runs under every schedule within the explorer's
// bounds (two preemptions, one spurious wakeup, unless a case says
// otherwise), on the simulated policy. Plain fields of a scenario need no
// lock: one simulated thread runs at a time, and the scheduler switches only
// at operations of the policy. Each case explores first, then asserts, so
// that Catch2 is only ever called from the test's own thread.

TEST_CASE("explored: no two threads ever hold the GIL at once", "[gil][explored]") {
  const auto result = sim::explore(
      {}, sim::failing_on_exception([] {
        SimGil gil;
        int inside = 0; // threads running bytecodes now, by their own count
        auto interpreter = [&] {
          gil.acquire();
          sim::note("holds the GIL");
          for (int bytecode = 0; bytecode < 2; ++bytecode) {
            ++inside;
            const bool mine = gil.holder() == sim::sync::this_thread::get_id(); // a scheduling point
            sim::check(mine, "holder() names another thread while this one runs bytecodes after acquire()");
            sim::check(inside == 1,
                       "two threads run bytecodes at once: both returned from acquire() or check()");
            --inside;
            gil.check();
          }
          gil.release();
        };
        sim::name_next_thread("other");
        Thread other(interpreter);
        interpreter();
        other.join();
        sim::check(!gil.holder().has_value(), "holder() names a thread after both have released the GIL");
      }));
  WORKBOOK_CHECK_EXPLORED(result);
}

TEST_CASE("explored: acquire by the thread that holds the GIL throws instead of waiting for itself",
          "[gil][explored]") {
  const auto result = sim::explore(
      {}, sim::failing_on_exception([] {
        SimGil gil;
        gil.acquire();
        bool threw = false;
        try {
          gil.acquire();
        } catch (const std::logic_error&) {
          threw = true;
        }
        sim::check(threw, "a second acquire() by the holder returned instead of throwing std::logic_error");
        sim::check(gil.holder() == sim::sync::this_thread::get_id(),
                   "the failed acquire() gave the GIL away");
        gil.release();
      }));
  WORKBOOK_CHECK_EXPLORED(result);
}

TEST_CASE("explored: a waiter that set the drop request gets the GIL at the holder's next check",
          "[gil][explored]") {
  const auto result = sim::explore(
      {}, sim::failing_on_exception([] {
        SimGil gil;
        gil.acquire();
        bool waiter_had_it = false;
        sim::name_next_thread("waiter");
        Thread waiter([&] {
          gil.acquire();
          sim::note("holds the GIL");
          waiter_had_it = true;
          gil.release();
        });
        // A few bytecodes while the waiter may or may not have asked yet: every
        // check made while a drop was requested must hand the GIL over.
        for (int bytecode = 0; bytecode < 3 && !waiter_had_it; ++bytecode) {
          const bool asked = gil.drop_requested();
          gil.check();
          sim::check(
              !asked || waiter_had_it,
              "check() was called while a drop was requested and returned before the waiter had the GIL");
        }
        if (!waiter_had_it) {
          sim::await_blocked(1); // the waiter waits for the GIL now
          sim::check(gil.drop_requested(), "a thread waits in acquire() without setting the drop request");
          gil.check();
          sim::check(
              waiter_had_it,
              "check() was called while a drop was requested and returned before the waiter had the GIL");
        }
        sim::check(gil.holder() == sim::sync::this_thread::get_id(), "check() returned without the GIL");
        sim::check(gil.switches() == 3,
                   "switches() is not 3 after main, the waiter and main again took the GIL");
        gil.release();
        waiter.join();
      }));
  WORKBOOK_CHECK_EXPLORED(result);
}

TEST_CASE("explored: the drop request stays set while any thread waits", "[gil][explored]") {
  // Two waiters: the first to take the GIL must still see the request (the
  // second waits), the second must not (nobody is left waiting).
  // Three threads: one preemption per schedule keeps the tree small enough
  // to exhaust.
  sim::Options three_threads;
  three_threads.preemption_bound = 1;
  const auto two_waiters = sim::explore(
      three_threads, sim::failing_on_exception([] {
        SimGil gil;
        gil.acquire();
        int takers = 0;
        auto waiter = [&] {
          gil.acquire();
          sim::note("holds the GIL");
          ++takers;
          const bool requested = gil.drop_requested();
          if (takers == 1) {
            sim::check(requested,
                       "the drop request was cleared while another thread still waits for the GIL");
          } else {
            sim::check(!requested, "the drop request is still set although no thread waits any more");
          }
          gil.release();
        };
        sim::name_next_thread("first");
        Thread first(waiter);
        sim::name_next_thread("second");
        Thread second(waiter);
        sim::await_blocked(2);
        sim::check(gil.drop_requested(), "two threads wait in acquire() and the drop request is not set");
        gil.release();
        first.join();
        second.join();
        sim::check(!gil.drop_requested(),
                   "the drop request is still set after every thread has released the GIL");
      }));
  WORKBOOK_CHECK_EXPLORED(two_waiters);
  // The thread that handed the GIL over in check() waits for it again as a
  // waiter, so the new holder must see the request and hand it back.
  const auto dropper_waits = sim::explore(
      {}, sim::failing_on_exception([] {
        SimGil gil;
        gil.acquire();
        bool handed_back = false;
        sim::name_next_thread("other");
        Thread other([&] {
          gil.acquire();
          sim::note("holds the GIL");
          sim::await_blocked(1); // main, waiting in its check() to get the GIL back
          sim::check(
              gil.drop_requested(),
              "the thread that handed the GIL over in check() waits for it back without setting the drop "
              "request");
          gil.check();
          handed_back = true;
          gil.release();
        });
        sim::await_blocked(1); // "other" waits for the GIL
        gil.check();
        sim::note("holds the GIL again");
        sim::check(gil.holder() == sim::sync::this_thread::get_id(), "check() returned without the GIL");
        sim::check(!handed_back, "the other thread's check() returned while main holds the GIL");
        sim::check(gil.switches() == 3,
                   "switches() is not 3 after main, the other thread and main again took the GIL");
        gil.release();
        other.join();
        sim::check(handed_back, "the other thread did not finish its check()");
      }));
  WORKBOOK_CHECK_EXPLORED(dropper_waits);
}

TEST_CASE("explored: no waiter starves while the holder runs bytecodes", "[gil][explored]") {
  // The holder runs bytecodes, stepping aside between them (a yield), until
  // both waiters have had the GIL twice. A GIL that ignores the drop
  // request, or lets the thread that drops it take it straight back, keeps
  // the waiters out for all the holder's checks. Three threads: one
  // preemption per schedule keeps the tree small enough to exhaust, and
  // starving a waiter needs none.
  sim::Options options;
  options.preemption_bound = 1;
  const auto result = sim::explore(
      options, sim::failing_on_exception([] {
        constexpr int kTurns = 2;
        // A GIL that hands over at every check made while a drop is requested
        // gives a turn per such check: 4 of them at most, and 10 checks leave
        // room for the ones made before a waiter has asked.
        constexpr int kChecks = 10;
        SimGil gil;
        gil.acquire();
        int turns = 0;
        auto waiter = [&] {
          for (int turn = 0; turn < kTurns; ++turn) {
            gil.acquire();
            sim::note("holds the GIL");
            ++turns;
            gil.release();
          }
        };
        sim::name_next_thread("waiter 1");
        Thread first(waiter);
        sim::name_next_thread("waiter 2");
        Thread second(waiter);
        for (int checks = 0; checks < kChecks && turns < 2 * kTurns; ++checks) {
          sim::sync::this_thread::yield();
          gil.check();
        }
        sim::check(
            turns == 2 * kTurns,
            "after 10 checks by the holder, the two waiters have not had their 2 turns each: they starve");
        gil.release();
        first.join();
        second.join();
      }));
  WORKBOOK_CHECK_EXPLORED(result);
}

TEST_CASE("explored: the drop request comes one switch interval after the wait began on the virtual clock",
          "[gil][explored]") {
  using sim::clock;
  using sim::sync;
  // A 5 ms switch interval. The waiter starts waiting at 2 ms, so it asks at
  // 7 ms; main, having handed the GIL over at 7.001 ms, waits as a waiter
  // and asks at 12.001 ms. Each side looks just before and just after. A
  // spurious wakeup the explorer injects half way through a wait must not
  // restart the interval.
  const auto one_waiter = sim::explore(
      {}, sim::failing_on_exception([] {
        const auto start = clock::now();
        SimGil gil(5ms);
        gil.acquire();
        clock::time_point waiter_took{};
        sim::name_next_thread("waiter");
        Thread waiter([&] {
          sync::this_thread::sleep_until(start + 2ms);
          gil.acquire(); // asks at 7 ms, gets the GIL at main's check at 7.001 ms
          sim::note("holds the GIL");
          waiter_took = clock::now();
          sync::this_thread::sleep_until(start + 12ms);
          sim::check(!gil.drop_requested(), "the thread that handed over in check() set the drop request "
                                            "before its switch interval was over");
          sync::this_thread::sleep_until(start + 12ms + 2us);
          sim::check(
              gil.drop_requested(),
              "the thread that handed over in check() has waited its switch interval and not set the drop "
              "request");
          gil.check();
          gil.release();
        });
        sync::this_thread::sleep_until(start + 7ms - 1us);
        sim::check(!gil.drop_requested(),
                   "the waiter set the drop request before its switch interval was over");
        sync::this_thread::sleep_until(start + 7ms + 1us);
        sim::check(gil.drop_requested(),
                   "the waiter has waited its switch interval and not set the drop request");
        gil.check();
        sim::check(waiter_took == start + 7ms + 1us,
                   "the waiter did not take the GIL at the check at 7.001 ms");
        sim::check(clock::now() == start + 12ms + 2us,
                   "check() did not return when the waiter handed the GIL back");
        gil.release();
        waiter.join();
      }));
  WORKBOOK_CHECK_EXPLORED(one_waiter);
  // Two waiters, from 0 ms and from 1 ms. At main's check at 5.001 ms one of
  // them takes the GIL; the other, and main, now wait for a new holder, so
  // their intervals start again there: the request comes at 10.001 ms.
  // Three threads again: one preemption per schedule, and no spurious
  // wakeups (the case above has them).
  sim::Options options;
  options.preemption_bound = 1;
  options.spurious_wakeups = 0;
  const auto new_holder = sim::explore(
      options, sim::failing_on_exception([] {
        const auto start = clock::now();
        SimGil gil(5ms);
        gil.acquire();
        bool taken = false;
        auto waiter = [&](clock::duration arrives) {
          sync::this_thread::sleep_until(start + arrives);
          gil.acquire();
          sim::note("holds the GIL");
          if (!taken) {
            taken = true;
            sync::this_thread::sleep_until(start + 10ms);
            sim::check(
                !gil.drop_requested(),
                "a waiter set the drop request before a switch interval had passed since the GIL changed "
                "hands");
            sync::this_thread::sleep_until(start + 10ms + 2us);
            sim::check(gil.drop_requested(),
                       "a switch interval has passed since the GIL changed hands and no "
                       "waiter has set the drop request");
          }
          gil.release();
        };
        sim::name_next_thread("waiter 1");
        Thread first(waiter, 0ms);
        sim::name_next_thread("waiter 2");
        Thread second(waiter, 1ms);
        sync::this_thread::sleep_until(start + 5ms + 1us);
        gil.check();
        gil.release();
        first.join();
        second.join();
      }));
  WORKBOOK_CHECK_EXPLORED(new_holder);
}

// Real threads: the same rules at full speed, under ThreadSanitizer too.

TEST_CASE("a lone thread acquires checks and releases without waiting", "[gil]") {
  Gil<> gil;
  CHECK_FALSE(gil.holder().has_value());
  CHECK_FALSE(gil.drop_requested());
  gil.acquire();
  CHECK(gil.holder() == std::this_thread::get_id());
  for (int i = 0; i < 100; ++i) {
    gil.check(); // nobody waits: returns at once, still holding
  }
  CHECK(gil.holder() == std::this_thread::get_id());
  CHECK(gil.switches() == 1);
  gil.release();
  CHECK_FALSE(gil.holder().has_value());
  gil.acquire();
  CHECK(gil.switches() == 2);
  gil.release();
}

TEST_CASE("release or check by a thread that does not hold the GIL throws std::logic_error", "[gil]") {
  Gil<> gil;
  CHECK_THROWS_AS(gil.release(), std::logic_error);
  CHECK_THROWS_AS(gil.check(), std::logic_error);
  gil.acquire();
  bool release_threw = false;
  bool check_threw = false;
  std::thread other([&] {
    try {
      gil.release();
    } catch (const std::logic_error&) {
      release_threw = true;
    }
    try {
      gil.check();
    } catch (const std::logic_error&) {
      check_threw = true;
    }
  });
  other.join();
  CHECK(release_threw);
  CHECK(check_threw);
  CHECK(gil.holder() == std::this_thread::get_id()); // still ours
  gil.release();
}

TEST_CASE("a waiter sets the drop request and gets the GIL at the holder's next check", "[gil]") {
  Gil<> gil;
  gil.acquire();
  std::atomic<bool> waiter_holds{false};
  std::atomic<bool> waiter_done{false};
  std::thread waiter([&] {
    gil.acquire();
    waiter_holds = true;
    gil.release();
    waiter_done = true;
  });
  // The waiter cannot get the GIL, so it must ask for it.
  wait_until([&] { return gil.drop_requested(); });
  CHECK_FALSE(waiter_holds.load());
  gil.check(); // one check: the holder must hand over here
  // Forced switching: check() returned only after the waiter had the GIL.
  CHECK(waiter_holds.load());
  CHECK(gil.holder() == std::this_thread::get_id());
  CHECK(gil.switches() == 3); // us, the waiter, us again
  gil.release();
  waiter.join();
  CHECK(waiter_done.load());
}

TEST_CASE("check hands over only when asked and the holder keeps running otherwise", "[gil]") {
  Gil<> gil;
  gil.acquire();
  std::latch started(1);
  std::atomic<bool> stop{false};
  std::thread bystander([&] {
    started.count_down();
    wait_until([&] { return stop.load(); }); // never asks for the GIL
  });
  started.wait();
  for (int i = 0; i < 1000; ++i) {
    gil.check();
  }
  CHECK(gil.switches() == 1);
  CHECK(gil.holder() == std::this_thread::get_id());
  stop = true;
  bystander.join();
  gil.release();
}

TEST_CASE("no two threads ever hold the GIL at once", "[gil]") {
  Interpreter<Gil<>> interpreter;
  constexpr int kThreads = 4;
  constexpr int kBytecodes = 3000;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] { interpreter.run(kBytecodes); });
    }
  }
  CHECK(interpreter.most_inside.load() == 1);
  CHECK(interpreter.unprotected_counter == kThreads * kBytecodes);
  CHECK_FALSE(interpreter.gil.holder().has_value());
}

TEST_CASE("a waiter woken spuriously keeps waiting while the GIL is held", "[gil]") {
  // The first wait of a waiter returns at once, with no notify and the GIL
  // still held here: a waiter that does not re-check takes the GIL anyway.
  Gil<SpuriousSync> gil;
  spurious_wakeups = 0;
  gil.acquire();
  std::atomic<int> turns{0};
  std::vector<std::jthread> waiters;
  for (int w = 0; w < 2; ++w) {
    waiters.emplace_back([&] {
      gil.acquire();
      ++turns;
      gil.release();
    });
  }
  // A waiter that went on after its spurious wakeup did so while holding the
  // GIL's mutex, so holder() below sees what it did.
  wait_until([] { return spurious_wakeups.load() >= 1; });
  CHECK(gil.holder() == std::this_thread::get_id());
  CHECK(turns.load() == 0);
  gil.release();
  waiters.clear(); // join: both waiters get their turn once the GIL is free
  CHECK(turns.load() == 2);
}

TEST_CASE("waits survive spurious wakeups", "[gil]") {
  Interpreter<Gil<SpuriousSync>> interpreter;
  constexpr int kThreads = 3;
  constexpr int kBytecodes = 2000;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] { interpreter.run(kBytecodes); });
    }
  }
  CHECK(interpreter.most_inside.load() == 1);
  CHECK(interpreter.unprotected_counter == kThreads * kBytecodes);
}

TEST_CASE("a busy holder cannot starve the waiting threads", "[gil]") {
  // The holder runs bytecodes until both others have had the GIL five times.
  // Only the checks made while a waiter asks for the GIL count against it
  // (how many checks run before the waiters even start is up to the
  // scheduler): a GIL that hands over needs one such check per turn; one
  // that ignores drop requests piles them up, and one that never raises a
  // request keeps the waiters out until the watchdog ends the test.
  Gil<> gil;
  constexpr int kTurns = 5;
  constexpr long kIgnoredRequests = 100'000;
  std::atomic<int> turns_taken{0};
  long checks_with_request = 0;
  gil.acquire();
  std::vector<std::jthread> waiters;
  for (int w = 0; w < 2; ++w) {
    waiters.emplace_back([&] {
      for (int turn = 0; turn < kTurns; ++turn) {
        gil.acquire();
        ++turns_taken;
        gil.release();
      }
    });
  }
  while (turns_taken.load() < 2 * kTurns && checks_with_request < kIgnoredRequests) {
    if (gil.drop_requested()) {
      ++checks_with_request;
    }
    gil.check();
  }
  gil.release();
  waiters.clear(); // join
  INFO("the holder passed " << checks_with_request
                            << " checks while a waiter asked for the GIL; the waiters got "
                            << turns_taken.load() << " of " << 2 * kTurns << " turns");
  CHECK(turns_taken.load() == 2 * kTurns);
  CHECK(checks_with_request < kIgnoredRequests);
}

TEST_CASE("acquire by the thread that holds the GIL throws std::logic_error", "[gil]") {
  Gil<> gil;
  gil.acquire();
  CHECK_THROWS_AS(gil.acquire(), std::logic_error);
  CHECK(gil.holder() == std::this_thread::get_id());
  CHECK(gil.switches() == 1);
  gil.release();
  CHECK_FALSE(gil.drop_requested());
}

TEST_CASE("the thread that handed over in check waits as a waiter and gets the GIL back", "[gil]") {
  // After the handover the new holder must see a drop request: the thread
  // that dropped the GIL in check() waits for it again like any waiter. One
  // that waits without asking leaves the new holder running for ever with
  // nobody asking it to stop. The five-second wait is a backstop for a
  // request that never comes, not a measurement.
  Gil<> gil;
  gil.acquire();
  std::atomic<bool> asked_back{false};
  std::atomic<bool> handed_back{false};
  std::thread other([&] {
    gil.acquire();
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!gil.drop_requested() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
    }
    asked_back = gil.drop_requested();
    gil.check(); // hands the GIL back to the thread waiting in check()
    handed_back = true;
    gil.release();
  });
  wait_until([&] { return gil.drop_requested(); });
  gil.check();
  // check() returned: we hold the GIL again, and the other thread, which is
  // waiting inside its own check(), has not returned from it.
  CHECK(gil.holder() == std::this_thread::get_id());
  CHECK_FALSE(handed_back.load());
  INFO("while the other thread held the GIL after the handover, drop_requested() "
       << (asked_back.load() ? "became true" : "stayed false: the thread in check() waited without asking"));
  CHECK(asked_back.load());
  CHECK(gil.switches() == 3); // us, the other thread, us again
  gil.release();
  other.join();
  CHECK(handed_back.load());
  CHECK(gil.switches() == 4);
}

TEST_CASE("the drop request stays set while a thread still waits and is cleared when none does", "[gil]") {
  // Two waiters block while we hold the GIL; we release. The first to take
  // it must still see the request (the second waits); the second must not
  // (nobody is left waiting). A GIL that clears the request on every take,
  // or never clears it, gets one of them wrong.
  using workbook::testing::InstrumentedSync;
  using workbook::testing::WaitStats;
  WaitStats::reset();
  Gil<InstrumentedSync> gil;
  gil.acquire();
  std::vector<int> seen; // guarded by the GIL itself: written only by its holder
  std::vector<std::jthread> waiters;
  for (int w = 0; w < 2; ++w) {
    waiters.emplace_back([&] {
      gil.acquire();
      seen.push_back(gil.drop_requested() ? 1 : 0);
      gil.release();
    });
  }
  WaitStats::wait_until_blocked(2); // both are waiting for the GIL
  CHECK(gil.drop_requested());
  gil.release();
  waiters.clear(); // join
  INFO("drop_requested() seen by the first and the second taker (1 = set)");
  CHECK(seen == std::vector<int>{1, 0});
  CHECK_FALSE(gil.drop_requested());
  CHECK(gil.switches() == 3);
}
