#!/usr/bin/env bash
# Synthesises ufo_nic_top with Yosys for UltraScale+ at each DATA_WIDTH given and prints LUT, FF,
# block RAM and Yosys's logic-only critical path per width (docs/performance.md, "Logic cost").
#
#   scripts/synth.sh OUT_DIR WIDTH...      (make synth: out/synth 64 128 256 512)
#
# Per width: synth_xilinx -family xcup -abc9 -flatten, then stat and sta. Logs in
# OUT_DIR/synth-<width>.log, the netlist in OUT_DIR/synth-<width>.json, the flip-flops per RTL
# register (what survived synthesis) in OUT_DIR/ffs-<width>.txt, one summary line per width in
# OUT_DIR/summary.csv.
#
# Yosys 0.23 reads an unpacked array of a packed struct (`fifo_entry_t fifo_mem [DEPTH];`) as ONE
# struct-wide vector and the element select as a bit select, silently (YosysHQ/yosys#2677: arrays
# of structs are not handled by its frontend): the descriptor FIFO then reads 0, no packet is ever
# gathered and synthesis removes most of the engine. So the sources are copied to OUT_DIR/src and
# each such declaration rewritten to the same bits as a plain vector array (`fifo_entry_t
# fifo_mem__elem; logic [$bits(fifo_mem__elem)-1:0] fifo_mem [DEPTH];`); packed arrays of a
# typedef (`foo_t [3:0] x;`), which 0.23 mis-reads as well, stop the script with the line to fix.
# The ffs-<width>.txt report lists outputs that synthesis tied to a constant: check it.
#
# sta: Yosys's timing pass on the mapped netlist with the delays of the cell library's specify
# blocks (LUTs, FDRE clock-to-out and setup). CARRY4/CARRY8 and block RAM have no timing arcs in
# Yosys 0.23's library, so a path through a carry chain or out of a RAM is cut there, and there is
# no routing: a figure to compare designs with, not a clock frequency.
set -euo pipefail

out=${1:?usage: scripts/synth.sh OUT_DIR WIDTH...}
shift
[ $# -gt 0 ] || set -- 64 128 256 512
command -v python3 >/dev/null || {
  echo "synth: python3 not found: install it with apt-get install python3" >&2
  exit 1
}
command -v yosys >/dev/null || {
  echo "synth: yosys not found: install it with apt-get install yosys (Debian's 0.23)" >&2
  exit 1
}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
# Sources for Yosys 0.23 (see above), in the order of rtl/ufo_nic.f.
rm -rf "$out/src"
mkdir -p "$out/src"
sources=""
while read -r f; do
  [ -n "$f" ] || continue
  if grep -nE '^\s*[A-Za-z_][A-Za-z0-9_:]*_t\s*\[' "$root/$f" >&2; then
    echo "synth: $f: a packed array of a typedef (line above): Yosys 0.23 misreads it" >&2
    exit 1
  fi
  dst="$out/src/$(basename "$f")"
  sed -E 's/^(\s*)([A-Za-z_][A-Za-z0-9_:]*_t)\s+([A-Za-z_][A-Za-z0-9_]*)\s*(\[[^;]*\])\s*;/\1\2 \3__elem;\n\1logic [$bits(\3__elem)-1:0] \3 \4;/' \
    "$root/$f" >"$dst"
  if ! cmp -s "$root/$f" "$dst"; then
    echo "for Yosys 0.23, $f:"
    diff "$root/$f" "$dst" | sed -n 's/^> /    /p' || true  # diff exits 1: they differ
  fi
  sources="$sources $dst"
done <"$root/rtl/ufo_nic.f"
summary="$out/summary.csv"
echo "data_width,lut,ff,carry,ramb18,ramb36,uram,lutram,srl,critical_path_ps,seconds" >"$summary"

count() { # cell count of type $2 in the stat section of log $1 (0 if absent)
  awk -v t="$2" '$1 == t { n = $2 } END { print n + 0 }' "$1"
}

for w in "$@"; do
  case $w in 64 | 128 | 256 | 512) ;; *) echo "synth: DATA_WIDTH $w: must be 64, 128, 256 or 512" >&2; exit 1 ;; esac
  log="$out/synth-$w.log"
  stat="$out/stat-$w.txt"
  echo "DATA_WIDTH=$w: yosys synth_xilinx -family xcup -abc9 -flatten (log $log)"
  start=$(date +%s)
  yosys -q -l "$log" -p "
    read_verilog -sv $sources
    hierarchy -check -top ufo_nic_top -chparam DATA_WIDTH $w
    design -save elaborated
    proc
    flatten
    write_json $out/elaborated-$w.json
    design -load elaborated
    synth_xilinx -family xcup -abc9 -flatten -top ufo_nic_top
    tee -q -o $stat stat
    write_json $out/synth-$w.json
    sta" >/dev/null || { echo "synth: yosys failed, see $log" >&2; exit 1; }
  secs=$(($(date +%s) - start))
  luts=0
  for t in LUT1 LUT2 LUT3 LUT4 LUT5 LUT6; do luts=$((luts + $(count "$stat" $t))); done
  ffs=0
  for t in FDRE FDSE FDCE FDPE; do ffs=$((ffs + $(count "$stat" $t))); done
  carry=$(($(count "$stat" CARRY4) + $(count "$stat" CARRY8)))
  ramb18=$(count "$stat" RAMB18E2)
  ramb36=$(count "$stat" RAMB36E2)
  uram=$(count "$stat" URAM288)
  lutram=0
  for t in RAM32M RAM64M RAM32X1D RAM64X1D RAM128X1D RAM256X1D RAM32M16 RAM64M8 RAM32X16DR8 RAM64X8SW; do
    lutram=$((lutram + $(count "$stat" $t)))
  done
  srl=$(($(count "$stat" SRL16E) + $(count "$stat" SRLC32E)))
  path=$(sed -n "s/^Latest arrival time in 'ufo_nic_top' is \([0-9]*\):.*/\1/p" "$log" | tail -1)
  python3 "$root/scripts/synth_ffs.py" "$out/synth-$w.json" "$out/elaborated-$w.json" >"$out/ffs-$w.txt"
  rm -f "$out/elaborated-$w.json"
  grep -A3 "^Outputs tied" "$out/ffs-$w.txt" || true
  echo "$w,$luts,$ffs,$carry,$ramb18,$ramb36,$uram,$lutram,$srl,${path:-?},$secs" >>"$summary"
  echo "  LUT $luts, FF $ffs, CARRY $carry, RAMB18 $ramb18, RAMB36 $ramb36, URAM $uram," \
    "LUTRAM $lutram, SRL $srl; logic-only critical path ${path:-?} ps; $secs s"
done
echo
column -s, -t "$summary"
echo "flip-flops per RTL register: $out/ffs-<width>.txt"
