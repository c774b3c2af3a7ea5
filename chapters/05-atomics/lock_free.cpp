// Which atomics are lock-free here? is_always_lock_free is a compile-time
// promise for every run of this program; is_lock_free() is asked at run time
// of one object (the answer may depend on the CPU the program runs on). An
// atomic that is not lock-free is still atomic: the library guards it with a
// lock (libatomic, for GCC and clang on Linux), and it cannot be used from a
// signal handler or shared through memory with another process.
#include <atomic>
#include <cstdio>

namespace {

struct Pair {
  long first;
  long second;
};
struct Big {
  char bytes[64];
};

// [lock-free]
static_assert(std::atomic<int>::is_always_lock_free, "the workbook assumes lock-free int atomics");

template <class T> void report(const char* name) {
  std::atomic<T> object{};
  std::printf("  %-22s %3zu bytes  is_always_lock_free %-5s  is_lock_free() %s\n", name, sizeof(T),
              std::atomic<T>::is_always_lock_free ? "true" : "false",
              object.is_lock_free() ? "true" : "false");
}
// [lock-free]

} // namespace

int main() {
  std::printf("lock-freedom of std::atomic<T> on this platform:\n");
  report<bool>("bool");
  report<int>("int");
  report<long long>("long long");
  report<void*>("void*");
  report<double>("double");
  report<Pair>("struct { long, long }");
  report<Big>("struct { char[64] }");
  std::printf("  %-22s            always lock-free (the one type the standard requires to be)\n",
              "std::atomic_flag");
  return 0;
}
