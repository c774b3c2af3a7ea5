// What the chapters' measuring programs share (see docs/maintaining.md,
// "Measuring programs"):
//  - claim(): one row of the table that ./workbook bench prints;
//  - point(): one point of a chart that ./workbook bench draws with gnuplot;
//  - the chapter's Python programs, run with Debian's /usr/bin/python3 in the
//    same run as the C++ side, their "result: KEY VALUE" lines read back.
// A comparison that cannot run is reported "not measured", with the reason,
// never filled in with a figure from elsewhere.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace workbook::bench {

/// "2.35x": a ratio as the table shows it.
inline std::string ratio(double value, int decimals = 2) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*fx", decimals, value);
  return text;
}

/// A figure with its unit: figure(678184, "tasks/s") is "678184 tasks/s".
inline std::string figure(double value, const char* unit, int decimals = 0) {
  char text[96];
  std::snprintf(text, sizeof text, "%.*f %s", decimals, value, unit);
  return text;
}

/// One row of ./workbook bench's table:
///   claim: <what is measured> | <figure with unit> | <comparison> | <ratio>
inline void claim(const std::string& what, const std::string& measured, const std::string& comparison,
                  const std::string& ratio_text) {
  std::printf("claim: %s | %s | %s | %s\n", what.c_str(), measured.c_str(), comparison.c_str(),
              ratio_text.c_str());
  std::fflush(stdout);
}

/// One point of a chart (tools/bench/charts/<chart>.gp draws it):
///   point: <chart> | <series> | <x> | <y>
inline void point(const std::string& chart, const std::string& series, double x, double y) {
  std::printf("point: %s | %s | %g | %g\n", chart.c_str(), series.c_str(), x, y);
  std::fflush(stdout);
}

/// The Python interpreter to compare with: $WORKBOOK_PYTHON when it is set
/// (an empty value turns Python off), else Debian's /usr/bin/python3, so that
/// a pyenv or virtualenv python3 first on PATH does not change the figures.
/// Empty when there is none; `why` then says so.
inline std::string python(std::string* why = nullptr) {
  std::string program = "/usr/bin/python3";
  if (const char* chosen = std::getenv("WORKBOOK_PYTHON"); chosen != nullptr) {
    program = chosen;
  }
  if (program.empty() || ::access(program.c_str(), X_OK) != 0) {
    if (why != nullptr) {
      *why = program.empty() ? "Python turned off (WORKBOOK_PYTHON is empty)" : "no " + program;
    }
    return "";
  }
  return program;
}

#ifdef WORKBOOK_CHAPTER_DIR
/// A file of the chapter the measuring program belongs to (its Python side).
inline std::string chapter_file(const std::string& name) {
  return std::string(WORKBOOK_CHAPTER_DIR) + "/" + name;
}
#endif

/// A child process started from an argument vector (never a shell string),
/// its standard output captured through a pipe when asked. The destructor
/// stops it (SIGTERM, then SIGKILL) and reaps it.
class Child {
public:
  Child(const std::vector<std::string>& argv, bool capture_output) {
    std::vector<char*> args;
    for (const auto& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    int ends[2] = {-1, -1};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (capture_output) {
      if (::pipe2(ends, O_CLOEXEC) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return;
      }
      posix_spawn_file_actions_adddup2(&actions, ends[1], STDOUT_FILENO);
    }
    std::fflush(stdout);
    const int error = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (capture_output) {
      ::close(ends[1]);
      output_fd_ = ends[0];
    }
    if (error != 0) {
      pid_ = -1;
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    stop();
    if (output_fd_ >= 0) {
      ::close(output_fd_);
    }
  }

  [[nodiscard]] bool started() const { return pid_ > 0; }

  /// True while the child has not exited (reaps it if it has).
  bool running() {
    if (pid_ <= 0) {
      return false;
    }
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

  /// Reads the captured output until the child closes it or `limit` passes;
  /// returns false on a timeout (the child is then stopped).
  bool read_output(std::string& output, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buffer[4096];
    while (output_fd_ >= 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        stop();
        return false;
      }
      pollfd ready{output_fd_, POLLIN, 0};
      if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) {
        continue;
      }
      const ssize_t got = ::read(output_fd_, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) {
        continue;
      }
      if (got <= 0) {
        ::close(output_fd_);
        output_fd_ = -1;
        break;
      }
      output.append(buffer, static_cast<std::size_t>(got));
    }
    return true;
  }

  /// Waits for the child to exit; returns its exit status (128 + signal if
  /// a signal ended it, -1 if it never started).
  int wait() {
    if (pid_ > 0) {
      while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    } else if (status_ == -1) {
      return -1;
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }

  /// Asks the child to end (`signal`), then kills it if it has not within 5 s.
  void stop(int signal = SIGTERM) {
    if (pid_ <= 0) {
      return;
    }
    ::kill(pid_, signal);
    for (int tries = 0; tries < 500; ++tries) {
      if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

  [[nodiscard]] pid_t pid() const { return pid_; }

private:
  pid_t pid_ = -1;
  int output_fd_ = -1;
  int status_ = -1;
};

/// What a Python program measured: its "result: KEY VALUE" lines, or why
/// there is nothing (`error`, non-empty).
struct Measured {
  std::map<std::string, double> values;
  std::string error;

  [[nodiscard]] bool ok() const { return error.empty(); }
  /// The value of `key`; its absence is an error the caller reports.
  [[nodiscard]] std::optional<double> operator[](const std::string& key) const {
    const auto found = values.find(key);
    if (found == values.end()) {
      return std::nullopt;
    }
    return found->second;
  }
};

/// "CPython 3.11": the interpreter that measured, as its "result:
/// python_minor N" line reports it.
inline std::string python_name(const Measured& measured) {
  if (const auto minor = measured["python_minor"]) {
    return "CPython 3." + std::to_string(static_cast<int>(*minor));
  }
  return "CPython";
}

/// Runs `python script args...` for at most `limit`, echoing its output (it
/// lands in the program's log) and collecting its results.
inline Measured run_python(const std::string& script, const std::vector<std::string>& args,
                           std::chrono::seconds limit) {
  Measured measured;
  const std::string interpreter = python(&measured.error);
  if (interpreter.empty()) {
    return measured;
  }
  std::vector<std::string> argv{interpreter, script};
  argv.insert(argv.end(), args.begin(), args.end());
  Child child(argv, true);
  if (!child.started()) {
    measured.error = "could not start " + interpreter;
    return measured;
  }
  std::string output;
  const bool finished = child.read_output(output, limit);
  const int status = child.wait();
  std::fputs(output.c_str(), stdout);
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("result: ", 0) == 0) {
      std::istringstream fields(line.substr(8));
      std::string key;
      double value = 0;
      if (fields >> key >> value) {
        measured.values[key] = value;
      }
    } else if (line.rfind("missing: ", 0) == 0) {
      measured.error = line.substr(9); // the program says what it lacks
    }
  }
  if (!finished) {
    measured.error = script + " ran longer than " + std::to_string(limit.count()) + " s";
  } else if (status != 0 && measured.error.empty()) {
    measured.error = script + " failed (status " + std::to_string(status) + ")";
  }
  return measured;
}

} // namespace workbook::bench
