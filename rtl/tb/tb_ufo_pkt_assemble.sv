// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_pkt_assemble: self-checking unit test of ufo_pkt_assemble against a reference model of
// the chain rules (docs/architecture.md, "Status codes").
//   - stimulus: a descriptor stream with random valid gaps made of good chains (1..MAX_DESC
//     descriptors, zero-length buffers among them, any address alignment) and broken ones:
//     first descriptor without SOP, a SOP inside a chain, no EOP within MAX_DESC, a descriptor
//     whose read failed (err, fields garbage), total length 0 and above MAX_FRAME, a reserved
//     flag bit (6..15, or USO: bit 5) on any descriptor of a chain, UFO and USO together;
//   - the tag pointer free_ptr released at random rates (and held, so the table fills up), the
//     buffer queue popped at random rates (and held, so it fills up);
//   - model: the descriptors in order through the chain rules give the expected packet records
//     and, for good packets only, their buffers with the beat geometry of DATA_WIDTH.
// Checks: every packet table write (tag = packet number, desc_index, desc_count, status; for
// good packets also num_bufs, total, head_len, flags and offload fields), alloc_ptr, never more
// than NUM_PKTS packets ahead of free_ptr, busy while a chain is being collected, and the buffer
// queue exactly: buf_valid only when a committed buffer is waiting (a broken chain's buffers
// never appear), buf_head the next committed buffer (first_beat, beats, first_lane, last_lane).
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_pkt_assemble #(
    parameter int DATA_WIDTH = 64,
    parameter int MAX_DESC   = 32,
    parameter int MAX_FRAME  = 67584,
    parameter int NUM_PKTS   = 8,
    parameter int BUF_DEPTH  = 32,
    parameter int N_DESC     = 12000   // descriptors per run
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_pkt_assemble";
  `include "tb_common.svh"

  localparam int KEEP_WIDTH = DATA_WIDTH / 8;
  localparam int TAG_W      = $clog2(NUM_PKTS);

  // ---------------------------------------------------------------- DUT
  logic                 desc_valid = 1'b0, desc_ready;
  ufo_pkg::desc_item_t  desc = '0;
  logic                 tbl_wr_en;
  logic [TAG_W-1:0]     tbl_wr_tag;
  ufo_pkg::pkt_rec_t    tbl_wr_rec;
  logic [TAG_W:0]       alloc_ptr, free_ptr = '0;
  logic                 buf_valid, buf_pop = 1'b0, busy;
  logic                 enable = 1'b1;   // CTRL.ENABLE: toggled at random
  ufo_pkg::gather_buf_t buf_head;

  ufo_pkt_assemble #(
      .DATA_WIDTH(DATA_WIDTH), .MAX_DESC(MAX_DESC), .MAX_FRAME(MAX_FRAME), .NUM_PKTS(NUM_PKTS),
      .BUF_DEPTH(BUF_DEPTH)
  ) dut (
      .clk, .rst_n,
      .enable,
      .desc_valid, .desc_ready, .desc,
      .tbl_wr_en, .tbl_wr_tag, .tbl_wr_rec, .alloc_ptr, .free_ptr,
      .buf_valid, .buf_pop, .buf_head,
      .busy);

  ufo_vr_check #(.WIDTH($bits(desc))) u_chk_desc (
      .clk, .rst_n, .valid(desc_valid), .ready(desc_ready), .payload(desc));

  // ---------------------------------------------------------------- reference model
  ufo_pkg::desc_item_t  desc_q [$];   // descriptors to offer, in order
  ufo_pkg::pkt_rec_t    exp_rec [$];  // packet records, in order
  int                   exp_nbuf [$]; // buffers each record commits (good packets), else 0
  ufo_pkg::gather_buf_t exp_bufs [$]; // the buffers of good packets, in order, not yet committed
  ufo_pkg::gather_buf_t committed [$];

  // the chain being collected by the model
  ufo_pkg::pkt_rec_t    m_rec;
  int                   m_n = 0;
  longint               m_total = 0;
  ufo_pkg::gather_buf_t m_bufs [$];
  logic                 m_flags_bad = 1'b0;

  int n_status [32] = '{default: 0};
  int n_desc_gen = 0;
  logic [15:0] next_index = 16'd0;

  function automatic void model_end(input logic [7:0] status, input int count);
    ufo_pkg::pkt_rec_t r;
    r            = m_rec;
    r.status     = status;
    r.desc_count = 16'(count);
    r.total      = ufo_pkg::LEN_WIDTH'(m_total);
    r.num_bufs   = 6'(m_bufs.size());
    exp_rec.push_back(r);
    if (status == ufo_pkg::ST_OK) begin
      exp_nbuf.push_back(m_bufs.size());
      foreach (m_bufs[i]) exp_bufs.push_back(m_bufs[i]);
    end else begin
      exp_nbuf.push_back(0);
    end
    m_bufs.delete();
    m_n = 0;
    n_status[status]++;
  endfunction

  function automatic ufo_pkg::pkt_rec_t first_record(input ufo_pkg::desc_item_t d);
    ufo_pkg::pkt_rec_t r;
    r             = '0;
    r.desc_index  = d.index;
    r.ufo         = d.flags[ufo_pkg::FLAG_UFO];
    r.uso         = d.flags[ufo_pkg::FLAG_USO];
    r.csum        = d.flags[ufo_pkg::FLAG_CSUM];
    r.vlan_ins    = d.flags[ufo_pkg::FLAG_VLAN_INS];
    r.ufo_size    = d.ufo_size;
    r.vlan_tci    = d.vlan_tci;
    r.csum_start  = d.csum_start;
    r.csum_offset = d.csum_offset;
    r.frag_id     = d.frag_id;
    r.head_len    = d.buf_len;
    return r;
  endfunction

  // one descriptor through the chain rules
  function automatic void model_desc(input ufo_pkg::desc_item_t d);
    logic sop, eop;
    sop = d.flags[ufo_pkg::FLAG_SOP];
    eop = d.flags[ufo_pkg::FLAG_EOP];
    if (m_n != 0 && !d.err && sop) model_end(ufo_pkg::ST_CHAIN_SOP_INSIDE, m_n);
    if (m_n == 0) begin
      m_rec       = first_record(d);
      m_total     = 0;
      m_flags_bad = 1'b0;
    end
    if (d.err) begin
      model_end(m_flags_bad ? ufo_pkg::ST_DESC_FLAGS :
                d.timeout ? ufo_pkg::ST_DESC_TIMEOUT : ufo_pkg::ST_DESC_DMA, m_n + 1);
      return;
    end
    if (m_n == 0 && !sop) begin
      model_end(ufo_pkg::ST_CHAIN_NO_SOP, 1);
      return;
    end
    m_n++;
    m_total += longint'(d.buf_len);
    // reserved bits 6..15, or USO (bit 5) with UFO
    if ((d.flags & ufo_pkg::FLAGS_RESERVED) != 0 || (d.flags[ufo_pkg::FLAG_UFO] && d.flags[ufo_pkg::FLAG_USO]))
      m_flags_bad = 1'b1;
    if (d.buf_len != 0) m_bufs.push_back(gather_buf(d.buf_addr, d.buf_len, KEEP_WIDTH));
    if (eop) begin
      model_end(m_flags_bad ? ufo_pkg::ST_DESC_FLAGS : m_total == 0 ? ufo_pkg::ST_LENGTH_ZERO
                : m_total > MAX_FRAME ? ufo_pkg::ST_LENGTH_MAX : ufo_pkg::ST_OK, m_n);
    end else if (m_n == MAX_DESC) begin
      model_end(ufo_pkg::ST_CHAIN_NO_EOP, m_n);
    end
  endfunction

  // ---------------------------------------------------------------- generator
  function automatic ufo_pkg::desc_item_t new_desc(input logic sop, input logic eop,
                                                   input logic [15:0] len);
    ufo_pkg::desc_item_t d;
    logic [1023:0] r;
    r = rnd_wide();
    d = r[$bits(d)-1:0];
    d.err      = 1'b0;
    d.index    = next_index;
    d.buf_addr = {1'b0, d.buf_addr[62:0]};   // the buffer does not wrap the address space
    d.buf_len  = len;
    d.flags[15:5] = '0;                      // reserved bits only where a chain asks for them
    d.flags[ufo_pkg::FLAG_SOP] = sop;
    d.flags[ufo_pkg::FLAG_EOP] = eop;
    next_index++;
    return d;
  endfunction

  function automatic logic [15:0] rnd_len();
    unique case (rnd(8))
      0:       return 16'd0;
      1:       return 16'(rnd(65536));
      2, 3:    return 16'(1 + rnd(KEEP_WIDTH * 3));
      default: return 16'(1 + rnd(1600));
    endcase
  endfunction

  function automatic void push(input ufo_pkg::desc_item_t d);
    desc_q.push_back(d);
    model_desc(d);
    n_desc_gen++;
  endfunction

  // one chain, good or broken
  function automatic void gen_chain();
    int n, kind;
    kind = int'(rnd(22));
    n = 1 + int'(rnd(chance(1, 4) ? MAX_DESC : (MAX_DESC < 6 ? MAX_DESC : 6)));
    unique case (kind)
      0: push(new_desc(1'b0, chance(1, 2), rnd_len()));                 // no SOP
      1, 2: begin                                                        // SOP inside
        if (n > MAX_DESC - 1) n = MAX_DESC - 1;
        for (int i = 0; i < n; i++) push(new_desc(i == 0, 1'b0, rnd_len()));
      end
      3: for (int i = 0; i < MAX_DESC; i++) push(new_desc(i == 0, 1'b0, rnd_len()));  // no EOP
      4: begin                                                           // a failed read
        int j;
        j = int'(rnd(n));
        for (int i = 0; i < n; i++) begin
          ufo_pkg::desc_item_t d;
          d = new_desc(i == 0, i == n - 1, rnd_len());
          if (i == j) begin
            logic [1023:0] r;
            r = rnd_wide();
            d = r[$bits(d)-1:0];   // the fields of a failed read are garbage
            d.err   = 1'b1;
            d.index = next_index - 16'd1;
          end
          push(d);
        end
      end
      5: for (int i = 0; i < n; i++) push(new_desc(i == 0, i == n - 1, 16'd0));        // length 0
      6: begin                                                           // too long
        int len;
        if (n < 2) n = 2;
        len = MAX_FRAME / n + 1 + int'(rnd(2000));
        for (int i = 0; i < n; i++) push(new_desc(i == 0, i == n - 1, 16'(len > 65535 ? 65535 : len)));
      end
      7: begin                                                           // MAX_FRAME, or one more
        int left;
        left = MAX_FRAME + int'(rnd(2));
        if (n < (left + 65534) / 65535) n = (left + 65534) / 65535;
        for (int i = 0; i < n; i++) begin
          int len;
          len = (i == n - 1) ? left : int'(rnd(left / (n - i) + 1));
          if (left - len > 65535 * (n - 1 - i)) len = left - 65535 * (n - 1 - i);
          push(new_desc(i == 0, i == n - 1, 16'(len)));
          left -= len;
        end
      end
      8, 9: begin                                                        // reserved flag bits
        int j;
        j = int'(rnd(n));
        for (int i = 0; i < n; i++) begin
          ufo_pkg::desc_item_t d;
          d = new_desc(i == 0, i == n - 1, rnd_len());
          if (i == j) begin
            int   b;
            logic with_ufo;
            with_ufo = chance(1, 3);
            b = 5 + int'(rnd(11));
            d.flags[b] = 1'b1;
            if (b == ufo_pkg::FLAG_USO || with_ufo) d.flags[ufo_pkg::FLAG_UFO] = 1'b1;   // UFO + USO
          end
          push(d);
        end
      end
      default: for (int i = 0; i < n; i++) push(new_desc(i == 0, i == n - 1, rnd_len()));
    endcase
  endfunction

  // ---------------------------------------------------------------- checks and drivers
  int   n_wr = 0, n_consumed = 0, n_counted = 0, n_pops = 0, n_tags_full = 0, n_queue_full = 0;
  int   free_pct = 50, pop_pct = 50, valid_pct = 80;
  int   idle = 0;
  int   n_held_disabled = 0;   // cycles a packet's first descriptor waited for ENABLE

  always @(posedge clk) begin
    if (rst_n) begin
      // -------- outputs of this cycle against the model before this edge
      if (busy !== (n_consumed != n_counted))
        fail($sformatf("busy %b with %0d descriptors taken and %0d in records", busy, n_consumed, n_counted));
      if (alloc_ptr !== (TAG_W+1)'(n_wr)) fail($sformatf("alloc_ptr %0d after %0d packets", alloc_ptr, n_wr));
      if ((TAG_W+1)'(alloc_ptr - free_ptr) > (TAG_W+1)'(NUM_PKTS))
        fail($sformatf("alloc_ptr %0d more than %0d ahead of free_ptr %0d", alloc_ptr, NUM_PKTS, free_ptr));
      if ((TAG_W+1)'(alloc_ptr - free_ptr) == (TAG_W+1)'(NUM_PKTS)) n_tags_full++;
      if (buf_valid !== (committed.size() != 0))
        fail($sformatf("buf_valid %b with %0d committed buffers waiting", buf_valid, committed.size()));
      else if (buf_valid && buf_head !== committed[0])
        fail($sformatf("buffer %0d: first_beat %h beats %0d lanes %0d..%0d, expected %h %0d %0d..%0d", n_pops,
                       buf_head.first_beat, buf_head.beats, buf_head.first_lane, buf_head.last_lane,
                       committed[0].first_beat, committed[0].beats, committed[0].first_lane, committed[0].last_lane));
      if (committed.size() >= BUF_DEPTH) n_queue_full++;
      // ENABLE: no new chain starts while it is clear; a chain already open goes on
      if (desc_valid && desc_ready && !enable && !busy) fail("a packet started while ENABLE was clear");
      if (desc_valid && !enable && !busy) n_held_disabled++;
      // off at times in the first 2000 cycles (a hash of the cycle: the random stream stays
      // the same, and so does the rest of the run)
      enable <= idle > 0 || cycle >= 2000 || (cycle * 32'd2654435761) >> 25 >= 32'd19;

      // -------- this edge's transfers
      if (tbl_wr_en) begin
        if (exp_rec.size() == 0) begin
          fail("packet table write with no packet expected");
        end else begin
          ufo_pkg::pkt_rec_t e, g;
          int nb;
          e = exp_rec.pop_front();
          nb = exp_nbuf.pop_front();
          g = tbl_wr_rec;
          if (tbl_wr_tag !== TAG_W'(n_wr))
            fail($sformatf("packet %0d written at tag %0d", n_wr, tbl_wr_tag));
          if ((TAG_W+1)'(alloc_ptr - free_ptr) == (TAG_W+1)'(NUM_PKTS))
            fail($sformatf("packet %0d written with all %0d tags in use", n_wr, NUM_PKTS));
          if (g.status != ufo_pkg::ST_OK || e.status != ufo_pkg::ST_OK) begin
            // a broken chain: only which descriptors and why are defined
            g.num_bufs = '0;  g.total = '0;  e.num_bufs = '0;  e.total = '0;
            g.ufo = 1'b0;  g.csum = 1'b0;  g.vlan_ins = 1'b0;  g.ufo_size = '0;  g.vlan_tci = '0;
            g.csum_start = '0;  g.csum_offset = '0;  g.frag_id = '0;  g.head_len = '0;
            e.ufo = 1'b0;  e.csum = 1'b0;  e.vlan_ins = 1'b0;  e.ufo_size = '0;  e.vlan_tci = '0;
            e.csum_start = '0;  e.csum_offset = '0;  e.frag_id = '0;  e.head_len = '0;
          end
          if (g !== e)
            fail($sformatf("packet %0d: record index %0d count %0d status %0d bufs %0d total %0d head %0d, expected index %0d count %0d status %0d bufs %0d total %0d head %0d (or offload fields differ)",
                           n_wr, g.desc_index, g.desc_count, g.status, g.num_bufs, g.total, g.head_len,
                           e.desc_index, e.desc_count, e.status, e.num_bufs, e.total, e.head_len));
          for (int i = 0; i < nb; i++) committed.push_back(exp_bufs.pop_front());
        end
        n_counted += int'(tbl_wr_rec.desc_count);
        n_wr++;
      end
      if (desc_valid && desc_ready || tbl_wr_en || buf_pop) progress();
      if (desc_valid && desc_ready) begin
        void'(desc_q.pop_front());
        n_consumed++;
      end
      if (buf_pop) begin
        void'(committed.pop_front());
        n_pops++;
      end

      // -------- next cycle's inputs
      if (cycle % 1000 == 0) begin
        free_pct  = chance(1, 4) ? 0 : chance(1, 3) ? 100 : int'(rnd(100));
        pop_pct   = chance(1, 4) ? 0 : chance(1, 3) ? 100 : int'(rnd(100));
        valid_pct = chance(1, 3) ? 100 : 20 + int'(rnd(80));
      end
      while (n_desc_gen < N_DESC && desc_q.size() < 40) gen_chain();
      if (desc_valid && !desc_ready) begin
        // hold
      end else if (desc_q.size() != 0 && rnd(100) < valid_pct) begin
        desc_valid <= 1'b1;
        desc       <= desc_q[0];
      end else begin
        logic [1023:0] r;
        r = rnd_wide();
        desc_valid <= 1'b0;
        desc       <= r[$bits(desc)-1:0];
      end
      // the gather pops only a buffer it sees
      buf_pop <= committed.size() != 0 && rnd(100) < pop_pct;
      // tags released by the later stages
      if ((TAG_W+1)'(n_wr) != free_ptr && rnd(100) < free_pct) free_ptr <= free_ptr + 1'b1;

      // -------- the end
      if (n_desc_gen >= N_DESC && desc_q.size() == 0 && !desc_valid) begin
        idle++;
        free_pct = 100;
        pop_pct  = 100;
        if (idle > 50) begin
          // (a chain the last descriptors left open stays open: busy)
          if (exp_rec.size() != 0) fail($sformatf("%0d packet records never written", exp_rec.size()));
          if (committed.size() != 0) fail($sformatf("%0d committed buffers never shown", committed.size()));
          $display("  %0d descriptors, %0d packets: OK %0d, CHAIN_NO_SOP %0d, CHAIN_SOP_INSIDE %0d, CHAIN_NO_EOP %0d, DESC_FLAGS %0d, DESC_DMA %0d, LENGTH_ZERO %0d, LENGTH_MAX %0d; %0d buffers; tags full %0d cycles, buffer queue full %0d cycles",
                   n_consumed, n_wr, n_status[ufo_pkg::ST_OK], n_status[ufo_pkg::ST_CHAIN_NO_SOP],
                   n_status[ufo_pkg::ST_CHAIN_SOP_INSIDE], n_status[ufo_pkg::ST_CHAIN_NO_EOP],
                   n_status[ufo_pkg::ST_DESC_FLAGS], n_status[ufo_pkg::ST_DESC_DMA],
                   n_status[ufo_pkg::ST_LENGTH_ZERO], n_status[ufo_pkg::ST_LENGTH_MAX], n_pops,
                   n_tags_full, n_queue_full);
          $display("  DESC_TIMEOUT %0d; %0d cycles a first descriptor waited for ENABLE",
                   n_status[ufo_pkg::ST_DESC_TIMEOUT], n_held_disabled);
          if (n_status[ufo_pkg::ST_CHAIN_NO_SOP] < 10 || n_status[ufo_pkg::ST_CHAIN_SOP_INSIDE] < 10 ||
              n_status[ufo_pkg::ST_CHAIN_NO_EOP] < 5 || n_status[ufo_pkg::ST_DESC_FLAGS] < 10 ||
              n_status[ufo_pkg::ST_DESC_DMA] + n_status[ufo_pkg::ST_DESC_TIMEOUT] < 10 ||
              n_status[ufo_pkg::ST_DESC_TIMEOUT] == 0 || n_held_disabled < 10 ||
              n_status[ufo_pkg::ST_LENGTH_ZERO] < 10 ||
              n_status[ufo_pkg::ST_LENGTH_MAX] < 10 || n_tags_full < 100 || n_queue_full < 20)
            fail("scenario not covered");
          finish();
        end
      end
    end
  end
endmodule

`default_nettype wire
