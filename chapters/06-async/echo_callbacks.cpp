// The same client as echo_coroutines, written with callbacks (completion
// handlers), against the same kind of server. Each step names the next.
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

using asio::ip::tcp;

namespace {

asio::awaitable<void> echo(tcp::socket socket) {
  std::array<char, 1024> data{};
  for (;;) {
    std::error_code error;
    const std::size_t n =
        co_await socket.async_read_some(asio::buffer(data), asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      co_return;
    }
    co_await asio::async_write(socket, asio::buffer(data.data(), n), asio::use_awaitable);
  }
}

// [callback-client]
// The client's state must outlive every callback: it lives in a shared_ptr
// that each pending operation's handler holds (enable_shared_from_this).
class Client : public std::enable_shared_from_this<Client> {
public:
  Client(asio::io_context& context, std::function<void()> done) : socket_(context), done_(std::move(done)) {}

  void start(const tcp::endpoint& server) {
    socket_.async_connect(server, [self = shared_from_this()](std::error_code error) {
      if (!error) {
        self->send_next();
      }
    });
  }

private:
  void send_next() {
    if (next_ == lines_.size()) {
      done_();
      return;
    }
    asio::async_write(socket_, asio::buffer(lines_[next_]),
                      [self = shared_from_this()](std::error_code error, std::size_t) {
                        if (!error) {
                          self->read_reply();
                        }
                      });
  }

  void read_reply() {
    asio::async_read_until(socket_, asio::dynamic_buffer(reply_), '\n',
                           [self = shared_from_this()](std::error_code error, std::size_t n) {
                             if (error) {
                               return;
                             }
                             std::cout << "echoed: " << self->reply_.substr(0, n);
                             self->reply_.erase(0, n);
                             ++self->next_;
                             self->send_next(); // the loop, spelled as a chain of callbacks
                           });
  }

  tcp::socket socket_;
  std::function<void()> done_;
  std::vector<std::string> lines_{"hello\n", "from a callback\n", "bye\n"};
  std::size_t next_ = 0;
  std::string reply_;
};
// [callback-client]

} // namespace

int main() {
  asio::io_context context;
  tcp::acceptor acceptor(context, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  acceptor.async_accept([](std::error_code error, tcp::socket socket) {
    if (!error) {
      asio::co_spawn(socket.get_executor(), echo(std::move(socket)), asio::detached);
    }
  });
  std::make_shared<Client>(context, [&] { context.stop(); })->start(acceptor.local_endpoint());
  context.run();
  return 0;
}
