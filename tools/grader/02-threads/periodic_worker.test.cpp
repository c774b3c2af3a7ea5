// Hidden tests for the periodic_worker exercise. A period of an hour means
// a worker that does not wake up on a stop is caught by the watchdog; the
// tests themselves never sleep.
#include "periodic_worker.hpp"

#include <catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>

using workbook::threads::PeriodicWorker;
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

TEST_CASE("the first tick runs at once and stop interrupts the wait for the next", "[periodic_worker]") {
  std::atomic<int> ticks{0};
  PeriodicWorker worker(1h, [&] { ++ticks; });
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
    PeriodicWorker worker(1ms, [&] {
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
  PeriodicWorker worker(1h, [&] {
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
  PeriodicWorker worker(1ms, [&] {
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
    PeriodicWorker worker(1h, [&] { ++ticks; });
    spin_until([&] { return worker.ticks() == 1; });
  } // joins (no std::terminate) and returns at once
  CHECK(ticks.load() == 1);
  {
    PeriodicWorker failing(1h, [] { throw TickError("unobserved"); });
    spin_until([&] { return failing.ticks() == 1; });
  } // the destructor never throws
  CHECK_THROWS_AS(PeriodicWorker(0s, [] {}), std::invalid_argument);
  CHECK_THROWS_AS(PeriodicWorker(1s, nullptr), std::invalid_argument);
}
