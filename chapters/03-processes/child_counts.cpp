// The tutorial's first process example: a child process prints 0 to 9 and
// the parent waits for it (multiprocessing.Process(target=...), start(),
// join()). In C++ on POSIX: fork, and waitpid. The output is deterministic:
// the parent writes only before forking and after the child has ended.
#include <workbook/child_status.hpp>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

int main() {
  // [fork]
  std::printf("parent %s: starting a child\n", "process");
  std::fflush(stdout); // or the child inherits the unwritten text and prints it again
  const pid_t child = ::fork();
  if (child < 0) {
    std::perror("fork");
    return 1;
  }
  if (child == 0) { // the child: a copy of the parent, running from here
    for (int i = 0; i < 10; ++i) {
      std::printf("%d\n", i);
    }
    std::fflush(stdout);
    ::_exit(0); // not exit(): the parent's atexit handlers and buffers are not the child's to run
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) { // join(), and the child is reaped
  }
  const auto ended = workbook::processes::ChildStatus::from_wait_status(status);
  std::printf("parent: the child %s\n", ended.describe().c_str());
  // [fork]
  return ended.success() ? 0 : 1;
}
