// Exercise: generator — a lazy sequence written as a coroutine, with delegation.
//
// Chapter: chapters/06-async/README.md, section "Exercise: generator".
// Grade it: `./workbook check generator`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <coroutine>
#include <exception>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>

namespace workbook::async {

template <class T> class Generator;

/// What `co_yield yield_from(inner)` yields: every element of `inner`, in
/// place, the way Python's `yield from` delegates to a sub-generator.
template <class T> struct YieldFrom { Generator<T> inner; };

/// Delegation to `inner` (taken by value: the outer generator owns it).
template <class T> YieldFrom<T> yield_from(Generator<T> inner) {
  return YieldFrom<T>{std::move(inner)};
}

/// A coroutine that produces a sequence of `T` lazily, like a Python
/// generator (GCC 12 has no `std::generator`, which is C++23):
///
///     Generator<int> count_to(int n) { for (int i = 1; i <= n; ++i) co_yield i; }
///     for (int i : count_to(3)) { ... }   // 1, 2, 3
///
/// - **Lazy**: creating the generator runs nothing; `begin()` runs the body
///   to its first `co_yield`; each `++` on the iterator runs it to the next.
/// - **Values by reference**: `*it` is a `T&` to the yielded object itself,
///   which lives in the suspended coroutine until the next `++`; no copy is
///   made, so move-only types work and the consumer may move from `*it`.
/// - **Exceptions**: an exception that escapes the body is rethrown to the
///   consumer from the `begin()` or `++` that resumed it.
/// - **Delegation**: `co_yield yield_from(inner)` yields every element of
///   `inner` in place, then continues after the `co_yield`. If `inner`
///   ends with an exception, it is rethrown *inside the outer body* at that
///   `co_yield` (where a try/catch can handle it), as Python's `yield from`
///   does. Delegation nests to any depth.
/// - **Ownership**: a generator is move-only and owns its coroutine frame;
///   destroying it, finished or not, destroys the frame (and with it the
///   body's locals and any inner generator). A moved-from generator is empty:
///   `begin() == end()`.
///
/// The coroutine machinery lives in `promise_type` (C++20 [dcl.fct.def.coroutine]):
/// the compiler calls `get_return_object`, `initial_suspend`, `yield_value`
/// for each `co_yield`, `unhandled_exception`, `return_void` and
/// `final_suspend`. Replace every body below, and add the members you need.
template <class T> class Generator {
public:
  struct promise_type {
    Generator get_return_object() { throw workbook::not_implemented(__FILE__, "Exercise: generator"); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value([[maybe_unused]] T& value) noexcept { return {}; }
    std::suspend_always yield_value([[maybe_unused]] T&& value) noexcept { return {}; }
    /// `co_yield yield_from(inner)`: return an awaiter that keeps `from.inner`
    /// alive while it runs and rethrows its exception in `await_resume`.
    std::suspend_always yield_value([[maybe_unused]] YieldFrom<T>&& from) noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {}
  };

  struct sentinel {};

  class iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using difference_type = std::ptrdiff_t;
    using value_type = std::remove_cvref_t<T>;
    using reference = T&;

    iterator() = default;
    reference operator*() const { throw workbook::not_implemented(__FILE__, "Exercise: generator"); }
    iterator& operator++() { throw workbook::not_implemented(__FILE__, "Exercise: generator"); }
    void operator++(int) { ++*this; }
    friend bool operator==([[maybe_unused]] const iterator& it, sentinel) {
      throw workbook::not_implemented(__FILE__, "Exercise: generator");
    }
  };

  Generator() = default;
  Generator([[maybe_unused]] Generator&& other) noexcept {}
  Generator& operator=([[maybe_unused]] Generator other) noexcept { return *this; }
  ~Generator() = default;

  /// Starts the body and runs it to its first co_yield; rethrows what the body throws.
  iterator begin() { throw workbook::not_implemented(__FILE__, "Exercise: generator"); }
  sentinel end() noexcept { return {}; }
};

} // namespace workbook::async
