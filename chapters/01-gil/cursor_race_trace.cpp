// An atomicity violation caught by the grader's schedule explorer: a chunk
// cursor claimed by a load and a separate store. Every access is atomic, so
// ThreadSanitizer reports nothing; the explorer prints the schedule in which
// two threads claim the same index, as a learner sees it under a failing
// test case. The explorer is deterministic, so is this program's output
// (checked by its example test).
#include <sim/sim.hpp>
#include <workbook/sync.hpp>

#include <cstddef>
#include <iostream>
#include <string>
#include <vector>

// [racy-cursor]
/// Calls `function(i)` for every i in [0, count) on two threads that claim
/// indices through a shared cursor, with the classic bug: the claim is a
/// load and a separate store, not one read-modify-write.
template <class Sync = workbook::std_sync, class Function>
void for_each_index(std::size_t count, Function function) {
  typename Sync::template atomic<std::size_t> next{0};
  const auto work = [&] {
    for (;;) {
      const std::size_t index = next.load(); // wrong: another thread can load the same value before the store
      if (index >= count) {
        return;
      }
      next.store(index + 1);
      function(index);
    }
  };
  typename Sync::thread first(work);
  typename Sync::thread second(work);
  first.join();
  second.join();
}
// [racy-cursor]

int main() {
  // [explore]
  namespace sim = workbook::sim;
  const sim::Result result = sim::explore({}, [] {
    std::vector<int> calls(2, 0);
    for_each_index<sim::sync>(2, [&](std::size_t i) {
      sim::note("processes index " + std::to_string(i)); // a line of the trace, not a scheduling point
      ++calls[i];
      sim::check(calls[i] == 1, "index " + std::to_string(i) + " was claimed twice");
    });
  });
  std::cout << result.report();
  // [explore]
  return result.verdict == sim::Verdict::check_failed ? 0 : 1; // the bug must be found
}
