// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_gather_data: the data side of the gather DMA. Takes read beats (r_ready is 1 except for
// the one cycle a broken packet's marker takes its turn, and while the USO boundary-sum unit
// catches up; markers wait for it too), keeps each beat's valid lanes as the
// request side announced them, packs them into the packet ring word by word from the packet's
// base (word aligned, right behind the previous packet) and, on the way:
//  - sums every 16-bit word of the frame (UDP checksum without a second pass) and the words
//    before csum_start (plain checksum offload);
//  - copies the first HDR_WORDS words of packets that need parsing into their header slot and
//    advances hdr_ptr when a packet's header window has landed (the parser may start);
//  - writes the packet's gather result when its last byte has landed; a packet with an error
//    beat gets dma_err, and dma_timeout too when a beat was one the read guard made up for a
//    read that never came back (r_tmo);
//  - hands every word of a USO packet to ufo_uso_bsum, which records the frame sum at each
//    segment boundary; r_ptr advances when that is done too (two cycles later for other packets).
`default_nettype none
`timescale 1ns / 1ps

module ufo_gather_data #(
    parameter int DATA_WIDTH         = 64,
    parameter int NUM_PKTS           = 32,
    parameter int RING_WORDS         = 16384,
    parameter int HDR_BYTES          = 128,
    parameter int NUM_HDR            = 8,
    parameter int OUTSTANDING_BURSTS = 32,
    parameter int BSUM_DEPTH         = 256,   // USO boundary-sum table entries
    localparam int KEEP_WIDTH = DATA_WIDTH / 8,
    localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH),
    localparam int HDR_WORDS  = (HDR_BYTES + KEEP_WIDTH - 1) / KEEP_WIDTH,
    localparam int HDR_WW     = $clog2(HDR_WORDS + 1),
    localparam int HW         = $clog2(NUM_HDR),
    localparam int TAG_W      = $clog2(NUM_PKTS),
    localparam int RWW        = $clog2(RING_WORDS),
    localparam int BSW        = $clog2(BSUM_DEPTH)
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    // bursts announced by the request side
    input  wire logic                  burst_push,
    input  wire ufo_pkg::gather_burst_t         burst_in,
    output      logic [$clog2(OUTSTANDING_BURSTS):0] burst_count,

    // AXI4 read data sub-port
    input  wire logic [DATA_WIDTH-1:0] r_data,
    input  wire logic [1:0]            r_resp,
    input  wire logic                  r_last,
    input  wire logic                  r_tmo,         // a made-up error beat: the read timed out
    input  wire logic                  r_valid,
    output      logic                  r_ready,
    output      logic                  r_beat,        // a beat of a burst was taken
    output      logic                  unsolicited,   // a beat arrived with no burst announced

    // packet table (read at the packet being written)
    output      logic [TAG_W-1:0]      tbl_rd_tag,
    input  wire ufo_pkg::pkt_rec_t              tbl_rd_rec,

    // packet ring write port
    output      logic                  ring_wr_en,
    output      logic [RWW-1:0]        ring_wr_addr,
    output      logic [DATA_WIDTH-1:0] ring_wr_data,

    // gather results and progress
    output      logic                  res_wr_en,
    output      logic [TAG_W-1:0]      res_wr_tag,
    output      ufo_pkg::gather_res_t           res_wr,
    output      logic [TAG_W:0]        hdr_ptr,       // packets whose header window landed
    output      logic [TAG_W:0]        r_ptr,         // packets wholly in the ring (and their
                                                      // USO boundary sums recorded)

    // USO boundary-sum table read port (fragmenter)
    input  wire logic [BSW-1:0]        bsum_rd_addr,
    output      logic [31:0]           bsum_rd_data,

    // header windows, read by the parser (registered read)
    input  wire logic [HW-1:0]         hdr_rd_slot,
    input  wire logic [HDR_WW-1:0]     hdr_rd_word,
    output      logic [DATA_WIDTH-1:0] hdr_rd_data
);
  // ---------------------------------------------------------------- burst FIFO, beat intake
  ufo_pkg::gather_burst_t head;
  logic          empty, pop;
  logic          bursts_full;   // never: the request side counts its bursts

  ufo_fifo #(.WIDTH($bits(head)), .DEPTH(OUTSTANDING_BURSTS)) u_bursts (
      .clk, .rst_n,
      .push(burst_push), .push_data(burst_in), .full(bursts_full),
      .pop, .head, .empty, .count(burst_count)
  );

  logic [8:0]           beat_q;
  logic [1:0]           err_q;        // {timeout, error} in the packet so far
  logic [1:0]           beat_err;
  logic                 first_beat, last_beat, take, marker_head, marker;
  logic [LOG2_KEEP-1:0] lo, hi;

  logic bsum_room;   // the boundary-sum unit can take the words of another beat
  // a marker pushes a token into the boundary-sum FIFO too, so it waits for room like a beat
  // (a run of broken packets behind a slow USO packet would otherwise overflow that FIFO)
  assign marker_head = !empty && head.marker;
  assign marker      = marker_head && bsum_room;
  assign r_ready     = !marker_head && bsum_room;
  assign take       = r_valid && r_ready && !empty;
  assign unsolicited = r_valid && r_ready && empty;
  assign r_beat     = take;
  assign first_beat = beat_q == '0;
  assign last_beat  = beat_q == head.beats - 9'd1;
  assign lo         = first_beat ? LOG2_KEEP'(head.first_lane) : '0;
  assign hi         = last_beat ? LOG2_KEEP'(head.last_lane) : LOG2_KEEP'(KEEP_WIDTH - 1);
  assign pop        = marker || (take && last_beat);
  assign beat_err   = err_q | {r_tmo, r_resp[1]};

  // stage 1: the registered beat
  logic                  s1_valid_q, s1_marker_q, s1_last_q;
  logic [1:0]            s1_err_q;
  logic [DATA_WIDTH-1:0] s1_data_q;
  logic [LOG2_KEEP-1:0]  s1_lo_q;
  logic [LOG2_KEEP:0]    s1_cnt_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      beat_q     <= '0;
      err_q      <= '0;
      s1_valid_q <= 1'b0;
    end else begin
      s1_valid_q <= take || marker;
      if (take) begin
        beat_q <= last_beat ? '0 : beat_q + 1'b1;
        err_q  <= (last_beat && head.pkt_last) ? '0 : beat_err;
      end
    end
  end

  always_ff @(posedge clk) begin
    s1_marker_q <= marker;
    s1_data_q   <= r_data;
    s1_lo_q     <= lo;
    s1_cnt_q    <= (LOG2_KEEP+1)'(hi - lo) + 1'b1;
    s1_last_q   <= marker || (last_beat && head.pkt_last);
    s1_err_q    <= beat_err;
  end

  // ---------------------------------------------------------------- stage 2: packing
  logic                  w_valid, w_marker, w_last;
  logic [1:0]            w_err;
  logic [DATA_WIDTH-1:0] w_data;

  ufo_gather_packer #(.DATA_WIDTH(DATA_WIDTH), .ERR_W(2)) u_packer (
      .clk, .rst_n,
      .in_valid(s1_valid_q), .in_marker(s1_marker_q), .in_data(s1_data_q), .in_lo(s1_lo_q),
      .in_cnt(s1_cnt_q), .in_last(s1_last_q), .in_err(s1_err_q),
      .out_valid(w_valid), .out_marker(w_marker), .out_data(w_data), .out_last(w_last),
      .out_err(w_err)
  );

  // ---------------------------------------------------------------- stage 3: ring writer
  localparam int SUM_W = 16 + $clog2(DATA_WIDTH / 16);

  ufo_pkg::pkt_rec_t          rec;
  logic [RWW:0]      wr_ptr_q, base_q;
  logic [13:0]       k_q;             // word of the packet being written
  logic [31:0]       sum_q, pre_q;
  logic [HW:0]       hdr_slot_q;      // header slots used so far (in packet order)
  logic [TAG_W:0]    hdr_ptr_q, r_ptr_q;

  assign tbl_rd_tag = r_ptr_q[TAG_W-1:0];
  assign rec        = tbl_rd_rec;

  logic need_hdr;
  assign need_hdr = rec.ufo || rec.uso || rec.vlan_ins;

  // the word whose landing completes the header window: min(HDR_WORDS, words in the frame) - 1
  logic [13:0] pkt_words, hdr_last_k;
  assign pkt_words  = 14'((32'(rec.total) + KEEP_WIDTH - 1) >> LOG2_KEEP);
  assign hdr_last_k = (pkt_words < 14'(HDR_WORDS) ? pkt_words : 14'(HDR_WORDS)) - 14'd1;

  // bytes of this word before csum_start
  logic [ufo_pkg::LEN_WIDTH+1:0] word_pos, pre_n;
  logic [DATA_WIDTH-1:0] pre_mask;
  assign word_pos = (ufo_pkg::LEN_WIDTH+2)'({k_q, {LOG2_KEEP{1'b0}}});
  always_comb begin
    if ((ufo_pkg::LEN_WIDTH+2)'(rec.csum_start) <= word_pos) pre_n = '0;
    else pre_n = (ufo_pkg::LEN_WIDTH+2)'(rec.csum_start) - word_pos;
    for (int p = 0; p < KEEP_WIDTH; p++) pre_mask[8*p +: 8] = (p < 32'(pre_n)) ? 8'hFF : 8'h00;
  end

  logic [SUM_W-1:0] word_sum, pre_sum;
  ufo_csum_beat #(.DATA_WIDTH(DATA_WIDTH)) u_sum (.data(w_data), .sum(word_sum));
  ufo_csum_beat #(.DATA_WIDTH(DATA_WIDTH)) u_pre (.data(w_data & pre_mask), .sum(pre_sum));

  logic         word, landed, done;
  logic [31:0]  sum_now, pre_now;
  logic [RWW:0] base_now;
  assign word     = w_valid && !w_marker;
  assign done     = w_valid && w_last;                     // word or marker ends the packet
  assign landed   = w_marker || (word && k_q == hdr_last_k);
  assign sum_now  = (k_q == '0 ? 32'd0 : sum_q) + 32'(word_sum);
  assign pre_now  = (k_q == '0 ? 32'd0 : pre_q) + 32'(pre_sum);
  assign base_now = (k_q == '0) ? wr_ptr_q : base_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_ptr_q   <= '0;
      k_q        <= '0;
      hdr_slot_q <= '0;
      hdr_ptr_q  <= '0;
      r_ptr_q    <= '0;
    end else begin
      if (word) wr_ptr_q <= wr_ptr_q + 1'b1;
      if (landed) begin
        hdr_ptr_q <= hdr_ptr_q + 1'b1;
        if (word && need_hdr) hdr_slot_q <= hdr_slot_q + 1'b1;
      end
      if (done) begin
        r_ptr_q <= r_ptr_q + 1'b1;
        k_q     <= '0;
      end else if (word) begin
        k_q <= k_q + 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (word) begin
      sum_q  <= sum_now;
      pre_q  <= pre_now;
      base_q <= base_now;
    end
  end

  assign ring_wr_en   = word;
  assign ring_wr_addr = wr_ptr_q[RWW-1:0];
  assign ring_wr_data = w_data;

  assign res_wr_en  = done;
  assign res_wr_tag = r_ptr_q[TAG_W-1:0];
  always_comb begin
    res_wr.base       = ufo_pkg::RING_AW'({base_now[RWW-1:0], {LOG2_KEEP{1'b0}}});
    res_wr.frame_sum  = w_marker ? 32'd0 : sum_now;
    res_wr.prefix_sum = w_marker ? 32'd0 : pre_now;
    res_wr.dma_err     = w_err[0];
    res_wr.dma_timeout = w_err[1];
  end
  assign hdr_ptr = hdr_ptr_q;

  // ---------------------------------------------------------------- USO boundary sums
  // every word of a good USO packet, and one token per packet end (markers included)
  logic uso_word;
  assign uso_word = word && rec.uso;

  ufo_uso_bsum #(.DATA_WIDTH(DATA_WIDTH), .NUM_PKTS(NUM_PKTS), .DEPTH(BSUM_DEPTH)) u_bsum (
      .clk, .rst_n,
      .in_push(uso_word || done), .in_word(uso_word), .in_last(done), .in_k(k_q),
      .in_data(w_data), .in_sum_before(k_q == '0 ? 32'd0 : sum_q), .in_sum_after(sum_now),
      .in_csum_start(rec.csum_start), .in_gso_size(rec.ufo_size), .in_total(rec.total),
      .in_bound(ufo_pkg::uso_bound(rec.total, rec.csum_start, rec.ufo_size)),
      .room(bsum_room),
      .rd_addr(bsum_rd_addr), .rd_data(bsum_rd_data),
      .done_ptr(r_ptr));

  // ---------------------------------------------------------------- header windows
  localparam int HDR_WORDS_P2 = 1 << $clog2(HDR_WORDS);
  localparam int HAW          = HW + $clog2(HDR_WORDS_P2);

  logic [DATA_WIDTH-1:0] hdr_mem [NUM_HDR * HDR_WORDS_P2];
  always_ff @(posedge clk) begin
    if (word && need_hdr && k_q < 14'(HDR_WORDS))
      hdr_mem[HAW'({hdr_slot_q[HW-1:0], k_q[$clog2(HDR_WORDS_P2)-1:0]})] <= w_data;
    hdr_rd_data <= hdr_mem[HAW'({hdr_rd_slot, hdr_rd_word[$clog2(HDR_WORDS_P2)-1:0]})];
  end

  logic unused;
  assign unused = ^{r_last, r_resp[0], rec, hdr_rd_word, bursts_full};

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (word && k_q == 14'h3FFF) $error("%m: packet longer than the word counter at %0t", $time);
      if (w_marker && k_q != '0) $error("%m: marker inside a packet at %0t", $time);
      if (done && !w_marker && k_q + 14'd1 != pkt_words)
        $error("%m: packet ended after %0d words, expected %0d at %0t", k_q + 14'd1, pkt_words, $time);
    end
  end
`endif
endmodule

`default_nettype wire
