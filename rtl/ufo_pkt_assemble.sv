// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_pkt_assemble: packet assembly. Takes descriptors in ring order, collects each packet's
// chain (SOP..EOP), checks it, and
//  - queues the packet's non-empty buffers for the gather, with their beat geometry computed
//    here (speculatively: a chain that turns out broken is rolled back, never seen downstream);
//  - writes the packet's record into the packet table at the next tag and advances alloc_ptr.
// Every packet, good or broken, gets a tag and flows through every later stage in order, so
// completions stay in packet order and every error ends in exactly one completion.
// Status of a broken packet, first match wins (docs/architecture.md "Status codes"):
//  1. the chain's shape: CHAIN_NO_SOP (a lone descriptor without SOP), CHAIN_SOP_INSIDE (the
//     descriptors before the SOP), CHAIN_NO_EOP (MAX_DESC descriptors without EOP);
//  2. DESC_FLAGS: a reserved flag bit on any descriptor of the chain (only the SOP descriptor's
//     offload bits are read, but a reserved bit anywhere means the driver and the engine do not
//     agree on the format); UFO and USO together; USO alone until USO is built (issue 9);
//  3. DESC_DMA, or DESC_TIMEOUT when the read guard answered it: the read of a descriptor failed
//     (the packet ends at that descriptor);
//  4. LENGTH_ZERO / LENGTH_MAX: total length 0, or more than MAX_FRAME.
// A new packet is started only while a tag is free (alloc_ptr - free_ptr < NUM_PKTS) and
// `enable` (CTRL.ENABLE) is set; a chain already started is finished whatever `enable` says.
`default_nettype none
`timescale 1ns / 1ps

module ufo_pkt_assemble #(
    parameter int DATA_WIDTH = 64,
    parameter int MAX_DESC   = 32,      // descriptors per packet
    parameter int MAX_FRAME  = 67584,   // largest frame in bytes
    parameter int NUM_PKTS   = 32,      // packet table entries
    parameter int BUF_DEPTH  = 64,      // buffer queue entries (>= MAX_DESC)
    localparam int TAG_W     = $clog2(NUM_PKTS)
) (
    input  wire logic             clk,
    input  wire logic             rst_n,

    input  wire logic             enable,        // start new packets

    input  wire logic             desc_valid,
    output      logic             desc_ready,
    input  wire ufo_pkg::desc_item_t       desc,

    // packet table write port and the tag pointers
    output      logic             tbl_wr_en,
    output      logic [TAG_W-1:0] tbl_wr_tag,
    output      ufo_pkg::pkt_rec_t         tbl_wr_rec,
    output      logic [TAG_W:0]   alloc_ptr,     // packets created
    input  wire logic [TAG_W:0]   free_ptr,      // packets whose tag is free again

    // buffer queue to the gather (committed packets only)
    output      logic             buf_valid,
    input  wire logic             buf_pop,
    output      ufo_pkg::gather_buf_t      buf_head,

    output      logic             busy           // a chain is being collected
);
  localparam int KEEP_WIDTH = DATA_WIDTH / 8;
  localparam int LOG2_KEEP  = $clog2(KEEP_WIDTH);
  localparam int TOT_W      = ufo_pkg::LEN_WIDTH + 6;   // sum of up to 64 16-bit lengths
  localparam int BPTR_W     = $clog2(BUF_DEPTH);

  if (MAX_DESC < 2 || MAX_DESC > 63) begin : g_bad_desc
    $fatal(1, "ufo_pkt_assemble: MAX_DESC must be 2..63");
  end
  if (BUF_DEPTH < MAX_DESC || (BUF_DEPTH & (BUF_DEPTH - 1)) != 0) begin : g_bad_bufs
    $fatal(1, "ufo_pkt_assemble: BUF_DEPTH must be a power of two >= MAX_DESC");
  end
  if (MAX_FRAME >= (1 << ufo_pkg::LEN_WIDTH)) begin : g_bad_frame
    $fatal(1, "ufo_pkt_assemble: MAX_FRAME must be below 128 KiB");
  end

  // ---------------------------------------------------------------- chain state
  ufo_pkg::pkt_rec_t          rec_q;         // the packet being collected (fields of its SOP)
  logic [5:0]        n_q;           // descriptors collected
  logic [TOT_W-1:0]  total_q;
  logic              flags_bad_q;   // a descriptor collected so far has reserved flag bits

  logic sop, eop, len_zero, tag_free, queue_room, sop_inside, fire;
  assign sop        = desc.flags[ufo_pkg::FLAG_SOP];
  assign eop        = desc.flags[ufo_pkg::FLAG_EOP];
  assign len_zero   = desc.buf_len == 16'd0;
  assign tag_free   = (TAG_W+1)'(alloc_ptr - free_ptr) < (TAG_W+1)'(NUM_PKTS);
  // A SOP in the middle of a chain starts the next packet: the chain so far ends as broken and
  // the SOP descriptor stays for the next cycle.
  assign sop_inside = n_q != '0 && !desc.err && sop;

  // Reserved flag bits on this descriptor, or UFO and USO together (segmentation and
  // fragmentation never mix in one packet).
  logic flags_bad, chain_flags_bad;
  assign flags_bad       = !desc.err && ((desc.flags & ufo_pkg::FLAGS_RESERVED) != '0 ||
                                         (desc.flags[ufo_pkg::FLAG_UFO] && desc.flags[ufo_pkg::FLAG_USO]));
  assign chain_flags_bad = (n_q != '0 && flags_bad_q) || flags_bad;

  // buffer queue: spec_q is the speculative write pointer, commit_q what the gather may read
  logic [BPTR_W:0] spec_q, commit_q, rd_q;
  assign queue_room = (BPTR_W+1)'(spec_q - rd_q) < (BPTR_W+1)'(BUF_DEPTH);

  assign desc_ready = desc_valid && tag_free && queue_room && !sop_inside && (enable || n_q != '0);
  assign fire       = desc_ready;

  // ---------------------------------------------------------------- decisions
  logic [TOT_W-1:0] total_next;
  logic [15:0]      count_next;
  logic             end_pkt, push_buf, commit;
  logic [7:0]       end_status;
  logic [15:0]      end_count;

  assign total_next = (n_q == '0 ? '0 : total_q) + TOT_W'(desc.buf_len);

  assign count_next = 16'(n_q) + 16'd1;

  always_comb begin
    end_pkt    = 1'b0;
    push_buf   = 1'b0;
    commit     = 1'b0;
    end_status = ufo_pkg::ST_OK;
    end_count  = count_next;
    if (desc_valid && sop_inside && tag_free) begin
      end_pkt    = 1'b1;
      end_status = ufo_pkg::ST_CHAIN_SOP_INSIDE;
      end_count  = 16'(n_q);
    end else if (fire) begin
      if (n_q == '0 && !sop && !desc.err) begin
        end_pkt    = 1'b1;
        end_status = ufo_pkg::ST_CHAIN_NO_SOP;
      end else if (!desc.err && !eop && 32'(count_next) == MAX_DESC) begin
        end_pkt    = 1'b1;
        end_status = ufo_pkg::ST_CHAIN_NO_EOP;
      end else if (desc.err || eop) begin
        end_pkt = 1'b1;
        if (chain_flags_bad) begin
          end_status = ufo_pkg::ST_DESC_FLAGS;
        end else if (desc.err) begin
          end_status = desc.timeout ? ufo_pkg::ST_DESC_TIMEOUT : ufo_pkg::ST_DESC_DMA;
        end else if (total_next == '0) begin
          end_status = ufo_pkg::ST_LENGTH_ZERO;
        end else if (total_next > TOT_W'(MAX_FRAME)) begin
          end_status = ufo_pkg::ST_LENGTH_MAX;
        end else begin
          push_buf = !len_zero;
          commit   = 1'b1;
        end
      end else begin
        push_buf = !len_zero;
      end
    end
  end

  // the record of the packet that ends this cycle
  ufo_pkg::pkt_rec_t first_rec, end_rec;
  always_comb begin
    first_rec.desc_index  = desc.index;
    first_rec.desc_count  = 16'd1;
    first_rec.status      = ufo_pkg::ST_OK;
    first_rec.num_bufs    = '0;
    first_rec.ufo         = desc.flags[ufo_pkg::FLAG_UFO];
    first_rec.uso         = desc.flags[ufo_pkg::FLAG_USO];
    first_rec.csum        = desc.flags[ufo_pkg::FLAG_CSUM];
    first_rec.vlan_ins    = desc.flags[ufo_pkg::FLAG_VLAN_INS];
    first_rec.ufo_size    = desc.ufo_size;
    first_rec.vlan_tci    = desc.vlan_tci;
    first_rec.csum_start  = desc.csum_start;
    first_rec.csum_offset = desc.csum_offset;
    first_rec.frag_id     = desc.frag_id;
    first_rec.total       = '0;
    first_rec.head_len    = desc.buf_len;
    end_rec            = (n_q == '0) ? first_rec : rec_q;
    end_rec.desc_count = end_count;
    end_rec.status     = end_status;
    end_rec.total      = ufo_pkg::LEN_WIDTH'(total_next);
    end_rec.num_bufs   = (n_q == '0 ? '0 : rec_q.num_bufs) + 6'(push_buf);
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      n_q       <= '0;
      alloc_ptr <= '0;
    end else begin
      if (end_pkt) begin
        n_q       <= '0;
        alloc_ptr <= alloc_ptr + 1'b1;
      end else if (fire) begin
        n_q <= n_q + 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (fire && !end_pkt) begin
      rec_q          <= (n_q == '0) ? first_rec : rec_q;
      flags_bad_q    <= chain_flags_bad;
      rec_q.num_bufs <= (n_q == '0 ? '0 : rec_q.num_bufs) + 6'(push_buf);
      total_q        <= total_next;
    end
  end

  assign tbl_wr_en  = end_pkt;
  assign tbl_wr_tag = alloc_ptr[TAG_W-1:0];
  assign tbl_wr_rec = end_rec;
  assign busy       = n_q != '0;

  // ---------------------------------------------------------------- buffer queue
  ufo_pkg::gather_buf_t           new_buf;
  logic [63:0]           last_byte;
  always_comb begin
    last_byte           = desc.buf_addr + 64'(desc.buf_len) - 64'd1;
    new_buf.first_beat  = {desc.buf_addr[63:LOG2_KEEP], {LOG2_KEEP{1'b0}}};
    new_buf.beats       = 14'(((last_byte >> LOG2_KEEP) - (desc.buf_addr >> LOG2_KEEP)) + 64'd1);
    new_buf.first_lane  = 6'(desc.buf_addr[LOG2_KEEP-1:0]);
    new_buf.last_lane   = 6'(last_byte[LOG2_KEEP-1:0]);
  end

  logic [$bits(new_buf)-1:0] queue [BUF_DEPTH];   // a vector array: Yosys 0.23 misreads arrays of structs
  always_ff @(posedge clk) begin
    if (push_buf) queue[spec_q[BPTR_W-1:0]] <= new_buf;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      spec_q   <= '0;
      commit_q <= '0;
      rd_q     <= '0;
    end else begin
      if (commit)        commit_q <= spec_q + (BPTR_W+1)'(push_buf);
      if (commit)        spec_q   <= spec_q + (BPTR_W+1)'(push_buf);
      else if (end_pkt)  spec_q   <= commit_q;          // broken chain: roll back
      else if (push_buf) spec_q   <= spec_q + 1'b1;
      if (buf_pop)       rd_q     <= rd_q + 1'b1;
    end
  end

  assign buf_valid = rd_q != commit_q;
  assign buf_head  = queue[rd_q[BPTR_W-1:0]];

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (buf_pop && !buf_valid) $error("%m: buffer queue underflow at %0t", $time);
      if (push_buf && !queue_room) $error("%m: buffer queue overflow at %0t", $time);
      if ((TAG_W+1)'(alloc_ptr - free_ptr) > (TAG_W+1)'(NUM_PKTS)) $error("%m: packet table overrun at %0t", $time);
    end
  end
`endif
endmodule

`default_nettype wire
