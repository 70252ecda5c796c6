// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_tag_table: per-packet table indexed by the packet's tag (its sequence number modulo the
// table size). One write port, NUM_RD combinational read ports (distributed RAM, replicated per
// read port by synthesis). The stages walk the table in packet order with their own pointers,
// so an entry is written once, read by later stages, and reused only after the packet's
// completion has been issued.
`default_nettype none
`timescale 1ns / 1ps

module ufo_tag_table #(
    parameter int WIDTH  = 8,   // entry bits
    parameter int DEPTH  = 16,  // entries (power of two)
    parameter int NUM_RD = 1,   // read ports
    localparam int TAG_W = $clog2(DEPTH)
) (
    input  wire logic                          clk,

    input  wire logic                          wr_en,
    input  wire logic [TAG_W-1:0]              wr_tag,
    input  wire logic [WIDTH-1:0]              wr_data,

    input  wire logic [NUM_RD*TAG_W-1:0]       rd_tag,    // port i at [i*TAG_W +: TAG_W]
    output      logic [NUM_RD*WIDTH-1:0]       rd_data    // port i at [i*WIDTH +: WIDTH]
);
  if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin : g_bad_depth
    $fatal(1, "ufo_tag_table: DEPTH must be a power of two >= 2");
  end

  logic [WIDTH-1:0] mem [DEPTH];

  always_ff @(posedge clk) begin
    if (wr_en) mem[wr_tag] <= wr_data;
  end

  always_comb begin
    for (int i = 0; i < NUM_RD; i++) rd_data[i*WIDTH +: WIDTH] = mem[rd_tag[i*TAG_W +: TAG_W]];
  end
endmodule

`default_nettype wire
