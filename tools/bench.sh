#!/usr/bin/env bash
# ./workbook bench: runs every chapter's measuring program in full, in an
# optimised build (preset `bench`), and prints one table of the claims the
# chapters make, each with the figure measured now and its ratio to the
# comparison measured in the same run.
#
# A measuring program reports each claim on a line of its own:
#   claim: <what is measured> | <figure with unit> | <comparison> | <ratio>
# Everything else it prints is shown in build/bench/bench-<name>.log.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tools/install-deps.sh --quiet || exit 1

# Chapter 07 loads its servers with wrk (a client only: installed when
# missing, as root on Debian) and compares them with nginx when nginx is
# there. nginx is not installed for you: Debian's package also starts a
# system service on port 80.
if ! command -v wrk > /dev/null 2>&1; then
  if [[ $EUID -eq 0 ]] && command -v apt-get > /dev/null 2>&1; then
    echo "Installing wrk (apt-get install -y wrk) ..."
    apt-get install -y -q wrk > /dev/null 2>&1 || echo "  could not install wrk: chapter 07 uses its built-in client"
  else
    echo "wrk is not installed (Debian: sudo apt-get install wrk): chapter 07 uses its built-in client"
  fi
fi
if ! command -v nginx > /dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  echo "nginx is not installed: chapter 07 compares with it only where it is (Debian: sudo apt-get install"
  echo "  nginx-light; the benchmark starts its own instance on 127.0.0.1 with one worker)"
fi

per_program_limit="${WORKBOOK_BENCH_LIMIT:-150}" # seconds; the whole run stays under ten minutes

echo "Building the measuring programs (cmake --preset bench) ..."
{ cmake --preset bench && cmake --build --preset bench; } > build-bench.log 2>&1 || {
  tail -n 40 build-bench.log
  echo "workbook bench: the build failed (log: build-bench.log)" >&2
  exit 1
}
mv build-bench.log build/bench/build.log

mapfile -t programs < <(awk -F'\t' '$1 == "benchmark" { print $2 "\t" $3 }' build/bench/workbook-manifest.tsv)
if ((${#programs[@]} == 0)); then
  echo "workbook bench: no measuring program is registered" >&2
  exit 1
fi

claims=()
status=0
for entry in "${programs[@]}"; do
  chapter="${entry%%$'\t'*}"
  name="${entry#*$'\t'}"
  binary="build/bench/chapters/$chapter/$name"
  log="build/bench/bench-$name.log"
  echo "Running $chapter/$name (at most ${per_program_limit}s) ..."
  started=$SECONDS
  timeout --signal=INT --kill-after=10 "$per_program_limit" "$binary" > "$log" 2>&1
  rc=$?
  if ((rc != 0)); then
    echo "  $name failed (status $rc); see $log"
    status=1
  fi
  echo "  done in $((SECONDS - started)) s"
  while IFS= read -r line; do
    claims+=("$chapter|${line#claim: }")
  done < <(grep -E '^claim: ' "$log")
done

echo
echo "Claims measured on $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'):"
echo
{
  echo "chapter|claim|measured now|compared with|ratio"
  printf '%s\n' "${claims[@]}"
} | awk -F'|' '
  { for (i = 1; i <= NF; ++i) { gsub(/^ +| +$/, "", $i); cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR }
  END {
    for (r = 1; r <= n; ++r) {
      line = ""
      for (i = 1; i <= 5; ++i) line = line sprintf("%-" w[i] "s  ", cell[r, i])
      print line
      if (r == 1) { sep = ""; for (i = 1; i <= 5; ++i) { s = ""; for (k = 0; k < w[i]; ++k) s = s "-"; sep = sep s "  " } print sep }
    }
  }'
echo
echo "Figures vary from machine to machine; the ratios, measured in one run, are the stable part."
exit $status
