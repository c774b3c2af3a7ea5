// Exercise: callback_awaitable — turn a callback API into something you can co_await.
//
// Chapter: chapters/06-async/README.md, section "Exercise: callback_awaitable".
// Grade it: `./workbook check callback_awaitable`.
#pragma once

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

class CallbackLookup {
public:
  using Callback = std::function<void(std::error_code, std::string)>;
  virtual ~CallbackLookup() = default;
  virtual void lookup(std::string key, Callback callback) = 0;
};

inline asio::awaitable<std::string> async_lookup(CallbackLookup& service, std::string key) {
  const auto executor = co_await asio::this_coro::executor;
  auto initiation = [&service, executor](auto handler, std::string wanted) {
    // std::function needs a copyable callable and Asio's handler is
    // move-only: share it, and make sure it is called once.
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    auto called = std::make_shared<std::atomic<bool>>(false);
    const auto target = asio::get_associated_executor(*shared, executor);
    service.lookup(std::move(wanted), [shared, called, target](std::error_code error, std::string value) {
      if (called->exchange(true)) {
        return; // a second call of the callback: the coroutine has resumed already
      }
      // The callback runs on the service's thread; the coroutine must
      // resume on its own executor, so post the completion there.
      asio::post(target,
                 [shared, error, value = std::move(value)]() mutable { (*shared)(error, std::move(value)); });
    });
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::error_code, std::string)>(
      initiation, asio::use_awaitable, std::move(key));
}

} // namespace workbook::async
