// Hidden tests for the spsc_ring exercise: capacity and wrap-around on one
// thread, then a real producer and consumer passing millions of items. Under
// ThreadSanitizer the two-thread cases reject an index published or read
// with a relaxed order: the slot accesses it should order become a race.
#include "spsc_ring.hpp"

#include <catch.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

using workbook::atomics::SpscRing;

namespace {

/// An item whose two halves must agree: a slot read before the producer's
/// write to it is complete (or after the producer reused it) shows up as a
/// mismatch, not only as a ThreadSanitizer report.
struct Item {
  std::uint64_t sequence = 0;
  std::uint64_t check = 0;
};

Item item(std::uint64_t sequence) {
  return Item{sequence, ~sequence};
}

/// Spins until `attempt` succeeds: yielding now and then, for a machine with
/// few cores, and past a few thousand attempts sleeping a little between
/// them. When both threads share a core with other work, a yield may hand
/// the core to that work and not to the other side of the ring, and tens of
/// thousands of such hand-overs can outlast the watchdog (200,000 did, on a
/// 2-core machine that also ran two compilers). A sleep only gives the core
/// away; it orders nothing, and adds no synchronization that could hide a
/// ring's missing one.
template <class Attempt> void until(Attempt attempt) {
  for (unsigned spins = 1; !attempt(); ++spins) {
    if (spins > 4096) {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    } else if (spins % 16 == 0) {
      std::this_thread::yield();
    }
  }
}

struct Transfer {
  std::uint64_t received = 0;
  std::uint64_t first_bad_position = 0; ///< meaningful when bad
  std::uint64_t first_bad_sequence = 0;
  bool bad = false;
  bool torn = false;
};

/// One producer thread pushes 0..count-1; this thread pops and checks them.
Transfer transfer(std::size_t capacity, std::uint64_t count) {
  SpscRing<Item> ring(capacity);
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < count; ++i) {
      const Item next = item(i);
      until([&] { return ring.try_push(next); });
    }
  });
  Transfer result;
  while (result.received < count) {
    std::optional<Item> popped;
    until([&] { return (popped = ring.try_pop()).has_value(); });
    if (!result.bad && (popped->sequence != result.received || popped->check != ~popped->sequence)) {
      result.bad = true;
      result.torn = popped->check != ~popped->sequence;
      result.first_bad_position = result.received;
      result.first_bad_sequence = popped->sequence;
    }
    ++result.received;
  }
  producer.join();
  result.bad = result.bad || ring.try_pop().has_value(); // nothing may be left over
  return result;
}

void check_transfer(std::size_t capacity, std::uint64_t count) {
  const Transfer result = transfer(capacity, count);
  INFO("capacity " << capacity << ", " << count << " items: the consumer's item number "
                   << result.first_bad_position << " was item " << result.first_bad_sequence
                   << (result.torn
                           ? " with its halves disagreeing (a slot read before its write was published)"
                           : " (an item lost, duplicated or out of order, or one left over at the end)"));
  CHECK_FALSE(result.bad);
  CHECK(result.received == count);
}

} // namespace

TEST_CASE("a new ring is empty and reports its capacity", "[spsc_ring]") {
  SpscRing<int> ring(5);
  CHECK(ring.capacity() == 5);
  CHECK_FALSE(ring.try_pop().has_value());
}

TEST_CASE("a capacity of zero is rejected", "[spsc_ring]") {
  CHECK_THROWS_AS(SpscRing<int>(0), std::invalid_argument);
}

TEST_CASE("a ring holds exactly capacity items and refuses one more", "[spsc_ring]") {
  for (int capacity = 1; capacity <= 6; ++capacity) {
    SpscRing<int> ring(static_cast<std::size_t>(capacity));
    int accepted = 0;
    while (accepted <= capacity && ring.try_push(accepted)) {
      ++accepted;
    }
    INFO("a ring of capacity " << capacity << " accepted " << accepted
                               << " items before refusing one (full and empty told apart wrongly?)");
    CHECK(accepted == capacity);
    for (int expected = 0; expected < accepted; ++expected) {
      const std::optional<int> popped = ring.try_pop();
      REQUIRE(popped.has_value());
      CHECK(*popped == expected);
    }
    CHECK_FALSE(ring.try_pop().has_value());
  }
}

TEST_CASE("a push into a full ring leaves the ring and the value untouched", "[spsc_ring]") {
  SpscRing<std::unique_ptr<int>> ring(2);
  CHECK(ring.try_push(std::make_unique<int>(1)));
  CHECK(ring.try_push(std::make_unique<int>(2)));
  auto third = std::make_unique<int>(3);
  CHECK_FALSE(ring.try_push(std::move(third)));
  {
    INFO("a refused try_push(T&&) must not move from its argument");
    REQUIRE(third != nullptr);
    CHECK(*third == 3);
  }
  auto first = ring.try_pop();
  REQUIRE((first.has_value() && *first != nullptr));
  CHECK(**first == 1);
  CHECK(ring.try_push(std::move(third))); // a slot is free again
  auto second = ring.try_pop();
  REQUIRE((second.has_value() && *second != nullptr));
  CHECK(**second == 2);
  auto last = ring.try_pop();
  REQUIRE((last.has_value() && *last != nullptr));
  CHECK(**last == 3);
  CHECK_FALSE(ring.try_pop().has_value());
}

TEST_CASE("items come out in order across many wrap-arounds on one thread", "[spsc_ring]") {
  constexpr std::size_t kCapacity = 3;
  SpscRing<int> ring(kCapacity);
  int pushed = 0;
  int popped = 0;
  bool in_order = true;
  for (int round = 0; round < 20'000; ++round) {
    const int pushes = round % 4; // 0 to 3 items, so the indices wrap at every position
    for (int i = 0; i < pushes; ++i) {
      in_order = ring.try_push(pushed++) && in_order;
    }
    for (int i = 0; i < pushes; ++i) {
      const std::optional<int> item = ring.try_pop();
      in_order = item.has_value() && *item == popped++ && in_order;
    }
    in_order = !ring.try_pop().has_value() && in_order;
  }
  INFO("after " << pushed << " pushes through a ring of " << kCapacity
                << ", an item was refused, lost, or came out of order");
  CHECK(in_order);
}

TEST_CASE("a producer and a consumer thread pass 20000 items through two slots exactly once and in order",
          "[spsc_ring]") {
  check_transfer(2, 20'000); // 10,000 wrap-arounds of the indices
}

TEST_CASE("a producer and a consumer thread pass items through one slot and through seven", "[spsc_ring]") {
  check_transfer(1, 20'000);
  check_transfer(7, 20'000);
}
