// Exercise: dining_philosophers — five threads, five forks, and no deadlock.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: dining_philosophers".
// Grade it: `./workbook check dining_philosophers`.
#pragma once

#include <workbook/not_implemented.hpp>
#include <workbook/sync.hpp>

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace workbook::locks {

/// Dijkstra's dining philosophers. `forks.size()` philosophers sit at a round
/// table with one fork between each pair of neighbours: philosopher `i` needs
/// forks `i` and `(i + 1) % n`, both locked at once, to eat. Run each
/// philosopher on a thread of its own; each eats `meals` times, calling
/// `eat(i)` while holding both of its forks (and releasing them between
/// meals), and `dine` returns once every philosopher has eaten all its meals.
///
/// It must never deadlock, whatever the scheduling: in particular not when
/// every philosopher has picked up one fork at the same moment. `Mutex` is a
/// *Lockable* type (`lock`, `try_lock`, `unlock`); the hidden tests pass
/// forks that record who holds them. No other mutex may be used: the forks
/// are the only shared resource.
///
/// `Sync` is the synchronization policy: start the philosophers' threads as
/// `typename Sync::jthread` (or `typename Sync::thread`, joined). The default,
/// `workbook::std_sync`, *is* the std types; the hidden tests pass a simulated
/// policy (and forks of its mutex type) so that they can run your code under
/// every schedule of a small table.
///
/// @throws std::invalid_argument if there are fewer than two forks.
template <class Sync = workbook::std_sync, class Mutex>
void dine([[maybe_unused]] std::vector<Mutex>& forks, [[maybe_unused]] std::size_t meals,
          [[maybe_unused]] const std::function<void(std::size_t)>& eat) {
  throw workbook::not_implemented(__FILE__, "Exercise: dining_philosophers");
}

} // namespace workbook::locks
