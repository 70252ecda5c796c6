// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_fragmenter: turns one buffered packet into frame commands for the frame reader.
//  - single mode: the whole frame, optionally with the UDP checksum patched in;
//  - fragment mode: Linux ip_do_fragment's loop with ufo_size in place of (mtu - hlen):
//      len = min(left, ufo_size); if (len < left) len &= ~7;
//    each fragment = headers [0, l4) + IP payload [l4 + off, len); total length, flags/offset
//    (DF cleared, MF unless last or the input had MF) and header checksum recomputed; the UDP
//    checksum goes into fragment 0. The header checksum is the precomputed base sum plus the two
//    per-fragment words, so each command takes one cycle.
// It counts the frames the MAC took and their bytes for the completion.
`default_nettype none
`timescale 1ns / 1ps

module ufo_fragmenter #(
    parameter int LEN_WIDTH = 17,   // byte positions and lengths
    localparam int NUM_PATCH = 4
) (
    input  wire logic                           clk,
    input  wire logic                           rst_n,

    // packet command (one-cycle pulse; inputs stable until done)
    input  wire logic                           start,
    input  wire logic                           frag_mode,
    input  wire logic [LEN_WIDTH-1:0]           frame_len,
    input  wire logic [7:0]                     l3_off,
    input  wire logic [7:0]                     l4_off,
    input  wire logic [15:0]                    ip_payload_len,
    input  wire logic [15:0]                    ufo_size,      // >= 8 in fragment mode
    input  wire logic [15:0]                    frag_base,     // input fragment offset, bytes
    input  wire logic                           in_mf,
    input  wire logic [15:0]                    ip_base_sum,   // folded
    input  wire logic                           udp_csum_en,
    input  wire logic [15:0]                    udp_csum,      // final value for the check field
    output      logic                           done,          // one-cycle pulse
    output      logic [15:0]                    frames,
    output      logic [31:0]                    wire_bytes,

    // frame commands to ufo_frame_reader
    output      logic                           cmd_valid,
    input  wire logic                           cmd_ready,
    output      logic [LEN_WIDTH-1:0]           cmd_a_start,
    output      logic [LEN_WIDTH-1:0]           cmd_a_len,
    output      logic [LEN_WIDTH-1:0]           cmd_b_start,
    output      logic [LEN_WIDTH-1:0]           cmd_b_len,
    output      logic [NUM_PATCH-1:0]           cmd_patch_en,
    output      logic [NUM_PATCH*LEN_WIDTH-1:0] cmd_patch_pos,
    output      logic [NUM_PATCH*16-1:0]        cmd_patch_val,

    // frames accepted by the MAC
    input  wire logic                           frame_done,
    input  wire logic [LEN_WIDTH-1:0]           frame_bytes
);
  logic        active_q, first_q;
  logic [15:0] off_q, left_q;      // IP payload offset and bytes still to send
  logic [15:0] issued_q, sent_q;   // frames commanded / taken by the MAC
  logic [31:0] bytes_q;

  function automatic logic [15:0] fold(input logic [31:0] s);
    logic [16:0] t;
    t    = 17'(s[31:16]) + 17'(s[15:0]);
    fold = t[15:0] + 16'(t[16]);
  endfunction

  // This fragment
  logic [15:0] len, hlen, tot_len, frag_field, ip_csum;
  logic        more;
  always_comb begin
    len = (left_q < ufo_size) ? left_q : ufo_size;
    if (len < left_q) len = len & ~16'h7;
    more       = (len != left_q) || in_mf;
    hlen       = 16'(l4_off) - 16'(l3_off);
    tot_len    = hlen + len;
    frag_field = {2'b00, more, 13'((frag_base + off_q) >> 3)};
    ip_csum    = ~fold(32'(ip_base_sum) + 32'(tot_len) + 32'(frag_field));
  end

  assign cmd_valid   = active_q;
  assign cmd_a_start = '0;
  assign cmd_a_len   = frag_mode ? LEN_WIDTH'(l4_off) : frame_len;
  assign cmd_b_start = LEN_WIDTH'(l4_off) + LEN_WIDTH'(off_q);
  assign cmd_b_len   = frag_mode ? LEN_WIDTH'(len) : '0;
  assign cmd_patch_en = frag_mode ? {udp_csum_en && first_q, 3'b111} : {udp_csum_en, 3'b000};
  assign cmd_patch_pos = {LEN_WIDTH'(l4_off) + LEN_WIDTH'(6), LEN_WIDTH'(l3_off) + LEN_WIDTH'(10),
                          LEN_WIDTH'(l3_off) + LEN_WIDTH'(6), LEN_WIDTH'(l3_off) + LEN_WIDTH'(2)};
  assign cmd_patch_val = {udp_csum, ip_csum, frag_field, tot_len};

  logic cmd_fire, last_cmd;
  assign cmd_fire = cmd_valid && cmd_ready;
  assign last_cmd = !frag_mode || len == left_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      active_q <= 1'b0;
      done     <= 1'b0;
      issued_q <= '0;
      sent_q   <= '0;
      bytes_q  <= '0;
      first_q  <= 1'b0;
      off_q    <= '0;
      left_q   <= '0;
    end else begin
      done <= 1'b0;
      if (start) begin
        active_q <= 1'b1;
        first_q  <= 1'b1;
        off_q    <= '0;
        left_q   <= ip_payload_len;
        issued_q <= '0;
        sent_q   <= '0;
        bytes_q  <= '0;
      end else begin
        if (cmd_fire) begin
          issued_q <= issued_q + 1'b1;
          first_q  <= 1'b0;
          off_q    <= off_q + len;
          left_q   <= left_q - len;
          if (last_cmd) active_q <= 1'b0;
        end
        if (frame_done) begin
          sent_q  <= sent_q + 1'b1;
          bytes_q <= bytes_q + 32'(frame_bytes);
          // the last frame of the packet has left once every command was issued and answered
          if (!active_q && sent_q + 1'b1 == issued_q) done <= 1'b1;
        end
      end
    end
  end

  assign frames     = sent_q;
  assign wire_bytes = bytes_q;
endmodule

`default_nettype wire
