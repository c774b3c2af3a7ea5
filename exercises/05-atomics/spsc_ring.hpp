// Exercise: spsc_ring — a single-producer single-consumer ring buffer on two
// atomic indices, without a lock.
//
// Chapter: chapters/05-atomics/README.md, section "Exercise: spsc_ring".
// Grade it: `./workbook check spsc_ring`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <atomic>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace workbook::atomics {

/// A bounded first-in first-out queue for exactly two threads: one
/// *producer* that only calls `try_push`, and one *consumer* that only calls
/// `try_pop`. It holds up to `capacity` items, exactly that many: a ring of
/// `capacity` slots that is full when it holds `capacity` items and empty
/// when it holds none.
///
/// No lock, no waiting: each side owns one index (the producer the tail,
/// where it writes next; the consumer the head, where it reads next), stored
/// in a `std::atomic`. A side publishes its progress with a **release** store
/// of its own index and learns of the other side's progress with an
/// **acquire** load of the other index; those two edges are the whole
/// synchronisation, and they must be there: the consumer may read a slot only
/// after the producer's write to it happens before the read, and the producer
/// may overwrite a slot only after the consumer's read of it happens before
/// the write. ThreadSanitizer reports either one missing as the data race it
/// is, even on x86-64 where the program seems to work.
///
/// `T` must be default-constructible and move-assignable (the slots hold
/// `T` objects from the start). Any other use (two producers, two consumers,
/// a producer that also pops) is outside the contract.
template <class T> class SpscRing {
public:
  /// A ring that holds up to `capacity` items. Throws `std::invalid_argument`
  /// when `capacity` is 0.
  explicit SpscRing([[maybe_unused]] std::size_t capacity) {
    throw workbook::not_implemented(__FILE__, "Exercise: spsc_ring");
  }
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  /// How many items the ring holds when full (the constructor's argument).
  [[nodiscard]] std::size_t capacity() const {
    throw workbook::not_implemented(__FILE__, "Exercise: spsc_ring");
  }

  /// Producer only. Appends a copy of `value` and returns true, or returns
  /// false (and changes nothing) when the ring is full.
  bool try_push([[maybe_unused]] const T& value) {
    throw workbook::not_implemented(__FILE__, "Exercise: spsc_ring");
  }

  /// Producer only. Moves `value` in and returns true, or returns false when
  /// the ring is full, leaving both the ring and `value` untouched.
  bool try_push([[maybe_unused]] T&& value) {
    throw workbook::not_implemented(__FILE__, "Exercise: spsc_ring");
  }

  /// Consumer only. Removes and returns the oldest item, or `std::nullopt`
  /// when the ring is empty.
  std::optional<T> try_pop() { throw workbook::not_implemented(__FILE__, "Exercise: spsc_ring"); }

private:
  // Your state: the slots, and two std::atomic<std::size_t> indices (the
  // consumer's head and the producer's tail).
};

} // namespace workbook::atomics
