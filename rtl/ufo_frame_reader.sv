// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_frame_reader: frame commands in, AXI4-Stream frames out.
//   command FIFO -> ufo_frame_plan -> read plans  -> ufo_ring_reader -> prefetch FIFO -+
//                                  -> build plans --------------------------------------+-> ufo_frame_builder -> stream
// The ring reader runs ahead of the builder by the prefetch depth; both take their next plan in
// the cycle they finish the current one, so frames leave back to back.
`default_nettype none
`timescale 1ns / 1ps

module ufo_frame_reader #(
    parameter int DATA_WIDTH  = 64,
    parameter int RING_WORDS  = 16384,
    parameter int HDR_BYTES   = 128,
    parameter int TMPL_SLOTS  = 4,
    parameter int PF_DEPTH    = 8,    // prefetch FIFO words
    parameter int PLAN_DEPTH  = 16,   // build plans queued (covers the read side's lead)
    localparam int KEEP_WIDTH = DATA_WIDTH / 8,
    localparam int RWW        = $clog2(RING_WORDS),
    localparam int TMPL_BYTES = HDR_BYTES + ufo_pkg::VLAN_TAG_LEN + ufo_pkg::FRAG_HDR_LEN,
    localparam int TMPL_WW    = $clog2((TMPL_BYTES + KEEP_WIDTH - 1) / KEEP_WIDTH + 1),
    localparam int TSW        = $clog2(TMPL_SLOTS)
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    input  wire logic                  cmd_valid,
    output      logic                  cmd_ready,
    input  wire ufo_pkg::frame_cmd_t            cmd,

    output      logic                  ring_rd_en,
    output      logic [RWW-1:0]        ring_rd_addr,
    input  wire logic [DATA_WIDTH-1:0] ring_rd_data,
    output      logic [RWW:0]          free_word_ptr,

    input  wire logic                  tmpl_wr_en,
    input  wire logic [TSW-1:0]        tmpl_wr_slot,
    input  wire logic [TMPL_WW-1:0]    tmpl_wr_word,
    input  wire logic [DATA_WIDTH-1:0] tmpl_wr_data,
    input  wire logic [KEEP_WIDTH-1:0] tmpl_wr_noop,
    output      logic [TSW:0]          tmpl_free_ptr,

    output      logic [DATA_WIDTH-1:0] m_axis_tdata,
    output      logic [KEEP_WIDTH-1:0] m_axis_tkeep,
    output      logic                  m_axis_tvalid,
    input  wire logic                  m_axis_tready,
    output      logic                  m_axis_tlast,

    output      logic                  frame_done,
    output      logic [ufo_pkg::LEN_WIDTH-1:0]  frame_bytes,
    output      logic                  pkt_sent
);
  ufo_pkg::read_plan_t  rplan, rplan_head;
  ufo_pkg::build_plan_t bplan, bplan_head;
  logic        r_full, r_empty, r_pop, b_full, b_empty, b_pop;
  logic [2:0]  r_count;
  logic [$clog2(PLAN_DEPTH):0] b_count;

  ufo_frame_plan #(.DATA_WIDTH(DATA_WIDTH), .RING_WORDS(RING_WORDS)) u_plan (
      .cmd, .rplan, .bplan);

  assign cmd_ready = !r_full && !b_full;

  ufo_fifo #(.WIDTH($bits(rplan)), .DEPTH(4)) u_rplans (
      .clk, .rst_n,
      .push(cmd_valid && cmd_ready), .push_data(rplan), .full(r_full),
      .pop(r_pop), .head(rplan_head), .empty(r_empty), .count(r_count));

  ufo_fifo #(.WIDTH($bits(bplan)), .DEPTH(PLAN_DEPTH)) u_bplans (
      .clk, .rst_n,
      .push(cmd_valid && cmd_ready), .push_data(bplan), .full(b_full),
      .pop(b_pop), .head(bplan_head), .empty(b_empty), .count(b_count));

  logic                  word_valid, word_pop;
  logic [DATA_WIDTH-1:0] word;

  ufo_ring_reader #(.DATA_WIDTH(DATA_WIDTH), .RING_WORDS(RING_WORDS), .PF_DEPTH(PF_DEPTH)) u_rd (
      .clk, .rst_n,
      .plan_valid(!r_empty), .plan_pop(r_pop), .plan(rplan_head),
      .ring_rd_en, .ring_rd_addr, .ring_rd_data,
      .word_valid, .word_pop, .word,
      .free_word_ptr);

  ufo_frame_builder #(.DATA_WIDTH(DATA_WIDTH), .HDR_BYTES(HDR_BYTES), .TMPL_SLOTS(TMPL_SLOTS)) u_build (
      .clk, .rst_n,
      .plan_valid(!b_empty), .plan_pop(b_pop), .plan(bplan_head),
      .word_valid, .word_pop, .word,
      .tmpl_wr_en, .tmpl_wr_slot, .tmpl_wr_word, .tmpl_wr_data, .tmpl_wr_noop, .tmpl_free_ptr,
      .m_axis_tdata, .m_axis_tkeep, .m_axis_tvalid, .m_axis_tready, .m_axis_tlast,
      .frame_done, .frame_bytes, .pkt_sent);

  logic unused;
  assign unused = ^{r_count, b_count};

`ifndef SYNTHESIS
  ufo_vr_check #(.WIDTH($bits(cmd))) u_chk_cmd (
      .clk, .rst_n, .valid(cmd_valid), .ready(cmd_ready), .payload(cmd));
  ufo_vr_check #(.WIDTH($bits(rplan_head))) u_chk_rplan (
      .clk, .rst_n, .valid(!r_empty), .ready(r_pop), .payload(rplan_head));
  ufo_vr_check #(.WIDTH($bits(bplan_head))) u_chk_bplan (
      .clk, .rst_n, .valid(!b_empty), .ready(b_pop), .payload(bplan_head));
  ufo_vr_check #(.WIDTH(DATA_WIDTH)) u_chk_word (
      .clk, .rst_n, .valid(word_valid), .ready(word_pop), .payload(word));
`endif
endmodule

`default_nettype wire
