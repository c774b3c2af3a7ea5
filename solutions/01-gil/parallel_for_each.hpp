// Reference solution: parallel_for_each — chunks handed out through an atomic cursor.
#pragma once

#include <workbook/sync.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <mutex>
#include <span>
#include <stdexcept>
#include <vector>

namespace workbook::gil {

/// Calls `function(item)` once for every element of `items` (see the exercise).
template <class Sync = workbook::std_sync, class T, class Function>
void parallel_for_each(std::span<T> items, std::size_t threads, std::size_t chunk_size, Function function) {
  if (threads == 0 || chunk_size == 0) {
    throw std::invalid_argument("parallel_for_each: threads and chunk_size must be at least 1");
  }
  const std::size_t chunks = (items.size() + chunk_size - 1) / chunk_size;
  typename Sync::template atomic<std::size_t> next_chunk{0};
  typename Sync::template atomic<bool> failed{false};
  std::exception_ptr first_error;
  typename Sync::mutex error_mutex;

  const auto work = [&] {
    // [claim-chunks]
    for (std::size_t chunk = next_chunk++; chunk < chunks && !failed; chunk = next_chunk++) {
      const std::size_t begin = chunk * chunk_size;
      const std::size_t end = std::min(begin + chunk_size, items.size());
      try {
        for (std::size_t i = begin; i < end; ++i) {
          function(items[i]);
        }
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) {
          first_error = std::current_exception();
        }
        failed = true;
      }
    }
    // [claim-chunks]
  };
  {
    std::vector<typename Sync::jthread> workers;
    const std::size_t count = std::min(threads, chunks);
    workers.reserve(count);
    for (std::size_t t = 0; t < count; ++t) {
      workers.emplace_back(work);
    }
  } // joined
  if (first_error) {
    std::rethrow_exception(first_error);
  }
}

} // namespace workbook::gil
