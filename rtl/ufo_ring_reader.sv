// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_ring_reader: reads the ring words the frames need, one per cycle and frame after frame
// with no gap (the next plan is taken in the cycle the current one issues its last read), into
// a prefetch FIFO in front of the frame builder. The packet ring's read port has an output
// register (2 cycles from address to data), so reads are issued only while the prefetch FIFO
// has room for them and everything already in flight.
// It also releases ring space: words below the one being read are free (reads within the ring
// only move forward), and a packet's last plan frees up to the packet's end.
`default_nettype none
`timescale 1ns / 1ps

module ufo_ring_reader #(
    parameter int DATA_WIDTH = 64,
    parameter int RING_WORDS = 16384,
    parameter int PF_DEPTH   = 8,     // prefetch FIFO words (power of two, >= 4)
    localparam int RWW       = $clog2(RING_WORDS)
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    input  wire logic                  plan_valid,
    output      logic                  plan_pop,
    input  wire ufo_pkg::read_plan_t            plan,

    // packet ring read port: data two cycles after the address
    output      logic                  ring_rd_en,
    output      logic [RWW-1:0]        ring_rd_addr,
    input  wire logic [DATA_WIDTH-1:0] ring_rd_data,

    // words to the frame builder
    output      logic                  word_valid,
    input  wire logic                  word_pop,
    output      logic [DATA_WIDTH-1:0] word,

    output      logic [RWW:0]          free_word_ptr   // ring words below this are free
);
  if (PF_DEPTH < 4 || (PF_DEPTH & (PF_DEPTH - 1)) != 0) begin : g_bad_depth
    $fatal(1, "ufo_ring_reader: PF_DEPTH must be a power of two >= 4");
  end

  logic                active_q;
  logic [RWW-1:0]      cur_q;
  logic [ufo_pkg::BEAT_W-1:0]   left_q;
  logic                d1_q, d2_q;      // data valid one and two cycles after the read
  logic [RWW:0]        free_q;

  logic [$clog2(PF_DEPTH):0] pf_count;
  logic                      pf_empty, pf_full;

  logic [RWW-1:0]    src_addr;
  logic [ufo_pkg::BEAT_W-1:0] src_left;
  logic              credit, issue, skip, last_read;
  assign src_addr  = active_q ? cur_q  : RWW'(plan.first_word);
  assign src_left  = active_q ? left_q : plan.count;
  assign credit    = 32'(pf_count) + 32'(d1_q) + 32'(d2_q) < PF_DEPTH;
  assign issue     = (active_q || (plan_valid && plan.count != '0)) && credit;
  assign skip      = !active_q && plan_valid && plan.count == '0;   // a plan without reads
  assign last_read = issue && src_left == ufo_pkg::BEAT_W'(1);
  assign plan_pop  = skip || last_read;   // a plan stays at the head until its last read

  // free pointer: advance (never back) to a ring word, keeping the wrap bit
  function automatic logic [RWW:0] advance_to(input logic [RWW:0] from, input logic [RWW-1:0] to);
    logic [RWW-1:0] step;   // modulo the ring
    step       = to - from[RWW-1:0];
    advance_to = from + {1'b0, step};
  endfunction

  logic end_pkt;
  assign end_pkt = plan.pkt_last && (skip || last_read);

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      active_q <= 1'b0;
      d1_q     <= 1'b0;
      d2_q     <= 1'b0;
      free_q   <= '0;
    end else begin
      d1_q <= issue;
      d2_q <= d1_q;
      if (issue) begin
        active_q <= !last_read;
        cur_q    <= src_addr + 1'b1;
        left_q   <= src_left - 1'b1;
      end
      if (end_pkt)    free_q <= advance_to(free_q, RWW'(plan.end_word));
      else if (issue) free_q <= advance_to(free_q, src_addr);
    end
  end

  assign ring_rd_en    = issue;
  assign ring_rd_addr  = src_addr;
  assign free_word_ptr = free_q;

  ufo_fifo #(.WIDTH(DATA_WIDTH), .DEPTH(PF_DEPTH)) u_prefetch (
      .clk, .rst_n,
      .push(d2_q), .push_data(ring_rd_data), .full(pf_full),
      .pop(word_pop), .head(word), .empty(pf_empty), .count(pf_count)
  );
  assign word_valid = !pf_empty;

  logic unused;
  assign unused = ^{pf_full, plan.first_word[ufo_pkg::RING_AW-1:RWW], plan.end_word[ufo_pkg::RING_AW-1:RWW]};

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n && word_pop && pf_empty) $error("%m: word taken from an empty prefetch FIFO at %0t", $time);
  end
`endif
endmodule

`default_nettype wire
