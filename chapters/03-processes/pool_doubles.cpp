// The tutorial's process pool: ten tasks computing n * 2 on a pool of
// worker processes (ProcessPoolExecutor(max_workers=10)). The pool is the
// ProcessPool of this chapter's process_pool exercise: yours in your build
// (once it is written), the reference in the solutions build. The work
// function is fixed when the workers are forked, and tasks and results
// travel through pipes as bytes, the C++ counterpart of Python's pickling.
// The output is deterministic: map returns the results in input order.
#include "process_pool.hpp"

#include <workbook/your_code.hpp>

#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

int main() {
  return workbook::run_on_your_code("process_pool", [] {
    // [pool]
    workbook::processes::ProcessPool pool(10, [](const std::string& input) {
      const long n = std::stol(input); // "unpickle" the argument
      return std::to_string(n * 2);    // "pickle" the result
    });
    std::vector<std::string> inputs;
    for (int n = 0; n < 10; ++n) {
      inputs.push_back(std::to_string(n));
    }
    const auto results = pool.map(inputs);
    for (std::size_t i = 0; i < results.size(); ++i) {
      std::printf("%s * 2 = %s\n", inputs[i].c_str(), results[i].ok ? results[i].value.c_str() : "failed");
    }
    // [pool]
    const auto pids = pool.worker_pids();
    const std::set<pid_t> workers(pids.begin(), pids.end());
    std::printf("%zu worker processes, none of them this one: %s\n", workers.size(),
                workers.count(::getpid()) == 0 ? "yes" : "no");
    return 0;
  });
}
