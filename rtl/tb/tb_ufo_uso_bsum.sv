// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_uso_bsum: self-checking unit test of ufo_uso_bsum (USO boundary sums).
//   - stimulus: the gather's ring writer as the unit sees it: tokens (other packets) and USO
//     packets word by word (random bytes, the last word zero above the packet's end, running
//     sums before and after each word) with csum_start 14..100 (even), gso_size from 0 (refused)
//     and 1 (64 boundaries in a word at 512 bits) to 3000, totals that give one segment, an
//     empty payload, exact multiples and more segments than the bound; a push every cycle or
//     with gaps; after `room` falls, up to 6 more words (what the gather has in flight)
//   - reservation: a USO packet is pushed only when its region (ufo_pkg::uso_bound entries) is
//     free, as the gather request side does; regions are freed when the bench (playing the
//     fragmenter) has read them, so the table wraps
//   - model: boundaries b_j = csum_start + 8 + j * gso_size below the end and within the bound;
//     entry j = {fold(S(b_j)), fold(S(b_j+1))} (S(end) = frame sum for the last), one entry
//     {S(end), S(end)} without boundaries; every entry read back after done_ptr passes the packet
//   - timing: each entry takes max(1, boundaries in it) cycles, one more for a last word with a
//     boundary; the bench models the FIFO count from that and checks `room` every cycle, and that
//     done_ptr passes each packet in order, two cycles after its last entry's service ends.
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_uso_bsum #(
    parameter int DATA_WIDTH = 64,
    parameter int DEPTH      = 256,
    parameter int N_PKTS     = 600
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_uso_bsum";
  `include "tb_common.svh"

  localparam int KEEP_WIDTH = DATA_WIDTH / 8;
  localparam int NUM_PKTS   = 32;
  localparam int TAG_W      = $clog2(NUM_PKTS);
  localparam int BSW        = $clog2(DEPTH);
  localparam int FIFO_DEPTH = 16;
  localparam int IN_FLIGHT  = 6;
  localparam int MAX_TOTAL  = 9000;

  logic                  in_push = 1'b0, in_word = 1'b0, in_last = 1'b0;
  logic [13:0]           in_k = '0;
  logic [DATA_WIDTH-1:0] in_data = '0;
  logic [31:0]           in_sum_before = '0, in_sum_after = '0;
  logic [15:0]           in_csum_start = '0, in_gso_size = '0;
  logic [ufo_pkg::LEN_WIDTH-1:0] in_total = '0;
  logic [7:0]            in_bound = '0;
  logic                  room;
  logic [BSW-1:0]        rd_addr = '0;
  logic [31:0]           rd_data;
  logic [TAG_W:0]        done_ptr;

  ufo_uso_bsum #(.DATA_WIDTH(DATA_WIDTH), .NUM_PKTS(NUM_PKTS), .DEPTH(DEPTH), .FIFO_DEPTH(FIFO_DEPTH)) dut (
      .clk, .rst_n,
      .in_push, .in_word, .in_last, .in_k, .in_data, .in_sum_before, .in_sum_after,
      .in_csum_start, .in_gso_size, .in_total, .in_bound, .room,
      .rd_addr, .rd_data, .done_ptr);

  // ---------------------------------------------------------------- packets
  typedef struct packed {
    logic                  word;
    logic                  last;
    logic [13:0]           k;
    logic [DATA_WIDTH-1:0] data;
    logic [31:0]           sb, sa;
    logic [15:0]           cs, gso;
    logic [ufo_pkg::LEN_WIDTH-1:0] total;
    logic [7:0]            bound;
    logic [7:0]            cycles;   // service cycles in the unit
  } push_t;

  push_t pushq [$];
  int    pkt_uso [$];          // per packet generated: 1 USO, 0 token
  int    pkt_base [$], pkt_nent [$], pkt_bound [$];
  logic [31:0] exp_ent [$];    // expected entries of all USO packets, in order
  int    n_gen = 0, resv = 0, freed = 0, n_uso = 0, n_tiny = 0, n_over = 0, n_empty = 0, n_gso0 = 0;

  function automatic logic [15:0] fold(input logic [31:0] s);
    return ufo_pkg::csum_fold(s);
  endfunction

  int hold_cs = -1, hold_gso = 0, hold_total = 0;   // a packet waiting for table room

  function automatic void gen_packet();
    int total, cs, gso, p, words, bound, nb, j;
    logic [7:0] bytes [];
    logic [31:0] s_at [];     // S(b) for b = 0..total
    int b [$];
    b.delete();   // a function's queue keeps its contents between calls (tb/README.md)
    if (hold_cs < 0 && chance(1, 4)) begin   // another packet: its token only
      push_t t;
      t = '0;
      t.last = 1'b1;
      t.cycles = 8'd1;
      pushq.push_back(t);
      pkt_uso.push_back(0);
      pkt_base.push_back(0);
      pkt_nent.push_back(0);
      pkt_bound.push_back(0);
      n_gen++;
      return;
    end
    cs = 14 + 2 * int'(rnd(44));
    unique case (rnd(8))
      0:       gso = int'(rnd(4));                     // 0 (refused) .. 3
      1:       gso = 1 + int'(rnd(KEEP_WIDTH + 1));    // up to a word
      2:       gso = KEEP_WIDTH * (1 + int'(rnd(3)));  // word multiples
      default: gso = 1 + int'(rnd(3000));
    endcase
    if (n_uso % 25 == 7) gso = 0;   // refused: no boundaries, one entry
    p = cs + 8;
    unique case (rnd(6))
      0: total = p;                                                        // empty payload
      1: total = p + (gso == 0 ? 5 : gso * (1 + int'(rnd(4))));            // exact multiple
      2: begin                                                             // about 128 segments
        gso   = 1 + int'(rnd(60));
        total = p + (120 + int'(rnd(20))) * gso + int'(rnd(3));
      end
      default: total = p + int'(rnd(MAX_TOTAL - p));
    endcase
    if (total > MAX_TOTAL) total = MAX_TOTAL;
    if (hold_cs >= 0) begin
      cs    = hold_cs;
      gso   = hold_gso;
      total = hold_total;
      p     = cs + 8;
    end
    bound = int'(ufo_pkg::uso_bound(ufo_pkg::LEN_WIDTH'(total), 16'(cs), 16'(gso)));
    if (resv - freed + bound > DEPTH) begin   // no room yet: the same packet again later
      hold_cs    = cs;
      hold_gso   = gso;
      hold_total = total;
      return;
    end
    hold_cs = -1;
    words = (total + KEEP_WIDTH - 1) / KEEP_WIDTH;
    bytes = new[words * KEEP_WIDTH];
    foreach (bytes[i]) bytes[i] = (i < total) ? 8'(rnd(256)) : 8'h00;
    s_at = new[total + 1];
    s_at[0] = '0;
    for (int i = 0; i < total; i++) s_at[i + 1] = s_at[i] + ((i % 2 == 0) ? {16'h0, bytes[i], 8'h00} : {24'h0, bytes[i]});
    // boundaries
    nb = p;
    while (gso != 0 && nb < total && b.size() < bound) begin
      b.push_back(nb);
      nb += gso;
    end
    if (gso == 0) n_gso0++;
    if (gso != 0 && gso < KEEP_WIDTH) n_tiny++;
    if (total == p) n_empty++;
    if (gso != 0 && (total - p + gso - 1) / gso > bound) n_over++;
    pkt_uso.push_back(1);
    pkt_base.push_back(resv);
    pkt_bound.push_back(bound);
    pkt_nent.push_back(b.size() == 0 ? 1 : b.size());
    if (b.size() == 0) exp_ent.push_back({fold(s_at[total]), fold(s_at[total])});
    for (int i = 0; i < b.size(); i++)
      exp_ent.push_back({fold(s_at[b[i]]), fold(i + 1 < b.size() ? s_at[b[i + 1]] : s_at[total])});
    resv += bound;
    n_uso++;
    n_gen++;
    // the words, with their service cycles
    j = 0;
    for (int k = 0; k < words; k++) begin
      push_t w;
      int hits;
      hits = 0;
      while (j < b.size() && b[j] < (k + 1) * KEEP_WIDTH) begin
        hits++;
        j++;
      end
      w.word  = 1'b1;
      w.last  = k == words - 1;
      w.k     = 14'(k);
      for (int i = 0; i < KEEP_WIDTH; i++) w.data[8*i +: 8] = bytes[k * KEEP_WIDTH + i];
      w.sb    = s_at[k * KEEP_WIDTH];
      w.sa    = s_at[(k + 1) * KEEP_WIDTH < total ? (k + 1) * KEEP_WIDTH : total];
      w.cs    = 16'(cs);
      w.gso   = 16'(gso);
      w.total = ufo_pkg::LEN_WIDTH'(total);
      w.bound = 8'(bound);
      w.cycles = 8'((hits == 0 ? 1 : hits) + ((w.last && hits != 0) ? 1 : 0));
      pushq.push_back(w);
    end
  endfunction

  // ---------------------------------------------------------------- unit model and checks
  int unsigned svc [$];      // service cycles left of the entries in the unit's FIFO (head first)
  logic        svc_last [$];
  int          fin_at [$];   // cycles at which a packet's last entry finished service
  int          n_fin = 0, late = 0, gap_pct = 0, n_room_low = 0, n_pushed_pkts = 0;
  int          rd_pkt = 0, rd_ent = 0, rd_cursor = 0;   // reading: packet, entry within it
  int          rd_exp_idx = 0;                          // index into exp_ent of the next entry
  logic        rd_v1 = 1'b0, rd_v2 = 1'b0;
  logic [31:0] rd_e1, rd_e2;
  int          n_reads = 0;

  always @(posedge clk) begin
    if (rst_n) begin
      // ---- this cycle's outputs against the model
      if (room !== (svc.size() <= FIFO_DEPTH - IN_FLIGHT - 2))
        fail($sformatf("room %b with %0d entries in the unit", room, svc.size()));
      if (!room) n_room_low++;

      // done_ptr passes a packet two cycles after the cycle its last entry finished
      while (fin_at.size() != 0 && fin_at[0] + 2 <= int'(cycle)) begin
        void'(fin_at.pop_front());
        n_fin++;
      end
      if (done_ptr !== (TAG_W+1)'(n_fin)) fail($sformatf("done_ptr %0d, expected %0d", done_ptr, n_fin));
      if (rd_v2 && rd_data !== rd_e2) fail($sformatf("table entry: %h, expected %h", rd_data, rd_e2));
      if (rd_v2) n_reads++;

      // ---- the unit's service this cycle (the entry pushed at this edge arrives after it)
      if (svc.size() != 0) begin
        svc[0]--;
        if (svc[0] == 0) begin
          if (svc_last[0]) fin_at.push_back(int'(cycle));
          void'(svc.pop_front());
          void'(svc_last.pop_front());
          progress();
        end
      end
      if (in_push) begin
        svc.push_back(int'(pushq[0].cycles));
        svc_last.push_back(pushq[0].last);
        if (pushq[0].last) n_pushed_pkts++;
        void'(pushq.pop_front());
        if (!room) late++;
      end
      if (room) late = 0;

      // ---- the next push
      while (pushq.size() < 4 && n_gen < N_PKTS && n_gen - n_fin < NUM_PKTS - 2) begin
        int gen_before;
        gen_before = n_gen;
        gen_packet();
        if (n_gen == gen_before) break;   // no table room yet
      end
      if (cycle % 4000 == 0) gap_pct = chance(1, 2) ? 0 : int'(rnd(60));
      in_push <= 1'b0;
      if (pushq.size() != 0 && (room || late < IN_FLIGHT) &&
          rnd(100) >= gap_pct) begin
        in_push       <= 1'b1;
        in_word       <= pushq[0].word;
        in_last       <= pushq[0].last;
        in_k          <= pushq[0].k;
        in_data       <= pushq[0].data;
        in_sum_before <= pushq[0].sb;
        in_sum_after  <= pushq[0].sa;
        in_csum_start <= pushq[0].cs;
        in_gso_size   <= pushq[0].gso;
        in_total      <= pushq[0].total;
        in_bound      <= pushq[0].bound;
      end

      // ---- the fragmenter: read finished packets' entries, free their regions
      rd_v2 <= rd_v1;
      rd_e2 <= rd_e1;
      rd_v1 <= 1'b0;
      while (rd_pkt < n_fin && pkt_uso[rd_pkt] == 0) rd_pkt++;   // tokens: nothing to read
      if (rd_pkt < n_fin && chance(3, 4)) begin
        rd_addr <= BSW'(pkt_base[rd_pkt] + rd_ent);
        rd_v1   <= 1'b1;
        rd_e1   <= exp_ent[rd_exp_idx];
        rd_exp_idx++;
        rd_ent++;
        if (rd_ent == pkt_nent[rd_pkt]) begin
          freed += pkt_bound[rd_pkt];
          rd_ent = 0;
          rd_pkt++;
        end
      end

      // ---- the end
      if (n_gen >= N_PKTS && pushq.size() == 0 && svc.size() == 0 && fin_at.size() == 0 &&
          rd_pkt >= n_gen && !rd_v1 && !rd_v2 && !in_push) begin
        $display("  %0d packets (%0d USO: %0d gso < word, %0d gso 0, %0d empty, %0d over the bound), %0d entries read, room low %0d cycles",
                 n_gen, n_uso, n_tiny, n_gso0, n_empty, n_over, n_reads, n_room_low);
        if (n_tiny < 10 || n_gso0 < 1 || n_empty < 3 || n_over < 3 || n_room_low < 10 || resv < 4 * DEPTH)
          fail("scenario not covered (tiny, zero and oversized gso, empty payload, room low, table wrap)");
        finish();
      end
    end
  end
endmodule
