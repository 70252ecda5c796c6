#!/usr/bin/env bash
# Shows that every rule of the protocol checkers in rtl/sim fires: builds tb_ufo_checks once
# (Verilator, clocked by rtl/tb/tb_main.cpp), runs it legal (must pass), over host-side violations
# without +ufo_host_checks (the host-side rules off: must pass), and once per rule with
# +ufo_host_checks +violate=<rule> (must fail, printing "[<rule>] ... at cycle N").
# Part of `make test-rtl`.
set -u
cd "$(dirname "$0")/.."          # rtl/
command -v verilator >/dev/null || { echo "selftest.sh: verilator not found (apt-get install -y verilator)"; exit 2; }

RULES="axis.valid_held axis.payload_stable axis.tkeep_nonzero axis.tkeep_full axis.tkeep_contiguous
  axil.aw.valid_held axil.one_write axil.b_after_write axil.r_after_read
  axi4.ar_incr axi4.ar_size axi4.ar_4k axi4.aw_incr axi4.aw_size axi4.aw_4k
  axi4.ar.valid_held axi4.w.valid_held axi4.r.valid_held axi4.r.payload_stable
  axi4.r_solicited axi4.rlast axi4.b_solicited axi4.wlast
  engine.cpl_slot engine.one_completion_per_packet engine.tx_head_in_ring"

BUILD=$(mktemp -d "${TMPDIR:-/tmp}/ufo-checks.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
start=$SECONDS
# the checkers of sim.f (paths from the repository root) without the bind file (no ufo_nic_top
# here); ufo_pkg for tb_common.svh
mapfile -t CHECKERS < <(grep -v -e '^//' -e '_bind\.sv$' sim/sim.f | sed 's#^rtl/##')
verilator --cc --exe --prefix Vtb -Wno-lint -Wno-style --assert \
  -Itb --top-module tb_ufo_checks -Mdir "$BUILD" -o tb \
  ufo_pkg.sv "${CHECKERS[@]}" sim/tb_ufo_checks.sv "$PWD/tb/tb_main.cpp" >"$BUILD/build.log" 2>&1 \
  && make -s -C "$BUILD" -f Vtb.mk OPT_FAST=-O0 OPT_SLOW=-O0 >>"$BUILD/build.log" 2>&1 \
  || { cat "$BUILD/build.log"; echo "FAILED: build tb_ufo_checks"; exit 1; }

fails=0
run() { "$BUILD/tb" +violate="$1" "${@:2}" >"$BUILD/run.log" 2>&1; }
for legal in "legal +ufo_host_checks" "host_checks_off"; do
  # shellcheck disable=SC2086
  if run $legal && grep -q '^PASS' "$BUILD/run.log"; then
    echo "ok   $legal: no rule fires"
  else
    cat "$BUILD/run.log"; echo "FAILED: $legal: a rule fired on legal traffic"; fails=$((fails + 1))
  fi
done
# the host_checks_off violations do fire with the host-side rules on (its pass above is not vacuous)
if run host_checks_off +ufo_host_checks || ! grep -qE '\[axi4\.r[._]' "$BUILD/run.log"; then
  cat "$BUILD/run.log"; echo "FAILED: host_checks_off: no host-side rule fired with +ufo_host_checks"
  fails=$((fails + 1))
else
  echo "ok   host_checks_off with +ufo_host_checks fires: $(grep -oE '\[axi4\.r[._].*' "$BUILD/run.log" | head -1)"
fi
for rule in $RULES; do
  if run "$rule" +ufo_host_checks; then
    cat "$BUILD/run.log"; echo "FAILED: $rule: the run passed"; fails=$((fails + 1))
  elif grep -qE "\[$rule\] .* at cycle [0-9]+" "$BUILD/run.log"; then
    echo "ok   $rule fires: $(grep -oE "\[$rule\] .*" "$BUILD/run.log" | head -1)"
  else
    cat "$BUILD/run.log"; echo "FAILED: $rule: the run failed without naming the rule"; fails=$((fails + 1))
  fi
done
n=$(echo $RULES | wc -w)
echo "protocol checker self-test: $n rules, $fails failed ($((SECONDS - start)) s)"
[ "$fails" -eq 0 ]
