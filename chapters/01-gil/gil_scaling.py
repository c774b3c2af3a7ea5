"""Python's side of gil_scaling.cpp: CPU-bound work on 1..N threads under
CPython's real GIL. Each thread is the tutorial's threading.Thread subclass
whose run() counts down; the same total is split between the threads, so a
speedup above 1 would mean the threads ran bytecodes in parallel. The counts
take turns over five rounds and each keeps its best time.

    /usr/bin/python3 chapters/01-gil/gil_scaling.py [TOTAL] [MAX_THREADS]

gil_scaling runs it with Debian's python3 and reads the "result:" lines.
"""
import sys
import threading
import time


class CountDown(threading.Thread):
    def __init__(self, name, counter):
        super().__init__()
        self.name = name
        self.counter = counter

    def run(self):  # pure-Python bytecodes only: the GIL is never released for I/O
        n = self.counter
        while n > 0:
            n -= 1


def seconds_on(threads, total):
    workers = [CountDown("thread" + str(i), total // threads) for i in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start


if __name__ == "__main__":
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 4_000_000
    most = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    rounds = 5  # the counts take turns, and each keeps its best time: a busy machine slows all alike
    print(f"CPython {sys.version.split()[0]}, {total:,} loop iterations split across 1..{most} threads, "
          f"best of {rounds} rounds")
    best = {}
    for _ in range(rounds):
        for threads in range(1, most + 1):
            elapsed = seconds_on(threads, total)
            best[threads] = min(best.get(threads, elapsed), elapsed)
    for threads in range(1, most + 1):
        print(f"{threads} threads: {best[threads]:.3f} s, speedup {best[1] / best[threads]:.2f}x")
        print(f"result: seconds_{threads} {best[threads]:.6f}")
    print(f"result: loops_per_second_1 {total / best[1]:.0f}")
    print(f"result: python_minor {sys.version_info.minor}")
