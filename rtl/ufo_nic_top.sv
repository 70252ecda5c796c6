// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_nic_top: UFO transmit engine. Descriptor fetch -> packet sequencer -> gather DMA into the
// store-and-forward packet buffer (with running frame checksum and header capture) -> header
// parser -> fragmenter -> frame reader -> AXI4-Stream; one completion per packet.
// Block diagram and formats: docs/architecture.md.
`default_nettype none
`timescale 1ns / 1ps

module ufo_nic_top #(
    parameter int DATA_WIDTH      = 64,     // AXI4 and AXI4-Stream data width: 64, 128, 256, 512
    parameter int ADDR_WIDTH      = 64,     // AXI4 address width
    parameter int ID_WIDTH        = 4,      // AXI4 ID width (>= 1)
    parameter int AXIL_ADDR_WIDTH = 8,      // register file address width
    parameter int BUF_BYTES       = 67584,  // packet buffer = largest frame, multiple of DATA_WIDTH/8
    parameter int HDR_BYTES       = 128,    // header window
    parameter int MAX_DESC        = 32,     // descriptors per packet (power of two)
    parameter int MAX_BURST       = 16,     // beats per AXI4 read burst
    localparam int KEEP_WIDTH     = DATA_WIDTH / 8
) (
    input  wire logic                       clk,
    input  wire logic                       rst_n,

    // AXI4-Lite slave: control and status registers
    input  wire logic [AXIL_ADDR_WIDTH-1:0] s_axil_awaddr,
    input  wire logic [2:0]                 s_axil_awprot,
    input  wire logic                       s_axil_awvalid,
    output      logic                       s_axil_awready,
    input  wire logic [31:0]                s_axil_wdata,
    input  wire logic [3:0]                 s_axil_wstrb,
    input  wire logic                       s_axil_wvalid,
    output      logic                       s_axil_wready,
    output      logic [1:0]                 s_axil_bresp,
    output      logic                       s_axil_bvalid,
    input  wire logic                       s_axil_bready,
    input  wire logic [AXIL_ADDR_WIDTH-1:0] s_axil_araddr,
    input  wire logic [2:0]                 s_axil_arprot,
    input  wire logic                       s_axil_arvalid,
    output      logic                       s_axil_arready,
    output      logic [31:0]                s_axil_rdata,
    output      logic [1:0]                 s_axil_rresp,
    output      logic                       s_axil_rvalid,
    input  wire logic                       s_axil_rready,

    // AXI4 master: descriptor and buffer reads, completion writes
    output      logic [ID_WIDTH-1:0]        m_axi_awid,
    output      logic [ADDR_WIDTH-1:0]      m_axi_awaddr,
    output      logic [7:0]                 m_axi_awlen,
    output      logic [2:0]                 m_axi_awsize,
    output      logic [1:0]                 m_axi_awburst,
    output      logic                       m_axi_awlock,
    output      logic [3:0]                 m_axi_awcache,
    output      logic [2:0]                 m_axi_awprot,
    output      logic                       m_axi_awvalid,
    input  wire logic                       m_axi_awready,
    output      logic [DATA_WIDTH-1:0]      m_axi_wdata,
    output      logic [KEEP_WIDTH-1:0]      m_axi_wstrb,
    output      logic                       m_axi_wlast,
    output      logic                       m_axi_wvalid,
    input  wire logic                       m_axi_wready,
    input  wire logic [ID_WIDTH-1:0]        m_axi_bid,
    input  wire logic [1:0]                 m_axi_bresp,
    input  wire logic                       m_axi_bvalid,
    output      logic                       m_axi_bready,
    output      logic [ID_WIDTH-1:0]        m_axi_arid,
    output      logic [ADDR_WIDTH-1:0]      m_axi_araddr,
    output      logic [7:0]                 m_axi_arlen,
    output      logic [2:0]                 m_axi_arsize,
    output      logic [1:0]                 m_axi_arburst,
    output      logic                       m_axi_arlock,
    output      logic [3:0]                 m_axi_arcache,
    output      logic [2:0]                 m_axi_arprot,
    output      logic                       m_axi_arvalid,
    input  wire logic                       m_axi_arready,
    input  wire logic [ID_WIDTH-1:0]        m_axi_rid,
    input  wire logic [DATA_WIDTH-1:0]      m_axi_rdata,
    input  wire logic [1:0]                 m_axi_rresp,
    input  wire logic                       m_axi_rlast,
    input  wire logic                       m_axi_rvalid,
    output      logic                       m_axi_rready,

    // AXI4-Stream master: frames to the MAC
    output      logic [DATA_WIDTH-1:0]      m_axis_tdata,
    output      logic [KEEP_WIDTH-1:0]      m_axis_tkeep,
    output      logic                       m_axis_tvalid,
    input  wire logic                       m_axis_tready,
    output      logic                       m_axis_tlast,
    output      logic                       m_axis_tuser,

    output      logic                       irq
);
  initial begin
    if (DATA_WIDTH != 64 && DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin
      $error("ufo_nic_top: DATA_WIDTH must be 64, 128, 256 or 512");
      $finish;
    end
    if (BUF_BYTES % KEEP_WIDTH != 0 || BUF_BYTES < 2048 || BUF_BYTES > 131071) begin
      $error("ufo_nic_top: BUF_BYTES must be a multiple of DATA_WIDTH/8 in 2048..131071");
      $finish;
    end
    if ((MAX_DESC & (MAX_DESC - 1)) != 0 || MAX_DESC < 2) begin
      $error("ufo_nic_top: MAX_DESC must be a power of two >= 2");
      $finish;
    end
  end

  localparam int BUF_DEPTH = BUF_BYTES / KEEP_WIDTH;
  localparam int BUF_AW    = $clog2(BUF_DEPTH);
  localparam int LEN_WIDTH = 17;    // byte positions in the packet buffer (< 128 KiB)
  localparam int IDX_WIDTH = $clog2(MAX_DESC);

  // ---------------------------------------------------------------- registers
  logic        enable, busy, irq_w;
  logic [63:0] tx_ring_base, cpl_ring_base;
  logic [3:0]  ring_log2;
  logic [15:0] tx_tail, tx_head;
  logic        cpl_done, cpl_write_err;
  logic [7:0]  cpl_done_status;
  logic [15:0] cpl_done_count;
  logic        frame_done;
  logic [LEN_WIDTH-1:0] frame_bytes;

  ufo_csr #(
      .AXIL_ADDR_WIDTH(AXIL_ADDR_WIDTH),
      .DATA_WIDTH     (DATA_WIDTH),
      .MAX_DESC       (MAX_DESC),
      .HDR_BYTES      (HDR_BYTES)
  ) u_csr (
      .clk, .rst_n,
      .s_axil_awaddr, .s_axil_awprot, .s_axil_awvalid, .s_axil_awready,
      .s_axil_wdata, .s_axil_wstrb, .s_axil_wvalid, .s_axil_wready,
      .s_axil_bresp, .s_axil_bvalid, .s_axil_bready,
      .s_axil_araddr, .s_axil_arprot, .s_axil_arvalid, .s_axil_arready,
      .s_axil_rdata, .s_axil_rresp, .s_axil_rvalid, .s_axil_rready,
      .enable, .tx_ring_base, .ring_log2, .tx_tail, .cpl_ring_base, .tx_head,
      .busy,
      .cpl_done, .cpl_status(cpl_done_status), .cpl_desc_count(cpl_done_count),
      .frame_done, .frame_bytes,
      .irq(irq_w)
  );
  assign irq = irq_w;

  // TX_HEAD is for the driver; the engine itself tracks its fetch and completion positions.
  logic unused_tx_head;
  assign unused_tx_head = ^tx_head;

  // ---------------------------------------------------------------- read port sharing
  logic [ADDR_WIDTH-1:0] df_araddr, g_araddr;
  logic [7:0]            df_arlen, g_arlen;
  logic                  df_arvalid, df_arready, g_arvalid, g_arready;
  logic [DATA_WIDTH-1:0] df_rdata, g_rdata;
  logic [1:0]            df_rresp, g_rresp;
  logic                  df_rlast, df_rvalid, df_rready, g_rlast, g_rvalid, g_rready;

  ufo_axi_rd_mux #(.DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH)) u_rd_mux (
      .clk, .rst_n,
      .s0_axi_araddr(df_araddr), .s0_axi_arlen(df_arlen), .s0_axi_arvalid(df_arvalid),
      .s0_axi_arready(df_arready), .s0_axi_rdata(df_rdata), .s0_axi_rresp(df_rresp),
      .s0_axi_rlast(df_rlast), .s0_axi_rvalid(df_rvalid), .s0_axi_rready(df_rready),
      .s1_axi_araddr(g_araddr), .s1_axi_arlen(g_arlen), .s1_axi_arvalid(g_arvalid),
      .s1_axi_arready(g_arready), .s1_axi_rdata(g_rdata), .s1_axi_rresp(g_rresp),
      .s1_axi_rlast(g_rlast), .s1_axi_rvalid(g_rvalid), .s1_axi_rready(g_rready),
      .m_axi_arid, .m_axi_araddr, .m_axi_arlen, .m_axi_arsize, .m_axi_arburst, .m_axi_arlock,
      .m_axi_arcache, .m_axi_arprot, .m_axi_arvalid, .m_axi_arready,
      .m_axi_rid, .m_axi_rdata, .m_axi_rresp, .m_axi_rlast, .m_axi_rvalid, .m_axi_rready
  );

  // ---------------------------------------------------------------- descriptors
  logic        desc_valid, desc_ready, desc_err;
  logic [15:0] desc_index, desc_buf_len, desc_flags, desc_ufo_size;
  logic [15:0] desc_vlan_tci, desc_csum_start, desc_csum_offset;
  logic [31:0] desc_frag_id;
  logic [63:0] desc_buf_addr;

  ufo_desc_fetch #(.DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH)) u_desc_fetch (
      .clk, .rst_n,
      .enable, .tx_ring_base(ADDR_WIDTH'(tx_ring_base)), .ring_log2, .tx_tail,
      .m_axi_araddr(df_araddr), .m_axi_arlen(df_arlen), .m_axi_arvalid(df_arvalid),
      .m_axi_arready(df_arready), .m_axi_rdata(df_rdata), .m_axi_rresp(df_rresp),
      .m_axi_rlast(df_rlast), .m_axi_rvalid(df_rvalid), .m_axi_rready(df_rready),
      .desc_valid, .desc_ready, .desc_index, .desc_buf_addr, .desc_buf_len, .desc_flags,
      .desc_ufo_size, .desc_vlan_tci, .desc_csum_start, .desc_csum_offset, .desc_frag_id,
      .desc_err
  );


  // ---------------------------------------------------------------- packet sequencer
  localparam int TMPL_BYTES = HDR_BYTES + 12;   // + inserted VLAN tag + IPv6 Fragment header

  logic                  list_wr_en;
  logic [IDX_WIDTH-1:0]  list_wr_idx;
  logic [ADDR_WIDTH-1:0] list_wr_addr;
  logic [15:0]           list_wr_len;
  logic                  gather_start, gather_done, gather_dma_err;
  logic [IDX_WIDTH:0]    gather_count;
  logic [LEN_WIDTH-1:0]  gather_total;
  logic [31:0]           gather_frame_sum;
  logic [8*HDR_BYTES-1:0] hdr_bytes;
  logic                  parse_start, parse_done, parse_ufo, parse_csum, parse_is_v6;
  logic                  parse_in_mf, parse_sum_odd;
  logic [15:0]           parse_head_len, parse_ufo_size, parse_csum_start, parse_csum_offset;
  logic [15:0]           parse_frag_base, parse_ip_base_first, parse_ip_base_later;
  logic [15:0]           parse_prefix_sum;
  logic [7:0]            parse_status, parse_l3_off, parse_l4_off, parse_unfrag_end;
  logic [7:0]            parse_nh_pos, parse_fh_next;
  logic [HDR_BYTES-1:0]  parse_noop_mask;
  logic                  tmpl_load, tmpl_vlan_ins, tmpl_frag6;
  logic [7:0]            tmpl_copy_len, tmpl_len;
  logic [15:0]           tmpl_vlan_tci;
  logic [31:0]           tmpl_frag_id;
  logic [8*TMPL_BYTES-1:0] tmpl_bytes;
  logic [TMPL_BYTES-1:0] tmpl_noop;
  logic                  frag_start, frag_mode, frag_csum_en, frag_done;
  logic [LEN_WIDTH-1:0]  frag_csum_pos;
  logic [15:0]           frag_csum_val, frag_frames;
  logic [31:0]           frag_wire_bytes;
  logic                  cpl_valid, cpl_ready;
  logic [15:0]           cpl_desc_index, cpl_desc_count, cpl_frames;
  logic [7:0]            cpl_status;
  logic [31:0]           cpl_wire_bytes;

  ufo_tx_ctrl #(
      .ADDR_WIDTH(ADDR_WIDTH), .MAX_DESC(MAX_DESC), .BUF_BYTES(BUF_BYTES), .LEN_WIDTH(LEN_WIDTH)
  ) u_ctrl (
      .clk, .rst_n, .busy,
      .desc_valid, .desc_ready, .desc_index, .desc_buf_addr(ADDR_WIDTH'(desc_buf_addr)),
      .desc_buf_len, .desc_flags, .desc_ufo_size, .desc_vlan_tci, .desc_csum_start,
      .desc_csum_offset, .desc_frag_id, .desc_err,
      .list_wr_en, .list_wr_idx, .list_wr_addr, .list_wr_len,
      .gather_start, .gather_count, .gather_total, .gather_done, .gather_dma_err,
      .gather_frame_sum,
      .parse_start, .parse_head_len, .parse_ufo, .parse_csum, .parse_ufo_size,
      .parse_csum_start, .parse_csum_offset, .parse_done, .parse_status, .parse_is_v6,
      .parse_l4_off, .parse_unfrag_end, .parse_prefix_sum, .parse_sum_odd,
      .tmpl_load, .tmpl_copy_len, .tmpl_vlan_ins, .tmpl_vlan_tci, .tmpl_frag6, .tmpl_frag_id,
      .frag_start, .frag_mode, .frag_csum_en, .frag_csum_pos, .frag_csum_val, .frag_done,
      .frag_frames, .frag_wire_bytes,
      .cpl_valid, .cpl_ready, .cpl_desc_index, .cpl_desc_count, .cpl_status, .cpl_frames,
      .cpl_wire_bytes
  );

  // ---------------------------------------------------------------- gather into the buffer
  logic                  buf_wr_en, buf_rd_en;
  logic [BUF_AW-1:0]     buf_wr_addr, buf_rd_addr;
  logic [DATA_WIDTH-1:0] buf_wr_data, buf_rd_data;

  ufo_gather #(
      .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .MAX_DESC(MAX_DESC),
      .MAX_BURST(MAX_BURST), .BUF_DEPTH(BUF_DEPTH), .HDR_BYTES(HDR_BYTES), .LEN_WIDTH(LEN_WIDTH)
  ) u_gather (
      .clk, .rst_n,
      .list_wr_en, .list_wr_idx, .list_wr_addr, .list_wr_len,
      .start(gather_start), .start_count(gather_count), .start_total(gather_total),
      .done(gather_done), .dma_err(gather_dma_err), .frame_sum(gather_frame_sum), .hdr_bytes,
      .ar_addr(g_araddr), .ar_len(g_arlen), .ar_valid(g_arvalid), .ar_ready(g_arready),
      .r_data(g_rdata), .r_resp(g_rresp), .r_last(g_rlast), .r_valid(g_rvalid),
      .r_ready(g_rready),
      .buf_wr_en, .buf_wr_addr, .buf_wr_data
  );

  ufo_pkt_buf #(.DATA_WIDTH(DATA_WIDTH), .DEPTH(BUF_DEPTH)) u_pkt_buf (
      .clk,
      .wr_en(buf_wr_en), .wr_addr(buf_wr_addr), .wr_data(buf_wr_data),
      .rd_en(buf_rd_en), .rd_addr(buf_rd_addr), .rd_data(buf_rd_data)
  );

  // ---------------------------------------------------------------- parse, template, fragment
  ufo_hdr_parse #(.HDR_BYTES(HDR_BYTES), .LEN_WIDTH(LEN_WIDTH)) u_parse (
      .clk, .rst_n,
      .start(parse_start), .hdr_bytes, .frame_len(gather_total), .head_len(parse_head_len),
      .ufo(parse_ufo), .csum(parse_csum), .ufo_size(parse_ufo_size),
      .csum_start(parse_csum_start), .csum_offset(parse_csum_offset),
      .done(parse_done), .status(parse_status), .is_v6(parse_is_v6), .l3_off(parse_l3_off),
      .l4_off(parse_l4_off), .unfrag_end(parse_unfrag_end), .nh_pos(parse_nh_pos),
      .fh_next(parse_fh_next), .frag_base(parse_frag_base), .in_mf(parse_in_mf),
      .ip_base_first(parse_ip_base_first), .ip_base_later(parse_ip_base_later),
      .prefix_sum(parse_prefix_sum), .sum_odd(parse_sum_odd), .noop_mask(parse_noop_mask)
  );

  ufo_frame_template #(.HDR_BYTES(HDR_BYTES), .TMPL_BYTES(TMPL_BYTES)) u_template (
      .clk,
      .load(tmpl_load), .hdr_bytes, .hdr_noop(parse_noop_mask), .copy_len(tmpl_copy_len),
      .vlan_ins(tmpl_vlan_ins), .vlan_tci(tmpl_vlan_tci), .frag6(tmpl_frag6),
      .nh_pos(parse_nh_pos), .fh_next(parse_fh_next), .frag_id(tmpl_frag_id),
      .tmpl_bytes, .tmpl_noop, .tmpl_len
  );

  logic                    rd_cmd_valid, rd_cmd_ready, rd_cmd_noop;
  logic [7:0]              rd_cmd_tmpl_len;
  logic [LEN_WIDTH-1:0]    rd_cmd_b_start, rd_cmd_b_len;
  logic [3:0]              rd_cmd_patch_en;
  logic [4*LEN_WIDTH-1:0]  rd_cmd_patch_pos;
  logic [4*16-1:0]         rd_cmd_patch_val;

  ufo_fragmenter #(.LEN_WIDTH(LEN_WIDTH)) u_fragmenter (
      .clk, .rst_n,
      .start(frag_start), .frag_mode, .is_v6(parse_is_v6), .frame_len(gather_total),
      .tmpl_len, .copy_len(tmpl_copy_len), .vlan_ins(tmpl_vlan_ins), .l3_off(parse_l3_off),
      .ufo_size(parse_ufo_size), .frag_base(parse_frag_base), .in_mf(parse_in_mf),
      .ip_base_first(parse_ip_base_first), .ip_base_later(parse_ip_base_later),
      .csum_en(frag_csum_en), .csum_pos(frag_csum_pos), .csum_val(frag_csum_val),
      .done(frag_done), .frames(frag_frames), .wire_bytes(frag_wire_bytes),
      .cmd_valid(rd_cmd_valid), .cmd_ready(rd_cmd_ready),
      .cmd_tmpl_len(rd_cmd_tmpl_len), .cmd_noop(rd_cmd_noop),
      .cmd_b_start(rd_cmd_b_start), .cmd_b_len(rd_cmd_b_len),
      .cmd_patch_en(rd_cmd_patch_en), .cmd_patch_pos(rd_cmd_patch_pos),
      .cmd_patch_val(rd_cmd_patch_val),
      .frame_done, .frame_bytes
  );

  ufo_frame_reader #(
      .DATA_WIDTH(DATA_WIDTH), .BUF_DEPTH(BUF_DEPTH), .LEN_WIDTH(LEN_WIDTH),
      .TMPL_BYTES(TMPL_BYTES)
  ) u_reader (
      .clk, .rst_n,
      .cmd_valid(rd_cmd_valid), .cmd_ready(rd_cmd_ready),
      .cmd_tmpl_len(rd_cmd_tmpl_len), .cmd_noop(rd_cmd_noop),
      .cmd_b_start(rd_cmd_b_start), .cmd_b_len(rd_cmd_b_len),
      .cmd_patch_en(rd_cmd_patch_en), .cmd_patch_pos(rd_cmd_patch_pos),
      .cmd_patch_val(rd_cmd_patch_val),
      .tmpl_bytes, .tmpl_noop,
      .buf_rd_en, .buf_rd_addr, .buf_rd_data,
      .m_axis_tdata, .m_axis_tkeep, .m_axis_tvalid, .m_axis_tready, .m_axis_tlast,
      .frame_done, .frame_bytes
  );

  // Store-and-forward: a frame starts only once its packet is complete and checked, so the
  // engine never has to abort a frame it started. tuser stays 0 until a cut-through mode needs it.
  assign m_axis_tuser = 1'b0;

  // ---------------------------------------------------------------- completions
  ufo_cpl_write #(.DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH)) u_cpl (
      .clk, .rst_n,
      .cpl_ring_base(ADDR_WIDTH'(cpl_ring_base)), .ring_log2,
      .req_valid(cpl_valid), .req_ready(cpl_ready), .req_desc_index(cpl_desc_index),
      .req_desc_count(cpl_desc_count), .req_status(cpl_status), .req_frames(cpl_frames),
      .req_wire_bytes(cpl_wire_bytes),
      .m_axi_awid, .m_axi_awaddr, .m_axi_awlen, .m_axi_awsize, .m_axi_awburst, .m_axi_awlock,
      .m_axi_awcache, .m_axi_awprot, .m_axi_awvalid, .m_axi_awready,
      .m_axi_wdata, .m_axi_wstrb, .m_axi_wlast, .m_axi_wvalid, .m_axi_wready,
      .m_axi_bid, .m_axi_bresp, .m_axi_bvalid, .m_axi_bready,
      .cpl_done, .cpl_status(cpl_done_status), .cpl_desc_count(cpl_done_count), .cpl_write_err
  );

  // A lost completion write is visible to the driver as a missing completion; there is no
  // register for it yet.
  logic unused_cpl_write_err;
  assign unused_cpl_write_err = cpl_write_err;
endmodule

`default_nettype wire
