#!/usr/bin/env bash
# ./workbook bench [--record] [PROGRAM...]: runs every chapter's measuring
# program (or only those named) in full,
# in an optimised build (preset `bench`), and prints one table of the claims
# the chapters make, each with the figure measured now and its ratio to the
# comparison measured in the same run; the Python side of each comparison
# (chapters/NN-topic/*.py) runs in the same run, with Debian's
# /usr/bin/python3. It also draws the charts (gnuplot, SVG).
#
#   --record   also writes the table into docs/performance.md and the charts
#              into docs/images/ (what the Performance page shows)
#
# A measuring program reports each claim, and each point of a chart, on a
# line of its own:
#   claim: <what is measured> | <figure with unit> | <comparison> | <ratio>
#   point: <chart> | <series> | <x> | <y>
# Everything else it prints is kept in build/bench/bench-<name>.log.
#
# Outputs: build/bench/claims.md (the table, in Markdown), build/bench/claims.txt
# (as printed), build/bench/charts/<chart>.svg (and .dat, the points).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

record=0
only=() # program names: run only these (and no hook)
for arg in "$@"; do
  case "$arg" in
    --record) record=1 ;;
    -*) echo "workbook bench: unknown option $arg (usage: ./workbook bench [--record] [PROGRAM...])" >&2; exit 2 ;;
    *) only+=("$arg") ;;
  esac
done
if ((record && ${#only[@]})); then
  echo "workbook bench: --record records a whole run: name no program" >&2
  exit 2
fi

bash tools/install-deps.sh --quiet || exit 1
started_all=$SECONDS
load_before="$(cut -d' ' -f1 /proc/loadavg 2> /dev/null || echo '?')"

# --- what the comparisons need beyond the build --------------------------
# wrk (the HTTP load), python3-aiohttp (the tutorial's server, for Debian's
# /usr/bin/python3), gnuplot-nox (the charts) and nginx-light (the reference
# HTTP server) are installed when missing, as root on Debian. Debian's nginx
# package would start a system service on port 80: it is installed with
# service starts refused (policy-rc.d), and any nginx service found running
# afterwards is stopped and disabled; the benchmark runs its own instance on
# 127.0.0.1 with its own configuration. A comparison whose program is still
# missing is reported "not measured".
have_package() { dpkg-query -W -f='${Status}' "$1" 2> /dev/null | grep -q "install ok installed"; }
wanted=()
command -v wrk > /dev/null 2>&1 || wanted+=(wrk)
command -v gnuplot > /dev/null 2>&1 || wanted+=(gnuplot-nox)
[[ -x /usr/bin/python3 ]] && ! /usr/bin/python3 -c 'import aiohttp' > /dev/null 2>&1 && wanted+=(python3-aiohttp)
command -v nginx > /dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || wanted+=(nginx-light)
if ((${#wanted[@]})); then
  if [[ $EUID -eq 0 ]] && command -v apt-get > /dev/null 2>&1; then
    echo "Installing what the comparisons need: apt-get install -y ${wanted[*]} ..."
    mkdir -p build
    made_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      printf '#!/bin/sh\n# written by the workbook bench during apt-get install: start no service\nexit 101\n' \
        > /usr/sbin/policy-rc.d
      chmod 755 /usr/sbin/policy-rc.d
      made_policy=1
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${wanted[@]}" \
      > build/bench-apt.log 2>&1 || echo "  apt-get install failed (log: build/bench-apt.log); what is missing is not measured"
    if ((made_policy)); then
      rm -f /usr/sbin/policy-rc.d
      trap - EXIT
    fi
    if [[ " ${wanted[*]} " == *" nginx-light "* ]]; then
      # Whatever started it, the system's nginx service does not stay up.
      if command -v systemctl > /dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
        systemctl disable --now nginx > /dev/null 2>&1 || true
      elif [[ -s /run/nginx.pid ]] && kill -0 "$(cat /run/nginx.pid)" 2> /dev/null; then
        invoke-rc.d nginx stop > /dev/null 2>&1 || kill "$(cat /run/nginx.pid)" 2> /dev/null || true
      fi
    fi
  else
    echo "Not installed: ${wanted[*]} (Debian: sudo apt-get install ${wanted[*]}); those comparisons are not measured."
  fi
fi

# --- build ----------------------------------------------------------------
per_program_limit="${WORKBOOK_BENCH_LIMIT:-150}" # seconds; the whole run stays under ten minutes

mkdir -p build
echo "Building the measuring programs (cmake --preset bench) ..."
if ! cmake --preset bench -DWORKBOOK_CHAPTERS= > build/bench-configure.log 2>&1; then
  tail -n 40 build/bench-configure.log
  echo "workbook bench: the configuration failed (log: build/bench-configure.log)" >&2
  exit 1
fi
mapfile -t programs < <(awk -F'\t' -v only="${only[*]:-}" '
  BEGIN { n = split(only, names, " "); for (i = 1; i <= n; ++i) wanted[names[i]] = 1 }
  $1 == "benchmark" && (n == 0 || $3 in wanted) { print $2 "\t" $3 }' build/bench/workbook-manifest.tsv)
if ((${#programs[@]} == 0)); then
  echo "workbook bench: no measuring program${only[*]:+ named ${only[*]}} is registered" >&2
  exit 1
fi
targets=()
for entry in "${programs[@]}"; do targets+=("${entry#*$'\t'}"); done
if ! cmake --build --preset bench --target "${targets[@]}" > build/bench/build.log 2>&1; then
  grep -E 'error|FAILED' build/bench/build.log | head -n 20
  echo "workbook bench: the build failed (log: build/bench/build.log)" >&2
  exit 1
fi
mv build/bench-configure.log build/bench/configure.log
echo "  built in $((SECONDS - started_all)) s"

# --- run ------------------------------------------------------------------
claims=()
points=()
status=0
run_one() { # run_one LABEL LOG COMMAND...
  local label="$1" log="$2"
  shift 2
  echo "Running $label (at most ${per_program_limit}s) ..."
  local started=$SECONDS
  WORKBOOK_PYTHON="${WORKBOOK_PYTHON-/usr/bin/python3}" \
    timeout --signal=INT --kill-after=10 "$per_program_limit" "$@" > "$log" 2>&1
  local rc=$?
  if ((rc != 0)); then
    echo "  $label failed (status $rc); see $log"
    status=1
  fi
  echo "  done in $((SECONDS - started)) s"
  local line
  while IFS= read -r line; do
    claims+=("${label%%/*}|${line#claim: }")
  done < <(grep -E '^claim: ' "$log")
  while IFS= read -r line; do
    points+=("${line#point: }")
  done < <(grep -E '^point: ' "$log")
}

for entry in "${programs[@]}"; do
  chapter="${entry%%$'\t'*}"
  name="${entry#*$'\t'}"
  run_one "$chapter/$name" "build/bench/bench-$name.log" "build/bench/chapters/$chapter/$name"
done

# ---- hooks: other measurements of the workbook ------------------------------
# Every tools/bench/*.sh is run here, in name order, after the chapters'
# programs, with the same time limit and the same output protocol: its
# `claim:` lines join the table (chapter column: the script's name), its
# `point:` lines the charts (tools/bench/charts/<chart>.gp draws a chart, or
# charts/default.gp). It runs from the repository's root with the bench
# build in $WORKBOOK_BENCH_BUILD; its full output is build/bench/bench-<name>.log.
for hook in tools/bench/*.sh; do
  [[ -f "$hook" ]] && ((${#only[@]} == 0)) || continue
  name="$(basename "$hook" .sh)"
  # A hook may ask for a longer limit with a `# bench-limit: SECONDS` line.
  saved_limit="$per_program_limit"
  hook_limit="$(sed -n 's/^# bench-limit: *\([0-9][0-9]*\).*/\1/p' "$hook" | head -n1)"
  [[ -n "$hook_limit" && -z "${WORKBOOK_BENCH_LIMIT:-}" ]] && per_program_limit="$hook_limit"
  WORKBOOK_BENCH_BUILD="$root/build/bench" run_one "$name" "build/bench/bench-$name.log" bash "$hook"
  per_program_limit="$saved_limit"
done
# ---- end of hooks -------------------------------------------------------------

# --- the table ------------------------------------------------------------
when="$(date -u '+%Y-%m-%d %H:%M UTC')"
# The machine's load average, before and after: on a machine busy with other
# work the threads of a measurement get less than the cores, and ratios that
# need the cores move (say so beside the figures).
load_after="$(cut -d' ' -f1 /proc/loadavg 2> /dev/null || echo '?')"
caption="Claims measured on $(nproc) cores, $when (load average $load_before before the run, $load_after after)"
table_rows() {
  echo "chapter|claim|measured now|compared with|ratio"
  printf '%s\n' "${claims[@]}"
}
echo
echo "$caption:"
echo
table_rows | awk -F'|' '
  { for (i = 1; i <= NF; ++i) { gsub(/^ +| +$/, "", $i); cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR }
  END {
    for (r = 1; r <= n; ++r) {
      line = ""
      for (i = 1; i <= 5; ++i) line = line sprintf("%-" w[i] "s  ", cell[r, i])
      sub(/ +$/, "", line)
      print line
      if (r == 1) { sep = ""; for (i = 1; i <= 5; ++i) { s = ""; for (k = 0; k < w[i]; ++k) s = s "-"; sep = sep s "  " } sub(/ +$/, "", sep); print sep }
    }
  }' | tee build/bench/claims.txt
{
  echo "$caption:"
  echo
  table_rows | awk -F'|' '
    { row = "|"; for (i = 1; i <= 5; ++i) { c = $i; gsub(/^ +| +$/, "", c); gsub(/\*/, "\\*", c); row = row " " c " |" } print row
      if (NR == 1) print "| --- | --- | --- | --- | --- |" }'
} > build/bench/claims.md

# --- the charts -----------------------------------------------------------
charts_dir="build/bench/charts"
rm -rf "$charts_dir"
mkdir -p "$charts_dir"
charts=()
if ((${#points[@]})); then
  mapfile -t charts < <(printf '%s\n' "${points[@]}" | awk -F' [|] ' '{ print $1 }' | sort -u)
fi
drawn=()
for chart in "${charts[@]}"; do
  data="$charts_dir/$chart.dat"
  # One block per series, in the order the program printed them: a title
  # line, then "x y" lines; blocks separated by two blank lines (gnuplot's index).
  printf '%s\n' "${points[@]}" | awk -F' [|] ' -v chart="$chart" '
    $1 == chart { if (!($2 in seen)) { seen[$2] = ++n; name[n] = $2 } rows[seen[$2]] = rows[seen[$2]] $3 " " $4 "\n" }
    END { for (i = 1; i <= n; ++i) { if (i > 1) printf "\n\n"; printf "\"%s\" \"\"\n%s", name[i], rows[i] } }' > "$data"
  series="$(grep -c '^"' "$data")"
  script="tools/bench/charts/$chart.gp"
  [[ -f "$script" ]] || script="tools/bench/charts/default.gp"
  if command -v gnuplot > /dev/null 2>&1; then
    if gnuplot -e "data='$data'; output='$charts_dir/$chart.svg'; series=$series; cores=$(nproc); when='$when'; chart='$chart'" \
      "$script" > "$charts_dir/$chart.log" 2>&1; then
      drawn+=("$charts_dir/$chart.svg")
    else
      echo "gnuplot could not draw $chart (log: $charts_dir/$chart.log)"
    fi
  fi
done

echo
echo "Figures vary from machine to machine; the ratios, measured in one run, are the stable part."
echo "The table in Markdown: build/bench/claims.md; each program's output: build/bench/bench-<name>.log"
if ((${#drawn[@]})); then
  echo "Charts (SVG, open them in a browser):"
  printf '  %s\n' "${drawn[@]}"
elif ((${#charts[@]})); then
  echo "No chart drawn: gnuplot is not installed (Debian: apt-get install gnuplot-nox); the points are in $charts_dir/*.dat"
fi

if ((record)); then
  # The Performance page shows the table between two markers, and the charts
  # from docs/images/: both replaced by this run's.
  page="docs/performance.md"
  awk -v table="build/bench/claims.md" '
    /<!-- bench-table:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- bench-table:end -->/ { skip = 0 }
    !skip' "$page" > "$page.new" && mv "$page.new" "$page"
  mkdir -p docs/images
  for svg in "${drawn[@]}"; do cp "$svg" "docs/images/bench-$(basename "$svg")"; done
  echo "Recorded: the table in $page, the charts in docs/images/bench-*.svg"
fi
echo "workbook bench: $((SECONDS - started_all)) s in all"
exit $status
