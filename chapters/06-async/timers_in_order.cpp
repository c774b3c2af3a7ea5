// Three timers started in the order 30 ms, 10 ms, 20 ms fire in the order
// of their deadlines, on one thread, while nothing blocks.
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <vector>

int main() {
  using namespace std::chrono_literals;
  asio::io_context context;
  // [timers]
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  for (const auto delay : {30ms, 10ms, 20ms}) {
    auto& timer = timers.emplace_back(std::make_unique<asio::steady_timer>(context, delay));
    timer->async_wait([delay](std::error_code error) {
      if (!error) {
        std::cout << "timer of " << delay.count() << " ms fired\n";
      }
    });
    std::cout << "started a timer of " << delay.count() << " ms\n";
  }
  std::cout << "all started; now run() waits for them\n";
  context.run(); // returns when no work is left
  // [timers]
  return 0;
}
