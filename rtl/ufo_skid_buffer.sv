// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_skid_buffer: two-entry register slice. Every output, including s_ready, comes from a
// register, so it cuts all combinational paths between producer and consumer at full throughput.
`default_nettype none
`timescale 1ns / 1ps

module ufo_skid_buffer #(
    parameter int WIDTH = 64    // payload bits
) (
    input  wire logic             clk,
    input  wire logic             rst_n,

    input  wire logic [WIDTH-1:0] s_data,
    input  wire logic             s_valid,
    output      logic             s_ready,

    output      logic [WIDTH-1:0] m_data,
    output      logic             m_valid,
    input  wire logic             m_ready
);
  logic [WIDTH-1:0] skid_q;
  logic             skid_valid_q;

  // s_ready is registered: it is high while the skid register is empty.
  assign s_ready = !skid_valid_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      m_valid      <= 1'b0;
      skid_valid_q <= 1'b0;
    end else begin
      if (m_ready || !m_valid) begin
        // output register free: refill from the skid register first, else from the input
        m_valid      <= skid_valid_q || s_valid;
        skid_valid_q <= 1'b0;
      end else if (s_valid && s_ready) begin
        skid_valid_q <= 1'b1;   // output stalled: park the accepted beat
      end
    end
  end

  always_ff @(posedge clk) begin
    if (m_ready || !m_valid) begin
      m_data <= skid_valid_q ? skid_q : s_data;
    end
    if (s_ready) skid_q <= s_data;
  end
endmodule

`default_nettype wire
