// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_fragmenter: turns one buffered packet into frame commands for the frame reader. Every frame
// is the packet's header template followed by a byte range of the packet buffer.
//  - one-frame mode (plain packets, and UFO datagrams that fit): template (empty, or the MAC
//    addresses and an inserted VLAN tag) + the rest of the frame, with the checksum patched in.
//  - fragment mode: the loop of ip_do_fragment / ip6_fragment with ufo_size in place of the
//    per-fragment bound (mtu - hlen, or mtu - hlen - 8 for IPv6):
//      len = min(left, ufo_size); if (len < left) len &= ~7;
//    each fragment = template (headers up to the end of the unfragmentable part, plus the IPv6
//    Fragment header) + payload [unfrag_end + off, len). Per fragment it patches IPv4 total
//    length, flags/offset (DF cleared, MF unless last or the input had MF) and header checksum
//    (base sum + the two per-fragment words: one adder, one cycle), or IPv6 payload length and
//    the Fragment header's offset/M; the UDP checksum goes into fragment 0. IPv4 fragments after
//    the first send the non-copied options as NOOP.
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
    input  wire logic                           is_v6,
    input  wire logic [LEN_WIDTH-1:0]           frame_len,
    input  wire logic [7:0]                     tmpl_len,      // template bytes per frame
    input  wire logic [7:0]                     copy_len,      // frame bytes the template holds
    input  wire logic                           vlan_ins,      // template has 4 more bytes at 12
    input  wire logic [7:0]                     l3_off,        // in the buffered frame
    input  wire logic [15:0]                    ufo_size,      // >= 8 in fragment mode
    input  wire logic [15:0]                    frag_base,     // IPv4 input fragment offset, bytes
    input  wire logic                           in_mf,
    input  wire logic [15:0]                    ip_base_first, // folded
    input  wire logic [15:0]                    ip_base_later, // folded
    input  wire logic                           csum_en,
    input  wire logic [LEN_WIDTH-1:0]           csum_pos,      // output position of the check field
    input  wire logic [15:0]                    csum_val,
    output      logic                           done,          // one-cycle pulse
    output      logic [15:0]                    frames,
    output      logic [31:0]                    wire_bytes,

    // frame commands to ufo_frame_reader
    output      logic                           cmd_valid,
    input  wire logic                           cmd_ready,
    output      logic [7:0]                     cmd_tmpl_len,
    output      logic                           cmd_noop,
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
  logic [15:0] off_q, left_q;      // payload offset and bytes still to send
  logic [15:0] issued_q, sent_q;   // frames commanded / taken by the MAC
  logic [31:0] bytes_q;


  // Output positions: the inserted VLAN tag shifts everything after the MAC addresses.
  logic [LEN_WIDTH-1:0] l3_out, unfrag_end;
  assign l3_out     = LEN_WIDTH'(l3_off) + (vlan_ins ? LEN_WIDTH'(4) : '0);
  assign unfrag_end = LEN_WIDTH'(copy_len);

  // This fragment
  logic [15:0] len, unfrag_ip_len, v4_tot_len, v4_frag, v4_sum, v4_csum, v6_plen, v6_frag, ip_base;
  logic        more;
  assign ip_base = first_q ? ip_base_first : ip_base_later;
  always_comb begin
    len = (left_q < ufo_size) ? left_q : ufo_size;
    if (len < left_q) len = len & ~16'h7;
    more          = len != left_q;
    unfrag_ip_len = 16'(copy_len) - 16'(l3_off);           // IP header(s) in every fragment
    v4_tot_len    = unfrag_ip_len + len;
    v4_frag       = {2'b00, more || in_mf, 13'((frag_base + off_q) >> 3)};
    v4_sum        = ufo_pkg::csum_fold(32'(ip_base) + 32'(v4_tot_len) + 32'(v4_frag));
    v4_csum       = ~v4_sum;   // (two statements: Icarus 11 aborts on ~ applied to a package call)
    v6_plen       = unfrag_ip_len - 16'd40 + 16'd8 + len;
    v6_frag       = {off_q[15:3], 2'b00, more};
  end

  logic [LEN_WIDTH-1:0] fh_out;   // IPv6 Fragment header position in the output
  assign fh_out = unfrag_end + (vlan_ins ? LEN_WIDTH'(4) : '0);

  always_comb begin
    cmd_valid     = active_q;
    cmd_tmpl_len  = tmpl_len;
    // ip_options_fragment runs only when the input itself starts at offset 0
    cmd_noop      = frag_mode && !is_v6 && !first_q && frag_base == '0;
    cmd_b_start   = frag_mode ? unfrag_end + LEN_WIDTH'(off_q) : LEN_WIDTH'(copy_len);
    cmd_b_len     = frag_mode ? LEN_WIDTH'(len) : frame_len - LEN_WIDTH'(copy_len);
    // patch 3: the transport checksum (fragment 0, or the only frame)
    cmd_patch_en  = {csum_en && first_q, 3'b000};
    cmd_patch_pos = {csum_pos, {3*LEN_WIDTH{1'b0}}};
    cmd_patch_val = {csum_val, 48'h0};
    if (frag_mode && !is_v6) begin
      cmd_patch_en[2:0]                    = 3'b111;
      cmd_patch_pos[0*LEN_WIDTH +: LEN_WIDTH] = l3_out + LEN_WIDTH'(2);
      cmd_patch_pos[1*LEN_WIDTH +: LEN_WIDTH] = l3_out + LEN_WIDTH'(6);
      cmd_patch_pos[2*LEN_WIDTH +: LEN_WIDTH] = l3_out + LEN_WIDTH'(10);
      cmd_patch_val[47:0]                  = {v4_csum, v4_frag, v4_tot_len};
    end else if (frag_mode) begin
      cmd_patch_en[1:0]                    = 2'b11;
      cmd_patch_pos[0*LEN_WIDTH +: LEN_WIDTH] = l3_out + LEN_WIDTH'(4);
      cmd_patch_pos[1*LEN_WIDTH +: LEN_WIDTH] = fh_out + LEN_WIDTH'(2);
      cmd_patch_val[31:0]                  = {v6_frag, v6_plen};
    end
  end

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
        left_q   <= 16'(frame_len - LEN_WIDTH'(copy_len));
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
