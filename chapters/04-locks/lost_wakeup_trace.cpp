// A lost wakeup caught by the grader's schedule explorer, printed as a learner
// sees it under a failing test case: the verdict, the shortest failing
// schedule as a trace, and the token that replays it. The explorer is
// deterministic, so is this program's output (checked by its example test).
#include <sim/sim.hpp>
#include <workbook/sync.hpp>

#include <iostream>
#include <mutex>

// [handoff]
/// A one-shot handoff written against the policy, with the classic bug:
/// give() notifies before it changes the state.
template <class Sync = workbook::std_sync> class Handoff {
public:
  void give() {
    ready_cv_.notify_one(); // wrong: a taker that is not waiting yet misses it
    std::lock_guard lock(mutex_);
    ready_ = true;
  }
  void take() {
    std::unique_lock lock(mutex_);
    ready_cv_.wait(lock, [this] { return ready_; });
  }

private:
  typename Sync::mutex mutex_;
  typename Sync::condition_variable ready_cv_;
  bool ready_ = false;
};
// [handoff]

int main() {
  // [explore]
  namespace sim = workbook::sim;
  const sim::Result result = sim::explore({}, [] {
    Handoff<sim::sync> handoff; // the same code, on the simulated policy
    sim::name_next_thread("taker");
    sim::sync::thread taker([&] { handoff.take(); });
    handoff.give();
    taker.join();
  });
  std::cout << result.report();
  // [explore]
  return result.verdict == sim::Verdict::deadlock ? 0 : 1; // the bug must be found, and named
}
