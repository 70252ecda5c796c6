// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_fragmenter: turns each packet, in order (frag_ptr), into frame commands for the frame
// reader once it is both parsed (parse_ptr) and wholly in the ring (r_ptr). Every frame is the
// packet's header template followed by a byte range of the ring.
//  - one-frame mode (plain packets, and UFO datagrams that fit): template (empty, or the MAC
//    addresses and an inserted VLAN tag) + the rest of the frame, with the checksum patched in.
//  - fragment mode: the loop of ip_do_fragment / ip6_fragment with ufo_size in place of the
//    per-fragment bound (mtu - hlen, or mtu - hlen - 8 for IPv6):
//      len = min(left, ufo_size); if (len < left) len &= ~7;
//    each fragment = template (headers up to the end of the unfragmentable part, plus the IPv6
//    Fragment header) + payload [unfrag_end + off, len). Per fragment it patches IPv4 total
//    length, flags/offset (DF cleared, MF unless last or the input had MF) and header checksum,
//    or IPv6 payload length and the Fragment header's offset/M; the UDP checksum goes into
//    fragment 0. IPv4 fragments after the first send the non-copied options as NOOP.
//  - segment mode (USO, __udp_gso_segment): the same loop with len = min(left, gso_size); each
//    segment = template (every header through UDP) + its payload. Per segment it patches IPv4
//    total length, identification (the super-frame's + segment number) and header checksum, or
//    IPv6 payload length; UDP length and the segment's own UDP checksum:
//      ~fold(udp_base + 2 * udp_len + payload sum), 0 sent as 0xFFFF,
//    where udp_base (parser) holds the ports, the pseudo-header seed and minus the super-frame's
//    UDP length, and the payload sum is fold(S(end)) - fold(S(start)) from the boundary-sum table
//    (ufo_uso_bsum), byte-swapped when the segment starts at an odd frame offset.
//  - a packet that fails (chain, read error, header) gets one null command, which only releases
//    its ring space, template slot and boundary-sum entries in order.
// Two stages: the loop issues one fragment per cycle; the next stage computes the patch values
// (one adder chain per cycle) and pushes the command. The packet's frame count and wire bytes
// go to the completion table when its last command is issued.
`default_nettype none
`timescale 1ns / 1ps

module ufo_fragmenter #(
    parameter int DATA_WIDTH = 64,
    parameter int NUM_PKTS   = 32,
    parameter int TMPL_SLOTS = 4,
    parameter int CMD_DEPTH  = 4,     // frame command FIFO entries (power of two)
    parameter int BSUM_DEPTH = 256,   // USO boundary-sum table entries
    localparam int BSW   = $clog2(BSUM_DEPTH),
    localparam int TAG_W = $clog2(NUM_PKTS),
    localparam int TSW   = $clog2(TMPL_SLOTS)
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    // stage pointers and the tables of the packet at frag_ptr
    input  wire logic [TAG_W:0]        parse_ptr,
    input  wire logic [TAG_W:0]        r_ptr,
    output      logic [TAG_W-1:0]      tbl_rd_tag,
    input  wire ufo_pkg::pkt_rec_t              rec,
    input  wire ufo_pkg::gather_res_t           gres,
    input  wire ufo_pkg::parse_res_t            pres,

    // transmit results for the completion, and progress
    output      logic                  tx_wr_en,
    output      logic [TAG_W-1:0]      tx_wr_tag,
    output      ufo_pkg::tx_res_t               tx_wr,
    output      logic [TAG_W:0]        frag_ptr,

    // USO boundary-sum table: read port (data the next cycle) and entries released
    output      logic [BSW-1:0]        bsum_rd_addr,
    input  wire logic [31:0]           bsum_rd_data,
    output      logic [BSW:0]          bsum_free_ptr,

    // frame commands
    output      logic                  cmd_valid,
    input  wire logic                  cmd_ready,
    output      ufo_pkg::frame_cmd_t            cmd
);
  localparam int KEEP_WIDTH = DATA_WIDTH / 8;
  localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH);

  // ---------------------------------------------------------------- the packet at frag_ptr
  logic [TAG_W:0] frag_ptr_q;
  assign tbl_rd_tag = frag_ptr_q[TAG_W-1:0];
  assign frag_ptr   = frag_ptr_q;

  logic avail;
  assign avail = frag_ptr_q != parse_ptr && frag_ptr_q != r_ptr;

  logic [7:0] status;
  assign status = (rec.status != ufo_pkg::ST_OK) ? rec.status :
                  gres.dma_err ? (gres.dma_timeout ? ufo_pkg::ST_READ_TIMEOUT : ufo_pkg::ST_DMA_READ) :
                  pres.status;

  // Checksum = ~(frame sum - sum of the bytes before the start); a start at an odd offset pairs
  // the bytes the other way round (RFC 1071 2(B): swap the sum); 0 is sent as 0xFFFF.
  logic [15:0] frame_sum, prefix, sum_aligned, sum, csum_val, prefix_neg;
  logic        odd;
  assign frame_sum   = ufo_pkg::csum_fold(gres.frame_sum);
  assign prefix      = rec.ufo ? pres.prefix_sum : ufo_pkg::csum_fold(gres.prefix_sum);
  assign odd         = !rec.ufo && rec.csum_start[0];
  assign prefix_neg  = ~prefix;   // one's-complement subtraction: add the complement
  assign sum_aligned = ufo_pkg::csum_fold({16'h0, frame_sum} + {16'h0, prefix_neg});
  assign sum         = odd ? {sum_aligned[7:0], sum_aligned[15:8]} : sum_aligned;
  assign csum_val    = (~sum == 16'h0000) ? 16'hFFFF : ~sum;

  logic [ufo_pkg::RING_AW-1:0] pkt_end;
  assign pkt_end = gres.base + ((rec.status != ufo_pkg::ST_OK) ? '0 :
                   ufo_pkg::RING_AW'(((32'(rec.total) + KEEP_WIDTH - 1) >> LOG2_KEEP) << LOG2_KEEP));

  // per-packet context the second stage needs (captured, because frag_ptr moves on)
  typedef struct packed {
    logic                 null_cmd;
    logic                 frag_mode;
    logic                 uso;
    logic                 is_v6;
    logic                 vlan_ins;
    logic                 tmpl_used;
    logic [TSW-1:0]       tmpl_slot;
    logic [7:0]           tmpl_len;
    logic [7:0]           copy_len;
    logic [7:0]           l3_off;
    logic [15:0]          frag_base;
    logic                 in_mf;
    logic [15:0]          ip_base_first;
    logic [15:0]          ip_base_later;
    logic                 csum_en;
    logic [ufo_pkg::LEN_WIDTH-1:0] csum_pos;
    logic [15:0]          csum_val;
    logic [ufo_pkg::RING_AW-1:0]   base;
    logic [ufo_pkg::RING_AW-1:0]   pkt_end;
    logic [ufo_pkg::LEN_WIDTH-1:0] total;
    logic [7:0]           l4_off;
    logic [15:0]          ip_id;
    logic [15:0]          udp_base;
    logic                 gso_odd;      // odd gso_size: every odd segment starts at an odd offset
    logic [7:0]           bsum_bound;   // boundary-sum entries the packet holds
  } ctx_t;

  // ---------------------------------------------------------------- stage 1: the loop
  logic           active_q, first_q;
  logic [15:0]    off_q, left_q;        // payload offset and bytes still to send
  logic [15:0]    frames_q;
  logic [31:0]    bytes_q;
  logic [TSW:0]   tslot_q;              // template slots used so far, in packet order
  ctx_t           ctx_q, ctx;

  always_comb begin
    ctx.null_cmd      = status != ufo_pkg::ST_OK;
    ctx.frag_mode     = pres.frag_mode;
    ctx.uso           = pres.uso;
    ctx.is_v6         = pres.is_v6;
    ctx.vlan_ins      = rec.vlan_ins;
    ctx.tmpl_used     = pres.tmpl_used;
    ctx.tmpl_slot     = tslot_q[TSW-1:0];
    ctx.tmpl_len      = pres.tmpl_len;
    ctx.copy_len      = pres.copy_len;
    ctx.l3_off        = pres.l3_off;
    ctx.frag_base     = pres.frag_base;
    ctx.in_mf         = pres.in_mf;
    ctx.ip_base_first = pres.ip_base_first;
    ctx.ip_base_later = pres.ip_base_later;
    ctx.csum_en       = pres.csum_en;
    ctx.csum_pos      = pres.csum_pos;
    ctx.csum_val      = csum_val;
    ctx.base          = gres.base;
    ctx.pkt_end       = pkt_end;
    ctx.total         = rec.total;
    ctx.l4_off        = pres.l4_off;
    ctx.ip_id         = pres.ip_id;
    ctx.udp_base      = pres.udp_base;
    ctx.gso_odd       = rec.ufo_size[0];
    ctx.bsum_bound    = (rec.uso && rec.status == ufo_pkg::ST_OK)
                        ? ufo_pkg::uso_bound(rec.total, rec.csum_start, rec.ufo_size) : 8'd0;
  end

  // the packet being sent: the captured context, or the one at frag_ptr when it starts now
  ctx_t        cur;
  logic        first;
  logic [15:0] off, left, ufo_size_cur;
  logic [15:0] ufo_size_q;
  assign cur          = active_q ? ctx_q : ctx;
  assign first        = active_q ? first_q : 1'b1;
  assign off          = active_q ? off_q : '0;
  assign left         = active_q ? left_q : 16'(rec.total - ufo_pkg::LEN_WIDTH'(pres.copy_len));
  assign ufo_size_cur = active_q ? ufo_size_q : rec.ufo_size;

  logic [15:0] len;
  logic        last;
  always_comb begin
    len = (left < ufo_size_cur) ? left : ufo_size_cur;
    if (len < left && !cur.uso) len = len & ~16'h7;   // fragments: multiples of 8
    last = cur.null_cmd || !(cur.frag_mode || cur.uso) || len == left;
  end

  // stage 2 register and command FIFO credit
  logic           s2_valid_q;
  logic [3:0]     cmd_count;
  logic           go;
  assign go = (active_q || avail) && 32'(cmd_count) + 32'(s2_valid_q) < CMD_DEPTH;

  logic [ufo_pkg::LEN_WIDTH-1:0] frame_bytes;   // template + range of this frame
  assign frame_bytes = ufo_pkg::LEN_WIDTH'(cur.tmpl_len) +
                       (cur.frag_mode || cur.uso ? ufo_pkg::LEN_WIDTH'(len)
                                                 : cur.total - ufo_pkg::LEN_WIDTH'(cur.copy_len));

  // boundary-sum table: entry k of the packet's region for segment k; the region is released
  // after the packet's last command (a failed packet's too)
  logic [BSW:0] bsum_base_q, bsum_next_q, bsum_addr;
  assign bsum_addr    = first ? bsum_base_q : bsum_next_q;
  assign bsum_rd_addr = bsum_addr[BSW-1:0];
  assign bsum_free_ptr = bsum_base_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      frag_ptr_q  <= '0;
      active_q    <= 1'b0;
      tslot_q     <= '0;
      bsum_base_q <= '0;
    end else if (go) begin
      if (last) begin
        active_q    <= 1'b0;
        frag_ptr_q  <= frag_ptr_q + 1'b1;
        bsum_base_q <= bsum_base_q + (BSW+1)'(cur.bsum_bound);
        if (cur.tmpl_used) tslot_q <= tslot_q + 1'b1;
      end else begin
        active_q <= 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (go) begin
      ctx_q      <= cur;
      ufo_size_q <= ufo_size_cur;
      first_q    <= 1'b0;
      bsum_next_q <= bsum_addr + 1'b1;
      off_q      <= off + len;
      left_q     <= left - len;
      frames_q   <= (first ? 16'd0 : frames_q) + 16'd1;
      bytes_q    <= (first ? 32'd0 : bytes_q) + 32'(frame_bytes);
    end
  end

  assign tx_wr_en          = go && last;
  assign tx_wr_tag         = frag_ptr_q[TAG_W-1:0];
  assign tx_wr.status      = cur.null_cmd ? status : ufo_pkg::ST_OK;
  assign tx_wr.frames      = cur.null_cmd ? 16'd0 : (first ? 16'd0 : frames_q) + 16'd1;
  assign tx_wr.wire_bytes  = cur.null_cmd ? 32'd0 : (first ? 32'd0 : bytes_q) + 32'(frame_bytes);

  // ---------------------------------------------------------------- stage 2: patches
  // The context of the frame in this stage is ctx_q: both are loaded with `cur` when a frame is
  // issued, so stage 2 needs no copy of its own.
  logic        s2_first_q, s2_last_q;
  logic [15:0] s2_off_q, s2_len_q, s2_seg_q;

  always_ff @(posedge clk) begin
    if (!rst_n) s2_valid_q <= 1'b0;
    else        s2_valid_q <= go;
  end

  always_ff @(posedge clk) begin
    if (go) begin
      s2_first_q <= first;
      s2_last_q  <= last;
      s2_off_q   <= off;
      s2_len_q   <= len;
      s2_seg_q   <= first ? 16'd0 : frames_q;
    end
  end

  // Output positions: the inserted VLAN tag shifts everything after the MAC addresses.
  logic [ufo_pkg::LEN_WIDTH-1:0] l3_out, fh_out, unfrag_end;
  logic [15:0]          unfrag_ip_len, v4_tot_len, v4_frag, v4_var, v4_sum, v4_csum, v6_plen, v6_frag;
  logic [15:0]          seg_id;
  logic [15:0]          ip_base;
  logic                 more;
  always_comb begin
    unfrag_end    = ufo_pkg::LEN_WIDTH'(ctx_q.copy_len);
    l3_out        = ufo_pkg::LEN_WIDTH'(ctx_q.l3_off) + (ctx_q.vlan_ins ? ufo_pkg::LEN_WIDTH'(ufo_pkg::VLAN_TAG_LEN) : '0);
    fh_out        = unfrag_end + (ctx_q.vlan_ins ? ufo_pkg::LEN_WIDTH'(ufo_pkg::VLAN_TAG_LEN) : '0);
    more          = !s2_last_q;
    ip_base       = s2_first_q ? ctx_q.ip_base_first : ctx_q.ip_base_later;
    unfrag_ip_len = 16'(ctx_q.copy_len) - 16'(ctx_q.l3_off);   // IP header(s) in every fragment
    v4_tot_len    = unfrag_ip_len + s2_len_q;
    v4_frag       = {2'b00, more || ctx_q.in_mf, 13'((ctx_q.frag_base + s2_off_q) >> 3)};
    seg_id        = ctx_q.ip_id + s2_seg_q;   // USO: the super-frame's identification + n
    // the IPv4 field that changes besides the length: flags/offset, or identification (USO,
    // whose header sums leave it out; no options are NOOPed, so both bases are the same)
    v4_var        = ctx_q.uso ? seg_id : v4_frag;
    v4_sum        = ufo_pkg::csum_fold(32'(ip_base) + 32'(v4_tot_len) + 32'(v4_var));
    v4_csum       = ~v4_sum;
    v6_plen       = unfrag_ip_len - 16'(ufo_pkg::IPV6_HDR_LEN) + 16'(ufo_pkg::FRAG_HDR_LEN) + s2_len_q;
    v6_frag       = {s2_off_q[15:3], 2'b00, more};
  end

  // USO segment fields (the template is every header through UDP: copy_len = l4 + 8)
  logic [ufo_pkg::LEN_WIDTH-1:0] l4_out;
  logic [15:0] seg_udp_len, seg_v6_plen, pay_diff, pay_sum, seg_udp_sum, seg_udp_csum;
  always_comb begin
    l4_out       = ufo_pkg::LEN_WIDTH'(ctx_q.l4_off) + (ctx_q.vlan_ins ? ufo_pkg::LEN_WIDTH'(ufo_pkg::VLAN_TAG_LEN) : '0);
    seg_udp_len  = 16'(ufo_pkg::UDP_HDR_LEN) + s2_len_q;
    seg_v6_plen  = unfrag_ip_len - 16'(ufo_pkg::IPV6_HDR_LEN) + s2_len_q;
    // payload sum = fold(S(end)) - fold(S(start)), in the segment's own byte alignment
    pay_diff     = ufo_pkg::csum_fold({16'h0, bsum_rd_data[15:0]} + {16'h0, ~bsum_rd_data[31:16]});
    pay_sum      = (ctx_q.gso_odd && s2_seg_q[0]) ? {pay_diff[7:0], pay_diff[15:8]} : pay_diff;
    seg_udp_sum  = ufo_pkg::csum_fold(32'(ctx_q.udp_base) + {15'd0, seg_udp_len, 1'b0} + 32'(pay_sum));
    seg_udp_csum = (seg_udp_sum == 16'hFFFF) ? 16'hFFFF : ~seg_udp_sum;
  end

  ufo_pkg::frame_cmd_t new_cmd;
  always_comb begin
    new_cmd              = '0;
    new_cmd.null_cmd     = ctx_q.null_cmd;
    new_cmd.pkt_first    = s2_first_q;
    new_cmd.pkt_last     = s2_last_q;
    new_cmd.tmpl_release = s2_last_q && ctx_q.tmpl_used;
    new_cmd.tmpl_slot    = 4'(ctx_q.tmpl_slot);
    new_cmd.tmpl_len     = ctx_q.null_cmd ? 8'd0 : ctx_q.tmpl_len;
    // ip_options_fragment runs only when the input itself starts at offset 0
    new_cmd.noop         = ctx_q.frag_mode && !ctx_q.is_v6 && !s2_first_q && ctx_q.frag_base == '0;
    new_cmd.b_start      = ctx_q.base + ufo_pkg::RING_AW'(ctx_q.copy_len) +
                       (ctx_q.frag_mode || ctx_q.uso ? ufo_pkg::RING_AW'(s2_off_q) : '0);
    new_cmd.b_len        = ctx_q.null_cmd ? '0
                     : ctx_q.frag_mode || ctx_q.uso ? ufo_pkg::LEN_WIDTH'(s2_len_q)
                     : ctx_q.total - ufo_pkg::LEN_WIDTH'(ctx_q.copy_len);
    new_cmd.pkt_end      = ctx_q.pkt_end;
    // patch 3: the transport checksum (fragment 0, or the only frame)
    new_cmd.patch_en[3]  = !ctx_q.null_cmd && ctx_q.csum_en && s2_first_q;
    new_cmd.patch_pos[3] = ctx_q.csum_pos;
    new_cmd.patch_val[3] = ctx_q.csum_val;
    if (ctx_q.null_cmd) begin
      // nothing to patch
    end else if ((ctx_q.frag_mode || ctx_q.uso) && !ctx_q.is_v6) begin
      new_cmd.patch_en[2:0] = 3'b111;
      new_cmd.patch_pos[0]  = l3_out + ufo_pkg::LEN_WIDTH'(ufo_pkg::IPV4_TOT_LEN);
      new_cmd.patch_pos[1]  = l3_out + ufo_pkg::LEN_WIDTH'(ctx_q.uso ? ufo_pkg::IPV4_ID : ufo_pkg::IPV4_FRAG_OFF);
      new_cmd.patch_pos[2]  = l3_out + ufo_pkg::LEN_WIDTH'(ufo_pkg::IPV4_CSUM);
      new_cmd.patch_val[0]  = v4_tot_len;
      new_cmd.patch_val[1]  = v4_var;
      new_cmd.patch_val[2]  = v4_csum;
    end else if (ctx_q.uso) begin
      new_cmd.patch_en[0]   = 1'b1;
      new_cmd.patch_pos[0]  = l3_out + ufo_pkg::LEN_WIDTH'(ufo_pkg::IPV6_PLEN);
      new_cmd.patch_val[0]  = seg_v6_plen;
    end else if (ctx_q.frag_mode) begin
      new_cmd.patch_en[1:0] = 2'b11;
      new_cmd.patch_pos[0]  = l3_out + ufo_pkg::LEN_WIDTH'(ufo_pkg::IPV6_PLEN);
      new_cmd.patch_pos[1]  = fh_out + ufo_pkg::LEN_WIDTH'(ufo_pkg::FRAG_HDR_OFF);
      new_cmd.patch_val[0]  = v6_plen;
      new_cmd.patch_val[1]  = v6_frag;
    end
    // USO: every segment's own UDP length and checksum
    if (!ctx_q.null_cmd && ctx_q.uso) begin
      new_cmd.patch_en[3]  = 1'b1;
      new_cmd.patch_pos[3] = l4_out + ufo_pkg::LEN_WIDTH'(ufo_pkg::UDP_CSUM);
      new_cmd.patch_val[3] = seg_udp_csum;
      new_cmd.patch_en[4]  = 1'b1;
      new_cmd.patch_pos[4] = l4_out + ufo_pkg::LEN_WIDTH'(ufo_pkg::UDP_LEN);
      new_cmd.patch_val[4] = seg_udp_len;
    end
  end

  // ---------------------------------------------------------------- command FIFO
  ufo_pkg::frame_cmd_t fifo_head;
  logic       fifo_empty, fifo_full;
  logic [$clog2(CMD_DEPTH):0] fifo_count;

  ufo_fifo #(.WIDTH($bits(new_cmd)), .DEPTH(CMD_DEPTH)) u_cmds (
      .clk, .rst_n,
      .push(s2_valid_q), .push_data(new_cmd), .full(fifo_full),
      .pop(cmd_valid && cmd_ready), .head(fifo_head), .empty(fifo_empty), .count(fifo_count)
  );

  assign cmd_count = 4'(fifo_count);
  assign cmd_valid = !fifo_empty;
  assign cmd       = fifo_head;

  logic unused;
  assign unused = ^{fifo_full, rec, gres, pres};

`ifndef SYNTHESIS
  // a USO packet's segments stay inside the boundary-sum region reserved for it
  always_ff @(posedge clk) begin
    if (rst_n && go && cur.uso && !cur.null_cmd &&
        (BSW+1)'(bsum_addr - bsum_base_q) >= (BSW+1)'(cur.bsum_bound))
      $error("%m: USO segment beyond its boundary-sum region at %0t", $time);
  end
`endif
endmodule

`default_nettype wire
