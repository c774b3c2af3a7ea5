#!/usr/bin/env python3
"""Which template instances the graders' precompiled header should hold.

Reads the -ftime-trace files of a clang build of the graders and sums, over
every translation unit, the time spent instantiating each template that a
header can name (standard, Catch2 and Asio types: no lambda, nothing in a
test's anonymous namespace, nothing of an exercise). Nested instances are counted
in their outermost one only. Prints the most expensive first, with the number
of translation units that paid for each.

  cmake -S . -B build/pch-trace -G Ninja -DWORKBOOK_SOURCE=solutions \\
        -DWORKBOOK_PREFER_CLANG=ON -DWORKBOOK_BUILD_DOCS=OFF \\
        -DCMAKE_CXX_FLAGS="-ftime-trace -ftime-trace-granularity=1"
  ninja -C build/pch-trace $(ninja -C build/pch-trace -t targets all | grep -o '^grade_[a-z_0-9]*' | sort -u)
  tools/grader/harness/pch_candidates.py build/pch-trace [--top 60]

Instances used by many translation units belong in pch_instances.hpp (or
pch_asio_instances.hpp); compare the graders' compile times before and after.
"""
import argparse
import collections
import json
import pathlib
import re

NOT_NAMEABLE = re.compile(r"anonymous|lambda|workbook::|\$_|\.cpp|\.hpp|\(unnamed")
INSTANCES = ("InstantiateFunction", "InstantiateClass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=pathlib.Path, help="a build folder compiled with -ftime-trace")
    parser.add_argument("--top", type=int, default=60)
    args = parser.parse_args()

    milliseconds = collections.Counter()
    units = collections.defaultdict(set)
    compile_seconds = 0.0
    traces = sorted(args.build.glob("chapters/*/CMakeFiles/grade_*.dir/**/*.json"))
    for trace in traces:
        events = [e for e in json.loads(trace.read_text())["traceEvents"]
                  if e.get("ph") == "X" and not e["name"].startswith("Total")]
        events.sort(key=lambda e: (e["ts"], -e["dur"]))
        inside_until = -1
        for event in events:
            if event["name"] == "ExecuteCompiler":
                compile_seconds += event["dur"] / 1e6
            if event["name"] not in INSTANCES or event["ts"] < inside_until:
                continue
            name = event.get("args", {}).get("detail", "")
            if NOT_NAMEABLE.search(name):
                continue
            milliseconds[name] += event["dur"] / 1000
            units[name].add(trace)
            inside_until = event["ts"] + event["dur"]
    if not traces:
        raise SystemExit(f"no -ftime-trace files under {args.build}/chapters: build the graders with -ftime-trace")
    print(f"{len(traces)} translation units, {compile_seconds:.1f} s of compile; "
          f"instances a header can name: {sum(milliseconds.values()) / 1000:.1f} s")
    for name, spent in milliseconds.most_common(args.top):
        print(f"{spent:8.1f} ms {len(units[name]):3d} units  {name[:160]}")


if __name__ == "__main__":
    main()
