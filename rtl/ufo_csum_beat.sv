// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_csum_beat: sum of the 16-bit big-endian words of one beat (lane 2i is the high byte), the
// building block of the one's-complement checksum. The result is not folded: callers accumulate
// in a wide register and fold once at the end, which keeps the adder tree carry-free.
`default_nettype none
`timescale 1ns / 1ps

module ufo_csum_beat #(
    parameter int DATA_WIDTH = 64,      // beat width in bits
    localparam int WORDS      = DATA_WIDTH / 16,
    localparam int SUM_WIDTH  = 16 + $clog2(WORDS)
) (
    input  wire logic [DATA_WIDTH-1:0] data,
    output      logic [SUM_WIDTH-1:0]  sum
);
  always_comb begin
    sum = '0;
    for (int i = 0; i < WORDS; i++) begin
      sum = sum + SUM_WIDTH'({data[16*i + 7 -: 8], data[16*i + 15 -: 8]});
    end
  end
endmodule

`default_nettype wire
