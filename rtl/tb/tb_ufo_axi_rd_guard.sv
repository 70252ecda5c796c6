// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_axi_rd_guard: self-checking unit test of ufo_axi_rd_guard.
//   - a requester issuing bursts of 1..8 beats on IDs 0 and 1 with random gaps, holding ARVALID
//     until ready, random RREADY (phases always ready);
//   - an AXI4 read slave with random ARREADY, beats of the two IDs interleaved in random order
//     with random gaps, SLVERR/DECERR on random beats, and faults on request: an ID that stops
//     answering (every burst of it, from then on), unsolicited beats (IDs nobody uses, and IDs
//     with nothing outstanding: a late beat after a timeout);
//   - the register file's part: `block` (FAULT) set on the guard's timeout pulse, cleared with a
//     `flush` (soft reset) pulse, which also resets the requester; flushes mid-traffic too (the
//     plan both guard benches share: tb_guard_plan.svh).
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
//   - while blocked (ANSWER_ID 1): a request on ID 1 is taken by the guard (never at the port,
//     one at a time) and answered, after every beat the port owes on ID 1, with ARLEN+1 SLVERR
//     beats, rtmo 1, data 0, rlast on the last, in order with the requester's other bursts; one
//     on ID 0 found waiting is taken and parked (never issued, never answered) and the next ones
//     are held; a flush forgets both;
//   - `idle` exactly when nothing is outstanding or owed by the guard; throughput one beat per
//     cycle with an always-ready slave and requester.
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
  localparam bit RATE_PHASE = 1'b1;

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

  ufo_axi_rd_guard #(.DATA_WIDTH(DATA_WIDTH), .ID_WIDTH(ID_WIDTH), .NUM_IDS(2), .ANSWER_ID(1)) dut (
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
  logic req_own [2][$];            // ... answered by the guard itself (taken while blocked)
  logic own_m = 1'b0;              // the guard took a request on ID 1 and owes its answer
  int   own_len_m = 0;             // its beats
  int   own_sent = 0;              // beats of it answered so far
  int   own_wait = 0;              // cycles its answer could have started and did not
  logic own_synth = 1'b0;          // the made-up beats on offer are that answer
  logic parked_m = 1'b0;           // the guard took and parked a request on ID 0
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

  int n_ar = 0, n_beats = 0, n_tmo_beats = 0, n_unsol = 0;
  int n_flush = 0, n_stale_dropped = 0, n_err_beats = 0, n_blocked = 0, n_own = 0, n_own_beats = 0;
  int n_parked = 0;

  // ---------------------------------------------------------------- plan
  `include "tb_guard_plan.svh"
  int   rate_beats = 0;
  int   ar_pct = 30, ready_pct = 70, slave_pct = 70;
  logic fast = 1'b0;

  function automatic void new_rates();
    ar_pct    = chance(1, 3) ? 100 : 10 + int'(rnd(60));
    ready_pct = chance(1, 3) ? 100 : 50 + int'(rnd(50));
    slave_pct = chance(1, 3) ? 100 : 60 + int'(rnd(40));
  endfunction
  function automatic void kill_slave();   // one ID stops answering
    dead[rnd(2)] = 1'b1;
  endfunction
  function automatic void revive_slave();
    dead[0] = 1'b0;
    dead[1] = 1'b0;
  endfunction
  function automatic logic faulted();
    return block;
  endfunction
  function automatic logic quiet();
    return out_m[0] == 0 && out_m[1] == 0 && !s_arvalid && !m_rvalid && !stale_ar_m && !s_rtmo;
  endfunction
  function automatic void report();
    $display("  %0d ARs, %0d beats (%0d SLVERR/DECERR), %0d made-up beats; %0d timeouts (FAULT), %0d drain timeouts",
             n_ar, n_beats, n_err_beats, n_tmo_beats, n_timeouts, n_drain_timeouts);
    $display("  %0d unsolicited beats dropped, %0d flushes, %0d stale beats dropped, %0d cycles an AR was held",
             n_unsol, n_flush, n_stale_dropped, n_blocked);
    $display("  while blocked: %0d requests answered by the guard (%0d beats), %0d parked",
             n_own, n_own_beats, n_parked);
    if (n_timeouts < 3 || n_drain_timeouts < 1 || n_unsol < 20 || n_stale_dropped < 10 ||
        n_tmo_beats < 5 || n_blocked < 50 || n_err_beats < 10 || n_own < 3 || n_parked < 1)
      fail("scenario not covered");
  endfunction

  always @(posedge clk) begin
    if (rst_n) begin
      logic ar_fire, synth, known, drop, pass, draining, flush_next, own_ready, park_ready;
      int   id;
      // ================= checks of this cycle =================
      ar_fire  = m_arvalid && m_arready;
      draining = drop_m[0] != 0 || drop_m[1] != 0 || stale_ar_m;
      pass     = offered_m || (!flush && (stale_ar_m || !(block || draining)));
      own_ready  = block && !pass && !flush && !own_m && s_arid == ID_WIDTH'(1);
      park_ready = block && !pass && !flush && !parked_m && s_arid != ID_WIDTH'(1);
      if (m_arvalid !== (s_arvalid && pass) || s_arready !== ((m_arready && pass) || own_ready || park_ready))
        fail($sformatf("AR: m_arvalid %b s_arready %b, expected pass %b own %b park %b (block %b, draining %b, offered %b)",
                       m_arvalid, s_arready, pass, own_ready, park_ready, block, draining, offered_m));
      if (s_arvalid && !pass) n_blocked++;
      synth = s_rtmo;
      if (idle !== (out_m[0] == 0 && out_m[1] == 0 && !stale_ar_m && !synth && !own_m)) fail($sformatf("idle %b", idle));
      // the guard's own answer: starts once the port owes nothing on ID 1
      if (synth && !synth_prev) own_synth = own_m && int'(s_rid) == 1 && out_m[1] == 0;
      if (!synth) own_synth = 1'b0;
      if (own_m && out_m[1] == 0 && !synth) begin
        if (++own_wait > 64) fail("a request taken while blocked is never answered");
      end else begin
        own_wait = 0;
      end

      // the slave's beat (when the guard is not answering itself)
      if (synth && own_synth) begin
        if (m_rready) fail("rready high while the guard answers a request it took");
        if (timeout) fail("timeout pulse at the answer to a request taken while blocked");
        if (!s_rvalid || s_rresp !== 2'b10 || s_rdata !== '0 || s_rid !== ID_WIDTH'(1))
          fail("own answer: not a valid SLVERR beat of ID 1 with data 0");
        if (s_rlast !== (own_sent == own_len_m - 1)) fail("own answer: wrong rlast");
        if (unsolicited) fail("unsolicited during the guard's own answer");
      end else if (synth) begin
        id = int'(s_rid);
        if (m_rready) fail("rready high while the guard answers a timed-out read");
        if (id > 1 || out_m[id] == 0) fail("made-up beat for an ID with nothing outstanding");
        if (!synth_prev) begin
          check_answer_start($sformatf("ID %0d", id), int'(cycle) - last_offer[id], out_m[id] != drop_m[id]);
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
      if (synth && own_synth) begin
        if (s_rready) begin
          if (req_tag[1].size() == 0 || !req_own[1][0]) fail("own answer: not the requester's oldest burst on ID 1");
          n_own_beats++;
          own_sent++;
          req_got[1]++;
          if (req_beats[1].size() != 0 && req_got[1] == req_beats[1][0]) begin
            void'(req_tag[1].pop_front()); void'(req_beats[1].pop_front()); void'(req_own[1].pop_front());
            req_got[1] = 0;
          end
          if (own_sent == own_len_m) begin
            own_m = 1'b0;
            own_sent = 0;
          end
          progress();
        end
      end else if (synth || m_rvalid) begin
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
                if (req_own[id][0]) fail($sformatf("ID %0d: a beat from the port for a burst the guard took", id));
                if (!synth && s_rdata !== beat_data(req_tag[id][0], req_got[id]))
                  fail($sformatf("ID %0d burst %0d beat %0d: wrong data", id, req_tag[id][0], req_got[id]));
                if (!synth && s_rlast !== (req_got[id] == req_beats[id][0] - 1)) fail("wrong rlast");
                if (synth) n_tmo_beats++; else n_beats++;
                if (!synth && s_rresp[1]) n_err_beats++;
                rate_beats++;
                req_got[id]++;
                if (req_got[id] == req_beats[id][0]) begin
                  void'(req_tag[id].pop_front()); void'(req_beats[id].pop_front()); void'(req_own[id].pop_front());
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
          req_own[id].push_back(1'b0);
        end
        sl_tag[id].push_back(tag_q);
        sl_beats[id].push_back(int'(s_arlen) + 1);
        sl_dead[id].push_back(dead[id]);
        if (out_m[id] == int'(s_arlen) + 1) last_offer[id] = int'(cycle);   // the wait starts
        stale_ar_m = 1'b0;
        n_ar++;
      end
      if (s_arvalid && own_ready) begin   // taken by the guard, answered by it
        if (req_stale) fail("a request from before the flush taken as new");
        req_tag[1].push_back(tag_q);
        req_beats[1].push_back(int'(s_arlen) + 1);
        req_own[1].push_back(1'b1);
        own_m = 1'b1;
        own_len_m = int'(s_arlen) + 1;
        n_own++;
      end
      if (s_arvalid && park_ready) begin  // taken by the guard, never answered
        parked_m = 1'b1;
        n_parked++;
      end
      synth_prev = synth;
      // a beat of ID id is on offer: its wait restarts each cycle
      for (int i = 0; i < 2; i++) if (out_m[i] == 0 || synth) last_offer[i] = int'(cycle);
      // liveness: a dead ID is answered soon after the timeout
      for (int i = 0; i < 2; i++)
        check_answered_soon($sformatf("ID %0d", i), int'(cycle) - last_offer[i], out_m[i] != 0 && !synth);
      // the register file: FAULT blocks, a flush clears it
      if (timeout) block <= 1'b1;
      offered_m = m_arvalid && !m_arready;
      if (flush) begin
        // soft reset: what is outstanding is dropped; the requester forgets its reads
        for (int i = 0; i < 2; i++) begin
          drop_m[i] = out_m[i];
          req_tag[i].delete(); req_beats[i].delete(); req_own[i].delete();
          req_got[i] = 0;
        end
        stale_ar_m = s_arvalid && !ar_fire && !(own_ready || park_ready);
        own_m = 1'b0;
        own_sent = 0;
        parked_m = 1'b0;
        req_stale  = stale_ar_m;
        block     <= 1'b0;
        n_flush++;
      end

      // ================= plan =================
      flush_next = plan_step();
      cfg_timeout <= timeouts_on ? 32'(TMO) : 32'd0;
      // P_RATE (from its first counted cycle, as the plan's phases): always-ready slave and
      // requester, one beat per cycle
      if (phase == P_RATE && phase_cycles != 0) begin
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
        end else if (phase != P_RATE && phase != P_DONE && chance(1, 4)) begin
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
