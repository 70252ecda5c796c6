// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_cpl_write: writes one 16-byte completion record per request to the completion ring in
// host memory (docs/architecture.md, "Completion"), one write at a time, in request order.
//
// The completion slot counter j (16-bit, free-running, reset 0) counts records written; record
// j goes to (cpl_ring_base & ~15) + 16 * (j mod 2^ring_log2) with PHASE = ~j[ring_log2]
// (1 on the first lap of the ring, toggling every lap).
//
// AXI4 write, one burst per record, AW and W presented in the same cycle:
//   DATA_WIDTH 64:   awlen 1, two full beats (bytes 0..7, then 8..15), wstrb all ones;
//   DATA_WIDTH >=128: awlen 0, one beat; awaddr is the record's own (16-byte aligned) address,
//   the record is replicated into every 16-byte lane group of wdata and wstrb selects the
//   16 bytes at awaddr mod (DATA_WIDTH/8).
// bready is high only while waiting for the response.
//
// Timing: req_ready is high in the idle state (a flip-flop decode). The request is taken on its
// handshake; AWVALID/WVALID rise the next cycle. cpl_done pulses for one cycle, the cycle after
// the B handshake, together with cpl_status/cpl_desc_count (the request's values) and
// cpl_write_err; req_ready is high again in that same cycle.
//
// Errors: a B response SLVERR/DECERR means the record may not have reached memory. The engine
// does not retry or stall: cpl_done still pulses (so TX_HEAD advances and the engine moves on),
// j still advances, and cpl_write_err pulses with it.
`default_nettype none
`timescale 1ns / 1ps

module ufo_cpl_write #(
    // AXI4 data width in bits: 64, 128, 256 or 512
    parameter int DATA_WIDTH = 64,
    // AXI4 address width in bits: 32..64
    parameter int ADDR_WIDTH = 64,
    // AXI4 ID width in bits: >= 1 (completion writes use ID 0)
    parameter int ID_WIDTH   = 4,
    // derived: wstrb width
    localparam int KEEP_WIDTH = DATA_WIDTH / 8
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    // Configuration (from ufo_csr)
    input  wire logic [ADDR_WIDTH-1:0] cpl_ring_base,   // bits [3:0] ignored
    input  wire logic [3:0]            ring_log2,       // ring size 2^ring_log2 records

    // Completion requests (valid/ready; fields held while valid && !ready)
    input  wire logic                  req_valid,
    output      logic                  req_ready,
    input  wire logic [15:0]           req_desc_index,
    input  wire logic [15:0]           req_desc_count,
    input  wire logic [7:0]            req_status,
    input  wire logic [15:0]           req_frames,
    input  wire logic [31:0]           req_wire_bytes,

    // AXI4 write master
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
    input  wire logic                  m_axi_bvalid,
    output      logic                  m_axi_bready,

    // Completion written (to ufo_csr)
    output      logic                  cpl_done,        // 1-cycle pulse after each B response
    output      logic [7:0]            cpl_status,      // valid with cpl_done
    output      logic [15:0]           cpl_desc_count,  // valid with cpl_done
    output      logic                  cpl_write_err    // 1-cycle pulse with cpl_done: B was an error
);

  // ---------------------------------------------------------------------------------------
  // Parameters
  // ---------------------------------------------------------------------------------------
  localparam int REC_BITS   = 128;                              // 16-byte record
  localparam int BEATS      = (DATA_WIDTH >= REC_BITS) ? 1 : REC_BITS / DATA_WIDTH;
  localparam int LANE_BITS  = $clog2(KEEP_WIDTH);               // byte-in-beat address bits
  localparam logic [7:0] AWLEN  = 8'(BEATS - 1);
  localparam logic [2:0] AWSIZE = 3'(LANE_BITS);

  initial begin
    if (DATA_WIDTH != 64 && DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin
      $error("ufo_cpl_write: DATA_WIDTH must be 64, 128, 256 or 512 (got %0d)", DATA_WIDTH);
      $finish;
    end
    if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin
      $error("ufo_cpl_write: ADDR_WIDTH must be 32..64 (got %0d)", ADDR_WIDTH);
      $finish;
    end
    if (ID_WIDTH < 1) begin
      $error("ufo_cpl_write: ID_WIDTH must be >= 1 (got %0d)", ID_WIDTH);
      $finish;
    end
  end

  // Completion record layout (little-endian: byte 0 is the least significant byte).
  typedef struct packed {
    logic [31:0] reserved;    // bytes 12..15, 0
    logic [31:0] wire_bytes;  // bytes 8..11
    logic [15:0] frames;      // bytes 6..7
    logic [7:0]  flags;       // byte 5, bit 0 PHASE
    logic [7:0]  status;      // byte 4
    logic [15:0] desc_count;  // bytes 2..3
    logic [15:0] desc_index;  // bytes 0..1
  } cpl_rec_t;

  typedef enum logic [1:0] {
    S_IDLE  = 2'd0,   // waiting for a request
    S_WRITE = 2'd1,   // AW and/or W not yet accepted
    S_RESP  = 2'd2    // waiting for B
  } state_t;

  // ---------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------
  // control (reset)
  state_t      state_q, state_d;
  logic [15:0] j_q, j_d;               // completion slot counter
  logic        awvalid_q, awvalid_d;
  logic        wvalid_q, wvalid_d;
  logic        wbeat_q, wbeat_d;       // beat of the W burst (DATA_WIDTH 64: 0 or 1)
  logic        done_q, done_d;
  logic        err_q, err_d;
  // datapath (not reset)
  cpl_rec_t              rec_q, rec_d;
  logic [ADDR_WIDTH-1:0] awaddr_q, awaddr_d;

  // ---------------------------------------------------------------------------------------
  // Request capture
  // ---------------------------------------------------------------------------------------
  logic [15:0]           slot;
  logic [ADDR_WIDTH-1:0] rec_addr;
  logic                  phase;
  cpl_rec_t              new_rec;
  logic                  req_fire, aw_fire, w_fire, w_last, b_fire, b_err;

  assign slot     = j_q & ((16'h1 << ring_log2) - 16'h1);
  assign rec_addr = {cpl_ring_base[ADDR_WIDTH-1:4], 4'b0000} + ADDR_WIDTH'({slot, 4'b0000});
  assign phase    = ~j_q[ring_log2];
  assign new_rec  = {32'h0, req_wire_bytes, req_frames, {7'h00, phase}, req_status,
                     req_desc_count, req_desc_index};

  assign req_ready = (state_q == S_IDLE);
  assign req_fire  = req_valid && req_ready;
  assign aw_fire   = awvalid_q && m_axi_awready;
  assign w_fire    = wvalid_q && m_axi_wready;
  assign w_last    = w_fire && (BEATS == 1 || wbeat_q);
  assign b_fire    = m_axi_bvalid && m_axi_bready;
  assign b_err     = m_axi_bresp[1];  // SLVERR or DECERR

  always_comb begin
    state_d   = state_q;
    j_d       = j_q;
    awvalid_d = awvalid_q;
    wvalid_d  = wvalid_q;
    wbeat_d   = wbeat_q;
    done_d    = 1'b0;
    err_d     = 1'b0;
    rec_d     = rec_q;
    awaddr_d  = awaddr_q;

    unique case (state_q)
      S_IDLE: begin
        if (req_fire) begin
          rec_d     = new_rec;
          awaddr_d  = rec_addr;
          awvalid_d = 1'b1;
          wvalid_d  = 1'b1;
          wbeat_d   = 1'b0;
          state_d   = S_WRITE;
        end
      end
      S_WRITE: begin
        if (aw_fire) awvalid_d = 1'b0;
        if (w_fire) begin
          if (w_last) wvalid_d = 1'b0;
          else        wbeat_d  = 1'b1;
        end
        if (!awvalid_d && !wvalid_d) state_d = S_RESP;
      end
      S_RESP: begin
        if (b_fire) begin
          done_d  = 1'b1;
          err_d   = b_err;
          j_d     = j_q + 16'd1;
          state_d = S_IDLE;
        end
      end
      default: state_d = S_IDLE;
    endcase
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      state_q   <= S_IDLE;
      j_q       <= 16'h0;
      awvalid_q <= 1'b0;
      wvalid_q  <= 1'b0;
      wbeat_q   <= 1'b0;
      done_q    <= 1'b0;
      err_q     <= 1'b0;
    end else begin
      state_q   <= state_d;
      j_q       <= j_d;
      awvalid_q <= awvalid_d;
      wvalid_q  <= wvalid_d;
      wbeat_q   <= wbeat_d;
      done_q    <= done_d;
      err_q     <= err_d;
    end
  end

  always_ff @(posedge clk) begin
    rec_q    <= rec_d;
    awaddr_q <= awaddr_d;
  end

  // ---------------------------------------------------------------------------------------
  // AXI4 write outputs
  // ---------------------------------------------------------------------------------------
  assign m_axi_awid    = '0;
  assign m_axi_awaddr  = awaddr_q;
  assign m_axi_awlen   = AWLEN;
  assign m_axi_awsize  = AWSIZE;
  assign m_axi_awburst = 2'b01;     // INCR
  assign m_axi_awlock  = 1'b0;
  assign m_axi_awcache = 4'b0011;   // normal non-cacheable bufferable
  assign m_axi_awprot  = 3'b000;
  assign m_axi_awvalid = awvalid_q;
  assign m_axi_wvalid  = wvalid_q;
  assign m_axi_wlast   = (BEATS == 1) || wbeat_q;
  assign m_axi_bready  = (state_q == S_RESP);

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

  // ---------------------------------------------------------------------------------------
  // Completion event outputs (rec_q holds the request until the next request is taken, which
  // is at the earliest in the cycle cpl_done is high, taking effect after it)
  // ---------------------------------------------------------------------------------------
  assign cpl_done       = done_q;
  assign cpl_status     = rec_q.status;
  assign cpl_desc_count = rec_q.desc_count;
  assign cpl_write_err  = err_q;

  // Not used: bid (this master issues one ID), bresp[0] (SLVERR/DECERR told apart by bit 1
  // alone), cpl_ring_base[3:0] (records are 16-byte aligned). Named unused_* for Verilator's
  // --unused-regexp.
  logic unused_in;
  assign unused_in = ^{1'b0, m_axi_bid, m_axi_bresp[0], cpl_ring_base[3:0]};

endmodule

`default_nettype wire
