// Hidden tests for the periodic_worker exercise. A period of an hour means
// a worker that does not wake up on a stop is caught by the watchdog; the
// tests themselves never sleep.
#include "periodic_worker.hpp"

#include <sim/catch_sim.hpp>

#include <catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

using Worker = workbook::threads::PeriodicWorker<>;
using namespace std::chrono_literals;

namespace {

struct TickError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class Predicate> void spin_until(Predicate done) {
  while (!done()) {
    std::this_thread::yield();
  }
}

} // namespace

namespace sim = workbook::sim;
using SimWorker = workbook::threads::PeriodicWorker<sim::sync>;

// Explored first: each scenario runs under every schedule within the
// explorer's bounds on the simulated policy, whose clock is virtual: it
// moves only when every thread waits, straight to the next deadline. So a
// tick is due at an exact time, a stop that does not end the wait shows up
// as the time the worker went on waiting, and a stop request is a
// scheduling point like any other.

TEST_CASE("explored: ticks run at start plus k periods on the virtual clock without drift",
          "[periodic_worker][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    std::vector<sim::clock::time_point> starts;
    {
      sim::name_next_thread("worker");
      SimWorker worker(10ms, [&] {
        starts.push_back(sim::clock::now());
        sim::sync::this_thread::sleep_for(3ms); // a tick takes time: the next is still due on the grid
      });
      sim::sync::this_thread::sleep_for(35ms);
      worker.stop();
    }
    const auto at = [](int ms) { return sim::clock::time_point(std::chrono::milliseconds(ms)); };
    // Ticks at 0, 10, 20, 30 ms: a wait of one period after each tick
    // (sleep_for(period), wait_for(period)) starts them at 0, 13 and 26.
    WORKBOOK_SIM_CHECK(starts == std::vector<sim::clock::time_point>({at(0), at(10), at(20), at(30)}));
  }));
}

TEST_CASE("explored: a late tick delays only the next one and the schedule keeps its grid",
          "[periodic_worker][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    std::vector<sim::clock::time_point> starts;
    {
      sim::name_next_thread("worker");
      SimWorker worker(10ms, [&] {
        starts.push_back(sim::clock::now());
        if (starts.size() == 2) {
          sim::sync::this_thread::sleep_for(15ms); // due at 10, runs till 25: past the tick due at 20
        }
      });
      sim::sync::this_thread::sleep_for(35ms);
      worker.stop();
    }
    const auto at = [](int ms) { return sim::clock::time_point(std::chrono::milliseconds(ms)); };
    WORKBOOK_SIM_CHECK(starts == std::vector<sim::clock::time_point>({at(0), at(10), at(25), at(30)}));
  }));
}

TEST_CASE("explored: a stop during the wait between ticks ends it at once", "[periodic_worker][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    sim::name_next_thread("worker");
    SimWorker worker(1h, [] {});
    WORKBOOK_SIM_CHECK(sim::await_blocked(1)); // the worker waits for the next tick
    const auto asked = sim::clock::now();
    worker.stop(); // a wait that does not wake on the stop lasts the hour
    WORKBOOK_SIM_CHECK(sim::clock::now() == asked);
    WORKBOOK_SIM_CHECK(worker.ticks() == 1);
  }));
}

TEST_CASE("explored: the destructor stops and joins a worker waiting between ticks",
          "[periodic_worker][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    int ticks = 0;
    {
      sim::name_next_thread("worker");
      SimWorker worker(1h, [&] { ++ticks; });
      WORKBOOK_SIM_CHECK(sim::await_blocked(1)); // the worker waits for the next tick
    } // members are destroyed in reverse order: what the worker waits on must outlive the jthread
    WORKBOOK_SIM_CHECK(sim::clock::now() == sim::clock::time_point(0ms)); // the hour did not pass
    WORKBOOK_SIM_CHECK(ticks == 1);
  }));
}

TEST_CASE("explored: no tick starts after the stop was requested whenever it comes",
          "[periodic_worker][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    bool stop_requested = false; // one simulated thread runs at a time: a plain flag is enough
    int ticks = 0;
    sim::name_next_thread("worker");
    SimWorker worker(10ms, [&] {
      WORKBOOK_SIM_CHECK(!stop_requested); // a tick started after request_stop returned
      ++ticks;
    });
    sim::sync::this_thread::sleep_for(10ms); // the second tick is due now: the stop races it
    worker.request_stop();
    stop_requested = true;
    const auto asked = sim::clock::now();
    worker.stop();
    WORKBOOK_SIM_CHECK(sim::clock::now() == asked); // and the worker ended without waiting
    WORKBOOK_SIM_CHECK(worker.ticks() == static_cast<std::size_t>(ticks));
    WORKBOOK_SIM_CHECK(ticks >= 1 && ticks <= 2);
  }));
}

TEST_CASE("explored: a tick that throws ends the worker and stop rethrows it once",
          "[periodic_worker][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    int ticks = 0;
    sim::name_next_thread("worker");
    SimWorker worker(10ms, [&] {
      if (++ticks == 2) {
        throw TickError("second tick failed");
      }
    });
    sim::sync::this_thread::sleep_for(25ms); // past the third tick's time: none runs
    std::string message;
    try {
      worker.stop();
    } catch (const TickError& error) {
      message = error.what();
    }
    WORKBOOK_SIM_CHECK(message == "second tick failed");
    WORKBOOK_SIM_CHECK(ticks == 2);
    WORKBOOK_SIM_CHECK(worker.ticks() == 2);
    bool rethrew_again = false;
    try {
      worker.stop();
    } catch (...) {
      rethrew_again = true;
    }
    WORKBOOK_SIM_CHECK(!rethrew_again);
  }));
}

TEST_CASE("the first tick runs at once and stop interrupts the wait for the next", "[periodic_worker]") {
  std::atomic<int> ticks{0};
  Worker worker(1h, [&] { ++ticks; });
  spin_until([&] { return worker.ticks() == 1; }); // not an hour from now
  worker.stop(); // must not wait for the hour to pass (the watchdog ends a worker that does)
  CHECK(ticks.load() == 1);
  CHECK(worker.ticks() == 1);
  worker.stop(); // a second stop is harmless
}

TEST_CASE("ticks repeat every period on one thread of their own until stopped", "[periodic_worker]") {
  std::atomic<int> ticks{0};
  std::thread::id first_thread; // written and read by the ticks only, then by the test after stop()
  int other_threads = 0;
  {
    Worker worker(1ms, [&] {
      if (ticks == 0) {
        first_thread = std::this_thread::get_id();
      } else if (std::this_thread::get_id() != first_thread) {
        ++other_threads;
      }
      ++ticks;
    });
    spin_until([&] { return worker.ticks() >= 5; });
    worker.stop();
    const int at_stop = ticks.load();
    CHECK(worker.ticks() == static_cast<std::size_t>(at_stop));
    for (int spin = 0; spin < 1000; ++spin) {
      std::this_thread::yield();
    }
    INFO("a tick ran after stop() returned");
    CHECK(ticks.load() == at_stop);
  }
  CHECK(first_thread != std::this_thread::get_id());
  CHECK(other_threads == 0);
}

TEST_CASE("a stop requested during a tick ends the worker when that tick returns", "[periodic_worker]") {
  std::promise<void> opener;
  std::shared_future<void> gate = opener.get_future().share();
  std::atomic<bool> in_tick{false};
  std::atomic<int> ticks{0};
  Worker worker(1h, [&] {
    ++ticks;
    in_tick = true;
    gate.wait();
  });
  spin_until([&] { return in_tick.load(); });
  static_assert(std::is_same_v<decltype(worker.request_stop()), void>);
  CHECK(noexcept(worker.request_stop())); // it never throws, and says so
  worker.request_stop();                  // while the tick runs: the worker must not then wait an hour
  opener.set_value();
  worker.stop();
  CHECK(ticks.load() == 1);
}

TEST_CASE("an exception thrown by a tick ends the worker and stop rethrows it once", "[periodic_worker]") {
  std::atomic<int> ticks{0};
  Worker worker(1ms, [&] {
    if (++ticks == 3) {
      throw TickError("third tick failed");
    }
  });
  spin_until([&] { return worker.ticks() == 3; });
  try {
    worker.stop();
    FAIL("stop() returned normally although a tick threw");
  } catch (const TickError& error) {
    CHECK(std::string(error.what()) == "third tick failed");
  }
  CHECK(ticks.load() == 3); // no tick after the one that threw
  CHECK_NOTHROW(worker.stop());
}

TEST_CASE("the destructor stops and joins without waiting for the period", "[periodic_worker]") {
  std::atomic<int> ticks{0};
  {
    Worker worker(1h, [&] { ++ticks; });
    spin_until([&] { return worker.ticks() == 1; });
  } // joins (no std::terminate) and returns at once
  CHECK(ticks.load() == 1);
  {
    Worker failing(1h, [] { throw TickError("unobserved"); });
    spin_until([&] { return failing.ticks() == 1; });
  } // the destructor never throws
  CHECK_THROWS_AS(Worker(0s, [] {}), std::invalid_argument);
  CHECK_THROWS_AS(Worker(1s, nullptr), std::invalid_argument);
}
