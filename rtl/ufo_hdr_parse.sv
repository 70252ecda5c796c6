// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_hdr_parse: the parse stage. Takes packets in order (parse_ptr) as soon as their header
// window has landed (hdr_ptr), loads the window from its header slot (then frees the slot),
// parses and checks the headers, decides how the packet is sent and builds the packet's header
// template into a template slot. A small sequential walker (one header, option or 16-bit word
// per cycle) keeps the logic to byte muxes.
//
// UFO packets: Ethernet II, up to two 802.1Q/802.1ad tags, then
//  - IPv4 + UDP: options are walked as ip_options_fragment does, marking the bytes of options
//    without the copied flag, which later fragments carry as NOOP;
//  - IPv6 + extension headers + UDP: the chain is walked as ip6_find_1stfragopt does: Hop-by-Hop,
//    Routing, and Destination Options before a Routing header are unfragmentable; the Fragment
//    header goes where the walk stops. Fragmentable Destination Options may follow, then UDP.
//    At most MAX_EXT extension headers, all inside the window, or the packet is refused.
// USO packets (segmentation, __udp_gso_segment): the same walk, every IPv6 extension header
// (Hop-by-Hop, Routing, Destination Options, in any order) copied; IPv4 options copied; the
// template is every header through the UDP header; an input fragment or a Fragment header is
// refused. Checks in the golden model's order: gso_size 0, super-frame over 65,535 bytes, the
// headers, CSUM missing, csum_start/offset not the UDP check field, a zero check field, more
// than 128 segments (payload > 128 * gso_size: no divider).
// Plain packets: only the bounds of the checksum offload and of a VLAN insertion, and the wire
// frame's length against cfg_max_frame_len, are checked (their prefix sum comes from the
// gather), so they pass in one or two cycles.
//
// Status (docs/architecture.md "Status codes"): the first check that fails, in header order:
//  HDR_L2   EtherType after at most two 802.1Q/802.1ad tags neither IPv4 nor IPv6 (UFO);
//  HDR_IP   IP version not the EtherType's, IHL < 5; USO: an IPv4 input fragment (MF, offset);
//  HDR_SPAN a header (IP, extension header, UDP) past the first buffer or the HDR_BYTES window;
//  HDR_L4   IPv4 protocol / the IPv6 chain's last next header not UDP;
//  HDR_EXT  malformed IPv4 option (length < 2 or past the header), an IPv6 extension header
//           the walk does not accept (Fragment, AH, ESP, ...) or more than MAX_EXT of them;
//  HDR_LEN  IPv4 total / IPv6 payload length or UDP length not the packet's;
//  UFO_SIZE ufo_size < 8, or a fragment's wire frame (headers + ufo_size [+ Fragment header]
//           [+ inserted tag]) longer than cfg_max_frame_len;
//  plain packets: CSUM_POS (checksum field outside the packet or csum_start past the window),
//  VLAN_INS (insertion into a packet < 14 bytes, or with csum_start < 12), FRAME_SIZE (wire
//  frame, inserted tag included, longer than cfg_max_frame_len).
// Each class is a constant written into status_d on a transition to S_DECIDE that the checks
// already took; the new comparisons (frame lengths against cfg_max_frame_len, the IPv6
// extension-header numbers) use registers and the packet record or one window byte, in
// parallel with the checks of the same state, never after them.
//
// Sums (16-bit words aligned to even frame offsets, unfolded until the end):
//  - prefix_sum: bytes before the UDP header, so that sum from there = frame sum - prefix;
//  - ip_base_first / ip_base_later: IPv4 header without total length, flags/offset and checksum,
//    as fragment 0 and as later fragments (options NOOPed) carry it; for USO ip_base_first is
//    the header without total length, identification and checksum (what changes per segment);
//  - udp_base (USO): source and destination port, the check field (the pseudo-header seed over
//    the whole UDP length) and the complement of the UDP length: a segment's checksum adds its
//    own length twice (pseudo-header and UDP header) and its payload sum.
//
// Template (TMPL_BYTES = HDR_BYTES + 12): the first copy_len bytes of the frame, with an 802.1Q
// tag inserted after the MAC addresses (VLAN_INS) and, for IPv6 fragments, the next header at
// nh_pos set to 44 and an 8-byte Fragment header appended. Written word by word (data + NOOP
// mask) into the frame reader's template memory.
`default_nettype none
`timescale 1ns / 1ps

module ufo_hdr_parse #(
    parameter int DATA_WIDTH = 64,
    parameter int HDR_BYTES  = 128,   // header window in bytes
    parameter int NUM_PKTS   = 32,
    parameter int NUM_HDR    = 8,     // header slots
    parameter int TMPL_SLOTS = 4,     // template slots
    parameter int MAX_EXT    = 4,     // IPv6 extension headers the walk accepts
    localparam int KEEP_WIDTH = DATA_WIDTH / 8,
    localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH),
    localparam int HDR_WORDS  = (HDR_BYTES + KEEP_WIDTH - 1) / KEEP_WIDTH,
    localparam int HDR_WW     = $clog2(HDR_WORDS + 1),
    localparam int TMPL_BYTES = HDR_BYTES + ufo_pkg::VLAN_TAG_LEN + ufo_pkg::FRAG_HDR_LEN,
    localparam int TMPL_WORDS = (TMPL_BYTES + KEEP_WIDTH - 1) / KEEP_WIDTH,
    localparam int TMPL_WW    = $clog2(TMPL_WORDS + 1),
    localparam int HW         = $clog2(NUM_HDR),
    localparam int TSW        = $clog2(TMPL_SLOTS),
    localparam int TAG_W      = $clog2(NUM_PKTS)
) (
    input  wire logic                    clk,
    input  wire logic                    rst_n,

    // packets whose header window has landed, and the packet table
    input  wire logic [TAG_W:0]          hdr_ptr,
    output      logic [TAG_W-1:0]        tbl_rd_tag,
    input  wire ufo_pkg::pkt_rec_t                tbl_rd_rec,

    // header slots (registered read) and their release
    output      logic [HW-1:0]           hdr_rd_slot,
    output      logic [HDR_WW-1:0]       hdr_rd_word,
    input  wire logic [DATA_WIDTH-1:0]   hdr_rd_data,
    output      logic [HW:0]             hdr_free_ptr,

    // template memory write port and slot accounting
    output      logic                    tmpl_wr_en,
    output      logic [TSW-1:0]          tmpl_wr_slot,
    output      logic [TMPL_WW-1:0]      tmpl_wr_word,
    output      logic [DATA_WIDTH-1:0]   tmpl_wr_data,
    output      logic [KEEP_WIDTH-1:0]   tmpl_wr_noop,
    input  wire logic [TSW:0]            tmpl_free_ptr,   // slots released by the frame reader

    // results
    output      logic                    res_wr_en,
    output      logic [TAG_W-1:0]        res_wr_tag,
    output      ufo_pkg::parse_res_t              res_wr,
    output      logic [TAG_W:0]          parse_ptr,

    input  wire logic [15:0]             cfg_max_frame_len   // longest wire frame, bytes
);
  if (HDR_BYTES < 64 || HDR_BYTES > 248 || HDR_BYTES % KEEP_WIDTH != 0) begin : g_bad_hdr
    $fatal(1, "ufo_hdr_parse: HDR_BYTES must be a multiple of DATA_WIDTH/8 in 64..248");
  end

  localparam int PW = 9;   // byte position width (window <= 248, positions <= 511)
  localparam int WB = $clog2(HDR_BYTES);

  typedef enum logic [3:0] {
    S_IDLE, S_LOAD, S_ETH, S_L3, S_OPT, S_V6, S_V6_L4, S_CHECK, S_SUM, S_DECIDE, S_SLOT,
    S_BUILD, S_WRITE, S_DONE
  } state_e;

  // ---------------------------------------------------------------- state
  state_e          state_q, state_d;
  logic [TAG_W:0]  parse_ptr_q, parse_ptr_d;
  logic [HW:0]     hdr_used_q, hdr_used_d;      // header slots consumed (= released)
  logic [TSW:0]    tmpl_alloc_q, tmpl_alloc_d;
  logic [HDR_WW-1:0] ld_q, ld_d;                // window words requested
  logic            ld_valid_q;                  // a requested word arrives this cycle
  logic [$clog2(HDR_WORDS)-1:0] ld_word_q;
  logic [TMPL_WW-1:0] tw_q, tw_d;               // template word being written

  logic [PW-1:0]   pos_q, pos_d, l3_q, l3_d, l4_q, l4_d, u_q, u_d, nh_pos_q, nh_pos_d;
  logic [PW-1:0]   sum_end_q, sum_end_d, nh_at_u_q, nh_at_u_d;
  logic [7:0]      fh_next_q, fh_next_d;
  logic [1:0]      tags_q, tags_d;
  logic            v6_q, v6_d, rhdr_q, rhdr_d;
  logic [2:0]      ext_q, ext_d;
  logic [31:0]     prefix_q, prefix_d, first_q, first_d, later_q, later_d, udp_q, udp_d;
  logic [15:0]     ip_id_q, ip_id_d;
  logic [7:0]      status_q, status_d;
  logic [HDR_BYTES-1:0] noop_q, noop_d;
  ufo_pkg::parse_res_t      res_q, res_d;

  logic [8*HDR_BYTES-1:0] win_q;                // the header window (datapath: not reset)

  ufo_pkg::pkt_rec_t rec;
  assign tbl_rd_tag = parse_ptr_q[TAG_W-1:0];
  assign rec        = tbl_rd_rec;

  // ---------------------------------------------------------------- field access
  // Positions past the window read 0 (every use is range-checked).
  function automatic logic [7:0] hbyte(input logic [PW-1:0] p);
    hbyte = (p < PW'(HDR_BYTES)) ? win_q[8*p[WB-1:0] +: 8] : 8'h00;
  endfunction
  function automatic logic [15:0] hword(input logic [PW-1:0] p);
    hword = {hbyte(p), hbyte(p + 1'b1)};
  endfunction

  // Headers may only use bytes inside both the first buffer and the window.
  logic [16:0] window;
  assign window = (rec.head_len < 16'(HDR_BYTES)) ? {1'b0, rec.head_len} : 17'(HDR_BYTES);

  logic [15:0] ethertype, v4_tot_len, v6_payload_len, udp_len, udp_check, frag_word;
  logic [7:0]  ver_ihl, v4_proto, nh, opt_type, opt_len, ext_len8;
  logic [3:0]  ihl;
  logic [PW-1:0] v4_l4, opt_end;
  logic [11:0]   ext_len;
  assign ethertype      = hword(pos_q);
  assign ver_ihl        = hbyte(l3_q);
  assign ihl            = ver_ihl[3:0];
  assign v4_tot_len     = hword(l3_q + PW'(ufo_pkg::IPV4_TOT_LEN));
  assign frag_word      = hword(l3_q + PW'(ufo_pkg::IPV4_FRAG_OFF));
  assign v4_proto       = hbyte(l3_q + PW'(ufo_pkg::IPV4_PROTO));
  assign v4_l4          = l3_q + {3'b0, ihl, 2'b00};
  assign v6_payload_len = hword(l3_q + PW'(ufo_pkg::IPV6_PLEN));
  assign udp_len        = hword(l4_q + PW'(ufo_pkg::UDP_LEN));
  assign udp_check      = hword(l4_q + PW'(ufo_pkg::UDP_CSUM));
  assign nh             = hbyte(nh_pos_q);        // next header of the header before pos_q
  assign ext_len8       = hbyte(pos_q + 1'b1);
  assign ext_len        = {1'b0, ext_len8, 3'b000} + 12'd8;
  assign opt_type       = hbyte(pos_q);
  assign opt_len        = hbyte(pos_q + 1'b1);
  assign opt_end        = pos_q + PW'(opt_len);

  logic unfrag_ext;   // the next header is one ip6_find_1stfragopt keeps unfragmentable (USO:
                      // one ipv6_gso_pull_exthdrs steps over)
  assign unfrag_ext = nh == ufo_pkg::NEXTHDR_HOP || nh == ufo_pkg::NEXTHDR_ROUTING ||
                      (nh == ufo_pkg::NEXTHDR_DEST && (!rhdr_q || rec.uso));

  // S_SUM walks even positions below sum_end_q; which IPv4 words change per fragment
  logic [PW-1:0] ip_rel;
  logic          per_frag_word, in_ip4_hdr, odd_tail;
  logic [15:0]   word, word_later;
  assign ip_rel        = pos_q - l3_q;
  assign per_frag_word = ip_rel == PW'(ufo_pkg::IPV4_TOT_LEN) || ip_rel == PW'(ufo_pkg::IPV4_CSUM) ||
                         ip_rel == (rec.uso ? PW'(ufo_pkg::IPV4_ID) : PW'(ufo_pkg::IPV4_FRAG_OFF));
  assign in_ip4_hdr    = !v6_q && pos_q >= l3_q && pos_q < l4_q;
  assign odd_tail      = pos_q + 1'b1 == sum_end_q;
  assign word          = odd_tail ? {hbyte(pos_q), 8'h00} : hword(pos_q);
  always_comb begin
    word_later = word;
    if (noop_q[pos_q[WB-1:0]])        word_later[15:8] = ufo_pkg::IPOPT_NOOP;
    if (noop_q[pos_q[WB-1:0] + 1'b1]) word_later[7:0]  = ufo_pkg::IPOPT_NOOP;
  end

  // ---------------------------------------------------------------- decisions of a parsed packet
  logic [ufo_pkg::LEN_WIDTH-1:0] left, fits_limit, vlan_shift, plain_csum_pos;
  logic                 fits, frag_mode, frag6, vlan_bad, uso_segs_bad;
  logic [7:0]           copy_len;
  logic [ufo_pkg::LEN_WIDTH-1:0] hdr_words_needed;
  assign left           = rec.total - ufo_pkg::LEN_WIDTH'(u_q);
  assign fits_limit     = ufo_pkg::LEN_WIDTH'(rec.ufo_size) + (v6_q ? ufo_pkg::LEN_WIDTH'(ufo_pkg::FRAG_HDR_LEN) : '0);
  assign fits           = left <= fits_limit;
  assign frag_mode      = rec.ufo && !fits;
  assign frag6          = frag_mode && v6_q;
  assign copy_len       = rec.uso ? l4_q[7:0] + 8'(ufo_pkg::UDP_HDR_LEN)
                          : frag_mode ? u_q[7:0] : (rec.vlan_ins ? 8'(ufo_pkg::ETH_MACS_LEN) : 8'd0);
  // more than USO_MAX_SEGS segments: payload > USO_MAX_SEGS * gso_size
  assign uso_segs_bad   = 32'(left) - ufo_pkg::UDP_HDR_LEN > 32'(rec.ufo_size) * ufo_pkg::USO_MAX_SEGS;
  assign vlan_shift     = rec.vlan_ins ? ufo_pkg::LEN_WIDTH'(ufo_pkg::VLAN_TAG_LEN) : '0;
  assign plain_csum_pos = ufo_pkg::LEN_WIDTH'(rec.csum_start) + ufo_pkg::LEN_WIDTH'(rec.csum_offset) +
                          ((rec.vlan_ins && 32'(rec.csum_start) + 32'(rec.csum_offset) >= ufo_pkg::ETH_MACS_LEN)
                               ? ufo_pkg::LEN_WIDTH'(ufo_pkg::VLAN_TAG_LEN) : '0);
  // no EtherType to put the tag before, or a plain checksum that would cover the tag (the
  // kernel refuses that combination too)
  assign vlan_bad       = rec.vlan_ins && (rec.total < ufo_pkg::LEN_WIDTH'(ufo_pkg::ETH_HDR_LEN) ||
                                           (!rec.ufo && rec.csum && rec.csum_start < 16'(ufo_pkg::ETH_MACS_LEN)));
  // plain checksum field outside the window or the packet
  logic plain_bad, plain_too_long;
  assign plain_bad = rec.csum && (32'(rec.csum_start) > HDR_BYTES ||
                                  32'(rec.csum_start) + 32'(rec.csum_offset) + 2 > 32'(rec.total));
  assign plain_too_long = rec.total + vlan_shift > ufo_pkg::LEN_WIDTH'(cfg_max_frame_len);
  logic [7:0] plain_status;   // a plain packet's status, decided from its record alone
  assign plain_status = plain_bad ? ufo_pkg::ST_CSUM_POS : vlan_bad ? ufo_pkg::ST_VLAN_INS
                        : plain_too_long ? ufo_pkg::ST_FRAME_SIZE : ufo_pkg::ST_OK;

  // UFO: the longest frame the fragments can make (a datagram that fits makes a shorter one)
  logic ufo_size_bad;
  assign ufo_size_bad = rec.ufo_size < 16'(ufo_pkg::UDP_HDR_LEN) ||
                        ufo_pkg::LEN_WIDTH'(u_q) + fits_limit + vlan_shift > ufo_pkg::LEN_WIDTH'(cfg_max_frame_len);

  // IPv6 next header values that are extension headers (IANA): the walk accepts only
  // Hop-by-Hop, Routing and Destination Options; the others are refused as HDR_EXT
  logic nh_is_ext;
  assign nh_is_ext = nh == ufo_pkg::NEXTHDR_HOP || nh == ufo_pkg::NEXTHDR_ROUTING || nh == ufo_pkg::NEXTHDR_FRAG ||
                     nh == ufo_pkg::NEXTHDR_DEST || nh == 8'd50 || nh == 8'd51 || nh == 8'd135 ||
                     nh == 8'd139 || nh == 8'd140 || nh == 8'd253 || nh == 8'd254;
  assign hdr_words_needed = (rec.total + ufo_pkg::LEN_WIDTH'(KEEP_WIDTH - 1)) >> LOG2_KEEP;

  logic need_hdr, tmpl_room;
  assign need_hdr  = rec.ufo || rec.uso || rec.vlan_ins;
  assign tmpl_room = (TSW+1)'(tmpl_alloc_q - tmpl_free_ptr) < (TSW+1)'(TMPL_SLOTS);

  // ---------------------------------------------------------------- template
  localparam int TMPL_WORDS_P2 = 1 << $clog2(TMPL_WORDS);
  logic [TMPL_WORDS_P2*DATA_WIDTH-1:0] tmpl_q;   // the packet's template, built in S_BUILD
  logic [TMPL_WORDS_P2*KEEP_WIDTH-1:0] tnoop_q;

  logic [63:0] frag_hdr;
  assign frag_hdr = {fh_next_q, 8'h00, 16'h0000, rec.frag_id};   // wire order, byte 0 first

  always_ff @(posedge clk) begin
    if (state_q == S_BUILD) begin
      tmpl_q  <= '0;
      tnoop_q <= '0;
      for (int i = 0; i < TMPL_BYTES; i++) begin
        logic [PW-1:0] src;   // where template byte i comes from in the frame
        logic [7:0]    b;
        logic          n;
        src = (rec.vlan_ins && i >= ufo_pkg::ETH_MACS_LEN) ? PW'(i - ufo_pkg::VLAN_TAG_LEN) : PW'(i);
        n   = 1'b0;
        if (rec.vlan_ins && i >= ufo_pkg::ETH_MACS_LEN && i < ufo_pkg::ETH_MACS_LEN + ufo_pkg::VLAN_TAG_LEN) begin
          b = (i == 12) ? ufo_pkg::ETHERTYPE_VLAN[15:8] : (i == 13) ? ufo_pkg::ETHERTYPE_VLAN[7:0]
            : (i == 14) ? rec.vlan_tci[15:8] : rec.vlan_tci[7:0];
        end else if (src < PW'(res_q.copy_len)) begin
          b = win_q[8*src[WB-1:0] +: 8];
          n = noop_q[src[WB-1:0]];
          if (res_q.is_v6 && res_q.frag_mode && src == nh_at_u_q) b = ufo_pkg::NEXTHDR_FRAG;
        end else if (res_q.is_v6 && res_q.frag_mode && src < PW'(res_q.copy_len) + PW'(ufo_pkg::FRAG_HDR_LEN)) begin
          b = frag_hdr[63 - 8*(src - PW'(res_q.copy_len)) -: 8];
        end else begin
          b = 8'h00;
        end
        tmpl_q[8*i +: 8] <= b;
        tnoop_q[i]       <= n;
      end
    end
  end

  logic [TMPL_WW-1:0] tmpl_last_word;
  assign tmpl_last_word = TMPL_WW'((32'(res_q.tmpl_len) + KEEP_WIDTH - 1) / KEEP_WIDTH - 1);

  assign tmpl_wr_en   = state_q == S_WRITE;
  assign tmpl_wr_slot = tmpl_alloc_q[TSW-1:0];
  assign tmpl_wr_word = tw_q;
  assign tmpl_wr_data = tmpl_q[DATA_WIDTH*tw_q[$clog2(TMPL_WORDS_P2)-1:0] +: DATA_WIDTH];
  assign tmpl_wr_noop = tnoop_q[KEEP_WIDTH*tw_q[$clog2(TMPL_WORDS_P2)-1:0] +: KEEP_WIDTH];

  // ---------------------------------------------------------------- window load
  logic [HDR_WW-1:0] ld_words;   // words to load: the window, or the whole frame if shorter
  assign ld_words    = (hdr_words_needed < ufo_pkg::LEN_WIDTH'(HDR_WORDS)) ? HDR_WW'(hdr_words_needed)
                                                                   : HDR_WW'(HDR_WORDS);
  assign hdr_rd_slot = hdr_used_q[HW-1:0];
  assign hdr_rd_word = ld_q;

  always_ff @(posedge clk) begin
    ld_valid_q <= state_q == S_LOAD && ld_q < ld_words;
    ld_word_q  <= ld_q[$clog2(HDR_WORDS)-1:0];
    if (ld_valid_q) win_q[DATA_WIDTH*ld_word_q +: DATA_WIDTH] <= hdr_rd_data;
  end

  // ---------------------------------------------------------------- next state
  always_comb begin
    state_d      = state_q;
    parse_ptr_d        = parse_ptr_q;
    hdr_used_d   = hdr_used_q;
    tmpl_alloc_d = tmpl_alloc_q;
    ld_d         = ld_q;
    tw_d         = tw_q;
    pos_d        = pos_q;
    l3_d         = l3_q;
    l4_d         = l4_q;
    u_d          = u_q;
    nh_pos_d     = nh_pos_q;
    sum_end_d    = sum_end_q;
    nh_at_u_d    = nh_at_u_q;
    fh_next_d    = fh_next_q;
    tags_d       = tags_q;
    v6_d         = v6_q;
    rhdr_d       = rhdr_q;
    ext_d        = ext_q;
    prefix_d     = prefix_q;
    first_d      = first_q;
    later_d      = later_q;
    udp_d        = udp_q;
    ip_id_d      = ip_id_q;
    status_d     = status_q;
    noop_d       = noop_q;
    res_d        = res_q;

    unique case (state_q)
      S_IDLE: if (parse_ptr_q != hdr_ptr) begin
        pos_d    = PW'(ufo_pkg::ETH_MACS_LEN);
        tags_d   = '0;
        prefix_d = '0;
        first_d  = '0;
        later_d  = '0;
        udp_d    = '0;
        noop_d   = '0;
        v6_d     = 1'b0;
        rhdr_d   = 1'b0;
        ext_d    = '0;
        u_d      = '0;
        l3_d     = '0;
        l4_d     = '0;
        ld_d     = '0;
        status_d = (rec.ufo || rec.uso) ? ufo_pkg::ST_OK : plain_status;
        if (rec.status != ufo_pkg::ST_OK) begin
          state_d = S_DECIDE;             // broken chain: nothing to parse
        end else if (need_hdr) begin
          state_d = S_LOAD;
        end else begin
          state_d = S_DECIDE;
        end
      end
      S_LOAD: begin
        if (ld_q < ld_words) ld_d = ld_q + 1'b1;
        // the last word is written into the window in the cycle we leave
        else if (!ld_valid_q) begin
          hdr_used_d = hdr_used_q + 1'b1;     // the slot is free again
          if (rec.uso && rec.ufo_size == '0) begin
            status_d = ufo_pkg::ST_USO_GSO_SIZE;
            state_d  = S_DECIDE;
          end else if (rec.uso && 32'(rec.total) > ufo_pkg::USO_MAX_LEN) begin
            status_d = ufo_pkg::ST_USO_LENGTH;
            state_d  = S_DECIDE;
          end else begin
            state_d = (rec.ufo || rec.uso) ? S_ETH : S_DECIDE;
          end
        end
      end
      S_ETH: begin
        if ((ethertype == ufo_pkg::ETHERTYPE_VLAN || ethertype == ufo_pkg::ETHERTYPE_QINQ) && tags_q != 2'd2) begin
          tags_d = tags_q + 1'b1;
          pos_d  = pos_q + PW'(ufo_pkg::VLAN_TAG_LEN);
        end else begin
          l3_d     = pos_q + PW'(2);
          nh_pos_d = pos_q + PW'(2 + ufo_pkg::IPV6_NEXTHDR);
          state_d  = S_L3;
          if (ethertype == ufo_pkg::ETHERTYPE_IPV6) v6_d = 1'b1;
          else if (ethertype != ufo_pkg::ETHERTYPE_IPV4) begin
            status_d = ufo_pkg::ST_HDR_L2;
            state_d  = S_DECIDE;
          end
        end
      end
      S_L3: begin
        if (v6_q) begin
          pos_d   = l3_q + PW'(ufo_pkg::IPV6_HDR_LEN);
          state_d = S_V6;
          if (ver_ihl[7:4] != 4'd6 || 17'(l3_q) + 17'(ufo_pkg::IPV6_HDR_LEN) > window ||
              ufo_pkg::LEN_WIDTH'(v6_payload_len) + ufo_pkg::LEN_WIDTH'(l3_q) + ufo_pkg::LEN_WIDTH'(ufo_pkg::IPV6_HDR_LEN) != rec.total) begin
            status_d = ver_ihl[7:4] != 4'd6 ? ufo_pkg::ST_HDR_IP
                     : 17'(l3_q) + 17'(ufo_pkg::IPV6_HDR_LEN) > window ? ufo_pkg::ST_HDR_SPAN
                     : ufo_pkg::ST_HDR_LEN;
            state_d  = S_DECIDE;
          end
        end else begin
          l4_d    = v4_l4;
          u_d     = v4_l4;
          pos_d   = l3_q + PW'(ufo_pkg::IPV4_HDR_MIN);
          state_d = rec.uso ? S_CHECK : S_OPT;   // USO copies the options as they are
          if (ver_ihl[7:4] != 4'd4 || ihl < 4'd5 || 17'(v4_l4) + 17'(ufo_pkg::UDP_HDR_LEN) > window ||
              v4_proto != ufo_pkg::IPPROTO_UDP || ufo_pkg::LEN_WIDTH'(v4_tot_len) + ufo_pkg::LEN_WIDTH'(l3_q) != rec.total ||
              (rec.uso && frag_word[13:0] != '0)) begin
            // (USO: an input fragment, MF or an offset, is refused after the other IPv4 checks)
            status_d = (ver_ihl[7:4] != 4'd4 || ihl < 4'd5) ? ufo_pkg::ST_HDR_IP
                     : 17'(v4_l4) + 17'(ufo_pkg::UDP_HDR_LEN) > window ? ufo_pkg::ST_HDR_SPAN
                     : v4_proto != ufo_pkg::IPPROTO_UDP ? ufo_pkg::ST_HDR_L4
                     : ufo_pkg::LEN_WIDTH'(v4_tot_len) + ufo_pkg::LEN_WIDTH'(l3_q) != rec.total ? ufo_pkg::ST_HDR_LEN
                     : ufo_pkg::ST_HDR_IP;
            state_d  = S_DECIDE;
          end
        end
      end
      S_OPT: begin
        // ip_options_fragment: stop at EOL, step over NOOP; a malformed length (which
        // ip_options_compile would never have let the stack build) is refused
        if (pos_q >= l4_q || opt_type == ufo_pkg::IPOPT_EOL) begin
          state_d = S_CHECK;
        end else if (opt_type == ufo_pkg::IPOPT_NOOP) begin
          pos_d = pos_q + 1'b1;
        end else if (opt_len < 8'd2 || opt_end > l4_q) begin
          status_d = ufo_pkg::ST_HDR_EXT;
          state_d  = S_DECIDE;
        end else begin
          if (!opt_type[7]) begin
            for (int i = 0; i < HDR_BYTES; i++) begin
              if (PW'(i) >= pos_q && PW'(i) < opt_end) noop_d[i] = 1'b1;
            end
          end
          pos_d = opt_end;
        end
      end
      S_V6: begin
        // ip6_find_1stfragopt: one extension header per cycle
        if (unfrag_ext) begin
          if (ext_q == 3'(MAX_EXT) || 17'(pos_q) + 17'(ext_len) > window) begin
            status_d = ext_q == 3'(MAX_EXT) ? ufo_pkg::ST_HDR_EXT : ufo_pkg::ST_HDR_SPAN;
            state_d  = S_DECIDE;
          end else begin
            if (nh == ufo_pkg::NEXTHDR_ROUTING) rhdr_d = 1'b1;
            ext_d    = ext_q + 1'b1;
            nh_pos_d = pos_q;
            pos_d    = pos_q + PW'(ext_len);
          end
        end else begin
          // the Fragment header's "previous header" is the one before the unfragmentable end
          u_d       = pos_q;
          nh_at_u_d = nh_pos_q;
          fh_next_d = nh;
          state_d   = S_V6_L4;
        end
      end
      S_V6_L4: begin
        // the fragmentable part: Destination Options after a Routing header, then UDP
        if (nh == ufo_pkg::NEXTHDR_DEST && ext_q != 3'(MAX_EXT) && 17'(pos_q) + 17'(ext_len) <= window) begin
          ext_d    = ext_q + 1'b1;
          nh_pos_d = pos_q;
          pos_d    = pos_q + PW'(ext_len);
        end else begin
          l4_d = pos_q;
          if (nh == ufo_pkg::IPPROTO_UDP && 17'(pos_q) + 17'(ufo_pkg::UDP_HDR_LEN) <= window) begin
            state_d = S_CHECK;
          end else begin
            // a Destination Options header that does not fit counts as one past the limit or
            // the window, like the unfragmentable ones
            status_d = nh == ufo_pkg::IPPROTO_UDP ? ufo_pkg::ST_HDR_SPAN
                     : nh != ufo_pkg::NEXTHDR_DEST ? (nh_is_ext ? ufo_pkg::ST_HDR_EXT : ufo_pkg::ST_HDR_L4)
                     : ext_q == 3'(MAX_EXT) ? ufo_pkg::ST_HDR_EXT : ufo_pkg::ST_HDR_SPAN;
            state_d  = S_DECIDE;
          end
        end
      end
      S_CHECK: begin
        // UDP length is the whole rest of the packet; ufo_size can make progress (UFO); the
        // checksum request is the UDP check field, the checksum enabled, <= 128 segments (USO)
        sum_end_d = rec.uso ? l4_q + PW'(ufo_pkg::UDP_HDR_LEN) : l4_q;
        pos_d     = '0;
        state_d   = S_SUM;
        if (ufo_pkg::LEN_WIDTH'(udp_len) + ufo_pkg::LEN_WIDTH'(l4_q) != rec.total) begin
          status_d = ufo_pkg::ST_HDR_LEN;
          state_d  = S_DECIDE;
        end else if (rec.uso) begin
          if (!rec.csum) begin
            status_d = ufo_pkg::ST_USO_CSUM;
            state_d  = S_DECIDE;
          end else if (rec.csum_start != 16'(l4_q) || rec.csum_offset != 16'(ufo_pkg::UDP_CSUM)) begin
            status_d = ufo_pkg::ST_CSUM_POS;
            state_d  = S_DECIDE;
          end else if (udp_check == '0) begin
            status_d = ufo_pkg::ST_USO_CSUM;
            state_d  = S_DECIDE;
          end else if (uso_segs_bad) begin
            status_d = ufo_pkg::ST_USO_SEGMENTS;
            state_d  = S_DECIDE;
          end
        end else if (ufo_size_bad) begin
          status_d = ufo_pkg::ST_UFO_SIZE;
          state_d  = S_DECIDE;
        end
      end
      S_SUM: begin
        if (pos_q >= sum_end_q) begin
          state_d = S_DECIDE;
        end else begin
          if (pos_q < l4_q) prefix_d = prefix_q + 32'(word);
          if (in_ip4_hdr && !per_frag_word) begin
            first_d = first_q + 32'(word);
            later_d = later_q + 32'(word_later);
          end
          if (in_ip4_hdr && ip_rel == PW'(ufo_pkg::IPV4_ID)) ip_id_d = word;
          // USO: the UDP header without its length, minus the length
          if (pos_q >= l4_q) udp_d = udp_q + {16'h0, (pos_q - l4_q == PW'(ufo_pkg::UDP_LEN)) ? ~word : word};
          pos_d = pos_q + PW'(2);
        end
      end
      S_DECIDE: begin
        res_d               = '0;
        res_d.status        = (rec.status != ufo_pkg::ST_OK) ? rec.status : status_q;
        res_d.frag_mode     = frag_mode;
        res_d.uso           = rec.uso;
        res_d.l4_off        = l4_q[7:0];
        res_d.ip_id         = ip_id_q;
        res_d.udp_base      = ufo_pkg::csum_fold(udp_q);
        res_d.is_v6         = v6_q;
        res_d.copy_len      = copy_len;
        res_d.tmpl_len      = copy_len + (rec.vlan_ins ? 8'(ufo_pkg::VLAN_TAG_LEN) : 8'd0) +
                              (frag6 ? 8'(ufo_pkg::FRAG_HDR_LEN) : 8'd0);
        res_d.l3_off        = l3_q[7:0];
        res_d.frag_base     = {frag_word[12:0], 3'b000};
        res_d.in_mf         = frag_word[13];
        res_d.ip_base_first = ufo_pkg::csum_fold(first_q);
        res_d.ip_base_later = ufo_pkg::csum_fold(later_q);
        res_d.prefix_sum    = ufo_pkg::csum_fold(prefix_q);
        res_d.csum_en       = rec.csum;
        res_d.csum_pos      = !rec.ufo ? plain_csum_pos
                              : ufo_pkg::LEN_WIDTH'(l4_q) + ufo_pkg::LEN_WIDTH'(ufo_pkg::UDP_CSUM) + vlan_shift +
                                (frag6 ? ufo_pkg::LEN_WIDTH'(ufo_pkg::FRAG_HDR_LEN) : '0);
        // a packet that will not be sent needs no template
        state_d = (res_d.status == ufo_pkg::ST_OK && res_d.tmpl_len != '0) ? S_SLOT : S_DONE;
      end
      S_SLOT: if (tmpl_room) begin      // a template slot is free
        res_d.tmpl_used = 1'b1;
        state_d         = S_BUILD;
      end
      S_BUILD: begin                    // the template registers are loaded in this state
        tw_d    = '0;
        state_d = S_WRITE;
      end
      S_WRITE: begin
        tw_d = tw_q + 1'b1;
        if (tw_q == tmpl_last_word) begin
          tmpl_alloc_d = tmpl_alloc_q + 1'b1;
          state_d      = S_DONE;
        end
      end
      S_DONE: begin
        parse_ptr_d   = parse_ptr_q + 1'b1;
        state_d = S_IDLE;
      end
      default: state_d = S_IDLE;
    endcase
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      state_q      <= S_IDLE;
      parse_ptr_q        <= '0;
      hdr_used_q   <= '0;
      tmpl_alloc_q <= '0;
    end else begin
      state_q      <= state_d;
      parse_ptr_q        <= parse_ptr_d;
      hdr_used_q   <= hdr_used_d;
      tmpl_alloc_q <= tmpl_alloc_d;
    end
  end

  always_ff @(posedge clk) begin
    ld_q      <= ld_d;
    tw_q      <= tw_d;
    pos_q     <= pos_d;
    l3_q      <= l3_d;
    l4_q      <= l4_d;
    u_q       <= u_d;
    nh_pos_q  <= nh_pos_d;
    sum_end_q <= sum_end_d;
    nh_at_u_q <= nh_at_u_d;
    fh_next_q <= fh_next_d;
    tags_q    <= tags_d;
    v6_q      <= v6_d;
    rhdr_q    <= rhdr_d;
    ext_q     <= ext_d;
    prefix_q  <= prefix_d;
    first_q   <= first_d;
    later_q   <= later_d;
    udp_q     <= udp_d;
    ip_id_q   <= ip_id_d;
    status_q  <= status_d;
    noop_q    <= noop_d;
    res_q     <= res_d;
  end

  assign res_wr_en    = state_q == S_DONE;
  assign res_wr_tag   = parse_ptr_q[TAG_W-1:0];
  assign res_wr       = res_q;
  assign parse_ptr    = parse_ptr_q;
  assign hdr_free_ptr = hdr_used_q;

  // DF and the reserved bit are not carried: ip_do_fragment rewrites the field without them.
  logic unused;
  assign unused = ^{frag_word[15:14], sum_end_q[0], rec.desc_index, rec.desc_count, rec.num_bufs,
                    rec.frag_id[0], u_q[8], rec.csum_offset};

endmodule

`default_nettype wire
