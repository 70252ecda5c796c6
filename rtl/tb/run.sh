#!/usr/bin/env bash
# RTL unit tests (rtl/tb/README.md):
#   1. Verilator -Wall lint of every module in rtl/ufo_nic.f at every DATA_WIDTH (modules without
#      that parameter once, at their defaults);
#   2. Yosys elaboration (read_verilog -sv of the files the module needs; hierarchy -check, proc,
#      check -assert) of every module at DATA_WIDTH 64 and 512;
#   3. the self-checking benches rtl/tb/tb_*.sv: each built once per parameter set with
#      Verilator (cycle-based benches clocked by rtl/tb/tb_main.cpp), then run with every seed.
# Prints "ok ..." per passing run, the log and "FAILED: ..." (with the command that replays it)
# per failing one, and a summary; exits non-zero on any failure.
#
# Environment:
#   SEEDS="1 2"           seeds to run each bench with (default "1 2")
#   WIDTHS="64 512"       bench DATA_WIDTHs (default "64 128 256 512"; lint always runs all)
#   ONLY=regex            only the benches whose name matches (grep -E), e.g. ONLY=frame
#   LONG=1                also the long runs (16-bit index wraps)
#   NO_LINT=1             skip the Verilator lint and the Yosys elaboration
#   JOBS=N                parallel lint/elaboration/build jobs (default: nproc)
set -u
cd "$(dirname "$0")/.."          # rtl/

SEEDS=${SEEDS:-"1 2"}
WIDTHS=${WIDTHS:-"64 128 256 512"}
ONLY=${ONLY:-.}
LONG=${LONG:-0}
NO_LINT=${NO_LINT:-0}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

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

# ---- background jobs: `job <name> <command...>` runs it with at most JOBS at a time, output in
# $BUILD/job/<name>.log, exit status in <name>.rc; `jobs_wait` waits for all of them.
mkdir -p "$BUILD/job"
running=0
job() {
  local name=$1; shift
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
  ( "$@" >"$BUILD/job/$name.log" 2>&1; echo $? >"$BUILD/job/$name.rc" ) &
  running=$((running + 1))
}
jobs_wait() { wait; running=0; }
job_ok() { [ "$(cat "$BUILD/job/$1.rc" 2>/dev/null)" = 0 ]; }

mapfile -t RTL_FILES < <(sed 's#^rtl/##' ufo_nic.f)
MODULES=()
for f in "${RTL_FILES[@]}"; do [ "$f" != ufo_pkg.sv ] && MODULES+=("${f%.sv}"); done

has_width() { grep -q "parameter int DATA_WIDTH" "$1.sv"; }

# the files a module needs, in compile order: the package, the module and its submodules
needed_files() {
  local todo=("$1") seen=" " m sub f
  while [ ${#todo[@]} -gt 0 ]; do
    m=${todo[0]}; todo=("${todo[@]:1}")
    case "$seen" in *" $m "*) continue ;; esac
    seen="$seen$m "
    for sub in $(grep -oE '^\s*ufo_[a-z0-9_]+\s' "$m.sv" | grep -oE 'ufo_[a-z0-9_]+'); do
      [ -f "$sub.sv" ] && todo+=("$sub")
    done
  done
  for f in "${RTL_FILES[@]}"; do
    case "$f" in ufo_pkg.sv) echo "$f" ;; *) case "$seen" in *" ${f%.sv} "*) echo "$f" ;; esac ;; esac
  done
}

# ---- lint and elaboration -----------------------------------------------------------------
if [ "$NO_LINT" != 1 ]; then
  checks=()
  for m in "${MODULES[@]}"; do
    mapfile -t files < <(needed_files "$m")
    if has_width "$m"; then lint_w="64 128 256 512"; yosys_w="64 512"; else lint_w=default; yosys_w=default; fi
    for w in $lint_w; do
      gen=(); [ "$w" != default ] && gen=(-GDATA_WIDTH="$w")
      job "lint.$m.$w" verilator --lint-only -Wall "${gen[@]}" --top-module "$m" "${files[@]}"
      checks+=("lint.$m.$w")
    done
    for w in $yosys_w; do
      chp=""; [ "$w" != default ] && chp="chparam -set DATA_WIDTH $w $m;"
      job "yosys.$m.$w" yosys -q -p "read_verilog -sv ${files[*]}; $chp hierarchy -check -top $m; proc; check -assert"
      checks+=("yosys.$m.$w")
    done
  done
  jobs_wait
  for c in "${checks[@]}"; do
    if job_ok "$c"; then passes=$((passes + 1)); else cat "$BUILD/job/$c.log"; note_fail "${c//./ } (DATA_WIDTH)"; fi
  done
  echo "ok   verilator -Wall lint and yosys elaboration of ${#MODULES[@]} modules ($((SECONDS - start)) s)"
fi

# ---- benches ------------------------------------------------------------------------------
# One entry per parameter set: "<bench> [PARAM=VALUE...] [-- +plusarg...]"
BENCHES=()
add() { echo "$1" | grep -qE "$ONLY" && BENCHES+=("$*"); return 0; }
add tb_ufo_fifo WIDTH=1 DEPTH=2
add tb_ufo_fifo WIDTH=64 DEPTH=4
add tb_ufo_fifo WIDTH=130 DEPTH=16
add tb_ufo_axi_wr_guard
for w in $WIDTHS; do
  add tb_ufo_csr DATA_WIDTH="$w"
  add tb_ufo_axi_rd_mux DATA_WIDTH="$w"
  add tb_ufo_axi_rd_guard DATA_WIDTH="$w"
  add tb_ufo_desc_fetch DATA_WIDTH="$w"
  add tb_ufo_pkt_assemble DATA_WIDTH="$w"
  add tb_ufo_gather_packer DATA_WIDTH="$w"
  add tb_ufo_gather DATA_WIDTH="$w"
  add tb_ufo_uso_bsum DATA_WIDTH="$w"
  add tb_ufo_frame_reader DATA_WIDTH="$w"
  add tb_ufo_cpl_write DATA_WIDTH="$w"
done
# other sizes at the extreme widths: every limit hit often
for w in 64 512; do
  case " $WIDTHS " in *" $w "*) ;; *) continue ;; esac
  add tb_ufo_desc_fetch DATA_WIDTH="$w" DEPTH=4 MAX_BLOCK=3 MAX_READS=2 MAX_BURST=4
  add tb_ufo_pkt_assemble DATA_WIDTH="$w" MAX_DESC=3 MAX_FRAME=2500 NUM_PKTS=2 BUF_DEPTH=4
  add tb_ufo_cpl_write DATA_WIDTH="$w" MAX_WRITES=2
  add tb_ufo_uso_bsum DATA_WIDTH="$w" DEPTH=128
  add tb_ufo_gather DATA_WIDTH="$w" MAX_BURST=4 OUTSTANDING_BEATS=8 OUTSTANDING_BURSTS=2 NUM_HDR=2 RING_MULT=1
done
if [ "$LONG" = 1 ]; then
  add tb_ufo_desc_fetch DATA_WIDTH=256 -- +long
  add tb_ufo_cpl_write DATA_WIDTH=512 -- +long
fi

params_of() { local e=${1%% -- *}; echo "${e#* }" | sed 's/^tb_[a-z_0-9]*$//'; }
build_dir() { echo "$BUILD/$(echo "${1%% -- *}" | tr ' =' '_-')"; }

# build <entry>: Verilate and compile at -O0 (the benches are short, the compile dominates);
# the Verilator runtime (verilated.o, ...) is the same for all, compiled by the first build
build() {
  local entry=$1 tb dir gen=() p
  tb=${entry%% *}
  dir=$(build_dir "$entry")
  for p in $(params_of "$entry"); do gen+=(-G"$p"); done
  verilator --cc --exe --prefix Vtb -Wno-lint -Wno-style --x-assign unique --x-initial unique \
    -Itb --top-module "$tb" "${gen[@]}" -Mdir "$dir" -o tb \
    "${RTL_FILES[@]}" "tb/$tb.sv" "$PWD/tb/tb_main.cpp" || return 1
  cp "$BUILD"/runtime/*.o "$dir/" 2>/dev/null
  make -s -C "$dir" -f Vtb.mk OPT_FAST=-O0 OPT_SLOW=-O0 || return 1
  if [ ! -d "$BUILD/runtime" ]; then mkdir -p "$BUILD/runtime" && cp "$dir"/verilated*.o "$BUILD/runtime/"; fi
}

t0=$SECONDS
built=" "
first=1
for entry in "${BENCHES[@]}"; do
  dir=$(build_dir "$entry")
  case "$built" in *" $dir "*) continue ;; esac
  built="$built$dir "
  job "build.$(basename "$dir")" build "$entry"
  if [ "$first" = 1 ]; then jobs_wait; first=0; fi
done
jobs_wait
echo "ok   built $(echo "$built" | wc -w) benches ($((SECONDS - t0)) s)"

for entry in "${BENCHES[@]}"; do
  dir=$(build_dir "$entry")
  tag="${entry%% -- *}"
  plus=(); case "$entry" in *" -- "*) read -r -a plus <<<"${entry#* -- }" ;; esac
  [ ${#plus[@]} -gt 0 ] && tag="$tag ${plus[*]}"
  if ! job_ok "build.$(basename "$dir")"; then
    cat "$BUILD/job/build.$(basename "$dir").log"; note_fail "build $tag"; continue
  fi
  width=$(echo "$entry" | grep -oE 'DATA_WIDTH=[0-9]+' | cut -d= -f2)
  for seed in $SEEDS; do
    if "$dir/tb" +seed="$seed" +verilator+seed+"$seed" +verilator+rand+reset+2 "${plus[@]}" \
         >"$BUILD/run.log" 2>&1 &&
       grep -q '^PASS' "$BUILD/run.log" && ! grep -qE '^FAIL|%Error' "$BUILD/run.log"; then
      note_pass "$tag seed=$seed ($(grep -oE '[0-9]+ cycles' "$BUILD/run.log" | tail -1))"
    else
      tail -n 40 "$BUILD/run.log"
      note_fail "$tag seed=$seed"
      echo "  replay: SEEDS=$seed ONLY='^${entry%% *}\$' ${width:+WIDTHS=$width }${plus[*]:+LONG=1 }NO_LINT=1 bash rtl/tb/run.sh"
    fi
  done
done

echo "RTL unit tests: $passes passed, $fails failed ($((SECONDS - start)) s)"
[ "$fails" -eq 0 ]
