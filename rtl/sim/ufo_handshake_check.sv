// Language: SystemVerilog (IEEE 1800-2017), simulation only (never synthesized or linted with
// the RTL: rtl/sim/ is read by the simulator build, sim/build.rs, and by rtl/tb/run.sh).
// ufo_handshake_check: the valid/ready rules every AXI channel shares. Once valid is high it
// stays high until the handshake, and the payload does not change while valid && !ready.
// A violation is an $error "[<rule>] ... at cycle N" (N = rising edges since time 0, as the
// Rust test bench counts them).
`default_nettype none
`timescale 1ns / 1ps

module ufo_handshake_check #(
    parameter string NAME  = "channel",  // rule prefix, e.g. "axi4.ar"
    parameter int    WIDTH = 1           // payload bits
) (
    input wire logic             clk,
    input wire logic             rst_n,
    input wire logic             enable,   // 0: rules not checked (a deliberately faulty peer)
    input wire logic [63:0]      cycle,
    input wire logic             valid,
    input wire logic             ready,
    input wire logic [WIDTH-1:0] payload
);
  logic             stalled_q;   // last cycle: valid && !ready
  initial stalled_q = 1'b0;
  logic [WIDTH-1:0] payload_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      stalled_q <= 1'b0;
    end else begin
      if (enable && stalled_q && !valid)
        $error("[%s.valid_held] valid withdrawn before ready at cycle %0d", NAME, cycle);
      if (enable && stalled_q && valid && payload != payload_q)
        $error("[%s.payload_stable] payload changed while valid && !ready at cycle %0d", NAME, cycle);
      stalled_q <= valid && !ready;
    end
    payload_q <= payload;
  end
endmodule

`default_nettype wire
