// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_hdr_parse: parses and checks the headers of a UFO packet from the captured header window
// (Ethernet II, up to two 802.1Q/802.1ad tags, IPv4, UDP) and computes the two sums the
// fragmenter needs:
//  - prefix_sum: 16-bit word sum of the frame bytes before the UDP header, so that
//    UDP sum = frame sum - prefix sum, without a second pass over the payload;
//  - ip_base_sum: the IPv4 header's word sum without total length, flags/offset and checksum,
//    the three fields that differ per fragment.
// A small sequential machine (one header word per cycle) keeps the logic to a byte mux.
`default_nettype none
`timescale 1ns / 1ps

module ufo_hdr_parse
#(
    parameter int HDR_BYTES = 128,   // header window in bytes
    parameter int LEN_WIDTH = 17     // packet length width in bytes
) (
    input  wire logic                   clk,
    input  wire logic                   rst_n,

    input  wire logic                   start,       // one-cycle pulse; inputs stable until done
    input  wire logic [8*HDR_BYTES-1:0] hdr_bytes,   // frame byte i at [8i+7:8i]
    input  wire logic [LEN_WIDTH-1:0]   frame_len,   // whole frame in bytes
    input  wire logic [15:0]            head_len,    // first buffer in bytes
    input  wire logic [15:0]            ufo_size,

    output      logic                   done,        // one-cycle pulse, results below valid
    output      logic [7:0]             status,      // ufo_pkg::ST_OK, ufo_pkg::ST_HEADER or ufo_pkg::ST_UFO_SIZE
    output      logic [7:0]             l3_off,      // IPv4 header start
    output      logic [7:0]             l4_off,      // UDP header start
    output      logic [15:0]            ip_payload_len,
    output      logic [15:0]            frag_base,   // input fragment offset in bytes
    output      logic                   in_mf,       // input MF flag (kept on every fragment)
    output      logic [15:0]            ip_base_sum, // folded
    output      logic [15:0]            prefix_sum   // folded
);
  initial begin
    if (HDR_BYTES < 64 || HDR_BYTES > 256 || HDR_BYTES % 8 != 0) begin
      $error("ufo_hdr_parse: HDR_BYTES must be a multiple of 8 in 64..256");
      $finish;
    end
  end

  typedef enum logic [2:0] {S_IDLE, S_ETH, S_IP, S_SUM, S_DONE} state_e;
  state_e state_q;

  logic [8:0]  pos_q;       // header byte position being examined
  logic [1:0]  tags_q;      // VLAN tags seen
  logic [8:0]  l3_q, l4_q;
  logic [31:0] prefix_q, ip_sum_q;
  logic [7:0]  status_q;

  // Byte reader over the window; positions past the window read 0 (every use is range-checked).
  function automatic logic [7:0] hbyte(input logic [8:0] p);
    hbyte = (p < 9'(HDR_BYTES)) ? hdr_bytes[8*p[$clog2(HDR_BYTES)-1:0] +: 8] : 8'h00;
  endfunction
  function automatic logic [15:0] hword(input logic [8:0] p);
    hword = {hbyte(p), hbyte(p + 9'd1)};
  endfunction

  // Headers may only use bytes inside both the first buffer and the capture window.
  logic [16:0] window;
  assign window = (head_len < 16'(HDR_BYTES)) ? {1'b0, head_len} : 17'(HDR_BYTES);

  logic [15:0] ethertype, tot_len, udp_len;

  logic [3:0]  version, ihl;
  logic [7:0]  proto;
  logic [8:0]  l4_calc;
  assign ethertype = hword(pos_q);
  logic [7:0]  ver_ihl;
  logic [15:0] frag_word;
  assign ver_ihl   = hbyte(l3_q);
  assign frag_word = hword(l3_q + 9'd6);
  assign version   = ver_ihl[7:4];
  assign ihl       = ver_ihl[3:0];
  assign tot_len   = hword(l3_q + 9'd2);
  assign proto     = hbyte(l3_q + 9'd9);
  assign l4_calc   = l3_q + {3'b0, ihl, 2'b00};
  assign udp_len   = hword(l4_calc + 9'd4);

  // In S_SUM, pos_q walks the even positions below l4; which IPv4 words are per-fragment fields
  logic [8:0] ip_rel;
  logic       per_frag_word;
  assign ip_rel        = pos_q - l3_q;
  assign per_frag_word = (ip_rel == 9'd2) || (ip_rel == 9'd6) || (ip_rel == 9'd10);

  function automatic logic [15:0] fold(input logic [31:0] s);
    logic [16:0] t;
    t    = 17'(s[31:16]) + 17'(s[15:0]);
    fold = t[15:0] + 16'(t[16]);
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      state_q <= S_IDLE;
      done    <= 1'b0;
    end else begin
      done <= 1'b0;
      unique case (state_q)
        S_IDLE: if (start) begin
          state_q  <= S_ETH;
          pos_q    <= 9'd12;
          tags_q   <= '0;
          prefix_q <= '0;
          ip_sum_q <= '0;
          status_q <= ufo_pkg::ST_OK;
        end
        S_ETH: begin
          if ((ethertype == ufo_pkg::ETHERTYPE_VLAN || ethertype == ufo_pkg::ETHERTYPE_QINQ) && tags_q != 2'd2) begin
            tags_q <= tags_q + 1'b1;
            pos_q  <= pos_q + 9'd4;
          end else begin
            l3_q    <= pos_q + 9'd2;
            state_q <= (ethertype == ufo_pkg::ETHERTYPE_IPV4) ? S_IP : S_DONE;
            if (ethertype != ufo_pkg::ETHERTYPE_IPV4) status_q <= ufo_pkg::ST_HEADER;
          end
        end
        S_IP: begin
          l4_q  <= l4_calc;
          pos_q <= '0;
          if (version != 4'd4 || ihl < 4'd5 || 17'(l4_calc) + 17'd8 > window ||
              proto != ufo_pkg::IPPROTO_UDP || LEN_WIDTH'(tot_len) + LEN_WIDTH'(l3_q) != frame_len ||
              udp_len != tot_len - {10'b0, ihl, 2'b00}) begin
            status_q <= ufo_pkg::ST_HEADER;
            state_q  <= S_DONE;
          end else if (ufo_size < 16'd8) begin
            status_q <= ufo_pkg::ST_UFO_SIZE;
            state_q  <= S_DONE;
          end else begin
            state_q <= S_SUM;
          end
        end
        S_SUM: begin
          if (pos_q == l4_q) begin
            state_q <= S_DONE;
          end else begin
            prefix_q <= prefix_q + 32'(hword(pos_q));
            if (pos_q >= l3_q && !per_frag_word) ip_sum_q <= ip_sum_q + 32'(hword(pos_q));
            pos_q <= pos_q + 9'd2;
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

  assign status         = status_q;
  assign l3_off         = l3_q[7:0];
  assign l4_off         = l4_q[7:0];
  assign ip_payload_len = tot_len - {10'b0, ihl, 2'b00};
  assign frag_base      = {frag_word[12:0], 3'b000};
  assign in_mf          = frag_word[13];

  // DF and the reserved bit are not carried: ip_do_fragment rewrites the field without them.
  logic unused_df;
  assign unused_df = ^frag_word[15:14];
  assign ip_base_sum    = fold(ip_sum_q);
  assign prefix_sum     = fold(prefix_q);
endmodule

`default_nettype wire
