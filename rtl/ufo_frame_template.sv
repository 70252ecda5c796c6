// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_frame_template: the header bytes every frame of a packet starts with, built once per packet
// from the header window: the first copy_len bytes of the frame, with
//  - an 802.1Q tag (TPID 0x8100, vlan_tci) inserted after the MAC addresses when vlan_ins,
//  - for IPv6 fragments, the byte at nh_pos (the next header of the last unfragmentable header)
//    set to 44 and an 8-byte Fragment header appended (next header fh_next, offset 0 and M 0 to be
//    patched per fragment, identification frag_id).
// noop_mask marks template bytes that later IPv4 fragments send as NOOP (0x01).
// Output byte i is at [8i+7:8i]; the frame reader sends it word by word.
`default_nettype none
`timescale 1ns / 1ps

module ufo_frame_template #(
    parameter int HDR_BYTES  = 128,   // header window in bytes
    parameter int TMPL_BYTES = 140    // HDR_BYTES + 4 (VLAN tag) + 8 (Fragment header)
) (
    input  wire logic                    clk,

    input  wire logic                    load,        // capture the template of this packet
    input  wire logic [8*HDR_BYTES-1:0]  hdr_bytes,
    input  wire logic [HDR_BYTES-1:0]    hdr_noop,    // per window byte
    input  wire logic [7:0]              copy_len,    // frame bytes the template starts with
    input  wire logic                    vlan_ins,
    input  wire logic [15:0]             vlan_tci,
    input  wire logic                    frag6,       // append an IPv6 Fragment header
    input  wire logic [7:0]              nh_pos,
    input  wire logic [7:0]              fh_next,
    input  wire logic [31:0]             frag_id,

    output      logic [8*TMPL_BYTES-1:0] tmpl_bytes,
    output      logic [TMPL_BYTES-1:0]   tmpl_noop,
    output      logic [7:0]              tmpl_len
);
  initial begin
    if (TMPL_BYTES < HDR_BYTES + 12) begin
      $error("ufo_frame_template: TMPL_BYTES must be at least HDR_BYTES + 12");
      $finish;
    end
  end

  localparam int PW = 9;

  logic [63:0] frag_hdr;
  assign frag_hdr = {fh_next, 8'h00, 16'h0000, frag_id};   // wire order, byte 0 first

  // The byte muxes feed registers enabled by load; written inside the clocked block so that the
  // simulator evaluates them once per packet, not every cycle.
  always_ff @(posedge clk) begin
    if (load) begin
      for (int i = 0; i < TMPL_BYTES; i++) begin
        logic [PW-1:0] src;   // where output byte i comes from in the frame
        logic [7:0]    b;
        logic          n;
        src = (vlan_ins && i >= 12) ? PW'(i - 4) : PW'(i);
        n   = 1'b0;
        if (vlan_ins && i >= 12 && i < 16) begin
          b = (i == 12) ? 8'h81 : (i == 13) ? 8'h00 : (i == 14) ? vlan_tci[15:8] : vlan_tci[7:0];
        end else if (src < PW'(copy_len)) begin
          b = hdr_bytes[8*src[$clog2(HDR_BYTES)-1:0] +: 8];
          n = hdr_noop[src[$clog2(HDR_BYTES)-1:0]];
          if (frag6 && src == PW'(nh_pos)) b = ufo_pkg::NEXTHDR_FRAG;
        end else if (frag6 && src < PW'(copy_len) + PW'(8)) begin
          b = frag_hdr[63 - 8*(src - PW'(copy_len)) -: 8];
        end else begin
          b = 8'h00;
        end
        tmpl_bytes[8*i +: 8] <= b;
        tmpl_noop[i]         <= n;
      end
      tmpl_len <= copy_len + (vlan_ins ? 8'd4 : 8'd0) + (frag6 ? 8'd8 : 8'd0);
    end
  end
endmodule

`default_nettype wire
