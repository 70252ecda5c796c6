// Language: SystemVerilog (IEEE 1800-2017), simulation only (empty for synthesis).
// ufo_vr_check: valid/ready handshake rules for one interface: once valid is high it stays high
// until ready, and the payload does not change while valid is high and ready is low. Bound to
// every internal stream of the engine; a violation is an $error naming the interface and time.
`default_nettype none
`timescale 1ns / 1ps

module ufo_vr_check #(
    parameter int WIDTH = 1   // payload bits
) (
    input wire logic             clk,
    input wire logic             rst_n,
    input wire logic             valid,
    input wire logic             ready,
    input wire logic [WIDTH-1:0] payload
);
`ifndef SYNTHESIS
  logic             stalled_q;   // last cycle: valid && !ready
  logic [WIDTH-1:0] payload_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      stalled_q <= 1'b0;
    end else begin
      if (stalled_q && !valid) $error("%m: valid withdrawn before ready at time %0t", $time);
      if (stalled_q && valid && payload != payload_q)
        $error("%m: payload changed while stalled at time %0t", $time);
      stalled_q <= valid && !ready;
    end
    payload_q <= payload;
  end
`else
  logic unused;
  assign unused = ^{clk, rst_n, valid, ready, payload};
`endif
endmodule

`default_nettype wire
