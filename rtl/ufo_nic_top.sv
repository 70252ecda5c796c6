// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_nic_top: UFO transmit engine. SKELETON: ports final, body being written.
`default_nettype none
`timescale 1ns / 1ps

module ufo_nic_top #(
    parameter int DATA_WIDTH      = 64,
    parameter int ADDR_WIDTH      = 64,
    parameter int ID_WIDTH        = 4,
    parameter int AXIL_ADDR_WIDTH = 8,
    parameter int BUF_BYTES       = 67584,
    parameter int HDR_BYTES       = 128,
    parameter int MAX_DESC        = 32,
    parameter int MAX_BURST       = 16,
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
  // Skeleton body (replaced by the real engine).
  always_comb begin
    s_axil_awready = 1'b0; s_axil_wready = 1'b0; s_axil_bresp = 2'b0; s_axil_bvalid = 1'b0;
    s_axil_arready = 1'b0; s_axil_rdata = 32'h0; s_axil_rresp = 2'b0; s_axil_rvalid = 1'b0;
    m_axi_awid = '0; m_axi_awaddr = '0; m_axi_awlen = '0; m_axi_awsize = '0; m_axi_awburst = '0;
    m_axi_awlock = 1'b0; m_axi_awcache = '0; m_axi_awprot = '0; m_axi_awvalid = 1'b0;
    m_axi_wdata = '0; m_axi_wstrb = '0; m_axi_wlast = 1'b0; m_axi_wvalid = 1'b0; m_axi_bready = 1'b0;
    m_axi_arid = '0; m_axi_araddr = '0; m_axi_arlen = '0; m_axi_arsize = '0; m_axi_arburst = '0;
    m_axi_arlock = 1'b0; m_axi_arcache = '0; m_axi_arprot = '0; m_axi_arvalid = 1'b0;
    m_axi_rready = 1'b0;
    m_axis_tdata = '0; m_axis_tkeep = '0; m_axis_tvalid = 1'b0; m_axis_tlast = 1'b0; m_axis_tuser = 1'b0;
    irq = 1'b0;
  end
endmodule

`default_nettype wire
