// Hidden tests for exercises/01-gil/parallel_sum.hpp.
#include "parallel_sum.hpp"
#include "catch.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using workbook::gil::parallel_sum;

namespace {

std::vector<std::int64_t> iota_values(std::size_t n) {
  std::vector<std::int64_t> values(n);
  std::iota(values.begin(), values.end(), std::int64_t{1});
  return values;
}

// A rendezvous for the threads that add: each waits until `expected`
// distinct threads have arrived. It only ever waits for other threads to
// start, never for time to pass; the bound is a backstop that turns a serial
// implementation into a failed check instead of a hang.
class Rendezvous {
public:
  explicit Rendezvous(std::size_t expected) : expected_(expected) {}

  void arrive() {
    std::unique_lock lock(mutex_);
    arrived_.insert(std::this_thread::get_id());
    changed_.notify_all();
    if (!changed_.wait_for(lock, std::chrono::seconds(5), [this] { return arrived_.size() >= expected_; })) {
      missed_ = true;
    }
  }

  bool everyone_met() {
    std::lock_guard lock(mutex_);
    return !missed_ && arrived_.size() >= expected_;
  }

  std::size_t distinct_threads() {
    std::lock_guard lock(mutex_);
    return arrived_.size();
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::thread::id> arrived_;
  std::size_t expected_;
  bool missed_ = false;
};

// A number whose `+` reports to a rendezvous: proof that chunks are summed on
// distinct threads at the same time.
struct Meeting {
  std::int64_t value = 0;
  Rendezvous* rendezvous = nullptr;

  friend Meeting operator+(const Meeting& a, const Meeting& b) {
    if (Rendezvous* r = a.rendezvous != nullptr ? a.rendezvous : b.rendezvous) {
      r->arrive();
    }
    return Meeting{a.value + b.value, nullptr};
  }
};

// Text whose `+` is concatenation: associative, not commutative. Elements
// of the first chunk wait until every element of the other chunks has been
// added, so the first chunk always finishes last.
struct OrderProbe;
struct OrderBoard {
  std::size_t first_chunk_end = 0; // indices [0, first_chunk_end) are chunk 0
  std::size_t others = 0;          // elements outside chunk 0
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t others_added = 0;
  bool waited_too_long = false;
};

struct OrderProbe {
  std::string text;
  int index = -1; // >= 0 for an element of the input, -1 for a partial sum
  OrderBoard* board = nullptr;

  friend OrderProbe operator+(const OrderProbe& a, const OrderProbe& b) {
    OrderBoard* shared = a.board != nullptr ? a.board : b.board;
    if (shared != nullptr) {
      OrderBoard& ledger = *shared;
      const auto in_first = [&](const OrderProbe& p) {
        return p.index >= 0 && static_cast<std::size_t>(p.index) < ledger.first_chunk_end;
      };
      const auto in_others = [&](const OrderProbe& p) {
        return p.index >= 0 && static_cast<std::size_t>(p.index) >= ledger.first_chunk_end;
      };
      std::unique_lock lock(ledger.mutex);
      if (in_first(a) || in_first(b)) {
        if (!ledger.changed.wait_for(lock, std::chrono::seconds(5),
                                     [&] { return ledger.others_added == ledger.others; })) {
          ledger.waited_too_long = true;
        }
      } else {
        ledger.others_added += (in_others(a) ? 1 : 0) + (in_others(b) ? 1 : 0);
        ledger.changed.notify_all();
      }
    }
    return OrderProbe{a.text + b.text, -1, shared};
  }
};

struct Fragile {
  std::int64_t value = 0;
  friend Fragile operator+(const Fragile& a, const Fragile& b) {
    if (b.value < 0 || a.value < 0) {
      throw std::domain_error("negative value met");
    }
    return Fragile{a.value + b.value};
  }
};

// A number whose `+` throws for a "bomb" (tag 1 or 2). Bomb 1 throws at
// once; bomb 2 waits until bomb 1 has thrown, then throws too: the later
// chunk's exception is thrown first in time.
struct Bombs {
  std::mutex mutex;
  std::condition_variable changed;
  bool first_thrown = false;
  bool waited_too_long = false;
};
struct Bomb : std::runtime_error {
  int chunk;
  explicit Bomb(int thrown_by) : std::runtime_error("bomb"), chunk(thrown_by) {}
};
struct Armed {
  int tag = 0; // 0: an ordinary 1; 1: throws at once; 2: throws after tag 1 has
  Bombs* bombs = nullptr;
  std::int64_t value = 0;

  friend Armed operator+(const Armed& a, const Armed& b) {
    const Armed& other = b.tag != 0 ? b : a;
    if (other.tag == 1) {
      {
        std::lock_guard lock(other.bombs->mutex);
        other.bombs->first_thrown = true;
      }
      other.bombs->changed.notify_all();
      throw Bomb(1);
    }
    if (other.tag == 2) {
      std::unique_lock lock(other.bombs->mutex);
      if (!other.bombs->changed.wait_for(lock, std::chrono::seconds(5),
                                         [&] { return other.bombs->first_thrown; })) {
        other.bombs->waited_too_long = true;
      }
      throw Bomb(0);
    }
    return Armed{0, nullptr, a.value + b.value};
  }
};

// A number that counts the calls of + with T{} on the left and an input
// value on the right: each chunk's first step.
std::atomic<int> calls_from_empty{0};
struct Counted {
  bool empty = true;  // T{}
  bool input = false; // an element of the input, not a sum
  std::int64_t value = 0;

  friend Counted operator+(const Counted& a, const Counted& b) {
    if (a.empty && b.input) {
      ++calls_from_empty;
    }
    return Counted{false, false, a.value + b.value};
  }
};

} // namespace

TEST_CASE("sums exactly for every thread count from 1 to 17", "[parallel_sum]") {
  const auto values = iota_values(1000);
  for (std::size_t threads = 1; threads <= 17; ++threads) {
    INFO("threads = " << threads);
    CHECK(parallel_sum<std::int64_t>(values, threads) == 500500);
  }
}

TEST_CASE("the sum of an empty input is T{}", "[parallel_sum]") {
  const std::vector<std::int64_t> none;
  CHECK(parallel_sum<std::int64_t>(none, 1) == 0);
  CHECK(parallel_sum<std::int64_t>(none, 8) == 0);
  const std::vector<std::string> no_text;
  CHECK(parallel_sum<std::string>(no_text, 3).empty());
}

TEST_CASE("zero threads is rejected with std::invalid_argument", "[parallel_sum]") {
  const auto values = iota_values(10);
  CHECK_THROWS_AS(parallel_sum<std::int64_t>(values, 0), std::invalid_argument);
  const std::vector<std::int64_t> none;
  CHECK_THROWS_AS(parallel_sum<std::int64_t>(none, 0), std::invalid_argument);
}

TEST_CASE("more threads than values still sums every value once", "[parallel_sum]") {
  for (std::size_t n = 1; n <= 5; ++n) {
    const auto values = iota_values(n);
    for (std::size_t threads : {n + 1, 2 * n + 3, std::size_t{64}}) {
      INFO("values = " << n << ", threads = " << threads);
      CHECK(parallel_sum<std::int64_t>(values, threads) == static_cast<std::int64_t>(n * (n + 1) / 2));
    }
  }
}

TEST_CASE("a large random input gives the serial sum", "[parallel_sum]") {
  std::mt19937_64 random(20261125);
  std::uniform_int_distribution<std::int64_t> draw(-1'000'000, 1'000'000);
  // Large next to any thread count, and quick to sum at -O0 and under ThreadSanitizer.
  std::vector<std::int64_t> values(100'003);
  for (auto& value : values) {
    value = draw(random);
  }
  const auto copy = values;
  const std::int64_t expected = std::accumulate(values.begin(), values.end(), std::int64_t{0});
  for (std::size_t threads : {2, 3, 7}) {
    INFO("threads = " << threads);
    CHECK(parallel_sum<std::int64_t>(values, threads) == expected);
  }
  CHECK(values == copy);
}

TEST_CASE("every chunk is summed on its own thread and all at the same time", "[parallel_sum]") {
  for (std::size_t threads : {2, 4}) {
    Rendezvous rendezvous(threads);
    std::vector<Meeting> values(4 * threads);
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = Meeting{static_cast<std::int64_t>(i + 1), &rendezvous};
    }
    const Meeting total = parallel_sum<Meeting>(values, threads);
    INFO("threads = " << threads << ", distinct threads that added = " << rendezvous.distinct_threads());
    CHECK(total.value == static_cast<std::int64_t>(values.size() * (values.size() + 1) / 2));
    // Fails when the chunks are summed one after another (on one thread, or
    // on threads that are joined before the next one starts).
    CHECK(rendezvous.everyone_met());
  }
}

TEST_CASE("chunk sums are combined in chunk order and not in finishing order", "[parallel_sum]") {
  for (std::size_t threads : {2, 3, 5}) {
    OrderBoard board;
    board.first_chunk_end = 4;
    board.others = 4 * threads - 4;
    std::vector<OrderProbe> values;
    std::string expected;
    for (std::size_t i = 0; i < 4 * threads; ++i) {
      const std::string letter(1, static_cast<char>('a' + i));
      values.push_back(OrderProbe{letter, static_cast<int>(i), &board});
      expected += letter;
    }
    const OrderProbe total = parallel_sum<OrderProbe>(values, threads);
    INFO("threads = " << threads);
    CHECK(total.text == expected);
    CHECK_FALSE(board.waited_too_long); // the other chunks ran while chunk 0 waited
  }
}

TEST_CASE("an exception thrown by + reaches the caller", "[parallel_sum]") {
  std::vector<Fragile> values(100, Fragile{1});
  values[73].value = -1;
  for (std::size_t threads : {1, 2, 4}) {
    INFO("threads = " << threads);
    CHECK_THROWS_AS(parallel_sum<Fragile>(values, threads), std::domain_error);
  }
  values[73].value = 1;
  CHECK(parallel_sum<Fragile>(values, 4).value == 100);
}

TEST_CASE("every chunk calls + starting from T{}", "[parallel_sum]") {
  // Six values on three threads: three chunks of two. Each chunk's first
  // + has T{} on the left and an input value on the right; a chunk that
  // starts from its own first value never makes that call.
  calls_from_empty = 0;
  std::vector<Counted> values(6, Counted{false, true, 1});
  const Counted sum = parallel_sum<Counted>(values, 3);
  CHECK(sum.value == 6);
  INFO("calls of T{} + value: one per chunk expected");
  CHECK(calls_from_empty.load() == 3);
}

TEST_CASE("when several chunks throw the first chunk's exception reaches the caller", "[parallel_sum]") {
  // Chunk 0's + throws only after chunk 1's has thrown: the caller must
  // still get chunk 0's exception, the first in input order.
  for (std::size_t threads : {2, 3}) {
    Bombs bombs;
    std::vector<Armed> values{Armed{0, nullptr, 1}, Armed{2, &bombs, 1}, Armed{1, &bombs, 1}};
    if (threads == 2) {
      values = {Armed{2, &bombs, 1}, Armed{0, nullptr, 1}, Armed{1, &bombs, 1}, Armed{0, nullptr, 1}};
    }
    int winner = -1;
    try {
      parallel_sum<Armed>(values, threads);
    } catch (const Bomb& bomb) {
      winner = bomb.chunk;
    }
    INFO("threads = " << threads << "; the exception that arrived: " << winner
                      << " (0: the earlier chunk's, 1: the later chunk's, -1: none)");
    CHECK_FALSE(bombs.waited_too_long);
    CHECK(winner == 0);
  }
}
