// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_desc_fetch: reads 32-byte TX descriptors from the descriptor ring in host memory
// (docs/architecture.md, "TX descriptor") and presents them in ring order on a valid/ready
// stream. Up to DEPTH descriptors are prefetched: a read is issued only when the descriptor
// FIFO is certain to have room for its result, so R is never back-pressured (rready = 1).
//
// Bookkeeping is three free-running 16-bit indices, all reset to 0:
//   fetch_idx  descriptors whose read address has been issued (next slot to read),
//   recv_idx   descriptors completely received into the FIFO,
//   pop_idx    descriptors handed to the consumer (= desc_index of the FIFO head).
// Reads are issued while enable && fetch_idx != tx_tail && fetch_idx - pop_idx < DEPTH.
// The FIFO slot of descriptor n is n mod DEPTH, so no separate pointers exist and the
// FIFO-full condition is exact (no lagging flag).
//
// Memory access: descriptor i is at (tx_ring_base & ~31) + 32 * (i mod 2^ring_log2).
//   DATA_WIDTH  64/128/256: one INCR burst of 32/(DATA_WIDTH/8) full-width beats (4/2/1),
//   DATA_WIDTH 512: one beat at the 64-byte aligned address; the descriptor is the 32-byte
//   half selected by address bit 5.
// ID, size, burst, cache etc. are added by ufo_axi_rd_mux. All reads of this module use one
// AXI ID, so their data returns in issue order.
//
// Errors: if any beat of a descriptor's read returns SLVERR or DECERR (rresp[1] set), the
// descriptor is still delivered, with desc_err = 1 (its other fields are then don't-care).
`default_nettype none
`timescale 1ns / 1ps

module ufo_desc_fetch #(
    // AXI4 data width in bits: 64, 128, 256 or 512
    parameter int DATA_WIDTH = 64,
    // AXI4 address width in bits: 32..64
    parameter int ADDR_WIDTH = 64,
    // descriptors buffered or in flight: a power of two, 2..256
    parameter int DEPTH      = 4
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    // Configuration (from ufo_csr)
    input  wire logic                  enable,        // fetch only while set
    input  wire logic [ADDR_WIDTH-1:0] tx_ring_base,  // bits [4:0] ignored
    input  wire logic [3:0]            ring_log2,     // ring size 2^ring_log2 descriptors
    input  wire logic [15:0]           tx_tail,       // producer index

    // AXI4 read master (to ufo_axi_rd_mux port 0)
    output      logic [ADDR_WIDTH-1:0] m_axi_araddr,
    output      logic [7:0]            m_axi_arlen,
    output      logic                  m_axi_arvalid,
    input  wire logic                  m_axi_arready,
    input  wire logic [DATA_WIDTH-1:0] m_axi_rdata,
    input  wire logic [1:0]            m_axi_rresp,
    input  wire logic                  m_axi_rlast,
    input  wire logic                  m_axi_rvalid,
    output      logic                  m_axi_rready,

    // Descriptor stream (valid/ready; fields stable while valid && !ready)
    output      logic                  desc_valid,
    input  wire logic                  desc_ready,
    output      logic [15:0]           desc_index,    // ring index (free-running) of this descriptor
    output      logic [63:0]           desc_buf_addr,
    output      logic [15:0]           desc_buf_len,
    output      logic [15:0]           desc_flags,
    output      logic [15:0]           desc_ufo_size,
    output      logic [15:0]           desc_vlan_tci,
    output      logic [15:0]           desc_csum_start,
    output      logic [15:0]           desc_csum_offset,
    output      logic [31:0]           desc_frag_id,
    output      logic                  desc_err       // the read returned SLVERR/DECERR
);

  // ---------------------------------------------------------------------------------------
  // Parameters
  // ---------------------------------------------------------------------------------------
  localparam int DESC_BITS = 256;                                  // 32-byte descriptor
  localparam int BEATS     = (DATA_WIDTH >= DESC_BITS) ? 1 : DESC_BITS / DATA_WIDTH;
  localparam int PTR_W     = $clog2(DEPTH);
  localparam logic [7:0]  ARLEN   = 8'(BEATS - 1);
  localparam logic [1:0]  LAST_BEAT = 2'(BEATS - 1);
  localparam logic [15:0] DEPTH_L = 16'(DEPTH);

  initial begin
    if (DATA_WIDTH != 64 && DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin
      $error("ufo_desc_fetch: DATA_WIDTH must be 64, 128, 256 or 512 (got %0d)", DATA_WIDTH);
      $finish;
    end
    if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin
      $error("ufo_desc_fetch: ADDR_WIDTH must be 32..64 (got %0d)", ADDR_WIDTH);
      $finish;
    end
    if (DEPTH < 2 || DEPTH > 256 || (DEPTH & (DEPTH - 1)) != 0) begin
      $error("ufo_desc_fetch: DEPTH must be a power of two in 2..256 (got %0d)", DEPTH);
      $finish;
    end
  end

  // Descriptor layout (little-endian: byte 0 is the least significant byte).
  typedef struct packed {
    logic [63:0] cookie;       // bytes 24..31, ignored by the device
    logic [31:0] frag_id;      // bytes 20..23
    logic [15:0] csum_offset;  // bytes 18..19
    logic [15:0] csum_start;   // bytes 16..17
    logic [15:0] vlan_tci;     // bytes 14..15
    logic [15:0] ufo_size;     // bytes 12..13
    logic [15:0] flags;        // bytes 10..11
    logic [15:0] buf_len;      // bytes 8..9
    logic [63:0] buf_addr;     // bytes 0..7
  } tx_desc_t;

  // FIFO entry: the descriptor without the cookie, plus the error flag.
  typedef struct packed {
    logic        err;
    logic [31:0] frag_id;
    logic [15:0] csum_offset;
    logic [15:0] csum_start;
    logic [15:0] vlan_tci;
    logic [15:0] ufo_size;
    logic [15:0] flags;
    logic [15:0] buf_len;
    logic [63:0] buf_addr;
  } fifo_entry_t;

  // ---------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------
  // control (reset)
  logic [15:0] fetch_idx_q, fetch_idx_d;
  logic [15:0] recv_idx_q, recv_idx_d;
  logic [15:0] pop_idx_q, pop_idx_d;
  logic        arvalid_q, arvalid_d;
  logic [1:0]  beat_q, beat_d;       // beat within the current descriptor's burst
  logic        err_acc_q, err_acc_d; // error seen on an earlier beat of the current burst
  // datapath (not reset)
  logic [ADDR_WIDTH-1:0] araddr_q, araddr_d;
  fifo_entry_t           fifo_mem [DEPTH];

  // ---------------------------------------------------------------------------------------
  // Read address issue
  // ---------------------------------------------------------------------------------------
  logic [15:0]           reserved;   // issued and not yet popped
  logic [15:0]           slot;
  logic [ADDR_WIDTH-1:0] desc_addr;  // byte address of descriptor fetch_idx
  logic                  issue;
  logic                  r_fire, r_last, pop;

  assign reserved  = fetch_idx_q - pop_idx_q;
  assign slot      = fetch_idx_q & ((16'h1 << ring_log2) - 16'h1);
  assign desc_addr = {tx_ring_base[ADDR_WIDTH-1:5], 5'b00000} + ADDR_WIDTH'({slot, 5'b00000});
  assign issue     = enable && (fetch_idx_q != tx_tail) && (reserved < DEPTH_L) &&
                     (!arvalid_q || m_axi_arready);

  assign r_fire = m_axi_rvalid;      // rready is constantly 1
  assign r_last = r_fire && (beat_q == LAST_BEAT);
  assign pop    = desc_valid && desc_ready;

  always_comb begin
    fetch_idx_d = fetch_idx_q;
    arvalid_d   = arvalid_q;
    araddr_d    = araddr_q;
    if (issue) begin
      fetch_idx_d = fetch_idx_q + 16'd1;
      arvalid_d   = 1'b1;
      araddr_d    = desc_addr;
      if (DATA_WIDTH > DESC_BITS) araddr_d[5:0] = 6'b000000;  // 64-byte aligned beat
    end else if (m_axi_arready) begin
      arvalid_d = 1'b0;
    end
  end

  assign m_axi_araddr  = araddr_q;
  assign m_axi_arlen   = ARLEN;
  assign m_axi_arvalid = arvalid_q;
  assign m_axi_rready  = 1'b1;

  // ---------------------------------------------------------------------------------------
  // Read data: assemble one descriptor per burst
  // ---------------------------------------------------------------------------------------
  tx_desc_t desc_full;   // the complete descriptor, valid on the last beat of its burst
  logic     beat_err;    // this beat or an earlier beat of the burst had an error

  if (DATA_WIDTH == 512) begin : g_w512
    // The half of the 64-byte beat holding the descriptor is address bit 5, recorded at issue
    // in the FIFO slot the descriptor will occupy.
    logic half_mem [DEPTH];
    logic half;
    always_ff @(posedge clk) begin
      if (issue) half_mem[fetch_idx_q[PTR_W-1:0]] <= desc_addr[5];
    end
    assign half      = half_mem[recv_idx_q[PTR_W-1:0]];
    assign desc_full = half ? m_axi_rdata[511:256] : m_axi_rdata[255:0];
  end else if (DATA_WIDTH == 256) begin : g_w256
    assign desc_full = m_axi_rdata;
  end else begin : g_narrow
    // Earlier beats, shifted down one beat per beat: after BEATS-1 beats the first is lowest.
    logic [DESC_BITS-DATA_WIDTH-1:0] acc_q;
    assign desc_full = {m_axi_rdata, acc_q};
    always_ff @(posedge clk) begin
      if (r_fire) acc_q <= desc_full[DESC_BITS-1:DATA_WIDTH];
    end
  end

  assign beat_err = err_acc_q || m_axi_rresp[1];

  always_comb begin
    recv_idx_d = recv_idx_q;
    beat_d     = beat_q;
    err_acc_d  = err_acc_q;
    pop_idx_d  = pop_idx_q;
    if (r_fire) begin
      if (r_last) begin
        recv_idx_d = recv_idx_q + 16'd1;
        beat_d     = 2'd0;
        err_acc_d  = 1'b0;
      end else begin
        beat_d     = beat_q + 2'd1;
        err_acc_d  = beat_err;
      end
    end
    if (pop) pop_idx_d = pop_idx_q + 16'd1;
  end

  // (a concatenation in field order, not an always_comb of member assignments, which Icarus
  // would flag for its sensitivity list)
  fifo_entry_t wr_entry;
  assign wr_entry = {beat_err, desc_full.frag_id, desc_full.csum_offset, desc_full.csum_start,
                     desc_full.vlan_tci, desc_full.ufo_size, desc_full.flags, desc_full.buf_len,
                     desc_full.buf_addr};

  always_ff @(posedge clk) begin
    if (r_last) fifo_mem[recv_idx_q[PTR_W-1:0]] <= wr_entry;
  end

  // ---------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      fetch_idx_q <= 16'h0;
      recv_idx_q  <= 16'h0;
      pop_idx_q   <= 16'h0;
      arvalid_q   <= 1'b0;
      beat_q      <= 2'd0;
      err_acc_q   <= 1'b0;
    end else begin
      fetch_idx_q <= fetch_idx_d;
      recv_idx_q  <= recv_idx_d;
      pop_idx_q   <= pop_idx_d;
      arvalid_q   <= arvalid_d;
      beat_q      <= beat_d;
      err_acc_q   <= err_acc_d;
    end
  end

  always_ff @(posedge clk) begin
    araddr_q <= araddr_d;
  end

  // ---------------------------------------------------------------------------------------
  // Descriptor stream output: the FIFO head
  // ---------------------------------------------------------------------------------------
  fifo_entry_t head;
  assign head             = fifo_mem[pop_idx_q[PTR_W-1:0]];
  assign desc_valid       = (recv_idx_q != pop_idx_q);
  assign desc_index       = pop_idx_q;
  assign desc_buf_addr    = head.buf_addr;
  assign desc_buf_len     = head.buf_len;
  assign desc_flags       = head.flags;
  assign desc_ufo_size    = head.ufo_size;
  assign desc_vlan_tci    = head.vlan_tci;
  assign desc_csum_start  = head.csum_start;
  assign desc_csum_offset = head.csum_offset;
  assign desc_frag_id     = head.frag_id;
  assign desc_err         = head.err;

  // Not used: the cookie (device ignores it), tx_ring_base[4:0] (ring is 32-byte aligned),
  // rresp[0] (OKAY/EXOKAY and SLVERR/DECERR are told apart by bit 1 alone), rlast (the burst
  // length is fixed, beats are counted). Named unused_* for Verilator's --unused-regexp.
  logic unused_in;
  assign unused_in = ^{1'b0, desc_full.cookie, tx_ring_base[4:0], m_axi_rresp[0], m_axi_rlast};

endmodule

`default_nettype wire
