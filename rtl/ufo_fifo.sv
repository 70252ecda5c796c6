// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_fifo: synchronous first-word-fall-through FIFO (distributed RAM, combinational read of the
// head). `count` lets producers reserve space ahead (credit schemes) instead of relying on a
// full flag that lags. Simulation-only assertions: no push when full, no pop when empty.
`default_nettype none
`timescale 1ns / 1ps

module ufo_fifo #(
    parameter int WIDTH = 8,    // entry bits
    parameter int DEPTH = 4,    // entries, a power of two >= 2
    localparam int CNT_W = $clog2(DEPTH) + 1
) (
    input  wire logic             clk,
    input  wire logic             rst_n,

    input  wire logic             push,
    input  wire logic [WIDTH-1:0] push_data,
    output      logic             full,

    input  wire logic             pop,
    output      logic [WIDTH-1:0] head,
    output      logic             empty,

    output      logic [CNT_W-1:0] count
);
  if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin : g_bad_depth
    $fatal(1, "ufo_fifo: DEPTH must be a power of two >= 2");
  end

  localparam int PTR_W = $clog2(DEPTH);

  logic [WIDTH-1:0] mem [DEPTH];
  logic [PTR_W:0]   wr_q, rd_q;

  assign count = CNT_W'(wr_q - rd_q);
  assign full  = count == CNT_W'(DEPTH);
  assign empty = wr_q == rd_q;
  assign head  = mem[rd_q[PTR_W-1:0]];

  always_ff @(posedge clk) begin
    if (push) mem[wr_q[PTR_W-1:0]] <= push_data;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_q <= '0;
      rd_q <= '0;
    end else begin
      if (push) wr_q <= wr_q + 1'b1;
      if (pop)  rd_q <= rd_q + 1'b1;
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (push && full && !pop) $error("%m: push into a full FIFO at time %0t", $time);
      if (pop && empty)         $error("%m: pop from an empty FIFO at time %0t", $time);
    end
  end
`endif
endmodule

`default_nettype wire
