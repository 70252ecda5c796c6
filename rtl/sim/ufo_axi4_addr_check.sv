// Language: SystemVerilog (IEEE 1800-2017), simulation only (see ufo_handshake_check.sv).
// ufo_axi4_addr_check: the burst rules of one AXI4 address channel (AR or AW) of the engine's
// master port, checked on every handshake: INCR burst, AxSIZE the full beat, within one 4 KiB
// page. Rules "<NAME>_incr", "<NAME>_size", "<NAME>_4k" (e.g. axi4.ar_4k); ufo_axi4_check has one
// per address channel.
`default_nettype none
`timescale 1ns / 1ps

module ufo_axi4_addr_check #(
    parameter string NAME       = "axi4.ar",  // rule prefix
    parameter int    DATA_WIDTH = 64,
    parameter int    ADDR_WIDTH = 64,
    localparam int   KEEP_WIDTH = DATA_WIDTH / 8
) (
    input wire logic                  clk,
    input wire logic                  rst_n,
    input wire logic [63:0]           cycle,
    input wire logic [ADDR_WIDTH-1:0] addr,
    input wire logic [7:0]            len,
    input wire logic [2:0]            size,
    input wire logic [1:0]            burst,
    input wire logic                  valid,
    input wire logic                  ready
);
  localparam logic [2:0] BEAT_SIZE = 3'($clog2(KEEP_WIDTH));

  // the burst's first beat (address aligned down to the beat) plus len + 1 beats
  function automatic logic crosses_4k(input logic [11:0] page_offset, input logic [7:0] beats_less_1);
    int first;
    first = int'(page_offset) & ~(KEEP_WIDTH - 1);
    return first + (int'(beats_less_1) + 1) * KEEP_WIDTH > 4096;
  endfunction

  always_ff @(posedge clk) begin
    if (rst_n && valid && ready) begin
      if (burst != 2'b01)
        $error("[%s_incr] burst type %0d is not INCR at cycle %0d", NAME, burst, cycle);
      if (size != BEAT_SIZE)
        $error("[%s_size] size %0d is not the beat (%0d) at cycle %0d", NAME, size, BEAT_SIZE, cycle);
      if (crosses_4k(addr[11:0], len))
        $error("[%s_4k] burst of %0d beats at %h crosses a 4 KiB boundary at cycle %0d",
               NAME, int'(len) + 1, addr, cycle);
    end
  end
endmodule

`default_nettype wire
