// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_axi_rd_guard: self-checking unit test of ufo_axi_rd_guard.
//   - a requester issuing bursts of 1..8 beats on IDs 0 and 1 with random gaps, holding ARVALID
//     until ready, random RREADY (phases always ready);
//   - an AXI4 read slave with random ARREADY, beats of the two IDs interleaved in random order
//     with random gaps, SLVERR/DECERR on random beats, and faults on request: an ID that stops
//     answering (every burst of it, from then on), unsolicited beats (IDs nobody uses, and IDs
//     with nothing outstanding: a late beat after a timeout);
//   - the register file's part: `block` (FAULT) set on the guard's timeout pulse, cleared with a
//     `flush` (soft reset) pulse, which also resets the requester; flushes mid-traffic too.
// Checks, against a model of the guard's counters (beats outstanding and to drop per ID):
//   - AR passes exactly when the rules allow it (never while blocked or draining, except a
//     request already offered at the port or one from before the flush);
//   - every beat of a live burst reaches the requester once, in order per ID, unchanged (data,
//     resp, last, rtmo 0), in the cycle the slave offers it (no bubble: rready follows the
//     requester's); beats of bursts issued before a flush never reach it; unsolicited beats are
//     taken, dropped, flagged by `unsolicited`;
//   - a burst the slave never answers is answered by the guard with SLVERR beats, rtmo 1, data 0,
//     only after `cfg_timeout` cycles without a beat of its ID, and never later than that plus a
//     few cycles; `timeout` pulses once for such an answer to live beats, not for a drain;
//   - `idle` exactly when nothing is outstanding; throughput one beat per cycle with an
//     always-ready slave and requester.
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_axi_rd_guard #(
    parameter int DATA_WIDTH = 64
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_axi_rd_guard";
  `include "tb_common.svh"

  localparam int ID_WIDTH = 4;
  localparam int TMO      = 150;  // cfg_timeout after the first round (the first waits forever)

  // ---------------------------------------------------------------- DUT
  logic [31:0]           cfg_timeout = 32'd0;
  logic                  block = 1'b0, flush = 1'b0;
  logic [ID_WIDTH-1:0]   s_arid = '0;
  logic [7:0]            s_arlen = '0;
  logic                  s_arvalid = 1'b0, s_arready, m_arvalid, m_arready = 1'b0;
  logic [ID_WIDTH-1:0]   m_rid = '0;
  logic [DATA_WIDTH-1:0] m_rdata = '0;
  logic [1:0]            m_rresp = '0;
  logic                  m_rlast = 1'b0, m_rvalid = 1'b0, m_rready;
  logic [ID_WIDTH-1:0]   s_rid;
  logic [DATA_WIDTH-1:0] s_rdata;
  logic [1:0]            s_rresp;
  logic                  s_rlast, s_rtmo, s_rvalid, s_rready = 1'b0;
  logic                  unsolicited, timeout, idle;

  ufo_axi_rd_guard #(.DATA_WIDTH(DATA_WIDTH), .ID_WIDTH(ID_WIDTH), .NUM_IDS(2)) dut (
      .clk, .rst_n, .cfg_timeout, .block, .flush,
      .s_arid, .s_arlen, .s_arvalid, .s_arready, .m_arvalid, .m_arready,
      .m_rid, .m_rdata, .m_rresp, .m_rlast, .m_rvalid, .m_rready,
      .s_rid, .s_rdata, .s_rresp, .s_rlast, .s_rtmo, .s_rvalid, .s_rready,
      .unsolicited, .timeout, .idle);

  function automatic logic [DATA_WIDTH-1:0] beat_data(input int tag, input int k);
    logic [DATA_WIDTH-1:0] d;
    for (int i = 0; i < DATA_WIDTH / 32; i++) d[32*i +: 32] = 32'(tag) * 32'h9E3779B1 + 32'(k) + 32'(i);
    return d;
  endfunction

  // ---------------------------------------------------------------- model
  int   out_m [2], drop_m [2];     // the guard's counters
  logic stale_ar_m = 1'b0;         // the AR on offer predates a flush
  logic offered_m = 1'b0;          // m_arvalid was high without m_arready
  int   req_tag [2][$], req_beats [2][$];   // requester: live bursts per ID, in order
  int   req_got [2];               // beats of the head burst received
  logic req_stale = 1'b0;          // the requester's AR on offer is from before a flush
  int   sl_tag [2][$], sl_beats [2][$];     // slave: bursts accepted per ID, not all answered
  logic sl_dead [2][$];            // ... never answered
  int   sl_sent [2];               // beats of the head burst sent
  logic dead [2];                  // the slave does not answer this ID (now and later)
  int   last_offer [2];            // last cycle a beat of this ID was offered (or none outstanding)
  logic synth_prev = 1'b0;
  int   next_tag = 1;
  int   tag_q = 0;                 // the AR on offer
  logic sl_bogus = 1'b0;           // the beat on offer is unsolicited (by the bench's intent)
  logic bogus_any = 1'b0;          // send unsolicited beats (ID >= 2 anytime, 0/1 when quiet)
  initial begin
    for (int i = 0; i < 2; i++) begin
      out_m[i] = 0; drop_m[i] = 0; req_got[i] = 0; sl_sent[i] = 0; dead[i] = 1'b0; last_offer[i] = 0;
    end
  end

  // a beat of the oldest burst the slave holds on this ID was sent (or answered by the guard)
  function automatic void slave_beat_done(input int id);
    sl_sent[id]++;
    if (sl_sent[id] == sl_beats[id][0]) begin
      void'(sl_tag[id].pop_front()); void'(sl_beats[id].pop_front()); void'(sl_dead[id].pop_front());
      sl_sent[id] = 0;
    end
  endfunction

  int n_ar = 0, n_beats = 0, n_tmo_beats = 0, n_timeouts = 0, n_drain_timeouts = 0, n_unsol = 0;
  int n_flush = 0, n_stale_dropped = 0, n_err_beats = 0, n_blocked = 0;

  // ---------------------------------------------------------------- plan
  typedef enum int { P_NORMAL, P_DEAD, P_FLUSH, P_QUIET, P_RATE, P_DONE } phase_t;
  phase_t phase = P_NORMAL;
  int     phase_cycles = 0, rounds = 0, rate_beats = 0;
  int     ar_pct = 30, ready_pct = 70, slave_pct = 70;
  logic   fast = 1'b0;

  function automatic logic quiet();
    return out_m[0] == 0 && out_m[1] == 0 && !s_arvalid && !m_rvalid && !stale_ar_m && !s_rtmo;
  endfunction

  always @(posedge clk) begin
    if (rst_n) begin
      logic ar_fire, synth, known, drop, pass, draining, flush_next;
      int   id;
      // ================= checks of this cycle =================
      ar_fire  = m_arvalid && m_arready;
      draining = drop_m[0] != 0 || drop_m[1] != 0 || stale_ar_m;
      pass     = offered_m || (!flush && (stale_ar_m || !(block || draining)));
      if (m_arvalid !== (s_arvalid && pass) || s_arready !== (m_arready && pass))
        fail($sformatf("AR: m_arvalid %b s_arready %b, expected pass %b (block %b, draining %b, offered %b)",
                       m_arvalid, s_arready, pass, block, draining, offered_m));
      if (s_arvalid && !pass) n_blocked++;
      synth = s_rtmo;
      if (idle !== (out_m[0] == 0 && out_m[1] == 0 && !stale_ar_m && !synth)) fail($sformatf("idle %b", idle));

      // the slave's beat (when the guard is not answering itself)
      if (synth) begin
        id = int'(s_rid);
        if (m_rready) fail("rready high while the guard answers a timed-out read");
        if (id > 1 || out_m[id] == 0) fail("made-up beat for an ID with nothing outstanding");
        if (!synth_prev) begin
          // it starts only after TMO cycles without a beat of its ID
          if (int'(cycle) - last_offer[id] < int'(cfg_timeout)) fail($sformatf("ID %0d timed out after %0d cycles", id, int'(cycle) - last_offer[id]));
          if (timeout !== (out_m[id] != drop_m[id])) fail($sformatf("timeout %b at a made-up answer (live beats %0d)", timeout, out_m[id] - drop_m[id]));
          if (timeout) n_timeouts++; else n_drain_timeouts++;
          if (!dead[id] && !(sl_dead[id].size() != 0 && sl_dead[id][0]) && req_tag[id].size() != 0 &&
              out_m[id] != drop_m[id]) fail($sformatf("ID %0d timed out while the slave answers it", id));
        end else if (timeout) begin
          fail("timeout pulse inside an answer");
        end
        if (s_rvalid !== (drop_m[id] == 0)) fail("made-up beat: valid toward the requester wrong");
        if (s_rresp !== 2'b10 || s_rdata !== '0) fail("made-up beat: not SLVERR with data 0");
      end else begin
        if (timeout) fail("timeout without a made-up answer");
        if (m_rvalid) begin
          id    = int'(m_rid);
          known = id < 2 && out_m[id < 2 ? id : 0] != 0;
          drop  = !known || drop_m[id < 2 ? id : 0] != 0;
          if (unsolicited !== !known) fail($sformatf("unsolicited %b for a beat of ID %0d (%s)", unsolicited, id, known ? "outstanding" : "nothing outstanding"));
          if (sl_bogus && known) fail("bench: an unsolicited beat met an outstanding read");
          if (s_rvalid !== !drop) fail($sformatf("beat of ID %0d: s_rvalid %b, expected %b", id, s_rvalid, !drop));
          if (m_rready !== (drop || s_rready)) fail("rready does not follow the requester (bubble or lost beat)");
          if (s_rvalid && (s_rid !== m_rid || s_rdata !== m_rdata || s_rresp !== m_rresp || s_rlast !== m_rlast || s_rtmo !== 1'b0))
            fail("beat changed on its way");
        end else begin
          if (unsolicited) fail("unsolicited without a beat");
          if (s_rvalid) fail("s_rvalid without a beat");
        end
      end

      // ================= this edge: model updates =================
      // R
      if (synth || m_rvalid) begin
        id = synth ? int'(s_rid) : int'(m_rid);
        known = id < 2 && out_m[id < 2 ? id : 0] != 0;
        drop  = !known || drop_m[id < 2 ? id : 0] != 0;
        if (!synth && m_rvalid && id < 2) last_offer[id] = int'(cycle);
        if (drop || s_rready) begin   // taken
          // the slave's beat is gone (or the guard answered one of the oldest burst it holds)
          if (!synth && sl_bogus) n_unsol++;
          else if (!synth || known) slave_beat_done(id);
          if (known) begin
            out_m[id]--;
            if (drop_m[id] != 0) begin
              drop_m[id]--;
              n_stale_dropped++;
            end else begin
              // the requester gets it
              if (req_tag[id].size() == 0) begin
                fail($sformatf("beat of ID %0d with no burst expected", id));
              end else begin
                if (!synth && s_rdata !== beat_data(req_tag[id][0], req_got[id]))
                  fail($sformatf("ID %0d burst %0d beat %0d: wrong data", id, req_tag[id][0], req_got[id]));
                if (!synth && s_rlast !== (req_got[id] == req_beats[id][0] - 1)) fail("wrong rlast");
                if (synth) n_tmo_beats++; else n_beats++;
                if (!synth && s_rresp[1]) n_err_beats++;
                rate_beats++;
                req_got[id]++;
                if (req_got[id] == req_beats[id][0]) begin
                  void'(req_tag[id].pop_front()); void'(req_beats[id].pop_front());
                  req_got[id] = 0;
                end
              end
            end
            if (out_m[id] == 0) last_offer[id] = int'(cycle);
          end
          progress();
        end
      end
      // AR
      if (ar_fire) begin
        id = int'(s_arid);
        out_m[id] += int'(s_arlen) + 1;
        if (stale_ar_m) drop_m[id] += int'(s_arlen) + 1;
        if (req_stale) begin
          if (!stale_ar_m) fail("a request from before the flush went out as new");
        end else begin
          req_tag[id].push_back(tag_q);
          req_beats[id].push_back(int'(s_arlen) + 1);
        end
        sl_tag[id].push_back(tag_q);
        sl_beats[id].push_back(int'(s_arlen) + 1);
        sl_dead[id].push_back(dead[id]);
        if (out_m[id] == int'(s_arlen) + 1) last_offer[id] = int'(cycle);   // the wait starts
        stale_ar_m = 1'b0;
        n_ar++;
      end
      synth_prev = synth;
      // a beat of ID id is on offer: its wait restarts each cycle
      for (int i = 0; i < 2; i++) if (out_m[i] == 0 || synth) last_offer[i] = int'(cycle);
      // liveness: a dead ID is answered soon after the timeout
      for (int i = 0; i < 2; i++)
        if (cfg_timeout != 0 && out_m[i] != 0 && int'(cycle) - last_offer[i] > int'(cfg_timeout) + 64 && !synth)
          fail($sformatf("ID %0d: no beat for %0d cycles and no timeout", i, int'(cycle) - last_offer[i]));
      // the register file: FAULT blocks, a flush clears it
      if (timeout) block <= 1'b1;
      offered_m = m_arvalid && !m_arready;
      if (flush) begin
        // soft reset: what is outstanding is dropped; the requester forgets its reads
        for (int i = 0; i < 2; i++) begin
          drop_m[i] = out_m[i];
          req_tag[i].delete(); req_beats[i].delete();
          req_got[i] = 0;
        end
        stale_ar_m = s_arvalid && !ar_fire;
        req_stale  = s_arvalid && !ar_fire;
        block     <= 1'b0;
        n_flush++;
      end

      // ================= plan =================
      flush_next = 1'b0;
      phase_cycles++;
      unique case (phase)
        P_NORMAL: begin   // traffic, error beats, unsolicited beats on unused IDs
          bogus_any = 1'b1;
          if (phase_cycles % 300 == 0) begin
            ar_pct    = chance(1, 3) ? 100 : 10 + int'(rnd(60));
            ready_pct = chance(1, 3) ? 100 : 50 + int'(rnd(50));
            slave_pct = chance(1, 3) ? 100 : 60 + int'(rnd(40));
          end
          if (phase_cycles == 2000) begin
            cfg_timeout <= 32'(TMO);
            phase = P_DEAD;
            phase_cycles = 0;
          end
        end
        P_DEAD: begin   // an ID stops answering: timeout, FAULT, then a soft reset
          if (phase_cycles == 1) dead[rnd(2)] = 1'b1;
          if (phase_cycles == 600) begin
            if (!block) fail("an ID stopped answering and FAULT never came");
            flush_next = 1'b1;
            // the slave comes back to life (what it dropped was answered by the guard)
            dead[0] = 1'b0;
            dead[1] = 1'b0;
          end
          if (phase_cycles == 1200) begin phase = P_FLUSH; phase_cycles = 0; end
        end
        P_FLUSH: begin   // soft resets mid-traffic (drained by real beats), one with a dead ID
          if (phase_cycles % 150 == 75) flush_next = 1'b1;
          if (phase_cycles == 400) dead[rnd(2)] = 1'b1;   // the flush at 425 drains by timeout
          if (phase_cycles == 425) flush_next = 1'b1;
          if (phase_cycles == 700) begin dead[0] = 1'b0; dead[1] = 1'b0; end
          if (phase_cycles == 900) begin
            rounds++;
            phase = (rounds < 3) ? P_NORMAL : P_QUIET;
            phase_cycles = 0;
            if (block && phase == P_NORMAL) flush_next = 1'b1;
          end
        end
        P_QUIET: begin    // late and unsolicited beats with nothing outstanding
          if (block && phase_cycles == 10) flush_next = 1'b1;
          if (phase_cycles == 600) begin
            bogus_any = 1'b0;
            phase = P_RATE;
            phase_cycles = 0;
          end
        end
        P_RATE: begin     // always-ready slave and requester: one beat per cycle
          fast = 1'b1;
          if (phase_cycles == 100) rate_beats = 0;
          if (phase_cycles == 300) begin
            $display("  always-ready: %0d beats in 200 cycles", rate_beats);
            if (rate_beats < 196) fail("the guard costs throughput");
            fast = 1'b0;
            phase = P_DONE;
            phase_cycles = 0;
          end
        end
        P_DONE: begin
          if (quiet() && phase_cycles > 50) begin
            $display("  %0d ARs, %0d beats (%0d SLVERR/DECERR), %0d made-up beats; %0d timeouts (FAULT), %0d drain timeouts",
                     n_ar, n_beats, n_err_beats, n_tmo_beats, n_timeouts, n_drain_timeouts);
            $display("  %0d unsolicited beats dropped, %0d flushes, %0d stale beats dropped, %0d cycles an AR was held",
                     n_unsol, n_flush, n_stale_dropped, n_blocked);
            if (n_timeouts < 3 || n_drain_timeouts < 1 || n_unsol < 20 || n_stale_dropped < 10 ||
                n_tmo_beats < 5 || n_blocked < 50 || n_err_beats < 10)
              fail("scenario not covered");
            finish();
          end
          if (phase_cycles > 5000) begin fail("never quiet at the end"); finish(); end
        end
        default: ;
      endcase
      flush <= flush_next;

      // ================= requester: next cycle =================
      if (ar_fire) req_stale = 1'b0;
      if (s_arvalid && !s_arready) begin
        // hold
      end else if (!flush_next && phase != P_QUIET && phase != P_DONE && out_m[0] + out_m[1] < 64 &&
                   (fast || chance(ar_pct, 100))) begin   // (a requester's reads in flight are bounded)
        s_arvalid <= 1'b1;
        s_arid    <= fast ? '0 : ID_WIDTH'(rnd(2));
        s_arlen   <= fast ? 8'd7 : 8'(rnd(8));
        tag_q      = next_tag++;
      end else begin
        s_arvalid <= 1'b0;
        s_arid    <= ID_WIDTH'(rnd64());
        s_arlen   <= 8'(rnd64());
      end
      s_rready <= fast || chance(ready_pct, 100);

      // ================= slave: next cycle =================
      m_arready <= fast || chance(2, 3);
      if (m_rvalid && !m_rready) begin
        // hold
      end else begin
        int pick;
        pick = -1;
        sl_bogus <= 1'b0;
        if (fast || chance(slave_pct, 100)) begin
          logic can0, can1;
          can0 = sl_tag[0].size() != 0 && !sl_dead[0][0] && !dead[0];
          can1 = sl_tag[1].size() != 0 && !sl_dead[1][0] && !dead[1];
          if (can0 && can1) pick = int'(rnd(2));
          else if (can0) pick = 0;
          else if (can1) pick = 1;
        end
        if (pick >= 0) begin
          m_rvalid <= 1'b1;
          m_rid    <= ID_WIDTH'(pick);
          m_rdata  <= beat_data(sl_tag[pick][0], sl_sent[pick]);
          m_rresp  <= (!fast && chance(1, 12)) ? (chance(1, 2) ? 2'b10 : 2'b11) : (chance(1, 5) ? 2'b01 : 2'b00);
          m_rlast  <= sl_sent[pick] == sl_beats[pick][0] - 1;
        end else if (bogus_any && chance(1, 4)) begin
          // unsolicited: an ID nobody uses, or (when nothing is outstanding) 0 or 1
          m_rvalid <= 1'b1;
          m_rid    <= (phase == P_QUIET && quiet() && chance(1, 2)) ? ID_WIDTH'(rnd(2)) : ID_WIDTH'(2 + rnd(14));
          m_rdata  <= DATA_WIDTH'(rnd_wide());
          m_rresp  <= 2'(rnd(4));
          m_rlast  <= chance(1, 2);
          sl_bogus <= 1'b1;
        end else begin
          m_rvalid <= 1'b0;
          m_rid    <= ID_WIDTH'(rnd64());
          m_rdata  <= DATA_WIDTH'(rnd_wide());
        end
      end

    end
  end
endmodule

`default_nettype wire
