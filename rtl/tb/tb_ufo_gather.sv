// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_gather: self-checking unit test of the gather DMA, ufo_gather_req and ufo_gather_data
// together (with the USO boundary-sum unit inside), against an AXI4 read slave model; the bench
// plays the stages around them (packet assembly: packet table and buffer queue; parser: header
// windows; fragmenter and frame reader: boundary-sum table, ring space).
//   - packets of 1..6 buffers at any byte address (often near a 4 KiB boundary) and length,
//     some needing their header window (UFO, VLAN insertion, USO), and broken packets (no reads,
//     a marker keeps their turn); host memory is a hash of the address;
//   - USO packets with segments (gso_size) from 1 byte to 600; at the end, closing runs of a USO
//     packet with segments well below a bus word (the boundary-sum unit slows to a boundary a
//     cycle and holds the R channel back) followed by NUM_PKTS - 1 broken packets whose markers
//     push into the same word FIFO (they must wait for its room: the overflow fixed in 09acc79);
//   - the slave: random ARREADY, random latency and gaps, SLVERR/DECERR on random beats (with
//     garbage data), unsolicited beats at the end; phases with an always-ready slave;
//   - ring space, header slots, boundary-sum regions and packet tags released late and at random
//     rates, so the reservations (ring words, outstanding beats and bursts, header slots) all
//     hold things up.
// Checks:
//   - every AR: the next beats of the current buffer, INCR of min(MAX_BURST, beats left in the
//     buffer, beats to the 4 KiB boundary) beats; beats and bursts outstanding within
//     OUTSTANDING_BEATS / OUTSTANDING_BURSTS;
//   - the packet ring: words written one after the other from word 0, never into a word not yet
//     released; each packet from the word after the previous one, its bytes in order, the last
//     word zero above the last byte;
//   - per packet, with the write of its last word (or its marker): the gather result at its tag
//     (base, unfolded frame sum and prefix sum before csum_start, dma_err exactly when one of its
//     beats returned an error); r_ptr two cycles later, or behind a USO packet later but in order
//     and never early; hdr_ptr when its header window (min(HDR_BYTES, packet) bytes) has landed,
//     and the window's words in its header slot;
//   - per USO packet once r_ptr has passed it: every boundary-sum table entry {fold(S(b_j)),
//     fold(S(b_j+1))} against the bytes; every closing run saw a marker wait for room (and any
//     firing assertion, such as the word FIFO's overflow check, fails the run);
//   - unsolicited exactly for beats with no burst outstanding; no beat lost;
//   - with an always-ready slave, a ring of 2+ largest packets and OUTSTANDING_BEATS >= 32, the
//     R channel busy >= 85% of the cycles (markers take a cycle each and the bench keeps at most
//     16 packets in flight, which small packets at 512 bits do not quite fill), USO packets with
//     segments of a bus word or more among them (measured once none with smaller ones is in flight).
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_gather #(
    parameter int DATA_WIDTH         = 64,
    parameter int MAX_BURST          = 16,
    parameter int OUTSTANDING_BEATS  = 64,
    parameter int OUTSTANDING_BURSTS = 8,
    parameter int NUM_HDR            = 4,
    parameter int RING_MULT          = 4,     // packet ring size in largest packets
    parameter int N_PKTS             = 500
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_gather";
  `include "tb_common.svh"

  localparam int KEEP_WIDTH = DATA_WIDTH / 8;
  localparam int NUM_PKTS   = 16;
  localparam int TAG_W      = $clog2(NUM_PKTS);
  localparam int MAX_PKT    = 1400;   // largest packet, bytes
  // RING_MULT of the largest packets (and the beats its buffers' partial ends add)
  localparam int RING_WORDS = 1 << $clog2(RING_MULT * ((MAX_PKT + KEEP_WIDTH - 1) / KEEP_WIDTH) + 8);
  // the R-channel rate is checked only where the ring and the read budget can sustain it
  localparam bit CHECK_RATE = RING_MULT >= 2 && OUTSTANDING_BEATS >= 32;
  localparam int RWW        = $clog2(RING_WORDS);
  localparam int HDR_BYTES  = 128;
  localparam int HDR_WORDS  = (HDR_BYTES + KEEP_WIDTH - 1) / KEEP_WIDTH;
  localparam int HDR_WW     = $clog2(HDR_WORDS + 1);
  localparam int HW         = $clog2(NUM_HDR);
  localparam int SLOTS      = 32;     // bench bookkeeping per packet, indexed by packet mod 32
  localparam int BSUM_DEPTH = 256;    // the boundary-sum table (the blocks' default)
  localparam int BSW        = $clog2(BSUM_DEPTH);
  localparam int USO_RUNS   = 6;      // closing runs: a tiny-segment USO packet, then markers
  localparam int N_TOTAL    = N_PKTS + USO_RUNS * NUM_PKTS;

  // ---------------------------------------------------------------- DUT
  logic [TAG_W:0]        alloc_ptr = '0;
  logic [TAG_W-1:0]      req_tag, data_tag;
  ufo_pkg::pkt_rec_t     tbl [NUM_PKTS];
  logic                  buf_valid, buf_pop;
  ufo_pkg::gather_buf_t  buf_head;
  logic [RWW:0]          free_word_ptr = '0;
  logic [HW:0]           hdr_free_ptr = '0;
  logic                  r_beat, burst_push;
  ufo_pkg::gather_burst_t burst;
  logic [$clog2(OUTSTANDING_BURSTS):0] burst_count;
  logic [63:0]           ar_addr;
  logic [7:0]            ar_len;
  logic                  ar_valid, ar_ready = 1'b0;
  logic [DATA_WIDTH-1:0] r_data = '0;
  logic [1:0]            r_resp = '0;
  logic                  r_last = 1'b0, r_valid = 1'b0, r_ready, unsolicited;
  logic                  r_tmo = 1'b0;   // an error beat made up by the read guard (timeout)
  logic                  ring_wr_en;
  logic [RWW-1:0]        ring_wr_addr;
  logic [DATA_WIDTH-1:0] ring_wr_data;
  logic                  res_wr_en;
  logic [TAG_W-1:0]      res_wr_tag;
  ufo_pkg::gather_res_t  res_wr;
  logic [TAG_W:0]        hdr_ptr, r_ptr;
  logic [HW-1:0]         hdr_rd_slot = '0;
  logic [HDR_WW-1:0]     hdr_rd_word = '0;
  logic [DATA_WIDTH-1:0] hdr_rd_data;
  logic [BSW:0]          bsum_free_ptr = '0;
  logic [BSW-1:0]        bsum_rd_addr = '0;
  logic [31:0]           bsum_rd_data;

  ufo_gather_req #(
      .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(64), .NUM_PKTS(NUM_PKTS), .RING_WORDS(RING_WORDS),
      .NUM_HDR(NUM_HDR), .MAX_BURST(MAX_BURST), .OUTSTANDING_BEATS(OUTSTANDING_BEATS),
      .OUTSTANDING_BURSTS(OUTSTANDING_BURSTS)
  ) u_req (
      .clk, .rst_n,
      .alloc_ptr, .tbl_rd_tag(req_tag), .tbl_rd_rec(tbl[req_tag]),
      .buf_valid, .buf_pop, .buf_head,
      .free_word_ptr, .hdr_free_ptr, .r_beat, .bsum_free_ptr,
      .ar_addr, .ar_len, .ar_valid, .ar_ready,
      .burst_push, .burst, .burst_count);

  ufo_gather_data #(
      .DATA_WIDTH(DATA_WIDTH), .NUM_PKTS(NUM_PKTS), .RING_WORDS(RING_WORDS),
      .HDR_BYTES(HDR_BYTES), .NUM_HDR(NUM_HDR), .OUTSTANDING_BURSTS(OUTSTANDING_BURSTS)
  ) u_data (
      .clk, .rst_n,
      .burst_push, .burst_in(burst), .burst_count,
      .r_data, .r_resp, .r_last, .r_tmo, .r_valid, .r_ready, .r_beat, .unsolicited,
      .tbl_rd_tag(data_tag), .tbl_rd_rec(tbl[data_tag]),
      .ring_wr_en, .ring_wr_addr, .ring_wr_data,
      .res_wr_en, .res_wr_tag, .res_wr, .hdr_ptr, .r_ptr,
      .hdr_rd_slot, .hdr_rd_word, .hdr_rd_data,
      .bsum_rd_addr, .bsum_rd_data);

  // ---------------------------------------------------------------- host memory
  logic [63:0] salt = '0;
  function automatic logic [7:0] host_byte(input logic [63:0] a);
    logic [63:0] z;
    z = (a ^ salt) * 64'h9E37_79B9_7F4A_7C15;
    return z[63:56] ^ z[36:29];
  endfunction

  // ---------------------------------------------------------------- packets (bench side)
  logic        p_ok [SLOTS];
  logic        p_hdr [SLOTS];         // needs its header window
  int          p_total [SLOTS];
  int          p_csum_start [SLOTS];
  logic        p_err [SLOTS];         // one of its beats returned an error
  logic        p_tmo [SLOTS];         // ... one made up for a timeout
  logic [7:0]  p_data [SLOTS][MAX_PKT];
  longint      p_end_word [SLOTS];    // ring word after the packet (unwrapped)
  int          p_hdr_slot [SLOTS];
  logic        p_uso [SLOTS];
  int          p_gso [SLOTS];         // USO gso_size
  int          p_bound [SLOTS];       // USO: boundary-sum entries reserved (ufo_pkg::uso_bound)
  int          p_bsum_base [SLOTS];   // ... from this entry of the table (unwrapped)

  // buffer queue (packet assembly's committed buffers) and the beats the ARs must walk
  ufo_pkg::gather_buf_t bufq [$];
  logic [63:0] seg_addr [$];          // per buffer: next beat address, beats left, packet
  int          seg_beats [$];
  int          seg_pkt [$];

  int n_alloc = 0, n_retired = 0, n_hdr_pkts = 0;
  int run_left = 0;                   // broken packets still to come in a closing run
  int bsum_alloc = 0;                 // boundary-sum entries allocated (unwrapped)
  int n_uso = 0, n_uso_runs = 0;
  int last_tiny_uso = -1;             // the last USO packet with segments below a bus word

  // The N_PKTS packets of the random mix (USO ones among them), then USO_RUNS closing runs of
  // NUM_PKTS packets: a USO packet with segments of at most a bus word (up to 128 boundaries,
  // several per word: ufo_uso_bsum takes a cycle per boundary and holds the R channel back)
  // followed by broken packets (descriptor read errors) whose markers push tokens into the same
  // word FIFO; a marker must wait for its room too, or the FIFO overflows (fixed in 09acc79).
  function automatic void new_packet();
    int n, nbufs, total, tot_left;
    ufo_pkg::pkt_rec_t r;
    logic [1023:0] w;
    n = n_alloc % SLOTS;
    w = rnd_wide();
    r = w[$bits(r)-1:0];
    p_err[n] = 1'b0;
    p_tmo[n] = 1'b0;
    if (n_alloc >= N_PKTS && run_left > 0) begin
      p_ok[n]  = 1'b0;
      p_uso[n] = 1'b0;
      r.status = chance(1, 2) ? ufo_pkg::ST_DESC_DMA : ufo_pkg::ST_DESC_TIMEOUT;
      run_left--;
    end else if (n_alloc >= N_PKTS) begin
      p_ok[n]  = 1'b1;
      p_uso[n] = 1'b1;
      p_gso[n] = 1 + int'(rnd(KEEP_WIDTH < 48 ? KEEP_WIDTH / 4 : 12));   // 4+ boundaries a word
      run_left = NUM_PKTS - 1;
      n_uso_runs++;
    end else begin
      p_ok[n]  = !chance(1, 10);
      p_uso[n] = p_ok[n] && chance(1, 6);
      p_gso[n] = KEEP_WIDTH + int'(chance(1, 2) ? rnd(KEEP_WIDTH + 1) : rnd(600));
      // segments below a bus word slow the R channel (a cycle per boundary): only in the phase
      // two before the always-ready one (whose rate is measured once they are through)
      if ((cycle / 1500) % 3 == 2 && chance(1, 2)) p_gso[n] = 1 + int'(rnd(KEEP_WIDTH - 1));
      r.status = 8'(1 + rnd(4));
    end
    if (p_ok[n]) r.status = ufo_pkg::ST_OK;
    total = 0;
    nbufs = 0;
    if (p_uso[n]) begin
      int payload;
      p_csum_start[n] = 34 + 4 * int'(rnd(7));   // UDP header behind Ethernet, tags, IPv4/IPv6
      if (n_alloc >= N_PKTS) payload = p_gso[n] * (100 + int'(rnd(40)));
      else payload = chance(1, 8) ? int'(rnd(3)) : int'(rnd(MAX_PKT));
      tot_left = p_csum_start[n] + ufo_pkg::UDP_HDR_LEN + payload;
      if (tot_left > MAX_PKT) tot_left = MAX_PKT;
    end else begin
      p_csum_start[n] = chance(1, 4) ? int'(rnd(MAX_PKT + 100)) : int'(rnd(200));
      tot_left = chance(1, 4) ? 1 + int'(rnd(80)) : 1 + int'(rnd(MAX_PKT));
    end
    if (p_ok[n]) begin
      nbufs = 1 + int'(rnd(tot_left < 6 ? tot_left : 6));
      for (int b = 0; b < nbufs; b++) begin
        int len;
        logic [63:0] addr;
        ufo_pkg::gather_buf_t g;
        len = (b == nbufs - 1) ? tot_left : 1 + int'(rnd(tot_left - (nbufs - 1 - b)));
        tot_left -= len;
        addr = {20'h0, rnd64()} >> 20;
        addr[11:0] = chance(1, 3) ? 12'(4096 - 1 - rnd(2 * KEEP_WIDTH * 4)) : 12'(rnd(4096));
        for (int i = 0; i < len; i++) p_data[n][total + i] = host_byte(addr + 64'(i));
        total += len;
        g = gather_buf(addr, 16'(len), KEEP_WIDTH);
        bufq.push_back(g);
        seg_addr.push_back(g.first_beat);
        seg_beats.push_back(int'(g.beats));
        seg_pkt.push_back(n_alloc);
      end
    end
    p_total[n]      = total;
    p_hdr[n]        = p_ok[n] && (p_uso[n] || chance(1, 3));
    if (p_hdr[n]) begin
      p_hdr_slot[n] = n_hdr_pkts % NUM_HDR;
      n_hdr_pkts++;
    end
    r.num_bufs   = 6'(nbufs);
    r.total      = ufo_pkg::LEN_WIDTH'(total);
    r.ufo        = p_hdr[n] && !p_uso[n] && chance(1, 2);
    r.vlan_ins   = p_hdr[n] && !r.ufo && (!p_uso[n] || chance(1, 2));
    r.uso        = p_uso[n] || (!p_ok[n] && chance(1, 4));   // a broken USO chain reserves nothing
    r.csum_start = 16'(p_csum_start[n]);
    if (p_uso[n]) begin
      r.ufo_size     = 16'(p_gso[n]);
      p_bound[n]     = int'(ufo_pkg::uso_bound(r.total, r.csum_start, r.ufo_size));
      p_bsum_base[n] = bsum_alloc;
      bsum_alloc    += p_bound[n];
      if (p_gso[n] < KEEP_WIDTH) last_tiny_uso = n_alloc;
      n_uso++;
    end
    tbl[n_alloc % NUM_PKTS] = r;
    n_alloc++;
  endfunction

  // 16-bit big-endian word sum of the first n bytes of a packet, zero-padded (as the gather)
  function automatic logic [31:0] sum16(input int n_slot, input int n);
    logic [31:0] s;
    s = 0;
    for (int i = 0; i < n; i += 2)
      s += {p_data[n_slot][i], (i + 1 < n) ? p_data[n_slot][i + 1] : 8'h00};
    return s;
  endfunction

  // USO boundaries recorded: b_j = csum_start + 8 + j * gso_size below the frame end, at most
  // the entries reserved
  function automatic int uso_boundaries(input int n);
    int h;
    h = 0;
    for (int b = p_csum_start[n] + ufo_pkg::UDP_HDR_LEN; b < p_total[n] && h < p_bound[n]; b += p_gso[n]) h++;
    return h;
  endfunction

  // boundary-sum table entry e of a USO packet: {fold(S(b_e)), fold(S(b_e+1))}, S(total) for the
  // end of the last segment (and for both halves when the payload is empty)
  function automatic logic [31:0] bsum_entry(input int n, input int e);
    int h, b0;
    logic [31:0] s_a, s_b;
    h   = uso_boundaries(n);
    b0  = p_csum_start[n] + ufo_pkg::UDP_HDR_LEN;
    s_a = (h == 0) ? sum16(n, p_total[n]) : sum16(n, b0 + e * p_gso[n]);
    s_b = (e + 1 >= h) ? sum16(n, p_total[n]) : sum16(n, b0 + (e + 1) * p_gso[n]);
    return {ufo_pkg::csum_fold(s_a), ufo_pkg::csum_fold(s_b)};
  endfunction

  // ---------------------------------------------------------------- state of the checks
  logic [63:0] burst_addr [$];        // per AR presented: address, packet, beats (for the slave)
  logic [63:0] burst_pkt [$];
  int          burst_beats [$];
  int          ar_accepted = 0;       // of those, accepted
  int          accept_cycle [$];      // ... and when: data comes `latency` cycles later
  int          latency = 1, max_out_beats = 0, max_out_bursts = 0;
  int          sl_beat = 0, sl_wait = 0;
  logic        r_is_bogus = 1'b0;
  int          beats_presented = 0, beats_taken = 0, bursts_presented = 0, bursts_done = 0;
  longint      wp = 0;                // next ring word to be written (unwrapped)
  longint      pkt_start_wp = 0;
  int          n_written = 0;         // words of the current packet written
  int          r_exp = 0, hdr_exp = 0;
  // r_ptr passes a packet two cycles after its result (through the USO boundary-sum unit, which
  // other packets pass as one token each); behind a USO packet (a cycle per boundary) it lags,
  // one packet at a time and never ahead of the results, until it has caught up
  int          r_exp_1 = 0, r_exp_2 = 0;
  int          r_done = 0;            // packets r_ptr has passed (unwrapped)
  int          last_uso = -1;         // the last USO packet with a result
  logic        r_synced = 1'b1;       // r_ptr exactly two cycles behind the results
  // fragmenter: reads a USO packet's table region once r_ptr has passed it
  int          bs_pkt = 0;            // next packet to look at
  int          bs_entry = 0;          // next entry of it to read
  int          bs_chk_entry [2] = '{-1, -1};   // entries addressed one and two edges ago
  int          bs_chk_pkt [2] = '{0, 0};
  int          n_bsum_entries = 0, n_marker_wait = 0, max_bsum_fill = 0;
  logic [USO_RUNS-1:0] run_waited = '0;   // closing runs in which a marker waited for room
  longint      free_model = 0;        // ring words released (unwrapped)
  int          hdr_read_pkt = 0;      // parser: next packet to look at
  int          hdr_word = -1;         // word of its window being read (-1: none)
  int          hdr_released = 0, slots_read = 0, hdr_hold = 0, free_hold = 0;
  int          hdr_chk_word [2] = '{-1, -1};   // header words addressed one and two edges ago
  int          hdr_chk_pkt [2] = '{0, 0};
  int          slave_fast = 0, err_pct = 3, ready_pct = 70, release_pct = 50, bogus_left = 0;
  int          n_ring_full = 0, n_err_beats = 0, n_bogus = 0, n_markers = 0, n_tmo_pkts = 0, n_4k = 0, rate_beats = 0, rate_cycles = 0;
  int          n_rate_checks = 0;
  logic        ending = 1'b0;
  int          end_cycles = 0;
  logic        ar_prev_valid = 1'b0, ar_prev_ready = 1'b0;

  // buffer queue to the request side
  assign buf_valid = bufq.size() != 0;
  always_comb buf_head = bufq.size() != 0 ? bufq[0] : '0;

  always @(posedge clk) begin
    if (!rst_n) begin
      salt = rnd64();
      for (int t = 0; t < NUM_PKTS; t++) tbl[t] = '0;
    end else begin
      // ================= this cycle =================
      if (r_ptr !== (TAG_W+1)'(r_done)) begin
        if (r_ptr !== (TAG_W+1)'(r_done + 1)) fail($sformatf("r_ptr %0d after %0d, not one packet on", r_ptr, (TAG_W+1)'(r_done)));
        r_done++;
      end
      if (r_done > r_exp_2) fail($sformatf("r_ptr passed packet %0d two cycles after its result or earlier", r_done - 1));
      if (r_synced && r_done != r_exp_2) fail($sformatf("r_ptr %0d, expected %0d", r_ptr, (TAG_W+1)'(r_exp_2)));
      if (r_done == r_exp_2 && r_done > last_uso) r_synced = 1'b1;
      r_exp_2 = r_exp_1;
      r_exp_1 = r_exp;
      // the scenario of the closing runs: a marker next in line while the boundary-sum unit
      // has no room (it must wait), and how full the unit's word FIFO got
      if (!u_data.empty && u_data.head.marker && !u_data.bsum_room) begin
        n_marker_wait++;
        if (r_exp >= N_PKTS) run_waited[(r_exp - N_PKTS) / NUM_PKTS] = 1'b1;
      end
      if (int'(u_data.u_bsum.count) > max_bsum_fill) max_bsum_fill = int'(u_data.u_bsum.count);
      if (hdr_ptr !== (TAG_W+1)'(hdr_exp)) fail($sformatf("hdr_ptr %0d, expected %0d", hdr_ptr, (TAG_W+1)'(hdr_exp)));
      if (unsolicited !== (r_valid && r_is_bogus)) fail($sformatf("unsolicited %b on a %s beat", unsolicited, r_is_bogus ? "bogus" : "requested"));
      if (beats_presented - beats_taken > OUTSTANDING_BEATS)
        fail($sformatf("%0d beats outstanding, limit %0d", beats_presented - beats_taken, OUTSTANDING_BEATS));
      if (bursts_presented - bursts_done > OUTSTANDING_BURSTS)
        fail($sformatf("%0d bursts outstanding, limit %0d", bursts_presented - bursts_done, OUTSTANDING_BURSTS));
      if (ar_valid || r_valid || ring_wr_en || res_wr_en) progress();
      if (wp - free_model > RING_WORDS - 2 * MAX_BURST) n_ring_full++;

      // -------- a new AR: the next beats of the current buffer
      if (ar_valid && (!ar_prev_valid || ar_prev_ready)) begin
        int beats, want, to_4k;
        beats = int'(ar_len) + 1;
        to_4k = (4096 - int'(ar_addr[11:0])) / KEEP_WIDTH;
        if (seg_addr.size() == 0) begin
          fail($sformatf("AR at %h with no buffer left to read", ar_addr));
        end else begin
          want = seg_beats[0];
          if (want > MAX_BURST) want = MAX_BURST;
          if (want > to_4k) begin want = to_4k; n_4k++; end
          if (ar_addr !== seg_addr[0] || beats != want)
            fail($sformatf("AR %h, %0d beats; expected %h, %0d beats (%0d left in the buffer)",
                           ar_addr, beats, seg_addr[0], want, seg_beats[0]));
          burst_addr.push_back(ar_addr);
          burst_pkt.push_back(64'(seg_pkt[0]));
          burst_beats.push_back(beats);
          seg_addr[0] = seg_addr[0] + 64'(beats * KEEP_WIDTH);
          seg_beats[0] = seg_beats[0] - beats;
          if (seg_beats[0] <= 0) begin
            void'(seg_addr.pop_front());
            void'(seg_beats.pop_front());
            void'(seg_pkt.pop_front());
          end
        end
        beats_presented += beats;
        bursts_presented++;
      end
      ar_prev_valid = ar_valid;
      ar_prev_ready = ar_ready;
      if (ar_valid && ar_ready) begin
        ar_accepted++;
        accept_cycle.push_back(int'(cycle));
      end
      if (beats_presented - beats_taken > max_out_beats) max_out_beats = beats_presented - beats_taken;
      if (bursts_presented - bursts_done > max_out_bursts) max_out_bursts = bursts_presented - bursts_done;

      // -------- R beat taken this edge (r_ready is 1 except in a marker's cycle)
      if (r_valid && r_ready && !r_is_bogus) begin
        if (r_resp[1]) p_err[int'(burst_pkt[0]) % SLOTS] = 1'b1;
        if (r_tmo) p_tmo[int'(burst_pkt[0]) % SLOTS] = 1'b1;
        beats_taken++;
        rate_beats++;
        sl_beat++;
        if (sl_beat == burst_beats[0]) begin
          void'(burst_addr.pop_front());
          void'(burst_pkt.pop_front());
          void'(burst_beats.pop_front());
          ar_accepted--;
          void'(accept_cycle.pop_front());
          bursts_done++;
          sl_beat = 0;
          sl_wait = slave_fast != 0 ? 0 : int'(rnd(3));
        end
      end
      if (r_valid && r_is_bogus) n_bogus++;

      // -------- ring writes and packet results
      if (ring_wr_en) begin
        int n;
        n = r_exp % SLOTS;
        if (!p_ok[n]) fail("ring write for a broken packet");
        if (int'(ring_wr_addr) != int'(wp % RING_WORDS)) fail($sformatf("ring write at word %0d, expected %0d", ring_wr_addr, wp % RING_WORDS));
        if (wp >= free_model + RING_WORDS) fail($sformatf("ring word %0d written before it was released", wp % RING_WORDS));
        if (!p_err[n]) begin
          for (int i = 0; i < KEEP_WIDTH; i++) begin
            int o;
            logic [7:0] e;
            o = n_written * KEEP_WIDTH + i;
            e = (o < p_total[n]) ? p_data[n][o] : 8'h00;
            if (ring_wr_data[8*i +: 8] !== e) begin
              fail($sformatf("packet %0d byte %0d in the ring: %h, expected %h", r_exp, o, ring_wr_data[8*i +: 8], e));
              break;
            end
          end
        end
        if (n_written == 0) pkt_start_wp = wp;
        wp++;
        n_written++;
        if (n_written == ((p_total[n] < HDR_BYTES ? p_total[n] : HDR_BYTES) + KEEP_WIDTH - 1) / KEEP_WIDTH) hdr_exp++;
      end
      if (res_wr_en) begin
        int n, words;
        n = r_exp % SLOTS;
        words = (p_total[n] + KEEP_WIDTH - 1) / KEEP_WIDTH;
        if (res_wr_tag !== TAG_W'(r_exp)) fail($sformatf("result of packet %0d at tag %0d", r_exp, res_wr_tag));
        if (!p_ok[n]) begin
          // a marker: no words, nothing summed, header turn passed on
          if (ring_wr_en) fail("a broken packet wrote the ring");
          if (res_wr.base !== ufo_pkg::RING_AW'((wp % RING_WORDS) * KEEP_WIDTH) || res_wr.frame_sum !== 0 ||
              res_wr.prefix_sum !== 0 || res_wr.dma_err !== 1'b0)
            fail($sformatf("packet %0d (broken): result base %0d sums %h %h err %b", r_exp, res_wr.base,
                           res_wr.frame_sum, res_wr.prefix_sum, res_wr.dma_err));
          pkt_start_wp = wp;
          hdr_exp++;
          n_markers++;
        end else begin
          if (n_written != words) fail($sformatf("packet %0d ended after %0d words, expected %0d", r_exp, n_written, words));
          if (res_wr.base !== ufo_pkg::RING_AW'((pkt_start_wp % RING_WORDS) * KEEP_WIDTH))
            fail($sformatf("packet %0d: base %0d, expected %0d", r_exp, res_wr.base, (pkt_start_wp % RING_WORDS) * KEEP_WIDTH));
          if (res_wr.dma_err !== p_err[n]) fail($sformatf("packet %0d: dma_err %b, expected %b", r_exp, res_wr.dma_err, p_err[n]));
          if (res_wr.dma_timeout !== p_tmo[n]) fail($sformatf("packet %0d: dma_timeout %b, expected %b", r_exp, res_wr.dma_timeout, p_tmo[n]));
          if (p_tmo[n]) n_tmo_pkts++;
          if (!p_err[n]) begin
            logic [31:0] fs, ps;
            fs = sum16(n, p_total[n]);
            ps = sum16(n, p_csum_start[n] < p_total[n] ? p_csum_start[n] : p_total[n]);
            if (res_wr.frame_sum !== fs || res_wr.prefix_sum !== ps)
              fail($sformatf("packet %0d: frame sum %h prefix sum %h, expected %h %h (csum_start %0d, %0d bytes)",
                             r_exp, res_wr.frame_sum, res_wr.prefix_sum, fs, ps, p_csum_start[n], p_total[n]));
          end
        end
        p_end_word[n] = wp;
        if (p_ok[n] && p_uso[n]) begin
          last_uso = r_exp;
          r_synced = 1'b0;
        end
        r_exp++;
        n_written = 0;
      end else if (ring_wr_en && n_written == (p_total[r_exp % SLOTS] + KEEP_WIDTH - 1) / KEEP_WIDTH) begin
        fail($sformatf("packet %0d: last word written without its result", r_exp));
      end

      // ================= parser: header windows, in packet order =================
      // the read port is registered: the word addressed in a cycle arrives in the next one, so
      // the data of this cycle answers the address driven two edges ago
      if (hdr_chk_word[1] >= 0) begin
        int n, w;
        n = hdr_chk_pkt[1] % SLOTS;
        w = hdr_chk_word[1];
        for (int i = 0; i < KEEP_WIDTH; i++) begin
          int o;
          o = w * KEEP_WIDTH + i;
          if (o < p_total[n] && o < HDR_BYTES && !p_err[n] && hdr_rd_data[8*i +: 8] !== p_data[n][o]) begin
            fail($sformatf("packet %0d header byte %0d: %h, expected %h", hdr_chk_pkt[1], o, hdr_rd_data[8*i +: 8], p_data[n][o]));
            break;
          end
        end
      end
      hdr_chk_word[1] = hdr_chk_word[0];
      hdr_chk_pkt[1]  = hdr_chk_pkt[0];
      hdr_chk_word[0] = -1;
      if (hdr_word >= 0) begin
        int n, words;
        n = hdr_read_pkt % SLOTS;
        words = ((p_total[n] < HDR_BYTES ? p_total[n] : HDR_BYTES) + KEEP_WIDTH - 1) / KEEP_WIDTH;
        if (hdr_word < words) begin
          hdr_rd_slot <= HW'(p_hdr_slot[n]);
          hdr_rd_word <= HDR_WW'(hdr_word);
          hdr_chk_word[0] = hdr_word;
          hdr_chk_pkt[0]  = hdr_read_pkt;
          hdr_word++;
        end else begin
          // the window is read: its slot may be released
          hdr_word = -1;
          hdr_hold = slave_fast != 0 ? 0 : int'(rnd(chance(1, 4) ? 60 : 4));
          hdr_read_pkt++;
          slots_read++;
        end
      end else if (hdr_read_pkt < hdr_exp) begin
        if (!p_hdr[hdr_read_pkt % SLOTS]) hdr_read_pkt++;
        else if (hdr_hold > 0) hdr_hold--;
        else hdr_word = 0;
      end
      if (hdr_released < slots_read && chance(release_pct, 100)) begin
        hdr_free_ptr <= hdr_free_ptr + 1'b1;
        hdr_released++;
      end

      // ================= fragmenter: USO boundary sums, in packet order =================
      // registered read port: the data of this cycle answers the address driven two edges ago
      if (bs_chk_entry[1] >= 0) begin
        int n;
        logic [31:0] e;
        n = bs_chk_pkt[1] % SLOTS;
        e = bsum_entry(n, bs_chk_entry[1]);
        if (!p_err[n] && bsum_rd_data !== e)
          fail($sformatf("USO packet %0d (gso_size %0d, %0d bytes) boundary-sum entry %0d: %h, expected %h",
                         bs_chk_pkt[1], p_gso[n], p_total[n], bs_chk_entry[1], bsum_rd_data, e));
        n_bsum_entries++;
      end
      bs_chk_entry[1] = bs_chk_entry[0];
      bs_chk_pkt[1]   = bs_chk_pkt[0];
      bs_chk_entry[0] = -1;
      if (bs_pkt < r_done) begin
        int n, entries;
        n = bs_pkt % SLOTS;
        entries = (p_ok[n] && p_uso[n]) ? (uso_boundaries(n) == 0 ? 1 : uso_boundaries(n)) : 0;
        if (bs_entry < entries) begin
          bsum_rd_addr <= BSW'(p_bsum_base[n] + bs_entry);
          bs_chk_entry[0] = bs_entry;
          bs_chk_pkt[0]   = bs_pkt;
          bs_entry++;
        end else begin
          bs_entry = 0;
          bs_pkt++;
        end
      end

      // ================= frame reader: ring space, tags, table regions, in packet order =======
      if (n_retired < bs_pkt && n_retired < hdr_read_pkt && free_hold == 0 && chance(release_pct, 100)) begin
        int n;
        n = n_retired % SLOTS;
        free_model = p_end_word[n];
        free_word_ptr <= (RWW+1)'(free_model);
        if (p_ok[n] && p_uso[n]) bsum_free_ptr <= bsum_free_ptr + (BSW+1)'(p_bound[n]);
        n_retired++;
        free_hold = chance(1, 8) ? int'(rnd(80)) : 0;
      end else if (free_hold > 0) begin
        free_hold--;
      end

      // ================= packet assembly =================
      if (buf_pop) begin
        if (bufq.size() == 0) fail("buffer popped from an empty queue");
        else void'(bufq.pop_front());
      end
      // (a closing run starts with nothing in flight and comes one packet per cycle)
      if (!ending && n_alloc < N_TOTAL && n_alloc - n_retired < NUM_PKTS &&
          (n_alloc < N_PKTS ? chance(1, 2) : run_left > 0 || n_retired == n_alloc)) begin
        new_packet();
        alloc_ptr <= alloc_ptr + 1'b1;
      end

      // ================= slave =================
      r_is_bogus <= 1'b0;
      if (r_valid && !r_ready) begin
        // hold (a marker's cycle)
      end else if (ar_accepted > 0 && sl_wait == 0 && accept_cycle[0] + latency <= int'(cycle) &&
                   (slave_fast != 0 || chance(3, 4))) begin
        logic [63:0] a;
        logic        err;
        a = burst_addr[0] + 64'(sl_beat * KEEP_WIDTH);
        err = slave_fast == 0 && rnd(100) < err_pct;
        for (int i = 0; i < KEEP_WIDTH; i++) r_data[8*i +: 8] <= err ? 8'(rnd64()) : host_byte(a + 64'(i));
        r_resp  <= err ? (chance(1, 2) ? 2'b10 : 2'b11) : (chance(1, 4) ? 2'b01 : 2'b00);
        r_tmo   <= err && chance(1, 3);   // the guard's made-up beats are SLVERR too
        r_last  <= sl_beat == burst_beats[0] - 1;
        r_valid <= 1'b1;
        if (err) n_err_beats++;
      end else if (bogus_left > 0 && ar_accepted == 0 && burst_beats.size() == 0 && !ar_valid) begin
        r_data     <= DATA_WIDTH'(rnd_wide());
        r_resp     <= 2'b00;
        r_last     <= 1'b1;
        r_valid    <= 1'b1;
        r_is_bogus <= 1'b1;
        r_tmo      <= 1'b0;
        bogus_left--;
      end else begin
        r_valid <= 1'b0;
        r_data  <= DATA_WIDTH'(rnd_wide());
        r_resp  <= 2'(rnd64());
        r_tmo   <= 1'(rnd64());
        if (sl_wait > 0) sl_wait--;
      end
      ar_ready <= slave_fast != 0 || rnd(100) < ready_pct;

      // ================= phases and the end =================
      if (cycle % 1500 == 0 && !ending) begin
        // phases: always-ready slave (rate), random, random with the ring held back 600 cycles
        slave_fast  = (cycle / 1500) % 3 == 1;
        if ((cycle / 1500) % 3 == 2) free_hold = 600;
        err_pct     = chance(1, 2) ? 0 : int'(rnd(6));
        ready_pct   = 30 + int'(rnd(71));
        latency     = (slave_fast == 0 && chance(1, 2)) ? 20 + int'(rnd(60)) : 1;
        release_pct = slave_fast != 0 ? 100 : chance(1, 3) ? 100 : 5 + int'(rnd(60));
        if (slave_fast != 0) begin
          rate_beats = 0;
          rate_cycles = 0;
        end
      end
      // closing runs: a prompt slave (errors still possible), so that the USO packet's words come
      // faster than the boundary-sum unit takes them and its FIFO is full when the markers come
      if (n_alloc >= N_PKTS) begin
        latency   = 1;
        ready_pct = 100;
      end
      if (slave_fast != 0 && last_tiny_uso >= r_done) begin
        rate_beats = 0;    // the rate counts from when tiny USO segments are through
        rate_cycles = 0;
      end
      if (slave_fast != 0) begin
        rate_cycles++;
        if (rate_cycles == 1000 && n_alloc < N_PKTS) begin
          $display("  always-ready slave: R channel busy %0d of 1000 cycles", rate_beats);
          n_rate_checks++;
          if (CHECK_RATE && rate_beats < 850) fail("R channel busy less than 85% of the cycles with an always-ready slave");
        end
      end
      if (n_alloc == N_TOTAL && n_retired == N_TOTAL && !ending) begin
        ending = 1'b1;
        bogus_left = 5;
      end
      if (ending) begin
        end_cycles++;
        if (end_cycles == 100) begin
          $display("  %0d packets with a timed-out beat", n_tmo_pkts);
          $display("  %0d packets (%0d broken), %0d beats (%0d with an error), %0d bursts cut at 4 KiB, %0d unsolicited beats, %0d cycles with the ring nearly full",
                   n_alloc, n_markers, beats_taken, n_err_beats, n_4k, n_bogus, n_ring_full);
          $display("  most beats outstanding %0d (limit %0d), most bursts outstanding %0d (limit %0d)",
                   max_out_beats, OUTSTANDING_BEATS, max_out_bursts, OUTSTANDING_BURSTS);
          $display("  %0d USO packets (%0d in closing runs, %0d of them with a marker waiting), %0d boundary-sum entries checked; %0d cycles a marker waited for boundary-sum room, word FIFO up to %0d",
                   n_uso, n_uso_runs, $countones(run_waited), n_bsum_entries, n_marker_wait, max_bsum_fill);
          if (n_markers < 10 || n_err_beats < 10 || n_tmo_pkts < 3 || n_4k < 10 || n_bogus != 5 ||
              (RING_MULT == 1 && n_ring_full < 100) || max_out_beats <= OUTSTANDING_BEATS - MAX_BURST ||
              max_out_bursts < OUTSTANDING_BURSTS - 1 || (CHECK_RATE && n_rate_checks == 0) || n_uso_runs != USO_RUNS || n_uso < USO_RUNS + 4 ||
              run_waited != '1)
            fail("scenario not covered");
          finish();
        end
      end
    end
  end

endmodule

`default_nettype wire
