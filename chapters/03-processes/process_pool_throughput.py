"""Python's side of process_pool_throughput.cpp: n * 2 tasks per second
through concurrent.futures.ProcessPoolExecutor with 2 workers, submitted one
by one and gathered with as_completed (as the tutorial does), and with
executor.map and a chunk size. The best of three rounds is printed.

    python3 chapters/03-processes/process_pool_throughput.py
"""
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

TASKS = 20_000


def double(n):
    return n * 2


def submitted(executor):
    futures = [executor.submit(double, n) for n in range(TASKS)]
    return sum(future.result() for future in as_completed(futures))


def mapped(executor):
    return sum(executor.map(double, range(TASKS), chunksize=100))


def best_rate(run):
    best = 0.0
    with ProcessPoolExecutor(max_workers=2) as executor:
        for _ in range(3):
            start = time.perf_counter()
            assert run(executor) == TASKS * (TASKS - 1)
            best = max(best, TASKS / (time.perf_counter() - start))
    return best


if __name__ == "__main__":
    print(f"ProcessPoolExecutor(2), submit + as_completed: {best_rate(submitted):,.0f} tasks/s")
    print(f"ProcessPoolExecutor(2), map(chunksize=100):     {best_rate(mapped):,.0f} tasks/s")
