// A wait without a loop caught by the grader's schedule explorer, printed as
// a learner sees it under a failing test case: the verdict, the shortest
// failing schedule as a trace, and the token that replays it. The explorer
// is deterministic, so is this program's output (checked by its example
// test).
#include <sim/sim.hpp>
#include <workbook/sync.hpp>

#include <iostream>
#include <mutex>
#include <optional>
#include <utility>

// [mailbox]
/// A one-slot mailbox written against the policy, with the classic bug:
/// take() treats one wakeup as proof that a letter came.
template <class Sync = workbook::std_sync> class Mailbox {
public:
  void post(int letter) {
    {
      std::lock_guard lock(mutex_);
      letter_ = letter;
    }
    arrived_.notify_one();
  }
  std::optional<int> take() {
    std::unique_lock lock(mutex_);
    if (!letter_) { // wrong: `while`, or wait(lock, predicate)
      arrived_.wait(lock);
    }
    return std::exchange(letter_, std::nullopt);
  }

private:
  typename Sync::mutex mutex_;
  typename Sync::condition_variable arrived_;
  std::optional<int> letter_;
};
// [mailbox]

int main() {
  // [explore]
  namespace sim = workbook::sim;
  const sim::Result result = sim::explore({}, [] {
    Mailbox<sim::sync> mailbox; // the same code, on the simulated policy
    sim::name_next_thread("reader");
    sim::sync::thread reader([&] {
      const std::optional<int> letter = mailbox.take();
      WORKBOOK_SIM_CHECK(letter == 42); // take() waits for the letter
    });
    mailbox.post(42);
    reader.join();
  });
  std::cout << result.report();
  // [explore]
  return result.verdict == sim::Verdict::check_failed ? 0 : 1; // the bug must be found, and named
}
