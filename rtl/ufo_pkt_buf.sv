// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_pkt_buf: the packet ring. Simple dual-port RAM, one write port (gather) and one read port
// with the block RAM's output register enabled (frame reader): data arrives two cycles after
// the address, and no logic sits between the RAM and the register. Infers block RAM or
// UltraRAM on FPGAs.
`default_nettype none
`timescale 1ns / 1ps

module ufo_pkt_buf #(
    parameter int DATA_WIDTH = 64,      // word width in bits
    parameter int DEPTH      = 16384,   // words
    localparam int ADDR_WIDTH = $clog2(DEPTH)
) (
    input  wire logic                  clk,

    input  wire logic                  wr_en,
    input  wire logic [ADDR_WIDTH-1:0] wr_addr,
    input  wire logic [DATA_WIDTH-1:0] wr_data,

    input  wire logic                  rd_en,
    input  wire logic [ADDR_WIDTH-1:0] rd_addr,
    output      logic [DATA_WIDTH-1:0] rd_data    // mem[rd_addr] two cycles after rd_en
);
  logic [DATA_WIDTH-1:0] mem [DEPTH];
  logic [DATA_WIDTH-1:0] ram_q;

  always_ff @(posedge clk) begin
    if (wr_en) mem[wr_addr] <= wr_data;
  end

  always_ff @(posedge clk) begin
    if (rd_en) ram_q <= mem[rd_addr];
    rd_data <= ram_q;
  end
endmodule

`default_nettype wire
