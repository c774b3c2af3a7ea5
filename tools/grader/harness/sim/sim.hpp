// workbook::sim — a deterministic schedule explorer with a virtual clock, for
// the hidden tests.
//
// `workbook::sim::sync` has the names of `workbook::std_sync` (mutex,
// condition_variable, atomic<T>, clock, thread, jthread, this_thread), backed
// by a scheduler that runs one simulated thread at a time. The threads are
// real OS threads handing over a baton, so exceptions, thread_local, thread
// ids and ThreadSanitizer keep working; every operation of the policy is a
// scheduling point at which the scheduler may switch threads.
//
// `explore(options, scenario)` runs the scenario again and again from
// scratch, once per schedule, depth first over the tree of choices: which
// runnable thread goes next, which waiter a notify_one wakes, a bounded
// number of spurious wakeups, and when time passes. The search is bounded by
// a preemption bound (switches away from a thread that could have gone on)
// and a cap on executions; a seeded random mode samples trees too big to
// exhaust. The virtual clock moves only when every thread is blocked (to the
// earliest deadline), so a timed wait returns at its exact virtual deadline;
// optionally, at the cost of a preemption, while one could run (a slow
// notifier).
//
// A stop request (jthread::request_stop, and the one its destructor makes)
// is a scheduling point like a notify; reading a std::stop_token is not one,
// and need not be: the token changes only at the requester's point, so
// every order of a read and the request is still explored.
// condition_variable_any's waits that take a stop token wake on the request.
//
// An execution that breaks the contract is not unwound: its threads are left
// parked for good (detached, their stacks intact), because learner code may
// swallow an unwinding exception in `catch (...)` or meet it in a noexcept
// destructor. The explorer counts what it leaks and stops looking for
// shorter failing schedules before that matters.
//
// Catch2 is not thread-safe: a scenario records with WORKBOOK_SIM_CHECK and
// the test asserts on the Result after explore returns.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

namespace workbook::sim {

/// What an exploration concluded.
enum class Verdict {
  passed,           ///< every explored schedule kept the contract
  check_failed,     ///< a WORKBOOK_SIM_CHECK inside the scenario failed
  exception,        ///< an exception escaped a thread
  deadlock,         ///< no thread could run and no deadline was pending
  step_budget,      ///< an execution ran too many steps: a busy wait or a livelock
  still_running,    ///< a thread was still running when the scenario ended
  blocked_outside,  ///< a thread blocked on something the scheduler does not see (ends the run)
  misuse,           ///< undefined behaviour of a primitive (unlock by a non-owner, ...)
  nondeterministic, ///< a schedule replayed did not repeat itself (or a replay token does not fit)
};

/// The verdict's name as the trace prints it.
std::string_view to_string(Verdict verdict);

/// The exit status of a run ended because a thread blocked outside the
/// scheduler: its report is printed first. The stuck thread cannot be
/// stopped, and the scenario's objects it may still touch would not outlive
/// explore's return, so explore does not return.
inline constexpr int kBlockedOutsideExitCode = 125;

struct Options {
  /// Preemptions allowed per execution: switches away from a thread that
  /// could have gone on (a spurious wakeup, a yield that stays, and time
  /// passing while a thread could run count as one too).
  int preemption_bound = 2;
  /// Spurious wakeups allowed per execution.
  int spurious_wakeups = 1;
  /// Time may pass while a thread could still run (a slow notifier), at the
  /// cost of a preemption. Off by default: then a timed wait that times out
  /// returns at its exact deadline, which is what most tests check.
  bool time_passes_while_runnable = false;
  /// Stop after this many executions (the search may end sooner: exhausted).
  long max_executions = 20000;
  /// Steps (scheduling points) allowed per execution.
  long step_budget = 4000;
  /// After the first failure, explore up to this many more executions for a
  /// shorter failing schedule.
  long shrink_executions = 300;
  /// Random mode: if > 0, run this many executions with random choices
  /// (seeded by `seed`) instead of the depth-first search.
  long random_executions = 0;
  std::uint64_t seed = 1;
  /// Real time a thread may spend between two operations of the policy
  /// before it is reported as blocked outside the scheduler (and the run
  /// ends with kBlockedOutsideExitCode).
  std::chrono::milliseconds blocked_outside_after{3000};
  /// Replay exactly this schedule (a token from Result::token) instead of
  /// exploring. WORKBOOK_SIM_REPLAY does the same without recompiling.
  std::string replay;
};

struct Result {
  Verdict verdict = Verdict::passed;
  std::string headline;   ///< what went wrong, in one sentence or a few lines
  std::string trace;      ///< the failing schedule, one step a line
  std::string token;      ///< for WORKBOOK_SIM_REPLAY
  long executions = 0;    ///< executions explored
  bool exhausted = false; ///< every schedule within the bounds was explored
  long steps = 0;         ///< steps of the failing schedule

  [[nodiscard]] bool passed() const { return verdict == Verdict::passed; }
  /// What the learner sees: the verdict, the trace, and how to replay it.
  [[nodiscard]] std::string report() const;
};

/// Runs `scenario` (the body of the thread called "main") under every
/// schedule within the bounds of `options`, or under the one schedule named
/// by WORKBOOK_SIM_REPLAY. Call it from the test's thread, one at a time.
Result explore(const Options& options, const std::function<void()>& scenario);

/// Records a failed check (and ends the execution) when `condition` is false.
void check(bool condition, std::string_view what, const char* file = __builtin_FILE(),
           int line = __builtin_LINE());

/// Wraps a scenario's body so that an exception escaping the "main" thread
/// (a stub's not_implemented, a logic_error from the code under test) fails
/// the execution with its message. Left to unwind, it would first destroy
/// threads still joinable, and the explorer would report that instead.
template <class Body> std::function<void()> failing_on_exception(Body body) {
  return [body] {
    try {
      body();
    } catch (const std::exception& error) {
      check(false, std::string("an exception escaped \"main\": ") + error.what());
    }
  };
}

/// Adds a line of the scenario's own to the trace ("reader 1 is inside").
void note(std::string_view text);

/// Names the next thread the calling thread starts (default "thread N").
void name_next_thread(std::string name);

/// Blocks the calling thread until at least `count` other simulated threads
/// are blocked (a deadlock is reported if that never happens); returns true.
/// A scenario orders its threads with it instead of sleeping.
bool await_blocked(int count);

/// The number of executions explored by this process so far (for benchmarks).
long executions_so_far();

#define WORKBOOK_SIM_CHECK(...) ::workbook::sim::check(static_cast<bool>(__VA_ARGS__), #__VA_ARGS__)

namespace detail {

enum class Kind : std::uint8_t { mutex, condition_variable, atomic };
struct ThreadHandle; // the scheduler's side of a simulated thread

/// The scheduler's record of one simulated object (a mutex, a condition
/// variable, an atomic). It belongs to the execution that created it.
struct Object {
  std::uint64_t execution = 0;
  int id = 0;
  Kind kind = Kind::mutex;
  int owner = -1; ///< mutex: the simulated thread holding it
};

void register_object(Object& object, Kind kind);
void unregister_object(Object& object) noexcept;

void mutex_lock(Object& mutex);
bool mutex_try_lock(Object& mutex);
void mutex_unlock(Object& mutex);

/// Which way a wait returned.
enum class Wake : std::uint8_t { notified, spurious, timeout, stop };
/// Registers the calling thread as a waiter of `cv`; `unlock` then releases
/// the caller's lock without a scheduling point, and the thread blocks until
/// notified, woken spuriously, (with a deadline) timed out, or (with a stop
/// token) woken by a stop request. A stop already requested when the wait
/// begins returns Wake::stop at once: the check and the block are one step.
Wake cv_wait(Object& cv, const std::function<void()>& unlock, const std::int64_t* deadline_ns,
             const std::stop_token* stop = nullptr);
void cv_notify(Object& cv, bool all) noexcept;
/// The stop callback of a wait with a stop token: wakes every waiter of `cv`
/// without a scheduling point (it runs inside std::stop_source::request_stop,
/// which must not hand the baton over half way through its callbacks).
void cv_notify_stop(Object& cv) noexcept;
/// A stop request to `target` (a jthread's thread, or none): a scheduling
/// point, then `source.request_stop()`, whose callbacks run as part of the
/// same step (an operation of the policy inside one switches no thread).
bool request_stop(std::stop_source& source, const std::shared_ptr<ThreadHandle>& target) noexcept;
[[noreturn]] void foreign_clock_deadline(std::string_view clock_name);

/// A scheduling point before an atomic operation `what`.
void atomic_point(Object& atomic, const char* what);
/// Blocks until notified (atomic<T>::wait after it saw the old value).
void atomic_block(Object& atomic);
void atomic_notify(Object& atomic, bool all);

std::shared_ptr<ThreadHandle> spawn(std::function<void()> body);
void join(const std::shared_ptr<ThreadHandle>& thread);
void detach(const std::shared_ptr<ThreadHandle>& thread);
std::thread::id os_id(const std::shared_ptr<ThreadHandle>& thread);
[[noreturn]] void destroyed_joinable();

void yield();
void sleep_until_ns(std::int64_t deadline_ns);
std::int64_t now_ns() noexcept;

} // namespace detail

/// The virtual clock (it meets the Clock requirements, [time.clock.req]):
/// it starts at 0 in every execution and moves only when the scheduler says.
struct clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<clock>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept { return time_point(duration(detail::now_ns())); }
};

class mutex {
public:
  mutex() { detail::register_object(object_, detail::Kind::mutex); }
  ~mutex() { detail::unregister_object(object_); }
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;
  void lock() { detail::mutex_lock(object_); }
  bool try_lock() { return detail::mutex_try_lock(object_); }
  void unlock() { detail::mutex_unlock(object_); }

private:
  detail::Object object_;
};

/// `std::condition_variable`'s interface (and condition_variable_any's: any
/// BasicLockable lock). A wait may return spuriously where the explorer says.
class condition_variable {
public:
  condition_variable() { detail::register_object(object_, detail::Kind::condition_variable); }
  ~condition_variable() { detail::unregister_object(object_); }
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  void notify_one() noexcept { detail::cv_notify(object_, false); }
  void notify_all() noexcept { detail::cv_notify(object_, true); }

  template <class Lock> void wait(Lock& lock) {
    bool released = false; // a wait that returns without blocking keeps the lock
    detail::cv_wait(
        object_,
        [&] {
          lock.unlock();
          released = true;
        },
        nullptr);
    if (released) {
      lock.lock();
    }
  }
  template <class Lock, class Predicate> void wait(Lock& lock, Predicate ready) {
    while (!ready()) {
      wait(lock);
    }
  }

  template <class Lock, class Duration>
  std::cv_status wait_until(Lock& lock, const std::chrono::time_point<clock, Duration>& deadline) {
    const std::int64_t at = std::chrono::duration_cast<clock::duration>(deadline.time_since_epoch()).count();
    bool released = false; // a deadline already passed returns at once, the lock kept
    const auto woke = detail::cv_wait(
        object_,
        [&] {
          lock.unlock();
          released = true;
        },
        &at);
    if (released) {
      lock.lock();
    }
    return woke == detail::Wake::timeout ? std::cv_status::timeout : std::cv_status::no_timeout;
  }
  template <class Lock, class Clock, class Duration>
  std::cv_status wait_until(Lock& /*lock*/, const std::chrono::time_point<Clock, Duration>& /*deadline*/) {
    detail::foreign_clock_deadline(clock_name<Clock>());
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline, Predicate ready) {
    while (!ready()) {
      if (wait_until(lock, deadline) == std::cv_status::timeout) {
        return ready();
      }
    }
    return true;
  }
  template <class Lock, class Rep, class Period>
  std::cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout) {
    return wait_until(lock, clock::now() + std::chrono::duration_cast<clock::duration>(timeout));
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate ready) {
    return wait_until(lock, clock::now() + std::chrono::duration_cast<clock::duration>(timeout),
                      std::move(ready));
  }

protected:
  template <class Lock, class Duration>
  detail::Wake wait_until_or_stop(Lock& lock, const std::chrono::time_point<clock, Duration>* deadline,
                                  const std::stop_token& stop) {
    std::int64_t at = 0;
    if (deadline != nullptr) {
      at = std::chrono::duration_cast<clock::duration>(deadline->time_since_epoch()).count();
    }
    bool released = false; // a stop or a deadline already there returns at once, the lock kept
    const auto woke = detail::cv_wait(
        object_,
        [&] {
          lock.unlock();
          released = true;
        },
        deadline != nullptr ? &at : nullptr, &stop);
    if (released) {
      lock.lock();
    }
    return woke;
  }

  detail::Object& object() { return object_; }

  template <class Clock> static std::string_view clock_name() {
    if constexpr (std::is_same_v<Clock, std::chrono::steady_clock>) {
      return "std::chrono::steady_clock";
    } else if constexpr (std::is_same_v<Clock, std::chrono::system_clock>) {
      return "std::chrono::system_clock";
    } else {
      return "a clock other than Sync::clock";
    }
  }
  detail::Object object_;
};

/// `std::condition_variable_any`'s interface: that of condition_variable,
/// and the waits that take a std::stop_token ([thread.condvarany.intwait]).
/// Such a wait registers a std::stop_callback for its duration; a stop
/// request (a scheduling point, see jthread::request_stop) wakes it through
/// the scheduler, and a stop requested before the wait blocks is seen by the
/// same step that would block, so it is never lost.
class condition_variable_any : public condition_variable {
public:
  template <class Lock, class Predicate> bool wait(Lock& lock, std::stop_token stop, Predicate ready) {
    return wait_with_stop(lock, stop, static_cast<const clock::time_point*>(nullptr), ready);
  }
  template <class Lock, class Duration, class Predicate>
  bool wait_until(Lock& lock, std::stop_token stop, const std::chrono::time_point<clock, Duration>& deadline,
                  Predicate ready) {
    return wait_with_stop(lock, stop, &deadline, ready);
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock& /*lock*/, std::stop_token /*stop*/,
                  const std::chrono::time_point<Clock, Duration>& /*deadline*/, Predicate /*ready*/) {
    detail::foreign_clock_deadline(clock_name<Clock>());
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock& lock, std::stop_token stop, const std::chrono::duration<Rep, Period>& timeout,
                Predicate ready) {
    return wait_until(lock, std::move(stop),
                      clock::now() + std::chrono::duration_cast<clock::duration>(timeout), std::move(ready));
  }
  using condition_variable::wait;
  using condition_variable::wait_for;
  using condition_variable::wait_until;

private:
  // The standard's "equivalent to" loop, with the stop check and the block
  // as one step of the scheduler.
  template <class Lock, class Duration, class Predicate>
  bool wait_with_stop(Lock& lock, const std::stop_token& stop,
                      const std::chrono::time_point<clock, Duration>* deadline, Predicate& ready) {
    std::stop_callback wake_on_stop(stop, [this]() noexcept { detail::cv_notify_stop(object()); });
    while (!stop.stop_requested()) {
      if (ready()) {
        return true;
      }
      if (wait_until_or_stop(lock, deadline, stop) == detail::Wake::timeout) {
        return ready();
      }
    }
    return ready();
  }
};

/// `std::atomic<T>`'s interface; every operation is a scheduling point. The
/// memory order arguments are accepted and ignored: one thread runs at a
/// time, so every execution is sequentially consistent (weak-memory outcomes
/// are outside this scheduler's model, as are races on plain fields).
template <class T> class atomic {
public:
  using value_type = T;
  atomic() noexcept(false) : value_() { detail::register_object(object_, detail::Kind::atomic); }
  atomic(T desired) : value_(desired) { detail::register_object(object_, detail::Kind::atomic); } // NOLINT
  ~atomic() { detail::unregister_object(object_); }
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  T load(std::memory_order = std::memory_order_seq_cst) const {
    point("load");
    return value_.load();
  }
  void store(T desired, std::memory_order = std::memory_order_seq_cst) {
    point("store");
    value_.store(desired);
  }
  operator T() const { return load(); } // NOLINT
  T operator=(T desired) {
    store(desired);
    return desired;
  }
  T exchange(T desired, std::memory_order = std::memory_order_seq_cst) {
    point("exchange");
    return value_.exchange(desired);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order = std::memory_order_seq_cst,
                               std::memory_order = std::memory_order_seq_cst) {
    point("compare_exchange");
    return value_.compare_exchange_strong(expected, desired);
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order = std::memory_order_seq_cst,
                             std::memory_order = std::memory_order_seq_cst) {
    return compare_exchange_strong(expected, desired); // never fails spuriously here
  }
  T fetch_add(T arg, std::memory_order = std::memory_order_seq_cst) requires std::is_integral_v<T> {
    point("fetch_add");
    return value_.fetch_add(arg);
  }
  T fetch_sub(T arg, std::memory_order = std::memory_order_seq_cst) requires std::is_integral_v<T> {
    point("fetch_sub");
    return value_.fetch_sub(arg);
  }
  T fetch_or(T arg, std::memory_order = std::memory_order_seq_cst) requires std::is_integral_v<T> {
    point("fetch_or");
    return value_.fetch_or(arg);
  }
  T fetch_and(T arg, std::memory_order = std::memory_order_seq_cst) requires std::is_integral_v<T> {
    point("fetch_and");
    return value_.fetch_and(arg);
  }
  T operator++() requires std::is_integral_v<T> { return fetch_add(1) + 1; }
  T operator++(int) requires std::is_integral_v<T> { return fetch_add(1); }
  T operator--() requires std::is_integral_v<T> { return fetch_sub(1) - 1; }
  T operator--(int) requires std::is_integral_v<T> { return fetch_sub(1); }
  T operator+=(T arg) requires std::is_integral_v<T> { return fetch_add(arg) + arg; }
  T operator-=(T arg) requires std::is_integral_v<T> { return fetch_sub(arg) - arg; }

  /// Blocks while the value equals `old` ([atomics.wait]).
  void wait(T old, std::memory_order = std::memory_order_seq_cst) const {
    while (load() == old) {
      detail::atomic_block(object_);
    }
  }
  void notify_one() { detail::atomic_notify(object_, false); }
  void notify_all() { detail::atomic_notify(object_, true); }

private:
  void point(const char* what) const { detail::atomic_point(object_, what); }
  mutable detail::Object object_;
  std::atomic<T> value_;
};

/// `std::thread`: a simulated thread. Destroying it while joinable is
/// reported (std::terminate would end the grader).
class thread {
public:
  using id = std::thread::id;
  thread() noexcept = default;
  template <class F, class... Args>
  requires(!std::is_same_v<std::remove_cvref_t<F>, thread>) explicit thread(F&& f, Args&&... args)
      : handle_(detail::spawn([f = std::decay_t<F>(std::forward<F>(f)),
                               ... args = std::decay_t<Args>(std::forward<Args>(args))]() mutable {
          std::invoke(std::move(f), std::move(args)...);
        })) {}
  thread(thread&& other) noexcept = default;
  thread& operator=(thread&& other) noexcept {
    if (joinable()) {
      detail::destroyed_joinable();
    }
    handle_ = std::move(other.handle_);
    return *this;
  }
  ~thread() {
    if (joinable()) {
      detail::destroyed_joinable();
    }
  }
  [[nodiscard]] bool joinable() const noexcept { return handle_ != nullptr; }
  void join() {
    detail::join(handle_);
    handle_.reset();
  }
  void detach() {
    detail::detach(handle_);
    handle_.reset();
  }
  [[nodiscard]] id get_id() const noexcept { return handle_ ? detail::os_id(handle_) : id(); }

private:
  friend class jthread;
  std::shared_ptr<detail::ThreadHandle> handle_;
};

/// `std::jthread`: requests stop and joins when destroyed; a callable that
/// takes a std::stop_token gets one.
class jthread {
public:
  using id = std::thread::id;
  jthread() noexcept = default;
  template <class F, class... Args>
  requires(!std::is_same_v<std::remove_cvref_t<F>, jthread>) explicit jthread(F&& f, Args&&... args) {
    auto token = stop_.get_token();
    if constexpr (std::is_invocable_v<std::decay_t<F>, std::stop_token, std::decay_t<Args>...>) {
      thread_ = sim::thread(std::forward<F>(f), std::move(token), std::forward<Args>(args)...);
    } else {
      thread_ = sim::thread(std::forward<F>(f), std::forward<Args>(args)...);
    }
  }
  jthread(jthread&&) noexcept = default;
  jthread& operator=(jthread&& other) noexcept {
    stop_and_join();
    thread_ = std::move(other.thread_);
    stop_ = std::move(other.stop_);
    return *this;
  }
  ~jthread() { stop_and_join(); }
  [[nodiscard]] bool joinable() const noexcept { return thread_.joinable(); }
  void join() { thread_.join(); }
  void detach() { thread_.detach(); }
  [[nodiscard]] id get_id() const noexcept { return thread_.get_id(); }
  /// A scheduling point, then the request: the thread's stop token reads
  /// true from then on, and its waits with that token wake.
  bool request_stop() noexcept { return detail::request_stop(stop_, thread_.handle_); }
  [[nodiscard]] std::stop_source get_stop_source() noexcept { return stop_; }
  [[nodiscard]] std::stop_token get_stop_token() const noexcept { return stop_.get_token(); }

private:
  void stop_and_join() {
    if (thread_.joinable()) {
      request_stop();
      thread_.join();
    }
  }
  std::stop_source stop_;
  sim::thread thread_;
};

/// The policy: the names of workbook::std_sync, simulated.
struct sync {
  using mutex = sim::mutex;
  using condition_variable = sim::condition_variable;
  using condition_variable_any = sim::condition_variable_any;
  template <class T> using atomic = sim::atomic<T>;
  using clock = sim::clock;
  using thread = sim::thread;
  using jthread = sim::jthread;
  struct this_thread {
    /// A scheduling point at which the thread steps aside for the next one.
    static void yield() { detail::yield(); }
    /// Blocks until the virtual clock reaches now + duration.
    template <class Rep, class Period>
    static void sleep_for(const std::chrono::duration<Rep, Period>& duration) {
      detail::sleep_until_ns(detail::now_ns() +
                             std::chrono::duration_cast<clock::duration>(duration).count());
    }
    template <class Duration>
    static void sleep_until(const std::chrono::time_point<clock, Duration>& deadline) {
      detail::sleep_until_ns(
          std::chrono::duration_cast<clock::duration>(deadline.time_since_epoch()).count());
    }
    static std::thread::id get_id() noexcept { return std::this_thread::get_id(); }
  };
};

} // namespace workbook::sim
