// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_frame_reader: builds one wire frame per command: the packet's header template (registers,
// first cmd_tmpl_len bytes; with cmd_noop the marked IPv4 option bytes become NOOP) followed by
// byte range B of the packet buffer (this fragment's payload, at any byte offset), with up to
// NUM_PATCH 16-bit fields overwritten (lengths, offsets and checksums of each fragment). The
// next command is accepted in the cycle the last word of the current one is read, so frames
// follow back to back.
//
// Pipeline: issue (template word or buffer read) -> r1 (right-justify, patch) -> packer -> skid
`default_nettype none
`timescale 1ns / 1ps

module ufo_frame_reader #(
    parameter int DATA_WIDTH = 64,    // buffer word and stream width in bits
    parameter int BUF_DEPTH  = 8448,  // packet buffer words
    parameter int LEN_WIDTH  = 17,    // byte positions and lengths
    parameter int NUM_PATCH  = 4,     // 16-bit fields patched per frame
    parameter int TMPL_BYTES = 140,   // header template bytes
    localparam int KEEP_WIDTH = DATA_WIDTH / 8,
    localparam int TMPL_WORDS = (TMPL_BYTES + KEEP_WIDTH - 1) / KEEP_WIDTH,
    localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH),
    localparam int CNT_WIDTH  = LOG2_KEEP + 1,
    localparam int BUF_AW     = $clog2(BUF_DEPTH)
) (
    input  wire logic                           clk,
    input  wire logic                           rst_n,

    // frame command
    input  wire logic                           cmd_valid,
    output      logic                           cmd_ready,
    input  wire logic [7:0]                     cmd_tmpl_len,  // template bytes first (0: none)
    input  wire logic                           cmd_noop,      // apply the template's NOOP mask
    input  wire logic [LEN_WIDTH-1:0]           cmd_b_start,   // then buffer range B
    input  wire logic [LEN_WIDTH-1:0]           cmd_b_len,     // 0: template only
    input  wire logic [NUM_PATCH-1:0]           cmd_patch_en,
    input  wire logic [NUM_PATCH*LEN_WIDTH-1:0] cmd_patch_pos, // frame byte of the field's MSB
    input  wire logic [NUM_PATCH*16-1:0]        cmd_patch_val,

    // the packet's header template, stable while its frames are sent
    input  wire logic [8*TMPL_BYTES-1:0]        tmpl_bytes,
    input  wire logic [TMPL_BYTES-1:0]          tmpl_noop,

    // packet buffer read port (1-cycle latency, holds while rd_en is low)
    output      logic                           buf_rd_en,
    output      logic [BUF_AW-1:0]              buf_rd_addr,
    input  wire logic [DATA_WIDTH-1:0]          buf_rd_data,

    // AXI4-Stream master
    output      logic [DATA_WIDTH-1:0]          m_axis_tdata,
    output      logic [KEEP_WIDTH-1:0]          m_axis_tkeep,
    output      logic                           m_axis_tvalid,
    input  wire logic                           m_axis_tready,
    output      logic                           m_axis_tlast,

    // one pulse per frame accepted by the MAC, with its length
    output      logic                           frame_done,
    output      logic [LEN_WIDTH-1:0]           frame_bytes
);
  // ---------------------------------------------------------------- issue stage
  logic                  act_q, in_b_q;
  logic [BUF_AW-1:0]     word_q, last_word_q;
  logic [LOG2_KEEP-1:0]  lo_q, last_lane_q;
  logic [LEN_WIDTH-1:0]  b_start_q, b_len_q;
  logic                  noop_q;
  logic [NUM_PATCH-1:0]           patch_en_q;
  logic [NUM_PATCH*LEN_WIDTH-1:0] patch_pos_q;
  logic [NUM_PATCH*16-1:0]        patch_val_q;

  logic                  r1_valid_q, r1_last_q, r1_tmpl_q;
  logic [DATA_WIDTH-1:0] r1_tmpl_data_q;
  logic [LOG2_KEEP-1:0]  r1_lo_q;
  logic [CNT_WIDTH-1:0]  r1_cnt_q;
  logic [NUM_PATCH-1:0]           r1_patch_en_q;
  logic [NUM_PATCH*LEN_WIDTH-1:0] r1_patch_pos_q;
  logic [NUM_PATCH*16-1:0]        r1_patch_val_q;
  logic [LEN_WIDTH-1:0]  r1_frame_pos_q;    // frame byte position of the r1 chunk's lane 0

  logic pk_in_ready;
  logic issue, word_is_last, range_is_final, cmd_fire;
  logic [CNT_WIDTH-1:0] issue_cnt;

  assign issue          = act_q && (!r1_valid_q || pk_in_ready);
  assign word_is_last   = (word_q == last_word_q);
  assign range_is_final = in_b_q || b_len_q == '0;
  assign issue_cnt      = (word_is_last ? CNT_WIDTH'(last_lane_q) + 1'b1 : CNT_WIDTH'(KEEP_WIDTH))
                          - CNT_WIDTH'(lo_q);
  assign cmd_ready      = !act_q || (issue && word_is_last && range_is_final);
  assign cmd_fire       = cmd_valid && cmd_ready;

  assign buf_rd_en   = issue && in_b_q;
  assign buf_rd_addr = word_q;

  // Template words, padded to whole words; NOOP applied to the marked bytes when asked.
  logic [TMPL_WORDS*DATA_WIDTH-1:0] tmpl_flat;
  logic [TMPL_WORDS*KEEP_WIDTH-1:0] noop_flat;
  logic [DATA_WIDTH-1:0]            tmpl_word;
  assign tmpl_flat = (TMPL_WORDS*DATA_WIDTH)'(tmpl_bytes);
  assign noop_flat = (TMPL_WORDS*KEEP_WIDTH)'(tmpl_noop);
  always_comb begin
    tmpl_word = tmpl_flat[DATA_WIDTH*word_q[$clog2(TMPL_WORDS+1)-1:0] +: DATA_WIDTH];
    for (int i = 0; i < KEEP_WIDTH; i++) begin
      if (noop_q && noop_flat[KEEP_WIDTH*word_q[$clog2(TMPL_WORDS+1)-1:0] + i])
        tmpl_word[8*i +: 8] = 8'h01;
    end
  end

  // Range setup: template (from word 0) or straight to B on accept; B after the template.
  logic [LEN_WIDTH-1:0] cmd_b_end, b_end;
  logic [7:0]           tmpl_end;
  assign tmpl_end  = cmd_tmpl_len - 1'b1;
  assign cmd_b_end = cmd_b_start + cmd_b_len - 1'b1;
  assign b_end     = b_start_q + b_len_q - 1'b1;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      act_q <= 1'b0;
    end else if (cmd_fire) begin
      act_q <= 1'b1;
      if (cmd_tmpl_len != '0) begin
        in_b_q      <= 1'b0;
        word_q      <= '0;
        last_word_q <= BUF_AW'(tmpl_end) >> LOG2_KEEP;
        lo_q        <= '0;
        last_lane_q <= LOG2_KEEP'(tmpl_end);
      end else begin
        in_b_q      <= 1'b1;
        word_q      <= BUF_AW'(cmd_b_start >> LOG2_KEEP);
        last_word_q <= BUF_AW'(cmd_b_end >> LOG2_KEEP);
        lo_q        <= cmd_b_start[LOG2_KEEP-1:0];
        last_lane_q <= cmd_b_end[LOG2_KEEP-1:0];
      end
      noop_q      <= cmd_noop;
      b_start_q   <= cmd_b_start;
      b_len_q     <= cmd_b_len;
      patch_en_q  <= cmd_patch_en;
      patch_pos_q <= cmd_patch_pos;
      patch_val_q <= cmd_patch_val;
    end else if (issue) begin
      if (!word_is_last) begin
        word_q <= word_q + 1'b1;
        lo_q   <= '0;
      end else if (!range_is_final) begin
        in_b_q      <= 1'b1;
        word_q      <= BUF_AW'(b_start_q >> LOG2_KEEP);
        last_word_q <= BUF_AW'(b_end >> LOG2_KEEP);
        lo_q        <= b_start_q[LOG2_KEEP-1:0];
        last_lane_q <= b_end[LOG2_KEEP-1:0];
      end else begin
        act_q <= 1'b0;
      end
    end
  end

  // ---------------------------------------------------------------- r1 stage
  logic r1_fire;
  assign r1_fire = r1_valid_q && pk_in_ready;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      r1_valid_q     <= 1'b0;
      r1_frame_pos_q <= '0;
    end else begin
      if (issue) begin
        r1_valid_q     <= 1'b1;
        r1_lo_q        <= lo_q;
        r1_cnt_q       <= issue_cnt;
        r1_last_q      <= word_is_last && range_is_final;
        r1_tmpl_q      <= !in_b_q;
        r1_tmpl_data_q <= tmpl_word;
        r1_patch_en_q  <= patch_en_q;
        r1_patch_pos_q <= patch_pos_q;
        r1_patch_val_q <= patch_val_q;
      end else if (r1_fire) begin
        r1_valid_q <= 1'b0;
      end
      if (r1_fire) r1_frame_pos_q <= r1_last_q ? '0 : r1_frame_pos_q + LEN_WIDTH'(r1_cnt_q);
    end
  end

  // Right-justify the word, then overwrite the patched bytes that fall inside this chunk.
  logic [DATA_WIDTH-1:0] chunk;
  always_comb begin
    logic [LEN_WIDTH-1:0] rel;
    chunk = r1_tmpl_q ? r1_tmpl_data_q : buf_rd_data >> {r1_lo_q, 3'b000};
    for (int p = 0; p < NUM_PATCH; p++) begin
      for (int b = 0; b < 2; b++) begin
        rel = r1_patch_pos_q[p*LEN_WIDTH +: LEN_WIDTH] + LEN_WIDTH'(b) - r1_frame_pos_q;
        if (r1_patch_en_q[p] && rel < LEN_WIDTH'(r1_cnt_q)) begin
          chunk[8*rel[LOG2_KEEP-1:0] +: 8] = r1_patch_val_q[p*16 + 8*(1-b) +: 8];
        end
      end
    end
  end

  // ---------------------------------------------------------------- pack, skid, stream
  logic [DATA_WIDTH-1:0] pk_data;
  logic [CNT_WIDTH-1:0]  pk_cnt;
  logic                  pk_last, pk_valid, pk_ready;

  ufo_byte_packer #(.DATA_WIDTH(DATA_WIDTH)) u_packer (
      .clk      (clk),
      .rst_n    (rst_n),
      .in_data  (chunk),
      .in_cnt   (r1_cnt_q),
      .in_last  (r1_last_q),
      .in_valid (r1_valid_q),
      .in_ready (pk_in_ready),
      .out_data (pk_data),
      .out_cnt  (pk_cnt),
      .out_last (pk_last),
      .out_valid(pk_valid),
      .out_ready(pk_ready)
  );

  logic [KEEP_WIDTH-1:0] pk_keep;
  always_comb begin
    for (int i = 0; i < KEEP_WIDTH; i++) pk_keep[i] = CNT_WIDTH'(i) < pk_cnt;
  end

  ufo_skid_buffer #(.WIDTH(DATA_WIDTH + KEEP_WIDTH + 1)) u_out_skid (
      .clk    (clk),
      .rst_n  (rst_n),
      .s_data ({pk_last, pk_keep, pk_data}),
      .s_valid(pk_valid),
      .s_ready(pk_ready),
      .m_data ({m_axis_tlast, m_axis_tkeep, m_axis_tdata}),
      .m_valid(m_axis_tvalid),
      .m_ready(m_axis_tready)
  );

  // Frame statistics on the MAC side of the skid buffer: a frame counts once the MAC took it.
  logic [LEN_WIDTH-1:0] bytes_q;
  logic                 axis_fire;
  assign axis_fire = m_axis_tvalid && m_axis_tready;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      bytes_q    <= '0;
      frame_done <= 1'b0;
    end else begin
      frame_done <= axis_fire && m_axis_tlast;
      if (axis_fire) begin
        bytes_q     <= m_axis_tlast ? '0 : bytes_q + LEN_WIDTH'($countones(m_axis_tkeep));
        frame_bytes <= bytes_q + LEN_WIDTH'($countones(m_axis_tkeep));
      end
    end
  end
endmodule

`default_nettype wire
