// Language: SystemVerilog (IEEE 1800-2017), simulation only (see ufo_handshake_check.sv).
// ufo_ring_check: TX_HEAD stays within the ring: it never passes TX_TAIL, so the descriptors
// between them (free-running 16-bit indices) are never more than the ring holds. Bound into
// ufo_csr, which holds both indices (ufo_nic_top_bind.sv).
`default_nettype none
`timescale 1ns / 1ps

module ufo_ring_check (
    input wire logic        clk,
    input wire logic        rst_n,
    input wire logic [15:0] tx_head,
    input wire logic [15:0] tx_tail,
    input wire logic [3:0]  ring_log2
);
  logic [63:0] cycle_q;   // rising edges since time 0, as the Rust test bench counts them
  initial cycle_q = 64'd0;
  always_ff @(posedge clk) cycle_q <= cycle_q + 64'd1;

  always_ff @(posedge clk) begin
    if (rst_n && 17'(16'(tx_tail - tx_head)) > (17'h1 << ring_log2))
      $error("[engine.tx_head_in_ring] TX_HEAD %0d passed TX_TAIL %0d (ring of %0d) at cycle %0d",
             tx_head, tx_tail, 17'h1 << ring_log2, cycle_q + 64'd1);
  end
endmodule

`default_nettype wire
