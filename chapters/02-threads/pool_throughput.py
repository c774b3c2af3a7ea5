"""Python's side of pool_throughput.cpp: tasks per second through
concurrent.futures.ThreadPoolExecutor, used as the tutorial uses it: submit
every task, then collect the results with futures.as_completed.

    /usr/bin/python3 chapters/02-threads/pool_throughput.py [TASKS] [SIZES] [SECONDS]

First TASKS trivial tasks with 2 workers (as the C++ benchmark) and with 10
(the tutorial's max_workers=10), best of three rounds; then, with 2 workers,
tasks of each size in SIZES (microseconds of CPU work, calibrated here in
loop iterations), for about SECONDS each. pool_throughput runs it with
Debian's python3 and reads the "result:" lines.
"""
import sys
import time
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor

loops_per_task = 0  # the CPU work of one task; 0: trivial


def mytask():
    n = loops_per_task
    while n > 0:
        n -= 1
    return "hello world"


def rate(workers, tasks):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        start = time.perf_counter()
        results = [executor.submit(mytask) for _ in range(tasks)]
        for f in futures.as_completed(results):
            f.result()
        elapsed = time.perf_counter() - start
    return tasks / elapsed


def loops_per_microsecond():
    """The best of many short runs, so that one runs undisturbed on a busy machine."""
    global loops_per_task
    best = 0.0
    for _ in range(30):
        loops_per_task = 20_000
        start = time.perf_counter()
        mytask()
        best = max(best, loops_per_task / ((time.perf_counter() - start) * 1e6))
    return best


if __name__ == "__main__":
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    sizes = [int(s) for s in sys.argv[2].split(",")] if len(sys.argv) > 2 else [1, 10, 100, 1000]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 0.4
    print(f"CPython {sys.version.split()[0]}, ThreadPoolExecutor, {tasks:,} trivial tasks per round")
    print(f"result: python_minor {sys.version_info.minor}")
    for workers in (2, 10):
        best = max(rate(workers, tasks) for _ in range(3))
        print(f"ThreadPoolExecutor(max_workers={workers}), trivial tasks: {best:,.0f} tasks/s")
        print(f"result: trivial_{workers} {best:.0f}")
    per_microsecond = loops_per_microsecond()
    print(f"tasks of CPU work, 2 workers ({per_microsecond:.1f} loop iterations per microsecond):")
    for size in sizes:
        loops_per_task = int(per_microsecond * size)
        count = max(50, min(tasks, int(seconds * 1e6 / size)))  # one task at a time runs under the GIL
        measured = rate(2, count)
        print(f"  {size:5d} us per task: {measured:,.0f} tasks/s")
        print(f"result: size_{size} {measured:.0f}")
