#include "watchdog.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <spawn.h>
#include <string>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

extern char** environ;

namespace workbook::grader {

namespace {

// Where every thread is when the budget runs out. The watchdog sends each
// thread of the process a signal; its handler records the thread's return
// addresses with backtrace(3) into a slot of its own; the watchdog then names
// the addresses (addr2line for the executable, dladdr for the libraries) and
// prints one stack per thread. This needs no debugger, no ptrace permission
// and no debug server, and it works under ThreadSanitizer too, which is why it
// is preferred to attaching gdb from inside the stuck process.
constexpr int kMaxThreads = 64;
constexpr int kMaxFrames = 48;

struct StackSlot {
  std::atomic<pid_t> tid{0};
  std::atomic<bool> filled{false};
  int depth = 0;
  std::array<void*, kMaxFrames> frames{};
};

std::array<StackSlot, kMaxThreads> g_slots;
std::atomic<int> g_next_slot{0};

int stack_signal() {
  return SIGRTMIN + 3;
}

pid_t current_tid() {
  return static_cast<pid_t>(syscall(SYS_gettid));
}

void record_stack(int /*signal*/) {
  const int saved_errno = errno;
  const int index = g_next_slot.fetch_add(1);
  if (index < kMaxThreads) {
    StackSlot& slot = g_slots[static_cast<std::size_t>(index)];
    slot.depth = backtrace(slot.frames.data(), kMaxFrames); // preloaded: no allocation here
    slot.tid.store(current_tid());
    slot.filled.store(true, std::memory_order_release);
  }
  errno = saved_errno;
}

std::vector<pid_t> threads_of_this_process() {
  std::vector<pid_t> tids;
  if (DIR* tasks = opendir("/proc/self/task")) {
    while (const dirent* entry = readdir(tasks)) {
      if (entry->d_name[0] != '.') {
        tids.push_back(static_cast<pid_t>(std::atol(entry->d_name)));
      }
    }
    closedir(tasks);
  }
  return tids;
}

// addr2line's answer for `offsets` in the executable: "function\tfile:line"
// per offset, or an empty vector when it cannot be run.
std::vector<std::string> name_in_executable(const std::vector<std::uintptr_t>& offsets) {
  if (offsets.empty()) {
    return {};
  }
  std::vector<std::string> args{"addr2line", "-C", "-f", "-e", "/proc/self/exe"};
  char exe[4096] = {};
  if (const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1); n > 0) {
    args[4] = std::string(exe, static_cast<std::size_t>(n));
  }
  for (const std::uintptr_t offset : offsets) {
    char text[32];
    std::snprintf(text, sizeof text, "0x%lx", static_cast<unsigned long>(offset));
    args.emplace_back(text);
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return {};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  pid_t child = -1;
  const int spawned = posix_spawnp(&child, "addr2line", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  std::string output;
  if (spawned == 0) {
    char buffer[4096];
    for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        break;
      }
      output.append(buffer, static_cast<std::size_t>(n));
    }
    int status = 0;
    waitpid(child, &status, 0);
  }
  close(pipe_fds[0]);
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = output.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(output.substr(start, end - start));
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i + 1 < lines.size(); i += 2) {
    names.push_back(lines[i] + "\t" + lines[i + 1]);
  }
  if (names.size() != offsets.size()) {
    return {};
  }
  return names;
}

// Where the executable itself is loaded: `base`, the start of its mapping
// (what dladdr reports as a frame's dli_fbase when the frame is in it), and
// `bias`, what addr2line wants subtracted from an address (0 for one linked
// at a fixed address). The first object dl_iterate_phdr reports is the
// executable. The watchdog may itself be in a shared library, so its own
// address says nothing about the executable's.
struct ExecutableImage {
  std::uintptr_t base = 0;
  std::uintptr_t bias = 0;
};

ExecutableImage executable_image() {
  ExecutableImage image;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) {
        auto* found = static_cast<ExecutableImage*>(out);
        found->bias = info->dlpi_addr;
        const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          if (info->dlpi_phdr[i].p_type == PT_LOAD) {
            found->base = (info->dlpi_addr + info->dlpi_phdr[i].p_vaddr) & ~(page - 1);
            break;
          }
        }
        return 1; // the executable is all we want
      },
      &image);
  return image;
}

// `earlier` are the threads that ran before the stuck case began: all but
// the main thread are left out of the report.
void print_thread_stacks(const std::vector<pid_t>& earlier) {
  const pid_t self = current_tid();
  const std::vector<pid_t> tids = threads_of_this_process();
  int signalled = 0;
  int left_out = 0;
  for (const pid_t tid : tids) {
    if (tid == self) {
      continue;
    }
    if (tid != getpid() && std::find(earlier.begin(), earlier.end(), tid) != earlier.end()) {
      ++left_out;
      continue;
    }
    if (syscall(SYS_tgkill, getpid(), tid, stack_signal()) == 0) {
      ++signalled;
    }
  }
  // Give the threads a moment to answer; a thread that cannot run its
  // handler (stopped, or in an uninterruptible wait) is simply left out.
  for (int waited_ms = 0; waited_ms < 1000; waited_ms += 5) {
    int filled = 0;
    for (int i = 0; i < std::min(signalled, kMaxThreads); ++i) {
      filled += g_slots[static_cast<std::size_t>(i)].filled.load(std::memory_order_acquire) ? 1 : 0;
    }
    if (filled >= std::min(signalled, kMaxThreads)) {
      break;
    }
    usleep(5000);
  }

  // Name every address of the executable with one addr2line run.
  struct Where {
    bool in_executable = false;
    std::uintptr_t offset = 0;
    std::string text;
  };
  std::vector<std::vector<Where>> stacks;
  std::vector<std::uintptr_t> offsets;
  const ExecutableImage executable = executable_image();
  const int slots = std::min(g_next_slot.load(), kMaxThreads);
  for (int s = 0; s < slots; ++s) {
    StackSlot& slot = g_slots[static_cast<std::size_t>(s)];
    std::vector<Where> stack;
    if (slot.filled.load(std::memory_order_acquire)) {
      // Frame 0 is the handler and frame 1 the signal trampoline: skip both.
      for (int f = 2; f < slot.depth; ++f) {
        // A return address points after the call: step back into it.
        void* address = static_cast<char*>(slot.frames[static_cast<std::size_t>(f)]) - 1;
        Where where;
        Dl_info info{};
        if (dladdr(address, &info) != 0 &&
            reinterpret_cast<std::uintptr_t>(info.dli_fbase) == executable.base) {
          where.in_executable = true;
          where.offset = reinterpret_cast<std::uintptr_t>(address) - executable.bias;
          offsets.push_back(where.offset);
        } else if (info.dli_fname != nullptr) {
          const char* base = std::strrchr(info.dli_fname, '/');
          char text[512];
          std::snprintf(text, sizeof text, "%s <null> (%s+0x%lx)",
                        info.dli_sname != nullptr ? info.dli_sname : "<null>",
                        base != nullptr ? base + 1 : info.dli_fname,
                        static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(address) -
                                                   reinterpret_cast<std::uintptr_t>(info.dli_fbase)));
          where.text = text;
        } else {
          where.text = "<null> <null>";
        }
        stack.push_back(std::move(where));
      }
    }
    stacks.push_back(std::move(stack));
  }
  const std::vector<std::string> names = name_in_executable(offsets);
  std::size_t next_name = 0;
  std::fprintf(stderr, "workbook watchdog: where each thread was when the budget ran out:\n");
  if (left_out > 0) {
    std::fprintf(stderr,
                 "  (%d thread%s that already ran when this test case began, from earlier cases or the "
                 "runtime, left out)\n",
                 left_out, left_out == 1 ? "" : "s");
  }
  for (int s = 0; s < slots; ++s) {
    const StackSlot& slot = g_slots[static_cast<std::size_t>(s)];
    if (!slot.filled.load(std::memory_order_acquire)) {
      continue;
    }
    const pid_t tid = slot.tid.load();
    if (tid == getpid()) {
      std::fprintf(stderr, "  Thread %d (the test's main thread):\n", static_cast<int>(tid));
    } else {
      std::fprintf(stderr, "  Thread %d:\n", static_cast<int>(tid));
    }
    int number = 0;
    for (const auto& where : stacks[static_cast<std::size_t>(s)]) {
      std::string text = where.text;
      if (where.in_executable) {
        if (next_name < names.size()) {
          text = names[next_name++];
          const auto tab = text.find('\t');
          text = text.substr(0, tab) + " " + text.substr(tab + 1);
          if (const auto note = text.find(" (discriminator"); note != std::string::npos) {
            text.erase(note);
          }
        } else {
          char fallback[64];
          std::snprintf(fallback, sizeof fallback, "<null> <null> (+0x%lx)",
                        static_cast<unsigned long>(where.offset));
          text = fallback;
        }
      }
      std::fprintf(stderr, "    #%d %s\n", number++, text.c_str());
    }
    std::fprintf(stderr, "\n");
  }
}

} // namespace

Watchdog::Watchdog(std::chrono::seconds budget) : budget_(budget) {
  // backtrace() loads libgcc's unwinder on first use: do it now, not inside
  // a signal handler of a stuck thread.
  std::array<void*, 2> warm_up{};
  backtrace(warm_up.data(), static_cast<int>(warm_up.size()));
  struct sigaction action {};
  action.sa_handler = record_stack;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(stack_signal(), &action, nullptr);
  thread_ = std::thread([this] { watch(); });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void Watchdog::arm(std::string test_case) {
  std::vector<pid_t> running = threads_of_this_process();
  {
    std::lock_guard lock(mutex_);
    test_case_ = std::move(test_case);
    earlier_threads_ = std::move(running);
    deadline_ = std::chrono::steady_clock::now() + budget_;
    armed_ = true;
  }
  changed_.notify_one();
}

void Watchdog::disarm() {
  {
    std::lock_guard lock(mutex_);
    armed_ = false;
  }
  changed_.notify_one();
}

void Watchdog::watch() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!armed_) {
      changed_.wait(lock, [this] { return stopping_ || armed_; });
      continue;
    }
    if (changed_.wait_until(lock, deadline_) == std::cv_status::timeout && armed_ &&
        std::chrono::steady_clock::now() >= deadline_) {
      std::fprintf(stderr,
                   "\nworkbook watchdog: test case \"%s\" did not finish within %lld s: "
                   "likely a deadlock or a missed notify.\n"
                   "  (The budget is a backstop, not a speed limit; set WORKBOOK_TEST_BUDGET "
                   "to change it.)\n",
                   test_case_.c_str(), static_cast<long long>(budget_.count()));
      std::fflush(stderr);
      print_thread_stacks(earlier_threads_);
      std::fflush(stderr);
      std::fflush(stdout);
      // _Exit: a deadlocked program cannot run destructors or atexit handlers safely.
      std::_Exit(kWatchdogExitCode);
    }
  }
}

} // namespace workbook::grader
