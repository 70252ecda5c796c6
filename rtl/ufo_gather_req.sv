// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_gather_req: the request side of the gather DMA. Walks the packet table in order from
// ar_ptr and, for each packet, its buffers from the buffer queue; splits each buffer into INCR
// bursts (at most MAX_BURST beats, never across 4 KiB) and issues them back to back, packet
// after packet, with no idle cycle between buffers or packets. Before a burst is issued it
// reserves
//  - ring space for the words the burst can produce (free_word_ptr says what the frame reader
//    has released), so the data side never has to refuse a beat;
//  - a slot in the outstanding-beat budget (OUTSTANDING_BEATS) and the burst FIFO
//    (OUTSTANDING_BURSTS), both top-level parameters sized from the latency to hide;
//  - for packets whose header the parser needs (UFO, USO, VLAN insertion), a header-window slot;
//  - for a USO packet, its entries in the boundary-sum table (ufo_pkg::uso_bound of them), so
//    that the data side never has to refuse a beat for want of room to record segment sums.
// Each burst's lane geometry goes to ufo_gather_data through the burst FIFO; a packet without
// reads (broken chain) sends a marker so the data side keeps packet order.
`default_nettype none
`timescale 1ns / 1ps

module ufo_gather_req #(
    parameter int DATA_WIDTH         = 64,
    parameter int ADDR_WIDTH         = 64,
    parameter int NUM_PKTS           = 32,
    parameter int RING_WORDS         = 16384,  // packet ring words (power of two)
    parameter int NUM_HDR            = 8,      // header-window slots
    parameter int MAX_BURST          = 16,     // beats per burst
    parameter int OUTSTANDING_BEATS  = 512,    // read beats requested, not yet received
    parameter int OUTSTANDING_BURSTS = 32,     // bursts requested, not yet received (power of 2)
    parameter int BSUM_DEPTH         = 256,    // USO boundary-sum table entries (power of 2)
    localparam int BSW    = $clog2(BSUM_DEPTH),
    localparam int TAG_W  = $clog2(NUM_PKTS),
    localparam int RWW    = $clog2(RING_WORDS)
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    // packet table (read at ar_ptr) and the assembly pointer
    input  wire logic [TAG_W:0]        alloc_ptr,
    output      logic [TAG_W-1:0]      tbl_rd_tag,
    input  wire ufo_pkg::pkt_rec_t              tbl_rd_rec,

    // buffer queue
    input  wire logic                  buf_valid,
    output      logic                  buf_pop,
    input  wire ufo_pkg::gather_buf_t           buf_head,

    // resources
    input  wire logic [RWW:0]          free_word_ptr,   // ring words below this are free
    input  wire logic [$clog2(NUM_HDR):0] hdr_free_ptr, // header slots released by the parser
    input  wire logic                  r_beat,          // the data side took a read beat
    input  wire logic [BSW:0]          bsum_free_ptr,   // boundary-sum entries released

    // AXI4 read sub-port
    output      logic [ADDR_WIDTH-1:0] ar_addr,
    output      logic [7:0]            ar_len,
    output      logic                  ar_valid,
    input  wire logic                  ar_ready,

    // bursts to the data side
    output      logic                  burst_push,
    output      ufo_pkg::gather_burst_t         burst,
    input  wire logic [$clog2(OUTSTANDING_BURSTS):0] burst_count
);
  localparam int KEEP_WIDTH = DATA_WIDTH / 8;
  localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH);
  localparam int OUT_W      = $clog2(OUTSTANDING_BEATS + MAX_BURST + 1);
  localparam int HW         = $clog2(NUM_HDR);

  if (MAX_BURST < 1 || MAX_BURST > 256 || MAX_BURST * KEEP_WIDTH > ufo_pkg::AXI_4K) begin : g_bad_burst
    $fatal(1, "ufo_gather_req: MAX_BURST must be 1..256 and a burst at most 4 KiB");
  end
  if (BSUM_DEPTH < ufo_pkg::USO_MAX_SEGS || (BSUM_DEPTH & (BSUM_DEPTH - 1)) != 0) begin : g_bad_bsum
    $fatal(1, "ufo_gather_req: BSUM_DEPTH must be a power of two >= 128 (one USO packet's bound)");
  end
  if (OUTSTANDING_BEATS < MAX_BURST) begin : g_bad_out
    $fatal(1, "ufo_gather_req: OUTSTANDING_BEATS must be at least MAX_BURST");
  end

  // ---------------------------------------------------------------- packet state
  logic [TAG_W:0]       ar_ptr_q;
  logic                 active_q;      // a packet's buffers are being issued
  logic [5:0]           bufs_left_q;   // buffers of the active packet not yet finished
  logic                 in_buf_q;      // the cursor below holds a partly issued buffer
  logic [63:0]          cur_q;         // next beat address of that buffer
  logic [13:0]          beats_left_q;
  logic [5:0]           last_lane_q;
  logic [RWW:0]         base_q;        // ring word where the next packet starts
  logic [RWW:0]         resv_q;        // ring words reserved (>= words written)
  logic [OUT_W-1:0]     outstanding_q;
  logic [HW:0]          hdr_alloc_q;
  logic [BSW:0]         bsum_resv_q;   // boundary-sum entries reserved (free-running)

  ufo_pkg::pkt_rec_t pkt;
  assign tbl_rd_tag = ar_ptr_q[TAG_W-1:0];
  assign pkt        = tbl_rd_rec;

  logic pkt_avail, need_hdr, hdr_ok, bsum_ok, starting, act;
  logic [7:0] bsum_need;
  assign pkt_avail = ar_ptr_q != alloc_ptr;
  assign need_hdr  = pkt.ufo || pkt.uso || pkt.vlan_ins;
  assign hdr_ok    = !need_hdr || (HW+1)'(hdr_alloc_q - hdr_free_ptr) < (HW+1)'(NUM_HDR);
  assign bsum_need = pkt.uso ? ufo_pkg::uso_bound(pkt.total, pkt.csum_start, pkt.ufo_size) : 8'd0;
  assign bsum_ok   = 32'((BSW+1)'(bsum_resv_q - bsum_free_ptr)) + 32'(bsum_need) <= BSUM_DEPTH;
  assign starting  = !active_q && pkt_avail && pkt.status == ufo_pkg::ST_OK && hdr_ok && bsum_ok;
  assign act       = active_q || starting;

  // ---------------------------------------------------------------- the next burst
  logic [63:0]  src_addr;
  logic [13:0]  src_left;
  logic [5:0]   src_last_lane;
  logic [5:0]   bufs_left;
  logic [12:0]  to_4k;
  logic [8:0]   n_beats;
  logic         buf_done, pkt_done, src_ok, room_ok, out_ok, plan_ok, ar_free;

  assign src_addr      = in_buf_q ? cur_q        : buf_head.first_beat;
  assign src_left      = in_buf_q ? beats_left_q : buf_head.beats;
  assign src_last_lane = in_buf_q ? last_lane_q  : buf_head.last_lane;
  assign bufs_left     = active_q ? bufs_left_q  : pkt.num_bufs;
  assign src_ok        = in_buf_q || buf_valid;
  assign to_4k         = (13'(ufo_pkg::AXI_4K) - {1'b0, src_addr[11:0]}) >> LOG2_KEEP;

  always_comb begin
    n_beats = 9'(MAX_BURST);
    if (src_left < 14'(n_beats)) n_beats = 9'(src_left);
    if (to_4k < 13'(n_beats))    n_beats = 9'(to_4k);
  end

  assign buf_done = 14'(n_beats) == src_left;
  assign pkt_done = buf_done && bufs_left == 6'd1;
  assign room_ok  = (RWW+1)'(resv_q + (RWW+1)'(n_beats) - free_word_ptr) <= (RWW+1)'(RING_WORDS);
  assign out_ok   = 32'(outstanding_q) + 32'(n_beats) <= OUTSTANDING_BEATS;
  assign plan_ok  = 32'(burst_count) < OUTSTANDING_BURSTS;
  assign ar_free  = !ar_valid || ar_ready;

  logic issue, marker;
  assign issue  = act && src_ok && room_ok && out_ok && plan_ok && ar_free;
  // a broken packet: no reads, only a marker so the data side sees its turn
  assign marker = !active_q && pkt_avail && pkt.status != ufo_pkg::ST_OK && plan_ok;

  assign buf_pop = issue && !in_buf_q;

  always_comb begin
    burst            = '0;
    burst.marker     = marker;
    burst.pkt_last   = marker || pkt_done;
    burst.beats      = marker ? 9'd0 : n_beats;
    burst.first_lane = in_buf_q ? 6'd0 : buf_head.first_lane;
    burst.last_lane  = buf_done ? src_last_lane : 6'(KEEP_WIDTH - 1);
  end
  assign burst_push = issue || marker;

  // words the packet occupies in the ring
  logic [RWW:0] pkt_words;
  assign pkt_words = (RWW+1)'((32'(pkt.total) + KEEP_WIDTH - 1) >> LOG2_KEEP);

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      ar_ptr_q      <= '0;
      active_q      <= 1'b0;
      in_buf_q      <= 1'b0;
      base_q        <= '0;
      resv_q        <= '0;
      outstanding_q <= '0;
      hdr_alloc_q   <= '0;
      bsum_resv_q   <= '0;
      ar_valid      <= 1'b0;
    end else begin
      outstanding_q <= outstanding_q + (issue ? OUT_W'(n_beats) : '0) - OUT_W'(r_beat);
      if (starting && issue && need_hdr) hdr_alloc_q <= hdr_alloc_q + 1'b1;
      if (starting && issue) bsum_resv_q <= bsum_resv_q + (BSW+1)'(bsum_need);
      if (marker) ar_ptr_q <= ar_ptr_q + 1'b1;
      if (issue) begin
        ar_valid <= 1'b1;
        if (pkt_done) begin
          active_q <= 1'b0;
          in_buf_q <= 1'b0;
          ar_ptr_q <= ar_ptr_q + 1'b1;
          base_q   <= base_q + pkt_words;
          resv_q   <= base_q + pkt_words;
        end else begin
          active_q    <= 1'b1;
          bufs_left_q <= buf_done ? bufs_left - 6'd1 : bufs_left;
          in_buf_q    <= !buf_done;
          resv_q      <= resv_q + (RWW+1)'(n_beats);
        end
      end else if (ar_ready) begin
        ar_valid <= 1'b0;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (issue) begin
      ar_addr      <= ADDR_WIDTH'(src_addr);
      ar_len       <= 8'(n_beats - 9'd1);
      cur_q        <= src_addr + 64'({n_beats, {LOG2_KEEP{1'b0}}});
      beats_left_q <= src_left - 14'(n_beats);
      last_lane_q  <= src_last_lane;
    end
  end

  logic unused;
  assign unused = ^{pkt.desc_index, pkt.desc_count, pkt.csum, pkt.vlan_tci,
                    pkt.csum_offset, pkt.frag_id, pkt.head_len};

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (r_beat && outstanding_q == '0 && !issue)
        $error("%m: read beat with none outstanding at %0t", $time);
      if ((RWW+1)'(resv_q - free_word_ptr) > (RWW+1)'(RING_WORDS)) $error("%m: ring over-reserved at %0t", $time);
      if ((BSW+1)'(bsum_resv_q - bsum_free_ptr) > (BSW+1)'(BSUM_DEPTH))
        $error("%m: boundary-sum table over-reserved at %0t", $time);
      if (starting && pkt.num_bufs == '0) $error("%m: good packet without buffers at %0t", $time);
    end
  end
  ufo_vr_check #(.WIDTH(ADDR_WIDTH + 8)) u_chk_ar (
      .clk, .rst_n, .valid(ar_valid), .ready(ar_ready), .payload({ar_addr, ar_len}));
`endif
endmodule

`default_nettype wire
