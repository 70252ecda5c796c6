// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_frame_plan: turns a frame command (template + ring byte range + patches) into the two
// plans the frame reader runs: which ring words to read (ufo_ring_reader) and how each output
// beat is put together (ufo_frame_builder). Pure arithmetic on the command; the plans are
// written into the reader's two plan FIFOs, one command per cycle.
//
// Output beat i of a frame with template length T and range B = [b_start, b_start + L) is the
// frame's bytes [W*i, W*i + W): template bytes below T, then ring bytes from A = b_start - T on.
// With b = the ring word holding byte A-1 and shift = A - W*b (1..W), beat i is
// ({word[b+i+1], word[b+i]} >> 8*shift)[W-1:0]: one funnel shift by a per-frame constant.
// Only the words holding payload are read; consecutive fragments of a packet share the word
// where one ends and the next begins, which is read once and kept by the builder.
`default_nettype none
`timescale 1ns / 1ps

module ufo_frame_plan #(
    parameter int DATA_WIDTH = 64,
    parameter int RING_WORDS = 16384,
    localparam int KEEP_WIDTH = DATA_WIDTH / 8,
    localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH),
    localparam int RWW        = $clog2(RING_WORDS)
) (
    input  wire ufo_pkg::frame_cmd_t  cmd,
    output      ufo_pkg::read_plan_t  rplan,
    output      ufo_pkg::build_plan_t bplan
);
  // ring word addresses (RWW bits, wrapping) of the bytes that matter
  logic [ufo_pkg::RING_AW-1:0] a_minus_1, range_last;
  logic [RWW-1:0]     b, f, last;
  logic               payload, shared;

  assign payload    = cmd.b_len != '0 && !cmd.null_cmd;
  assign a_minus_1  = cmd.b_start - ufo_pkg::RING_AW'(cmd.tmpl_len) - ufo_pkg::RING_AW'(1);
  assign range_last = cmd.b_start + ufo_pkg::RING_AW'(cmd.b_len) - ufo_pkg::RING_AW'(1);
  assign b          = RWW'(a_minus_1 >> LOG2_KEEP);
  assign f          = RWW'(cmd.b_start >> LOG2_KEEP);
  assign last       = RWW'(range_last >> LOG2_KEEP);
  // the first payload word ends the previous fragment of the same packet: already held
  assign shared     = payload && !cmd.pkt_first && cmd.b_start[LOG2_KEEP-1:0] != '0;

  logic [RWW-1:0] first_rel, last_rel, count;
  assign first_rel = f - b;
  assign last_rel  = last - b;
  assign count     = last - f + RWW'(1) - RWW'(shared);

  logic [ufo_pkg::LEN_WIDTH-1:0] bytes;
  assign bytes = cmd.null_cmd ? '0 : ufo_pkg::LEN_WIDTH'(cmd.tmpl_len) + cmd.b_len;

  always_comb begin
    rplan.pkt_last   = cmd.pkt_last;
    rplan.first_word = ufo_pkg::RING_AW'(RWW'(f + RWW'(shared)));
    rplan.count      = payload ? ufo_pkg::BEAT_W'(count) : '0;
    rplan.end_word   = ufo_pkg::RING_AW'(cmd.pkt_end >> LOG2_KEEP);

    bplan.null_cmd     = cmd.null_cmd;
    bplan.pkt_last     = cmd.pkt_last;
    bplan.tmpl_release = cmd.tmpl_release;
    bplan.tmpl_slot    = cmd.tmpl_slot;
    bplan.tmpl_len     = cmd.tmpl_len;
    bplan.noop         = cmd.noop;
    bplan.shift        = 7'(a_minus_1[LOG2_KEEP-1:0]) + 7'd1;
    bplan.beats        = ufo_pkg::BEAT_W'((32'(bytes) + KEEP_WIDTH - 1) >> LOG2_KEEP);
    bplan.first_rel    = ufo_pkg::BEAT_W'(first_rel);
    bplan.last_rel     = ufo_pkg::BEAT_W'(last_rel);
    bplan.shared       = shared;
    bplan.payload      = payload;
    bplan.bytes        = bytes;
    for (int p = 0; p < ufo_pkg::NUM_PATCH; p++) begin
      for (int k = 0; k < 2; k++) begin
        logic [ufo_pkg::LEN_WIDTH-1:0] pos;
        pos = cmd.patch_pos[p] + ufo_pkg::LEN_WIDTH'(k);
        bplan.patch_en[2*p+k]   = cmd.patch_en[p] && !cmd.null_cmd;
        bplan.patch_beat[2*p+k] = ufo_pkg::BEAT_W'(pos >> LOG2_KEEP);
        bplan.patch_lane[2*p+k] = 6'(pos[LOG2_KEEP-1:0]);
        bplan.patch_byte[2*p+k] = (k == 0) ? cmd.patch_val[p][15:8] : cmd.patch_val[p][7:0];
      end
    end
  end

endmodule

`default_nettype wire
