// Exercise: generator — a lazy sequence written as a coroutine, with delegation.
//
// Chapter: chapters/06-async/README.md, section "Exercise: generator".
// Grade it: `./workbook check generator`.
#pragma once

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

template <class T> class Generator {
public:
  struct promise_type {
    T* current = nullptr;                         // the value being yielded (lives in the suspended frame)
    std::coroutine_handle<promise_type> delegate; // the inner generator while delegating
    Generator<T>* delegate_owner = nullptr;
    std::exception_ptr error;

    Generator get_return_object() {
      return Generator(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; } // lazy: nothing runs before begin()
    std::suspend_always final_suspend() noexcept { return {}; }

    std::suspend_always yield_value(T& value) noexcept {
      current = std::addressof(value);
      return {};
    }
    std::suspend_always yield_value(T&& value) noexcept {
      current = std::addressof(value);
      return {};
    }

    // Delegation: the outer frame stays suspended while the inner one runs;
    // when the inner one ends with an exception, it is rethrown here, at the
    // co_yield, where the outer generator may catch it.
    auto yield_value(YieldFrom<T>&& from) noexcept {
      struct Awaiter {
        promise_type& outer;
        Generator<T> inner;
        bool await_ready() noexcept { return false; }
        void await_suspend(std::coroutine_handle<>) noexcept {
          outer.delegate = inner.handle_;
          outer.current = nullptr;
        }
        void await_resume() {
          outer.delegate = {};
          if (inner.handle_ && inner.handle_.promise().error) {
            std::rethrow_exception(inner.handle_.promise().error);
          }
        }
      };
      return Awaiter{*this, std::move(from.inner)};
    }

    void return_void() noexcept {}
    void unhandled_exception() noexcept { error = std::current_exception(); }
    template <class U> void await_transform(U&&) = delete; // a generator never co_awaits
  };

  struct sentinel {};

  class iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using difference_type = std::ptrdiff_t;
    using value_type = std::remove_cvref_t<T>;
    using reference = T&;

    iterator() = default;
    explicit iterator(Generator* owner) : owner_(owner) {}
    reference operator*() const { return owner_->value(); }
    std::remove_reference_t<T>* operator->() const { return std::addressof(owner_->value()); }
    iterator& operator++() {
      owner_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, sentinel) { return it.finished(); }

  private:
    [[nodiscard]] bool finished() const { return owner_ == nullptr || owner_->done(); }

    Generator* owner_ = nullptr;
  };

  Generator() = default;
  Generator(Generator&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Generator& operator=(Generator other) noexcept {
    std::swap(handle_, other.handle_);
    return *this;
  }
  ~Generator() {
    if (handle_) {
      handle_.destroy(); // destroys a suspended frame too: its locals' destructors run
    }
  }

  /// Starts the body and runs it to its first co_yield. Rethrows what the body throws.
  iterator begin() {
    if (handle_ && !started_) {
      started_ = true;
      advance();
    }
    return iterator(this);
  }
  sentinel end() noexcept { return {}; }

private:
  template <class> friend struct YieldFrom;
  friend struct promise_type;
  explicit Generator(std::coroutine_handle<promise_type> handle) : handle_(handle) {}

  [[nodiscard]] bool done() const { return !handle_ || handle_.done(); }

  // The innermost active generator's handle.
  static std::coroutine_handle<promise_type> leaf(std::coroutine_handle<promise_type> h) {
    while (h.promise().delegate) {
      h = h.promise().delegate;
    }
    return h;
  }

  T& value() const { return *leaf(handle_).promise().current; }

  // Runs the innermost generator to its next value. A generator that has
  // just delegated is started in turn; one that has finished hands control
  // back to the generator that delegated to it, whose co_yield then resumes
  // (and rethrows the inner exception, if any, inside the outer body).
  void advance() {
    std::coroutine_handle<promise_type> h = leaf(handle_);
    h.resume();
    for (;;) {
      if (const auto inner = leaf(h); inner != h) {
        h = inner; // h delegated to a generator that has not started yet
        h.resume();
        continue;
      }
      if (!h.done() || h == handle_) {
        break; // a value is ready, or the whole sequence has ended
      }
      std::coroutine_handle<promise_type> parent = handle_;
      while (parent.promise().delegate != h) {
        parent = parent.promise().delegate;
      }
      h = parent;
      h.resume();
    }
    if (handle_.done() && handle_.promise().error) {
      std::rethrow_exception(std::exchange(handle_.promise().error, nullptr));
    }
  }

  std::coroutine_handle<promise_type> handle_;
  bool started_ = false;
};

} // namespace workbook::async
