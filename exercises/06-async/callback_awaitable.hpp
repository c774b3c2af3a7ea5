// Exercise: callback_awaitable — turn a callback API into something you can co_await.
//
// Chapter: chapters/06-async/README.md, section "Exercise: callback_awaitable".
// Grade it: `./workbook check callback_awaitable`.
#pragma once

#include <workbook/not_implemented.hpp>

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

namespace workbook::async {

/// A callback-style library, as many C and C++ libraries are: lookup()
/// returns at once and calls `callback` later, **from a thread of its own**
/// (or, some implementations, immediately inside lookup()). Careless ones
/// even call it twice.
class CallbackLookup {
public:
  using Callback = std::function<void(std::error_code, std::string)>;
  virtual ~CallbackLookup() = default;
  virtual void lookup(std::string key, Callback callback) = 0;
};

/// Awaits `service.lookup(key, ...)` from a coroutine: returns the value the
/// callback delivers, or throws `std::system_error` with its error code.
///
/// - The coroutine resumes **on its own executor** (the io_context thread
///   that runs it), never on the library's thread.
/// - While it waits, the executor's thread is free to run other work.
/// - It resumes exactly once, even if the library calls back immediately
///   inside lookup() or calls back twice (the second call is ignored).
///
/// Build it with `asio::async_initiate<decltype(asio::use_awaitable),
/// void(std::error_code, std::string)>(initiation, asio::use_awaitable, ...)`,
/// Asio's way to make any callback API a first-class asynchronous operation.
inline asio::awaitable<std::string> async_lookup([[maybe_unused]] CallbackLookup& service,
                                                 [[maybe_unused]] std::string key) {
  throw workbook::not_implemented(__FILE__, "Exercise: callback_awaitable");
  co_return std::string();
}

} // namespace workbook::async
