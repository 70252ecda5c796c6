#!/usr/bin/env bash
# RTL unit tests (rtl/tb/README.md):
#   1. Verilator -Wall lint of every module in rtl/ufo_nic.f at every DATA_WIDTH (modules without
#      that parameter once, at their defaults);
#   2. Yosys elaboration (read_verilog -sv of the files the module needs; hierarchy, proc,
#      check -assert) of every module at DATA_WIDTH 64 and 512;
#   3. the self-checking benches rtl/tb/tb_*.sv, each built once per parameter set with Verilator
#      (cycle-based benches clocked by rtl/tb/tb_main.cpp) and run with every seed.
# Prints "ok ..." per passing step, the log and "FAILED: ..." with a replay command per failing
# one, and a summary; exits non-zero on any failure.
#
# Environment:
#   SEEDS="1 2"           seeds to run each bench with (default "1 2")
#   WIDTHS="64 512"       bench DATA_WIDTHs (default "64 128 256 512"; lint always runs all)
#   ONLY=regex            run only the benches whose name matches (grep -E), e.g. ONLY=frame
#   LONG=1                also run the long tests (16-bit index wraps, long random runs)
#   NO_LINT=1             skip the Verilator lint and the Yosys elaboration
set -u
cd "$(dirname "$0")/.."          # rtl/

SEEDS=${SEEDS:-"1 2"}
WIDTHS=${WIDTHS:-"64 128 256 512"}
ONLY=${ONLY:-.}
LONG=${LONG:-0}
NO_LINT=${NO_LINT:-0}

for tool in verilator make g++; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (apt-get install -y verilator make g++)"; exit 2; }
done
if [ "$NO_LINT" != 1 ] && ! command -v yosys >/dev/null; then
  echo "run.sh: yosys not found (apt-get install -y yosys), or run with NO_LINT=1"; exit 2
fi

BUILD=$(mktemp -d "${TMPDIR:-/tmp}/ufo-rtl-tb.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
fails=0
passes=0
start=$SECONDS

note_pass() { echo "ok   $*"; passes=$((passes + 1)); }
note_fail() { echo "FAILED: $*"; fails=$((fails + 1)); }

mapfile -t RTL_FILES < <(sed 's#^rtl/##' ufo_nic.f)
MODULES=()
for f in "${RTL_FILES[@]}"; do [ "$f" != ufo_pkg.sv ] && MODULES+=("${f%.sv}"); done

has_width() { grep -q "parameter int DATA_WIDTH" "$1.sv"; }

# the files a module needs, in compile order: the package, the module, its submodules
needed_files() {
  local todo=("$1") seen=" " m sub
  while [ ${#todo[@]} -gt 0 ]; do
    m=${todo[0]}; todo=("${todo[@]:1}")
    case "$seen" in *" $m "*) continue ;; esac
    seen="$seen$m "
    for sub in $(grep -oE '^\s*ufo_[a-z0-9_]+\s+(#|u_|g_)' "$m.sv" | grep -oE 'ufo_[a-z0-9_]+'); do
      todo+=("$sub")
    done
  done
  for f in "${RTL_FILES[@]}"; do
    case "$seen" in *" ${f%.sv} "*) echo "$f" ;; esac
    [ "$f" = ufo_pkg.sv ] && echo "$f"
  done
}

# ---- lint and elaboration -----------------------------------------------------------------
if [ "$NO_LINT" != 1 ]; then
  for m in "${MODULES[@]}"; do
    if has_width "$m"; then widths="64 128 256 512"; else widths=default; fi
    for w in $widths; do
      gen=(); [ "$w" != default ] && gen=(-GDATA_WIDTH="$w")
      if verilator --lint-only -Wall "${gen[@]}" --top-module "$m" "${RTL_FILES[@]}" \
           >"$BUILD/lint.log" 2>&1; then
        passes=$((passes + 1))
      else
        cat "$BUILD/lint.log"; note_fail "verilator lint $m DATA_WIDTH=$w"
      fi
    done
  done
  echo "ok   verilator -Wall lint of ${#MODULES[@]} modules ($((SECONDS - start)) s)"
  t0=$SECONDS
  for m in "${MODULES[@]}"; do
    mapfile -t files < <(needed_files "$m")
    if has_width "$m"; then widths="64 512"; else widths=default; fi
    for w in $widths; do
      chp=""; [ "$w" != default ] && chp="chparam -set DATA_WIDTH $w $m;"
      if yosys -q -p "read_verilog -sv ${files[*]}; $chp hierarchy -check -top $m; proc; check -assert" \
           >"$BUILD/yosys.log" 2>&1; then
        passes=$((passes + 1))
      else
        cat "$BUILD/yosys.log"; note_fail "yosys $m DATA_WIDTH=$w (files: ${files[*]})"
      fi
    done
  done
  echo "ok   yosys elaboration of ${#MODULES[@]} modules ($((SECONDS - t0)) s)"
fi

# ---- benches ------------------------------------------------------------------------------
# The Verilator runtime (verilated.o, ...) is the same for every bench: compiled by the first
# build, copied into the others. Models are compiled at -O0: the benches are short, the
# compile dominates.
RUNTIME="$BUILD/runtime"
mkdir -p "$RUNTIME"

# build_tb <bench> <PARAM=VALUE...>: sets EXE, or returns 1 after printing the log
build_tb() {
  local tb=$1; shift
  local dir gen=() p
  dir="$BUILD/$tb.$(echo "$*" | tr ' =' '_-')"
  for p in "$@"; do gen+=(-G"$p"); done
  EXE="$dir/tb"
  [ -x "$EXE" ] && return 0
  if ! verilator --cc --exe --prefix Vtb -Wno-lint -Wno-style --x-assign unique --x-initial unique \
         -Itb --top-module "$tb" "${gen[@]}" -Mdir "$dir" -o tb \
         "${RTL_FILES[@]}" "tb/$tb.sv" "$PWD/tb/tb_main.cpp" >"$BUILD/build.log" 2>&1; then
    cat "$BUILD/build.log"; return 1
  fi
  cp "$RUNTIME"/*.o "$dir/" 2>/dev/null
  if ! make -s -C "$dir" -f Vtb.mk OPT_FAST=-O0 OPT_SLOW=-O0 >>"$BUILD/build.log" 2>&1; then
    cat "$BUILD/build.log"; return 1
  fi
  [ -e "$RUNTIME/verilated.o" ] || cp "$dir"/verilated*.o "$RUNTIME/"
  return 0
}

# run_tb <bench> <PARAM=VALUE...> [-- <plusargs...>]: build, then run with every seed
run_tb() {
  local tb=$1; shift
  local params=() plus=() seed tag width=""
  echo "$tb" | grep -qE "$ONLY" || return 0
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do params+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  plus=("$@")
  tag="$tb ${params[*]} ${plus[*]}"
  for p in "${params[@]}"; do case $p in DATA_WIDTH=*) width=${p#DATA_WIDTH=} ;; esac; done
  if ! build_tb "$tb" "${params[@]}"; then note_fail "build $tag"; return; fi
  for seed in $SEEDS; do
    if "$EXE" +seed="$seed" +verilator+seed+"$seed" +verilator+rand+reset+2 "${plus[@]}" \
         >"$BUILD/run.log" 2>&1 &&
       grep -q '^PASS' "$BUILD/run.log" && ! grep -qE '^FAIL|%Error' "$BUILD/run.log"; then
      note_pass "$tag seed=$seed ($(grep -o '[0-9]* cycles' "$BUILD/run.log" | tail -1))"
    else
      tail -n 40 "$BUILD/run.log"
      note_fail "$tag seed=$seed"
      echo "  replay: SEEDS=$seed ONLY='^$tb\$' ${width:+WIDTHS=$width }NO_LINT=1 bash rtl/tb/run.sh"
    fi
  done
}

t0=$SECONDS
run_tb tb_ufo_fifo WIDTH=1 DEPTH=2
run_tb tb_ufo_fifo WIDTH=64 DEPTH=4
run_tb tb_ufo_fifo WIDTH=130 DEPTH=16
for w in $WIDTHS; do
  run_tb tb_ufo_gather_packer DATA_WIDTH="$w"
  run_tb tb_ufo_frame_reader DATA_WIDTH="$w"
  run_tb tb_ufo_pkt_assemble DATA_WIDTH="$w"
  run_tb tb_ufo_desc_fetch DATA_WIDTH="$w"
  run_tb tb_ufo_cpl_write DATA_WIDTH="$w"
  run_tb tb_ufo_csr DATA_WIDTH="$w"
  run_tb tb_ufo_axi_rd_mux DATA_WIDTH="$w"
done

# assembly with a tiny table and queue (every limit hit often)
for w in 64 512; do
  echo " $WIDTHS " | grep -q " $w " && run_tb tb_ufo_pkt_assemble DATA_WIDTH=$w MAX_DESC=3 MAX_FRAME=2500 NUM_PKTS=2 BUF_DEPTH=4
done

echo "RTL unit tests: $passes passed, $fails failed ($((SECONDS - start)) s; benches $((SECONDS - t0)) s)"
[ "$fails" -eq 0 ]
