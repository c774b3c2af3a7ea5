// The store-buffering litmus test: two threads, two variables, both zero.
//
//   thread 1: x = 1; r1 = y;          thread 2: y = 1; r2 = x;
//
// In every interleaving of the four statements at least one load comes
// after the other thread's store, so r1 == 0 && r2 == 0 "cannot happen".
// With memory_order_relaxed, and with release stores and acquire loads, the
// C++ memory model allows it, and x86-64 does it: each core's store waits in
// its store buffer while the following load reads the cache. With seq_cst it
// is forbidden, and the compiler emits a store that drains the buffer
// (xchg, or mov + mfence) to keep the promise.
//
// The main thread opens each round with a flag the other thread spins on,
// and each waits a short random while before its store, so that in some
// rounds the four operations overlap within the few nanoseconds the effect
// needs. The variables sit on separate cache lines: a store to a line that
// the other core also holds must wait for that copy to be invalidated, and
// the load that follows it does not wait. The program counts the rounds in which both loads saw
// 0. The counts vary from run to run and machine to machine, and fall when
// other programs compete for the cores; only "zero for seq_cst" is a promise.
//
//   store_buffering            1,000,000 rounds per order
//   store_buffering --quick    20,000 rounds per order
//   store_buffering N          N rounds per order
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {

/// Spins until `done()`, yielding now and then for a machine with more
/// runnable threads than cores.
template <class Predicate> void spin_until(Predicate done) {
  for (unsigned spins = 1; !done(); ++spins) {
    if (spins % 4096 == 0) {
      std::this_thread::yield();
    }
  }
}

/// A short random pause, 0 to 15 pause instructions: it lets the two
/// threads' stores fall within a few nanoseconds of each other in some
/// rounds (the thread that opens a round is ahead of the other by the time
/// the round's flag takes to travel between cores).
class RandomDelay {
public:
  explicit RandomDelay(unsigned seed) : state_(seed) {}
  void operator()() {
    state_ ^= state_ << 13; // xorshift32
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    for (unsigned i = state_ % 16; i > 0; --i) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#else
      std::atomic_signal_fence(std::memory_order_seq_cst); // a compiler-only barrier: keeps the loop
#endif
    }
  }

private:
  unsigned state_;
};

// [litmus]
/// Runs `rounds` rounds of store buffering with the given orders for the
/// stores and the loads; returns how many ended with r1 == 0 and r2 == 0.
/// (The orders are template arguments: GCC treats an order that is not a
/// compile-time constant as seq_cst.)
template <std::memory_order store_order, std::memory_order load_order> long both_zero(long rounds) {
  alignas(64) std::atomic<int> x{0}; // each variable on a cache line of its own
  alignas(64) std::atomic<int> y{0};
  alignas(64) std::atomic<long> opened{0}; // the round this thread has started
  alignas(64) std::atomic<long> closed{0}; // the round the other thread has finished
  int r2 = 0;
  std::thread other([&] {
    RandomDelay delay(7);
    for (long round = 1; round <= rounds; ++round) {
      spin_until([&] { return opened.load(std::memory_order_acquire) >= round; });
      delay();
      y.store(1, store_order);
      r2 = x.load(load_order);
      closed.store(round, std::memory_order_release); // r2 is read only after this
    }
  });
  RandomDelay delay(3);
  long count = 0;
  for (long round = 1; round <= rounds; ++round) {
    x.store(0, std::memory_order_relaxed);
    y.store(0, std::memory_order_relaxed);
    opened.store(round, std::memory_order_release); // the resets happen before the round
    delay();
    x.store(1, store_order);
    const int r1 = y.load(load_order);
    spin_until([&] { return closed.load(std::memory_order_acquire) >= round; });
    if (r1 == 0 && r2 == 0) {
      ++count; // each load ran before the other thread's store reached it
    }
  }
  other.join();
  return count;
}
// [litmus]

} // namespace

int main(int argc, char** argv) {
  long rounds = 1'000'000;
  if (argc > 1) {
    rounds = std::strcmp(argv[1], "--quick") == 0 ? 20'000 : std::atol(argv[1]);
  }
  if (rounds <= 0) {
    std::fprintf(stderr, "usage: store_buffering [--quick | ROUNDS]\n");
    return 2;
  }
  std::printf("store buffering, %ld rounds per order: how often did both loads see 0?\n", rounds);
  // [orders]
  const long relaxed = both_zero<std::memory_order_relaxed, std::memory_order_relaxed>(rounds);
  std::printf("  relaxed stores, relaxed loads   %9ld  (allowed)\n", relaxed);
  const long release_acquire = both_zero<std::memory_order_release, std::memory_order_acquire>(rounds);
  std::printf("  release stores, acquire loads   %9ld  (allowed)\n", release_acquire);
  const long seq_cst = both_zero<std::memory_order_seq_cst, std::memory_order_seq_cst>(rounds);
  std::printf("  seq_cst stores, seq_cst loads   %9ld  (forbidden)\n", seq_cst);
  // [orders]
  if (seq_cst != 0) {
    std::printf("seq_cst produced both zeros: that is a compiler or hardware bug\n");
    return 1;
  }
  return 0;
}
