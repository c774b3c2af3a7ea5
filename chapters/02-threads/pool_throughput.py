"""Python's side of pool_throughput.cpp: trivial tasks per second through
concurrent.futures.ThreadPoolExecutor, submit() then result() for each, with
2 workers (as the C++ benchmark) and with 10 (the seed's max_workers=10).
The best of three rounds is printed.

    python3 chapters/02-threads/pool_throughput.py
"""
import time
from concurrent.futures import ThreadPoolExecutor

TASKS = 200_000


def trivial_task():
    pass


def best_rate(workers):
    best = 0.0
    for _ in range(3):
        with ThreadPoolExecutor(max_workers=workers) as executor:
            start = time.perf_counter()
            futures = [executor.submit(trivial_task) for _ in range(TASKS)]
            for future in futures:
                future.result()
            elapsed = time.perf_counter() - start
        best = max(best, TASKS / elapsed)
    return best


if __name__ == "__main__":
    for workers in (2, 10):
        print(f"ThreadPoolExecutor(max_workers={workers}): {best_rate(workers):,.0f} tasks/s")
