// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_gather_packer: self-checking unit test of ufo_gather_packer against a byte-queue model.
//   - stimulus: packets of 1..12 beats, each beat a random lane range (lo, cnt) inside the beat
//     (half of them full beats, as the middle of a burst is), random in_err, markers (packets
//     without data) between packets, phases with a beat every cycle and with random gaps
//   - model: the bytes of each packet in order; a full word as soon as the bytes reach a word,
//     the packet's rest zero-padded with its last beat; a marker is one word (marker, last,
//     data 0, err 0); every word carries in_err of the beat that completed it
//   - timing: the header claims a packet boundary costs no cycle (the second word of a beat
//     waits in the spill register, and words <= beats keeps it free). So every word must leave
//     in the first cycle after the beat that completed it in which no older word is leaving:
//     the bench checks out_valid and every word against that exact schedule, and that the
//     backlog never exceeds the one word the spill register holds.
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_gather_packer #(
    parameter int DATA_WIDTH = 64,
    parameter int N_CYCLES   = 30000
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_gather_packer";
  `include "tb_common.svh"

  localparam int KEEP_WIDTH = DATA_WIDTH / 8;
  localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH);

  logic                  in_valid = 1'b0, in_marker = 1'b0, in_last = 1'b0, in_err = 1'b0;
  logic [DATA_WIDTH-1:0] in_data = '0;
  logic [LOG2_KEEP-1:0]  in_lo = '0;
  logic [LOG2_KEEP:0]    in_cnt = '0;
  logic                  out_valid, out_marker, out_last, out_err;
  logic [DATA_WIDTH-1:0] out_data;

  ufo_gather_packer #(.DATA_WIDTH(DATA_WIDTH)) dut (
      .clk, .rst_n,
      .in_valid, .in_marker, .in_data, .in_lo, .in_cnt, .in_last, .in_err,
      .out_valid, .out_marker, .out_data, .out_last, .out_err);

  // ---------------------------------------------------------------- model
  typedef struct packed {
    logic                  marker;
    logic [DATA_WIDTH-1:0] data;
    logic                  last;
    logic                  err;
    logic [31:0]           ready;   // first cycle it may leave
  } word_t;

  logic [7:0] acc [$];       // bytes of the current packet not yet in a word
  word_t      exp_q [$];
  int         beats_left = 0;          // beats of the current packet still to send
  int         n_beats = 0, n_words = 0, n_pkts = 0, n_markers = 0, n_two = 0, n_err_words = 0;
  int         gap_pct = 0;             // percentage of idle cycles

  function automatic void emit(input logic marker, input logic last, input logic err);
    word_t w;
    w.marker = marker;
    w.data   = '0;
    for (int i = 0; i < KEEP_WIDTH && acc.size() != 0; i++) w.data[8*i +: 8] = acc.pop_front();
    w.last  = last;
    w.err   = err;
    w.ready = cycle + 1;
    exp_q.push_back(w);
  endfunction

  // the beat presented this cycle
  function automatic void model_beat();
    int made;
    made = exp_q.size();
    if (in_marker) begin
      emit(1'b1, 1'b1, 1'b0);
      n_markers++;
    end else begin
      for (int i = 0; i < int'(in_cnt); i++) acc.push_back(in_data[8*(int'(in_lo) + i) +: 8]);
      while (acc.size() >= KEEP_WIDTH) emit(1'b0, in_last && acc.size() == KEEP_WIDTH, in_err);
      if (in_last && acc.size() != 0) emit(1'b0, 1'b1, in_err);
      if (in_last) n_pkts++;
    end
    if (exp_q.size() - made == 2) n_two++;
    n_beats++;
  endfunction

  // ---------------------------------------------------------------- per edge
  always @(posedge clk) begin
    if (rst_n) begin
      // outputs of this cycle against the schedule
      if (exp_q.size() != 0 && exp_q[0].ready <= cycle) begin
        word_t e;
        e = exp_q.pop_front();
        if (!out_valid) fail($sformatf("no word in a cycle one was due (word %0d)", n_words));
        else if ({out_marker, out_last, out_err} !== {e.marker, e.last, e.err} || out_data !== e.data)
          fail($sformatf("word %0d: marker/last/err %b%b%b data %h, expected %b%b%b %h", n_words,
                         out_marker, out_last, out_err, out_data, e.marker, e.last, e.err, e.data));
        n_words++;
        if (e.err) n_err_words++;
      end else if (out_valid) begin
        fail($sformatf("word %0d out of schedule (early or extra)", n_words));
      end
      // words already due and still waiting: at most the one in the spill register
      if (exp_q.size() > 1 && exp_q[1].ready <= cycle)
        fail("backlog of two words: more than the spill register holds");

      if (out_valid) progress();
      // the beat taken at this edge
      if (in_valid) model_beat();

      // the next beat
      if (cycle % 2000 == 0) gap_pct = (rnd(3) == 0) ? 0 : int'(rnd(60));
      if (cycle > N_CYCLES + RESET_CYCLES) begin
        in_valid <= 1'b0;
        if (beats_left == 0 && exp_q.size() == 0) begin
          $display("  %0d beats, %0d packets, %0d markers, %0d words (%0d with err), %0d beats made two words",
                   n_beats, n_pkts, n_markers, n_words, n_err_words, n_two);
          if (n_two < 10 || n_markers < 10) fail("packet ends with two words or markers not exercised");
          finish();
        end
      end
      if (beats_left == 0 && !(cycle > N_CYCLES + RESET_CYCLES) && chance(1, 8)) begin
        // a marker between packets
        in_valid  <= 1'b1;
        in_marker <= 1'b1;
        in_last   <= 1'b1;
        in_err    <= chance(1, 2);   // ignored for a marker
        in_data   <= DATA_WIDTH'(rnd_wide());
        in_lo     <= LOG2_KEEP'(rnd(KEEP_WIDTH));
        in_cnt    <= (LOG2_KEEP+1)'(1 + rnd(KEEP_WIDTH));
      end else if (rnd(100) >= gap_pct && (beats_left != 0 || !(cycle > N_CYCLES + RESET_CYCLES))) begin
        int lo, cnt, left;
        left = beats_left;
        if (left == 0) left = 1 + int'(rnd(rnd(2) == 0 ? 3 : 12));   // a new packet
        if (chance(1, 2)) begin
          lo  = 0;
          cnt = KEEP_WIDTH;
        end else begin
          lo  = int'(rnd(KEEP_WIDTH));
          cnt = 1 + int'(rnd(KEEP_WIDTH - lo));
        end
        in_valid  <= 1'b1;
        in_marker <= 1'b0;
        in_data   <= DATA_WIDTH'(rnd_wide());
        in_lo     <= LOG2_KEEP'(lo);
        in_cnt    <= (LOG2_KEEP+1)'(cnt);
        in_last   <= left == 1;
        in_err    <= chance(1, 20);
        beats_left = left - 1;
      end else begin
        in_valid  <= 1'b0;
        in_marker <= 1'b0;
        in_data   <= DATA_WIDTH'(rnd_wide());   // don't-care while not valid
        in_lo     <= LOG2_KEEP'(rnd(KEEP_WIDTH));
        in_cnt    <= (LOG2_KEEP+1)'(rnd(KEEP_WIDTH + 1));
        in_last   <= chance(1, 2);
        in_err    <= chance(1, 2);
      end
    end
  end
endmodule

`default_nettype wire
