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
  std::vector<std::int64_t> values(1'000'003);
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
