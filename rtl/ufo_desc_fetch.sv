// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_desc_fetch: descriptor prefetch. Reads blocks of up to MAX_BLOCK consecutive descriptors
// per AXI burst between the fetch index and TX_TAIL, up to MAX_READS bursts outstanding, into a
// DEPTH-entry FIFO. Space for every descriptor is reserved before its read is issued, so read
// data is never back-pressured (r_ready is constant 1). A block never crosses the ring's end or
// a 4 KiB boundary. At DATA_WIDTH 512 a beat carries two descriptors and the FIFO takes both in
// one cycle (two banks by index parity).
// A beat flagged r_tmo (made up by the read guard for a read that never came back, with an
// error response) gives descriptors with err and timeout set. ring_reset (only while quiesced:
// nothing outstanding) sets the fetch index back to 0 and empties the FIFO.
`default_nettype none
`timescale 1ns / 1ps

module ufo_desc_fetch #(
    parameter int DATA_WIDTH = 64,   // 64, 128, 256 or 512
    parameter int ADDR_WIDTH = 64,
    parameter int DEPTH      = 32,   // descriptor FIFO entries (power of two)
    parameter int MAX_BLOCK  = 8,    // descriptors per read burst
    parameter int MAX_READS  = 4,    // read bursts outstanding (power of two)
    parameter int MAX_BURST  = 16    // beats per AXI burst the interconnect accepts
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    input  wire logic                  enable,        // issue reads only while set
    input  wire logic [ADDR_WIDTH-1:0] tx_ring_base,  // bits [4:0] ignored
    input  wire logic [3:0]            ring_log2,     // 2^ring_log2 descriptors
    input  wire logic [15:0]           tx_tail,       // producer index
    input  wire logic                  ring_reset,    // pulse: indices to 0, FIFO emptied

    // AXI4 read sub-port (ID, size, burst type added by the read mux)
    output      logic [ADDR_WIDTH-1:0] ar_addr,
    output      logic [7:0]            ar_len,
    output      logic                  ar_valid,
    input  wire logic                  ar_ready,
    input  wire logic [DATA_WIDTH-1:0] r_data,
    input  wire logic [1:0]            r_resp,
    input  wire logic                  r_last,
    input  wire logic                  r_tmo,         // a made-up beat: the read timed out
    input  wire logic                  r_valid,
    output      logic                  r_ready,

    // descriptors in ring order
    output      logic                  desc_valid,
    input  wire logic                  desc_ready,
    output      ufo_pkg::desc_item_t            desc,

    output      logic                  unsolicited    // pulse: an R beat arrived with no read
);
  localparam int DESC_BITS = 8 * ufo_pkg::DESC_BYTES;
  localparam int BPD       = (DATA_WIDTH >= DESC_BITS) ? 1 : DESC_BITS / DATA_WIDTH;  // beats/desc
  localparam int DPB       = (DATA_WIDTH > DESC_BITS) ? DATA_WIDTH / DESC_BITS : 1;   // descs/beat
  localparam int PTR_W     = $clog2(DEPTH);
  // descriptors per burst: MAX_BLOCK, or fewer if that many would not fit in MAX_BURST beats
  // (at 512 bits a block may start on the upper half of a beat)
  localparam int BURST_FIT = (DPB > 1) ? 2 * MAX_BURST - 1 : MAX_BURST / BPD;
  localparam int BLOCK     = (MAX_BLOCK < BURST_FIT) ? MAX_BLOCK : BURST_FIT;
  if (BLOCK < 1) begin : g_bad_burst
    $fatal(1, "ufo_desc_fetch: MAX_BURST must cover one descriptor (256 / DATA_WIDTH beats)");
  end
  localparam int BLK_W     = $clog2(BLOCK + 1);
  localparam int BURST_BEAT_W = $clog2(BLOCK * BPD + 1);

  if (DATA_WIDTH != 64 && DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin : g_bad_w
    $fatal(1, "ufo_desc_fetch: DATA_WIDTH must be 64, 128, 256 or 512");
  end
  if (DEPTH < 4 || (DEPTH & (DEPTH - 1)) != 0 || DEPTH > 1024) begin : g_bad_depth
    $fatal(1, "ufo_desc_fetch: DEPTH must be a power of two in 4..1024");
  end
  if (MAX_BLOCK < 1 || MAX_BLOCK > DEPTH || MAX_BLOCK * ufo_pkg::DESC_BYTES > ufo_pkg::AXI_4K) begin : g_bad_blk
    $fatal(1, "ufo_desc_fetch: MAX_BLOCK must be 1..DEPTH");
  end

  // ---------------------------------------------------------------- issue
  typedef struct packed {
    logic [BLK_W-1:0] count;       // descriptors in the burst
    logic             odd_first;   // DATA_WIDTH 512: the first descriptor is the beat's upper half
  } read_info_t;

  logic [15:0]           fetch_idx_q, pop_idx_q;
  logic                  arvalid_q;
  logic [ADDR_WIDTH-1:0] araddr_q;
  logic [7:0]            arlen_q;

  logic [15:0]           reserved, ring_size, slot, to_tail, to_ring_end, to_4k, room;
  logic [ADDR_WIDTH-1:0] desc_addr;
  logic [BLK_W-1:0]      block;
  logic                  issue, info_full;
  logic [BURST_BEAT_W-1:0]     block_beats;

  assign reserved    = fetch_idx_q - pop_idx_q;
  assign ring_size   = 16'h1 << ring_log2;
  assign slot        = fetch_idx_q & (ring_size - 16'h1);
  assign desc_addr   = {tx_ring_base[ADDR_WIDTH-1:5], 5'b00000} + ADDR_WIDTH'({slot, 5'b00000});
  assign to_tail     = tx_tail - fetch_idx_q;
  assign to_ring_end = ring_size - slot;
  logic [12:0] bytes_to_4k;
  assign bytes_to_4k = 13'(ufo_pkg::AXI_4K) - {1'b0, desc_addr[11:0]};
  assign to_4k       = {8'h00, bytes_to_4k[12:5]};
  assign room        = 16'(DEPTH) - reserved;

  always_comb begin
    logic [15:0] b;
    b = 16'(BLOCK);
    if (to_tail < b)     b = to_tail;
    if (to_ring_end < b) b = to_ring_end;
    if (to_4k < b)       b = to_4k;
    if (room < b)        b = room;
    block = BLK_W'(b);
  end

  // beats of a block: DATA_WIDTH 512 counts the half-beat the block starts on
  if (DPB > 1) begin : g_beats_wide
    assign block_beats = BURST_BEAT_W'((32'(block) + 32'(desc_addr[5]) + 1) >> 1);
  end else begin : g_beats_narrow
    assign block_beats = BURST_BEAT_W'(32'(block) * BPD);
  end

  assign issue = enable && block != '0 && !info_full && (!arvalid_q || ar_ready);

  logic       info_pop, info_empty;
  logic [$clog2(MAX_READS):0] info_count;   // unused: info_full is enough
  read_info_t info_head;

  ufo_fifo #(.WIDTH($bits(info_head)), .DEPTH(MAX_READS)) u_info (
      .clk, .rst_n,
      .push(issue), .push_data({block, DPB > 1 && desc_addr[5]}),
      .full(info_full),
      .pop(info_pop), .head(info_head), .empty(info_empty),
      .count(info_count)
  );

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      fetch_idx_q <= '0;
      arvalid_q   <= 1'b0;
    end else if (ring_reset) begin
      fetch_idx_q <= '0;
    end else begin
      if (issue) begin
        fetch_idx_q <= fetch_idx_q + 16'(block);
        arvalid_q   <= 1'b1;
      end else if (ar_ready) begin
        arvalid_q <= 1'b0;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (issue) begin
      araddr_q <= (DPB > 1) ? {desc_addr[ADDR_WIDTH-1:6], 6'b000000} : desc_addr;
      arlen_q  <= 8'(block_beats) - 8'd1;
    end
  end

  assign ar_addr  = araddr_q;
  assign ar_len   = arlen_q;
  assign ar_valid = arvalid_q;
  assign r_ready  = 1'b1;

  // ---------------------------------------------------------------- receive
  logic                    r_fire;
  logic [BURST_BEAT_W-1:0]       beat_q;        // beat within the current burst
  logic [BLK_W-1:0]        done_q;        // descriptors of the current burst written
  logic                    err_acc_q;     // error on an earlier beat of this descriptor
  logic                    tmo_acc_q;     // ... a made-up one
  logic [15:0]             recv_idx_q;
  logic                    beat_err, beat_tmo;

  assign r_fire      = r_valid && !info_empty;
  assign unsolicited = r_valid && info_empty;
  assign beat_err    = err_acc_q || r_resp[1];
  assign beat_tmo    = tmo_acc_q || r_tmo;

  // descriptors completed by this beat: up to DPB, written at recv_idx_q, recv_idx_q + 1
  logic [1:0]       n_wr;
  logic [DESC_BITS-1:0] wr_desc0, wr_desc1;   // first and second descriptor of the beat
  logic             burst_done;

  if (DPB > 1) begin : g_w512
    logic       first_beat;
    logic [1:0] avail;
    assign first_beat = beat_q == '0;
    always_comb begin
      avail = (first_beat && info_head.odd_first) ? 2'd1 : 2'd2;
      n_wr  = (32'(info_head.count) - 32'(done_q) < 32'(avail))
              ? 2'(info_head.count - done_q) : avail;
      wr_desc0 = (first_beat && info_head.odd_first) ? r_data[511:256] : r_data[255:0];
      wr_desc1 = r_data[511:256];
    end
  end else if (BPD == 1) begin : g_w256
    assign n_wr       = 2'd1;
    assign wr_desc0 = r_data[DESC_BITS-1:0];
    assign wr_desc1 = '0;
  end else begin : g_narrow
    logic [DESC_BITS-DATA_WIDTH-1:0] acc_q;
    logic [$clog2(BPD)-1:0]          sub;   // beat within the descriptor
    assign sub        = beat_q[$clog2(BPD)-1:0];
    assign n_wr       = (32'(sub) == BPD - 1) ? 2'd1 : 2'd0;
    assign wr_desc0 = {r_data, acc_q};
    assign wr_desc1 = '0;
    always_ff @(posedge clk) begin
      if (r_fire) acc_q <= wr_desc0[DESC_BITS-1:DATA_WIDTH];
    end
  end

  assign burst_done = r_fire && (32'(done_q) + 32'(n_wr) == 32'(info_head.count));
  assign info_pop   = burst_done;

  always_ff @(posedge clk) begin
    if (!rst_n || ring_reset) begin
      beat_q     <= '0;
      done_q     <= '0;
      err_acc_q  <= 1'b0;
      tmo_acc_q  <= 1'b0;
      recv_idx_q <= '0;
    end else if (r_fire) begin
      recv_idx_q <= recv_idx_q + 16'(n_wr);
      err_acc_q  <= (n_wr == 2'd0) ? beat_err : 1'b0;
      tmo_acc_q  <= (n_wr == 2'd0) ? beat_tmo : 1'b0;
      if (burst_done) begin
        beat_q <= '0;
        done_q <= '0;
      end else begin
        beat_q <= beat_q + 1'b1;
        done_q <= done_q + BLK_W'(n_wr);
      end
    end
  end

  // ---------------------------------------------------------------- FIFO, two banks by parity
  // an entry is the error and timeout flags and the descriptor without its cookie: desc_item_t
  // less index
  localparam int ENTRY_W = 2 + 8 * ufo_pkg::DESC_BYTES - 64;
  ufo_pkg::tx_desc_t  d0, d1;
  logic [ENTRY_W-1:0] e0, e1;
  assign d0 = wr_desc0;
  assign d1 = wr_desc1;
  assign e0 = {beat_err, beat_tmo, d0.frag_id, d0.csum_offset, d0.csum_start, d0.vlan_tci, d0.ufo_size,
               d0.flags, d0.buf_len, d0.buf_addr};
  assign e1 = {beat_err, beat_tmo, d1.frag_id, d1.csum_offset, d1.csum_start, d1.vlan_tci, d1.ufo_size,
               d1.flags, d1.buf_len, d1.buf_addr};

  logic [ENTRY_W-1:0] bank0 [DEPTH/2];
  logic [ENTRY_W-1:0] bank1 [DEPTH/2];
  logic [PTR_W-2:0]   row0, row1;
  logic               to0, to1;   // which of the (up to two) writes lands in each bank

  // write k goes to index recv+k: bank (recv+k)[0], row (recv+k) >> 1
  assign to0 = recv_idx_q[0] ? (n_wr == 2'd2) : (n_wr != 2'd0);
  assign to1 = recv_idx_q[0] ? (n_wr != 2'd0) : (n_wr == 2'd2);
  assign row0 = recv_idx_q[0] ? (PTR_W-1)'((recv_idx_q + 16'd1) >> 1) : (PTR_W-1)'(recv_idx_q >> 1);
  assign row1 = (PTR_W-1)'(recv_idx_q >> 1);

  always_ff @(posedge clk) begin
    if (r_fire && to0) bank0[row0] <= recv_idx_q[0] ? e1 : e0;
    if (r_fire && to1) bank1[row1] <= recv_idx_q[0] ? e0 : e1;
  end

  logic [ENTRY_W-1:0] head;
  assign head       = pop_idx_q[0] ? bank1[(PTR_W-1)'(pop_idx_q >> 1)] : bank0[(PTR_W-1)'(pop_idx_q >> 1)];
  assign desc_valid = recv_idx_q != pop_idx_q;
  assign desc       = {head[ENTRY_W-1:ENTRY_W-2], pop_idx_q, head[ENTRY_W-3:0]};

  always_ff @(posedge clk) begin
    if (!rst_n || ring_reset)           pop_idx_q <= '0;
    else if (desc_valid && desc_ready)  pop_idx_q <= pop_idx_q + 16'd1;
  end

  // rlast is implied by the beat count; the bench's AXI checker verifies the host's framing.
  logic unused;
  assign unused = ^{r_last, r_resp[0], tx_ring_base[4:0], info_count, info_head.odd_first, bytes_to_4k[4:0],
                    d0.cookie, d1.cookie};

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (32'(reserved) > DEPTH) $error("%m: more descriptors reserved than FIFO entries at %0t", $time);
      if ((recv_idx_q - pop_idx_q) > 16'(DEPTH)) $error("%m: FIFO overflow at %0t", $time);
      if (ring_reset && (!info_empty || arvalid_q)) $error("%m: ring reset with reads in flight at %0t", $time);
    end
  end
  // (a ring reset empties the FIFO: the descriptor on offer goes)
  ufo_vr_check #(.WIDTH($bits(desc))) u_chk_desc (
      .clk, .rst_n(rst_n && !ring_reset), .valid(desc_valid), .ready(desc_ready), .payload(desc));
  ufo_vr_check #(.WIDTH(ADDR_WIDTH + 8)) u_chk_ar (
      .clk, .rst_n, .valid(ar_valid), .ready(ar_ready), .payload({ar_addr, ar_len}));
`endif
endmodule

`default_nettype wire
