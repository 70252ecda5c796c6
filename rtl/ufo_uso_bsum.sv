// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_uso_bsum: boundary sums for USO. Each USO segment needs the sum of its own payload for
// its UDP checksum before its header leaves, and the payload is read from the ring only once,
// as the segment goes out. So the gather records, as the packet's words land in the ring, the
// running 16-bit word sum of the frame at every segment boundary b_j = payload start + j *
// gso_size: S(b) = sum of the bytes [0, b) in frame alignment (ring words are aligned to frame
// byte 0, so a mask of the lanes below b gives the partial word). Segment j's payload sum is
// S(b_j+1) - S(b_j) (S(total) = the frame sum for the last one), byte-swapped by the
// fragmenter when b_j is odd (RFC 1071 2(B)).
//
// The gather's ring writer pushes every word of a USO packet (with the running sums before and
// after it and the packet's geometry) and one token per other packet into a small FIFO; this
// unit takes one entry per cycle and stays on a word for one more cycle per further boundary in
// it (only when gso_size < DATA_WIDTH/8: tiny segments), so words with at most one boundary
// pass at full rate. Its `room` output holds the R channel back before the FIFO can overflow
// (never while every word has at most one boundary).
//
// Results go into the boundary-sum table, one 32-bit entry per segment {fold(S(b_j)),
// fold(S(b_j+1))}, in a region of ufo_pkg::uso_bound entries per USO packet, allocated in
// packet order (the gather request side reserved it before the packet's reads went out; the
// fragmenter reads it by address and releases it). done_ptr counts the packets whose entries
// are all written: the fragmenter waits for it (it is the gather's r_ptr as the rest of the
// engine sees it).
`default_nettype none
`timescale 1ns / 1ps

module ufo_uso_bsum #(
    parameter int DATA_WIDTH = 64,
    parameter int NUM_PKTS   = 32,
    parameter int DEPTH      = 256,   // boundary-sum table entries (power of two)
    parameter int FIFO_DEPTH = 16,    // words between the ring writer and this unit
    localparam int KEEP_WIDTH = DATA_WIDTH / 8,
    localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH),
    localparam int BSW        = $clog2(DEPTH),
    localparam int TAG_W      = $clog2(NUM_PKTS)
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    // from the gather's ring writer: one entry per USO word and per packet end
    input  wire logic                  in_push,
    input  wire logic                  in_word,        // a word of a USO packet
    input  wire logic                  in_last,        // the packet ends with this entry
    input  wire logic [13:0]           in_k,           // word index in the packet
    input  wire logic [DATA_WIDTH-1:0] in_data,
    input  wire logic [31:0]           in_sum_before,  // frame sum of the words before it
    input  wire logic [31:0]           in_sum_after,   // ... and including it
    input  wire logic [15:0]           in_csum_start,  // the packet's UDP header offset
    input  wire logic [15:0]           in_gso_size,
    input  wire logic [ufo_pkg::LEN_WIDTH-1:0] in_total,
    input  wire logic [7:0]            in_bound,       // entries reserved for the packet
    output      logic                  room,           // the writer may take another R beat

    // boundary-sum table read port (data one cycle after the address)
    input  wire logic [BSW-1:0]        rd_addr,
    output      logic [31:0]           rd_data,

    output      logic [TAG_W:0]        done_ptr        // packets whose sums are all written
);
  localparam int POS_W = ufo_pkg::LEN_WIDTH + 1;   // boundary positions up to total + gso_size
  // Words that can still arrive after `room` falls: the one at the writer, the packer's spill,
  // a registered beat and the beat taken in the same cycle (up to two words each).
  localparam int IN_FLIGHT = 6;

  if (FIFO_DEPTH < 2 * IN_FLIGHT || (FIFO_DEPTH & (FIFO_DEPTH - 1)) != 0) begin : g_bad_fifo
    $fatal(1, "ufo_uso_bsum: FIFO_DEPTH must be a power of two >= 12");
  end

  typedef struct packed {
    logic                          word;
    logic                          last;
    logic [13:0]                   k;
    logic [15:0]                   csum_start;
    logic [15:0]                   gso_size;
    logic [ufo_pkg::LEN_WIDTH-1:0] total;
    logic [7:0]                    bound;
    logic [31:0]                   sum_before;
    logic [31:0]                   sum_after;
    logic [DATA_WIDTH-1:0]         data;
  } entry_t;

  entry_t in_entry, h;
  logic   empty, full, pop;
  logic [$clog2(FIFO_DEPTH):0] count;
  always_comb begin
    in_entry.word       = in_word;
    in_entry.last       = in_last;
    in_entry.k          = in_k;
    in_entry.csum_start = in_csum_start;
    in_entry.gso_size   = in_gso_size;
    in_entry.total      = in_total;
    in_entry.bound      = in_bound;
    in_entry.sum_before = in_sum_before;
    in_entry.sum_after  = in_sum_after;
    in_entry.data       = in_data;
  end

  ufo_fifo #(.WIDTH($bits(in_entry)), .DEPTH(FIFO_DEPTH)) u_words (
      .clk, .rst_n,
      .push(in_push), .push_data(in_entry), .full,
      .pop, .head(h), .empty, .count);

  assign room = 32'(count) <= FIFO_DEPTH - IN_FLIGHT - 2;

  // ---------------------------------------------------------------- boundary walk
  logic             started_q;     // the head packet has had a boundary (nb_q, j_q valid)
  logic [POS_W-1:0] nb_q;          // next boundary, frame byte position
  logic [7:0]       j_q;           // boundaries recorded in the packet
  logic [31:0]      prev_q;        // S at the last boundary
  logic [BSW:0]     base_q;        // region of the head packet

  logic [POS_W-1:0] nb, nxt;
  logic [7:0]       jj;
  logic             live, hit, nxt_hit, fin;
  assign nb   = started_q ? nb_q : POS_W'(h.csum_start) + POS_W'(ufo_pkg::UDP_HDR_LEN);
  assign jj   = started_q ? j_q : 8'd0;
  assign nxt  = nb + POS_W'(h.gso_size);
  assign live = !empty && h.word && h.gso_size != '0;
  // a boundary in this word (and before the end, within the reservation)
  assign hit     = live && jj < h.bound && nb < POS_W'(h.total) &&
                   nb[POS_W-1:LOG2_KEEP] == (POS_W-LOG2_KEEP)'(h.k);
  assign nxt_hit = nxt < POS_W'(h.total) && nxt[POS_W-1:LOG2_KEEP] == (POS_W-LOG2_KEEP)'(h.k) &&
                   jj + 8'd1 < h.bound;
  // the packet's last entry, once its boundaries are done: the last segment's sums
  assign fin  = !empty && !hit && h.last;
  // stay on a word while it holds another boundary; the last word stays for its final entry
  assign pop  = !empty && !(hit && (h.last || nxt_hit));

  // S at the boundary: the words before this one plus the lanes of this one below it
  localparam int SUM_W = 16 + $clog2(DATA_WIDTH / 16);
  logic [DATA_WIDTH-1:0] below;
  logic [SUM_W-1:0]      part;
  logic [31:0]           s_at;
  always_comb begin
    for (int p = 0; p < KEEP_WIDTH; p++)
      below[8*p +: 8] = (p < 32'(nb[LOG2_KEEP-1:0])) ? 8'hFF : 8'h00;
  end
  ufo_csum_beat #(.DATA_WIDTH(DATA_WIDTH)) u_part (.data(h.data & below), .sum(part));
  assign s_at = h.sum_before + 32'(part);

  // registered table write, then done_ptr on the edge the write lands
  logic           wr_en_q, fin_q;
  logic [BSW-1:0] wr_addr_q;
  logic [31:0]    wr_a_q, wr_b_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      started_q <= 1'b0;
      base_q    <= '0;
      wr_en_q   <= 1'b0;
      fin_q     <= 1'b0;
      done_ptr  <= '0;
    end else begin
      wr_en_q <= (hit && jj != 8'd0) || (fin && h.word);
      fin_q   <= fin;
      if (fin_q) done_ptr <= done_ptr + 1'b1;
      if (hit) started_q <= 1'b1;
      if (fin) begin
        started_q <= 1'b0;
        if (h.word) base_q <= base_q + (BSW+1)'(h.bound);
      end
    end
  end

  always_ff @(posedge clk) begin
    if (hit) begin
      nb_q   <= nxt;
      j_q    <= jj + 8'd1;
      prev_q <= s_at;
    end
    // segment jj-1 ends at this boundary; at the end, the last segment ends at the frame end
    wr_addr_q <= BSW'(base_q) + BSW'(jj == 8'd0 ? 8'd0 : jj - 8'd1);
    wr_a_q    <= (fin && jj == 8'd0) ? h.sum_after : prev_q;
    wr_b_q    <= hit ? s_at : h.sum_after;
  end

  logic [31:0] mem [DEPTH];
  always_ff @(posedge clk) begin
    if (wr_en_q) mem[wr_addr_q] <= {ufo_pkg::csum_fold(wr_a_q), ufo_pkg::csum_fold(wr_b_q)};
    rd_data <= mem[rd_addr];
  end

  logic unused;
  assign unused = full;

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (in_push && full) $error("%m: word FIFO overflow (room ignored) at %0t", $time);
      if (hit && !h.word) $error("%m: boundary in a token at %0t", $time);
      if (fin && h.word && jj > h.bound) $error("%m: more segments than reserved at %0t", $time);
    end
  end
`endif
endmodule

`default_nettype wire
