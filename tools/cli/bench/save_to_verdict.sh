#!/usr/bin/env bash
# Save-to-verdict: how long a learner waits between saving an exercise and
# reading its grade, measured as a learner meets it.
#
#   tools/cli/bench/save_to_verdict.sh [--saves N] [--exercise NAME] [--no-fresh-clone]
#
# It puts the reference solution in place of the learner's file (which is
# copied aside first and restored on exit, whatever happens), then saves the
# file N times (default 10), each time with one more comment line, and times
# `./workbook check NAME --quick` (the normal grade) and `./workbook check NAME`
# (the normal grade, then ThreadSanitizer's). One save's time is split into
# the build of the grader (compile and link) and the rest (the grader run,
# the CLI and ./workbook's checks).
# Unless --no-fresh-clone, it also clones the repository into a scratch
# folder and times ./workbook there up to the first progress table.
#
# It prints `claim:` lines, as every measuring program of the workbook does:
#   claim: <what is measured> | <figure with unit> | <comparison> | <ratio>
# Figures are medians; the goals compared with are the workbook's own
# (0.75 s for the normal grade, 2.5 s with ThreadSanitizer, 60 s to the first
# table on a fresh clone). It never asserts anything.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"

saves=10
exercise=parallel_sum
fresh_clone=1
while (($#)); do
  case "$1" in
    --saves) saves="$2"; shift 2 ;;
    --exercise) exercise="$2"; shift 2 ;;
    --no-fresh-clone) fresh_clone=0; shift ;;
    *) echo "save_to_verdict: unknown option $1" >&2; exit 2 ;;
  esac
done

build=build/learner
if [[ ! -f "$build/build.ninja" || ! -f "$build/workbook-manifest.tsv" ]]; then
  echo "Configuring $build (cmake --preset learner) ..."
  cmake --preset learner > /dev/null || exit 1
fi
cmake --build "$build" --target workbook_cli > /dev/null || exit 1
# Timed as the learner types it: ./workbook, whose dependency check and
# up-to-date check of the program itself come before every verdict.
workbook="$root/workbook"

line="$(awk -F'\t' -v name="$exercise" '$1 == "exercise" && $3 == name { print $4 "\t" $5 }' "$build/workbook-manifest.tsv")"
if [[ -z "$line" ]]; then
  echo "save_to_verdict: no exercise $exercise in $build" >&2
  exit 2
fi
stub="${line%%$'\t'*}"
solution="${line#*$'\t'}"

# The learner's file is copied aside before anything touches it, and put
# back on every exit path.
mkdir -p "$build/workbook-backups"
backup="$build/workbook-backups/$(basename "$stub" .hpp).bench-$(date +%Y%m%d-%H%M%S).hpp"
cp "$stub" "$backup" || { echo "save_to_verdict: cannot back up $stub" >&2; exit 1; }
restore() {
  # Not `cp -p`: the file must be newer than the grader built from the
  # solution, or the build would take that grader for up to date.
  cp "$backup" "$stub" && cmp -s "$backup" "$stub" && rm -f "$backup" ||
    echo "save_to_verdict: your $stub is kept in $backup" >&2
}
trap restore EXIT
trap 'exit 130' INT TERM

cp "$solution" "$stub"

now() { date +%s.%N; }
since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.3f", end - start }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
save() { echo "// save $1" >> "$stub"; }

echo "Warming up: grading $exercise (its reference solution) once in each build ..."
"$workbook" check "$exercise" > "$build/bench-save-to-verdict.log" 2>&1 ||
  { tail -n 20 "$build/bench-save-to-verdict.log"; echo "save_to_verdict: the solution does not pass" >&2; exit 1; }

# Each run's wall-clock time, and the processor time it used (user + system,
# children included): on a machine shared with other work the second moves
# much less than the first.
declare -a quick tsan compile quick_cpu tsan_cpu compile_cpu
# The CLI runs ninja itself in a Ninja build folder (cmake --build would add its own start).
ninja="$(awk -F= '/^CMAKE_MAKE_PROGRAM:/ { print $2 }' "$build/CMakeCache.txt")"
if grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$build/CMakeCache.txt" && [[ -x "$ninja" ]]; then
  build_grader=("$ninja" -C "$build" "grade_$exercise")
else
  build_grader=(cmake --build "$build" --target "grade_$exercise")
fi
timed() { # timed WALL_ARRAY CPU_ARRAY command...
  local -n wall_out="$1" cpu_out="$2"
  shift 2
  local started
  started="$(now)"
  if [[ -x /usr/bin/time ]]; then # Debian's `time` package
    /usr/bin/time -f '%U %S' -o "$build/bench-time.txt" "$@" > /dev/null 2>&1
    wall_out+=("$(since "$started")")
    cpu_out+=("$(awk '{ printf "%.3f", $1 + $2 }' "$build/bench-time.txt")")
  else
    "$@" > /dev/null 2>&1
    wall_out+=("$(since "$started")")
    cpu_out+=(0)
  fi
}
for ((i = 1; i <= saves; ++i)); do
  save "q$i"
  timed quick quick_cpu "$workbook" check "$exercise" --quick
  save "t$i"
  timed tsan tsan_cpu "$workbook" check "$exercise"
  save "c$i" # the grader's build alone: compile and link, run as the CLI runs it
  timed compile compile_cpu "${build_grader[@]}"
done

quick_median="$(printf '%s\n' "${quick[@]}" | median)"
tsan_median="$(printf '%s\n' "${tsan[@]}" | median)"
compile_median="$(printf '%s\n' "${compile[@]}" | median)"
load="$(cut -d' ' -f1 /proc/loadavg 2> /dev/null || echo '?')"
printf 'Save to verdict for %s over %d saves (load average %s):\n' "$exercise" "$saves" "$load"
printf '  normal grade       median %.2f s (each: %s)\n' "$quick_median" "$(printf '%.2f ' "${quick[@]}")"
printf '  with ThreadSanitizer median %.2f s (each: %s)\n' "$tsan_median" "$(printf '%.2f ' "${tsan[@]}")"
printf '  of the normal grade, the build of grade_%s: median %.2f s\n' "$exercise" "$compile_median"
printf '  processor time (user + system), medians: normal %.2f s, with ThreadSanitizer %.2f s, the build alone %.2f s\n' \
  "$(printf '%s\n' "${quick_cpu[@]}" | median)" "$(printf '%s\n' "${tsan_cpu[@]}" | median)" \
  "$(printf '%s\n' "${compile_cpu[@]}" | median)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
printf 'claim: save-to-verdict, check %s --quick (median of %d saves) | %.2f s | the 0.75 s goal | %.2fx\n' \
  "$exercise" "$saves" "$quick_median" "$(ratio "$quick_median" 0.75)"
printf 'claim: save-to-verdict with the ThreadSanitizer grade, check %s (median of %d saves) | %.2f s | the 2.5 s goal | %.2fx\n' \
  "$exercise" "$saves" "$tsan_median" "$(ratio "$tsan_median" 2.5)"
printf 'claim: share of the normal save-to-verdict spent building the grader (compile and link) | %.2f s | the whole verdict | %.2fx\n' \
  "$compile_median" "$(ratio "$compile_median" "$quick_median")"

if ((fresh_clone)); then
  scratch="$(mktemp -d)"
  echo "Cloning the repository into $scratch and timing ./workbook to its first table ..."
  git clone -q "$root" "$scratch/workbook" || exit 1
  started="$(now)"
  (cd "$scratch/workbook" && timeout 600 ./workbook > "$scratch/first-table.log" 2>&1)
  elapsed="$(since "$started")"
  if grep -q "^Overall " "$scratch/first-table.log"; then
    printf 'claim: a fresh clone to its first progress table (./workbook, packages installed) | %.1f s | the 60 s goal | %.2fx\n' \
      "$elapsed" "$(ratio "$elapsed" 60)"
  else
    tail -n 20 "$scratch/first-table.log"
    echo "save_to_verdict: ./workbook on the fresh clone printed no table" >&2
  fi
  rm -rf "$scratch"
fi
