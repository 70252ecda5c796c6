#!/usr/bin/env bash
# Generates everything that comes from the register map regs/ufo_nic.rdl, with PeakRDL and
# regs/export.py from the venv .venv (`make regs` installs them):
#   include/ufo_nic_regs.h      C header for driver writers (PeakRDL c-header)
#   docs/registers.md           register reference (PeakRDL markdown)
#   driver/src/regmap_gen.rs    Rust constants and table (regs/export.py)
#   include/ufo_nic_reglist.h   C X-macro register and field lists (regs/export.py)
#
#   generate.sh           write them into the tree
#   generate.sh --check   regenerate into a temporary folder; fail if the tree differs
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
RDL=regs/ufo_nic.rdl
OUTPUTS=(include/ufo_nic_regs.h docs/registers.md driver/src/regmap_gen.rs include/ufo_nic_reglist.h)

[ -x "$VENV/bin/peakrdl" ] || {
  echo "regs: PeakRDL is not in $VENV: run 'make regs' (it installs it)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/include" "$tmp/docs" "$tmp/driver/src"
# hier: macro names follow the instance path (UFO_NIC__REG__FIELD), whatever the reg types are
"$VENV/bin/peakrdl" c-header "$RDL" --type-style hier -o "$tmp/include/ufo_nic_regs.h"
"$VENV/bin/peakrdl" markdown "$RDL" -o "$tmp/docs/registers.md"
"$VENV/bin/python" regs/export.py "$RDL" --rust "$tmp/driver/src/regmap_gen.rs" \
  --c-list "$tmp/include/ufo_nic_reglist.h"

if [ "${1:-}" = --check ]; then
  stale=()
  for f in "${OUTPUTS[@]}"; do
    diff -u "$f" "$tmp/$f" >&2 || stale+=("$f")
  done
  if [ ${#stale[@]} -gt 0 ]; then
    echo "regs: ${stale[*]} out of date with $RDL: run 'make regs' and commit the result" >&2
    exit 1
  fi
  echo "regs: generated files match $RDL"
else
  for f in "${OUTPUTS[@]}"; do
    cp "$tmp/$f" "$f"
  done
  echo "regs: wrote ${OUTPUTS[*]}"
fi
