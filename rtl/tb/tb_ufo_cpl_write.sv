// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_cpl_write: self-checking unit test of ufo_cpl_write (pipelined completion writes).
//   - an AXI4 write slave over a byte memory: random AWREADY and WREADY (independent), B
//     responses in order after a random delay, several outstanding, SLVERR/DECERR on random
//     responses (the record is then not stored);
//   - a requester with random gaps, fields held while valid and not ready;
//   - in front of the B channel, the write guard's part: some error responses flagged btmo (a
//     response the guard made up after a timeout), and after a flush (soft reset) the responses
//     of the writes issued before it taken by the bench and hidden from the DUT;
//   - a ring reset at every ring change (slot counter back to 0) and a flush mid-traffic.
// Checks:
//   - AW fields (id 0, INCR, full size, len, cache 0011, lock, prot) and address of slot j for
//     the j-th request, never before the request was taken; WLAST; strobes exactly the 16
//     record bytes for every DATA_WIDTH; the memory image after every completion (record
//     contents with PHASE over several laps, nothing else touched);
//   - req_ready exactly when AW is free (or accepted this cycle), W is free (or its last beat
//     accepted this cycle) and fewer than MAX_WRITES responses are outstanding;
//     writes_pending and BREADY exactly while a response is outstanding;
//   - cpl_done exactly one cycle after each B handshake, in request order, with that request's
//     status and descriptor count, cpl_write_err exactly for error responses not flagged btmo
//     and cpl_write_tmo exactly for those flagged; no cpl_done for a write issued before a flush
//     (nor for a response taken in the flush's cycle); the slot counter restarts at 0 after a
//     ring reset or a flush; a record whose AW was offered before the flush still goes out;
//   - back-pressure on every channel, MAX_WRITES responses outstanding reached; with an
//     always-ready slave and MAX_WRITES >= 4 one completion per cycle (per two at DATA_WIDTH 64).
// Rings of several sizes and alignments; +long: past the 16-bit slot counter wrap.
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_cpl_write #(
    parameter int DATA_WIDTH = 64,
    parameter int MAX_WRITES = 8
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_cpl_write";
  `include "tb_common.svh"

  localparam int ADDR_WIDTH = 64;
  localparam int ID_WIDTH   = 4;
  localparam int BYTES      = DATA_WIDTH / 8;
  localparam int BEATS      = (DATA_WIDTH >= 128) ? 1 : 128 / DATA_WIDTH;
  localparam logic [63:0] MEM_BASE = 64'hFFFF_FFF0_0000_0000;
  localparam int MEM_BYTES  = 4352;   // covers every ring placed below

  // ---------------------------------------------------------------- DUT
  logic [63:0]           cpl_ring_base = '0;
  logic [3:0]            ring_log2 = '0;
  logic                  req_valid = 1'b0, req_ready;
  logic [15:0]           req_desc_index = '0, req_desc_count = '0, req_frames = '0;
  logic [7:0]            req_status = '0;
  logic [31:0]           req_wire_bytes = '0;
  logic [ID_WIDTH-1:0]   awid;
  logic [ADDR_WIDTH-1:0] awaddr;
  logic [7:0]            awlen;
  logic [2:0]            awsize, awprot;
  logic [1:0]            awburst;
  logic                  awlock;
  logic [3:0]            awcache;
  logic                  awvalid, awready = 1'b0;
  logic [DATA_WIDTH-1:0] wdata;
  logic [BYTES-1:0]      wstrb;
  logic                  wlast, wvalid, wready = 1'b0;
  logic [ID_WIDTH-1:0]   bid = '0;
  logic [1:0]            bresp = '0;
  logic                  s_bvalid = 1'b0, bready, btmo = 1'b0;
  logic                  b_stale = 1'b0;   // the response offered is for a write before the flush
  logic                  bvalid;           // what the DUT sees (the guard hides stale responses)
  logic                  ring_reset = 1'b0, flush = 1'b0;
  logic                  cpl_done, cpl_write_err, cpl_write_tmo, writes_pending;
  assign bvalid = s_bvalid && !b_stale;
  logic [7:0]            cpl_status;
  logic [15:0]           cpl_desc_count;

  ufo_cpl_write #(
      .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH), .MAX_WRITES(MAX_WRITES)
  ) dut (
      .clk, .rst_n, .cpl_ring_base, .ring_log2, .ring_reset, .flush,
      .req_valid, .req_ready, .req_desc_index, .req_desc_count, .req_status, .req_frames,
      .req_wire_bytes,
      .m_axi_awid(awid), .m_axi_awaddr(awaddr), .m_axi_awlen(awlen), .m_axi_awsize(awsize),
      .m_axi_awburst(awburst), .m_axi_awlock(awlock), .m_axi_awcache(awcache),
      .m_axi_awprot(awprot), .m_axi_awvalid(awvalid), .m_axi_awready(awready),
      .m_axi_wdata(wdata), .m_axi_wstrb(wstrb), .m_axi_wlast(wlast), .m_axi_wvalid(wvalid),
      .m_axi_wready(wready), .m_axi_bid(bid), .m_axi_bresp(bresp), .m_axi_btmo(btmo), .m_axi_bvalid(bvalid),
      .m_axi_bready(bready),
      .cpl_done, .cpl_status, .cpl_desc_count, .cpl_write_err, .cpl_write_tmo, .writes_pending);

  // ---------------------------------------------------------------- memory and expectations
  logic [7:0]   mem [MEM_BYTES];
  logic [7:0]   exp_mem [MEM_BYTES];
  logic [127:0] exp_rec [$];          // records by request, from the request to its completion
  logic [63:0]  aw_at [$];            // the same, from the request until its AW
  logic [127:0] aw_rec [$];
  logic [127:0] wr_rec [$];           // the same, from the AW until the write is stored

  function automatic int mem_off(input logic [63:0] a);
    return int'(a - MEM_BASE);
  endfunction

  // ---------------------------------------------------------------- slave
  int                    fast = 0;   // 1: always ready, no delays, no errors
  int                    ready_pct = 33;
  logic                  b_slow = 1'b0;
  logic [63:0]           aw_q [$];   // accepted AWs without their data yet
  logic [DATA_WIDTH-1:0] w_data_q [$];
  logic [BYTES-1:0]      w_strb_q [$];
  logic                  w_last_q [$];
  int                    b_due_q [$];    // cycle each write's response may be given
  logic                  b_err_q [$];    // ... and whether it is an error
  logic [1:0]            b_sent_err [$]; // {tmo, err} of responses given to the DUT, in order
  int                    n_req = 0, n_aw = 0, n_b = 0, n_done = 0, n_berr = 0, n_btmo = 0, n_full = 0;
  int                    stale_left = 0; // responses still to come for writes before the flush
  int                    j_base = 0;     // n_req at the last ring reset or flush
  int                    n_stale = 0, n_flush = 0, n_ring_reset = 0;

  // ---------------------------------------------------------------- requester
  int          req_pct = 70, to_send = 0;
  logic        b_fire_prev = 1'b0;

  function automatic void new_request();
    logic [15:0] di, dc, fr, j, slot;
    logic [7:0]  st;
    logic [31:0] wb;
    di = 16'(rnd64());  dc = 16'(rnd64());  fr = 16'(rnd64());  wb = 32'(rnd64());
    st = 8'(rnd(7));
    j = 16'(n_req - j_base);
    slot = j & ((16'h1 << ring_log2) - 16'h1);
    exp_rec.push_back({32'h0, wb, fr, 7'h0, ~j[ring_log2], st, dc, di});
    aw_at.push_back({cpl_ring_base[63:4], 4'b0} + 64'(16 * slot));
    aw_rec.push_back({32'h0, wb, fr, 7'h0, ~j[ring_log2], st, dc, di});
    req_valid      <= 1'b1;
    req_desc_index <= di;
    req_desc_count <= dc;
    req_status     <= st;
    req_frames     <= fr;
    req_wire_bytes <= wb;
  endfunction

  // ---------------------------------------------------------------- test plan
  int   plan = 0, step_cycles = 0, fast_cycles = 0, fast_req0 = 0;
  logic draining = 1'b0;
  logic want_long = 1'b0;
  initial want_long = $test$plusargs("long");

  function automatic void configure(input int p);
    unique case (p)
      0: begin cpl_ring_base <= MEM_BASE + 64'h1F0; ring_log2 <= 4'd2; to_send = 60;  end // 16- not 32-aligned
      1: begin cpl_ring_base <= MEM_BASE + 64'h400; ring_log2 <= 4'd1; to_send = 40;  end // ring of 2
      2: begin cpl_ring_base <= MEM_BASE + 64'h80F; ring_log2 <= 4'd5; to_send = 150; end // low bits ignored
      3: begin cpl_ring_base <= MEM_BASE + 64'hF80; ring_log2 <= 4'd3; to_send = 80;  end // ends at 4 KiB
      4: begin cpl_ring_base <= MEM_BASE + 64'h100; ring_log2 <= 4'd4; to_send = 200; end // always-ready slave
      5: begin cpl_ring_base <= MEM_BASE + 64'h100; ring_log2 <= 4'd6; to_send = 66000; end // +long: j wraps
      default: begin cpl_ring_base <= MEM_BASE + 64'h200; ring_log2 <= 4'd4; to_send = 300; end
    endcase
  endfunction

  always @(posedge clk) begin
    int outstanding;
    if (!rst_n) begin
      configure(0);
      for (int i = 0; i < MEM_BYTES; i++) begin
        mem[i] = 8'(i * 7);
        exp_mem[i] = 8'(i * 7);
      end
    end else begin
      // ================= checks of this cycle =================
      outstanding = n_req - n_b - stale_left;   // requests taken before this edge, less responses taken
      if (req_ready !== ((!awvalid || awready) && (!wvalid || (wready && wlast)) && outstanding < MAX_WRITES &&
                         !flush && !ring_reset))
        fail($sformatf("req_ready %b with AW %b/%b, W %b/%b/%b, %0d responses outstanding", req_ready,
                       awvalid, awready, wvalid, wready, wlast, outstanding));
      if (writes_pending !== (outstanding != 0) || bready !== (outstanding != 0))
        fail($sformatf("writes_pending %b bready %b with %0d responses outstanding", writes_pending, bready, outstanding));
      if (outstanding == MAX_WRITES) n_full++;
      if (cpl_done !== b_fire_prev) fail("cpl_done not exactly one cycle after a B handshake");
      if (cpl_done) begin
        logic [127:0] e;
        logic [1:0]   berr;
        e    = exp_rec.pop_front();
        berr = b_sent_err.pop_front();
        if (cpl_status !== e[39:32]) fail($sformatf("completion %0d: cpl_status %0d, expected %0d", n_done, cpl_status, e[39:32]));
        if (cpl_desc_count !== e[31:16]) fail($sformatf("completion %0d: cpl_desc_count %0d, expected %0d", n_done, cpl_desc_count, e[31:16]));
        if (cpl_write_err !== (berr == 2'b01)) fail($sformatf("completion %0d: cpl_write_err %b, response err %b tmo %b", n_done, cpl_write_err, berr[0], berr[1]));
        if (cpl_write_tmo !== berr[1]) fail($sformatf("completion %0d: cpl_write_tmo %b, expected %b", n_done, cpl_write_tmo, berr[1]));
        if (berr == 2'b01) n_berr++;
        if (berr[1]) n_btmo++;
        n_done++;
      end else if (cpl_write_err || cpl_write_tmo) begin
        fail("cpl_write_err/tmo without cpl_done");
      end

      // ================= this edge's transfers =================
      if (req_valid && req_ready) n_req++;
      if ((req_valid && req_ready) || (s_bvalid && (bready || b_stale)) || (wvalid && wready)) progress();
      if (awvalid && awready) begin
        logic [63:0] e;
        if (aw_at.size() == 0 || n_aw >= n_req) begin
          fail("AW before its request was taken");
        end else begin
          e = aw_at.pop_front();
          wr_rec.push_back(aw_rec.pop_front());
          if (awaddr !== e) fail($sformatf("AW %0d: address %h, expected %h", n_aw, awaddr, e));
        end
        if (awid !== '0) fail("AWID not 0");
        if (awlen !== 8'(BEATS - 1)) fail($sformatf("AWLEN %0d", awlen));
        if (awsize !== 3'($clog2(BYTES))) fail($sformatf("AWSIZE %0d", awsize));
        if (awburst !== 2'b01) fail("AWBURST not INCR");
        if (awcache !== 4'b0011 || awlock !== 1'b0 || awprot !== 3'b000) fail("AWCACHE/LOCK/PROT");
        aw_q.push_back(awaddr);
        n_aw++;
      end
      if (wvalid && wready) begin
        w_data_q.push_back(wdata);
        w_strb_q.push_back(wstrb);
        w_last_q.push_back(wlast);
      end
      // a write with its AW and all its beats: store it, schedule its response
      if (aw_q.size() != 0 && w_data_q.size() >= BEATS) begin
        logic [63:0]  a, lane0;
        logic [127:0] rec;
        logic         berr;
        a = aw_q.pop_front();
        rec = wr_rec.pop_front();
        berr = fast == 0 && chance(1, 8);
        lane0 = a & ~64'(BYTES - 1);
        for (int k = 0; k < BEATS; k++) begin
          logic [DATA_WIDTH-1:0] d;
          logic [BYTES-1:0]      s;
          d = w_data_q.pop_front();
          s = w_strb_q.pop_front();
          if (w_last_q.pop_front() !== (k == BEATS - 1)) fail("WLAST wrong");
          for (int b = 0; b < BYTES; b++) begin
            logic [63:0] ba;
            ba = lane0 + 64'(k * BYTES + b);
            if (s[b] && (ba < a || ba >= a + 16)) fail($sformatf("strobe outside the record, lane %0d", b));
            if (!s[b] && ba >= a && ba < a + 16) fail($sformatf("record byte not strobed, lane %0d", b));
            if (s[b] && !berr) mem[mem_off(ba)] = d[8*b +: 8];
          end
        end
        // the memory image: this record stored (unless the response is an error), nothing else
        if (!berr) for (int b = 0; b < 16; b++) exp_mem[mem_off(a) + b] = rec[8*b +: 8];
        if (fast == 0 || n_aw % 64 == 0) begin
          for (int i = 0; i < MEM_BYTES; i++) begin
            if (mem[i] !== exp_mem[i]) begin
              fail($sformatf("memory byte 0x%0h: %h, expected %h (write %0d)", i, mem[i], exp_mem[i], n_aw));
              break;
            end
          end
        end
        b_due_q.push_back(int'(cycle) + (fast != 0 ? 0 : b_slow ? 20 + int'(rnd(40)) : int'(rnd(rnd(4) == 0 ? 30 : 4))));
        b_err_q.push_back(berr);
      end
      // B: in order, held until BREADY (a stale one: until the bench, as the guard, takes it)
      b_fire_prev <= bvalid && bready && !flush;
      if (s_bvalid && (b_stale || bready)) begin
        n_b++;
        void'(b_due_q.pop_front());
        void'(b_err_q.pop_front());
        if (b_stale) begin
          stale_left--;
          n_stale++;
        end
      end
      if (flush) begin
        // a flush: the writes issued so far get no completion; the response taken in this cycle
        // neither; the request on offer is withdrawn (the requester is reset too) and sent again
        if (req_valid) begin
          void'(exp_rec.pop_back());
          void'(aw_at.pop_back());
          void'(aw_rec.pop_back());
          req_valid <= 1'b0;
          to_send++;
        end
        stale_left = n_req - n_b;
        exp_rec.delete();
        b_sent_err.delete();
        j_base = n_req;
        n_flush++;
      end
      if (!(s_bvalid && !(b_stale || bready)) || flush) begin
        if (s_bvalid && !(b_stale || bready)) begin
          b_stale <= 1'b1;   // the response on offer now belongs to a write before the flush
        end else if (b_due_q.size() != 0 && b_due_q[0] <= int'(cycle)) begin
          logic t;
          t = b_err_q[0] && chance(1, 3);
          s_bvalid <= 1'b1;
          b_stale  <= stale_left > 0;
          bresp    <= b_err_q[0] ? (t || chance(1, 2) ? 2'b10 : 2'b11) : 2'b00;
          btmo     <= t;
          bid      <= '0;
          if (stale_left == 0) b_sent_err.push_back({t, b_err_q[0]});
        end else begin
          s_bvalid <= 1'b0;
          b_stale  <= 1'b0;
          bresp    <= 2'(rnd(4));
          btmo     <= chance(1, 2);
        end
      end
      awready <= fast != 0 || rnd(100) < ready_pct;
      wready  <= fast != 0 || rnd(100) < ready_pct;

      // ================= requester and plan =================
      step_cycles++;
      ring_reset <= 1'b0;
      flush      <= 1'b0;
      if (flush || ring_reset) begin
        // (withdrawn above, or nothing on offer)
      end else if (req_valid && !req_ready) begin
        // hold
      end else if (!draining && to_send > 0 && (fast != 0 || rnd(100) < req_pct)) begin
        new_request();
        to_send--;
      end else begin
        req_valid      <= 1'b0;
        req_desc_index <= 16'(rnd64());
        req_desc_count <= 16'(rnd64());
        req_status     <= 8'(rnd64());
        req_frames     <= 16'(rnd64());
        req_wire_bytes <= 32'(rnd64());
      end
      if (step_cycles % 400 == 0) begin
        // phases: request rate, AW/W readiness, slow responses (the outstanding limit is hit)
        req_pct   = chance(1, 3) ? 100 : 20 + int'(rnd(80));
        ready_pct = chance(1, 3) ? 100 : 20 + int'(rnd(60));
        b_slow    = chance(1, 3);
      end
      // rate with the always-ready slave: requests taken in 150 cycles
      if (fast != 0) begin
        fast_cycles++;
        if (fast_cycles == 20) fast_req0 = n_req;
        if (fast_cycles == 170) begin
          $display("  always-ready slave: %0d completions taken in 150 cycles (%0d W beats each)",
                   n_req - fast_req0, BEATS);
          // (with fewer than 4 writes outstanding the B round trip, not W, sets the rate)
          if (MAX_WRITES >= 4 && (n_req - fast_req0) * BEATS * 10 < 150 * 9)
            fail("completion rate below 90% of the W channel rate");
        end
      end
      // a flush mid-traffic, with writes outstanding, in the first plans
      if (plan <= 2 && step_cycles == 60 && !flush) flush <= 1'b1;
      if (to_send == 0 && !(req_valid && !req_ready)) draining = 1'b1;
      if (draining && exp_rec.size() == 0 && stale_left == 0 && !req_valid && aw_q.size() == 0 &&
          !awvalid && !wvalid && !ring_reset) begin
        fast = 0;
        plan++;
        draining = 1'b0;
        step_cycles = 0;
        if (plan == 5 && !want_long) plan = 6;
        if (plan == 7) begin
          $display("  %0d completions, %0d with an error response, %0d timed out; %0d cycles with MAX_WRITES outstanding",
                   n_done, n_berr, n_btmo, n_full);
          $display("  %0d flushes (%0d responses of earlier writes dropped), %0d ring resets", n_flush, n_stale, n_ring_reset);
          if (n_berr == 0 || n_btmo == 0 || n_full < 20 || n_flush < 2 || n_stale == 0 || n_ring_reset < 5)
            fail("scenario not covered");
          finish();
        end else begin
          configure(plan);
          ring_reset <= 1'b1;   // quiesced: the slot counter starts over
          j_base = n_req;
          n_ring_reset++;
          if (plan == 4 || plan == 5) begin
            fast = 1;
            fast_cycles = 0;
          end
        end
      end
    end
  end
endmodule

`default_nettype wire
