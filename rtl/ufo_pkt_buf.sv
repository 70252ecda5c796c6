// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_pkt_buf: the store-and-forward packet buffer. Simple dual-port RAM, one write port (gather
// side) and one registered read port (frame reader side); infers block RAM on FPGAs.
`default_nettype none
`timescale 1ns / 1ps

module ufo_pkt_buf #(
    parameter int DATA_WIDTH = 64,      // word width in bits
    parameter int DEPTH      = 8448,    // words
    localparam int ADDR_WIDTH = $clog2(DEPTH)
) (
    input  wire logic                  clk,

    input  wire logic                  wr_en,
    input  wire logic [ADDR_WIDTH-1:0] wr_addr,
    input  wire logic [DATA_WIDTH-1:0] wr_data,

    input  wire logic                  rd_en,    // rd_data updates the cycle after rd_en, else holds
    input  wire logic [ADDR_WIDTH-1:0] rd_addr,
    output      logic [DATA_WIDTH-1:0] rd_data
);
  logic [DATA_WIDTH-1:0] mem [DEPTH];

  always_ff @(posedge clk) begin
    if (wr_en) mem[wr_addr] <= wr_data;
  end

  always_ff @(posedge clk) begin
    if (rd_en) rd_data <= mem[rd_addr];
  end
endmodule

`default_nettype wire
