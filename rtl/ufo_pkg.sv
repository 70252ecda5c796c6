// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_pkg: constants shared by the UFO engine's blocks (descriptor flags, completion status
// codes). Field layouts are documented in docs/architecture.md.
`default_nettype none
`timescale 1ns / 1ps

// Waiver: a package lists the whole contract; each block uses only some of its constants.
/* verilator lint_off UNUSEDPARAM */
package ufo_pkg;
  // TX descriptor flag bits (descriptor bytes 10..11)
  localparam int FLAG_SOP      = 0;
  localparam int FLAG_EOP      = 1;
  localparam int FLAG_UFO      = 2;
  localparam int FLAG_CSUM     = 3;
  localparam int FLAG_VLAN_INS = 4;

  // Completion status codes (completion byte 4)
  localparam logic [7:0] ST_OK         = 8'd0;
  localparam logic [7:0] ST_DESC_CHAIN = 8'd1;
  localparam logic [7:0] ST_DESC_DMA   = 8'd2;
  localparam logic [7:0] ST_DMA_READ   = 8'd3;
  localparam logic [7:0] ST_LENGTH     = 8'd4;
  localparam logic [7:0] ST_HEADER     = 8'd5;
  localparam logic [7:0] ST_UFO_SIZE   = 8'd6;

  // Ethernet types the parser understands
  localparam logic [15:0] ETHERTYPE_IPV4 = 16'h0800;
  localparam logic [15:0] ETHERTYPE_IPV6 = 16'h86DD;
  localparam logic [15:0] ETHERTYPE_VLAN = 16'h8100;
  localparam logic [15:0] ETHERTYPE_QINQ = 16'h88A8;
  localparam logic [7:0]  IPPROTO_UDP    = 8'd17;
  localparam logic [7:0]  NEXTHDR_FRAG   = 8'd44;

  // One's-complement fold of a 32-bit word sum into 16 bits (end-around carry, twice).
  function automatic logic [15:0] csum_fold(input logic [31:0] s);
    logic [16:0] t;
    t         = 17'(s[31:16]) + 17'(s[15:0]);
    csum_fold = t[15:0] + 16'(t[16]);
  endfunction
endpackage
/* verilator lint_on UNUSEDPARAM */

`default_nettype wire
