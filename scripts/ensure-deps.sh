#!/usr/bin/env bash
# Makes sure the tools `make sim` and `make test` need are present: Verilator 5.x (Debian's 5.006),
# a C++ compiler, make, zlib headers (FST traces), Yosys and cargo. Installs the Debian packages with
# apt-get when missing and allowed (root or passwordless sudo); otherwise says what to install.
set -euo pipefail

need_pkgs=()
command -v verilator >/dev/null 2>&1 || need_pkgs+=(verilator)
command -v g++ >/dev/null 2>&1 || need_pkgs+=(g++)
command -v make >/dev/null 2>&1 || need_pkgs+=(make)
# Yosys: the RTL is also elaborated by a second tool that reads SystemVerilog
command -v yosys >/dev/null 2>&1 || need_pkgs+=(yosys)
[ -e /usr/include/zlib.h ] || need_pkgs+=(zlib1g-dev)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "ensure-deps: installing ${need_pkgs[*]} with apt-get" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "ensure-deps: missing ${need_pkgs[*]}: run 'sudo apt-get install ${need_pkgs[*]}'" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq "${need_pkgs[@]}" >&2 || {
    echo "ensure-deps: apt-get failed: install ${need_pkgs[*]} by hand" >&2; exit 1; }
fi

ver=$(verilator --version | awk '{print $2}')
case "$ver" in
  5.*) ;;
  *) echo "ensure-deps: Verilator $ver found, 5.x needed (Debian: apt-get install verilator)" >&2; exit 1 ;;
esac

command -v cargo >/dev/null 2>&1 || {
  echo "ensure-deps: cargo not found: install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
