// Reference solution: parallel_sum — split a sum across threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

namespace workbook::gil {

/// Sums `values` on `threads` threads (see the exercise for the contract).
template <class T> T parallel_sum(std::span<const T> values, std::size_t threads) {
  if (threads == 0) {
    throw std::invalid_argument("parallel_sum: threads must be at least 1");
  }
  const std::size_t chunks = std::min(threads, values.size());
  if (chunks == 0) {
    return T{};
  }

  // [partition]
  // Chunk i gets base elements, and the first `extra` chunks one more.
  const std::size_t base = values.size() / chunks;
  const std::size_t extra = values.size() % chunks;
  std::vector<T> partial(chunks);
  std::vector<std::exception_ptr> errors(chunks);
  {
    std::vector<std::jthread> workers;
    workers.reserve(chunks);
    std::size_t begin = 0;
    for (std::size_t i = 0; i < chunks; ++i) {
      const std::size_t size = base + (i < extra ? 1 : 0);
      const auto chunk = values.subspan(begin, size);
      begin += size;
      // Each thread writes only its own slot: no two threads share a variable.
      workers.emplace_back([chunk, &slot = partial[i], &error = errors[i]] {
        try {
          T sum{};
          for (const T& value : chunk) {
            sum = sum + value;
          }
          slot = std::move(sum);
        } catch (...) {
          error = std::current_exception();
        }
      });
    }
  } // every jthread joins here, before the results are read
  // [partition]

  for (const auto& error : errors) {
    if (error) {
      std::rethrow_exception(error);
    }
  }
  T total{};
  for (auto& sum : partial) {
    total = total + sum;
  }
  return total;
}

} // namespace workbook::gil
