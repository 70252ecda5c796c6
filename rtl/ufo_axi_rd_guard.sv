// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_axi_rd_guard: sits between the engine's read mux and the AXI4 read port and keeps a
// misbehaving slave from corrupting or hanging the engine (docs/architecture.md, "Bus faults").
//  - Counts the beats outstanding per ARID (0..NUM_IDS-1) from the AR handshakes.
//  - An R beat with no beat outstanding on its RID (or an RID never issued) is unsolicited: it
//    is taken (rready 1) and dropped, never passed on; `unsolicited` pulses.
//  - Bounded wait: when an ID has beats outstanding and none of its beats has been offered for
//    `cfg_timeout` cycles (0: wait forever), the guard answers the beats then outstanding on it
//    itself, one per cycle, as SLVERR with `s_rtmo` set (rdata 0, rlast on the last; a read
//    issued meanwhile waits for its own timeout), so the requester finishes
//    its bursts through its error path. `timeout` pulses when it starts (the engine's FAULT).
//    A late beat of such a read is unsolicited.
//  - `block` (FAULT) holds new requests: arready low toward the requester, never a withdrawn
//    arvalid at the port (a request already offered there is let through).
//  - `flush` (soft reset, one cycle): the beats outstanding then, and those of the request waiting
//    at the input (issued before the reset, still to be let through), are drained and dropped;
//    new requests wait until they have come or timed out.
// R path: combinational, no bubble: a beat passes in the cycle it arrives.
`default_nettype none
`timescale 1ns / 1ps

module ufo_axi_rd_guard #(
    parameter int DATA_WIDTH = 64,
    parameter int ID_WIDTH   = 4,
    parameter int NUM_IDS    = 2,    // IDs the engine issues: 0..NUM_IDS-1
    parameter int OUT_W      = 16    // outstanding-beat counters per ID
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    input  wire logic [31:0]           cfg_timeout,   // cycles without a beat; 0: never
    input  wire logic                  block,         // hold new requests (FAULT)
    input  wire logic                  flush,         // drop what is outstanding now (soft reset)

    // AR from the requester (its payload goes straight to the port; the guard needs ID and length)
    input  wire logic [ID_WIDTH-1:0]   s_arid,
    input  wire logic [7:0]            s_arlen,
    input  wire logic                  s_arvalid,
    output      logic                  s_arready,
    output      logic                  m_arvalid,
    input  wire logic                  m_arready,

    // R from the port
    input  wire logic [ID_WIDTH-1:0]   m_rid,
    input  wire logic [DATA_WIDTH-1:0] m_rdata,
    input  wire logic [1:0]            m_rresp,
    input  wire logic                  m_rlast,
    input  wire logic                  m_rvalid,
    output      logic                  m_rready,

    // R to the requester; s_rtmo: a beat the guard made up for a read that timed out
    output      logic [ID_WIDTH-1:0]   s_rid,
    output      logic [DATA_WIDTH-1:0] s_rdata,
    output      logic [1:0]            s_rresp,
    output      logic                  s_rlast,
    output      logic                  s_rtmo,
    output      logic                  s_rvalid,
    input  wire logic                  s_rready,

    output      logic                  unsolicited,   // pulse: an R beat was dropped
    output      logic                  timeout,       // pulse, the answer's first cycle: FAULT
    output      logic                  idle           // nothing outstanding or waiting to drain
);
  localparam int IW = (NUM_IDS > 1) ? $clog2(NUM_IDS) : 1;

  if (NUM_IDS < 1 || NUM_IDS > (1 << ID_WIDTH)) begin : g_bad_ids
    $fatal(1, "ufo_axi_rd_guard: NUM_IDS must be 1..2^ID_WIDTH");
  end
  if (OUT_W < 9 || OUT_W > 32) begin : g_bad_out
    $fatal(1, "ufo_axi_rd_guard: OUT_W must be 9..32");
  end

  localparam logic [1:0] RESP_SLVERR = 2'b10;

  // per ID, flattened: [i*OUT_W +: OUT_W]
  logic [NUM_IDS*OUT_W-1:0] out_q, out_d;     // beats outstanding
  logic [NUM_IDS*OUT_W-1:0] drop_q, drop_d;   // of which the first ones are to be dropped
  logic [NUM_IDS*32-1:0]    timer_q, timer_d; // cycles without a beat offered
  logic                     stale_ar_q, stale_ar_d;   // the request at the input predates a flush
  logic                     offered_q;        // m_arvalid was high without m_arready
  logic                     synth_q, synth_d; // answering a timed-out ID
  logic                     timeout_q, timeout_d;
  logic [IW-1:0]            synth_id_q, synth_id_d;
  logic [OUT_W-1:0]         synth_left_q, synth_left_d;   // beats still to answer

  function automatic logic [OUT_W-1:0] cnt(input logic [NUM_IDS*OUT_W-1:0] v, input int i);
    cnt = v[i*OUT_W +: OUT_W];
  endfunction

  // ---------------------------------------------------------------- AR
  logic draining, pass, ar_fire;
  assign draining  = drop_q != '0 || stale_ar_q;
  // a request offered at the port stays offered; a stale one goes first to end the drain
  assign pass      = offered_q || (!flush && (stale_ar_q || !(block || draining)));
  assign m_arvalid = s_arvalid && pass;
  assign s_arready = m_arready && pass;
  assign ar_fire   = m_arvalid && m_arready;

  // ---------------------------------------------------------------- R
  logic [ID_WIDTH-1:0] src_id;
  logic                src_valid, known, drop, take;
  logic [IW-1:0]       src_ix;
  assign src_valid = synth_q || m_rvalid;
  assign src_id    = synth_q ? ID_WIDTH'(synth_id_q) : m_rid;
  assign src_ix    = IW'(src_id);
  assign known     = 32'(src_id) < NUM_IDS && cnt(out_q, 32'(src_ix)) != '0;
  assign drop      = !known || cnt(drop_q, 32'(src_ix)) != '0;
  assign take      = src_valid && (drop || s_rready);

  assign s_rid    = src_id;
  assign s_rdata  = synth_q ? '0 : m_rdata;
  assign s_rresp  = synth_q ? RESP_SLVERR : m_rresp;
  assign s_rlast  = synth_q ? synth_left_q == OUT_W'(1) : m_rlast;
  assign s_rtmo   = synth_q;
  assign s_rvalid = src_valid && !drop;
  assign m_rready = !synth_q && (drop || s_rready);

  assign unsolicited = !synth_q && m_rvalid && !known;

  // ---------------------------------------------------------------- counters, timers
  logic       expire;
  logic [IW-1:0] expire_id;
  always_comb begin
    expire    = 1'b0;
    expire_id = '0;
    for (int i = NUM_IDS - 1; i >= 0; i--) begin
      if (cfg_timeout != '0 && cnt(out_q, i) != '0 && timer_q[i*32 +: 32] >= cfg_timeout) begin
        expire    = 1'b1;
        expire_id = IW'(i);
      end
    end
  end

  always_comb begin
    out_d      = out_q;
    drop_d     = drop_q;
    timer_d    = timer_q;
    stale_ar_d = stale_ar_q;
    synth_d    = synth_q;
    synth_id_d = synth_id_q;
    synth_left_d = synth_left_q;
    timeout_d  = 1'b0;

    for (int i = 0; i < NUM_IDS; i++) begin
      logic [OUT_W-1:0] o, d;
      o = cnt(out_q, i);
      d = cnt(drop_q, i);
      // the beat taken is dropped exactly when drop_q says so (before this cycle's request)
      if (take && known && 32'(src_ix) == i) begin
        o = o - OUT_W'(1);
        if (d != '0) d = d - OUT_W'(1);
      end
      if (ar_fire && 32'(s_arid) == i) begin
        o = o + OUT_W'(s_arlen) + OUT_W'(1);
        if (stale_ar_q) d = d + OUT_W'(s_arlen) + OUT_W'(1);
      end
      if (flush) d = o;
      out_d[i*OUT_W +: OUT_W]  = o;
      drop_d[i*OUT_W +: OUT_W] = d;
      // the wait restarts whenever the slave offers a beat of this ID, or nothing is awaited
      if (o == '0 || (m_rvalid && 32'(m_rid) == i) || synth_q) timer_d[i*32 +: 32] = '0;
      else if (timer_q[i*32 +: 32] != '1) timer_d[i*32 +: 32] = timer_q[i*32 +: 32] + 32'd1;
    end

    if (ar_fire) stale_ar_d = 1'b0;
    if (flush)   stale_ar_d = s_arvalid && !ar_fire;

    if (synth_q) begin
      if (take) synth_left_d = synth_left_q - OUT_W'(1);
      if (synth_left_d == '0) synth_d = 1'b0;
    end else if (expire && (!m_rvalid || take)) begin   // never replace a beat being offered
      synth_d      = 1'b1;
      synth_id_d   = expire_id;
      synth_left_d = cnt(out_q, 32'(expire_id));
      // beats still owed to a live request: FAULT (a drain that times out only ends the drain)
      timeout_d  = cnt(out_q, 32'(expire_id)) != cnt(drop_q, 32'(expire_id)) && !flush;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      out_q      <= '0;
      drop_q     <= '0;
      timer_q    <= '0;
      stale_ar_q <= 1'b0;
      offered_q  <= 1'b0;
      synth_q    <= 1'b0;
      synth_id_q <= '0;
      synth_left_q <= '0;
      timeout_q  <= 1'b0;
    end else begin
      out_q      <= out_d;
      drop_q     <= drop_d;
      timer_q    <= timer_d;
      stale_ar_q <= stale_ar_d;
      offered_q  <= m_arvalid && !m_arready;
      synth_q    <= synth_d;
      synth_id_q <= synth_id_d;
      synth_left_q <= synth_left_d;
      timeout_q  <= timeout_d;
    end
  end
  assign timeout = timeout_q;

  assign idle = out_q == '0 && !stale_ar_q && !synth_q;

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (ar_fire && 32'(s_arid) >= NUM_IDS) $error("%m: request with ARID %0d >= NUM_IDS at %0t", s_arid, $time);
      for (int i = 0; i < NUM_IDS; i++) begin
        if (cnt(drop_q, i) > cnt(out_q, i)) $error("%m: more beats to drop than outstanding at %0t", $time);
        if (ar_fire && 32'(s_arid) == i && 33'(cnt(out_q, i)) + 33'(s_arlen) + 33'd1 >= (33'd1 << OUT_W))
          $error("%m: outstanding-beat counter overflow at %0t", $time);
      end
    end
  end
  ufo_vr_check #(.WIDTH(ID_WIDTH + 8)) u_chk_ar_in (
      .clk, .rst_n, .valid(s_arvalid), .ready(s_arready), .payload({s_arid, s_arlen}));
  ufo_vr_check #(.WIDTH(ID_WIDTH + 8)) u_chk_ar_out (
      .clk, .rst_n, .valid(m_arvalid), .ready(m_arready), .payload({s_arid, s_arlen}));
  // (a flush resets the requester too: the beat on offer may go)
  ufo_vr_check #(.WIDTH(ID_WIDTH + DATA_WIDTH + 4)) u_chk_r_out (
      .clk, .rst_n(rst_n && !flush), .valid(s_rvalid), .ready(s_rready),
      .payload({s_rid, s_rdata, s_rresp, s_rlast, s_rtmo}));
`endif
endmodule

`default_nettype wire
