// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_axis_abort: the engine's AXI4-Stream output, which a soft reset may cut. In normal
// operation it is a wire (no register, no bubble) and tuser is 0. On `cut` (the cycle the
// datapath behind it is reset) a frame that has started on the stream is ended at once with an
// extra beat carrying tlast = 1 and tuser = 1 (one byte, 0x00), which tells the MAC to drop it.
// A beat already offered (tvalid without tready) cannot be withdrawn or changed, so it is held
// here and delivered first; if it was the frame's last beat the frame is complete and needs no
// terminator. A frame that has not started is not sent at all. Only rst_n resets this block.
`default_nettype none
`timescale 1ns / 1ps

module ufo_axis_abort #(
    parameter int DATA_WIDTH = 64,
    localparam int KEEP_WIDTH = DATA_WIDTH / 8
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,
    input  wire logic                  cut,        // pulse: the source is being reset

    input  wire logic [DATA_WIDTH-1:0] s_tdata,
    input  wire logic [KEEP_WIDTH-1:0] s_tkeep,
    input  wire logic                  s_tlast,
    input  wire logic                  s_tvalid,
    output      logic                  s_tready,

    output      logic [DATA_WIDTH-1:0] m_tdata,
    output      logic [KEEP_WIDTH-1:0] m_tkeep,
    output      logic                  m_tlast,
    output      logic                  m_tuser,
    output      logic                  m_tvalid,
    input  wire logic                  m_tready
);
  logic                  in_frame_q;   // beats of a frame went out, not its last one
  logic                  held_q;       // delivering the beat offered when the abort came
  logic                  term_q;       // delivering the terminating tuser beat
  logic [DATA_WIDTH-1:0] hdata_q;
  logic [KEEP_WIDTH-1:0] hkeep_q;
  logic                  hlast_q;

  logic pass, fire;
  assign pass     = !held_q && !term_q;
  assign m_tvalid = pass ? s_tvalid : 1'b1;
  assign m_tdata  = held_q ? hdata_q : term_q ? '0 : s_tdata;
  assign m_tkeep  = held_q ? hkeep_q : term_q ? KEEP_WIDTH'(1) : s_tkeep;
  assign m_tlast  = held_q ? hlast_q : term_q ? 1'b1 : s_tlast;
  assign m_tuser  = term_q;
  assign s_tready = pass && m_tready;
  assign fire     = m_tvalid && m_tready;

  logic in_frame_d;
  assign in_frame_d = fire ? !m_tlast : in_frame_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      in_frame_q <= 1'b0;
      held_q     <= 1'b0;
      term_q     <= 1'b0;
    end else begin
      in_frame_q <= in_frame_d;
      if (pass && cut) begin
        held_q <= s_tvalid && !m_tready;
        term_q <= !(s_tvalid && !m_tready) && in_frame_d;
      end else if (held_q && m_tready) begin
        held_q <= 1'b0;
        term_q <= !hlast_q;
      end else if (term_q && m_tready) begin
        term_q <= 1'b0;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (pass && cut) begin
      hdata_q <= s_tdata;
      hkeep_q <= s_tkeep;
      hlast_q <= s_tlast;
    end
  end

`ifndef SYNTHESIS
  ufo_vr_check #(.WIDTH(DATA_WIDTH + KEEP_WIDTH + 2)) u_chk_out (
      .clk, .rst_n, .valid(m_tvalid), .ready(m_tready),
      .payload({m_tdata, m_tkeep, m_tlast, m_tuser}));
`endif
endmodule

`default_nettype wire
