// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_axi_wr_guard: the write-side twin of ufo_axi_rd_guard, between the completion writer and
// the AXI4 write port (docs/architecture.md, "Bus faults"). The engine writes with AWID 0 only,
// so B responses come back in order and one counter tracks them.
//  - Counts the writes outstanding (AW handshakes without a B).
//  - A B with none outstanding, or with a BID other than 0, is unsolicited: taken and dropped,
//    never passed on; `unsolicited` pulses.
//  - Bounded wait: when writes are outstanding and no B has been offered for `cfg_timeout`
//    cycles (0: wait forever), the guard answers the writes then outstanding itself, one per
//    cycle, as SLVERR with `s_btmo` set (a write issued meanwhile waits for its own timeout); `timeout` pulses (the engine's FAULT) and new writes are held
//    from then on (`fault` stays set until `flush` or rst_n). A late B is unsolicited.
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
    parameter int OUT_W    = 8    // outstanding-write counter
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
  if (OUT_W < 2 || OUT_W > 32) begin : g_bad_out
    $fatal(1, "ufo_axi_wr_guard: OUT_W must be 2..32");
  end

  localparam logic [1:0] RESP_SLVERR = 2'b10;

  logic [OUT_W-1:0] out_q, out_d;      // writes outstanding
  logic [OUT_W-1:0] drop_q, drop_d;    // of which the first ones are to be dropped
  logic [31:0]      timer_q, timer_d;  // cycles without a B offered
  logic             stale_aw_q, stale_aw_d;
  logic             offered_q;
  logic             synth_q, synth_d;
  logic [OUT_W-1:0] synth_left_q, synth_left_d;   // responses still to answer
  logic             fault_q, fault_d;  // a B timed out: no new writes until flush
  logic             timeout_q, timeout_d;

  // ---------------------------------------------------------------- AW
  logic draining, pass, aw_fire;
  assign draining  = drop_q != '0 || stale_aw_q;
  assign pass      = offered_q || (!flush && (stale_aw_q || !(fault_q || draining)));
  assign m_awvalid = s_awvalid && pass;
  assign s_awready = m_awready && pass;
  assign aw_fire   = m_awvalid && m_awready;

  // ---------------------------------------------------------------- B
  logic src_valid, known, drop, take;
  assign src_valid = synth_q || m_bvalid;
  assign known     = out_q != '0 && (synth_q || m_bid == '0);
  assign drop      = !known || drop_q != '0;
  assign take      = src_valid && (drop || s_bready);

  assign s_bresp  = synth_q ? RESP_SLVERR : m_bresp;
  assign s_btmo   = synth_q;
  assign s_bvalid = src_valid && !drop;
  assign m_bready = !synth_q && (drop || s_bready);

  assign unsolicited = !synth_q && m_bvalid && !known;

  // ---------------------------------------------------------------- counters, timer
  always_comb begin
    out_d      = out_q;
    drop_d     = drop_q;
    timer_d    = timer_q;
    stale_aw_d = stale_aw_q;
    synth_d    = synth_q;
    synth_left_d = synth_left_q;
    fault_d    = fault_q;
    timeout_d  = 1'b0;

    // the response taken is dropped exactly when drop_q says so (before this cycle's AW)
    if (take && known) begin
      out_d = out_d - OUT_W'(1);
      if (drop_d != '0) drop_d = drop_d - OUT_W'(1);
    end
    if (aw_fire) begin
      out_d = out_d + OUT_W'(1);
      if (stale_aw_q) drop_d = drop_d + OUT_W'(1);
      stale_aw_d = 1'b0;
    end
    if (flush) begin
      drop_d     = out_d;
      stale_aw_d = s_awvalid && !aw_fire;
      fault_d    = 1'b0;
    end

    if (out_d == '0 || m_bvalid || synth_q) timer_d = '0;
    else if (timer_q != '1)                 timer_d = timer_q + 32'd1;

    if (synth_q) begin
      if (take) synth_left_d = synth_left_q - OUT_W'(1);
      if (synth_left_d == '0) synth_d = 1'b0;
    end else if (cfg_timeout != '0 && out_q != '0 && timer_q >= cfg_timeout && (!m_bvalid || take)) begin
      synth_d      = 1'b1;
      synth_left_d = out_q;
      timeout_d = out_q != drop_q && !flush;   // a drain that times out only ends the drain
      if (timeout_d) fault_d = 1'b1;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      out_q      <= '0;
      drop_q     <= '0;
      timer_q    <= '0;
      stale_aw_q <= 1'b0;
      offered_q  <= 1'b0;
      synth_q    <= 1'b0;
      synth_left_q <= '0;
      fault_q    <= 1'b0;
      timeout_q  <= 1'b0;
    end else begin
      out_q      <= out_d;
      drop_q     <= drop_d;
      timer_q    <= timer_d;
      stale_aw_q <= stale_aw_d;
      offered_q  <= m_awvalid && !m_awready;
      synth_q    <= synth_d;
      synth_left_q <= synth_left_d;
      fault_q    <= fault_d;
      timeout_q  <= timeout_d;
    end
  end
  assign timeout = timeout_q;

  assign idle = out_q == '0 && !stale_aw_q && !synth_q;

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (drop_q > out_q) $error("%m: more responses to drop than outstanding at %0t", $time);
      if (aw_fire && out_q == '1) $error("%m: outstanding-write counter overflow at %0t", $time);
    end
  end
  ufo_vr_check #(.WIDTH(1)) u_chk_aw_out (
      .clk, .rst_n, .valid(m_awvalid), .ready(m_awready), .payload(1'b0));
  // (a flush resets the writer too: the response on offer may go)
  ufo_vr_check #(.WIDTH(3)) u_chk_b_out (
      .clk, .rst_n(rst_n && !flush), .valid(s_bvalid), .ready(s_bready), .payload({s_bresp, s_btmo}));
`endif
endmodule

`default_nettype wire
