// The scheduler behind workbook::sim (see sim.hpp for the model).
//
// One Execution is one run of the scenario under one schedule. Its simulated
// threads are real OS threads (taken from a pool and given back when they
// finish); the one whose id is `current` holds the baton and runs, the others
// wait on their own condition variable. Every operation of the policy calls
// in here, takes the execution's lock (which also gives ThreadSanitizer the
// happens-before edge of the handover), decides which thread goes next, and
// hands the baton over if that is another thread.
//
// A decision with more than one option is recorded. The explorer replays a
// prefix of decisions and takes option 0 after it (option 0 never costs a
// preemption), then backtracks depth first to the deepest decision with an
// option left. An execution that fails is abandoned, not unwound: its threads
// park for good (see sim.hpp for why).
#include "sim.hpp"

#include "workbook/not_implemented.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace workbook::sim {

namespace {

using Time = std::int64_t; // virtual nanoseconds

enum class State : std::uint8_t { runnable, blocked, finished };
enum class Block : std::uint8_t { none, mutex, condition_variable, atomic_wait, join, sleep, until_blocked };

struct SimThread;
struct Execution;

} // namespace

namespace detail {
struct ThreadHandle {
  Execution* execution = nullptr;
  SimThread* thread = nullptr;
  std::thread::id os_id;
};
} // namespace detail

namespace {

struct SimThread {
  int id = 0;
  std::string name;
  std::condition_variable baton;
  State state = State::runnable;
  Block block = Block::none;
  detail::Object* on = nullptr; // the object it is blocked on
  int on_thread = -1;           // join: the thread it waits for; until_blocked: how many
  bool has_deadline = false;
  Time deadline = 0;
  detail::Wake wake = detail::Wake::notified;
  const std::stop_token* stop = nullptr; // a wait with a stop token: the token
  bool in_stop_request = false;          // running the callbacks of a stop request
  long wait_seq = 0;
  bool detached = false;
  bool joined = false;
  std::function<void()> body;
  std::shared_ptr<detail::ThreadHandle> handle;
};

struct Decision {
  int chosen = 0;
  int count = 0;
};

struct TraceStep {
  long step = 0;
  Time time = 0;
  int thread = 0;
  std::string operation;
};

enum class OptionKind : std::uint8_t { run, spurious, advance };
struct Option {
  OptionKind kind = OptionKind::run;
  int thread = 0;
  int preemptions = 0;
  int spurious = 0;
};

std::string format_time(Time t) {
  std::ostringstream out;
  if (t % 1'000'000 == 0) {
    out << t / 1'000'000 << "ms";
  } else if (t % 1000 == 0) {
    out << static_cast<double>(t) / 1e6 << "ms";
  } else {
    out << t << "ns";
  }
  return out.str();
}

std::string object_name(const detail::Object& object) {
  switch (object.kind) {
  case detail::Kind::mutex: return "mutex " + std::to_string(object.id);
  case detail::Kind::condition_variable: return "condition_variable " + std::to_string(object.id);
  case detail::Kind::atomic: return "atomic " + std::to_string(object.id);
  }
  return "object";
}

// Threads of the pool: an OS thread runs one simulated thread after another.
// Leaked on purpose: parked threads of abandoned executions outlive main.
class Pool {
public:
  struct Worker {
    std::mutex mutex;
    std::condition_variable wake;
    std::function<void()> task;
    std::thread::id id;
  };

  Worker& take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        Worker* worker = idle_.back();
        idle_.pop_back();
        return *worker;
      }
    }
    auto* worker = new Worker; // NOLINT: leaked on purpose, see above
    std::thread os_thread([this, worker] { loop(*worker); });
    worker->id = os_thread.get_id();
    os_thread.detach();
    return *worker;
  }

  static void give(Worker& worker, std::function<void()> task) {
    {
      std::lock_guard lock(worker.mutex);
      worker.task = std::move(task);
    }
    worker.wake.notify_one();
  }

private:
  void loop(Worker& worker) {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(worker.mutex);
        worker.wake.wait(lock, [&] { return static_cast<bool>(worker.task); });
        task = std::move(worker.task);
        worker.task = nullptr;
      }
      task();
      task = nullptr;
      std::lock_guard lock(mutex_);
      idle_.push_back(&worker);
    }
  }

  std::mutex mutex_;
  std::vector<Worker*> idle_;
};

Pool& pool() {
  static Pool* instance = new Pool; // NOLINT: leaked on purpose
  return *instance;
}

std::atomic<std::uint64_t> g_next_serial{1};
std::atomic<long> g_executions{0};
std::atomic<long> g_leaked_threads{0};
std::atomic<bool> g_poisoned{false}; // a thread blocked outside the scheduler may still touch things
int g_explore_calls = 0;

enum class Reason : std::uint8_t { point, yield, blocked, finished };

// Set while a simulated thread runs std::stop_source::request_stop: its
// callbacks (a notify, a lock) are part of the request's step. Switching
// threads inside one would let the thread whose std::stop_callback runs
// destroy it meanwhile, which blocks for real until the callback returns.
thread_local bool tl_in_stop_request = false;

struct Execution : std::enable_shared_from_this<Execution> {
  Execution(const Options& opts, std::uint64_t id) : options(opts), serial(id) {}

  const Options& options;
  const std::uint64_t serial;
  std::mutex mutex; // real: guards everything below and carries the baton
  std::condition_variable done;
  std::vector<std::unique_ptr<SimThread>> threads;
  int current = 0;
  bool over = false;
  Verdict verdict = Verdict::passed;
  std::string headline;
  Time now = 0;
  long steps = 0;
  int preemptions = 0;
  int spurious = 0;
  long wait_seq = 0;
  int objects[3] = {0, 0, 0};
  std::vector<Decision> decisions;
  std::vector<Decision> prefix; // count 0: unknown (a replay token)
  std::mt19937_64* random = nullptr;
  std::vector<TraceStep> trace;
  std::string pending_thread_name;

  void record(const SimThread& thread, std::string operation) {
    trace.push_back({steps, now, thread.id, std::move(operation)});
  }

  void fail(Verdict why, std::string text) {
    if (over) {
      return;
    }
    verdict = why;
    headline = std::move(text);
    over = true;
    done.notify_all();
  }

  // The thread of an abandoned execution waits here for good.
  [[noreturn]] static void park(std::unique_lock<std::mutex>& lock, SimThread& me) {
    g_leaked_threads.fetch_add(1);
    for (;;) {
      me.baton.wait(lock);
    }
  }

  void wait_for_baton(std::unique_lock<std::mutex>& lock, SimThread& me) {
    while (current != me.id || over) {
      if (over) {
        park(lock, me);
      }
      me.baton.wait(lock);
    }
  }

  [[noreturn]] void misuse(std::unique_lock<std::mutex>& lock, SimThread& me, const std::string& text) {
    record(me, "undefined behaviour: " + text);
    fail(Verdict::misuse, "thread \"" + me.name + "\" " + text);
    park(lock, me);
  }

  std::vector<int> waiters(const detail::Object* on, Block kind) const {
    std::vector<const SimThread*> found;
    for (const auto& t : threads) {
      if (t->state == State::blocked && t->block == kind && t->on == on) {
        found.push_back(t.get());
      }
    }
    std::sort(found.begin(), found.end(),
              [](const SimThread* a, const SimThread* b) { return a->wait_seq < b->wait_seq; });
    std::vector<int> ids;
    for (const auto* t : found) {
      ids.push_back(t->id);
    }
    return ids;
  }

  void wake(SimThread& t, detail::Wake how) {
    t.state = State::runnable;
    t.wake = how;
    t.block = Block::none;
    t.on = nullptr;
    t.has_deadline = false;
    t.stop = nullptr;
  }

  int decide(int count) {
    if (count <= 1) {
      return 0;
    }
    const std::size_t index = decisions.size();
    int chosen = 0;
    if (index < prefix.size()) {
      chosen = prefix[index].chosen;
      if ((prefix[index].count != 0 && prefix[index].count != count) || chosen >= count) {
        fail(Verdict::nondeterministic,
             prefix[index].count == 0
                 ? "the replay token does not fit this scenario (decision " + std::to_string(index + 1) +
                       " has " + std::to_string(count) + " options): was it made by another test case?"
                 : "the scenario did not repeat itself under the same schedule: it depends on something "
                   "besides the schedule (real time, randomness, or state kept from an earlier execution)");
        chosen = 0;
      }
    } else if (random != nullptr) {
      chosen = static_cast<int>((*random)() % static_cast<std::uint64_t>(count));
    }
    decisions.push_back({chosen, count});
    return chosen;
  }

  std::optional<Time> earliest_deadline() const {
    std::optional<Time> earliest;
    for (const auto& t : threads) {
      if (t->state == State::blocked && t->has_deadline && (!earliest || t->deadline < *earliest)) {
        earliest = t->deadline;
      }
    }
    return earliest;
  }

  std::string describe_block(const SimThread& t) const {
    switch (t.block) {
    case Block::mutex:
      return "lock(" + object_name(*t.on) + "), held by \"" +
             (t.on->owner >= 0 ? threads[static_cast<std::size_t>(t.on->owner)]->name
                               : std::string("nobody")) +
             "\"";
    case Block::condition_variable:
      return "a wait on " + object_name(*t.on) + (t.has_deadline ? " until " + format_time(t.deadline) : "");
    case Block::atomic_wait: return "a wait on " + object_name(*t.on);
    case Block::join: return "join(\"" + threads[static_cast<std::size_t>(t.on_thread)]->name + "\")";
    case Block::sleep: return "a sleep until " + format_time(t.deadline);
    case Block::until_blocked:
      return "the test's wait until " + std::to_string(t.on_thread) +
             (t.on_thread == 1 ? " other thread is blocked" : " other threads are blocked");
    case Block::none: break;
    }
    return "nothing";
  }

  std::vector<Option> options_for(const SimThread& me, Reason reason) const {
    std::vector<Option> all;
    const int n = static_cast<int>(threads.size());
    std::vector<int> others; // runnable threads other than me, round robin from me
    for (int k = 1; k <= n; ++k) {
      const int id = (me.id + k) % n;
      if (id != me.id && threads[static_cast<std::size_t>(id)]->state == State::runnable) {
        others.push_back(id);
      }
    }
    std::vector<int> sleepers; // may wake spuriously
    for (const auto& t : threads) {
      if (t->state == State::blocked && t->block == Block::condition_variable) {
        sleepers.push_back(t->id);
      }
    }
    const auto deadline = earliest_deadline();
    const bool me_runs = me.state == State::runnable;
    if (reason == Reason::point) {
      all.push_back({OptionKind::run, me.id, 0, 0});
      std::sort(others.begin(), others.end());
      for (const int id : others) {
        all.push_back({OptionKind::run, id, 1, 0});
      }
    } else if (reason == Reason::yield) {
      for (std::size_t k = 0; k < others.size(); ++k) {
        all.push_back({OptionKind::run, others[k], k == 0 ? 0 : 1, 0});
      }
      all.push_back({OptionKind::run, me.id, others.empty() ? 0 : 1, 0});
    } else {
      std::sort(others.begin(), others.end());
      for (const int id : others) {
        all.push_back({OptionKind::run, id, 0, 0});
      }
      if (others.empty() && deadline) {
        all.push_back({OptionKind::advance, -1, 0, 0});
      }
    }
    const int cost = me_runs ? 1 : 0;
    if (!others.empty() || me_runs || deadline) {
      for (const int id : sleepers) {
        all.push_back({OptionKind::spurious, id, cost, 1});
      }
    }
    if (me_runs && deadline && options.time_passes_while_runnable) {
      all.push_back({OptionKind::advance, -1, 1, 0});
    }
    std::vector<Option> allowed;
    for (const auto& option : all) {
      if (preemptions + option.preemptions <= options.preemption_bound &&
          spurious + option.spurious <= options.spurious_wakeups) {
        allowed.push_back(option);
      }
    }
    return allowed;
  }

  // The heart: one scheduling point of `me`, which holds the baton.
  void reschedule(std::unique_lock<std::mutex>& lock, SimThread& me, Reason reason) {
    if (over) {
      park(lock, me);
    }
    if (++steps > options.step_budget) {
      std::string running;
      for (const auto& t : threads) {
        if (t->state == State::runnable) {
          running += (running.empty() ? "\"" : ", \"") + t->name + "\"";
        }
      }
      fail(Verdict::step_budget, "the scenario ran " + std::to_string(options.step_budget) +
                                     " steps without ending, with " + running +
                                     " still able to run: a busy wait (a loop that polls instead of waiting "
                                     "on a condition variable) or a livelock");
      if (me.state == State::finished) {
        return;
      }
      park(lock, me);
    }
    wake_awaiters();
    if (tl_in_stop_request && me.state == State::runnable && reason == Reason::point) {
      return; // inside a stop request's callbacks: no switch (see tl_in_stop_request)
    }
    const auto options_now = options_for(me, reason);
    if (options_now.empty()) {
      std::string where;
      for (const auto& t : threads) {
        if (t->state == State::blocked) {
          where += "\n  \"" + t->name + "\" is blocked in " + describe_block(*t);
        }
      }
      fail(Verdict::deadlock, "no thread can run and no deadline is pending:" + where);
      if (me.state == State::finished) {
        return;
      }
      park(lock, me);
    }
    const Option& option =
        options_now[static_cast<std::size_t>(decide(static_cast<int>(options_now.size())))];
    if (over) { // decide() found the schedule did not repeat itself
      if (me.state == State::finished) {
        return;
      }
      park(lock, me);
    }
    preemptions += option.preemptions;
    spurious += option.spurious;
    switch (option.kind) {
    case OptionKind::run:
      if (option.preemptions > 0) {
        record(me, option.thread == me.id ? "yields, and runs on: the others wait"
                                          : "is preempted: \"" + name_of(option.thread) + "\" runs");
      }
      current = option.thread;
      break;
    case OptionKind::spurious: {
      auto& sleeper = *threads[static_cast<std::size_t>(option.thread)];
      const bool nobody_runs = me.state != State::runnable &&
                               std::none_of(threads.begin(), threads.end(),
                                            [](const auto& t) { return t->state == State::runnable; });
      if (nobody_runs) { // half way to the earliest deadline: later than now, sooner than any timeout
        const auto deadline = earliest_deadline();
        now += (*deadline - now) / 2;
      }
      wake(sleeper, detail::Wake::spurious);
      current = sleeper.id;
      break;
    }
    case OptionKind::advance: {
      now = *earliest_deadline();
      trace.push_back({steps, now, -1, "time passes: the clock reads " + format_time(now)});
      int first = -1;
      for (const auto& t : threads) {
        if (t->state == State::blocked && t->has_deadline && t->deadline <= now) {
          wake(*t, detail::Wake::timeout);
          if (first < 0) {
            first = t->id;
          }
        }
      }
      current = first;
      break;
    }
    }
    if (current != me.id) {
      threads[static_cast<std::size_t>(current)]->baton.notify_one();
      if (me.state != State::finished) {
        wait_for_baton(lock, me);
      }
    }
  }

  // A thread that blocked inside a stop request's callbacks (a callback
  // that locks a mutex) and can run again goes on at once, before the thread
  // that woke it reaches its next operation: that thread may be about to
  // destroy the std::stop_callback, and ~stop_callback waits for a running
  // callback for real, where the scheduler cannot see it.
  void yield_to_stop_request(std::unique_lock<std::mutex>& lock, SimThread& me) {
    for (const auto& t : threads) {
      if (t.get() != &me && t->in_stop_request && t->state == State::runnable) {
        record(me, "lets \"" + t->name + "\" finish its stop request");
        current = t->id;
        t->baton.notify_one();
        wait_for_baton(lock, me);
        return;
      }
    }
  }

  // Threads in sim::await_blocked(n) whose n other threads are blocked now.
  void wake_awaiters() {
    for (const auto& awaiter : threads) {
      if (awaiter->state != State::blocked || awaiter->block != Block::until_blocked) {
        continue;
      }
      int blocked = 0;
      for (const auto& t : threads) {
        blocked += t.get() != awaiter.get() && t->state == State::blocked && t->block != Block::until_blocked
                       ? 1
                       : 0;
      }
      if (blocked >= awaiter->on_thread) {
        wake(*awaiter, detail::Wake::notified);
      }
    }
  }

  void block(std::unique_lock<std::mutex>& lock, SimThread& me) {
    me.state = State::blocked;
    me.wait_seq = ++wait_seq;
    reschedule(lock, me, Reason::blocked);
  }

  const std::string& name_of(int id) const { return threads[static_cast<std::size_t>(id)]->name; }
};

thread_local Execution* tl_execution = nullptr;
thread_local SimThread* tl_self = nullptr;
thread_local bool tl_quiet_unlock = false;

struct Entered {
  Execution& execution;
  SimThread& self;
  std::unique_lock<std::mutex> lock;
};

Entered enter(const char* what) {
  Execution* execution = tl_execution;
  if (execution == nullptr || tl_self == nullptr) {
    throw std::logic_error(std::string("workbook::sim: ") + what +
                           " on a thread that sim::explore did not start (create and use simulated "
                           "objects inside the scenario, on Sync's threads)");
  }
  return Entered{*execution, *tl_self, std::unique_lock(execution->mutex)};
}

Entered enter(detail::Object& object, const char* what) {
  auto entered = enter(what);
  if (object.execution != entered.execution.serial) {
    entered.execution.misuse(entered.lock, entered.self,
                             "uses " + object_name(object) +
                                 " created outside this execution (create every simulated object inside "
                                 "the scenario, so that each execution starts afresh)");
  }
  return entered;
}

void run_thread(const std::shared_ptr<Execution>& execution, SimThread& self) {
  tl_execution = execution.get();
  tl_self = &self;
  {
    std::unique_lock lock(execution->mutex);
    execution->wait_for_baton(lock, self);
  }
  std::string escaped;
  try {
    self.body();
  } catch (const workbook::not_implemented& error) {
    escaped = error.what();
  } catch (const std::exception& error) {
    escaped = error.what();
  } catch (...) {
    escaped = "an exception of a type that is not a std::exception";
  }
  try {
    self.body = nullptr; // the callable's captures die while the baton is held
  } catch (...) {
    escaped = escaped.empty() ? "an exception from a destructor" : escaped;
  }
  std::unique_lock lock(execution->mutex);
  if (!escaped.empty()) {
    execution->record(self, "exception escapes: " + escaped);
    execution->fail(Verdict::exception, "an exception escaped thread \"" + self.name + "\": " + escaped);
  } else if (!execution->over) {
    self.state = State::finished;
    execution->record(self, "finishes");
    for (const int id : execution->waiters(nullptr, Block::join)) {
      auto& joiner = *execution->threads[static_cast<std::size_t>(id)];
      if (joiner.on_thread == self.id) {
        execution->wake(joiner, detail::Wake::notified);
      }
    }
    if (self.id == 0) { // the scenario's end
      std::string running;
      for (const auto& t : execution->threads) {
        if (t->state != State::finished) {
          running += "\n  \"" + t->name + "\" " +
                     (t->state == State::blocked ? "is blocked in " + execution->describe_block(*t)
                                                 : std::string("could still run"));
        }
      }
      if (!running.empty()) {
        execution->fail(Verdict::still_running,
                        "the scenario ended while threads were still running:" + running);
      } else {
        execution->over = true;
        execution->done.notify_all();
      }
    } else {
      execution->reschedule(lock, self, Reason::finished);
    }
  }
  tl_execution = nullptr;
  tl_self = nullptr;
}

} // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
  case Verdict::passed: return "passed";
  case Verdict::check_failed: return "check failed";
  case Verdict::exception: return "exception";
  case Verdict::deadlock: return "deadlock";
  case Verdict::step_budget: return "step budget exceeded";
  case Verdict::still_running: return "thread still running";
  case Verdict::blocked_outside: return "blocked outside the scheduler";
  case Verdict::misuse: return "undefined behaviour";
  case Verdict::nondeterministic: return "not deterministic";
  }
  return "?";
}

namespace detail {

void register_object(Object& object, Kind kind) {
  auto [execution, self, lock] = enter("a simulated object was created");
  object.execution = execution.serial;
  object.kind = kind;
  object.id = ++execution.objects[static_cast<int>(kind)];
}

void unregister_object(Object& object) noexcept {
  Execution* execution = tl_execution;
  if (execution == nullptr || tl_self == nullptr || object.execution != execution->serial) {
    return;
  }
  std::unique_lock lock(execution->mutex);
  if (execution->over) {
    return;
  }
  if (object.kind == Kind::mutex && object.owner >= 0) {
    execution->misuse(lock, *tl_self,
                      "destroys " + object_name(object) + " while \"" + execution->name_of(object.owner) +
                          "\" holds it");
  }
  if (object.kind == Kind::condition_variable &&
      !execution->waiters(&object, Block::condition_variable).empty()) {
    execution->misuse(lock, *tl_self, "destroys " + object_name(object) + " while threads wait on it");
  }
}

void mutex_lock(Object& mutex) {
  auto [execution, self, lock] = enter(mutex, "mutex::lock");
  execution.reschedule(lock, self, Reason::point);
  if (mutex.owner == self.id) {
    execution.misuse(lock, self,
                     "locks " + object_name(mutex) +
                         ", which it already holds (undefined behaviour for std::mutex; in practice it waits "
                         "for ever)");
  }
  while (mutex.owner >= 0) {
    execution.record(self, "lock " + object_name(mutex) + ": held by \"" + execution.name_of(mutex.owner) +
                               "\", waits");
    self.block = Block::mutex;
    self.on = &mutex;
    execution.block(lock, self);
  }
  mutex.owner = self.id;
  execution.record(self, "lock " + object_name(mutex));
}

bool mutex_try_lock(Object& mutex) {
  auto [execution, self, lock] = enter(mutex, "mutex::try_lock");
  execution.reschedule(lock, self, Reason::point);
  if (mutex.owner == self.id) {
    execution.misuse(lock, self, "calls try_lock on " + object_name(mutex) + ", which it already holds");
  }
  if (mutex.owner >= 0) {
    execution.record(self, "try_lock " + object_name(mutex) + ": held by \"" +
                               execution.name_of(mutex.owner) + "\", fails");
    return false;
  }
  mutex.owner = self.id;
  execution.record(self, "try_lock " + object_name(mutex) + ": locks it");
  return true;
}

void mutex_unlock(Object& mutex) {
  auto [execution, self, lock] = enter(mutex, "mutex::unlock");
  const bool quiet = tl_quiet_unlock;
  if (!quiet) {
    execution.reschedule(lock, self, Reason::point);
  }
  if (mutex.owner != self.id) {
    execution.misuse(lock, self,
                     "unlocks " + object_name(mutex) + ", which " +
                         (mutex.owner < 0 ? std::string("nobody holds")
                                          : "\"" + execution.name_of(mutex.owner) + "\" holds") +
                         " (undefined behaviour)");
  }
  mutex.owner = -1;
  if (!quiet) {
    execution.record(self, "unlock " + object_name(mutex));
  }
  for (const int id : execution.waiters(&mutex, Block::mutex)) {
    execution.wake(*execution.threads[static_cast<std::size_t>(id)], Wake::notified);
  }
  if (!quiet) {
    execution.yield_to_stop_request(lock, self);
  }
}

Wake cv_wait(Object& cv, const std::function<void()>& unlock, const std::int64_t* deadline_ns,
             const std::stop_token* stop) {
  {
    auto [execution, self, lock] = enter(cv, "condition_variable::wait");
    execution.reschedule(lock, self, Reason::point);
    // A stop request is made while its requester holds the baton, so no stop
    // can come between this check and the block below.
    if (stop != nullptr && stop->stop_requested()) {
      execution.record(self, "wait on " + object_name(cv) + ": a stop has been requested, returns");
      return Wake::stop;
    }
    if (deadline_ns != nullptr && *deadline_ns <= execution.now) {
      execution.record(self, "wait_until on " + object_name(cv) + ": the deadline " +
                                 format_time(*deadline_ns) + " has passed, returns timeout");
      return Wake::timeout;
    }
    self.block = Block::condition_variable;
    self.on = &cv;
    self.has_deadline = deadline_ns != nullptr;
    self.deadline = deadline_ns != nullptr ? *deadline_ns : 0;
    self.stop = stop;
    execution.record(self, (deadline_ns != nullptr ? "wait_until " + format_time(*deadline_ns) + " on "
                                                   : std::string("wait on ")) +
                               object_name(cv) + (stop != nullptr ? " or a stop" : "") +
                               " (unlocks the mutex)");
  }
  tl_quiet_unlock = true; // release and block are one step: no scheduling point between them
  try {
    unlock();
  } catch (...) {
    tl_quiet_unlock = false;
    throw;
  }
  tl_quiet_unlock = false;
  auto [execution, self, lock] = enter(cv, "condition_variable::wait");
  execution.block(lock, self);
  const Wake how = self.wake;
  execution.record(self, how == Wake::notified   ? "wakes up (notified) on " + object_name(cv)
                         : how == Wake::spurious ? "wakes up spuriously on " + object_name(cv)
                         : how == Wake::stop
                             ? "wakes up on " + object_name(cv) + ": a stop was requested"
                             : "times out on " + object_name(cv) + " at " + format_time(execution.now));
  return how;
}

void cv_notify_stop(Object& cv) noexcept {
  Execution* current = tl_execution;
  if (current == nullptr || tl_self == nullptr || cv.execution != current->serial) {
    return; // not a simulated thread of this execution: nothing of it can be waiting
  }
  std::unique_lock lock(current->mutex);
  if (current->over) {
    return;
  }
  std::string woken;
  for (const int id : current->waiters(&cv, Block::condition_variable)) {
    auto& waiter = *current->threads[static_cast<std::size_t>(id)];
    if (waiter.stop != nullptr && waiter.stop->stop_requested()) {
      current->wake(waiter, Wake::stop);
      woken += (woken.empty() ? "\"" : ", \"") + waiter.name + "\"";
    }
  }
  if (!woken.empty()) {
    current->record(*tl_self, "the stop request wakes " + woken + " on " + object_name(cv));
  }
}

bool request_stop(std::stop_source& source, const std::shared_ptr<ThreadHandle>& target) noexcept {
  {
    auto [execution, self, lock] = enter("jthread::request_stop");
    execution.reschedule(lock, self, Reason::point);
    execution.record(self, target ? "request_stop \"" + target->thread->name + "\""
                                  : std::string("request_stop (of a jthread with no thread)"));
  }
  // The callbacks take the execution's lock themselves; while they run, the
  // requester keeps the baton (see Execution::reschedule).
  tl_in_stop_request = true;
  tl_self->in_stop_request = true; // written by the baton's holder only
  const bool made = source.request_stop();
  tl_self->in_stop_request = false;
  tl_in_stop_request = false;
  return made;
}

void cv_notify(Object& cv, bool all) noexcept {
  auto [execution, self, lock] = enter(cv, "condition_variable::notify");
  execution.reschedule(lock, self, Reason::point);
  const auto waiting = execution.waiters(&cv, Block::condition_variable);
  const std::string what = std::string(all ? "notify_all " : "notify_one ") + object_name(cv);
  if (waiting.empty()) {
    execution.record(self, what + ": nobody waits");
    return;
  }
  if (all) {
    std::string woken;
    for (const int id : waiting) {
      execution.wake(*execution.threads[static_cast<std::size_t>(id)], Wake::notified);
      woken += (woken.empty() ? "\"" : ", \"") + execution.name_of(id) + "\"";
    }
    execution.record(self, what + ": wakes " + woken);
    return;
  }
  const int chosen = waiting[static_cast<std::size_t>(execution.decide(static_cast<int>(waiting.size())))];
  execution.wake(*execution.threads[static_cast<std::size_t>(chosen)], Wake::notified);
  execution.record(self,
                   what + ": wakes \"" + execution.name_of(chosen) + "\"" +
                       (waiting.size() > 1 ? " (of " + std::to_string(waiting.size()) + " waiting)" : ""));
}

void foreign_clock_deadline(std::string_view clock_name) {
  auto [execution, self, lock] = enter("condition_variable::wait_until");
  execution.misuse(
      lock, self,
      "waits until a deadline on " + std::string(clock_name) +
          ": under the grader's scheduler only Sync::clock's time passes (write Sync::clock::now() "
          "+ timeout)");
}

void atomic_point(Object& atomic, const char* what) {
  auto [execution, self, lock] = enter(atomic, "atomic operation");
  execution.reschedule(lock, self, Reason::point);
  execution.record(self, std::string(what) + " " + object_name(atomic));
}

void atomic_block(Object& atomic) {
  auto [execution, self, lock] = enter(atomic, "atomic::wait");
  execution.record(self, "wait on " + object_name(atomic));
  self.block = Block::atomic_wait;
  self.on = &atomic;
  execution.block(lock, self);
}

void atomic_notify(Object& atomic, bool all) {
  auto [execution, self, lock] = enter(atomic, "atomic::notify");
  execution.reschedule(lock, self, Reason::point);
  const auto waiting = execution.waiters(&atomic, Block::atomic_wait);
  execution.record(self, std::string(all ? "notify_all " : "notify_one ") + object_name(atomic) +
                             (waiting.empty() ? ": nobody waits" : ""));
  for (std::size_t k = 0; k < waiting.size() && (all || k == 0); ++k) {
    execution.wake(*execution.threads[static_cast<std::size_t>(waiting[k])], Wake::notified);
  }
}

std::shared_ptr<ThreadHandle> spawn(std::function<void()> body) {
  auto [execution, self, lock] = enter("a thread was started");
  execution.reschedule(lock, self, Reason::point);
  auto owned = std::make_unique<SimThread>();
  SimThread& thread = *owned;
  thread.id = static_cast<int>(execution.threads.size());
  thread.name = execution.pending_thread_name.empty() ? "thread " + std::to_string(thread.id)
                                                      : std::move(execution.pending_thread_name);
  execution.pending_thread_name.clear();
  thread.body = std::move(body);
  auto handle = std::make_shared<ThreadHandle>();
  handle->execution = &execution;
  handle->thread = &thread;
  thread.handle = handle;
  execution.threads.push_back(std::move(owned));
  execution.record(self, "starts \"" + thread.name + "\"");
  auto& worker = pool().take();
  handle->os_id = worker.id;
  // The worker keeps the execution alive while it runs a thread of it.
  auto keep = execution.shared_from_this();
  Pool::give(worker, [keep, &thread] { run_thread(keep, thread); });
  return handle;
}

void join(const std::shared_ptr<ThreadHandle>& handle) {
  auto [execution, self, lock] = enter("thread::join");
  if (!handle) {
    execution.misuse(lock, self, "joins a thread that is not joinable (std::system_error)");
  }
  execution.reschedule(lock, self, Reason::point);
  SimThread& target = *handle->thread;
  if (&target == &self) {
    execution.misuse(lock, self, "joins itself (std::system_error: resource_deadlock_would_occur)");
  }
  if (target.state != State::finished) {
    execution.record(self, "join \"" + target.name + "\": waits for it to finish");
    self.block = Block::join;
    self.on_thread = target.id;
    execution.block(lock, self);
  }
  target.joined = true;
  execution.record(self, "join \"" + target.name + "\"");
}

void detach(const std::shared_ptr<ThreadHandle>& handle) {
  auto [execution, self, lock] = enter("thread::detach");
  if (!handle) {
    execution.misuse(lock, self, "detaches a thread that is not joinable (std::system_error)");
  }
  execution.reschedule(lock, self, Reason::point);
  handle->thread->detached = true;
  execution.record(self, "detach \"" + handle->thread->name + "\"");
}

std::thread::id os_id(const std::shared_ptr<ThreadHandle>& handle) {
  return handle->os_id;
}

void destroyed_joinable() {
  auto [execution, self, lock] = enter("~thread");
  execution.misuse(lock, self,
                   "destroys a std::thread that is still joinable: std::terminate would end the program");
}

void yield() {
  auto [execution, self, lock] = enter("this_thread::yield");
  execution.record(self, "yield");
  execution.reschedule(lock, self, Reason::yield);
}

void sleep_until_ns(std::int64_t deadline_ns) {
  auto [execution, self, lock] = enter("this_thread::sleep");
  execution.reschedule(lock, self, Reason::point);
  if (deadline_ns <= execution.now) {
    execution.record(self, "sleep: " + format_time(deadline_ns) + " has passed, returns");
    return;
  }
  execution.record(self, "sleep until " + format_time(deadline_ns));
  self.block = Block::sleep;
  self.has_deadline = true;
  self.deadline = deadline_ns;
  execution.block(lock, self);
  execution.record(self, "wakes up from its sleep");
}

std::int64_t now_ns() noexcept {
  // Only the thread holding the baton runs, and the clock moves only inside
  // the scheduler while that thread waits: no lock needed to read it.
  return tl_execution != nullptr ? tl_execution->now : 0;
}

} // namespace detail

void check(bool condition, std::string_view what, const char* file_name, int line) {
  if (condition) {
    return;
  }
  auto [execution, self, lock] = enter("sim::check");
  std::string file = file_name;
  if (const auto slash = file.rfind('/'); slash != std::string::npos) {
    file = file.substr(slash + 1);
  }
  execution.record(self, "check fails: " + std::string(what));
  execution.fail(Verdict::check_failed, "in thread \"" + self.name + "\": " + std::string(what) + " (" +
                                            file + ":" + std::to_string(line) + ")");
  Execution::park(lock, self);
}

void note(std::string_view text) {
  auto [execution, self, lock] = enter("sim::note");
  execution.record(self, std::string(text));
}

void name_next_thread(std::string name) {
  auto [execution, self, lock] = enter("sim::name_next_thread");
  execution.pending_thread_name = std::move(name);
}

long executions_so_far() {
  return g_executions.load();
}

bool await_blocked(int count) {
  auto [execution, self, lock] = enter("sim::await_blocked");
  self.block = Block::until_blocked;
  self.on_thread = count;
  execution.record(self, "waits until " + std::to_string(count) +
                             (count == 1 ? " other thread is blocked" : " other threads are blocked"));
  execution.block(lock, self);
  return true;
}

namespace {

[[noreturn]] void end_blocked_outside(const Execution& execution);

std::shared_ptr<Execution> run_once(const Options& options, const std::function<void()>& scenario,
                                    std::vector<Decision> prefix, std::mt19937_64* random) {
  auto execution = std::make_shared<Execution>(options, g_next_serial++);
  execution->prefix = std::move(prefix);
  execution->random = random;
  auto owned = std::make_unique<SimThread>();
  SimThread& main = *owned;
  main.name = "main";
  main.body = [&scenario] { scenario(); };
  execution->threads.push_back(std::move(owned));
  execution->current = 0;
  auto& worker = pool().take();
  Pool::give(worker, [execution, &main] { run_thread(execution, main); });

  std::unique_lock lock(execution->mutex);
  long last_steps = -1;
  auto last_progress = std::chrono::steady_clock::now();
  while (!execution->over) {
    execution->done.wait_for(lock, std::chrono::milliseconds(50));
    const auto real_now = std::chrono::steady_clock::now();
    if (execution->steps != last_steps) {
      last_steps = execution->steps;
      last_progress = real_now;
    } else if (!execution->over && real_now - last_progress > options.blocked_outside_after) {
      const auto& stuck = *execution->threads[static_cast<std::size_t>(execution->current)];
      std::string last = "its start";
      for (auto it = execution->trace.rbegin(); it != execution->trace.rend(); ++it) {
        if (it->thread == stuck.id) {
          last = "\"" + it->operation + "\"";
          break;
        }
      }
      g_poisoned = true;
      execution->fail(Verdict::blocked_outside,
                      "thread \"" + stuck.name + "\" has not come back to the scheduler for " +
                          std::to_string(options.blocked_outside_after.count()) + " ms of real time since " +
                          last +
                          ": it is blocked outside the scheduler, on something Sync does not provide (a "
                          "std::mutex, a std::condition_variable, a real sleep, std::future::get), or it "
                          "loops without calling any of Sync's operations. Under the grader's scheduler "
                          "every wait must go through Sync.");
      // The stuck thread may wake up at any time and touch the scenario's
      // objects, which live on stacks that returning from here would reuse:
      // end the run instead, as the watchdog does for a real deadlock.
      end_blocked_outside(*execution);
    }
  }
  g_executions.fetch_add(1);
  return execution;
}

std::string encode(const std::vector<Decision>& decisions) {
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string text;
  for (const auto& d : decisions) {
    text += d.chosen < 36 ? digits[d.chosen] : '_';
  }
  while (!text.empty() && text.back() == '0') { // after the token, every choice is the first
    text.pop_back();
  }
  return text;
}

std::optional<std::vector<Decision>> decode(std::string_view text) {
  std::vector<Decision> decisions;
  for (const char c : text) {
    int value = 0;
    if (c >= '0' && c <= '9') {
      value = c - '0';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    decisions.push_back({value, 0});
  }
  return decisions;
}

std::string format_trace(const Execution& execution) {
  std::size_t width = 7;
  for (const auto& t : execution.threads) {
    width = std::max(width, t->name.size());
  }
  std::ostringstream out;
  auto pad = [](std::string text, std::size_t n, bool right) {
    if (text.size() < n) {
      text = right ? std::string(n - text.size(), ' ') + text : text + std::string(n - text.size(), ' ');
    }
    return text;
  };
  out << "  " << pad("step", 5, true) << "  " << pad("time", 6, true) << "  " << pad("thread", width, false)
      << "  operation\n";
  const auto& trace = execution.trace;
  constexpr std::size_t kHead = 20;
  constexpr std::size_t kTail = 80;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (trace.size() > kHead + kTail && i == kHead) {
      out << "  ... " << trace.size() - kHead - kTail << " steps left out ...\n";
      i = trace.size() - kTail;
    }
    const auto& step = trace[i];
    out << "  " << pad(std::to_string(i + 1), 5, true) << "  " << pad(format_time(step.time), 6, true) << "  "
        << pad(step.thread < 0 ? std::string("(clock)")
                               : execution.threads[static_cast<std::size_t>(step.thread)]->name,
               width, false)
        << "  " << step.operation << "\n";
  }
  return out.str();
}

Result to_result(const Execution& execution, int call, long executions, bool exhausted) {
  Result result;
  result.verdict = execution.verdict;
  result.headline = execution.headline;
  result.trace = format_trace(execution);
  result.token = "E" + std::to_string(call) + "-" + encode(execution.decisions);
  result.executions = executions;
  result.exhausted = exhausted;
  result.steps = static_cast<long>(execution.trace.size());
  if (!result.passed()) {
    std::ostringstream about;
    about << "The schedule (" << execution.trace.size()
          << (execution.trace.size() == 1 ? " step, " : " steps, ") << execution.preemptions << " preemption"
          << (execution.preemptions == 1 ? "" : "s") << ", " << execution.spurious << " spurious wakeup"
          << (execution.spurious == 1 ? "" : "s") << "; the shortest failing one of " << executions
          << " executions explored):\n";
    result.trace = about.str() + result.trace;
  }
  return result;
}

void end_blocked_outside(const Execution& execution) {
  const auto result = to_result(execution, g_explore_calls - 1, g_executions.load() + 1, false);
  std::fprintf(stdout, "\n%s", result.report().c_str());
  std::fprintf(stdout, "workbook sim: the test run ends here: a thread blocked outside the scheduler cannot "
                       "be stopped safely.\n");
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(kBlockedOutsideExitCode);
}

} // namespace

std::string Result::report() const {
  std::ostringstream out;
  if (passed()) {
    out << "passed: " << executions << " executions explored"
        << (exhausted ? " (every schedule within the bounds)" : "") << "\n";
    return out.str();
  }
  out << to_string(verdict) << ": " << headline << "\n"
      << trace << "Replay exactly this schedule: WORKBOOK_SIM_REPLAY=" << token << "\n";
  return out.str();
}

Result explore(const Options& options, const std::function<void()>& scenario) {
  const int call = g_explore_calls++;
  if (g_poisoned) {
    Result result;
    result.verdict = Verdict::blocked_outside;
    result.headline =
        "not explored: an earlier exploration in this run left a thread blocked outside the scheduler";
    return result;
  }
  std::string token = options.replay;
  std::string mine;
  if (!token.empty()) {
    mine = token.substr(0, token.find('-') + 1);
  } else if (const char* replay = std::getenv("WORKBOOK_SIM_REPLAY"); replay != nullptr && *replay != '\0') {
    token = replay;
    mine = "E" + std::to_string(call) + "-";
  }
  if (!token.empty()) {
    if (token.rfind(mine, 0) == 0 && !mine.empty()) {
      auto prefix = decode(std::string_view(token).substr(mine.size()));
      if (!prefix) {
        Result result;
        result.verdict = Verdict::nondeterministic;
        result.headline = "WORKBOOK_SIM_REPLAY=" + token + " is not a replay token";
        return result;
      }
      const auto execution = run_once(options, scenario, *prefix, nullptr);
      auto result = to_result(*execution, call, 1, false);
      if (options.replay.empty()) {
        std::fprintf(stderr, "workbook sim: replayed %s: %s\n%s", token.c_str(),
                     std::string(to_string(result.verdict)).c_str(), format_trace(*execution).c_str());
      }
      return result;
    }
  }

  std::shared_ptr<Execution> best;
  long executions = 0;
  long shrink_left = -1;
  bool exhausted = false;
  std::vector<Decision> prefix;
  std::mt19937_64 random(options.seed);
  const bool random_mode = options.random_executions > 0;
  const long cap = random_mode ? options.random_executions : options.max_executions;
  constexpr long kLeakLimit = 256;
  while (executions < cap && shrink_left != 0 && !g_poisoned) {
    auto execution = run_once(options, scenario, random_mode ? std::vector<Decision>{} : prefix,
                              random_mode ? &random : nullptr);
    ++executions;
    if (shrink_left > 0) {
      --shrink_left;
    }
    if (execution->verdict != Verdict::passed) {
      if (!best || execution->trace.size() < best->trace.size()) {
        best = execution;
      }
      if (shrink_left < 0) {
        shrink_left = options.shrink_executions;
      }
      // A run that exceeded the step budget is as long as the budget whatever
      // the schedule: looking for a shorter one would only cost time.
      if (execution->verdict == Verdict::step_budget || execution->verdict == Verdict::nondeterministic ||
          g_leaked_threads.load() > kLeakLimit) {
        break;
      }
    }
    if (random_mode) {
      continue;
    }
    // Depth first: the deepest decision with an option left.
    auto decisions = execution->decisions;
    while (!decisions.empty() && decisions.back().chosen + 1 >= decisions.back().count) {
      decisions.pop_back();
    }
    if (decisions.empty()) {
      exhausted = true;
      break;
    }
    ++decisions.back().chosen;
    prefix = decisions;
  }
  if (const char* stats = std::getenv("WORKBOOK_SIM_STATS"); stats != nullptr && *stats == '1') {
    std::fprintf(stderr, "workbook sim: exploration %d: %ld executions%s, %s\n", call, executions,
                 exhausted ? " (exhausted)" : "",
                 best ? std::string(to_string(best->verdict)).c_str() : "passed");
  }
  if (best) {
    return to_result(*best, call, executions, exhausted);
  }
  Result result;
  result.executions = executions;
  result.exhausted = exhausted;
  return result;
}

} // namespace workbook::sim
