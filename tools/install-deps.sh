#!/usr/bin/env bash
# Installs the workbook's dependencies from the distribution's packages.
# On Debian/Ubuntu as root it runs apt-get; otherwise it prints the command to
# run (with the Homebrew and Fedora equivalents) and fails.
#   tools/install-deps.sh [--quiet] [--with-browser]
# --with-browser adds Chromium, which the self-test uses to check the site.
set -euo pipefail

quiet=0
browser=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    --with-browser) browser=1 ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

# Debian package -> what shows it is there (a command, or a file).
declare -A probe=(
  [g++]="cmd:g++"
  [clang]="cmd:clang++"
  [lld]="cmd:ld.lld"
  [cmake]="cmd:cmake"
  [ninja-build]="cmd:ninja"
  [pkg-config]="cmd:pkg-config"
  [catch2]="file:/usr/include/catch2/catch.hpp|/usr/include/catch2/catch_all.hpp|/usr/local/include/catch2/catch_all.hpp|/opt/homebrew/include/catch2/catch_all.hpp"
  [libasio-dev]="file:/usr/include/asio.hpp|/usr/local/include/asio.hpp|/opt/homebrew/include/asio.hpp"
  [libcpp-httplib-dev]="file:/usr/include/httplib.h|/usr/local/include/httplib.h|/opt/homebrew/include/httplib.h"
  [libpugixml-dev]="file:/usr/include/pugixml.hpp|/usr/local/include/pugixml.hpp|/opt/homebrew/include/pugixml.hpp"
  [doxygen]="cmd:doxygen"
)
order=(g++ clang lld cmake ninja-build pkg-config catch2 libasio-dev libcpp-httplib-dev libpugixml-dev doxygen)
probe[chromium]="cmd:chromium"
((browser)) && order+=(chromium)

present() {
  local spec="${probe[$1]}"
  case "$spec" in
    cmd:*) command -v "${spec#cmd:}" > /dev/null 2>&1 ;;
    file:*)
      local IFS='|'
      for f in ${spec#file:}; do [[ -e "$f" ]] && return 0; done
      return 1
      ;;
  esac
}

missing=()
if command -v dpkg-query > /dev/null 2>&1; then
  # Debian and derivatives: ask the package database, which also knows the
  # pieces no probe sees (the sanitizer runtimes of clang, and llvm's
  # unversioned llvm-symbolizer, which clang's ThreadSanitizer reports need)
  # and the site's theme (doxygen-awesome-css, packaged by Debian; elsewhere
  # the site falls back to Doxygen's own look).
  # One query for all of them: this runs before every ./workbook command, so
  # it has to be quick (a query per package took 0.15 s of each verdict).
  wanted=("${order[@]}" libclang-rt-dev llvm doxygen-awesome-css)
  # (dpkg-query fails when it knows a package not at all; the loop below
  # counts that one as missing.)
  installed=" $({ dpkg-query -W -f='${Package}:${Status}\n' "${wanted[@]}" 2> /dev/null || true; } |
    sed -n 's/:install ok installed$//p' | tr '\n' ' ')"
  for package in "${wanted[@]}"; do
    [[ "$installed" == *" $package "* ]] || missing+=("$package")
  done
else
  for package in "${order[@]}"; do
    present "$package" || missing+=("$package")
  done
fi

cmake_too_old() {
  command -v cmake > /dev/null 2>&1 || return 1
  local version
  version="$(cmake --version | head -n1 | sed 's/[^0-9.]*\([0-9.]*\).*/\1/')"
  [[ "$(printf '%s\n3.25\n' "$version" | sort -V | head -n1)" != "3.25" ]]
}

if ((${#missing[@]} == 0)); then
  if cmake_too_old; then
    echo "workbook: CMake 3.25 or newer is needed ($(cmake --version | head -n1) found)" >&2
    exit 1
  fi
  ((quiet)) || echo "workbook: every dependency is installed."
  exit 0
fi

echo "workbook: missing: ${missing[*]}"
if command -v apt-get > /dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]]; then
    echo "workbook: installing them: apt-get install -y ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
    echo "workbook: installed."
    exit 0
  fi
  echo "Run:  sudo apt-get install -y ${missing[*]}" >&2
else
  echo "Install them with your package manager, for example:" >&2
  echo "  Debian/Ubuntu: sudo apt-get install -y g++ clang libclang-rt-dev llvm lld cmake ninja-build pkg-config catch2 libasio-dev libcpp-httplib-dev libpugixml-dev doxygen" >&2
  echo "  Fedora:        sudo dnf install -y gcc-c++ clang lld cmake ninja-build pkgconf catch-devel asio-devel cpp-httplib-devel pugixml-devel doxygen" >&2
  echo "  macOS:         brew install llvm lld cmake ninja pkg-config catch2 asio cpp-httplib pugixml doxygen" >&2
fi
exit 1
