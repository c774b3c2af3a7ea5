// Exercise: parallel_sum — split a sum across threads.
//
// Chapter: chapters/01-gil/README.md, section "Exercise: parallel_sum".
// Grade it: `./workbook check parallel_sum` or `ctest -R parallel_sum`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <cstddef>
#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

namespace workbook::gil {

/// Sums `values` on `threads` threads.
///
/// Split `values` into min(`threads`, `values.size()`) contiguous chunks of
/// nearly equal size, sum each chunk on its own thread, all chunks at the
/// same time, then combine the chunk sums **in chunk order**: the result must
/// equal `std::accumulate(values.begin(), values.end(), T{})` even when `+`
/// is associative but not commutative (think of string concatenation).
///
/// Every chunk starts from `T{}` and adds its values one by one,
/// `((T{} + v0) + v1) + ...`, so `+` is called once for each value, even
/// for a chunk of one value (do not start from the chunk's first value);
/// the chunk sums are combined the same way, from `T{}`.
///
/// @tparam T a regular type whose `T{}` is the sum of nothing and whose `+`
///           is associative; `T`'s `+` may be called from any thread.
/// @param values the numbers to add; never modified.
/// @param threads how many threads to use. More threads than values is fine:
///        start at most one thread per value.
/// @returns the sum, `T{}` for an empty input.
/// @throws std::invalid_argument if `threads` is 0.
/// @throws whatever `T`'s `+` throws, on the calling thread, after every
///         thread has been joined. When `+` throws in several chunks, the
///         exception of the first of them in input order reaches the
///         caller, whichever was thrown first in time.
template <class T>
T parallel_sum([[maybe_unused]] std::span<const T> values, [[maybe_unused]] std::size_t threads) {
  throw workbook::not_implemented(__FILE__, "Exercise: parallel_sum");
}

} // namespace workbook::gil
