// Language: SystemVerilog (IEEE 1800-2017), simulation only (see ufo_handshake_check.sv).
// ufo_axi_channels_check: the valid/ready rules (ufo_handshake_check) of the five channels of
// one AXI4 or AXI4-Lite port: rules "<NAME>.{aw,w,b,ar,r}.valid_held" / ".payload_stable". The
// payloads are whatever the port carries on each channel. The master's channels (AW, W, AR) are
// always checked, the slave's (B, R) only with `slave_enable`.
`default_nettype none
`timescale 1ns / 1ps

module ufo_axi_channels_check #(
    parameter string NAME     = "axi4",  // rule prefix
    parameter int    AW_WIDTH = 1,       // payload bits of each channel
    parameter int    W_WIDTH  = 1,
    parameter int    B_WIDTH  = 1,
    parameter int    AR_WIDTH = 1,
    parameter int    R_WIDTH  = 1
) (
    input wire logic                clk,
    input wire logic                rst_n,
    input wire logic [63:0]         cycle,
    input wire logic                slave_enable,  // 0: B and R not checked (a faulty slave)
    input wire logic                awvalid,
    input wire logic                awready,
    input wire logic [AW_WIDTH-1:0] aw,
    input wire logic                wvalid,
    input wire logic                wready,
    input wire logic [W_WIDTH-1:0]  w,
    input wire logic                bvalid,
    input wire logic                bready,
    input wire logic [B_WIDTH-1:0]  b,
    input wire logic                arvalid,
    input wire logic                arready,
    input wire logic [AR_WIDTH-1:0] ar,
    input wire logic                rvalid,
    input wire logic                rready,
    input wire logic [R_WIDTH-1:0]  r
);
  ufo_handshake_check #(.NAME({NAME, ".aw"}), .WIDTH(AW_WIDTH)) u_aw (
      .clk, .rst_n, .enable(1'b1), .cycle, .valid(awvalid), .ready(awready), .payload(aw));
  ufo_handshake_check #(.NAME({NAME, ".w"}), .WIDTH(W_WIDTH)) u_w (
      .clk, .rst_n, .enable(1'b1), .cycle, .valid(wvalid), .ready(wready), .payload(w));
  ufo_handshake_check #(.NAME({NAME, ".b"}), .WIDTH(B_WIDTH)) u_b (
      .clk, .rst_n, .enable(slave_enable), .cycle, .valid(bvalid), .ready(bready), .payload(b));
  ufo_handshake_check #(.NAME({NAME, ".ar"}), .WIDTH(AR_WIDTH)) u_ar (
      .clk, .rst_n, .enable(1'b1), .cycle, .valid(arvalid), .ready(arready), .payload(ar));
  ufo_handshake_check #(.NAME({NAME, ".r"}), .WIDTH(R_WIDTH)) u_r (
      .clk, .rst_n, .enable(slave_enable), .cycle, .valid(rvalid), .ready(rready), .payload(r));
endmodule

`default_nettype wire
