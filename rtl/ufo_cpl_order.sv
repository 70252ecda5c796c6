// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_cpl_order: requests one completion per packet, in packet order (cpl_ptr), once the
// fragmenter is done with it and, if it sent frames, once the MAC has taken its last frame
// (pkt_sent pulses arrive in packet order; packets without frames complete right away).
// Issuing the request frees the packet's tag.
`default_nettype none
`timescale 1ns / 1ps

module ufo_cpl_order #(
    parameter int NUM_PKTS = 32,
    localparam int TAG_W = $clog2(NUM_PKTS)
) (
    input  wire logic             clk,
    input  wire logic             rst_n,

    input  wire logic [TAG_W:0]   frag_ptr,
    input  wire logic             pkt_sent,
    output      logic [TAG_W-1:0] tbl_rd_tag,
    input  wire ufo_pkg::pkt_rec_t         rec,
    input  wire ufo_pkg::tx_res_t          tx,
    output      logic [TAG_W:0]   cpl_ptr,

    output      logic             req_valid,
    input  wire logic             req_ready,
    output      logic [15:0]      req_desc_index,
    output      logic [15:0]      req_desc_count,
    output      logic [7:0]       req_status,
    output      logic [15:0]      req_frames,
    output      logic [31:0]      req_wire_bytes
);
  logic [TAG_W:0] cpl_ptr_q;
  logic [TAG_W:0] sent_q;     // packets whose last frame left and whose completion is not out
  logic           needs_sent, fire;

  assign tbl_rd_tag = cpl_ptr_q[TAG_W-1:0];
  assign cpl_ptr    = cpl_ptr_q;
  assign needs_sent = tx.frames != '0;
  assign req_valid  = cpl_ptr_q != frag_ptr && (!needs_sent || sent_q != '0);
  assign fire       = req_valid && req_ready;

  assign req_desc_index = rec.desc_index;
  assign req_desc_count = rec.desc_count;
  assign req_status     = tx.status;
  assign req_frames     = tx.frames;
  assign req_wire_bytes = tx.wire_bytes;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cpl_ptr_q  <= '0;
      sent_q <= '0;
    end else begin
      if (fire) cpl_ptr_q <= cpl_ptr_q + 1'b1;
      sent_q <= sent_q + (TAG_W+1)'(pkt_sent) - (TAG_W+1)'(fire && needs_sent);
    end
  end

  logic unused;
  assign unused = ^{rec};

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n && pkt_sent && sent_q == (TAG_W+1)'(NUM_PKTS))
      $error("%m: more packets sent than in flight at %0t", $time);
  end
`endif
endmodule

`default_nettype wire
