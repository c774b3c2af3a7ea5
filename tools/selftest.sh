#!/usr/bin/env bash
# The maintainer's proof that the workbook is honest (./workbook selftest).
#
#   1. solutions  every hidden test passes against solutions/; every example
#                 builds and runs (output compared where deterministic); every
#                 C++ block in the chapters is compiled code (snippet checker)
#   2. stubs      every hidden test case FAILS against the shipped stubs
#   3. tsan       every hidden test passes under ThreadSanitizer (g++)
#   4. asan       every hidden test and example passes under AddressSanitizer
#                 and UBSan, built by clang++ with warnings as errors
#   5. docs       the Doxygen site builds with zero warnings, and headless
#                 Chromium renders every chapter page with its headings and
#                 code blocks; no internal link is broken
#
# Usage: tools/selftest.sh [STEP...]     (default: every step, in that order)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash tools/install-deps.sh --quiet --with-browser || exit 1

steps=("$@")
((${#steps[@]})) || steps=(solutions stubs tsan asan docs)

mkdir -p build
declare -a summary
total_passed=0
total_failed=0
status=0

# What the console shows of a step: configuration facts, errors, warnings,
# tests that did not pass, and ctest's verdict (the full log is in build/).
show_progress() {
  grep --line-buffered -E \
    '^(-- Workbook|CMake Error|.*error:|.*warning:|[0-9]+% tests|The following tests|\s+[0-9]+ - |Executing workflow step|.*\*\*\*|.*Failed|.*Not Run)' \
    | grep --line-buffered -v -E 'Test +#[0-9]+: .* Passed'
  return 0
}

run_step() {
  local step="$1"
  local log="build/selftest-$step.log"
  local started=$SECONDS
  echo
  echo "=== selftest: $step (cmake --workflow --preset $step) ==="
  cmake --workflow --preset "$step" 2>&1 | tee "$log" | show_progress
  local rc=${PIPESTATUS[0]}
  local elapsed=$((SECONDS - started))
  local passed=0 failed=0 line
  line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n1)"
  if [[ -n "$line" ]]; then
    local out_of
    failed="$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<< "$line")"
    out_of="$(sed -E 's/.*out of ([0-9]+).*/\1/' <<< "$line")"
    passed=$((out_of - failed))
  elif [[ "$step" == docs ]]; then
    if ((rc == 0)); then passed=1; else failed=1; fi
  fi
  if ((rc != 0)) && [[ -z "$line" ]]; then
    failed=1 # the configure or build failed before any test ran
    echo "--- last lines of $log ---"
    tail -n 40 "$log"
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  local verdict="ok"
  ((rc == 0)) || { verdict="FAILED"; status=1; }
  summary+=("$(printf '  %-10s %-7s %5d passed, %3d failed  %4ds' "$step" "$verdict" "$passed" "$failed" "$elapsed")")
}

for step in "${steps[@]}"; do
  case "$step" in
    solutions | stubs | tsan | asan | docs) run_step "$step" ;;
    *) echo "selftest: unknown step '$step' (solutions, stubs, tsan, asan, docs)" >&2; exit 2 ;;
  esac
done

echo
echo "=== selftest summary ==="
echo "  (stubs: a 'passed' test case is one that failed against the shipped stub, as it must)"
printf '%s\n' "${summary[@]}"
echo
echo "$total_passed passed, $total_failed failed"
exit $status
