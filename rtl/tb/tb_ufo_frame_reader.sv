// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_frame_reader: self-checking unit test of ufo_frame_reader (ufo_frame_plan,
// ufo_ring_reader, ufo_frame_builder) against a byte-level model of every frame.
//   - a packet ring model whose read data arrives two cycles after the address (as
//     ufo_pkt_buf), written by the bench the way the gather does: packet after packet from a
//     word-aligned base, only into words the reader has released (free_word_ptr), so a word
//     released too early is overwritten with new data and shows up as a wrong frame byte;
//   - a template writer (as the parser): per packet, a slot taken in order once
//     tmpl_free_ptr says one is free, every word rewritten with fresh bytes and NOOP bits, so a
//     slot released too early shows up as a wrong template byte;
//   - random packets: template length 0..140, copy length <= template length (the first frame
//     starts that many bytes into the packet, as the fragmenter does), then one frame or
//     consecutive fragments of any length (so fragments share the ring word where one ends and
//     the next begins), packets placed at any ring word so ranges wrap around the ring end,
//     later fragments with shorter templates and empty ranges, 0..4 patches anywhere in the
//     frame (across beat boundaries, over template bytes, overlapping), NOOP on or off, and
//     failed packets as one null command (with garbage in the fields it must ignore), with or
//     without ring space and a template slot to release;
//   - a sink with random tready, and phases with an always-ready sink.
// Checks: every frame byte, tkeep (contiguous, full except on the last beat), tlast,
// frame_done/frame_bytes and pkt_sent one cycle after the beat; the exact ring word sequence
// the reader reads (the shared word is not read twice) and free_word_ptr at each read (words
// below the word read are free; after a packet's last read, everything up to its end), and at
// the end; tmpl_free_ptr never ahead of the releases taken and, at each releasing frame's last
// beat, not behind; and, with the always-ready sink, no idle output cycle while a frame
// command has been in the reader for TB_LATENCY cycles (one idle cycle allowed per null
// command, which costs the builder a cycle).
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_frame_reader #(
    parameter int DATA_WIDTH = 64,
    parameter int N_PKTS     = 600     // packets per run
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_frame_reader";
  `include "tb_common.svh"

  localparam int KEEP_WIDTH = DATA_WIDTH / 8;
  localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH);
  localparam int MAX_PKT    = 700;                    // largest packet in the ring, bytes
  localparam int RING_WORDS = 1 << $clog2((4 * MAX_PKT + KEEP_WIDTH - 1) / KEEP_WIDTH);
  localparam int RWW        = $clog2(RING_WORDS);
  localparam int RING_BYTES = RING_WORDS * KEEP_WIDTH;
  localparam int HDR_BYTES  = 128;
  localparam int TMPL_SLOTS = 4;
  localparam int TSW        = $clog2(TMPL_SLOTS);
  localparam int TMPL_BYTES = HDR_BYTES + ufo_pkg::VLAN_TAG_LEN + ufo_pkg::FRAG_HDR_LEN;
  localparam int TMPL_WORDS = (TMPL_BYTES + KEEP_WIDTH - 1) / KEEP_WIDTH;
  localparam int TMPL_WW    = $clog2(TMPL_WORDS + 1);
  // cycles from a command's handshake to its first beat on the stream when the reader is idle
  // and the beat needs a ring word: plan FIFO 1, ring read 2 + prefetch FIFO 1, builder S0..S2
  // and the output register 3
  localparam int TB_LATENCY = 7;

  // ---------------------------------------------------------------- DUT
  logic                  cmd_valid = 1'b0, cmd_ready;
  ufo_pkg::frame_cmd_t   cmd = '0;
  logic                  ring_rd_en;
  logic [RWW-1:0]        ring_rd_addr;
  logic [DATA_WIDTH-1:0] ring_rd_data;
  logic [RWW:0]          free_word_ptr;
  logic                  tmpl_wr_en = 1'b0;
  logic [TSW-1:0]        tmpl_wr_slot = '0;
  logic [TMPL_WW-1:0]    tmpl_wr_word = '0;
  logic [DATA_WIDTH-1:0] tmpl_wr_data = '0;
  logic [KEEP_WIDTH-1:0] tmpl_wr_noop = '0;
  logic [TSW:0]          tmpl_free_ptr;
  logic [DATA_WIDTH-1:0] tdata;
  logic [KEEP_WIDTH-1:0] tkeep;
  logic                  tvalid, tready = 1'b0, tlast;
  logic                  frame_done, pkt_sent;
  logic [ufo_pkg::LEN_WIDTH-1:0] frame_bytes;

  ufo_frame_reader #(
      .DATA_WIDTH(DATA_WIDTH), .RING_WORDS(RING_WORDS), .HDR_BYTES(HDR_BYTES),
      .TMPL_SLOTS(TMPL_SLOTS)
  ) dut (
      .clk, .rst_n,
      .cmd_valid, .cmd_ready, .cmd,
      .ring_rd_en, .ring_rd_addr, .ring_rd_data, .free_word_ptr,
      .tmpl_wr_en, .tmpl_wr_slot, .tmpl_wr_word, .tmpl_wr_data, .tmpl_wr_noop, .tmpl_free_ptr,
      .m_axis_tdata(tdata), .m_axis_tkeep(tkeep), .m_axis_tvalid(tvalid),
      .m_axis_tready(tready), .m_axis_tlast(tlast),
      .frame_done, .frame_bytes, .pkt_sent);

  // ---------------------------------------------------------------- packet ring model
  logic [DATA_WIDTH-1:0] ring [RING_WORDS];
  logic [DATA_WIDTH-1:0] ring_q;
  always @(posedge clk) begin
    if (ring_rd_en) ring_q <= ring[ring_rd_addr];
    ring_rd_data <= ring_q;
  end

  function automatic logic [7:0] ring_byte(input logic [ufo_pkg::RING_AW-1:0] a);
    int o;
    o = int'(a) % RING_BYTES;
    return ring[o / KEEP_WIDTH][8*(o % KEEP_WIDTH) +: 8];
  endfunction

  // ---------------------------------------------------------------- bench state
  // template slots as the bench wrote them
  logic [7:0] tmpl_byte [TMPL_SLOTS][TMPL_BYTES];
  logic       tmpl_noop [TMPL_SLOTS][TMPL_BYTES];

  // commands to offer, in order, and what each one means for the checks
  ufo_pkg::frame_cmd_t cmd_q [$];
  // expected frames, in order
  logic [7:0]          exp_bytes [$];
  int                  exp_len [$];
  logic                exp_pkt_last [$];
  int                  exp_rel [$];       // releases taken up to and including this frame
  // accepted commands not yet started on the stream (for the gap check)
  int                  acc_cycle [$];
  logic                acc_null [$];
  // expected ring reads: word address, or -1 for a packet end without a read
  int                  rd_word_q [$];
  logic                rd_end_q [$];      // the packet's last read (or a packet end without)
  int                  rd_end_word_q [$];

  longint unsigned     gen_word = 0;      // ring word (unwrapped) where the next packet goes
  longint unsigned     free_model = 0;    // free_word_ptr as the bench expects it, unwrapped
  int                  tmpl_alloc = 0;    // template slots taken
  int                  rel_taken = 0;     // releasing commands accepted
  int                  rel_in_cmds = 0;   // releasing commands generated
  int                  n_pkts_gen = 0, n_frames_gen = 0;

  // statistics
  int n_frames = 0, n_beats = 0, n_nulls = 0, n_shared = 0, n_wrap = 0, n_patch_split = 0;
  int n_tmpl_only = 0, n_gap_allowed = 0, n_fast_beats = 0, n_fast_idle = 0;

  logic verbose = 1'b0;   // +verbose: print every command and beat
  initial verbose = $test$plusargs("verbose");

  // a - b for template slot counters (modulo 2 * TMPL_SLOTS, as tmpl_free_ptr counts)
  function automatic int slots_diff(input int a, input int b);
    return (a - b) & (2 * TMPL_SLOTS - 1);
  endfunction

  // ---------------------------------------------------------------- generator
  typedef enum int { G_NEW, G_SLOT, G_TMPL, G_RING } gen_state_t;
  gen_state_t gen_state = G_NEW;
  int         g_tmpl_len, g_total, g_words, g_copy;
  logic       g_null, g_tmpl_used;
  int         g_slot, g_tword;

  // random bytes for a template word: data and NOOP mask, recorded for the model
  function automatic void tmpl_word(input int slot, input int w, output logic [DATA_WIDTH-1:0] d,
                                    output logic [KEEP_WIDTH-1:0] m);
    d = DATA_WIDTH'(rnd_wide());
    m = KEEP_WIDTH'(rnd64());
    for (int i = 0; i < KEEP_WIDTH; i++) begin
      if (w * KEEP_WIDTH + i < TMPL_BYTES) begin
        tmpl_byte[slot][w * KEEP_WIDTH + i] = d[8*i +: 8];
        tmpl_noop[slot][w * KEEP_WIDTH + i] = m[i];
      end
    end
  endfunction

  // a frame command of the current packet, its expected bytes and its ring reads
  function automatic void add_frame(input logic first, input logic last, input int tlen,
                                    input logic [ufo_pkg::RING_AW-1:0] b_start, input int b_len,
                                    input logic [ufo_pkg::RING_AW-1:0] pkt_end);
    ufo_pkg::frame_cmd_t c;
    logic [7:0] f [$];
    int bytes, w0, w1, nreads;
    f.delete();   // (Verilator 5.006 keeps a local queue's contents between calls)
    c = '0;
    c.pkt_first    = first;
    c.pkt_last     = last;
    c.tmpl_release = last && g_tmpl_used;
    c.tmpl_slot    = 4'(g_slot);
    c.tmpl_len     = 8'(tlen);
    c.noop         = chance(1, 2);
    c.b_start      = b_start;
    c.b_len        = ufo_pkg::LEN_WIDTH'(b_len);
    c.pkt_end      = pkt_end;
    bytes = tlen + b_len;
    for (int i = 0; i < tlen; i++)
      f.push_back((c.noop && tmpl_noop[g_slot][i]) ? ufo_pkg::IPOPT_NOOP : tmpl_byte[g_slot][i]);
    for (int i = 0; i < b_len; i++) f.push_back(ring_byte(b_start + ufo_pkg::RING_AW'(i)));
    for (int p = 0; p < ufo_pkg::NUM_PATCH; p++) begin
      if (bytes >= 2 && chance(1, 2)) begin
        int pos;
        pos = int'(rnd(bytes - 1));
        c.patch_en[p]  = 1'b1;
        c.patch_pos[p] = ufo_pkg::LEN_WIDTH'(pos);
        c.patch_val[p] = 16'(rnd64());
        f[pos]     = c.patch_val[p][15:8];
        f[pos + 1] = c.patch_val[p][7:0];
        if ((pos + 1) % KEEP_WIDTH == 0) n_patch_split++;
      end else begin
        c.patch_pos[p] = ufo_pkg::LEN_WIDTH'(rnd64());   // ignored
        c.patch_val[p] = 16'(rnd64());
      end
    end
    if (verbose)
      $display("  %0d: gen frame %0d: first %b last %b rel %b slot %0d tmpl_len %0d noop %b b_start %0d b_len %0d pkt_end %0d patch_en %b bytes %0d",
               cycle, n_frames_gen, first, last, c.tmpl_release, g_slot, tlen, c.noop, b_start, b_len, pkt_end, c.patch_en, bytes);
    n_frames_gen++;
    foreach (f[i]) exp_bytes.push_back(f[i]);
    exp_len.push_back(bytes);
    exp_pkt_last.push_back(last);
    if (c.tmpl_release) rel_in_cmds++;
    exp_rel.push_back(rel_in_cmds);
    cmd_q.push_back(c);

    // ring words read for this frame: the words of the range, less the first one when it
    // ends the previous fragment of the packet (already read)
    nreads = 0;
    if (b_len != 0) begin
      w0 = int'(b_start) / KEEP_WIDTH;
      w1 = (int'(b_start) + b_len - 1) / KEEP_WIDTH;
      if (!first && b_start[LOG2_KEEP-1:0] != '0) begin
        w0++;
        n_shared++;
      end
      if ((int'(b_start) % RING_BYTES) + b_len > RING_BYTES) n_wrap++;
      for (int w = w0; w <= w1; w++) begin
        rd_word_q.push_back(w % RING_WORDS);
        rd_end_q.push_back(last && w == w1);
        rd_end_word_q.push_back((int'(pkt_end) / KEEP_WIDTH) % RING_WORDS);
        nreads++;
      end
    end
    if (last && nreads == 0) begin
      rd_word_q.push_back(-1);
      rd_end_q.push_back(1'b1);
      rd_end_word_q.push_back((int'(pkt_end) / KEEP_WIDTH) % RING_WORDS);
    end
    if (b_len == 0) n_tmpl_only++;
  endfunction

  // the current packet, now in the ring and (if it has one) its template written
  function automatic void add_packet();
    logic [ufo_pkg::RING_AW-1:0] base, pkt_end, start;
    int left, nfrag;
    base    = ufo_pkg::RING_AW'((gen_word % RING_WORDS) * KEEP_WIDTH);
    pkt_end = base + ufo_pkg::RING_AW'(g_words * KEEP_WIDTH);
    gen_word += g_words;
    n_pkts_gen++;
    if (g_null) begin
      ufo_pkg::frame_cmd_t c;
      logic [1023:0] r;
      r = rnd_wide();
      c = r[$bits(c)-1:0];   // every field a null command must ignore is garbage
      c.null_cmd     = 1'b1;
      c.pkt_first    = 1'b1;
      c.pkt_last     = 1'b1;
      c.tmpl_release = g_tmpl_used;
      c.tmpl_slot    = 4'(g_slot);
      c.pkt_end      = pkt_end;
      if (g_tmpl_used) rel_in_cmds++;
      if (verbose) $display("  %0d: gen null command: rel %b pkt_end %0d", cycle, g_tmpl_used, pkt_end);
      cmd_q.push_back(c);
      rd_word_q.push_back(-1);
      rd_end_q.push_back(1'b1);
      rd_end_word_q.push_back((int'(pkt_end) / KEEP_WIDTH) % RING_WORDS);
      n_nulls++;
      return;
    end
    // frames: the first starts g_copy bytes into the packet, behind the whole template
    start = base + ufo_pkg::RING_AW'(g_copy);
    left  = g_total - g_copy;
    nfrag = (left == 0 || chance(1, 3)) ? 1 : 1 + int'(rnd(left < 8 ? left : 8));
    for (int k = 0; k < nfrag; k++) begin
      int len, tlen;
      logic last;
      last = k == nfrag - 1;
      tlen = g_tmpl_len;
      if (k != 0 && chance(1, 4)) tlen = int'(rnd(g_tmpl_len + 1));   // a shorter template
      len  = last ? left : 1 + int'(rnd(left - (nfrag - 1 - k)));
      if (k != 0 && !last && tlen != 0 && chance(1, 10)) len = 0;    // an empty fragment
      add_frame(k == 0, last, tlen, start, len, pkt_end);
      start += ufo_pkg::RING_AW'(len);
      left  -= len;
    end
  endfunction

  // one generator step per cycle; drives the template write port for the next cycle
  always @(posedge clk) begin
    tmpl_wr_en <= 1'b0;
    if (rst_n && n_pkts_gen < N_PKTS) begin
      unique case (gen_state)
        G_NEW: begin
          g_null      = chance(1, 10);
          g_tmpl_len  = chance(1, 4) ? 0 : int'(rnd(TMPL_BYTES + 1));
          g_tmpl_used = g_tmpl_len != 0 || chance(1, 4);
          g_total     = chance(1, 5) ? 1 + int'(rnd(24)) : 1 + int'(rnd(MAX_PKT));
          g_copy      = int'(rnd((g_tmpl_len < g_total ? g_tmpl_len : g_total) + 1));
          g_words     = (g_total + KEEP_WIDTH - 1) / KEEP_WIDTH;
          if (g_null) g_words = chance(1, 2) ? 0 : g_words;
          if (g_null) g_tmpl_len = 0;
          gen_state   = g_tmpl_used ? G_SLOT : G_RING;
        end
        G_SLOT: begin
          if (slots_diff(tmpl_alloc, int'(tmpl_free_ptr)) < TMPL_SLOTS) begin
            g_slot = tmpl_alloc % TMPL_SLOTS;
            tmpl_alloc++;
            g_tword = 0;
            gen_state = G_TMPL;
          end
        end
        G_TMPL: begin
          logic [DATA_WIDTH-1:0] d;
          logic [KEEP_WIDTH-1:0] m;
          tmpl_word(g_slot, g_tword, d, m);
          tmpl_wr_en   <= 1'b1;
          tmpl_wr_slot <= TSW'(g_slot);
          tmpl_wr_word <= TMPL_WW'(g_tword);
          tmpl_wr_data <= d;
          tmpl_wr_noop <= m;
          g_tword++;
          if (g_tword == TMPL_WORDS) gen_state = G_RING;
        end
        G_RING: begin
          // the ring words the packet needs must be free (as the gather reserves them)
          if (int'((gen_word + longint'(g_words) - longint'(free_word_ptr)) & longint'(2 * RING_WORDS - 1)) <= RING_WORDS &&
              !(tmpl_wr_en && g_tmpl_used)) begin
            for (int w = 0; w < g_words; w++) ring[(gen_word + w) % RING_WORDS] = DATA_WIDTH'(rnd_wide());
            add_packet();
            gen_state = G_NEW;
          end
        end
      endcase
    end
  end

  // free pointer model: words below the word read are free; a packet's last read (or its end
  // without a read) frees up to its end. It only moves forward, modulo the ring.
  function automatic void free_to(input int word);
    free_model += longint'((word - int'(free_model % RING_WORDS) + RING_WORDS) % RING_WORDS);
  endfunction
  function automatic void pop_read();
    void'(rd_word_q.pop_front());
    void'(rd_end_q.pop_front());
    void'(rd_end_word_q.pop_front());
  endfunction
  function automatic void skip_ends();
    while (rd_word_q.size() != 0 && rd_word_q[0] < 0) begin
      free_to(rd_end_word_q[0]);
      pop_read();
    end
  endfunction

  // ---------------------------------------------------------------- checks and drivers
  int   out_frame = 0, out_pos = 0;   // frame on the stream and its bytes seen so far
  logic done_due = 1'b0, sent_due = 1'b0;
  int   done_len = 0;
  int   fast_phase = 0;               // 1: always-ready sink, commands offered at once
  int   tready_pct = 100, valid_pct = 100, ready_run = 0;
  int   gap_used = 0;                 // idle cycles since the last frame put down to null commands
  int   end_wait = 0;              // cycles since the last frame left

  always @(posedge clk) begin
    if (rst_n) begin
      // -------- stream
      if (frame_done !== done_due) fail($sformatf("frame_done %b, expected %b", frame_done, done_due));
      if (done_due && frame_bytes !== ufo_pkg::LEN_WIDTH'(done_len))
        fail($sformatf("frame_bytes %0d, expected %0d", frame_bytes, done_len));
      if (pkt_sent !== sent_due) fail($sformatf("pkt_sent %b, expected %b", pkt_sent, sent_due));
      done_due = 1'b0;
      sent_due = 1'b0;
      if (tvalid && tready) begin
        progress();
        if (exp_len.size() == 0) begin
          fail("beat with no frame expected");
        end else begin
          int left, n;
          if (out_pos == 0) begin
            // the frame starts: the commands before it were nulls
            while (acc_null.size() != 0 && acc_null[0]) begin
              void'(acc_null.pop_front());
              void'(acc_cycle.pop_front());
            end
            gap_used = 0;
          end
          left = exp_len[0] - out_pos;
          if (verbose) $display("  %0d: beat: frame %0d pos %0d keep %h last %b data %h", cycle, out_frame, out_pos, tkeep, tlast, tdata);
          n = left < KEEP_WIDTH ? left : KEEP_WIDTH;
          for (int i = 0; i < KEEP_WIDTH; i++) begin
            if (tkeep[i] !== (i < n)) begin
              fail($sformatf("frame %0d byte %0d: tkeep %b, expected %0d lanes", out_frame, out_pos, tkeep, n));
              break;
            end
          end
          for (int i = 0; i < n; i++) begin
            if (tdata[8*i +: 8] !== exp_bytes[i]) begin
              fail($sformatf("frame %0d (%0d bytes) byte %0d: %h, expected %h", out_frame,
                             exp_len[0], out_pos + i, tdata[8*i +: 8], exp_bytes[i]));
              break;
            end
          end
          if (tlast !== (left <= KEEP_WIDTH))
            fail($sformatf("frame %0d byte %0d: tlast %b", out_frame, out_pos, tlast));
          for (int i = 0; i < n; i++) void'(exp_bytes.pop_front());
          out_pos += n;
          n_beats++;
          if (left <= KEEP_WIDTH) begin
            // the frame's last beat: statistics next cycle, its template released by now
            done_due = 1'b1;
            done_len = exp_len[0];
            sent_due = exp_pkt_last[0];
            if (slots_diff(int'(tmpl_free_ptr), exp_rel[0]) > TMPL_SLOTS)
              fail($sformatf("frame %0d left before its template slot was released", out_frame));
            void'(exp_len.pop_front());
            void'(exp_pkt_last.pop_front());
            void'(exp_rel.pop_front());
            void'(acc_null.pop_front());
            void'(acc_cycle.pop_front());
            out_frame++;
            out_pos = 0;
            n_frames++;
          end
        end
      end

      // -------- idle output cycles with the always-ready sink
      ready_run = tready ? ready_run + 1 : 0;
      if (fast_phase != 0 && ready_run > 8) begin
        if (tvalid) n_fast_beats++;
        else begin
          // the oldest frame command in the reader (the one on the stream, or the next one)
          int k;
          k = 0;
          while (k < acc_null.size() && acc_null[k]) k++;
          if (k < acc_null.size() && acc_cycle[k] + TB_LATENCY <= int'(cycle)) begin
            if (gap_used < k) begin   // k null commands since the last frame: one cycle each
              gap_used++;
              n_gap_allowed++;
            end else begin
              fail($sformatf("idle output cycle while frame %0d has been queued since cycle %0d",
                             out_frame, acc_cycle[k]));
            end
          end
          n_fast_idle++;
        end
      end

      // -------- ring reads and free_word_ptr
      if (ring_rd_en) begin
        if (verbose) $display("  %0d: ring read of word %0d (free_word_ptr %0d)", cycle, ring_rd_addr, free_word_ptr);
        skip_ends();   // packet ends without a read come first
        if (free_word_ptr !== (RWW+1)'(free_model))
          fail($sformatf("free_word_ptr %0d at a read, expected %0d", free_word_ptr, (RWW+1)'(free_model)));
        if (rd_word_q.size() == 0) begin
          fail($sformatf("ring read of word %0d, none expected", ring_rd_addr));
        end else begin
          if (int'(ring_rd_addr) != rd_word_q[0])
            fail($sformatf("ring read of word %0d, expected %0d", ring_rd_addr, rd_word_q[0]));
          free_to(rd_end_q[0] ? rd_end_word_q[0] : rd_word_q[0]);
          pop_read();
        end
      end

      // -------- template slots: never released ahead of the releasing commands taken
      if (slots_diff(rel_taken, int'(tmpl_free_ptr)) > TMPL_SLOTS)
        fail($sformatf("tmpl_free_ptr %0d ahead of the %0d releases taken", tmpl_free_ptr, rel_taken));

      // -------- commands
      if (cmd_valid && cmd_ready) begin
        if (verbose) $display("  %0d: command taken (null %b)", cycle, cmd.null_cmd);
        acc_cycle.push_back(int'(cycle));
        acc_null.push_back(cmd.null_cmd);
        if (cmd.tmpl_release) rel_taken++;
        void'(cmd_q.pop_front());
      end
      if (cmd_valid && !cmd_ready) begin
        // hold
      end else if (cmd_q.size() != 0 && (fast_phase != 0 || rnd(100) < valid_pct)) begin
        cmd_valid <= 1'b1;
        cmd       <= cmd_q[0];
      end else begin
        logic [1023:0] r;
        r = rnd_wide();
        cmd_valid <= 1'b0;
        cmd       <= r[$bits(cmd)-1:0];
      end

      // -------- phases and the sink
      if (cycle % 700 == 0) begin
        fast_phase = 1 - fast_phase;   // always-ready sink every other phase
        tready_pct = chance(1, 3) ? 100 : 30 + int'(rnd(70));
        valid_pct  = 30 + int'(rnd(71));
      end
      tready <= (fast_phase != 0) || rnd(100) < tready_pct;

      // -------- the end
      if (n_pkts_gen == N_PKTS && cmd_q.size() == 0 && exp_len.size() == 0 && !done_due && !cmd_valid) begin
        end_wait++;
        if (end_wait > 20) begin
          skip_ends();
          if (rd_word_q.size() != 0) fail($sformatf("%0d ring reads never made", rd_word_q.size()));
          if (free_word_ptr !== (RWW+1)'(free_model))
            fail($sformatf("free_word_ptr %0d at the end, expected %0d", free_word_ptr, (RWW+1)'(free_model)));
          if (tmpl_free_ptr !== (TSW+1)'(rel_taken))
            fail($sformatf("tmpl_free_ptr %0d at the end, expected %0d", tmpl_free_ptr, (TSW+1)'(rel_taken)));
          $display("  %0d packets (%0d null), %0d frames, %0d beats; %0d shared words, %0d ranges wrapping the ring, %0d template-only frames, %0d patches across beats",
                   n_pkts_gen, n_nulls, n_frames, n_beats, n_shared, n_wrap, n_tmpl_only, n_patch_split);
          $display("  always-ready sink: %0d beats, %0d idle cycles (%0d after null commands)",
                   n_fast_beats, n_fast_idle, n_gap_allowed);
          if (n_shared < 20 || n_wrap < 5 || n_nulls < 10 || n_patch_split < 5 || n_tmpl_only < 5 ||
              n_fast_beats < n_beats / 10)
            fail("scenario not covered");
          finish();
        end
      end
    end
  end
endmodule

`default_nettype wire
