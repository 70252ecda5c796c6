// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_axi_wr_guard: self-checking unit test of ufo_axi_wr_guard.
//   - a writer offering AWs with random gaps (held until ready) and taking B with random BREADY;
//   - a slave with random AWREADY answering every write in order with a B after a random delay,
//     SLVERR/DECERR on some, and faults on request: it stops answering (every write, from then
//     on), unsolicited B (BID 0 with nothing outstanding, BIDs nobody uses);
//   - flushes (soft reset) mid-traffic, which also reset the writer, one while the slave is dead
//     (the plan both guard benches share: tb_guard_plan.svh).
// Checks, against a model of the guard's counters (writes outstanding and to drop):
//   - AW passes exactly when the rules allow it (never while faulted or draining, except an AW
//     already offered at the port or one from before the flush);
//   - every B of a live write reaches the writer once, in order, unchanged (btmo 0), with bready
//     following the writer's (no bubble); B of writes before a flush never reach it; unsolicited
//     B are taken, dropped and flagged;
//   - writes the slave never answers get SLVERR responses with btmo 1, only after `cfg_timeout`
//     cycles without a B and not much later; `timeout` pulses once for live writes (then new AWs
//     are held until the flush), not for a drain; `idle` exactly when nothing is outstanding.
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_axi_wr_guard (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_axi_wr_guard";
  `include "tb_common.svh"

  localparam int ID_WIDTH = 4;
  localparam int TMO      = 120;  // cfg_timeout after the first round (the first waits forever)
  localparam bit RATE_PHASE = 1'b0;

  // ---------------------------------------------------------------- DUT
  logic [31:0]         cfg_timeout = 32'd0;
  logic                flush = 1'b0;
  logic                s_awvalid = 1'b0, s_awready, m_awvalid, m_awready = 1'b0;
  logic [ID_WIDTH-1:0] m_bid = '0;
  logic [1:0]          m_bresp = '0;
  logic                m_bvalid = 1'b0, m_bready;
  logic [1:0]          s_bresp;
  logic                s_btmo, s_bvalid, s_bready = 1'b0;
  logic                unsolicited, timeout, idle;

  ufo_axi_wr_guard #(.ID_WIDTH(ID_WIDTH), .OUT_W(9)) dut (
      .clk, .rst_n, .cfg_timeout, .flush,
      .s_awvalid, .s_awready, .m_awvalid, .m_awready,
      .m_bid, .m_bresp, .m_bvalid, .m_bready,
      .s_bresp, .s_btmo, .s_bvalid, .s_bready,
      .unsolicited, .timeout, .idle);

  // ---------------------------------------------------------------- model
  int   out_m = 0, drop_m = 0;
  logic stale_aw_m = 1'b0, offered_m = 1'b0, fault_m = 1'b0;
  logic wr_stale = 1'b0;           // the writer's AW on offer predates a flush
  int   wr_exp [$];                // writer: live writes awaiting their B (tags)
  int   sl_due [$];                // slave: cycle each accepted write's B may be sent
  logic sl_dead_q [$];             // ... never sent
  logic [1:0] sl_resp [$];
  logic dead = 1'b0;
  logic sl_bogus = 1'b0;
  logic synth_prev = 1'b0;
  int   last_b = 0;                // last cycle a B was offered (or nothing was outstanding)
  int   next_tag = 1;
  int   n_aw = 0, n_b = 0, n_tmo_b = 0, n_unsol = 0;
  int   n_flush = 0, n_stale = 0, n_held = 0, n_err = 0;

  // ---------------------------------------------------------------- plan
  `include "tb_guard_plan.svh"
  int   aw_pct = 40, ready_pct = 70;

  function automatic void new_rates();
    aw_pct    = chance(1, 3) ? 100 : 10 + int'(rnd(60));
    ready_pct = chance(1, 3) ? 100 : 50 + int'(rnd(50));
  endfunction
  function automatic void kill_slave();
    dead = 1'b1;
  endfunction
  function automatic void revive_slave();
    dead = 1'b0;
  endfunction
  function automatic logic faulted();
    return fault_m;
  endfunction
  function automatic logic quiet();
    return out_m == 0 && !s_awvalid && !m_bvalid && !stale_aw_m && !s_btmo;
  endfunction
  function automatic void report();
    $display("  %0d AWs, %0d B (%0d errors), %0d made-up B; %0d timeouts (fault), %0d drain timeouts",
             n_aw, n_b, n_err, n_tmo_b, n_timeouts, n_drain_timeouts);
    $display("  %0d unsolicited B dropped, %0d flushes, %0d stale B dropped, %0d cycles an AW was held",
             n_unsol, n_flush, n_stale, n_held);
    if (n_timeouts < 3 || n_drain_timeouts < 1 || n_unsol < 20 || n_stale < 10 || n_tmo_b < 3 ||
        n_held < 50 || n_err < 10)
      fail("scenario not covered");
  endfunction

  always @(posedge clk) begin
    if (rst_n) begin
      logic aw_fire, synth, known, drop, pass, draining, flush_next;
      // ================= checks of this cycle =================
      aw_fire  = m_awvalid && m_awready;
      draining = drop_m != 0 || stale_aw_m;
      pass     = offered_m || (!flush && (stale_aw_m || !(fault_m || draining)));
      if (m_awvalid !== (s_awvalid && pass) || s_awready !== (m_awready && pass))
        fail($sformatf("AW: m_awvalid %b s_awready %b, expected pass %b (fault %b, draining %b)",
                       m_awvalid, s_awready, pass, fault_m, draining));
      if (s_awvalid && !pass) n_held++;
      synth = s_btmo;
      if (idle !== (out_m == 0 && !stale_aw_m && !synth)) fail($sformatf("idle %b", idle));
      if (synth) begin
        if (m_bready) fail("bready high while the guard answers a timed-out write");
        if (out_m == 0) fail("made-up B with nothing outstanding");
        if (!synth_prev) begin
          check_answer_start("B", int'(cycle) - last_b, out_m != drop_m);
          if (!dead && !(sl_dead_q.size() != 0 && sl_dead_q[0]) && wr_exp.size() != 0)
            fail("timed out while the slave answers");
        end else if (timeout) begin
          fail("timeout pulse inside an answer");
        end
        if (s_bvalid !== (drop_m == 0)) fail("made-up B: valid toward the writer wrong");
        if (s_bresp !== 2'b10) fail("made-up B not SLVERR");
      end else begin
        if (timeout) fail("timeout without a made-up answer");
        if (m_bvalid) begin
          known = out_m != 0 && m_bid == '0;
          drop  = !known || drop_m != 0;
          if (unsolicited !== !known) fail($sformatf("unsolicited %b for a B with BID %0d, %0d outstanding", unsolicited, m_bid, out_m));
          if (sl_bogus && known) fail("bench: an unsolicited B met an outstanding write");
          if (s_bvalid !== !drop) fail($sformatf("B: s_bvalid %b, expected %b", s_bvalid, !drop));
          if (m_bready !== (drop || s_bready)) fail("bready does not follow the writer");
          if (s_bvalid && (s_bresp !== m_bresp || s_btmo !== 1'b0)) fail("B changed on its way");
        end else begin
          if (unsolicited || s_bvalid) fail("B toward the writer without one from the slave");
        end
      end

      // ================= model updates =================
      if (synth || m_bvalid) begin
        known = out_m != 0 && (synth || m_bid == '0);
        drop  = !known || drop_m != 0;
        if (!synth && m_bid == '0) last_b = int'(cycle);   // (a B on another BID is not an answer)
        if (drop || s_bready) begin
          if (!synth) begin
            if (sl_bogus) n_unsol++;
            else begin
              void'(sl_due.pop_front()); void'(sl_dead_q.pop_front()); void'(sl_resp.pop_front());
            end
          end
          if (known) begin
            out_m--;
            if (drop_m != 0) begin
              drop_m--;
              n_stale++;
            end else if (wr_exp.size() == 0) begin
              fail("B with no write expected");
            end else begin
              void'(wr_exp.pop_front());
              if (synth) n_tmo_b++; else n_b++;
              if (!synth && s_bresp[1]) n_err++;
            end
            if (synth) begin   // the guard answered for the oldest write the dead slave holds
              void'(sl_due.pop_front()); void'(sl_dead_q.pop_front()); void'(sl_resp.pop_front());
            end
          end
          progress();
        end
      end
      if (aw_fire) begin
        out_m++;
        if (stale_aw_m) drop_m++;
        if (wr_stale) begin
          if (!stale_aw_m) fail("a write from before the flush went out as new");
        end else begin
          wr_exp.push_back(next_tag++);
        end
        sl_due.push_back(int'(cycle) + int'(rnd(rnd(4) == 0 ? 40 : 6)));
        sl_dead_q.push_back(dead);
        sl_resp.push_back(chance(1, 6) ? (chance(1, 2) ? 2'b10 : 2'b11) : 2'b00);
        if (out_m == 1) last_b = int'(cycle);
        stale_aw_m = 1'b0;
        wr_stale   = 1'b0;
        n_aw++;
      end
      synth_prev = synth;
      if (out_m == 0 || synth) last_b = int'(cycle);
      check_answered_soon("B", int'(cycle) - last_b, out_m != 0 && !synth);
      if (timeout) fault_m = 1'b1;   // holds from the cycle after the pulse
      offered_m = m_awvalid && !m_awready;
      if (flush) begin
        drop_m     = out_m;
        stale_aw_m = s_awvalid && !aw_fire;
        wr_stale   = s_awvalid && !aw_fire;
        wr_exp.delete();
        fault_m    = 1'b0;
        n_flush++;
      end

      // ================= plan =================
      flush_next = plan_step();
      cfg_timeout <= timeouts_on ? 32'(TMO) : 32'd0;
      flush <= flush_next;

      // ================= writer: next cycle =================
      if (s_awvalid && !s_awready) begin
        // hold
      end else if (!flush_next && phase != P_QUIET && phase != P_DONE && chance(aw_pct, 100)) begin
        s_awvalid <= 1'b1;
      end else begin
        s_awvalid <= 1'b0;
      end
      s_bready <= chance(ready_pct, 100);

      // ================= slave: next cycle =================
      m_awready <= chance(2, 3);
      if (m_bvalid && !m_bready) begin
        // hold
      end else begin
        sl_bogus <= 1'b0;
        if (sl_due.size() != 0 && !sl_dead_q[0] && !dead && sl_due[0] <= int'(cycle)) begin
          m_bvalid <= 1'b1;
          m_bid    <= '0;
          m_bresp  <= sl_resp[0];
        end else if ((phase == P_NORMAL || phase == P_QUIET) && chance(1, 40) &&
                     (quiet() || chance(1, 2))) begin
          // unsolicited: BID 0 with nothing outstanding, or a BID nobody uses
          m_bvalid <= 1'b1;
          m_bid    <= quiet() && chance(1, 2) ? '0 : ID_WIDTH'(1 + rnd(15));
          m_bresp  <= 2'(rnd(4));
          sl_bogus <= 1'b1;
        end else begin
          m_bvalid <= 1'b0;
          m_bid    <= ID_WIDTH'(rnd64());
          m_bresp  <= 2'(rnd(4));
        end
      end
    end
  end
endmodule

`default_nettype wire
