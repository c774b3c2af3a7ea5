// Template instances that many hidden tests need, made once in the graders'
// precompiled header instead of in every part of every grader (clang only,
// see pch.hpp).
//
// The list is measured, not guessed: the instances that took the most
// compile time across the graders built against the solutions (clang's
// -ftime-trace, summed over every translation unit), restricted to those a
// header can name: standard and Catch2 types, no lambda, nothing of an
// exercise. docs/maintaining.md says how to measure it again.
//
// Nothing calls workbook_pch_instances(): using a template in an inline
// function is enough for clang to instantiate it in the header
// (-fpch-instantiate-templates), and with -fpch-codegen to generate its code
// in the header's object, once.
#pragma once

#include "catch.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace workbook::testing::pch {

template <class T> void container_instances(std::vector<T>& values) {
  values.reserve(4);
  values.push_back(values.front());
  values.emplace_back(values.back());
  values.resize(2);
  std::vector<T> copy = values;
  copy.assign(values.begin(), values.end());
  copy = values;
  values.insert(values.end(), copy.begin(), copy.end());
  (void)(values == copy);
  (void)values.rbegin();
  (void)values.empty();
  std::span<const T> view(values);
  (void)view.subspan(0, 1);
}

#if WORKBOOK_CATCH2_MAJOR == 2 // Catch2 2.x's internals, which these name
inline Catch::AssertionHandler assertion_handler() {
  return {"CHECK", Catch::SourceLineInfo("", 0), "", Catch::ResultDisposition::ContinueOnFailure};
}

// What CHECK(a == b) and CHECK(a != b) expand to.
template <class T> void comparison_instances(const T& value) {
  assertion_handler().handleExpr(Catch::Decomposer() <= value == value);
  assertion_handler().handleExpr(Catch::Decomposer() <= value != value);
}

// What INFO(value) and CAPTURE(value) expand to.
template <class T> void message_instances(const T& value) {
  Catch::MessageBuilder("INFO", Catch::SourceLineInfo("", 0), Catch::ResultWas::Info) << value;
}

inline void catch_instances(const std::string& text, const std::vector<int>& ints,
                            const std::vector<std::string>& strings,
                            const std::optional<std::thread::id>& owner) {
  assertion_handler().handleExpr(Catch::Decomposer() <= true); // CHECK(flag)
  comparison_instances(1);
  comparison_instances(std::size_t{1});
  comparison_instances(long{1});
  comparison_instances(true);
  comparison_instances(text);
  comparison_instances(ints);
  comparison_instances(strings);
  comparison_instances(owner);
  message_instances(1);
  message_instances(std::size_t{1});
  message_instances(text);
}
#endif

inline void instances() {
  std::vector<int> ints(3);
  container_instances(ints);
  std::vector<long> longs(3);
  container_instances(longs);
  std::vector<std::size_t> sizes(3);
  container_instances(sizes);
  std::vector<std::string> strings(3);
  container_instances(strings);
  strings.emplace_back("text");
  std::vector<std::thread::id> ids(1);
  container_instances(ids);
  std::vector<std::exception_ptr> errors(3);
  if (errors.front()) {
    std::rethrow_exception(std::exchange(errors.front(), nullptr));
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.emplace_back("a", "b");

  std::vector<std::thread> threads;
  threads.reserve(2);
  threads.emplace_back([] {});
  std::vector<std::jthread> jthreads;
  jthreads.reserve(2);
  jthreads.emplace_back([] {});
  for (auto& thread : threads) {
    thread.join();
  }

  std::set<std::thread::id> seen;
  seen.insert(std::this_thread::get_id());
  std::map<std::thread::id, std::size_t> per_thread;
  ++per_thread[std::this_thread::get_id()];
  std::map<long, long> by_key;
  by_key[1] = 2;
  std::set<int> int_set{1, 2};
  std::optional<std::thread::id> owner = std::this_thread::get_id();
  std::optional<int> maybe_int = 1;
  maybe_int.reset();
  std::optional<std::string> maybe_string = std::string("text");
  maybe_string = std::string("other");

  std::mutex mutex;
  std::condition_variable changed;
  std::condition_variable_any changed_any;
  std::unique_lock lock(mutex);
  using namespace std::chrono_literals;
  changed.wait_for(lock, 1s);
  changed.wait_for(lock, 1ms);
  changed.wait_until(lock, std::chrono::steady_clock::now() + 1ms);
  changed.wait_until(lock, std::chrono::steady_clock::now() + 1s);
  changed_any.wait(lock);
  (void)std::chrono::ceil<std::chrono::nanoseconds>(1s);
  (void)std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now().time_since_epoch());

  std::function<void()> task = [] {};
  task = [] {};
  std::deque<std::function<void()>> tasks;
  tasks.push_back(task);
  tasks.pop_front();
  std::deque<std::pair<std::size_t, std::function<void()>>> numbered;
  numbered.emplace_back(std::size_t{1}, task);
  std::promise<int> promised;
  std::future<int> future = promised.get_future();
  promised.set_value(1);
  (void)future.wait_for(1s);
  std::packaged_task<int()> packaged([] { return 1; });
  std::future<void> done = std::async(std::launch::deferred, [] {});
  (void)done.wait_for(1s);
  std::shared_ptr<void> shared = std::make_shared<int>(1);
  auto unique = std::make_unique<int>(1);

  std::string text = "text";
  std::string_view view = text;
  (void)(text == view);
  (void)text.substr(1);
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::ostringstream out;
  out << text;

  std::mt19937_64 random(1);
  (void)std::uniform_int_distribution<int>(0, 9)(random);

#if WORKBOOK_CATCH2_MAJOR == 2
  catch_instances(text, ints, strings, owner);
#endif
}

} // namespace workbook::testing::pch
