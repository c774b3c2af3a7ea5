// Exercise: spsc_ring — a single-producer single-consumer ring buffer on two
// atomic indices, without a lock.
//
// Chapter: chapters/05-atomics/README.md, section "Exercise: spsc_ring".
// Grade it: `./workbook check spsc_ring`.
#pragma once

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
  explicit SpscRing(std::size_t capacity) : slots_(checked(capacity)) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  /// How many items the ring holds when full (the constructor's argument).
  [[nodiscard]] std::size_t capacity() const { return slots_.size(); }

  /// Producer only. Appends a copy of `value` and returns true, or returns
  /// false (and changes nothing) when the ring is full.
  bool try_push(const T& value) { return push(value); }

  /// Producer only. Moves `value` in and returns true, or returns false when
  /// the ring is full, leaving both the ring and `value` untouched.
  bool try_push(T&& value) { return push(std::move(value)); }

  /// Consumer only. Removes and returns the oldest item, or `std::nullopt`
  /// when the ring is empty.
  std::optional<T> try_pop() {
    const std::size_t head = head_.load(std::memory_order_relaxed); // ours: nobody else writes it
    const std::size_t tail = tail_.load(std::memory_order_acquire); // pairs with the producer's release
    if (head == tail) {
      return std::nullopt; // empty
    }
    std::optional<T> item(std::move(slots_[head % slots_.size()]));
    head_.store(head + 1, std::memory_order_release); // the slot is free: our read happens before its reuse
    return item;
  }

private:
  template <class U> bool push(U&& value) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed); // ours: nobody else writes it
    const std::size_t head = head_.load(std::memory_order_acquire); // pairs with the consumer's release
    if (tail - head == slots_.size()) {
      return false; // full: exactly capacity items, no slot sacrificed
    }
    slots_[tail % slots_.size()] = std::forward<U>(value);
    tail_.store(tail + 1, std::memory_order_release); // publishes the slot written above
    return true;
  }

  static std::size_t checked(std::size_t capacity) {
    if (capacity == 0) {
      throw std::invalid_argument("SpscRing: the capacity must be at least 1");
    }
    return capacity;
  }

  // The indices count every push and pop since construction and never wrap
  // in practice (2^64 operations); slot = index % capacity. Full is
  // tail - head == capacity, empty is head == tail: no slot is wasted to
  // tell the two apart. Each index sits on a cache line of its own, so the
  // producer's stores to the tail do not slow the consumer's stores to the
  // head (false sharing, measured in atomic_costs).
  std::vector<T> slots_;
  alignas(64) std::atomic<std::size_t> head_{0}; // next slot to read; written by the consumer only
  alignas(64) std::atomic<std::size_t> tail_{0}; // next slot to write; written by the producer only
};

} // namespace workbook::atomics
