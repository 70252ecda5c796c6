// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_pkg: constants and the records passed between the UFO engine's stages (descriptor,
// packet record, stage results, frame command). Field layouts in host memory are documented in
// docs/architecture.md; the pipeline and its tables in the same file, "Pipeline".
`default_nettype none
`timescale 1ns / 1ps

// Waiver: a package lists the whole contract; each block uses only some of its constants.
/* verilator lint_off UNUSEDPARAM */
package ufo_pkg;
  // ------------------------------------------------------------------ host memory formats
  localparam int DESC_BYTES = 32;   // TX descriptor
  localparam int CPL_BYTES  = 16;   // completion record

  // TX descriptor flag bits (descriptor bytes 10..11)
  localparam int FLAG_SOP      = 0;
  localparam int FLAG_EOP      = 1;
  localparam int FLAG_UFO      = 2;
  localparam int FLAG_CSUM     = 3;
  localparam int FLAG_VLAN_INS = 4;
  localparam int FLAG_USO      = 5;   // UDP segmentation (ufo_size holds gso_size); not with UFO
  // Reserved flag bits (6..15): a descriptor of a chain with any of them set is refused.
  localparam logic [15:0] FLAGS_RESERVED = 16'hFFC0;

  // Completion status codes (completion byte 4); docs/architecture.md "Status codes"
  localparam logic [7:0] ST_OK               = 8'd0;
  localparam logic [7:0] ST_CHAIN_NO_SOP     = 8'd1;    // first descriptor without SOP
  localparam logic [7:0] ST_DESC_DMA         = 8'd2;    // descriptor read SLVERR/DECERR
  localparam logic [7:0] ST_DMA_READ         = 8'd3;    // buffer read SLVERR/DECERR
  localparam logic [7:0] ST_LENGTH_ZERO      = 8'd4;    // packet total length 0
  localparam logic [7:0] ST_HDR_L2           = 8'd5;    // not Ethernet II (+ tags) + IP
  localparam logic [7:0] ST_UFO_SIZE         = 8'd6;    // ufo_size < 8, or fragments too long
  localparam logic [7:0] ST_CHAIN_SOP_INSIDE = 8'd7;    // SOP inside a chain
  localparam logic [7:0] ST_CHAIN_NO_EOP     = 8'd8;    // no EOP within MAX_DESC
  localparam logic [7:0] ST_DESC_FLAGS       = 8'd9;    // reserved flag bits set
  localparam logic [7:0] ST_LENGTH_MAX       = 8'd10;   // total length > MAX_FRAME
  localparam logic [7:0] ST_FRAME_SIZE       = 8'd11;   // plain frame over MAX_FRAME_LEN
  localparam logic [7:0] ST_HDR_IP           = 8'd12;   // IP version / IHL
  localparam logic [7:0] ST_HDR_L4           = 8'd13;   // not UDP
  localparam logic [7:0] ST_HDR_LEN          = 8'd14;   // IP or UDP length disagrees
  localparam logic [7:0] ST_HDR_EXT          = 8'd15;   // IPv4 options / IPv6 extension chain
  localparam logic [7:0] ST_HDR_SPAN         = 8'd16;   // headers past the first buffer/window
  localparam logic [7:0] ST_CSUM_POS         = 8'd17;   // checksum position outside
  localparam logic [7:0] ST_VLAN_INS         = 8'd18;   // VLAN insertion impossible
  localparam logic [7:0] ST_DESC_TIMEOUT     = 8'd19;   // descriptor read never answered
  localparam logic [7:0] ST_READ_TIMEOUT     = 8'd20;   // buffer read never answered
  localparam logic [7:0] ST_USO_GSO_SIZE     = 8'd21;
  localparam logic [7:0] ST_USO_SEGMENTS     = 8'd22;
  localparam logic [7:0] ST_USO_CSUM         = 8'd23;
  localparam logic [7:0] ST_USO_LENGTH       = 8'd24;

  // AXI
  localparam logic [1:0] AXI_BURST_INCR = 2'b01;
  localparam logic [3:0] AXI_CACHE_MOD  = 4'b0011;   // normal, non-cacheable, bufferable
  localparam int         AXI_4K         = 4096;      // bursts never cross this boundary

  // ------------------------------------------------------------------ protocol constants
  localparam logic [15:0] ETHERTYPE_IPV4 = 16'h0800;
  localparam logic [15:0] ETHERTYPE_IPV6 = 16'h86DD;
  localparam logic [15:0] ETHERTYPE_VLAN = 16'h8100;
  localparam logic [15:0] ETHERTYPE_QINQ = 16'h88A8;
  localparam logic [7:0]  IPPROTO_UDP    = 8'd17;
  localparam logic [7:0]  NEXTHDR_HOP    = 8'd0;
  localparam logic [7:0]  NEXTHDR_ROUTING = 8'd43;
  localparam logic [7:0]  NEXTHDR_FRAG   = 8'd44;
  localparam logic [7:0]  NEXTHDR_DEST   = 8'd60;
  localparam logic [7:0]  IPOPT_EOL      = 8'd0;
  localparam logic [7:0]  IPOPT_NOOP     = 8'd1;

  localparam int ETH_MACS_LEN   = 12;   // destination + source MAC: a VLAN tag goes after them
  localparam int ETH_HDR_LEN    = 14;
  localparam int VLAN_TAG_LEN   = 4;
  localparam int IPV4_HDR_MIN   = 20;
  localparam int IPV4_TOT_LEN   = 2;    // field offsets from the IPv4 header start
  localparam int IPV4_ID        = 4;
  localparam int IPV4_FRAG_OFF  = 6;
  localparam int IPV4_PROTO     = 9;
  localparam int IPV4_CSUM      = 10;
  localparam int IPV6_HDR_LEN   = 40;
  localparam int IPV6_PLEN      = 4;    // from the IPv6 header start
  localparam int IPV6_NEXTHDR   = 6;
  localparam int FRAG_HDR_LEN   = 8;    // IPv6 Fragment header
  localparam int FRAG_HDR_OFF   = 2;    // its offset/M field
  localparam int UDP_HDR_LEN    = 8;
  localparam int UDP_LEN        = 4;
  localparam int UDP_CSUM       = 6;

  // ------------------------------------------------------------------ engine geometry
  localparam int LEN_WIDTH  = 17;   // byte lengths and positions inside one frame (< 128 KiB)
  localparam int RING_AW    = 20;   // byte addresses in the packet ring (ring <= 1 MiB)
  localparam int NUM_PATCH  = 5;    // 16-bit fields overwritten per frame (USO over IPv4: 5)
  // USO: UDP_MAX_SEGMENTS, and the boundary-sum table entries a packet reserves (a bound on its
  // segment count that needs no divider, see uso_bound)
  localparam int USO_MAX_SEGS = 128;
  localparam int USO_MAX_LEN  = 65535;   // super-frame bytes including the Ethernet header

  // ------------------------------------------------------------------ records

  // TX descriptor as it lies in host memory (little-endian; byte 0 at bit 0).
  typedef struct packed {
    logic [63:0] cookie;       // bytes 24..31, the driver's own word
    logic [31:0] frag_id;      // bytes 20..23
    logic [15:0] csum_offset;  // bytes 18..19
    logic [15:0] csum_start;   // bytes 16..17
    logic [15:0] vlan_tci;     // bytes 14..15
    logic [15:0] ufo_size;     // bytes 12..13
    logic [15:0] flags;        // bytes 10..11
    logic [15:0] buf_len;      // bytes 8..9
    logic [63:0] buf_addr;     // bytes 0..7
  } tx_desc_t;

  // Descriptor fetch -> packet assembly: the descriptor's fields the engine uses (the cookie is
  // the driver's), its ring index and whether its read failed.
  typedef struct packed {
    logic        err;          // the read of this descriptor returned SLVERR/DECERR
    logic        timeout;      // ... or never returned (err set too): answered by the read guard
    logic [15:0] index;        // free-running ring index
    logic [31:0] frag_id;
    logic [15:0] csum_offset;
    logic [15:0] csum_start;
    logic [15:0] vlan_tci;
    logic [15:0] ufo_size;
    logic [15:0] flags;
    logic [15:0] buf_len;
    logic [63:0] buf_addr;
  } desc_item_t;

  // One host buffer of a packet, as the gather issues it (precomputed by packet assembly).
  typedef struct packed {
    logic [63:0] first_beat;   // beat-aligned address of the first byte
    logic [13:0] beats;        // beats the buffer spans (>= 1)
    logic [5:0]  first_lane;   // lane of the first byte in the first beat
    logic [5:0]  last_lane;    // lane of the last byte in the last beat
  } gather_buf_t;

  // One read burst of the gather, as the request side tells the data side what to expect.
  typedef struct packed {
    logic       marker;      // no data: a packet without reads (broken chain), only its turn
    logic       pkt_last;    // last burst of its packet
    logic [8:0] beats;       // 1..256 (0 for a marker)
    logic [5:0] first_lane;  // first valid lane of the first beat
    logic [5:0] last_lane;   // last valid lane of the last beat
  } gather_burst_t;

  // Per-packet record written by packet assembly, read by every later stage (packet table).
  typedef struct packed {
    logic [15:0]          desc_index;   // index of the packet's first descriptor
    logic [15:0]          desc_count;   // descriptors the packet consumed
    logic [7:0]           status;       // OK, or the chain/length error found by assembly
    logic [5:0]           num_bufs;     // non-empty buffers queued for the gather
    logic                 ufo;
    logic                 uso;
    logic                 csum;
    logic                 vlan_ins;
    logic [15:0]          ufo_size;
    logic [15:0]          vlan_tci;
    logic [15:0]          csum_start;
    logic [15:0]          csum_offset;
    logic [31:0]          frag_id;
    logic [LEN_WIDTH-1:0] total;        // frame bytes over all buffers
    logic [15:0]          head_len;     // bytes in the first buffer
  } pkt_rec_t;

  // Gather results (written when the packet's last byte has landed in the ring).
  typedef struct packed {
    logic [RING_AW-1:0] base;        // ring byte address of frame byte 0 (word aligned)
    logic [31:0]        frame_sum;   // unfolded 16-bit word sum of the whole frame
    logic [31:0]        prefix_sum;  // unfolded sum of the bytes before csum_start (plain CSUM)
    logic               dma_err;     // a buffer read returned SLVERR/DECERR
    logic               dma_timeout; // ... or never returned (dma_err set too)
  } gather_res_t;

  // Parser results (written when the packet's header is parsed and its template built).
  typedef struct packed {
    logic [7:0]           status;        // OK, or the parser's status (HDR_*, UFO_SIZE, ...)
    logic                 frag_mode;     // UFO datagram larger than one fragment
    logic                 uso;           // USO: segments cut at gso_size, headers through UDP copied
    logic                 is_v6;
    logic                 tmpl_used;     // the packet holds a template slot
    logic [7:0]           tmpl_len;      // template bytes every frame starts with
    logic [7:0]           copy_len;      // frame bytes the template replaces
    logic [7:0]           l3_off;
    logic [15:0]          frag_base;     // IPv4 input fragment offset, bytes
    logic                 in_mf;         // IPv4 input MF flag
    logic [15:0]          ip_base_first; // folded IPv4 header sums (fragment 0 / later)
    logic [15:0]          ip_base_later;
    logic [15:0]          prefix_sum;    // folded sum of the bytes before the UDP header (UFO)
    logic                 csum_en;
    logic [LEN_WIDTH-1:0] csum_pos;      // output position of the checksum field
    logic [7:0]           l4_off;        // USO: UDP header offset in the packet
    logic [15:0]          ip_id;         // USO: IPv4 identification of the super-frame
    logic [15:0]          udp_base;      // USO: folded ports + check (seed) - UDP length
  } parse_res_t;

  // Transmit result of a packet (fragmenter -> completion).
  typedef struct packed {
    logic [7:0]  status;
    logic [15:0] frames;
    logic [31:0] wire_bytes;
  } tx_res_t;

  // Frame command: fragmenter -> frame reader. A frame is the packet's template followed by a
  // byte range of the packet ring, with up to NUM_PATCH 16-bit fields overwritten.
  typedef struct packed {
    logic                                  null_cmd;    // no frame: only ends the packet
    logic                                  pkt_first;   // first frame of its packet
    logic                                  pkt_last;    // last command of its packet
    logic                                  tmpl_release;// pkt_last and the packet holds a slot
    logic [3:0]                            tmpl_slot;
    logic [7:0]                            tmpl_len;
    logic                                  noop;        // send NOOP-marked template bytes as 0x01
    logic [RING_AW-1:0]                    b_start;     // ring byte address of range B
    logic [LEN_WIDTH-1:0]                  b_len;
    logic [RING_AW-1:0]                    pkt_end;     // ring byte address after the packet
    logic [NUM_PATCH-1:0]                  patch_en;
    logic [NUM_PATCH-1:0][LEN_WIDTH-1:0]   patch_pos;   // frame byte of the field's MSB
    logic [NUM_PATCH-1:0][15:0]            patch_val;
  } frame_cmd_t;

  // Frame plan: the frame reader's view of one frame command, in ring words and beats.
  //  - read side: which ring words to read, in order (a word shared with the previous frame of
  //    the same packet is not read again);
  //  - build side: output beat i is ({word[b+i+1], word[b+i]} >> 8*shift)[lanes] where word b
  //    holds the byte before the frame's (virtual) start; the template covers the first
  //    tmpl_len bytes; patches are given as (beat, lane, byte).
  localparam int BEAT_W = 15;   // beats (or words) of one frame, relative indices
  typedef struct packed {
    logic               pkt_last;
    logic [RING_AW-1:0] first_word;   // ring word address of the first word to read
    logic [BEAT_W-1:0]  count;        // words to read (0: none)
    logic [RING_AW-1:0] end_word;     // pkt_last: ring word after the packet (freed)
  } read_plan_t;

  typedef struct packed {
    logic                               null_cmd;
    logic                               pkt_last;
    logic                               tmpl_release;
    logic [3:0]                         tmpl_slot;
    logic [7:0]                         tmpl_len;
    logic                               noop;
    logic [6:0]                         shift;      // 1..DATA_WIDTH/8
    logic [BEAT_W-1:0]                  beats;      // output beats of the frame
    logic [BEAT_W-1:0]                  first_rel;  // first payload word, relative to word b
    logic [BEAT_W-1:0]                  last_rel;   // last payload word, relative to word b
    logic                               shared;     // first payload word is already held
    logic                               payload;    // the frame has a range to read
    logic [LEN_WIDTH-1:0]               bytes;      // frame length
    // patched bytes (two per field): which output beat and lane, and the byte
    logic [2*NUM_PATCH-1:0]             patch_en;
    logic [2*NUM_PATCH-1:0][BEAT_W-1:0] patch_beat;
    logic [2*NUM_PATCH-1:0][5:0]        patch_lane;
    logic [2*NUM_PATCH-1:0][7:0]        patch_byte;
  } build_plan_t;

  // USO: boundary-sum table entries reserved for a packet, an upper bound on its segment count
  // ceil(payload / gso_size) without a divider: payload >> floor(log2(gso_size)), plus one,
  // capped at USO_MAX_SEGS (a packet needing more is refused and records no more than that).
  // Every stage that walks the table (gather request and data sides, fragmenter) uses this.
  function automatic logic [7:0] uso_bound(input logic [LEN_WIDTH-1:0] total,
                                           input logic [15:0] csum_start,
                                           input logic [15:0] gso_size);
    logic [LEN_WIDTH:0] payload_start, payload;
    logic [LEN_WIDTH:0] q;
    int                 lz;
    payload_start = (LEN_WIDTH+1)'(csum_start) + (LEN_WIDTH+1)'(UDP_HDR_LEN);
    payload       = ((LEN_WIDTH+1)'(total) > payload_start) ? (LEN_WIDTH+1)'(total) - payload_start : '0;
    lz = 0;
    for (int i = 1; i < 16; i++) if (gso_size[i]) lz = i;
    q = payload >> lz;
    uso_bound = (q >= (LEN_WIDTH+1)'(USO_MAX_SEGS)) ? 8'(USO_MAX_SEGS) : 8'(q) + 8'd1;
    if (gso_size == '0) uso_bound = 8'd1;   // refused: no boundaries, one entry
  endfunction

  // One's-complement fold of a 32-bit word sum into 16 bits (end-around carry, twice).
  function automatic logic [15:0] csum_fold(input logic [31:0] s);
    logic [16:0] t;
    t         = 17'(s[31:16]) + 17'(s[15:0]);
    csum_fold = t[15:0] + 16'(t[16]);
  endfunction
endpackage
/* verilator lint_on UNUSEDPARAM */

`default_nettype wire
