// Language: SystemVerilog (IEEE 1800-2017), simulation only (see ufo_handshake_check.sv).
// ufo_axil_check: AXI4-Lite rules of the register slave. Every channel: valid held and payload
// stable until ready (AW/W/AR for the master, B/R for the engine: ufo_axi_channels_check). A response only for a
// request the slave took: B after both AW and W, R after AR. One access of each kind at a time,
// as ufo_csr implements it (awready/wready low while a B is pending, arready low while R is):
// never a second AW, W or AR before the previous one's response handshake.
`default_nettype none
`timescale 1ns / 1ps

module ufo_axil_check #(
    parameter int ADDR_WIDTH = 8
) (
    input wire logic                  clk,
    input wire logic                  rst_n,
    input wire logic [ADDR_WIDTH-1:0] awaddr,
    input wire logic [2:0]            awprot,
    input wire logic                  awvalid,
    input wire logic                  awready,
    input wire logic [31:0]           wdata,
    input wire logic [3:0]            wstrb,
    input wire logic                  wvalid,
    input wire logic                  wready,
    input wire logic [1:0]            bresp,
    input wire logic                  bvalid,
    input wire logic                  bready,
    input wire logic [ADDR_WIDTH-1:0] araddr,
    input wire logic [2:0]            arprot,
    input wire logic                  arvalid,
    input wire logic                  arready,
    input wire logic [31:0]           rdata,
    input wire logic [1:0]            rresp,
    input wire logic                  rvalid,
    input wire logic                  rready
);
  logic [63:0] cycle_q;   // rising edges since time 0, as the Rust test bench counts them
  initial cycle_q = 64'd0;
  logic [63:0] cycle;
  assign cycle = cycle_q + 64'd1;
  always_ff @(posedge clk) cycle_q <= cycle_q + 64'd1;

  ufo_axi_channels_check #(
      .NAME("axil"), .AW_WIDTH(ADDR_WIDTH + 3), .W_WIDTH(36), .B_WIDTH(2), .AR_WIDTH(ADDR_WIDTH + 3),
      .R_WIDTH(34)
  ) u_channels (
      .clk, .rst_n, .cycle, .slave_enable(1'b1),
      .awvalid, .awready, .aw({awaddr, awprot}), .wvalid, .wready, .w({wdata, wstrb}),
      .bvalid, .bready, .b(bresp), .arvalid, .arready, .ar({araddr, arprot}),
      .rvalid, .rready, .r({rdata, rresp}));

  // accesses taken and not yet answered (0 or 1 each)
  logic aw_open_q, w_open_q, ar_open_q;
  logic aw_fire, w_fire, b_fire, ar_fire, r_fire;
  assign aw_fire = awvalid && awready;
  assign w_fire  = wvalid && wready;
  assign b_fire  = bvalid && bready;
  assign ar_fire = arvalid && arready;
  assign r_fire  = rvalid && rready;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      aw_open_q <= 1'b0;
      w_open_q  <= 1'b0;
      ar_open_q <= 1'b0;
    end else begin
      if (aw_fire && aw_open_q)
        $error("[axil.one_write] second AW taken before the first write's B at cycle %0d", cycle);
      if (w_fire && w_open_q)
        $error("[axil.one_write] second W taken before the first write's B at cycle %0d", cycle);
      if (ar_fire && ar_open_q)
        $error("[axil.one_read] second AR taken before the first read's R at cycle %0d", cycle);
      if (bvalid && !(aw_open_q && w_open_q))
        $error("[axil.b_after_write] B without a write whose AW and W were both taken at cycle %0d", cycle);
      if (rvalid && !ar_open_q)
        $error("[axil.r_after_read] R without a read whose AR was taken at cycle %0d", cycle);
      aw_open_q <= (aw_open_q || aw_fire) && !b_fire;
      w_open_q  <= (w_open_q || w_fire) && !b_fire;
      ar_open_q <= (ar_open_q || ar_fire) && !r_fire;
    end
  end
endmodule

`default_nettype wire
