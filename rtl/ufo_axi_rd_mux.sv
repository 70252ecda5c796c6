// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_axi_rd_mux: merges two AXI4 read masters onto one AXI4 read port.
//   port 0 (s0_axi_*): descriptor fetch, issued with ARID 0
//   port 1 (s1_axi_*): packet-buffer reads, issued with ARID 1
//
// AR: one registered output slot. When the slot is empty, or emptied by m_axi_arready in the
// same cycle, the mux accepts one request (s*_axi_arready depends combinationally on the
// s*_axi_arvalid inputs and m_axi_arready, never on its own valid); the request appears on
// m_axi_ar* the next cycle. Round-robin per burst: when both ports request, the port not
// granted last wins. Full throughput: one AR per cycle when m_axi_arready stays high.
// Constant fields: arsize = log2(DATA_WIDTH/8) (full-width beats), arburst INCR, arlock 0,
// arcache 4'b0011 (normal non-cacheable bufferable), arprot 0.
//
// R: routed combinationally (zero latency) by RID: RID 0 to port 0, RID 1 to port 1. Beats of
// different IDs may interleave. A beat with any other RID (never issued by this mux) is
// accepted and dropped so a misbehaving slave cannot hang the bus. m_rtmo (a beat the read guard
// made up for a read that timed out, see ufo_axi_rd_guard) travels with the beat.
`default_nettype none
`timescale 1ns / 1ps

module ufo_axi_rd_mux #(
    // AXI4 data width in bits: 64, 128, 256 or 512
    parameter int DATA_WIDTH = 64,
    // AXI4 address width in bits: 32..64
    parameter int ADDR_WIDTH = 64,
    // AXI4 ID width in bits: >= 1 (IDs 0 and 1 are used)
    parameter int ID_WIDTH   = 4
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    // AXI4 read slave port 0 (descriptor fetch)
    input  wire logic [ADDR_WIDTH-1:0] s0_axi_araddr,
    input  wire logic [7:0]            s0_axi_arlen,
    input  wire logic                  s0_axi_arvalid,
    output      logic                  s0_axi_arready,
    output      logic [DATA_WIDTH-1:0] s0_axi_rdata,
    output      logic [1:0]            s0_axi_rresp,
    output      logic                  s0_axi_rlast,
    output      logic                  s0_rtmo,
    output      logic                  s0_axi_rvalid,
    input  wire logic                  s0_axi_rready,

    // AXI4 read slave port 1 (packet data)
    input  wire logic [ADDR_WIDTH-1:0] s1_axi_araddr,
    input  wire logic [7:0]            s1_axi_arlen,
    input  wire logic                  s1_axi_arvalid,
    output      logic                  s1_axi_arready,
    output      logic [DATA_WIDTH-1:0] s1_axi_rdata,
    output      logic [1:0]            s1_axi_rresp,
    output      logic                  s1_axi_rlast,
    output      logic                  s1_rtmo,
    output      logic                  s1_axi_rvalid,
    input  wire logic                  s1_axi_rready,

    // AXI4 read master (to memory)
    output      logic [ID_WIDTH-1:0]   m_axi_arid,
    output      logic [ADDR_WIDTH-1:0] m_axi_araddr,
    output      logic [7:0]            m_axi_arlen,
    output      logic [2:0]            m_axi_arsize,
    output      logic [1:0]            m_axi_arburst,
    output      logic                  m_axi_arlock,
    output      logic [3:0]            m_axi_arcache,
    output      logic [2:0]            m_axi_arprot,
    output      logic                  m_axi_arvalid,
    input  wire logic                  m_axi_arready,
    input  wire logic [ID_WIDTH-1:0]   m_axi_rid,
    input  wire logic [DATA_WIDTH-1:0] m_axi_rdata,
    input  wire logic [1:0]            m_axi_rresp,
    input  wire logic                  m_axi_rlast,
    input  wire logic                  m_rtmo,
    input  wire logic                  m_axi_rvalid,
    output      logic                  m_axi_rready
);

  // ---------------------------------------------------------------------------------------
  // Parameters
  // ---------------------------------------------------------------------------------------
  localparam int          KEEP_WIDTH = DATA_WIDTH / 8;
  localparam logic [2:0]  ARSIZE     = 3'($clog2(KEEP_WIDTH));
  localparam logic [ID_WIDTH-1:0] ID0 = ID_WIDTH'(0);
  localparam logic [ID_WIDTH-1:0] ID1 = ID_WIDTH'(1);

  initial begin
    if (DATA_WIDTH != 64 && DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin
      $error("ufo_axi_rd_mux: DATA_WIDTH must be 64, 128, 256 or 512 (got %0d)", DATA_WIDTH);
      $finish;
    end
    if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin
      $error("ufo_axi_rd_mux: ADDR_WIDTH must be 32..64 (got %0d)", ADDR_WIDTH);
      $finish;
    end
    if (ID_WIDTH < 1) begin
      $error("ufo_axi_rd_mux: ID_WIDTH must be >= 1 (got %0d)", ID_WIDTH);
      $finish;
    end
  end

  // ---------------------------------------------------------------------------------------
  // AR arbitration
  // ---------------------------------------------------------------------------------------
  // control (reset)
  logic                  arvalid_q, arvalid_d;
  logic                  prio_q, prio_d;      // port preferred when both request
  // datapath (not reset)
  logic [ADDR_WIDTH-1:0] araddr_q, araddr_d;
  logic [7:0]            arlen_q, arlen_d;
  logic                  arport_q, arport_d;  // port of the request in the slot (= ARID)

  logic slot_free, grant0, grant1;

  assign slot_free = !arvalid_q || m_axi_arready;
  assign grant0    = slot_free && s0_axi_arvalid && (!s1_axi_arvalid || !prio_q);
  assign grant1    = slot_free && s1_axi_arvalid && (!s0_axi_arvalid || prio_q);

  assign s0_axi_arready = grant0;
  assign s1_axi_arready = grant1;

  always_comb begin
    arvalid_d = arvalid_q;
    prio_d    = prio_q;
    araddr_d  = araddr_q;
    arlen_d   = arlen_q;
    arport_d  = arport_q;
    if (grant0) begin
      arvalid_d = 1'b1;
      prio_d    = 1'b1;
      araddr_d  = s0_axi_araddr;
      arlen_d   = s0_axi_arlen;
      arport_d  = 1'b0;
    end else if (grant1) begin
      arvalid_d = 1'b1;
      prio_d    = 1'b0;
      araddr_d  = s1_axi_araddr;
      arlen_d   = s1_axi_arlen;
      arport_d  = 1'b1;
    end else if (m_axi_arready) begin
      arvalid_d = 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      arvalid_q <= 1'b0;
      prio_q    <= 1'b0;
    end else begin
      arvalid_q <= arvalid_d;
      prio_q    <= prio_d;
    end
  end

  always_ff @(posedge clk) begin
    araddr_q <= araddr_d;
    arlen_q  <= arlen_d;
    arport_q <= arport_d;
  end

  assign m_axi_arid    = arport_q ? ID1 : ID0;
  assign m_axi_araddr  = araddr_q;
  assign m_axi_arlen   = arlen_q;
  assign m_axi_arsize  = ARSIZE;
  assign m_axi_arburst = 2'b01;     // INCR
  assign m_axi_arlock  = 1'b0;
  assign m_axi_arcache = 4'b0011;   // normal non-cacheable bufferable
  assign m_axi_arprot  = 3'b000;
  assign m_axi_arvalid = arvalid_q;

  // ---------------------------------------------------------------------------------------
  // R routing by RID
  // ---------------------------------------------------------------------------------------
  logic r_to0, r_to1;
  assign r_to0 = (m_axi_rid == ID0);
  assign r_to1 = (m_axi_rid == ID1);

  assign s0_axi_rdata  = m_axi_rdata;
  assign s0_axi_rresp  = m_axi_rresp;
  assign s0_axi_rlast  = m_axi_rlast;
  assign s0_rtmo       = m_rtmo;
  assign s0_axi_rvalid = m_axi_rvalid && r_to0;
  assign s1_axi_rdata  = m_axi_rdata;
  assign s1_axi_rresp  = m_axi_rresp;
  assign s1_axi_rlast  = m_axi_rlast;
  assign s1_rtmo       = m_rtmo;
  assign s1_axi_rvalid = m_axi_rvalid && r_to1;
  assign m_axi_rready  = r_to0 ? s0_axi_rready : (r_to1 ? s1_axi_rready : 1'b1);

endmodule

`default_nettype wire
