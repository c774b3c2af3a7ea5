// The tutorial's Lock and RLock snippets in C++: a std::mutex held by a
// lock_guard, and a std::recursive_mutex locked twice by one thread. Then
// what the tutorial gets wrong: a plain mutex is not reentrant, and
// try_lock (Python's acquire(blocking=False)) is the call that can fail.
// The output is deterministic.
#include <iostream>
#include <mutex>
#include <thread>

int main() {
  // [lock]
  std::mutex lock;
  std::cout << "before lock\n";
  {
    std::lock_guard guard(lock);           // acquire; released when guard is destroyed,
    std::cout << "in the locked region\n"; // even by an exception: Python's try/finally
  }
  std::cout << "after unlock\n";
  // [lock]

  // [rlock]
  std::recursive_mutex rlock;
  std::cout << "before acquire\n";
  {
    std::lock_guard outer(rlock);
    std::cout << "in the locked region\n";
    {
      std::lock_guard inner(rlock); // the owner locks again: one more level, no wait
      std::cout << "still in the locked region\n";
    } // one level released: still held
  }   // the last level: free
  std::cout << "after release\n";
  // [rlock]

  // [try-lock]
  // Locking a std::mutex that this thread already holds is undefined
  // behaviour (Python's Lock would hang for ever). What can fail is a try:
  std::unique_lock held(lock);
  bool other_got_it = true;
  std::thread other([&] {
    other_got_it = lock.try_lock(); // false: another thread holds it
    if (other_got_it) {
      lock.unlock();
    }
  });
  other.join();
  std::cout << "try_lock from another thread while held: " << std::boolalpha << other_got_it << '\n';
  // [try-lock]
  return 0;
}
