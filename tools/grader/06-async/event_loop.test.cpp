// Hidden tests for the event_loop exercise. The clock is virtual: nothing
// here sleeps, and a callback "an hour later" runs at once, in its turn.
#include "event_loop.hpp"

#include <catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using workbook::async::EventLoop;
using namespace std::chrono_literals;

TEST_CASE("call_soon runs callbacks in the order they were scheduled", "[event_loop]") {
  EventLoop loop;
  std::string order;
  for (char c : std::string("abcde")) {
    loop.call_soon([&order, c] { order += c; });
  }
  CHECK(order.empty()); // scheduling runs nothing
  loop.run_until_idle();
  CHECK(order == "abcde");
  CHECK(loop.idle());
}

TEST_CASE("a callback scheduled by a running callback waits for the next iteration", "[event_loop]") {
  EventLoop loop;
  std::string order;
  loop.call_soon([&] {
    order += 'A';
    loop.call_soon([&] { order += 'C'; });
  });
  loop.call_soon([&] { order += 'B'; });
  loop.run_until_idle();
  CHECK(order == "ABC");
}

TEST_CASE("timers run by due time and equal times in scheduling order", "[event_loop]") {
  EventLoop loop;
  std::vector<std::string> order;
  loop.call_later(30ms, [&] { order.push_back("30 first"); });
  loop.call_later(10ms, [&] { order.push_back("10"); });
  loop.call_later(30ms, [&] { order.push_back("30 second"); });
  loop.call_later(20ms, [&] { order.push_back("20"); });
  loop.call_soon([&] { order.push_back("soon"); });
  loop.call_later(0ms, [&] { order.push_back("0"); });
  loop.run_until_idle();
  CHECK(order == std::vector<std::string>{"soon", "0", "10", "20", "30 first", "30 second"});
}

TEST_CASE("the virtual clock jumps to each timer's due time", "[event_loop]") {
  EventLoop loop;
  CHECK(loop.time() == 0ms);
  std::vector<EventLoop::TimePoint> seen;
  loop.call_later(std::chrono::hours(1), [&] { seen.push_back(loop.time()); });
  loop.call_later(250ms, [&] {
    seen.push_back(loop.time());
    loop.call_later(100ms, [&] { seen.push_back(loop.time()); }); // relative to now: 350 ms
  });
  loop.run_until_idle(); // an hour of virtual time, no real waiting
  CHECK(seen == std::vector<EventLoop::TimePoint>{250ms, 350ms, std::chrono::hours(1)});
  CHECK(loop.time() == std::chrono::hours(1));
}

TEST_CASE("a due timer waits behind callbacks that were already ready", "[event_loop]") {
  EventLoop loop;
  std::string order;
  loop.call_later(5ms, [&] { order += 'T'; });
  loop.call_soon([&] {
    order += 'a';
    loop.call_soon([&] {
      order += 'b';
      loop.call_soon([&] { order += 'c'; });
    });
  });
  loop.run_until_idle();
  // The clock moves only when nothing is ready: a, b and c all run at 0 ms.
  CHECK(order == "abcT");
}

TEST_CASE("cancel removes a scheduled callback and reports whether it was pending", "[event_loop]") {
  EventLoop loop;
  std::string order;
  const auto soon = loop.call_soon([&] { order += 's'; });
  const auto later = loop.call_later(10ms, [&] { order += 'l'; });
  const auto kept = loop.call_later(20ms, [&] { order += 'k'; });
  EventLoop::Handle victim = 0;
  loop.call_soon([&] { CHECK(loop.cancel(victim)); }); // cancels a callback of the same batch
  victim = loop.call_soon([&] { order += 'v'; });
  CHECK(loop.cancel(soon));
  CHECK(loop.cancel(later));
  CHECK_FALSE(loop.cancel(later)); // not pending any more
  loop.run_until_idle();
  CHECK(order == "k");
  CHECK_FALSE(loop.cancel(kept)); // already ran
  CHECK_FALSE(loop.cancel(987654));
}

TEST_CASE("stop ends the run after the current iteration and run resumes where it stopped", "[event_loop]") {
  EventLoop loop;
  std::string order;
  loop.call_soon([&] {
    order += '1';
    loop.stop();
    loop.call_soon([&] { order += '3'; });
  });
  loop.call_soon([&] { order += '2'; }); // same iteration as the stop: still runs
  loop.run_until_idle();
  CHECK(order == "12");
  CHECK_FALSE(loop.idle());
  loop.run_until_idle();
  CHECK(order == "123");
}

TEST_CASE("stop called when no run is going ends the next run after one iteration", "[event_loop]") {
  EventLoop loop;
  std::string order;
  loop.stop(); // nothing scheduled: the next run returns at once and uses the stop up
  loop.run_until_idle();
  loop.call_soon([&] {
    order += 'a';
    loop.call_soon([&] {
      order += 'b';
      loop.call_soon([&] { order += 'c'; });
    });
  });
  loop.run_until_idle(); // no stop pending any more: runs all three iterations
  CHECK(order == "abc");
  order.clear();
  loop.call_soon([&] {
    order += '1';
    loop.call_soon([&] { order += '2'; });
  });
  loop.stop(); // before the run, as loop.stop() before run_forever() in asyncio
  loop.run_until_idle();
  CHECK(order == "1");
  CHECK_FALSE(loop.idle());
  loop.run_until_idle(); // the stop applied to one run only
  CHECK(order == "12");
}

TEST_CASE("call_at with a time already past runs now and never moves the clock back", "[event_loop]") {
  EventLoop loop;
  std::string order;
  std::vector<EventLoop::TimePoint> seen;
  loop.call_at(-5ms, [&] { // before the loop's own start: due at once
    order += 'p';
    seen.push_back(loop.time());
  });
  loop.call_later(10ms, [&] {
    order += 'a';
    loop.call_later(0ms, [&] { order += 'b'; });
    loop.call_at(3ms, [&] { // 7 ms ago: taken as now, so after b, which was scheduled first
      order += 'c';
      seen.push_back(loop.time());
    });
    loop.call_soon([&] { order += 's'; }); // ready before the due timers
  });
  loop.run_until_idle();
  CHECK(order == "pasbc");
  CHECK(seen == std::vector<EventLoop::TimePoint>{0ms, 10ms});
  CHECK(loop.time() == 10ms);
}

TEST_CASE("run_until stops as soon as its condition holds", "[event_loop]") {
  EventLoop loop;
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    loop.call_later(1s, tick); // forever, like a periodic task
  };
  loop.call_soon(tick);
  loop.run_until([&] { return ticks == 5; });
  CHECK(ticks == 5);
  CHECK(loop.time() == 4s);
}

TEST_CASE("an exception from a callback propagates and the loop keeps what was scheduled", "[event_loop]") {
  EventLoop loop;
  std::string order;
  loop.call_soon([&] { order += 'a'; });
  loop.call_soon([] { throw std::runtime_error("callback failed"); });
  loop.call_soon([&] { order += 'b'; });
  loop.call_later(1ms, [&] { order += 't'; });
  CHECK_THROWS_AS(loop.run_until_idle(), std::runtime_error);
  CHECK(order == "a");
  loop.run_until_idle();
  CHECK(order == "abt");
}

TEST_CASE("bad arguments are rejected with std::invalid_argument", "[event_loop]") {
  EventLoop loop;
  CHECK_THROWS_AS(loop.call_later(-1ms, [] {}), std::invalid_argument);
  CHECK_THROWS_AS(loop.call_soon(EventLoop::Callback{}), std::invalid_argument);
  CHECK(loop.idle());
}
