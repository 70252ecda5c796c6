// Language: SystemVerilog (IEEE 1800-2017), simulation only (see ufo_handshake_check.sv).
// ufo_axis_check: AXI4-Stream master rules of the engine's frame output. Handshake: tvalid held
// and tdata/tkeep/tlast/tuser stable until tready. Byte lanes: tkeep never 0 with tvalid, all ones
// on every beat but the last of a frame, and on the last contiguous from lane 0 (no null or
// position bytes: the MAC takes the frame as packed bytes).
`default_nettype none
`timescale 1ns / 1ps

module ufo_axis_check #(
    parameter int DATA_WIDTH = 64,
    localparam int KEEP_WIDTH = DATA_WIDTH / 8
) (
    input wire logic                  clk,
    input wire logic                  rst_n,
    input wire logic [DATA_WIDTH-1:0] tdata,
    input wire logic [KEEP_WIDTH-1:0] tkeep,
    input wire logic                  tvalid,
    input wire logic                  tready,
    input wire logic                  tlast,
    input wire logic                  tuser
);
  logic [63:0] cycle_q;   // rising edges since time 0, as the Rust test bench counts them
  initial cycle_q = 64'd0;
  logic [63:0] cycle;
  assign cycle = cycle_q + 64'd1;
  always_ff @(posedge clk) cycle_q <= cycle_q + 64'd1;

  ufo_handshake_check #(.NAME("axis"), .WIDTH(DATA_WIDTH + KEEP_WIDTH + 2)) u_hs (
      .clk, .rst_n, .enable(1'b1), .cycle, .valid(tvalid), .ready(tready),
      .payload({tdata, tkeep, tlast, tuser}));

  // contiguous from lane 0: tkeep + 1 is a power of two (all ones is 2^KEEP_WIDTH - 1)
  logic [KEEP_WIDTH:0] keep_plus_one;
  assign keep_plus_one = {1'b0, tkeep} + 1'b1;

  always_ff @(posedge clk) begin
    if (rst_n && tvalid) begin
      if (tkeep == '0)
        $error("[axis.tkeep_nonzero] tvalid with tkeep 0 at cycle %0d", cycle);
      else if (!tlast && tkeep != '1)
        $error("[axis.tkeep_full] tkeep %h on a beat that is not the last at cycle %0d", tkeep, cycle);
      else if ((keep_plus_one & (keep_plus_one - 1'b1)) != '0)
        $error("[axis.tkeep_contiguous] tkeep %h not contiguous from lane 0 at cycle %0d", tkeep, cycle);
    end
  end
endmodule

`default_nettype wire
