// threading.Semaphore in C++: std::counting_semaphore guarding a pool of
// two database "connections" shared by five client threads. A client
// acquires a permit before it takes a connection and releases the permit
// after it has put the connection back, so no more than two clients ever
// hold one. The first two clients keep their connections until all five
// have started, so the other three must wait for a permit. The output is
// deterministic.
#include <atomic>
#include <cstdio>
#include <latch>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

namespace {

// [pool]
constexpr int kConnections = 2;
constexpr int kClients = 5;

class ConnectionPool {
public:
  // One permit per connection: the semaphore's initial count is the pool's
  // size, the caller's choice (Python's default of 1 is only a default).
  ConnectionPool() : free_{"connection A", "connection B"} {}

  std::string take() {
    permits_.acquire(); // waits while both connections are out
    std::lock_guard lock(mutex_);
    std::string connection = free_.back();
    free_.pop_back();
    return connection;
  }

  void give_back(std::string connection) {
    {
      std::lock_guard lock(mutex_);
      free_.push_back(std::move(connection));
    }
    permits_.release(); // after the connection is back: a woken client finds it
  }

private:
  std::counting_semaphore<kConnections> permits_{kConnections};
  std::mutex mutex_; // the semaphore counts; the mutex guards the list itself
  std::vector<std::string> free_;
};
// [pool]

} // namespace

int main() {
  // [clients]
  ConnectionPool pool;
  std::atomic<int> in_use{0};
  std::atomic<int> most_in_use{0};
  std::atomic<int> blocked_at_start{0};
  std::latch all_started(kClients);
  std::latch first_two_hold(kConnections);
  {
    std::vector<std::jthread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        const bool early = c < kConnections;
        if (!early) {
          first_two_hold.wait(); // both connections are out: this client must wait for one
          blocked_at_start += 1;
        }
        all_started.count_down();
        std::string connection = pool.take();
        const int now = ++in_use;
        int seen = most_in_use.load();
        while (now > seen && !most_in_use.compare_exchange_weak(seen, now)) {
        }
        if (early) {
          first_two_hold.count_down();
          all_started.wait(); // hold the connection until every client has started
        }
        --in_use;
        pool.give_back(std::move(connection));
      });
    }
  } // every client has been served
  std::printf("%d clients shared %d connections\n", kClients, kConnections);
  std::printf("clients that found both connections out: %d\n", blocked_at_start.load());
  std::printf("most connections in use at once: %d\n", most_in_use.load());
  // [clients]
  return 0;
}
