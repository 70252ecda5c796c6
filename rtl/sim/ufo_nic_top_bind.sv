// Language: SystemVerilog (IEEE 1800-2017), simulation only (see ufo_handshake_check.sv).
// Binds the protocol checkers to every port of ufo_nic_top (and the ring index check into
// ufo_csr), so the synthesizable top stays
// free of them: AXI4-Lite (registers), AXI4 (host memory, with the engine invariants the write
// channel and the ring registers show), AXI4-Stream (frames). The simulator build
// (sim/build.rs) and rtl/tb/run.sh read the files of rtl/sim/sim.f after rtl/ufo_nic.f.
`default_nettype none

bind ufo_nic_top ufo_axil_check #(.ADDR_WIDTH(AXIL_ADDR_WIDTH)) u_check_axil (
    .clk, .rst_n,
    .awaddr(s_axil_awaddr), .awprot(s_axil_awprot), .awvalid(s_axil_awvalid),
    .awready(s_axil_awready),
    .wdata(s_axil_wdata), .wstrb(s_axil_wstrb), .wvalid(s_axil_wvalid), .wready(s_axil_wready),
    .bresp(s_axil_bresp), .bvalid(s_axil_bvalid), .bready(s_axil_bready),
    .araddr(s_axil_araddr), .arprot(s_axil_arprot), .arvalid(s_axil_arvalid),
    .arready(s_axil_arready),
    .rdata(s_axil_rdata), .rresp(s_axil_rresp), .rvalid(s_axil_rvalid), .rready(s_axil_rready));

bind ufo_nic_top ufo_axi4_check #(
    .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH)
) u_check_axi4 (
    .clk, .rst_n,
    .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arsize(m_axi_arsize),
    .arburst(m_axi_arburst), .arlock(m_axi_arlock), .arcache(m_axi_arcache),
    .arprot(m_axi_arprot), .arvalid(m_axi_arvalid), .arready(m_axi_arready),
    .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
    .rvalid(m_axi_rvalid), .rready(m_axi_rready),
    .awid(m_axi_awid), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen), .awsize(m_axi_awsize),
    .awburst(m_axi_awburst), .awlock(m_axi_awlock), .awcache(m_axi_awcache),
    .awprot(m_axi_awprot), .awvalid(m_axi_awvalid), .awready(m_axi_awready),
    .wdata(m_axi_wdata), .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid),
    .wready(m_axi_wready),
    .bid(m_axi_bid), .bresp(m_axi_bresp), .bvalid(m_axi_bvalid), .bready(m_axi_bready),
    .cpl_ring_base, .ring_log2,
    // the completion index restarts at a ring reset and at a soft reset
    .ring_reset(ring_reset || soft_reset));

// TX_HEAD and TX_TAIL are ufo_csr's registers (free-running indices)
bind ufo_csr ufo_ring_check u_check_ring (
    .clk, .rst_n, .tx_head(tx_head_q), .tx_tail(tx_tail_q), .ring_log2(ring_log2_q));

bind ufo_nic_top ufo_axis_check #(.DATA_WIDTH(DATA_WIDTH)) u_check_axis (
    .clk, .rst_n,
    .tdata(m_axis_tdata), .tkeep(m_axis_tkeep), .tvalid(m_axis_tvalid), .tready(m_axis_tready),
    .tlast(m_axis_tlast), .tuser(m_axis_tuser));

`default_nettype wire
