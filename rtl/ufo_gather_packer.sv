// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_gather_packer: packs the valid bytes of read beats (lanes in_lo .. in_lo+in_cnt-1) into
// consecutive full words for the packet ring; a packet's last word may be partial and is zero
// above its last byte (the checksums sum whole words). One rotation per beat: the beat is
// rotated so that lane in_lo lands on the first free lane of the hold register, and the word
// is the hold register below that lane and the rotated beat above it.
// A packet boundary costs no cycle: a beat that ends a packet can produce two words (the full
// one and the partial rest); the second waits in a spill register. words(packet) <= beats(packet)
// guarantees the spill is always free again before it is needed (asserted).
`default_nettype none
`timescale 1ns / 1ps

module ufo_gather_packer #(
    parameter int DATA_WIDTH = 64,
    parameter int ERR_W = 1,   // error flags that travel with the packet's last word
    localparam int KEEP_WIDTH = DATA_WIDTH / 8,
    localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH)
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    input  wire logic                  in_valid,
    input  wire logic                  in_marker,   // a packet without data: keep its turn
    input  wire logic [DATA_WIDTH-1:0] in_data,
    input  wire logic [LOG2_KEEP-1:0]  in_lo,
    input  wire logic [LOG2_KEEP:0]    in_cnt,      // 1..KEEP_WIDTH
    input  wire logic                  in_last,     // last beat of the packet
    input  wire logic [ERR_W-1:0]      in_err,      // travels with the packet's last word

    output      logic                  out_valid,
    output      logic                  out_marker,
    output      logic [DATA_WIDTH-1:0] out_data,
    output      logic                  out_last,
    output      logic [ERR_W-1:0]      out_err
);
  typedef struct packed {
    logic                  marker;
    logic [DATA_WIDTH-1:0] data;
    logic                  last;
    logic [ERR_W-1:0]      err;
  } item_t;

  logic [DATA_WIDTH-1:0] hold_q;
  logic [LOG2_KEEP-1:0]  hcnt_q;      // bytes held (always < KEEP_WIDTH)
  item_t                 spill_q;
  logic                  spill_valid_q;

  function automatic logic [DATA_WIDTH-1:0] lanes_below(input logic [LOG2_KEEP:0] n);
    for (int p = 0; p < KEEP_WIDTH; p++) lanes_below[8*p +: 8] = (p < 32'(n)) ? 8'hFF : 8'h00;
  endfunction

  logic [LOG2_KEEP-1:0]  rot_amt;
  logic [DATA_WIDTH-1:0] rotated, merged, below_hold;
  logic [LOG2_KEEP+1:0]  tot;
  logic [LOG2_KEEP:0]    rem;
  logic                  full_word;

  assign rot_amt    = hcnt_q - in_lo;
  assign rotated    = DATA_WIDTH'(({in_data, in_data} << {rot_amt, 3'b000}) >> DATA_WIDTH);
  assign below_hold = lanes_below({1'b0, hcnt_q});
  assign merged     = (hold_q & below_hold) | (rotated & ~below_hold);
  assign tot        = (LOG2_KEEP+2)'(hcnt_q) + (LOG2_KEEP+2)'(in_cnt);
  assign full_word  = tot >= (LOG2_KEEP+2)'(KEEP_WIDTH);
  assign rem        = (LOG2_KEEP+1)'(tot - (LOG2_KEEP+2)'(KEEP_WIDTH));

  // what this beat produces, in order
  item_t      w0, w1;
  logic [1:0] n_made;
  logic [DATA_WIDTH-1:0] hold_d;
  logic [LOG2_KEEP-1:0]  hcnt_d;

  always_comb begin
    w0     = {1'b0, merged, 1'b0, in_err};                        // marker, data, last, err
    w1     = {1'b0, rotated & lanes_below(rem), 1'b1, in_err};
    n_made = 2'd0;
    hold_d = hold_q;
    hcnt_d = hcnt_q;
    if (in_valid && in_marker) begin
      w0     = {1'b1, {DATA_WIDTH{1'b0}}, 1'b1, {ERR_W{1'b0}}};
      n_made = 2'd1;
    end else if (in_valid && full_word) begin
      w0.last = in_last && rem == '0;
      n_made  = (in_last && rem != '0) ? 2'd2 : 2'd1;
      hold_d  = rotated;
      hcnt_d  = in_last ? '0 : LOG2_KEEP'(rem);
    end else if (in_valid) begin
      w0.data = merged & lanes_below((LOG2_KEEP+1)'(tot));
      w0.last = 1'b1;
      n_made  = in_last ? 2'd1 : 2'd0;
      hold_d  = merged;
      hcnt_d  = in_last ? '0 : LOG2_KEEP'(tot);
    end
  end

  // output register first, spill second; the spill drains whenever a cycle makes < 2 items
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      hcnt_q        <= '0;
      out_valid     <= 1'b0;
      spill_valid_q <= 1'b0;
    end else begin
      hcnt_q <= hcnt_d;
      if (spill_valid_q) begin
        out_valid     <= 1'b1;
        spill_valid_q <= n_made != 2'd0;
      end else begin
        out_valid     <= n_made != 2'd0;
        spill_valid_q <= n_made == 2'd2;
      end
    end
  end

  always_ff @(posedge clk) begin
    hold_q <= hold_d;
    if (spill_valid_q) begin
      {out_marker, out_data, out_last, out_err} <= spill_q;
      spill_q <= w0;
    end else begin
      {out_marker, out_data, out_last, out_err} <= w0;
      spill_q <= w1;
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (spill_valid_q && n_made == 2'd2) $error("%m: spill overflow at %0t", $time);
      if (in_valid && !in_marker && (in_cnt == '0 || 32'(in_cnt) > KEEP_WIDTH))
        $error("%m: beat byte count out of range at %0t", $time);
      if (in_valid && in_marker && hcnt_q != '0) $error("%m: marker inside a packet at %0t", $time);
    end
  end
`endif
endmodule

`default_nettype wire
