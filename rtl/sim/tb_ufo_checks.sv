// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_checks: shows that every rule of the protocol checkers (ufo_axis_check,
// ufo_axil_check, ufo_axi4_check, ufo_ring_check) fires. +violate=<rule> breaks that one rule
// once, on top of a legal exchange on every channel (two completion writes, a read burst, a
// register write and read, a frame); +violate=legal breaks nothing and must pass, and
// +violate=host_checks_off breaks host-side rules only, which must pass without +ufo_host_checks.
// rtl/sim/selftest.sh runs every rule and expects the run to fail with "[<rule>] ... at cycle N".
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_checks (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_checks";
  `include "tb_common.svh"

  string violate = "legal";
  initial begin
    if (!$value$plusargs("violate=%s", violate)) violate = "legal";
    $display("tb_ufo_checks: violate=%s", violate);
  end
  function automatic logic is(input string rule);
    return violate == rule;
  endfunction

  // ---------------------------------------------------------------- AXI4-Stream
  logic [63:0] tdata;
  logic [7:0]  tkeep;
  logic        tvalid, tready, tlast;
  always_comb begin
    tdata = 64'h0; tkeep = 8'h0; tvalid = 1'b0; tready = 1'b1; tlast = 1'b0;
    case (cycle)
      10: begin tvalid = 1'b1; tkeep = 8'hFF; end
      11: begin tvalid = 1'b1; tkeep = 8'h07; tlast = 1'b1; end
      20: begin
        tvalid = 1'b1; tkeep = 8'hFF; tlast = 1'b1;
        if (is("axis.valid_held") || is("axis.payload_stable")) tready = 1'b0;
        if (is("axis.tkeep_nonzero")) tkeep = 8'h00;
        if (is("axis.tkeep_full")) begin tkeep = 8'h0F; tlast = 1'b0; end
        if (is("axis.tkeep_contiguous")) tkeep = 8'h05;
      end
      21: if (is("axis.payload_stable")) begin tvalid = 1'b1; tkeep = 8'hFF; tlast = 1'b1; tdata = 64'h1; end
      default: ;
    endcase
  end
  ufo_axis_check #(.DATA_WIDTH(64)) u_axis (
      .clk, .rst_n, .tdata, .tkeep, .tvalid, .tready, .tlast, .tuser(1'b0));

  // ---------------------------------------------------------------- AXI4-Lite
  logic [7:0]  awaddr, araddr;
  logic        awvalid, awready, wvalid, wready, bvalid, bready, arvalid, arready, rvalid, rready;
  always_comb begin
    awaddr = 8'h10; araddr = 8'h00;
    awvalid = 1'b0; awready = 1'b1; wvalid = 1'b0; wready = 1'b1; bvalid = 1'b0; bready = 1'b1;
    arvalid = 1'b0; arready = 1'b1; rvalid = 1'b0; rready = 1'b1;
    case (cycle)
      10: begin awvalid = 1'b1; wvalid = 1'b1; end
      12: bvalid = 1'b1;
      14: arvalid = 1'b1;
      16: rvalid = 1'b1;
      20: begin
        if (is("axil.aw.valid_held")) begin awvalid = 1'b1; awready = 1'b0; end
        if (is("axil.one_write")) begin awvalid = 1'b1; wvalid = 1'b1; end
        if (is("axil.b_after_write")) bvalid = 1'b1;
        if (is("axil.r_after_read")) rvalid = 1'b1;
      end
      21: if (is("axil.one_write")) awvalid = 1'b1;
      default: ;
    endcase
  end
  ufo_axil_check #(.ADDR_WIDTH(8)) u_axil (
      .clk, .rst_n,
      .awaddr, .awprot(3'h0), .awvalid, .awready, .wdata(32'h0), .wstrb(4'hF), .wvalid, .wready,
      .bresp(2'h0), .bvalid, .bready,
      .araddr, .arprot(3'h0), .arvalid, .arready, .rdata(32'h0), .rresp(2'h0), .rvalid, .rready);

  // ---------------------------------------------------------------- AXI4
  logic [3:0]  arid, rid, awid, bid;
  logic [63:0] ar_addr, aw_addr, wdata, rdata;
  logic [7:0]  arlen, awlen;
  logic [2:0]  arsize, awsize;
  logic [1:0]  arburst, awburst;
  logic        ar_valid, ar_ready, r_last, r_valid, r_ready;
  logic        aw_valid, aw_ready, w_last, w_valid, w_ready, b_valid, b_ready;
  logic [15:0] tx_head, tx_tail;

  // a completion record's first beat (64 bits): descriptor index and count
  function automatic logic [63:0] record(input logic [15:0] index, input logic [15:0] count);
    return {32'h0, count, index};
  endfunction

  always_comb begin
    arid = 4'd1; ar_addr = 64'h100; arlen = 8'd1; arsize = 3'd3; arburst = 2'b01;
    ar_valid = 1'b0; ar_ready = 1'b1;
    rid = 4'd1; rdata = 64'h0; r_last = 1'b0; r_valid = 1'b0; r_ready = 1'b1;
    awid = 4'd0; aw_addr = 64'h1000; awlen = 8'd1; awsize = 3'd3; awburst = 2'b01;
    aw_valid = 1'b0; aw_ready = 1'b1;
    wdata = 64'h0; w_last = 1'b0; w_valid = 1'b0; w_ready = 1'b1;
    bid = 4'd0; b_valid = 1'b0; b_ready = 1'b1;
    tx_tail = 16'd2; tx_head = 16'd0;
    case (cycle)
      // a read burst of two beats on ID 1
      10: ar_valid = 1'b1;
      12: r_valid = 1'b1;
      13: begin r_valid = 1'b1; r_last = 1'b1; end
      default: ;
    endcase
    case (cycle)
      // completion 0 (descriptor 0) in slot 0, completion 1 (descriptor 1) in slot 1
      10: begin aw_valid = 1'b1; w_valid = 1'b1; wdata = record(16'd0, 16'd1); end
      11: begin w_valid = 1'b1; w_last = 1'b1; end
      14: b_valid = 1'b1;
      16: begin aw_valid = 1'b1; aw_addr = 64'h1010; w_valid = 1'b1; wdata = record(16'd1, 16'd1); end
      17: begin w_valid = 1'b1; w_last = 1'b1; end
      18: b_valid = 1'b1;
      default: ;
    endcase
    if (cycle >= 19) tx_head = 16'd2;
    if (cycle == 20) begin
      if (is("axi4.ar_incr"))  begin ar_valid = 1'b1; arburst = 2'b00; end
      if (is("axi4.ar_size"))  begin ar_valid = 1'b1; arsize = 3'd2; end
      if (is("axi4.ar_4k"))    begin ar_valid = 1'b1; ar_addr = 64'hFF8; end
      if (is("axi4.aw_incr"))  begin aw_valid = 1'b1; awburst = 2'b10; aw_addr = 64'h1020; end
      if (is("axi4.aw_size"))  begin aw_valid = 1'b1; awsize = 3'd4; aw_addr = 64'h1020; end
      if (is("axi4.aw_4k"))    begin aw_valid = 1'b1; aw_addr = 64'h1FF8; end
      if (is("axi4.ar.valid_held")) begin ar_valid = 1'b1; ar_ready = 1'b0; end
      if (is("axi4.w.valid_held")) begin w_valid = 1'b1; w_ready = 1'b0; end
      if (is("axi4.r.valid_held") || is("axi4.r.payload_stable")) begin r_valid = 1'b1; r_ready = 1'b0; end
      if (is("axi4.r_solicited")) begin r_valid = 1'b1; rid = 4'd3; r_last = 1'b1; end
      // an unsolicited beat withdrawn, then changed: legal only with the host-side rules off
      if (is("host_checks_off")) begin r_valid = 1'b1; r_ready = 1'b0; rid = 4'd3; r_last = 1'b1; end
      if (is("axi4.rlast")) ar_valid = 1'b1;
      if (is("axi4.b_solicited")) b_valid = 1'b1;
      if (is("axi4.wlast")) begin
        aw_valid = 1'b1; aw_addr = 64'h1020; w_valid = 1'b1; w_last = 1'b1; wdata = record(16'd2, 16'd1);
      end
      if (is("engine.cpl_slot") || is("engine.one_completion_per_packet")) begin
        aw_valid = 1'b1; w_valid = 1'b1;
        aw_addr = is("engine.cpl_slot") ? 64'h1030 : 64'h1020;
        wdata = is("engine.cpl_slot") ? record(16'd2, 16'd1) : record(16'd5, 16'd1);
      end
      if (is("engine.tx_head_in_ring")) tx_head = 16'd7;
    end
    if (cycle == 21) begin
      if (is("axi4.r.payload_stable")) begin r_valid = 1'b1; rdata = 64'h1; end
      if (is("host_checks_off")) begin r_valid = 1'b1; rid = 4'd3; r_last = 1'b1; rdata = 64'h1; end
      if (is("engine.cpl_slot") || is("engine.one_completion_per_packet")) begin
        w_valid = 1'b1; w_last = 1'b1;
      end
    end
    if (cycle == 22 && is("axi4.rlast")) begin r_valid = 1'b1; r_last = 1'b1; end
  end

  ufo_axi4_check #(.DATA_WIDTH(64), .ADDR_WIDTH(64), .ID_WIDTH(4), .MAX_READS(4), .MAX_WRITES(4)) u_axi4 (
      .clk, .rst_n,
      .arid, .araddr(ar_addr), .arlen, .arsize, .arburst, .arlock(1'b0), .arcache(4'h0),
      .arprot(3'h0), .arvalid(ar_valid), .arready(ar_ready),
      .rid, .rdata, .rresp(2'h0), .rlast(r_last), .rvalid(r_valid), .rready(r_ready),
      .awid, .awaddr(aw_addr), .awlen, .awsize, .awburst, .awlock(1'b0), .awcache(4'h0),
      .awprot(3'h0), .awvalid(aw_valid), .awready(aw_ready),
      .wdata, .wstrb(8'hFF), .wlast(w_last), .wvalid(w_valid), .wready(w_ready),
      .bid, .bresp(2'h0), .bvalid(b_valid), .bready(b_ready),
      .cpl_ring_base(64'h1000), .ring_log2(4'd2), .ring_reset(1'b0));
  ufo_ring_check u_ring (.clk, .rst_n, .tx_head, .tx_tail, .ring_log2(4'd2));

  always @(posedge clk) begin
    progress();
    if (cycle == 40) finish();
  end
endmodule

`default_nettype wire
