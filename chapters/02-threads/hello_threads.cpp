// The seed's first example: ten threads, each printing "hello <name>" ten
// times. Python subclasses threading.Thread and overrides run(); C++ hands a
// callable to std::jthread. The lines of different threads interleave in a
// different order on every run; each line stays whole because it is written
// through a std::osyncstream.
#include <iostream>
#include <string>
#include <syncstream>
#include <thread>
#include <vector>

// [worker]
// What a thread does is a callable, not a subclass: the seed's MyThread
// becomes a plain struct with operator(), copied into the thread.
struct Greeter {
  std::string name;
  int counter;

  void operator()() const {
    for (int i = 0; i < counter; ++i) {
      // One osyncstream per line: its text reaches std::cout in one piece
      // when it is destroyed, so two threads' lines never mix mid-line.
      std::osyncstream(std::cout) << "hello " << name << '\n';
    }
  }
};
// [worker]

int main() {
  // [start-ten]
  std::vector<std::jthread> threads; // jthread joins in its destructor
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back(Greeter{"thread" + std::to_string(i), 10}); // starts running now
  }
  for (auto& thread : threads) {
    thread.join(); // explicit here; the vector's destructor would do it too
  }
  // [start-ten]
  std::cout << "all " << threads.size() << " threads have finished\n";
  return 0;
}
