// Hidden tests for the cyclic_barrier exercise.
#include "cyclic_barrier.hpp"

#include <instrumented_sync.hpp>
#include <sim/catch_sim.hpp>

#include <catch.hpp>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

using workbook::locks::CyclicBarrier;
using workbook::testing::InstrumentedSync;
using workbook::testing::WaitStats;
namespace sim = workbook::sim;
using SimBarrier = CyclicBarrier<sim::sync>;

TEST_CASE("nobody passes before every party has arrived", "[cyclic_barrier]") {
  WaitStats::reset();
  CyclicBarrier<InstrumentedSync> barrier(3);
  CHECK(barrier.parties() == 3);
  std::atomic<int> passed{0};
  std::vector<std::thread> early;
  for (int i = 0; i < 2; ++i) {
    early.emplace_back([&] {
      barrier.arrive_and_wait();
      ++passed;
    });
  }
  WaitStats::wait_until_blocked_or(2, [&] { return passed.load() > 0; });
  const int passed_early = passed.load();
  barrier.arrive_and_wait(); // the third party: everyone goes
  for (auto& thread : early) {
    thread.join();
  }
  INFO("a thread passed the barrier before all three had arrived");
  CHECK(passed_early == 0);
  CHECK(passed.load() == 2);
  CHECK_THROWS_AS(CyclicBarrier<>(0), std::invalid_argument);
}

TEST_CASE("many phases in a row keep every thread in step", "[cyclic_barrier]") {
  constexpr int kParties = 4;
  constexpr int kPhases = 300;
  std::vector<std::atomic<int>> arrivals(kPhases);
  std::atomic<int> out_of_step{0};
  std::vector<std::vector<std::size_t>> indices(kPhases, std::vector<std::size_t>(kParties));
  CyclicBarrier<> barrier(kParties);
  std::vector<std::thread> threads;
  for (int t = 0; t < kParties; ++t) {
    threads.emplace_back([&, t] {
      for (int phase = 0; phase < kPhases; ++phase) {
        ++arrivals[static_cast<std::size_t>(phase)];
        const auto index = barrier.arrive_and_wait();
        indices[static_cast<std::size_t>(phase)][static_cast<std::size_t>(t)] = index;
        // Past the barrier, everyone has arrived for this phase, and nobody
        // can have arrived for the phase after the next one.
        if (arrivals[static_cast<std::size_t>(phase)].load() != kParties) {
          ++out_of_step;
        }
        if (phase + 2 < kPhases && arrivals[static_cast<std::size_t>(phase + 2)].load() != 0) {
          ++out_of_step;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  INFO("threads that left a phase before everyone had arrived, or ran ahead: " << out_of_step.load());
  CHECK(out_of_step.load() == 0);
  int bad_indices = 0;
  for (auto& phase : indices) {
    std::sort(phase.begin(), phase.end());
    for (std::size_t i = 0; i < phase.size(); ++i) {
      bad_indices += phase[i] == i ? 0 : 1;
    }
  }
  CHECK(bad_indices == 0); // each phase hands out 0..parties-1, once each
}

TEST_CASE("the completion runs once per phase before anyone is released", "[cyclic_barrier]") {
  constexpr int kParties = 3;
  constexpr int kPhases = 100;
  int completions = 0; // written by the completion, read by the parties after the barrier
  std::atomic<int> wrong_view{0};
  CyclicBarrier<> barrier(kParties, [&] { ++completions; });
  std::vector<std::thread> threads;
  for (int t = 0; t < kParties; ++t) {
    threads.emplace_back([&] {
      for (int phase = 1; phase <= kPhases; ++phase) {
        barrier.arrive_and_wait();
        // This phase's completion has run, and the next one cannot have:
        // it needs this thread to arrive again.
        if (completions != phase) {
          ++wrong_view;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(wrong_view.load() == 0);
}

TEST_CASE("a waiter woken spuriously stays at the barrier", "[cyclic_barrier]") {
  WaitStats::reset(true);
  CyclicBarrier<InstrumentedSync> barrier(2);
  std::atomic<bool> passed{false};
  std::thread waiter([&] {
    barrier.arrive_and_wait();
    passed = true;
  });
  WaitStats::wait_until_blocked_or(1, [&] { return passed.load(); });
  CHECK(WaitStats::spurious.load() >= 1);
  const bool passed_early = passed.load();
  barrier.arrive_and_wait();
  waiter.join();
  INFO("arrive_and_wait returned after a spurious wakeup before the other party arrived");
  CHECK_FALSE(passed_early);
}

// Explored: each scenario runs under every schedule within the explorer's
// bounds (two preemptions, one spurious wakeup), on the simulated policy.

TEST_CASE("explored: a thread that hurries into the next phase neither counts nor releases in the last one",
          "[cyclic_barrier][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    constexpr int kParties = 2;
    constexpr int kPhases = 3;
    int arrived[kPhases] = {};                // one thread runs at a time: plain counters will do
    bool index_taken[kPhases][kParties] = {}; // the arrival indices handed out in each phase
    SimBarrier barrier(kParties);
    auto party = [&] {
      for (int phase = 0; phase < kPhases; ++phase) {
        ++arrived[phase];
        const auto index = barrier.arrive_and_wait();
        WORKBOOK_SIM_CHECK(arrived[phase] == kParties); // left before everyone had arrived
        WORKBOOK_SIM_CHECK(index < kParties && !index_taken[phase][index < kParties ? index : 0]);
        index_taken[phase][index < kParties ? index : 0] = true;
      }
    };
    sim::sync::thread other(party);
    party();
    other.join();
  }));
}

TEST_CASE("explored: the last of three parties releases both waiters", "[cyclic_barrier][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    int arrived = 0;
    SimBarrier barrier(3);
    auto party = [&] {
      ++arrived;
      barrier.arrive_and_wait(); // a notify_one leaves one of the two waiters asleep
      WORKBOOK_SIM_CHECK(arrived == 3);
    };
    sim::sync::thread first(party);
    sim::sync::thread second(party);
    party();
    first.join();
    second.join();
  }));
}

TEST_CASE("explored: the completion runs once per phase before anyone is released",
          "[cyclic_barrier][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    sim::sync::atomic<int> completions{0}; // an atomic: the completion is a point where others may run
    SimBarrier barrier(2, [&] { ++completions; });
    auto party = [&] {
      for (int phase = 1; phase <= 2; ++phase) {
        barrier.arrive_and_wait();
        WORKBOOK_SIM_CHECK(completions.load() ==
                           phase); // released before the completion ran, or it ran twice
      }
    };
    sim::sync::thread other(party);
    party();
    other.join();
  }));
}

TEST_CASE("explored: a completion that throws still releases the phase and reaches the last arriver",
          "[cyclic_barrier][explored]") {
  WORKBOOK_CHECK_EXPLORED(sim::explore({}, [] {
    int phase = 0;
    SimBarrier barrier(2, [&] {
      if (++phase == 1) {
        throw std::runtime_error("completion of phase 1");
      }
    });
    int threw = 0;
    auto party = [&] {
      try {
        barrier.arrive_and_wait();
      } catch (const std::runtime_error&) {
        ++threw;
      }
      barrier.arrive_and_wait(); // the barrier still works for the next phase
    };
    sim::sync::thread other(party);
    party();
    other.join();
    WORKBOOK_SIM_CHECK(threw == 1); // only the last arriver ran the completion
    WORKBOOK_SIM_CHECK(phase == 2);
  }));
}
