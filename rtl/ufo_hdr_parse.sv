// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_hdr_parse: parses and checks the headers of a packet from the captured header window and
// computes what the fragmenter and the checksum need. A small sequential machine (one header,
// option or 16-bit word per cycle) keeps the logic to byte muxes.
//
// UFO packets: Ethernet II, up to two 802.1Q/802.1ad tags, then
//  - IPv4 + UDP: options are walked as ip_options_fragment does, marking the bytes of options
//    without the copied flag, which later fragments carry as NOOP;
//  - IPv6 + extension headers + UDP: the chain is walked as ip6_find_1stfragopt does: Hop-by-Hop,
//    Routing, and Destination Options before a Routing header are unfragmentable; the Fragment
//    header goes where the walk stops. Fragmentable Destination Options may follow, then UDP.
//    At most MAX_EXT extension headers, all inside the window, or the packet is refused.
// Plain packets with checksum offload: only the sum of the bytes before csum_start is needed.
//
// Sums (16-bit words aligned to even frame offsets, unfolded until the end):
//  - prefix_sum: bytes before the checksum start (the UDP header, or csum_start; an odd start
//    includes only the high byte of its word), so that sum from start = frame sum - prefix;
//  - ip_base_first / ip_base_later: IPv4 header without total length, flags/offset and checksum,
//    as fragment 0 and as later fragments (options NOOPed) carry it.
`default_nettype none
`timescale 1ns / 1ps

module ufo_hdr_parse #(
    parameter int HDR_BYTES = 128,   // header window in bytes
    parameter int LEN_WIDTH = 17,    // packet length width in bytes
    parameter int MAX_EXT   = 4      // IPv6 extension headers the walk accepts
) (
    input  wire logic                   clk,
    input  wire logic                   rst_n,

    input  wire logic                   start,       // one-cycle pulse; inputs stable until done
    input  wire logic [8*HDR_BYTES-1:0] hdr_bytes,   // frame byte i at [8i+7:8i]
    input  wire logic [LEN_WIDTH-1:0]   frame_len,   // whole frame in bytes
    input  wire logic [15:0]            head_len,    // first buffer in bytes
    input  wire logic                   ufo,         // descriptor UFO flag
    input  wire logic                   csum,        // descriptor CSUM flag
    input  wire logic [15:0]            ufo_size,
    input  wire logic [15:0]            csum_start,  // plain checksum offload
    input  wire logic [15:0]            csum_offset,

    output      logic                   done,        // one-cycle pulse, results below valid
    output      logic [7:0]             status,      // ST_OK, ST_HEADER or ST_UFO_SIZE
    output      logic                   is_v6,
    output      logic [7:0]             l3_off,      // IP header start
    output      logic [7:0]             l4_off,      // UDP header start
    output      logic [7:0]             unfrag_end,  // end of the part every fragment repeats
    output      logic [7:0]             nh_pos,      // IPv6: next-header byte that becomes 44
    output      logic [7:0]             fh_next,     // IPv6: next header after the unfragmentable part
    output      logic [15:0]            frag_base,   // IPv4 input fragment offset, bytes
    output      logic                   in_mf,       // IPv4 input MF flag
    output      logic [15:0]            ip_base_first,  // folded
    output      logic [15:0]            ip_base_later,  // folded
    output      logic [15:0]            prefix_sum,     // folded
    output      logic                   sum_odd,        // checksum starts at an odd offset
    output      logic [HDR_BYTES-1:0]   noop_mask       // IPv4 option bytes NOOPed after fragment 0
);
  initial begin
    if (HDR_BYTES < 64 || HDR_BYTES > 256 || HDR_BYTES % 8 != 0) begin
      $error("ufo_hdr_parse: HDR_BYTES must be a multiple of 8 in 64..256");
      $finish;
    end
  end

  localparam logic [7:0] NH_HOP = 8'd0, NH_ROUTING = 8'd43, NH_DEST = 8'd60;
  localparam int         PW = 9;   // byte position width (window <= 256, positions <= 511)

  typedef enum logic [3:0] {S_IDLE, S_ETH, S_L3, S_OPT, S_V6, S_V6_L4, S_CHECK, S_SUM, S_DONE}
      state_e;
  state_e state_q;

  logic [PW-1:0] pos_q;        // byte being examined
  logic [1:0]    tags_q;
  logic [PW-1:0] l3_q, l4_q, u_q, nh_pos_q, sum_end_q;
  logic          v6_q, rhdr_q;
  logic [2:0]    ext_q;        // extension headers walked
  logic [31:0]   prefix_q, first_q, later_q;
  logic [7:0]    status_q;
  logic [HDR_BYTES-1:0] noop_q;

  // Byte reader over the window; positions past the window read 0 (every use is range-checked).
  function automatic logic [7:0] hbyte(input logic [PW-1:0] p);
    hbyte = (p < PW'(HDR_BYTES)) ? hdr_bytes[8*p[$clog2(HDR_BYTES)-1:0] +: 8] : 8'h00;
  endfunction
  function automatic logic [15:0] hword(input logic [PW-1:0] p);
    hword = {hbyte(p), hbyte(p + 1'b1)};
  endfunction

  // Headers may only use bytes inside both the first buffer and the capture window.
  logic [16:0] window;
  assign window = (head_len < 16'(HDR_BYTES)) ? {1'b0, head_len} : 17'(HDR_BYTES);

  // Fields at the current positions
  logic [15:0] ethertype, v4_tot_len, v6_payload_len, udp_len, frag_word;
  logic [7:0]  ver_ihl, v4_proto, nh, opt_type, opt_len, ext_len8;
  logic [3:0]  ihl;
  logic [PW-1:0] v4_l4, opt_end;
  logic [11:0]   ext_len;      // up to 2048 bytes: compared before it is added to a position
  assign ethertype      = hword(pos_q);
  assign ver_ihl        = hbyte(l3_q);
  assign ihl            = ver_ihl[3:0];
  assign v4_tot_len     = hword(l3_q + PW'(2));
  assign frag_word      = hword(l3_q + PW'(6));
  assign v4_proto       = hbyte(l3_q + PW'(9));
  assign v4_l4          = l3_q + {3'b0, ihl, 2'b00};
  assign v6_payload_len = hword(l3_q + PW'(4));
  assign udp_len        = hword(l4_q + PW'(4));
  assign nh             = hbyte(nh_pos_q);        // next header of the header before pos_q
  assign ext_len8       = hbyte(pos_q + 1'b1);
  assign ext_len        = {1'b0, ext_len8, 3'b000} + 12'd8;
  assign opt_type       = hbyte(pos_q);
  assign opt_len        = hbyte(pos_q + 1'b1);
  assign opt_end        = pos_q + PW'(opt_len);

  // S_SUM walks even positions below sum_end_q; which IPv4 words change per fragment
  logic [PW-1:0] ip_rel;
  logic          per_frag_word, in_ip4_hdr, odd_tail;
  logic [15:0]   word, word_later;
  assign ip_rel        = pos_q - l3_q;
  assign per_frag_word = (ip_rel == PW'(2)) || (ip_rel == PW'(6)) || (ip_rel == PW'(10));
  assign in_ip4_hdr    = !v6_q && ufo && pos_q >= l3_q && pos_q < l4_q;
  assign odd_tail      = pos_q + 1'b1 == sum_end_q;   // an odd start: only the high byte counts
  assign word          = odd_tail ? {hbyte(pos_q), 8'h00} : hword(pos_q);
  always_comb begin
    word_later = word;
    if (noop_q[pos_q[$clog2(HDR_BYTES)-1:0]])        word_later[15:8] = 8'h01;
    if (noop_q[pos_q[$clog2(HDR_BYTES)-1:0] + 1'b1]) word_later[7:0]  = 8'h01;
  end

  task automatic fail(input logic [7:0] st);
    status_q <= st;
    state_q  <= S_DONE;
  endtask

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      state_q <= S_IDLE;
      done    <= 1'b0;
    end else begin
      done <= 1'b0;
      unique case (state_q)
        S_IDLE: if (start) begin
          pos_q    <= PW'(12);
          tags_q   <= '0;
          prefix_q <= '0;
          first_q  <= '0;
          later_q  <= '0;
          noop_q   <= '0;
          status_q <= ufo_pkg::ST_OK;
          v6_q     <= 1'b0;
          rhdr_q   <= 1'b0;
          ext_q    <= '0;
          if (ufo) begin
            state_q <= S_ETH;
          end else begin
            // plain checksum offload: sum the bytes before csum_start
            l3_q      <= '0;
            l4_q      <= '0;
            u_q       <= '0;
            sum_end_q <= PW'(csum_start);
            pos_q     <= '0;
            if (csum && (32'(csum_start) > 32'(HDR_BYTES) ||
                         32'(csum_start) + 32'(csum_offset) + 2 > 32'(frame_len))) begin
              status_q <= ufo_pkg::ST_HEADER;
              state_q  <= S_DONE;
            end else begin
              state_q <= csum ? S_SUM : S_DONE;
            end
          end
        end
        S_ETH: begin
          if ((ethertype == ufo_pkg::ETHERTYPE_VLAN || ethertype == ufo_pkg::ETHERTYPE_QINQ) &&
              tags_q != 2'd2) begin
            tags_q <= tags_q + 1'b1;
            pos_q  <= pos_q + PW'(4);
          end else begin
            l3_q     <= pos_q + PW'(2);
            nh_pos_q <= pos_q + PW'(2 + 6);    // IPv6 next header
            state_q  <= S_L3;
            if (ethertype == ufo_pkg::ETHERTYPE_IPV6) v6_q <= 1'b1;
            else if (ethertype != ufo_pkg::ETHERTYPE_IPV4) fail(ufo_pkg::ST_HEADER);
          end
        end
        S_L3: begin
          if (v6_q) begin
            pos_q <= l3_q + PW'(40);
            if (ver_ihl[7:4] != 4'd6 || 17'(l3_q) + 17'd40 > window ||
                LEN_WIDTH'(v6_payload_len) + LEN_WIDTH'(l3_q) + LEN_WIDTH'(40) != frame_len)
              fail(ufo_pkg::ST_HEADER);
            else
              state_q <= S_V6;
          end else begin
            l4_q  <= v4_l4;
            u_q   <= v4_l4;
            pos_q <= l3_q + PW'(20);
            if (ver_ihl[7:4] != 4'd4 || ihl < 4'd5 || 17'(v4_l4) + 17'd8 > window ||
                v4_proto != ufo_pkg::IPPROTO_UDP ||
                LEN_WIDTH'(v4_tot_len) + LEN_WIDTH'(l3_q) != frame_len)
              fail(ufo_pkg::ST_HEADER);
            else
              state_q <= S_OPT;
          end
        end
        S_OPT: begin
          // ip_options_fragment: stop at EOL, step over NOOP, stop at a malformed length
          if (pos_q >= l4_q || opt_type == 8'd0) begin
            state_q <= S_CHECK;
          end else if (opt_type == 8'd1) begin
            pos_q <= pos_q + 1'b1;
          end else if (opt_len < 8'd2 || opt_end > l4_q) begin
            state_q <= S_CHECK;
          end else begin
            if (!opt_type[7]) begin
              for (int i = 0; i < HDR_BYTES; i++) begin
                if (PW'(i) >= pos_q && PW'(i) < opt_end) noop_q[i] <= 1'b1;
              end
            end
            pos_q <= opt_end;
          end
        end
        S_V6: begin
          // ip6_find_1stfragopt: one extension header per cycle
          if (nh == NH_HOP || nh == NH_ROUTING || (nh == NH_DEST && !rhdr_q)) begin
            if (ext_q == 3'(MAX_EXT) || 17'(pos_q) + 17'(ext_len) > window) begin
              fail(ufo_pkg::ST_HEADER);
            end else begin
              if (nh == NH_ROUTING) rhdr_q <= 1'b1;
              ext_q    <= ext_q + 1'b1;
              nh_pos_q <= pos_q;
              pos_q    <= pos_q + PW'(ext_len);
            end
          end else begin
            u_q     <= pos_q;
            state_q <= S_V6_L4;
          end
        end
        S_V6_L4: begin
          // the fragmentable part: Destination Options after a Routing header, then UDP
          if (nh == NH_DEST && ext_q != 3'(MAX_EXT) && 17'(pos_q) + 17'(ext_len) <= window) begin
            ext_q    <= ext_q + 1'b1;
            nh_pos_q <= pos_q;
            pos_q    <= pos_q + PW'(ext_len);
          end else begin
            l4_q    <= pos_q;
            state_q <= (nh == ufo_pkg::IPPROTO_UDP && 17'(pos_q) + 17'd8 <= window) ? S_CHECK
                                                                                    : S_DONE;
            if (!(nh == ufo_pkg::IPPROTO_UDP && 17'(pos_q) + 17'd8 <= window))
              status_q <= ufo_pkg::ST_HEADER;
          end
        end
        S_CHECK: begin
          // UDP length is the whole rest of the packet; ufo_size can make progress
          sum_end_q <= l4_q;
          pos_q     <= '0;
          if (LEN_WIDTH'(udp_len) + LEN_WIDTH'(l4_q) != frame_len) fail(ufo_pkg::ST_HEADER);
          else if (ufo_size < 16'd8) fail(ufo_pkg::ST_UFO_SIZE);
          else state_q <= S_SUM;
        end
        S_SUM: begin
          if (pos_q >= sum_end_q) begin
            state_q <= S_DONE;
          end else begin
            prefix_q <= prefix_q + 32'(word);
            if (in_ip4_hdr && !per_frag_word) begin
              first_q <= first_q + 32'(word);
              later_q <= later_q + 32'(word_later);
            end
            pos_q <= pos_q + PW'(2);
          end
        end
        S_DONE: begin
          done    <= 1'b1;
          state_q <= S_IDLE;
        end
        default: state_q <= S_IDLE;
      endcase
    end
  end

  // The IPv6 walk leaves nh_pos_q at the header before UDP; the Fragment header's "previous
  // header" is the one before u_q. Remember it when the unfragmentable walk ends.
  logic [PW-1:0] nh_at_u_q;
  logic [7:0]    fh_next_q;
  always_ff @(posedge clk) begin
    if (state_q == S_V6 && !(nh == NH_HOP || nh == NH_ROUTING || (nh == NH_DEST && !rhdr_q))) begin
      nh_at_u_q <= nh_pos_q;
      fh_next_q <= nh;
    end
  end

  assign status        = status_q;
  assign is_v6         = v6_q;
  assign l3_off        = l3_q[7:0];
  assign l4_off        = l4_q[7:0];
  assign unfrag_end    = u_q[7:0];
  assign nh_pos        = nh_at_u_q[7:0];
  assign fh_next       = fh_next_q;
  assign frag_base     = {frag_word[12:0], 3'b000};
  assign in_mf         = frag_word[13];
  assign ip_base_first = ufo_pkg::csum_fold(first_q);
  assign ip_base_later = ufo_pkg::csum_fold(later_q);
  assign prefix_sum    = ufo_pkg::csum_fold(prefix_q);
  assign sum_odd       = sum_end_q[0];
  assign noop_mask     = noop_q;

  // DF and the reserved bit are not carried: ip_do_fragment rewrites the field without them.
  // Positions stay below the 256-byte window, so their ninth bit is never needed outside.
  logic unused_bits;
  assign unused_bits = ^{frag_word[15:14], u_q[8], nh_at_u_q[8]};
endmodule

`default_nettype wire
