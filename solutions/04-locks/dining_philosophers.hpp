// Exercise: dining_philosophers — five threads, five forks, and no deadlock.
//
// Chapter: chapters/04-locks/README.md, section "Exercise: dining_philosophers".
// Grade it: `./workbook check dining_philosophers`.
#pragma once

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
void dine(std::vector<Mutex>& forks, std::size_t meals, const std::function<void(std::size_t)>& eat) {
  const std::size_t n = forks.size();
  if (n < 2) {
    throw std::invalid_argument("the dining philosophers need at least two forks");
  }
  std::vector<typename Sync::jthread> philosophers;
  philosophers.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    philosophers.emplace_back([&forks, &eat, meals, n, i] {
      // Resource ordering: always take the lower-numbered fork first. A cycle
      // of philosophers each holding one fork and waiting for the next would
      // need someone to hold a higher fork while waiting for a lower one.
      auto first = i;
      auto second = (i + 1) % n;
      if (second < first) {
        std::swap(first, second);
      }
      for (std::size_t meal = 0; meal < meals; ++meal) {
        forks[first].lock();
        forks[second].lock();
        eat(i);
        forks[second].unlock();
        forks[first].unlock();
      }
    });
  }
} // the jthreads join here

} // namespace workbook::locks
