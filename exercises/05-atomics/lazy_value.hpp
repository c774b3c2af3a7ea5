// Exercise: lazy_value — a lazily initialised value, with double-checked
// locking done right.
//
// Chapter: chapters/05-atomics/README.md, section "Exercise: lazy_value".
// Grade it: `./workbook check lazy_value`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

namespace workbook::atomics {

/// A value computed on first use, by whichever thread asks first, exactly
/// once: what a function-local `static` or `std::call_once` gives, built by
/// hand with double-checked locking.
///
/// - `get()` returns the value, running the initializer first if no call
///   has finished it yet. Once the value exists, `get()` takes **no lock**:
///   one atomic load with acquire order decides (the first check). Until
///   then callers serialise on a `Mutex` and check again under it (the
///   second check), so that the initializer runs in one thread at a time and
///   succeeds exactly once; a caller that arrives while another runs it
///   waits and returns the same object.
/// - If the initializer throws, `get()` lets the exception out, nothing is
///   stored, and the next `get()` (in any thread, including one that was
///   waiting meanwhile) runs the initializer again: the rule of
///   `std::call_once` and of static local variables ([stmt.dcl]).
/// - `has_value()` says whether the value exists; a thread that sees `true`
///   may call `get()` and read the value without further synchronisation.
/// - The reference `get()` returns stays valid and unchanged as long as the
///   `LazyValue` lives.
///
/// `Mutex` is the lock callers serialise on (std::mutex's `lock`/`unlock`):
/// the hidden tests substitute one that counts the threads blocked in it.
/// Publishing the value through a plain `bool` or a relaxed atomic is a data
/// race that ThreadSanitizer reports.
template <class T, class Mutex = std::mutex> class LazyValue {
public:
  /// Stores `initializer`; does not call it.
  explicit LazyValue([[maybe_unused]] std::function<T()> initializer) {
    throw workbook::not_implemented(__FILE__, "Exercise: lazy_value");
  }
  LazyValue(const LazyValue&) = delete;
  LazyValue& operator=(const LazyValue&) = delete;

  /// The value, computed by the initializer on the first successful call.
  const T& get() { throw workbook::not_implemented(__FILE__, "Exercise: lazy_value"); }

  /// Whether a call to get() has stored the value.
  [[nodiscard]] bool has_value() const { throw workbook::not_implemented(__FILE__, "Exercise: lazy_value"); }

private:
  // Your state: the initializer, a Mutex, a std::optional<T> for the value,
  // and a std::atomic<bool> that says it is there.
};

} // namespace workbook::atomics
