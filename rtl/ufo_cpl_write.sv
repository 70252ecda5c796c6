// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_cpl_write: writes one 16-byte completion record per request to the completion ring in
// host memory (docs/architecture.md, "Completion"), in request order, with up to MAX_WRITES
// writes outstanding (a new record goes out while earlier ones wait for their B response).
//
// The completion slot counter j (16-bit, free-running, reset 0) counts records written; record
// j goes to (cpl_ring_base & ~15) + 16 * (j mod 2^ring_log2) with PHASE = ~j[ring_log2]
// (1 on the first lap of the ring, toggling every lap).
//
// AXI4 write, one burst per record, AWID 0 (so B responses return in order):
//   DATA_WIDTH 64:   awlen 1, two full beats (bytes 0..7, then 8..15), wstrb all ones;
//   DATA_WIDTH >=128: awlen 0, one beat; awaddr is the record's own (16-byte aligned) address,
//   the record is replicated into every 16-byte lane group of wdata and wstrb selects the
//   16 bytes at awaddr mod (DATA_WIDTH/8).
// AW and W of a record are presented together the cycle after the request; req_ready is high
// when both channels are free (or freeing this cycle) and a response slot is free.
//
// cpl_done pulses for one cycle, the cycle after each B handshake, with that record's status
// and descriptor count (for ufo_csr) and cpl_write_err (the response was SLVERR/DECERR: the
// record may be lost; the engine still counts it as completed, so it never hangs) or
// cpl_write_tmo (the B never came: the write guard answered for it, m_axi_btmo).
//
// ring_reset (ring reset, only while quiesced) sets j back to 0. flush (soft reset) does that
// and forgets the writes awaiting their B (the write guard drops those responses); a record
// whose AW or W is already offered still goes out (a valid is never withdrawn).
`default_nettype none
`timescale 1ns / 1ps

module ufo_cpl_write #(
    parameter int DATA_WIDTH = 64,    // 64, 128, 256 or 512
    parameter int ADDR_WIDTH = 64,    // 32..64
    parameter int ID_WIDTH   = 4,
    parameter int MAX_WRITES = 8,     // B responses outstanding (power of two)
    localparam int KEEP_WIDTH = DATA_WIDTH / 8
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    input  wire logic [ADDR_WIDTH-1:0] cpl_ring_base,   // bits [3:0] ignored
    input  wire logic [3:0]            ring_log2,       // 2^ring_log2 records
    input  wire logic                  ring_reset,      // pulse: slot counter to 0
    input  wire logic                  flush,           // pulse: ... and forget pending writes

    input  wire logic                  req_valid,
    output      logic                  req_ready,
    input  wire logic [15:0]           req_desc_index,
    input  wire logic [15:0]           req_desc_count,
    input  wire logic [7:0]            req_status,
    input  wire logic [15:0]           req_frames,
    input  wire logic [31:0]           req_wire_bytes,

    output      logic [ID_WIDTH-1:0]   m_axi_awid,
    output      logic [ADDR_WIDTH-1:0] m_axi_awaddr,
    output      logic [7:0]            m_axi_awlen,
    output      logic [2:0]            m_axi_awsize,
    output      logic [1:0]            m_axi_awburst,
    output      logic                  m_axi_awlock,
    output      logic [3:0]            m_axi_awcache,
    output      logic [2:0]            m_axi_awprot,
    output      logic                  m_axi_awvalid,
    input  wire logic                  m_axi_awready,
    output      logic [DATA_WIDTH-1:0] m_axi_wdata,
    output      logic [KEEP_WIDTH-1:0] m_axi_wstrb,
    output      logic                  m_axi_wlast,
    output      logic                  m_axi_wvalid,
    input  wire logic                  m_axi_wready,
    input  wire logic [ID_WIDTH-1:0]   m_axi_bid,
    input  wire logic [1:0]            m_axi_bresp,
    input  wire logic                  m_axi_btmo,      // made-up B: the write timed out
    input  wire logic                  m_axi_bvalid,
    output      logic                  m_axi_bready,

    output      logic                  cpl_done,
    output      logic [7:0]            cpl_status,
    output      logic [15:0]           cpl_desc_count,
    output      logic                  cpl_write_err,
    output      logic                  cpl_write_tmo,
    output      logic                  writes_pending   // a record's B response is awaited
);
  localparam int REC_BITS  = 8 * ufo_pkg::CPL_BYTES;
  localparam int BEATS     = (DATA_WIDTH >= REC_BITS) ? 1 : REC_BITS / DATA_WIDTH;
  localparam int LANE_BITS = $clog2(KEEP_WIDTH);

  if (DATA_WIDTH != 64 && DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin : g_bad_w
    $fatal(1, "ufo_cpl_write: DATA_WIDTH must be 64, 128, 256 or 512");
  end
  if (MAX_WRITES < 2 || (MAX_WRITES & (MAX_WRITES - 1)) != 0) begin : g_bad_writes
    $fatal(1, "ufo_cpl_write: MAX_WRITES must be a power of two >= 2");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64 || ID_WIDTH < 1) begin : g_bad_a
    $fatal(1, "ufo_cpl_write: ADDR_WIDTH must be 32..64 and ID_WIDTH >= 1");
  end

  typedef struct packed {
    logic [31:0] reserved;    // bytes 12..15, 0
    logic [31:0] wire_bytes;  // bytes 8..11
    logic [15:0] frames;      // bytes 6..7
    logic [7:0]  flags;       // byte 5, bit 0 PHASE
    logic [7:0]  status;      // byte 4
    logic [15:0] desc_count;  // bytes 2..3
    logic [15:0] desc_index;  // bytes 0..1
  } cpl_rec_t;

  typedef struct packed {
    logic [7:0]  status;
    logic [15:0] desc_count;
  } pending_t;

  logic [15:0]           j_q;
  logic                  awvalid_q, wvalid_q, wbeat_q;
  cpl_rec_t              rec_q;
  logic [ADDR_WIDTH-1:0] awaddr_q;

  logic [15:0]           slot;
  logic                  aw_fire, w_fire, w_last_fire, b_fire, req_fire;
  logic                  aw_free, w_free, bq_full, bq_empty;
  pending_t              bq_head;
  logic [$clog2(MAX_WRITES):0] bq_count;   // unused: full/empty are enough

  assign slot        = j_q & ((16'h1 << ring_log2) - 16'h1);
  assign aw_fire     = awvalid_q && m_axi_awready;
  assign w_fire      = wvalid_q && m_axi_wready;
  assign w_last_fire = w_fire && m_axi_wlast;
  assign b_fire      = m_axi_bvalid && m_axi_bready;
  assign aw_free     = !awvalid_q || aw_fire;
  assign w_free      = !wvalid_q || w_last_fire;
  assign req_ready   = aw_free && w_free && !bq_full && !flush && !ring_reset;
  assign req_fire    = req_valid && req_ready;

  logic pending_rst_n;
  assign pending_rst_n = rst_n && !flush;

  ufo_fifo #(.WIDTH($bits(bq_head)), .DEPTH(MAX_WRITES)) u_pending (
      .clk, .rst_n(pending_rst_n),
      .push(req_fire), .push_data({req_status, req_desc_count}),
      .full(bq_full),
      .pop(b_fire), .head(bq_head), .empty(bq_empty), .count(bq_count));

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      j_q       <= '0;
      awvalid_q <= 1'b0;
      wvalid_q  <= 1'b0;
      wbeat_q   <= 1'b0;
    end else begin
      if (ring_reset || flush) begin
        j_q <= '0;   // (no request is taken while quiesced or during a soft reset)
      end else if (req_fire) begin
        j_q <= j_q + 16'd1;
      end
      if (req_fire) begin
        awvalid_q <= 1'b1;
        wvalid_q  <= 1'b1;
        wbeat_q   <= 1'b0;
      end else begin
        if (aw_fire)     awvalid_q <= 1'b0;
        if (w_last_fire) wvalid_q  <= 1'b0;
        else if (w_fire) wbeat_q   <= 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (req_fire) begin
      rec_q.reserved   <= 32'h0;
      rec_q.wire_bytes <= req_wire_bytes;
      rec_q.frames     <= req_frames;
      rec_q.flags      <= {7'h00, ~j_q[ring_log2]};
      rec_q.status     <= req_status;
      rec_q.desc_count <= req_desc_count;
      rec_q.desc_index <= req_desc_index;
      awaddr_q <= {cpl_ring_base[ADDR_WIDTH-1:4], 4'b0000} + ADDR_WIDTH'({slot, 4'b0000});
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n || flush) begin
      cpl_done      <= 1'b0;
      cpl_write_err <= 1'b0;
      cpl_write_tmo <= 1'b0;
    end else begin
      cpl_done      <= b_fire;
      cpl_write_err <= b_fire && m_axi_bresp[1] && !m_axi_btmo;
      cpl_write_tmo <= b_fire && m_axi_btmo;
    end
    if (b_fire) begin
      cpl_status     <= bq_head.status;
      cpl_desc_count <= bq_head.desc_count;
    end
  end

  assign m_axi_awid    = '0;
  assign m_axi_awaddr  = awaddr_q;
  assign m_axi_awlen   = 8'(BEATS - 1);
  assign m_axi_awsize  = 3'(LANE_BITS);
  assign m_axi_awburst = ufo_pkg::AXI_BURST_INCR;
  assign m_axi_awlock  = 1'b0;
  assign m_axi_awcache = ufo_pkg::AXI_CACHE_MOD;
  assign m_axi_awprot  = 3'b000;
  assign m_axi_awvalid = awvalid_q;
  assign m_axi_wvalid  = wvalid_q;
  assign m_axi_wlast   = (BEATS == 1) || wbeat_q;
  assign m_axi_bready  = !bq_empty;
  assign writes_pending = !bq_empty;

  if (DATA_WIDTH == 64) begin : g_w64
    assign m_axi_wdata = wbeat_q ? rec_q[127:64] : rec_q[63:0];
    assign m_axi_wstrb = '1;
  end else if (DATA_WIDTH == 128) begin : g_w128
    assign m_axi_wdata = rec_q;
    assign m_axi_wstrb = '1;
  end else begin : g_wide
    // record in every 16-byte group; strobe the group addressed by awaddr[LANE_BITS-1:4]
    localparam logic [KEEP_WIDTH-1:0] GROUP0 = KEEP_WIDTH'(16'hFFFF);
    assign m_axi_wdata = {(DATA_WIDTH / REC_BITS){rec_q}};
    assign m_axi_wstrb = GROUP0 << {awaddr_q[LANE_BITS-1:4], 4'b0000};
  end

  logic unused;
  assign unused = ^{m_axi_bid, m_axi_bresp[0], bq_count, cpl_ring_base[3:0]};

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n && m_axi_bvalid && bq_empty) $error("%m: B response with no write outstanding at %0t", $time);
  end
  ufo_vr_check #(.WIDTH(ADDR_WIDTH)) u_chk_aw (
      .clk, .rst_n, .valid(m_axi_awvalid), .ready(m_axi_awready), .payload(m_axi_awaddr));
  ufo_vr_check #(.WIDTH(DATA_WIDTH + KEEP_WIDTH + 1)) u_chk_w (
      .clk, .rst_n, .valid(m_axi_wvalid), .ready(m_axi_wready),
      .payload({m_axi_wdata, m_axi_wstrb, m_axi_wlast}));
  // (a flush resets the requester too: its request may go)
  ufo_vr_check #(.WIDTH(16 + 16 + 8 + 16 + 32)) u_chk_req (
      .clk, .rst_n(pending_rst_n), .valid(req_valid), .ready(req_ready),
      .payload({req_desc_index, req_desc_count, req_status, req_frames, req_wire_bytes}));
`endif
endmodule

`default_nettype wire
