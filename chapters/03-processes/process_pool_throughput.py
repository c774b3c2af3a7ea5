"""Python's side of process_pool_throughput.cpp: n * 2 tasks per second
through concurrent.futures.ProcessPoolExecutor with 2 workers, submitted one
by one and gathered with futures.as_completed (as the tutorial does), and
with executor.map and a chunk size. The best of three rounds is printed.

    /usr/bin/python3 chapters/03-processes/process_pool_throughput.py [TASKS]

process_pool_throughput runs it with Debian's python3 and reads the
"result:" lines.
"""
import sys
import time
from concurrent import futures
from concurrent.futures import ProcessPoolExecutor


def mytask(n):
    return n * 2


def submitted(executor, tasks):
    results = [executor.submit(mytask, i) for i in range(tasks)]
    return sum(f.result() for f in futures.as_completed(results))


def mapped(executor, tasks):
    return sum(executor.map(mytask, range(tasks), chunksize=100))


def best_rate(run, tasks):
    best = 0.0
    with ProcessPoolExecutor(max_workers=2) as executor:
        for _ in range(3):
            start = time.perf_counter()
            if run(executor, tasks) != tasks * (tasks - 1):
                raise SystemExit("wrong sum of results")
            best = max(best, tasks / (time.perf_counter() - start))
    return best


if __name__ == "__main__":
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(f"CPython {sys.version.split()[0]}, {tasks:,} tasks per round")
    print(f"result: python_minor {sys.version_info.minor}")
    rate = best_rate(submitted, tasks)
    print(f"ProcessPoolExecutor(2), submit + as_completed: {rate:,.0f} tasks/s")
    print(f"result: submit_as_completed {rate:.0f}")
    rate = best_rate(mapped, tasks * 10)
    print(f"ProcessPoolExecutor(2), map(chunksize=100):     {rate:,.0f} tasks/s")
    print(f"result: map_chunksize_100 {rate:.0f}")
