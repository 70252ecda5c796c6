# ufo-nic: top-level entry points. `make sim` runs the regression, `make test` everything CI runs.
SHELL := /bin/bash

SEED   ?=
COUNT  ?= 1000
MTU    ?= 1500,576,1280,9000
WIDTH  ?= 64
TEST   ?= v4-basic-3frag
OUT    ?= out

export UFO_DATA_WIDTH := $(WIDTH)

BIN    := target/release/ufo-sim
CARGO  := cargo
RTL_F  := rtl/ufo_nic.f
SEED_ARG := $(if $(SEED),--seed $(SEED),)

.PHONY: all deps build sim wave replay lint test test-rust test-rtl test-widths bench clean

all: build

deps:
	@bash scripts/ensure-deps.sh

build: deps
	$(CARGO) build --release --bin ufo-sim

# Regression: every test vector plus COUNT random packets, checked byte for byte; a JUnit XML
# report for CI in $(OUT)/sim/junit.xml.
sim: build
	$(BIN) run --vectors testvectors --count $(COUNT) --mtu $(MTU) $(SEED_ARG) --out $(OUT)/sim \
	  --junit $(OUT)/sim/junit.xml

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

# Verilator -Wall at every width, plus Yosys elaboration of the whole engine: two tools that read
# the RTL the same way. (Icarus 11 cannot elaborate package struct types on ports, which the
# stages use for their records: docs/architecture.md, "Tools".)
lint: deps | $(OUT)
	@for w in 64 128 256 512; do \
	  echo "verilator --lint-only -Wall -GDATA_WIDTH=$$w"; \
	  verilator --lint-only -Wall -GDATA_WIDTH=$$w --top-module ufo_nic_top -f $(RTL_F) || exit 1; \
	done
	@echo "yosys: read_verilog -sv; hierarchy -check; proc; check -assert"
	@yosys -q -p "read_verilog -sv $$(tr '\n' ' ' < $(RTL_F)); hierarchy -check -top ufo_nic_top; proc; check -assert" \
	  > $(OUT)/yosys.log 2>&1 || { cat $(OUT)/yosys.log; exit 1; }
	@echo "lint clean"

test-rust: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings
	$(CARGO) test --release --workspace

test-rtl: deps
	bash rtl/tb/run.sh

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

test: lint test-rtl test-rust test-widths

bench: build
	$(CARGO) run --release --example cycle_cost -p ufo-sim

$(OUT):
	mkdir -p $(OUT)

clean:
	$(CARGO) clean
	rm -rf $(OUT)
