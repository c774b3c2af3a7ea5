// An echo server and its client, both coroutines on one io_context, on
// 127.0.0.1. The client sends three lines and prints what comes back.
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <chrono>
#include <iostream>
#include <string>

using asio::ip::tcp;

namespace {

// [coroutine-session]
asio::awaitable<void> echo(tcp::socket socket) {
  std::array<char, 1024> data{};
  for (;;) {
    std::error_code error;
    const std::size_t n =
        co_await socket.async_read_some(asio::buffer(data), asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      co_return; // asio::error::eof: the client has finished
    }
    co_await asio::async_write(socket, asio::buffer(data.data(), n), asio::use_awaitable);
  }
}
// [coroutine-session]

// [accept-loop]
// Accepts clients, each served by its own echo coroutine. Returns when the
// acceptor is closed; any other error (EMFILE: this process is out of file
// descriptors; ENFILE: the system is; ENOBUFS, ENOMEM) is logged, and the
// loop waits a moment before it accepts again: the connection that could not
// be accepted is still queued, so an immediate retry would fail at once, and
// again, on a busy core.
asio::awaitable<void> listen(tcp::acceptor& acceptor) {
  asio::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    std::error_code error;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
    if (error == asio::error::operation_aborted || !acceptor.is_open()) {
      co_return; // the acceptor was closed: the server is stopping
    }
    if (error) {
      std::cerr << "accept failed: " << error.message() << "; trying again in 100 ms\n";
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, error));
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), echo(std::move(socket)), asio::detached); // don't wait for it
  }
}
// [accept-loop]

// [coroutine-client]
asio::awaitable<void> client(tcp::endpoint server) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(server, asio::use_awaitable);
  std::string reply;
  for (const std::string line : {"hello\n", "from a coroutine\n", "bye\n"}) {
    co_await asio::async_write(socket, asio::buffer(line), asio::use_awaitable);
    const std::size_t n =
        co_await asio::async_read_until(socket, asio::dynamic_buffer(reply), '\n', asio::use_awaitable);
    std::cout << "echoed: " << reply.substr(0, n);
    reply.erase(0, n);
  }
}
// [coroutine-client]

} // namespace

int main() {
  asio::io_context context; // one thread: this one, in run()
  tcp::acceptor acceptor(context, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  asio::co_spawn(context, listen(acceptor), asio::detached);
  // [completion-handler]
  asio::co_spawn(context, client(acceptor.local_endpoint()), [&](std::exception_ptr error) {
    if (error) {
      std::rethrow_exception(error);
    }
    context.stop(); // the server would run forever
  });
  // [completion-handler]
  context.run();
  return 0;
}
