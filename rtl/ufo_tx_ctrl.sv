// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_tx_ctrl: per-packet sequencer. Collects a packet's descriptors (SOP..EOP) into the gather
// list and checks the chain, then runs gather -> header parse -> header template -> fragmenter,
// and finally requests one completion. It decides each packet's mode (plain, plain with checksum
// offload, UFO sent whole, UFO fragmented) and computes the transport checksum. Every error path
// ends in a completion with a status code, so a bad packet never stalls the ring.
`default_nettype none
`timescale 1ns / 1ps

module ufo_tx_ctrl
#(
    parameter int ADDR_WIDTH = 64,
    parameter int MAX_DESC   = 32,      // descriptors per packet
    parameter int BUF_BYTES  = 67584,   // largest packet
    parameter int LEN_WIDTH  = 17,
    localparam int IDX_WIDTH = $clog2(MAX_DESC)
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,
    output      logic                  busy,

    // descriptors from ufo_desc_fetch
    input  wire logic                  desc_valid,
    output      logic                  desc_ready,
    input  wire logic [15:0]           desc_index,
    input  wire logic [ADDR_WIDTH-1:0] desc_buf_addr,
    input  wire logic [15:0]           desc_buf_len,
    input  wire logic [15:0]           desc_flags,
    input  wire logic [15:0]           desc_ufo_size,
    input  wire logic [15:0]           desc_vlan_tci,
    input  wire logic [15:0]           desc_csum_start,
    input  wire logic [15:0]           desc_csum_offset,
    input  wire logic [31:0]           desc_frag_id,
    input  wire logic                  desc_err,

    // gather
    output      logic                  list_wr_en,
    output      logic [IDX_WIDTH-1:0]  list_wr_idx,
    output      logic [ADDR_WIDTH-1:0] list_wr_addr,
    output      logic [15:0]           list_wr_len,
    output      logic                  gather_start,
    output      logic [IDX_WIDTH:0]    gather_count,
    output      logic [LEN_WIDTH-1:0]  gather_total,
    input  wire logic                  gather_done,
    input  wire logic                  gather_dma_err,
    input  wire logic [31:0]           gather_frame_sum,

    // header parser
    output      logic                  parse_start,
    output      logic [15:0]           parse_head_len,
    output      logic                  parse_ufo,
    output      logic                  parse_csum,
    output      logic [15:0]           parse_ufo_size,
    output      logic [15:0]           parse_csum_start,
    output      logic [15:0]           parse_csum_offset,
    input  wire logic                  parse_done,
    input  wire logic [7:0]            parse_status,
    input  wire logic                  parse_is_v6,
    input  wire logic [7:0]            parse_l4_off,
    input  wire logic [7:0]            parse_unfrag_end,
    input  wire logic [15:0]           parse_prefix_sum,
    input  wire logic                  parse_sum_odd,

    // header template
    output      logic                  tmpl_load,
    output      logic [7:0]            tmpl_copy_len,
    output      logic                  tmpl_vlan_ins,
    output      logic [15:0]           tmpl_vlan_tci,
    output      logic                  tmpl_frag6,
    output      logic [31:0]           tmpl_frag_id,

    // fragmenter
    output      logic                  frag_start,
    output      logic                  frag_mode,
    output      logic                  frag_csum_en,
    output      logic [LEN_WIDTH-1:0]  frag_csum_pos,
    output      logic [15:0]           frag_csum_val,
    input  wire logic                  frag_done,
    input  wire logic [15:0]           frag_frames,
    input  wire logic [31:0]           frag_wire_bytes,

    // completion request to ufo_cpl_write
    output      logic                  cpl_valid,
    input  wire logic                  cpl_ready,
    output      logic [15:0]           cpl_desc_index,
    output      logic [15:0]           cpl_desc_count,
    output      logic [7:0]            cpl_status,
    output      logic [15:0]           cpl_frames,
    output      logic [31:0]           cpl_wire_bytes
);
  typedef enum logic [2:0] {S_DESC, S_CHECK, S_GATHER, S_PARSE, S_TMPL, S_SEND, S_CPL} state_e;
  state_e state_q;

  logic [15:0]          sop_index_q, count_q, ufo_size_q, head_len_q;
  logic [15:0]          vlan_tci_q, csum_start_q, csum_offset_q;
  logic [31:0]          frag_id_q;
  logic                 ufo_q, csum_q, vlan_ins_q;
  logic [IDX_WIDTH:0]   n_q;                 // descriptors collected
  logic [LEN_WIDTH+5:0] total_q;             // sum of up to MAX_DESC 16-bit lengths
  logic [7:0]           status_q;
  logic [15:0]          frames_q;
  logic [31:0]          bytes_q;

  logic sop, eop, sop_inside;
  assign sop        = desc_flags[ufo_pkg::FLAG_SOP];
  assign eop        = desc_flags[ufo_pkg::FLAG_EOP];
  // A SOP in the middle of a packet starts the next one: leave it in the queue.
  assign sop_inside = n_q != '0 && !desc_err && sop;
  assign desc_ready = state_q == S_DESC && !sop_inside;

  logic desc_fire;
  assign desc_fire = desc_valid && desc_ready;

  assign list_wr_en   = desc_fire && !desc_err && (n_q != '0 || sop);
  assign list_wr_idx  = n_q[IDX_WIDTH-1:0];
  assign list_wr_addr = desc_buf_addr;
  assign list_wr_len  = desc_buf_len;

  assign gather_count   = n_q;
  assign gather_total   = LEN_WIDTH'(total_q);
  assign parse_head_len    = head_len_q;
  assign parse_ufo         = ufo_q;
  assign parse_csum        = csum_q;
  assign parse_ufo_size    = ufo_size_q;
  assign parse_csum_start  = csum_start_q;
  assign parse_csum_offset = csum_offset_q;
  assign tmpl_vlan_ins     = vlan_ins_q;
  assign tmpl_vlan_tci     = vlan_tci_q;
  assign tmpl_frag_id      = frag_id_q;
  assign tmpl_load         = state_q == S_TMPL;

  // Checksum = ~(frame sum - sum of the bytes before the start), a start at an odd offset pairs
  // the bytes the other way round (RFC 1071 2(B): swap the sum); 0 is sent as 0xFFFF.
  logic [15:0] frame_sum, sum_aligned, sum, csum_val, prefix_neg;
  assign frame_sum   = ufo_pkg::csum_fold(gather_frame_sum);
  assign prefix_neg  = ~parse_prefix_sum;   // one's-complement subtraction: add the complement
  assign sum_aligned = ufo_pkg::csum_fold({16'h0, frame_sum} + {16'h0, prefix_neg});
  assign sum         = parse_sum_odd ? {sum_aligned[7:0], sum_aligned[15:8]} : sum_aligned;
  assign csum_val    = (~sum == 16'h0000) ? 16'hFFFF : ~sum;

  // Mode of a parsed packet. IPv4: ufo_size = mtu - IP header, so the datagram fits when its
  // payload does; IPv6: ufo_size = mtu - unfragmentable part - 8 (the Fragment header it would
  // need), so it fits with up to 8 bytes more.
  logic [LEN_WIDTH-1:0] left, fits_limit, vlan_shift, plain_csum_pos;
  logic                 fits;
  assign left           = gather_total - LEN_WIDTH'(parse_unfrag_end);
  assign fits_limit     = LEN_WIDTH'(ufo_size_q) + (parse_is_v6 ? LEN_WIDTH'(8) : '0);
  assign fits           = left <= fits_limit;
  assign vlan_shift     = vlan_ins_q ? LEN_WIDTH'(4) : '0;
  assign plain_csum_pos = LEN_WIDTH'(csum_start_q) + LEN_WIDTH'(csum_offset_q) +
                          ((vlan_ins_q && 32'(csum_start_q) + 32'(csum_offset_q) >= 12)
                               ? LEN_WIDTH'(4) : '0);

  assign cpl_valid      = state_q == S_CPL;
  assign cpl_desc_index = sop_index_q;
  assign cpl_desc_count = count_q;
  assign cpl_status     = status_q;
  assign cpl_frames     = frames_q;
  assign cpl_wire_bytes = bytes_q;
  assign busy           = state_q != S_DESC || n_q != '0;

  // Helper: end the packet with a completion.
  task automatic finish(input logic [7:0] status, input logic [15:0] count);
    status_q <= status;
    count_q  <= count;
    frames_q <= '0;
    bytes_q  <= '0;
    state_q  <= S_CPL;
  endtask

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      state_q      <= S_DESC;
      n_q          <= '0;
      gather_start <= 1'b0;
      parse_start  <= 1'b0;
      frag_start   <= 1'b0;
    end else begin
      gather_start <= 1'b0;
      parse_start  <= 1'b0;
      frag_start   <= 1'b0;
      unique case (state_q)
        S_DESC: if (desc_valid && sop_inside) begin
          finish(ufo_pkg::ST_DESC_CHAIN, 16'(n_q));
        end else if (desc_fire) begin
          if (n_q == '0) begin
            sop_index_q <= desc_index;
            ufo_size_q  <= desc_ufo_size;
            ufo_q       <= desc_flags[ufo_pkg::FLAG_UFO];
            csum_q      <= desc_flags[ufo_pkg::FLAG_CSUM];
            vlan_ins_q  <= desc_flags[ufo_pkg::FLAG_VLAN_INS];
            vlan_tci_q    <= desc_vlan_tci;
            csum_start_q  <= desc_csum_start;
            csum_offset_q <= desc_csum_offset;
            frag_id_q     <= desc_frag_id;
            head_len_q  <= desc_buf_len;
            total_q     <= (LEN_WIDTH+6)'(desc_buf_len);
          end else begin
            total_q <= total_q + (LEN_WIDTH+6)'(desc_buf_len);
          end
          if (desc_err) begin
            finish(ufo_pkg::ST_DESC_DMA, 16'(n_q) + 16'd1);
          end else if (n_q == '0 && !sop) begin
            finish(ufo_pkg::ST_DESC_CHAIN, 16'd1);
          end else if (eop) begin
            n_q     <= n_q + 1'b1;
            count_q <= 16'(n_q) + 16'd1;
            state_q <= S_CHECK;
          end else if (32'(n_q) + 1 == MAX_DESC) begin
            finish(ufo_pkg::ST_DESC_CHAIN, 16'(MAX_DESC));
          end else begin
            n_q <= n_q + 1'b1;
          end
        end
        S_CHECK: begin
          if (total_q == '0 || total_q > (LEN_WIDTH+6)'(BUF_BYTES)) begin
            finish(ufo_pkg::ST_LENGTH, count_q);
          end else begin
            gather_start <= 1'b1;
            state_q      <= S_GATHER;
          end
        end
        S_GATHER: if (gather_done) begin
          if (gather_dma_err) begin
            finish(ufo_pkg::ST_DMA_READ, count_q);
          end else begin
            parse_start <= 1'b1;
            state_q     <= S_PARSE;
          end
        end
        S_PARSE: if (parse_done) begin
          if (parse_status != ufo_pkg::ST_OK) begin
            finish(parse_status, count_q);
          end else if (vlan_ins_q && (gather_total < LEN_WIDTH'(14) ||
                                      (!ufo_q && csum_q && csum_start_q < 16'd12))) begin
            // no EtherType to put the tag before, or a checksum that would cover the tag
            // (the kernel refuses that combination too)
            finish(ufo_pkg::ST_HEADER, count_q);
          end else begin
            // UFO fragmented: the template is everything up to the end of the unfragmentable
            // part; otherwise (plain, or a UFO datagram that fits) at most the MAC addresses
            // and the inserted tag.
            frag_mode     <= ufo_q && !fits;
            tmpl_frag6    <= ufo_q && !fits && parse_is_v6;
            tmpl_copy_len <= (ufo_q && !fits) ? parse_unfrag_end : (vlan_ins_q ? 8'd12 : 8'd0);
            frag_csum_en  <= csum_q;
            frag_csum_val <= csum_val;
            frag_csum_pos <= !ufo_q ? plain_csum_pos
                             : LEN_WIDTH'(parse_l4_off) + LEN_WIDTH'(6) + vlan_shift +
                               ((!fits && parse_is_v6) ? LEN_WIDTH'(8) : '0);
            state_q       <= S_TMPL;
          end
        end
        S_TMPL: begin   // tmpl_load is high in this state
          frag_start <= 1'b1;
          state_q    <= S_SEND;
        end
        S_SEND: if (frag_done) begin
          status_q <= ufo_pkg::ST_OK;
          frames_q <= frag_frames;
          bytes_q  <= frag_wire_bytes;
          state_q  <= S_CPL;
        end
        S_CPL: if (cpl_ready) begin
          n_q     <= '0;
          state_q <= S_DESC;
        end
        default: state_q <= S_DESC;
      endcase
    end
  end
endmodule

`default_nettype wire
