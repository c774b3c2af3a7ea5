// Exercise: parallel_map — Executor.map with a chunk size: many threads, input order kept.
//
// Chapter: chapters/02-threads/README.md, section "Exercise: parallel_map".
// Grade it: `./workbook check parallel_map`.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

namespace workbook::threads {

/// Python's `executor.map(function, inputs, chunksize=chunk_size)`, as one
/// call: returns `function(inputs[i])` for every i, **in input order**,
/// computed by up to `threads` threads at once.
///
/// The inputs are cut into consecutive chunks of `chunk_size` elements (the
/// last one may be shorter). Each chunk is processed by one thread, element
/// after element; threads take the next unclaimed chunk, in input order,
/// until none is left. `function` receives a reference to the element of
/// `inputs` itself (no copy) and is called from several threads at once.
///
/// The result type need not be default-constructible, and may be move-only.
/// If calls throw, no new chunk is started; once every thread has finished,
/// the exception of the **earliest element in input order** that threw is
/// rethrown.
///
/// @throws std::invalid_argument if `threads` or `chunk_size` is 0.
template <class T, class Function>
auto parallel_map(const std::vector<T>& inputs, Function function, std::size_t threads,
                  std::size_t chunk_size = 1) -> std::vector<std::invoke_result_t<Function&, const T&>> {
  using Result = std::invoke_result_t<Function&, const T&>;
  if (threads == 0 || chunk_size == 0) {
    throw std::invalid_argument("parallel_map needs at least one thread and a chunk size of at least 1");
  }
  const std::size_t chunks = (inputs.size() + chunk_size - 1) / chunk_size;
  std::vector<std::optional<Result>> slots(inputs.size()); // optional: Result may have no default constructor
  std::vector<std::exception_ptr> errors(inputs.size());
  std::atomic<std::size_t> next_chunk{0};
  std::atomic<bool> failed{false};

  auto work = [&] {
    for (;;) {
      if (failed.load()) {
        return;
      }
      const std::size_t chunk = next_chunk.fetch_add(1);
      if (chunk >= chunks) {
        return;
      }
      const std::size_t end = std::min(inputs.size(), (chunk + 1) * chunk_size);
      for (std::size_t i = chunk * chunk_size; i < end; ++i) {
        try {
          slots[i].emplace(std::invoke(function, inputs[i]));
        } catch (...) {
          errors[i] = std::current_exception();
          failed = true;
          break;
        }
      }
    }
  };
  {
    std::vector<std::jthread> workers; // joined when the block ends, even on exceptions
    const std::size_t count = std::min(threads, chunks);
    workers.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      workers.emplace_back(work);
    }
  }
  for (const auto& error : errors) {
    if (error) {
      std::rethrow_exception(error);
    }
  }
  std::vector<Result> results;
  results.reserve(inputs.size());
  for (auto& slot : slots) {
    results.push_back(std::move(*slot));
  }
  return results;
}

} // namespace workbook::threads
