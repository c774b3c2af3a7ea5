// Message passing: one thread fills a payload and raises a flag; another
// waits for the flag and reads the payload. Three flags:
//
//   plain     a bool: a data race on the flag itself (undefined behaviour)
//   relaxed   std::atomic<bool> with memory_order_relaxed: no race on the
//             flag, but nothing orders the payload: a data race on it
//   release   std::atomic<bool>, a release store read by an acquire load:
//             the payload's writes happen before its reads
//
// On x86-64 all three usually print "0 stale": the hardware keeps stores in
// order and this compiler did not move them. That is the trap. Built with
// -fsanitize=thread (the ctest tests "example: message_passing ... under
// ThreadSanitizer" do), the first two are reported as data races at once
// and the third is not.
//
//   message_passing                    all three, 2,000 rounds each
//   message_passing plain|relaxed|release [ROUNDS]
#include <array>
#include <atomic>
#include <barrier>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

constexpr std::size_t kWords = 8;

struct Payload {
  std::array<long, kWords> words{};
};

/// Spins on `raised()` until it returns true, yielding on every turn. The call
/// to yield is what keeps even the plain bool's loop reading memory: without
/// an opaque call, a compiler may read a non-atomic flag once and spin for ever.
template <class Raised> void wait_for_flag(Raised raised) {
  while (!raised()) {
    std::this_thread::yield();
  }
}

/// Runs `rounds` rounds of "fill the payload, raise the flag" against "wait
/// for the flag, read the payload" on two threads, with the flag given by
/// `Flag` (see below); returns the rounds in which the reader saw a stale word.
template <class Flag> long stale_rounds(long rounds) {
  Payload payload;
  Flag flag;
  long stale = 0;
  std::barrier round(2);
  std::thread writer([&] {
    for (long r = 1; r <= rounds; ++r) {
      round.arrive_and_wait(); // the previous round is over on both sides
      for (auto& word : payload.words) {
        word = r;
      }
      flag.raise();
      round.arrive_and_wait(); // the reader has read this round's payload
    }
  });
  for (long r = 1; r <= rounds; ++r) {
    flag.lower(); // before the barrier, so ordered before the writer's raise
    round.arrive_and_wait();
    wait_for_flag([&] { return flag.raised(); });
    bool seen_stale = false;
    for (const auto& word : payload.words) {
      seen_stale = seen_stale || word != r;
    }
    stale += seen_stale ? 1 : 0;
    round.arrive_and_wait();
  }
  writer.join();
  return stale;
}

// [flags]
struct PlainFlag { // a data race: written and read by two threads, not atomic
  bool value = false;
  void raise() { value = true; }
  bool raised() const { return value; }
  void lower() { value = false; }
};

struct RelaxedFlag { // no race on the flag, but it orders nothing else
  std::atomic<bool> value{false};
  void raise() { value.store(true, std::memory_order_relaxed); }
  bool raised() const { return value.load(std::memory_order_relaxed); }
  void lower() { value.store(false, std::memory_order_relaxed); }
};

struct ReleaseAcquireFlag { // the payload's writes happen before its reads
  std::atomic<bool> value{false};
  void raise() { value.store(true, std::memory_order_release); }
  bool raised() const { return value.load(std::memory_order_acquire); }
  void lower() { value.store(false, std::memory_order_relaxed); }
};
// [flags]

long run(const std::string& mode, long rounds) {
  if (mode == "plain") {
    return stale_rounds<PlainFlag>(rounds);
  }
  if (mode == "relaxed") {
    return stale_rounds<RelaxedFlag>(rounds);
  }
  return stale_rounds<ReleaseAcquireFlag>(rounds);
}

} // namespace

int main(int argc, char** argv) {
  const std::string only = argc > 1 ? argv[1] : "";
  if (!only.empty() && only != "plain" && only != "relaxed" && only != "release") {
    std::fprintf(stderr, "usage: message_passing [plain|relaxed|release [ROUNDS]]\n");
    return 2;
  }
  const long rounds = argc > 2 ? std::atol(argv[2]) : 2'000;
  std::printf("message passing, %ld rounds per flag: rounds in which the reader saw a stale payload\n",
              rounds);
  for (const char* mode : {"plain", "relaxed", "release"}) {
    if (only.empty() || only == mode) {
      std::printf("  %-8s %6ld stale\n", mode, run(mode, rounds));
    }
  }
  return 0;
}
