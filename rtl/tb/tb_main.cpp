// tb_main.cpp: the clock of every RTL unit bench (rtl/tb/tb_*.sv). The benches are cycle-based
// SystemVerilog modules with ports `clk` (in) and `failed` (out); everything else (reset,
// stimulus, models, checks, $finish) is in the bench. Built by rtl/tb/run.sh with
// `verilator --cc --exe --prefix Vtb`.
//
// A cycle is 10 ns of simulated time (messages print the time in ps: cycle = time / 10000).
// The run fails (exit 1) when the bench sets `failed`, when an $error fired in the RTL (an
// assertion such as ufo_vr_check or ufo_fifo's; the first one stops the run), or when the bench
// does not finish within +max_cycles=N cycles (default 20 million).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "Vtb.h"
#include "verilated.h"

int main(int argc, char** argv) {
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    ctx->fatalOnError(false);  // an $error ends the run here, with a message, not abort()
    auto tb = std::make_unique<Vtb>(ctx.get());

    uint64_t max_cycles = 20000000;
    if (const char* arg = ctx->commandArgsPlusMatch("max_cycles=")) {
        if (*arg) max_cycles = std::strtoull(arg + std::char_traits<char>::length("+max_cycles="), nullptr, 10);
    }

    uint64_t cycle = 0;
    tb->clk = 0;
    tb->eval();
    while (!ctx->gotFinish() && cycle < max_cycles) {
        ctx->timeInc(5000);  // ps: the benches use `timescale 1ns / 1ps
        tb->clk = 1;
        tb->eval();
        ctx->timeInc(5000);
        tb->clk = 0;
        tb->eval();
        cycle++;
    }
    tb->final();

    if (ctx->gotError()) {
        std::printf("FAIL: an RTL assertion ($error) fired, see above (cycle = time in ps / 10000)\n");
        return 1;
    }
    if (!ctx->gotFinish()) {
        std::printf("FAIL: no $finish within %" PRIu64 " cycles (hang?)\n", max_cycles);
        return 1;
    }
    return tb->failed ? 1 : 0;
}
