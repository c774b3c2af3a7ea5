#!/usr/bin/env bash
# The workbook program against the fixture workbook (tools/cli/fixture).
#
#   cli_test.sh PROJECT WORK CLI setup       copy the fixture into WORK as a git
#                                            repository and configure a build of it
#   cli_test.sh PROJECT WORK CLI SCENARIO    run one scenario and compare its output
#                                            (colour off, paths and timings replaced)
#                                            with tests/expected/SCENARIO.txt
#
# WORKBOOK_UPDATE_EXPECTED=1 rewrites the expected texts instead of comparing.
set -uo pipefail

project="$1" work="$2" cli="$3" scenario="$4"
fixture="$work/fixture"
build="$work/build"
expected_dir="$project/tools/cli/tests/expected"
export NO_COLOR=1
export LC_ALL=C # the compilers quote with plain apostrophes

if [[ "$scenario" == setup ]]; then
  rm -rf "$work" && mkdir -p "$work" || exit 1
  cp -r "$project/tools/cli/fixture" "$fixture" || exit 1
  git -C "$fixture" init -q && git -C "$fixture" add -A &&
    git -C "$fixture" -c user.name=fixture -c user.email=fixture@localhost commit -qm "the shipped fixture" || exit 1
  # As the learner preset: clang++ when it is installed (the CI machine has it).
  env -u CXX cmake -S "$project" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DWORKBOOK_CONTENT="$fixture" \
    -DWORKBOOK_PREFER_CLANG=ON -DWORKBOOK_TEST_BUDGET=2 -DWORKBOOK_BUILD_DOCS=OFF > "$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; exit 1; }
  cmake --build "$build" -- -k 0 > "$work/build.log" 2>&1 # `broken` does not compile, as intended
  # The first exercise that passes sets up the ThreadSanitizer build, and
  # says so; then every grader is built there too, so scenarios stay short.
  "$cli" --build "$build" check passes > "$work/tsan-setup.log" 2>&1
  if ! grep -q "^Setting up the ThreadSanitizer build in $build-tsan" "$work/tsan-setup.log"; then
    echo "check of a passing exercise did not set up the ThreadSanitizer build:"
    cat "$work/tsan-setup.log"
    exit 1
  fi
  graders=()
  for test in "$fixture"/tools/grader/*/*.test.cpp; do
    graders+=("grade_$(basename "$test" .test.cpp)")
  done
  cmake --build "$build-tsan" --target "${graders[@]}" -- -k 0 > "$work/build-tsan.log" 2>&1
  exit 0
fi

# Every scenario starts from the shipped fixture and no hint shown.
git -C "$fixture" checkout -q -- . && git -C "$fixture" clean -qfd || exit 1
rm -rf "$build/workbook-hints"

output="$work/$scenario.out"
: > "$output"
wb() { # runs the program, recording the command line, its output and its status
  echo "\$ workbook $*" >> "$output"
  "$cli" --build "$build" "$@" >> "$output" 2>&1
  echo "[exit $?]" >> "$output"
}

case "$scenario" in
  status) wb ;;
  list) wb list demo; wb list 07 ;;
  next) wb next ;;
  check) wb check passes; wb check fails; wb check broken; wb check hangs; wb check untouched ;;
  explored) wb check misses_wakeup; wb check loses_wakeup; wb list demo ;;
  races) wb check races; wb check races --quick; wb check races --tsan; wb list --quick ;;
  names) wb check passe; wb check zzzzzz; wb hint; wb run hello; wb frobnicate; wb status --force; wb check --tsan ;;
  hint) wb hint fails; wb hint fails; wb hint fails; wb hint passes --all ;;
  solution) wb solution fails; wb solution passes; wb solution fails --force ;;
  reset)
    echo "int broken_by_the_learner;" > "$fixture/exercises/01-demo/untouched.hpp"
    wb reset untouched < /dev/null
    wb reset untouched --yes
    wb check untouched
    ;;
  run) wb run --list; wb run hello_demo "two words" 'a;b' ;;
  bad-input)
    rm "$fixture/exercises/01-demo/passes.hpp"
    wb check passes
    wb watch --poll-ms 5
    echo "\$ workbook --build <missing> status" >> "$output"
    "$cli" --build "$work/no-such-build" status >> "$output" 2>&1
    echo "[exit $?]" >> "$output"
    ;;
  watch)
    # Watch follows the first unsolved exercise (fails); saving a fixed version
    # makes it pass, and watch moves on to the next one (broken).
    "$cli" --build "$build" watch --poll-ms 50 --max-verdicts 2 > "$work/watch.raw" 2>&1 &
    watcher=$!
    for _ in $(seq 1 600); do
      grep -q "Watching fails" "$work/watch.raw" && break
      sleep 0.1
    done
    # watch has its baseline before it prints "Watching", and compares contents
    # as well as times, so this save is seen however coarse the clock; sed -i
    # writes a temporary file and renames it, as many editors do.
    sed -i 's/return a - b;.*/return a + b;/' "$fixture/exercises/01-demo/fails.hpp"
    for _ in $(seq 1 600); do
      kill -0 "$watcher" 2> /dev/null || break
      sleep 0.1
    done
    if kill -0 "$watcher" 2> /dev/null; then
      kill "$watcher"
      echo "watch did not finish within 60 s after the save" >> "$work/watch.raw"
    fi
    wait "$watcher"
    status=$?
    echo "\$ workbook watch (then fails.hpp fixed and saved)" >> "$output"
    cat "$work/watch.raw" >> "$output"
    echo "[exit $status]" >> "$output"
    ;;
  *) echo "cli_test.sh: unknown scenario $scenario" >&2; exit 2 ;;
esac

# Paths, timings and timestamps vary from run to run; nothing else may.
sed -i -E -e "s|$fixture|<fixture>|g" -e "s|$build|<build>|g" -e "s|$work|<work>|g" \
  -e 's/[0-9]+\.[0-9]+ s after the save/N s after the save/' \
  -e 's/\.[0-9]{8}-[0-9]{6}\.hpp/.<time>.hpp/' \
  -e 's/\(T[0-9]+, /(T<n>, /' "$output"
if grep -q $'\033' "$output"; then
  echo "colour codes in the output although NO_COLOR is set and it is not a terminal"
  exit 1
fi
if [[ "${WORKBOOK_UPDATE_EXPECTED:-}" == 1 ]]; then
  cp "$output" "$expected_dir/$scenario.txt"
  echo "updated $expected_dir/$scenario.txt"
  exit 0
fi
if ! diff -u "$expected_dir/$scenario.txt" "$output"; then
  echo "the output of scenario '$scenario' differs from tools/cli/tests/expected/$scenario.txt (above)"
  exit 1
fi
