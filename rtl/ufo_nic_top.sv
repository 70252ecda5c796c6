// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_nic_top: UFO transmit engine, a pipeline of stages joined by queues, many packets in
// flight: descriptor fetch -> packet assembly -> gather DMA (request and data sides) into the
// packet ring -> header parse -> fragmenter -> frame reader -> AXI4-Stream -> completion.
// Stages walk a per-packet table (tag = packet sequence number mod NUM_PKTS) in packet order,
// each with its own pointer. Block diagram, tables and formats: docs/architecture.md.
// Robustness (docs/architecture.md, "Control" and "Bus faults"): read and write guards at the
// AXI4 ports (unsolicited responses dropped, missing ones answered after READ_TIMEOUT); a soft
// reset (CTRL.SOFT_RESET) resets the datapath behind them and cuts a frame already started on
// the stream (ufo_axis_abort); ENABLE stops the engine at a packet boundary.
`default_nettype none
`timescale 1ns / 1ps

module ufo_nic_top #(
    parameter int DATA_WIDTH      = 64,     // AXI4 and AXI4-Stream data width: 64, 128, 256, 512
    parameter int ADDR_WIDTH      = 64,     // AXI4 address width
    parameter int ID_WIDTH        = 4,      // AXI4 ID width (>= 1)
    parameter int AXIL_ADDR_WIDTH = 9,      // register file address width (>= 9)
    parameter int BUF_BYTES       = 131072, // packet ring bytes (power of two, > MAX_FRAME)
    parameter int MAX_FRAME       = 67584,  // largest frame the engine accepts, bytes
    parameter int HDR_BYTES       = 128,    // header window
    parameter int MAX_DESC        = 32,     // descriptors per packet (2..63)
    parameter int MAX_BURST       = 16,     // beats per AXI4 read burst
    parameter int NUM_PKTS        = 128,    // packets in flight (packet table entries, power of 2)
    parameter int NUM_HDR         = 8,      // header windows waiting for the parser
    parameter int TMPL_SLOTS      = 4,      // header templates (parsed packets not yet sent)
    parameter int OUTSTANDING_BEATS  = 1024, // gather read beats in flight: >= read latency
    parameter int OUTSTANDING_BURSTS = 256,  // gather read bursts in flight (power of 2)
    parameter int DESC_DEPTH      = 256,    // descriptor prefetch FIFO (power of 2)
    parameter int DESC_BLOCK      = 16,     // descriptors per read burst
    parameter int DESC_READS      = 64,     // descriptor read bursts in flight (power of 2): a doorbell per
                                            // packet makes small blocks, so many are in flight
    parameter int CPL_WRITES      = 8,      // completion writes in flight (power of 2)
    parameter int BSUM_DEPTH      = 256,    // USO boundary-sum table: segments of packets gathered
                                            // and not yet sent (power of 2, >= 128)
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
  if (DATA_WIDTH != 64 && DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin : g_bad_w
    $fatal(1, "ufo_nic_top: DATA_WIDTH must be 64, 128, 256 or 512");
  end
  // The ring must hold the largest frame plus what the reservation can over-count (a beat per
  // buffer); throughput wants about two largest frames (docs/performance.md).
  if ((BUF_BYTES & (BUF_BYTES - 1)) != 0 || BUF_BYTES < MAX_FRAME + (MAX_DESC + 1) * KEEP_WIDTH ||
      BUF_BYTES > (1 << ufo_pkg::RING_AW)) begin : g_bad_buf
    $fatal(1, "ufo_nic_top: BUF_BYTES must be a power of two above MAX_FRAME, at most 1 MiB");
  end
  if (MAX_FRAME < 2048 || MAX_FRAME > 131071) begin : g_bad_frame
    $fatal(1, "ufo_nic_top: MAX_FRAME must be 2048..131071");
  end
  if ((NUM_PKTS & (NUM_PKTS - 1)) != 0 || NUM_PKTS < 2) begin : g_bad_pkts
    $fatal(1, "ufo_nic_top: NUM_PKTS must be a power of two >= 2");
  end

  localparam int RING_WORDS = BUF_BYTES / KEEP_WIDTH;
  localparam int RWW        = $clog2(RING_WORDS);
  localparam int TAG_W      = $clog2(NUM_PKTS);
  localparam int HDR_WORDS  = (HDR_BYTES + KEEP_WIDTH - 1) / KEEP_WIDTH;
  localparam int TMPL_WORDS = (HDR_BYTES + 12 + KEEP_WIDTH - 1) / KEEP_WIDTH;

  // ---------------------------------------------------------------- registers
  logic        enable, soft_reset, ring_reset, fault, engine_idle, fault_set;
  logic [63:0] tx_ring_base, cpl_ring_base;
  logic [3:0]  ring_log2;
  logic [15:0] tx_tail;
  logic [31:0] read_timeout;
  logic [15:0] cfg_max_frame_len;   // MAX_FRAME_LEN, for the parser's frame-size checks
  logic        cpl_done, cpl_write_err, cpl_write_tmo, unsolicited_r, unsolicited_b;
  logic [7:0]  cpl_done_status;
  logic [15:0] cpl_done_count;
  logic        frame_done;
  logic [ufo_pkg::LEN_WIDTH-1:0] frame_bytes;

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
      .enable, .soft_reset, .ring_reset, .tx_ring_base, .ring_log2, .tx_tail, .cpl_ring_base,
      .fault, .read_timeout, .max_frame_len(cfg_max_frame_len),
      .engine_idle, .fault_set,
      .cpl_done, .cpl_status(cpl_done_status), .cpl_desc_count(cpl_done_count), .cpl_write_err,
      .cpl_write_tmo, .unsolicited_r, .unsolicited_b,
      .frame_done, .frame_bytes,
      .irq
  );

  // The datapath behind the bus guards is reset by rst_n and by a soft reset; the guards, the
  // read mux, the completion writer's AW/W channels and the stream output only by rst_n (an
  // AXI valid is never withdrawn).
  logic dp_rst_n;
  assign dp_rst_n = rst_n && !soft_reset;

  // ---------------------------------------------------------------- read port sharing
  logic [ADDR_WIDTH-1:0] df_araddr, g_araddr;
  logic [7:0]            df_arlen, g_arlen;
  logic                  df_arvalid, df_arready, g_arvalid, g_arready;
  logic [DATA_WIDTH-1:0] df_rdata, g_rdata;
  logic [1:0]            df_rresp, g_rresp;
  logic                  df_rlast, df_rvalid, df_rready, g_rlast, g_rvalid, g_rready;
  logic                  df_rtmo, g_rtmo;
  // between the mux and the read guard
  logic                  mux_arvalid, mux_arready;
  logic [ID_WIDTH-1:0]   gd_rid;
  logic [DATA_WIDTH-1:0] gd_rdata;
  logic [1:0]            gd_rresp;
  logic                  gd_rlast, gd_rtmo, gd_rvalid, gd_rready, rd_idle;

  // No request enters the mux in a soft reset's cycle: what sits in it is from before the reset.
  // No descriptor read enters it in FAULT: the buffer reads the guard answers must not wait
  // behind one (the guard parks the one already in the mux).
  ufo_axi_rd_mux #(.DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH)) u_rd_mux (
      .clk, .rst_n,
      .s0_axi_araddr(df_araddr), .s0_axi_arlen(df_arlen), .s0_axi_arvalid(df_arvalid && !soft_reset && !fault),
      .s0_axi_arready(df_arready), .s0_axi_rdata(df_rdata), .s0_axi_rresp(df_rresp),
      .s0_axi_rlast(df_rlast), .s0_rtmo(df_rtmo), .s0_axi_rvalid(df_rvalid), .s0_axi_rready(df_rready),
      .s1_axi_araddr(g_araddr), .s1_axi_arlen(g_arlen), .s1_axi_arvalid(g_arvalid && !soft_reset),
      .s1_axi_arready(g_arready), .s1_axi_rdata(g_rdata), .s1_axi_rresp(g_rresp),
      .s1_axi_rlast(g_rlast), .s1_rtmo(g_rtmo), .s1_axi_rvalid(g_rvalid), .s1_axi_rready(g_rready),
      .m_axi_arid, .m_axi_araddr, .m_axi_arlen, .m_axi_arsize, .m_axi_arburst, .m_axi_arlock,
      .m_axi_arcache, .m_axi_arprot, .m_axi_arvalid(mux_arvalid), .m_axi_arready(mux_arready),
      .m_axi_rid(gd_rid), .m_axi_rdata(gd_rdata), .m_axi_rresp(gd_rresp), .m_axi_rlast(gd_rlast),
      .m_rtmo(gd_rtmo), .m_axi_rvalid(gd_rvalid), .m_axi_rready(gd_rready)
  );

  logic rd_timeout, rd_unsolicited;
  ufo_axi_rd_guard #(
      .DATA_WIDTH(DATA_WIDTH), .ID_WIDTH(ID_WIDTH), .NUM_IDS(2), .ANSWER_ID(1)  // buffer reads
  ) u_rd_guard (
      .clk, .rst_n,
      .cfg_timeout(read_timeout), .block(fault), .flush(soft_reset),
      .s_arid(m_axi_arid), .s_arlen(m_axi_arlen), .s_arvalid(mux_arvalid), .s_arready(mux_arready),
      .m_arvalid(m_axi_arvalid), .m_arready(m_axi_arready),
      .m_rid(m_axi_rid), .m_rdata(m_axi_rdata), .m_rresp(m_axi_rresp), .m_rlast(m_axi_rlast),
      .m_rvalid(m_axi_rvalid), .m_rready(m_axi_rready),
      .s_rid(gd_rid), .s_rdata(gd_rdata), .s_rresp(gd_rresp), .s_rlast(gd_rlast), .s_rtmo(gd_rtmo),
      .s_rvalid(gd_rvalid), .s_rready(gd_rready),
      .unsolicited(rd_unsolicited), .timeout(rd_timeout), .idle(rd_idle)
  );

  // ---------------------------------------------------------------- descriptor fetch
  logic                 desc_valid, desc_ready, desc_unsolicited, asm_busy;
  ufo_pkg::desc_item_t  desc;
  // Reads go on while ENABLE is set, or while a chain already started waits for descriptors
  // that are not fetched yet (so that clearing ENABLE mid-chain still finishes the chain).
  logic                 fetch_enable;
  assign fetch_enable = enable || (asm_busy && !desc_valid);

  ufo_desc_fetch #(
      .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .DEPTH(DESC_DEPTH),
      .MAX_BLOCK(DESC_BLOCK), .MAX_READS(DESC_READS), .MAX_BURST(MAX_BURST)
  ) u_desc_fetch (
      .clk, .rst_n(dp_rst_n),
      .enable(fetch_enable), .tx_ring_base(ADDR_WIDTH'(tx_ring_base)), .ring_log2, .tx_tail,
      .ring_reset,
      .ar_addr(df_araddr), .ar_len(df_arlen), .ar_valid(df_arvalid), .ar_ready(df_arready),
      .r_data(df_rdata), .r_resp(df_rresp), .r_last(df_rlast), .r_tmo(df_rtmo), .r_valid(df_rvalid),
      .r_ready(df_rready),
      .desc_valid, .desc_ready, .desc, .unsolicited(desc_unsolicited)
  );

  // ---------------------------------------------------------------- packet table and pointers
  // read ports, one per stage: gather request, gather data, parser, fragmenter, completion
  logic [TAG_W:0]              alloc_ptr, hdr_ptr, r_ptr, parse_ptr, frag_ptr, cpl_ptr;
  logic                        pkt_wr_en;
  logic [TAG_W-1:0]            pkt_wr_tag;
  ufo_pkg::pkt_rec_t           pkt_wr_rec;
  logic [5*TAG_W-1:0]          pkt_rd_tag;
  logic [5*$bits(pkt_wr_rec)-1:0] pkt_rd;
  logic [TAG_W-1:0]            greq_tag, gdata_tag, parse_tag, frag_tag, cpl_tag;
  ufo_pkg::pkt_rec_t           greq_rec, gdata_rec, parse_rec, frag_rec, cpl_rec;
  assign pkt_rd_tag = {cpl_tag, frag_tag, parse_tag, gdata_tag, greq_tag};
  assign {cpl_rec, frag_rec, parse_rec, gdata_rec, greq_rec} = pkt_rd;

  ufo_tag_table #(.WIDTH($bits(pkt_wr_rec)), .DEPTH(NUM_PKTS), .NUM_RD(5)) u_pkt_tbl (
      .clk, .wr_en(pkt_wr_en), .wr_tag(pkt_wr_tag), .wr_data(pkt_wr_rec),
      .rd_tag(pkt_rd_tag), .rd_data(pkt_rd));

  // ---------------------------------------------------------------- packet assembly
  logic                   buf_valid, buf_pop;
  ufo_pkg::gather_buf_t   buf_head;

  ufo_pkt_assemble #(
      .DATA_WIDTH(DATA_WIDTH), .MAX_DESC(MAX_DESC), .MAX_FRAME(MAX_FRAME), .NUM_PKTS(NUM_PKTS),
      .BUF_DEPTH(2 * (1 << $clog2(MAX_DESC)))
  ) u_assemble (
      .clk, .rst_n(dp_rst_n),
      .enable,
      .desc_valid, .desc_ready, .desc,
      .tbl_wr_en(pkt_wr_en), .tbl_wr_tag(pkt_wr_tag), .tbl_wr_rec(pkt_wr_rec),
      .alloc_ptr, .free_ptr(cpl_ptr),
      .buf_valid, .buf_pop, .buf_head,
      .busy(asm_busy)
  );

  // ---------------------------------------------------------------- gather
  logic                    burst_push, r_beat, g_unsolicited;
  ufo_pkg::gather_burst_t  burst;
  logic [$clog2(OUTSTANDING_BURSTS):0] burst_count;
  logic [RWW:0]            free_word_ptr;
  logic [$clog2(NUM_HDR):0] hdr_free_ptr;
  logic                    ring_wr_en, ring_rd_en;
  logic [RWW-1:0]          ring_wr_addr, ring_rd_addr;
  logic [DATA_WIDTH-1:0]   ring_wr_data, ring_rd_data;
  logic                    gres_wr_en;
  logic [TAG_W-1:0]        gres_wr_tag;
  ufo_pkg::gather_res_t    gres_wr, gres;
  logic [$clog2(NUM_HDR)-1:0] hdr_rd_slot;
  logic [$clog2(HDR_WORDS+1)-1:0] hdr_rd_word;
  logic [DATA_WIDTH-1:0]   hdr_rd_data;
  logic [$clog2(BSUM_DEPTH)-1:0] bsum_rd_addr;
  logic [31:0]             bsum_rd_data;
  logic [$clog2(BSUM_DEPTH):0] bsum_free_ptr;

  ufo_gather_req #(
      .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .NUM_PKTS(NUM_PKTS),
      .RING_WORDS(RING_WORDS), .NUM_HDR(NUM_HDR), .MAX_BURST(MAX_BURST),
      .OUTSTANDING_BEATS(OUTSTANDING_BEATS), .OUTSTANDING_BURSTS(OUTSTANDING_BURSTS),
      .BSUM_DEPTH(BSUM_DEPTH)
  ) u_gather_req (
      .clk, .rst_n(dp_rst_n),
      .alloc_ptr, .tbl_rd_tag(greq_tag), .tbl_rd_rec(greq_rec),
      .buf_valid, .buf_pop, .buf_head,
      .free_word_ptr, .hdr_free_ptr, .r_beat, .bsum_free_ptr,
      .ar_addr(g_araddr), .ar_len(g_arlen), .ar_valid(g_arvalid), .ar_ready(g_arready),
      .burst_push, .burst, .burst_count
  );

  ufo_gather_data #(
      .DATA_WIDTH(DATA_WIDTH), .NUM_PKTS(NUM_PKTS), .RING_WORDS(RING_WORDS),
      .HDR_BYTES(HDR_BYTES), .NUM_HDR(NUM_HDR), .OUTSTANDING_BURSTS(OUTSTANDING_BURSTS),
      .BSUM_DEPTH(BSUM_DEPTH)
  ) u_gather_data (
      .clk, .rst_n(dp_rst_n),
      .burst_push, .burst_in(burst), .burst_count,
      .r_data(g_rdata), .r_resp(g_rresp), .r_last(g_rlast), .r_tmo(g_rtmo), .r_valid(g_rvalid),
      .r_ready(g_rready),
      .r_beat, .unsolicited(g_unsolicited),
      .tbl_rd_tag(gdata_tag), .tbl_rd_rec(gdata_rec),
      .ring_wr_en, .ring_wr_addr, .ring_wr_data,
      .res_wr_en(gres_wr_en), .res_wr_tag(gres_wr_tag), .res_wr(gres_wr),
      .hdr_ptr, .r_ptr,
      .hdr_rd_slot, .hdr_rd_word, .hdr_rd_data,
      .bsum_rd_addr, .bsum_rd_data
  );

  ufo_pkt_buf #(.DATA_WIDTH(DATA_WIDTH), .DEPTH(RING_WORDS)) u_ring (
      .clk,
      .wr_en(ring_wr_en), .wr_addr(ring_wr_addr), .wr_data(ring_wr_data),
      .rd_en(ring_rd_en), .rd_addr(ring_rd_addr), .rd_data(ring_rd_data)
  );

  ufo_tag_table #(.WIDTH($bits(gres)), .DEPTH(NUM_PKTS), .NUM_RD(1)) u_gres_tbl (
      .clk, .wr_en(gres_wr_en), .wr_tag(gres_wr_tag), .wr_data(gres_wr),
      .rd_tag(frag_tag), .rd_data(gres));

  // ---------------------------------------------------------------- parse
  localparam int TSW = $clog2(TMPL_SLOTS);
  logic                    tmpl_wr_en;
  logic [TSW-1:0]          tmpl_wr_slot;
  logic [$clog2(TMPL_WORDS+1)-1:0] tmpl_wr_word;
  logic [DATA_WIDTH-1:0]   tmpl_wr_data;
  logic [KEEP_WIDTH-1:0]   tmpl_wr_noop;
  logic [TSW:0]            tmpl_free_ptr;
  logic                    pres_wr_en;
  logic [TAG_W-1:0]        pres_wr_tag;
  ufo_pkg::parse_res_t     pres_wr, pres;

  ufo_hdr_parse #(
      .DATA_WIDTH(DATA_WIDTH), .HDR_BYTES(HDR_BYTES), .NUM_PKTS(NUM_PKTS), .NUM_HDR(NUM_HDR),
      .TMPL_SLOTS(TMPL_SLOTS)
  ) u_parse (
      .clk, .rst_n(dp_rst_n),
      .hdr_ptr, .tbl_rd_tag(parse_tag), .tbl_rd_rec(parse_rec),
      .hdr_rd_slot, .hdr_rd_word, .hdr_rd_data, .hdr_free_ptr,
      .tmpl_wr_en, .tmpl_wr_slot, .tmpl_wr_word, .tmpl_wr_data, .tmpl_wr_noop, .tmpl_free_ptr,
      .res_wr_en(pres_wr_en), .res_wr_tag(pres_wr_tag), .res_wr(pres_wr), .parse_ptr,
      .cfg_max_frame_len
  );

  ufo_tag_table #(.WIDTH($bits(pres)), .DEPTH(NUM_PKTS), .NUM_RD(1)) u_pres_tbl (
      .clk, .wr_en(pres_wr_en), .wr_tag(pres_wr_tag), .wr_data(pres_wr),
      .rd_tag(frag_tag), .rd_data(pres));

  // ---------------------------------------------------------------- fragment
  logic                  cmd_valid, cmd_ready;
  ufo_pkg::frame_cmd_t   cmd;
  logic                  tx_wr_en;
  logic [TAG_W-1:0]      tx_wr_tag;
  ufo_pkg::tx_res_t      tx_wr, tx;

  ufo_fragmenter #(
      .DATA_WIDTH(DATA_WIDTH), .NUM_PKTS(NUM_PKTS), .TMPL_SLOTS(TMPL_SLOTS), .BSUM_DEPTH(BSUM_DEPTH)
  ) u_fragmenter (
      .clk, .rst_n(dp_rst_n),
      .parse_ptr, .r_ptr, .tbl_rd_tag(frag_tag), .rec(frag_rec),
      .gres, .pres,
      .tx_wr_en, .tx_wr_tag, .tx_wr, .frag_ptr,
      .bsum_rd_addr, .bsum_rd_data, .bsum_free_ptr,
      .cmd_valid, .cmd_ready, .cmd
  );

  ufo_tag_table #(.WIDTH($bits(tx)), .DEPTH(NUM_PKTS), .NUM_RD(1)) u_tx_tbl (
      .clk, .wr_en(tx_wr_en), .wr_tag(tx_wr_tag), .wr_data(tx_wr),
      .rd_tag(cpl_tag), .rd_data(tx));

  // ---------------------------------------------------------------- frame reader
  logic                  pkt_sent;
  logic [DATA_WIDTH-1:0] fr_tdata;
  logic [KEEP_WIDTH-1:0] fr_tkeep;
  logic                  fr_tvalid, fr_tready, fr_tlast;

  ufo_frame_reader #(
      .DATA_WIDTH(DATA_WIDTH), .RING_WORDS(RING_WORDS), .HDR_BYTES(HDR_BYTES),
      .TMPL_SLOTS(TMPL_SLOTS)
  ) u_reader (
      .clk, .rst_n(dp_rst_n),
      .cmd_valid, .cmd_ready, .cmd,
      .ring_rd_en, .ring_rd_addr, .ring_rd_data, .free_word_ptr,
      .tmpl_wr_en, .tmpl_wr_slot, .tmpl_wr_word, .tmpl_wr_data, .tmpl_wr_noop, .tmpl_free_ptr,
      .m_axis_tdata(fr_tdata), .m_axis_tkeep(fr_tkeep), .m_axis_tvalid(fr_tvalid),
      .m_axis_tready(fr_tready), .m_axis_tlast(fr_tlast),
      .frame_done, .frame_bytes, .pkt_sent
  );

  // Store-and-forward: a frame starts only once its packet is complete and checked, so only a
  // soft reset cuts a frame; it ends with a tuser beat.
  ufo_axis_abort #(.DATA_WIDTH(DATA_WIDTH)) u_axis_abort (
      .clk, .rst_n, .cut(soft_reset),
      .s_tdata(fr_tdata), .s_tkeep(fr_tkeep), .s_tlast(fr_tlast), .s_tvalid(fr_tvalid),
      .s_tready(fr_tready),
      .m_tdata(m_axis_tdata), .m_tkeep(m_axis_tkeep), .m_tlast(m_axis_tlast), .m_tuser(m_axis_tuser),
      .m_tvalid(m_axis_tvalid), .m_tready(m_axis_tready)
  );

  // ---------------------------------------------------------------- completions
  logic        cpl_req_valid, cpl_req_ready, writes_pending;
  logic        cw_awvalid, cw_awready, gd_btmo, gd_bvalid, gd_bready;
  logic [1:0]  gd_bresp;
  logic [15:0] cpl_desc_index, cpl_desc_count, cpl_frames;
  logic [7:0]  cpl_status;
  logic [31:0] cpl_wire_bytes;

  ufo_cpl_order #(.NUM_PKTS(NUM_PKTS)) u_cpl_order (
      .clk, .rst_n(dp_rst_n),
      .frag_ptr, .pkt_sent, .tbl_rd_tag(cpl_tag), .rec(cpl_rec),
      .tx, .cpl_ptr,
      .req_valid(cpl_req_valid), .req_ready(cpl_req_ready), .req_desc_index(cpl_desc_index),
      .req_desc_count(cpl_desc_count), .req_status(cpl_status), .req_frames(cpl_frames),
      .req_wire_bytes(cpl_wire_bytes)
  );

  ufo_cpl_write #(
      .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH), .MAX_WRITES(CPL_WRITES)
  ) u_cpl (
      .clk, .rst_n,
      .cpl_ring_base(ADDR_WIDTH'(cpl_ring_base)), .ring_log2, .ring_reset, .flush(soft_reset),
      .req_valid(cpl_req_valid), .req_ready(cpl_req_ready), .req_desc_index(cpl_desc_index),
      .req_desc_count(cpl_desc_count), .req_status(cpl_status), .req_frames(cpl_frames),
      .req_wire_bytes(cpl_wire_bytes),
      .m_axi_awid, .m_axi_awaddr, .m_axi_awlen, .m_axi_awsize, .m_axi_awburst, .m_axi_awlock,
      .m_axi_awcache, .m_axi_awprot, .m_axi_awvalid(cw_awvalid), .m_axi_awready(cw_awready),
      .m_axi_wdata, .m_axi_wstrb, .m_axi_wlast, .m_axi_wvalid, .m_axi_wready,
      .m_axi_bid(ID_WIDTH'(0)), .m_axi_bresp(gd_bresp), .m_axi_btmo(gd_btmo), .m_axi_bvalid(gd_bvalid),
      .m_axi_bready(gd_bready),
      .cpl_done, .cpl_status(cpl_done_status), .cpl_desc_count(cpl_done_count), .cpl_write_err,
      .cpl_write_tmo, .writes_pending
  );

  logic wr_timeout, wr_unsolicited, wr_idle;
  ufo_axi_wr_guard #(.ID_WIDTH(ID_WIDTH)) u_wr_guard (
      .clk, .rst_n,
      .cfg_timeout(read_timeout), .flush(soft_reset),
      .s_awvalid(cw_awvalid), .s_awready(cw_awready),
      .m_awvalid(m_axi_awvalid), .m_awready(m_axi_awready),
      .m_bid(m_axi_bid), .m_bresp(m_axi_bresp), .m_bvalid(m_axi_bvalid), .m_bready(m_axi_bready),
      .s_bresp(gd_bresp), .s_btmo(gd_btmo), .s_bvalid(gd_bvalid), .s_bready(gd_bready),
      .unsolicited(wr_unsolicited), .timeout(wr_timeout), .idle(wr_idle)
  );

  // the engine's events and state for the registers
  assign fault_set     = rd_timeout || wr_timeout;
  assign unsolicited_r = rd_unsolicited || desc_unsolicited || g_unsolicited;   // (the last two: never behind the guard)
  assign unsolicited_b = wr_unsolicited;
  assign engine_idle   = !asm_busy && alloc_ptr == cpl_ptr && !writes_pending && rd_idle && wr_idle &&
                         !(df_arvalid && !fault) && !mux_arvalid && !m_axi_awvalid && !m_axi_wvalid && !soft_reset;

`ifndef SYNTHESIS
  // The stages pass packets in order: each pointer is at or behind the one it waits for, and no
  // more than NUM_PKTS packets are between assembly and completion.
  function automatic logic behind(input logic [TAG_W:0] later, input logic [TAG_W:0] earlier);
    logic [TAG_W:0] d;
    d      = earlier - later;
    behind = d <= (TAG_W+1)'(NUM_PKTS);
  endfunction
  always_ff @(posedge clk) begin
    if (dp_rst_n) begin
      if (!behind(cpl_ptr, alloc_ptr))  $error("%m: more than NUM_PKTS packets in flight at %0t", $time);
      if (!behind(hdr_ptr, alloc_ptr))  $error("%m: header landed for an unassembled packet at %0t", $time);
      if (!behind(r_ptr, hdr_ptr))      $error("%m: packet gathered before its header landed at %0t", $time);
      if (!behind(parse_ptr, hdr_ptr))  $error("%m: packet parsed before its header landed at %0t", $time);
      if (!behind(frag_ptr, parse_ptr)) $error("%m: packet fragmented before it was parsed at %0t", $time);
      if (!behind(frag_ptr, r_ptr))     $error("%m: packet fragmented before it was gathered at %0t", $time);
      if (!behind(cpl_ptr, frag_ptr))   $error("%m: packet completed before it was fragmented at %0t", $time);
    end
  end
  ufo_vr_check #(.WIDTH($bits(buf_head))) u_chk_buf (
      .clk, .rst_n(dp_rst_n), .valid(buf_valid), .ready(buf_pop), .payload(buf_head));
  ufo_vr_check #(.WIDTH(64)) u_chk_cpl_req (
      .clk, .rst_n(dp_rst_n), .valid(cpl_req_valid), .ready(cpl_req_ready),
      .payload({cpl_desc_index, cpl_desc_count, cpl_status, cpl_frames, cpl_wire_bytes[7:0]}));
`endif
endmodule

`default_nettype wire
