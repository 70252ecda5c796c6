// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_axi_wr_guard: the write-side twin of ufo_axi_rd_guard, between the completion writer and
// the AXI4 write port (docs/architecture.md, "Bus faults"). The engine writes with AWID 0 only,
// so B responses come back in order: this is the read guard with one ID and one "beat" (the B)
// per AW, plus the write fault.
//  - A B with no write outstanding, or with a BID other than 0, is unsolicited: taken and
//    dropped, never passed on; `unsolicited` pulses.
//  - Bounded wait: when writes are outstanding and no B has been offered for `cfg_timeout`
//    cycles (0: wait forever), the guard answers the writes then outstanding itself, one per
//    cycle, as SLVERR with `s_btmo` set; `timeout` pulses (the engine's FAULT) and new writes are
//    held from then on, until `flush` or rst_n. A late B is unsolicited.
//    Holding means awready low toward the writer; an AW already offered at the port is let
//    through. W is not held: the writer offers each record's W with its AW. A read timeout does
//    not hold writes, so the packets in flight can still write their completions.
//  - `flush` (soft reset, one cycle): the writes outstanding then, and the one whose AW waits at
//    the input, are drained and their B dropped; new writes wait until they have come or timed
//    out.
`default_nettype none
`timescale 1ns / 1ps

module ufo_axi_wr_guard #(
    parameter int ID_WIDTH = 4,
    parameter int OUT_W    = 9    // outstanding-write counter (9..32)
) (
    input  wire logic                clk,
    input  wire logic                rst_n,

    input  wire logic [31:0]         cfg_timeout,   // cycles without a B; 0: never
    input  wire logic                flush,         // drop what is outstanding now (soft reset)

    // AW handshake between the writer and the port (payload goes straight through)
    input  wire logic                s_awvalid,
    output      logic                s_awready,
    output      logic                m_awvalid,
    input  wire logic                m_awready,

    // B from the port
    input  wire logic [ID_WIDTH-1:0] m_bid,
    input  wire logic [1:0]          m_bresp,
    input  wire logic                m_bvalid,
    output      logic                m_bready,

    // B to the writer; s_btmo: a response the guard made up for a write that timed out
    output      logic [1:0]          s_bresp,
    output      logic                s_btmo,
    output      logic                s_bvalid,
    input  wire logic                s_bready,

    output      logic                unsolicited,   // pulse: a B was dropped
    output      logic                timeout,       // pulse, the answer's first cycle: FAULT
    output      logic                idle           // nothing outstanding or waiting to drain
);
  // the write fault: set by a timeout, cleared by a flush
  logic fault_q;
  always_ff @(posedge clk) begin
    if (!rst_n || flush) fault_q <= 1'b0;
    else if (timeout)    fault_q <= 1'b1;
  end

  logic [ID_WIDTH-1:0] unused_id;
  logic                unused_last;
  logic                unused_data;

  ufo_axi_rd_guard #(.DATA_WIDTH(1), .ID_WIDTH(ID_WIDTH), .NUM_IDS(1), .OUT_W(OUT_W)) u_guard (
      .clk, .rst_n,
      .cfg_timeout, .block(fault_q), .flush,
      .s_arid('0), .s_arlen(8'd0), .s_arvalid(s_awvalid), .s_arready(s_awready),
      .m_arvalid(m_awvalid), .m_arready(m_awready),
      .m_rid(m_bid), .m_rdata(1'b0), .m_rresp(m_bresp), .m_rlast(1'b1), .m_rvalid(m_bvalid),
      .m_rready(m_bready),
      .s_rid(unused_id), .s_rdata(unused_data), .s_rresp(s_bresp), .s_rlast(unused_last),
      .s_rtmo(s_btmo), .s_rvalid(s_bvalid), .s_rready(s_bready),
      .unsolicited, .timeout, .idle
  );

  logic unused;
  assign unused = ^{unused_id, unused_last, unused_data};
endmodule

`default_nettype wire
