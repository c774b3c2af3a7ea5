// Exercise: parallel_for_each — apply a function to every element, in chunks, on several threads.
//
// Chapter: chapters/01-gil/README.md, section "Exercise: parallel_for_each".
// Grade it: `./workbook check parallel_for_each` or `ctest --test-dir build/learner -L
// '^parallel_for_each$'`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <atomic>
#include <cstddef>
#include <span>
#include <stdexcept>

namespace workbook::gil {

/// Calls `function(item)` once for every element of `items`, on `threads`
/// threads running at the same time.
///
/// The elements are handed out in chunks of `chunk_size` consecutive
/// elements (the last chunk may be shorter); a thread that finishes a chunk
/// takes the next chunk nobody has taken yet, so a slow chunk does not hold
/// up the others. Start at most one thread per chunk.
///
/// If `function` throws, the rest of that chunk is skipped and no thread
/// starts a new chunk afterwards (chunks already running may finish); every
/// thread is joined, and then the first exception thrown is rethrown to the
/// caller. Nothing runs after parallel_for_each returns or throws.
///
/// The atomics the threads share (the chunk cursor, a "failed" flag) are
/// `Atomic<...>` objects: `std::atomic` unless the caller names another
/// type with the same members, as the tests do with one that makes two
/// threads meet at the cursor (the interleaving that hands one chunk to two
/// threads when the cursor is advanced by a `load` and a separate `store`).
///
/// @tparam Atomic the atomic class template (`std::atomic` by default).
/// @tparam T the element type; `function` receives a `T&` and may modify it.
/// @tparam Function callable as `function(T&)`; it is called from several
///         threads at once and must be safe to call so.
/// @throws std::invalid_argument if `threads` or `chunk_size` is 0.
template <template <class> class Atomic = std::atomic, class T, class Function>
void parallel_for_each([[maybe_unused]] std::span<T> items, [[maybe_unused]] std::size_t threads,
                       [[maybe_unused]] std::size_t chunk_size, [[maybe_unused]] Function function) {
  throw workbook::not_implemented(__FILE__, "Exercise: parallel_for_each");
}

} // namespace workbook::gil
