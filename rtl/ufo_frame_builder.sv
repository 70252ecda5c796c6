// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_frame_builder: puts the output beats together, one per cycle, the next frame starting
// the cycle after the previous frame's last beat.
//   S0  per beat: take the next ring word from the prefetch FIFO if this beat needs a new one,
//       read the template word, find the patches that fall in this beat (all from registers);
//   S1  funnel shift {hi, lo} by the frame's constant shift (one shifter);
//   S2  merge template and payload lanes, apply NOOPs and patches, keep mask and last
//   -> skid buffer (registered ready) -> AXI4-Stream.
// The whole pipeline advances together when the skid buffer can take a beat.
// The template memory holds TMPL_SLOTS packets' templates (written by the parser, slots taken
// and released in packet order); a slot is released after its packet's last beat read it.
// Statistics on the MAC side: frame_done/frame_bytes per frame the MAC took, pkt_sent when
// the last frame of a packet has been taken.
`default_nettype none
`timescale 1ns / 1ps

module ufo_frame_builder #(
    parameter int DATA_WIDTH = 64,
    parameter int HDR_BYTES  = 128,
    parameter int TMPL_SLOTS = 4,
    localparam int KEEP_WIDTH = DATA_WIDTH / 8,
    localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH),
    localparam int TMPL_BYTES = HDR_BYTES + ufo_pkg::VLAN_TAG_LEN + ufo_pkg::FRAG_HDR_LEN,
    localparam int TMPL_WORDS = (TMPL_BYTES + KEEP_WIDTH - 1) / KEEP_WIDTH,
    localparam int TMPL_WW    = $clog2(TMPL_WORDS + 1),
    localparam int TSW        = $clog2(TMPL_SLOTS)
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    input  wire logic                  plan_valid,
    output      logic                  plan_pop,
    input  wire ufo_pkg::build_plan_t           plan,

    input  wire logic                  word_valid,
    output      logic                  word_pop,
    input  wire logic [DATA_WIDTH-1:0] word,

    // template memory write port (parser) and slot release
    input  wire logic                  tmpl_wr_en,
    input  wire logic [TSW-1:0]        tmpl_wr_slot,
    input  wire logic [TMPL_WW-1:0]    tmpl_wr_word,
    input  wire logic [DATA_WIDTH-1:0] tmpl_wr_data,
    input  wire logic [KEEP_WIDTH-1:0] tmpl_wr_noop,
    output      logic [TSW:0]          tmpl_free_ptr,

    // AXI4-Stream master
    output      logic [DATA_WIDTH-1:0] m_axis_tdata,
    output      logic [KEEP_WIDTH-1:0] m_axis_tkeep,
    output      logic                  m_axis_tvalid,
    input  wire logic                  m_axis_tready,
    output      logic                  m_axis_tlast,

    output      logic                  frame_done,     // the MAC took a frame's last beat
    output      logic [ufo_pkg::LEN_WIDTH-1:0]  frame_bytes,
    output      logic                  pkt_sent        // ... and it was its packet's last frame
);
  localparam int TMPL_WORDS_P2 = 1 << $clog2(TMPL_WORDS);
  localparam int TAW           = TSW + $clog2(TMPL_WORDS_P2);
  localparam int LANE_W        = LOG2_KEEP + 1;   // 0..KEEP_WIDTH

  logic adv;   // the pipeline moves: the skid buffer takes a beat this cycle

  // ---------------------------------------------------------------- template memory
  logic [DATA_WIDTH+KEEP_WIDTH-1:0] tmpl_mem [TMPL_SLOTS * TMPL_WORDS_P2];
  always_ff @(posedge clk) begin
    if (tmpl_wr_en)
      tmpl_mem[TAW'({tmpl_wr_slot, tmpl_wr_word[$clog2(TMPL_WORDS_P2)-1:0]})] <= {tmpl_wr_noop, tmpl_wr_data};
  end

  // ---------------------------------------------------------------- S0: beat control
  ufo_pkg::build_plan_t       p_q;          // the frame being built
  logic              p_valid_q;
  logic [ufo_pkg::BEAT_W-1:0] i_q;          // its next beat
  logic [DATA_WIDTH-1:0] cur_q;    // the last ring word taken (the next beat's low word)
  logic [TSW:0]      tfree_q;

  logic [ufo_pkg::BEAT_W-1:0] hi_idx;
  logic              hi_need, hi_held, need_pop, beat_go, beat_last;
  assign hi_idx    = i_q + 1'b1;
  assign hi_need   = p_q.payload && hi_idx >= p_q.first_rel && hi_idx <= p_q.last_rel;
  assign hi_held   = p_q.shared && hi_idx == p_q.first_rel;
  assign need_pop  = hi_need && !hi_held;
  assign beat_go   = p_valid_q && adv && (!need_pop || word_valid);
  assign beat_last = i_q == p_q.beats - 1'b1;
  assign word_pop  = beat_go && need_pop;

  // take the next plan after the last beat (no gap); null plans only release their slot
  logic take_plan, release_now;
  assign take_plan   = plan_valid && (!p_valid_q || (beat_go && beat_last));
  assign plan_pop    = take_plan;
  assign release_now = beat_go && beat_last && p_q.tmpl_release;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      p_valid_q <= 1'b0;
      tfree_q   <= '0;
    end else begin
      tfree_q <= tfree_q + (TSW+1)'(release_now) + (TSW+1)'(take_plan && plan.null_cmd && plan.tmpl_release);
      if (take_plan)                   p_valid_q <= !plan.null_cmd;
      else if (beat_go && beat_last)   p_valid_q <= 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (take_plan) begin
      p_q <= plan;
      i_q <= '0;
    end else if (beat_go) begin
      i_q <= i_q + 1'b1;
    end
    if (word_pop) cur_q <= word;
  end
  assign tmpl_free_ptr = tfree_q;

  // lanes of this beat below a byte count n: clamp(n - W*i, 0, W)
  function automatic logic [LANE_W-1:0] lanes_left(input logic [ufo_pkg::LEN_WIDTH-1:0] n,
                                                   input logic [ufo_pkg::BEAT_W-1:0] i);
    logic [ufo_pkg::BEAT_W+LOG2_KEEP:0] start;
    start = {1'b0, i, {LOG2_KEEP{1'b0}}};
    if (start >= (ufo_pkg::BEAT_W+LOG2_KEEP+1)'(n))                               lanes_left = '0;
    else if ((ufo_pkg::BEAT_W+LOG2_KEEP+1)'(n) - start >= (ufo_pkg::BEAT_W+LOG2_KEEP+1)'(KEEP_WIDTH)) lanes_left = LANE_W'(KEEP_WIDTH);
    else lanes_left = LANE_W'((ufo_pkg::BEAT_W+LOG2_KEEP+1)'(n) - start);
  endfunction

  // ---------------------------------------------------------------- S1
  logic                  s1_valid_q, s1_last_q, s1_pkt_last_q, s1_noop_q;
  logic [DATA_WIDTH-1:0] s1_lo_q, s1_hi_q;
  logic [6:0]            s1_shift_q;
  logic [LANE_W-1:0]     s1_tmpl_lanes_q, s1_keep_lanes_q;
  logic [DATA_WIDTH+KEEP_WIDTH-1:0] s1_tmpl_q;
  logic [2*ufo_pkg::NUM_PATCH-1:0]           s1_hit_q;
  logic [2*ufo_pkg::NUM_PATCH*LOG2_KEEP-1:0] s1_lane_q;   // byte k at [k*LOG2_KEEP +: LOG2_KEEP]
  logic [2*ufo_pkg::NUM_PATCH*8-1:0]         s1_val_q;

  always_ff @(posedge clk) begin
    if (!rst_n) s1_valid_q <= 1'b0;
    else if (adv) s1_valid_q <= beat_go;
  end

  always_ff @(posedge clk) begin
    if (adv) begin
      s1_last_q       <= beat_last;
      s1_pkt_last_q   <= beat_last && p_q.pkt_last;
      s1_noop_q       <= p_q.noop;
      s1_lo_q         <= cur_q;
      s1_hi_q         <= hi_held ? cur_q : word;
      s1_shift_q      <= p_q.shift;
      s1_tmpl_lanes_q <= lanes_left(ufo_pkg::LEN_WIDTH'(p_q.tmpl_len), i_q);
      s1_keep_lanes_q <= lanes_left(p_q.bytes, i_q);
      s1_tmpl_q       <= tmpl_mem[TAW'({p_q.tmpl_slot[TSW-1:0], i_q[$clog2(TMPL_WORDS_P2)-1:0]})];
      for (int k = 0; k < 2 * ufo_pkg::NUM_PATCH; k++) begin
        s1_hit_q[k]                       <= p_q.patch_en[k] && p_q.patch_beat[k] == i_q;
        s1_lane_q[k*LOG2_KEEP +: LOG2_KEEP] <= LOG2_KEEP'(p_q.patch_lane[k]);
        s1_val_q[k*8 +: 8]                <= p_q.patch_byte[k];
      end
    end
  end

  // ---------------------------------------------------------------- S2
  logic                  s2_valid_q, s2_last_q, s2_pkt_last_q, s2_noop_q;
  logic [DATA_WIDTH-1:0] s2_shifted_q;
  logic [LANE_W-1:0]     s2_tmpl_lanes_q, s2_keep_lanes_q;
  logic [DATA_WIDTH+KEEP_WIDTH-1:0] s2_tmpl_q;
  logic [2*ufo_pkg::NUM_PATCH-1:0]           s2_hit_q;
  logic [2*ufo_pkg::NUM_PATCH*LOG2_KEEP-1:0] s2_lane_q;
  logic [2*ufo_pkg::NUM_PATCH*8-1:0]         s2_val_q;

  always_ff @(posedge clk) begin
    if (!rst_n) s2_valid_q <= 1'b0;
    else if (adv) s2_valid_q <= s1_valid_q;
  end

  always_ff @(posedge clk) begin
    if (adv) begin
      s2_shifted_q    <= DATA_WIDTH'({s1_hi_q, s1_lo_q} >> {s1_shift_q, 3'b000});
      s2_last_q       <= s1_last_q;
      s2_pkt_last_q   <= s1_pkt_last_q;
      s2_noop_q       <= s1_noop_q;
      s2_tmpl_lanes_q <= s1_tmpl_lanes_q;
      s2_keep_lanes_q <= s1_keep_lanes_q;
      s2_tmpl_q       <= s1_tmpl_q;
      s2_hit_q        <= s1_hit_q;
      s2_lane_q       <= s1_lane_q;
      s2_val_q        <= s1_val_q;
    end
  end

  // merge: template below tmpl_lanes, payload above; then the patched bytes
  logic [DATA_WIDTH-1:0] beat_data;
  logic [KEEP_WIDTH-1:0] beat_keep;
  always_comb begin
    for (int j = 0; j < KEEP_WIDTH; j++) begin
      logic [7:0] b;
      if (LANE_W'(j) < s2_tmpl_lanes_q)
        b = (s2_noop_q && s2_tmpl_q[DATA_WIDTH + j]) ? ufo_pkg::IPOPT_NOOP : s2_tmpl_q[8*j +: 8];
      else
        b = s2_shifted_q[8*j +: 8];
      for (int k = 0; k < 2 * ufo_pkg::NUM_PATCH; k++) begin
        if (s2_hit_q[k] && s2_lane_q[k*LOG2_KEEP +: LOG2_KEEP] == LOG2_KEEP'(j)) b = s2_val_q[k*8 +: 8];
      end
      beat_data[8*j +: 8] = b;
      beat_keep[j]        = LANE_W'(j) < s2_keep_lanes_q;
    end
  end

  // ---------------------------------------------------------------- skid buffer, stream
  logic skid_ready, m_pkt_last;
  assign adv = skid_ready;

  ufo_skid_buffer #(.WIDTH(DATA_WIDTH + KEEP_WIDTH + 2)) u_out_skid (
      .clk, .rst_n,
      .s_data ({s2_pkt_last_q, s2_last_q, beat_keep, beat_data}),
      .s_valid(s2_valid_q),
      .s_ready(skid_ready),
      .m_data ({m_pkt_last, m_axis_tlast, m_axis_tkeep, m_axis_tdata}),
      .m_valid(m_axis_tvalid),
      .m_ready(m_axis_tready)
  );

  logic [ufo_pkg::LEN_WIDTH-1:0] bytes_q;
  logic                 axis_fire;
  assign axis_fire = m_axis_tvalid && m_axis_tready;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      bytes_q    <= '0;
      frame_done <= 1'b0;
      pkt_sent   <= 1'b0;
    end else begin
      frame_done <= axis_fire && m_axis_tlast;
      pkt_sent   <= axis_fire && m_axis_tlast && m_pkt_last;
      if (axis_fire) begin
        bytes_q     <= m_axis_tlast ? '0 : bytes_q + ufo_pkg::LEN_WIDTH'($countones(m_axis_tkeep));
        frame_bytes <= bytes_q + ufo_pkg::LEN_WIDTH'($countones(m_axis_tkeep));
      end
    end
  end

  logic unused;
  assign unused = p_q.null_cmd;   // null plans never become the current frame

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (beat_go && p_q.payload && i_q == '0 && p_q.first_rel == '0 && !p_q.shared)
        $error("%m: first beat needs a word that was never read at %0t", $time);
      if (take_plan && !plan.null_cmd && plan.beats == '0)
        $error("%m: frame without beats at %0t", $time);
    end
  end
  ufo_vr_check #(.WIDTH(DATA_WIDTH + KEEP_WIDTH + 1)) u_chk_axis (
      .clk, .rst_n, .valid(m_axis_tvalid), .ready(m_axis_tready),
      .payload({m_axis_tlast, m_axis_tkeep, m_axis_tdata}));
`endif
endmodule

`default_nettype wire
