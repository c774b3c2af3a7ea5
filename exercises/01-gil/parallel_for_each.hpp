// Exercise: parallel_for_each — apply a function to every element, in chunks, on several threads.
//
// Chapter: chapters/01-gil/README.md, section "Exercise: parallel_for_each".
// Grade it: `./workbook check parallel_for_each` or `ctest --test-dir build/learner -L
// '^parallel_for_each$'`.
#pragma once

#include <workbook/not_implemented.hpp>
#include <workbook/sync.hpp>

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
/// starts a new chunk once the failure is recorded (chunks already running
/// may finish; a thread that took its chunk just before may start it); every
/// thread is joined, and then the first exception recorded is rethrown to
/// the caller (of exceptions thrown at the same time, whichever was recorded
/// first). Nothing runs after parallel_for_each returns or throws.
///
/// `Sync` is the synchronization policy: write `typename Sync::template
/// atomic<std::size_t>` (and `atomic<bool>`), `typename Sync::mutex` and
/// `typename Sync::jthread` (or `thread`) where you would write the std
/// names. The default, `workbook::std_sync`, *is* those std types. The
/// hidden tests pass a simulated policy, under which every operation on an
/// atomic is a point where the scheduler may switch threads, and run your
/// function under every schedule of a small input: a cursor advanced by a
/// `load` and a separate `store` hands one chunk to two threads in some
/// schedule, and the tests show you which. The parameter is the whole
/// policy, not just an atomic class template, because a scheduler can only
/// order the threads it runs: the threads must come from the policy too.
///
/// @tparam Sync the synchronization policy (`workbook::std_sync` by default).
/// @tparam T the element type; `function` receives a `T&` and may modify it.
/// @tparam Function callable as `function(T&)`; it is called from several
///         threads at once and must be safe to call so.
/// @throws std::invalid_argument if `threads` or `chunk_size` is 0.
template <class Sync = workbook::std_sync, class T, class Function>
void parallel_for_each([[maybe_unused]] std::span<T> items, [[maybe_unused]] std::size_t threads,
                       [[maybe_unused]] std::size_t chunk_size, [[maybe_unused]] Function function) {
  throw workbook::not_implemented(__FILE__, "Exercise: parallel_for_each");
}

} // namespace workbook::gil
