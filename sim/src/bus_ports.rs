//! The bus models' port traits for the Verilated model: generic byte/u64 accessors, so any
//! `DATA_WIDTH` works unchanged.

use ufo_testbench::bus::{AxiSlavePorts, AxilMasterPorts, AxisSinkPorts};

use crate::model::Model;

impl AxiSlavePorts for Model {
    #[inline]
    fn arvalid(&self) -> bool {
        self.m_axi_arvalid() != 0
    }
    #[inline]
    fn arid(&self) -> u32 {
        self.m_axi_arid_u64() as u32
    }
    #[inline]
    fn araddr(&self) -> u64 {
        self.m_axi_araddr_u64()
    }
    #[inline]
    fn arlen(&self) -> u8 {
        self.m_axi_arlen()
    }
    #[inline]
    fn arsize(&self) -> u8 {
        self.m_axi_arsize()
    }
    #[inline]
    fn arburst(&self) -> u8 {
        self.m_axi_arburst()
    }
    #[inline]
    fn set_arready(&mut self, v: bool) {
        self.set_m_axi_arready(v.into());
    }
    #[inline]
    fn set_rvalid(&mut self, v: bool) {
        self.set_m_axi_rvalid(v.into());
    }
    #[inline]
    fn set_rid(&mut self, v: u32) {
        self.set_m_axi_rid_u64(v.into());
    }
    #[inline]
    fn set_rdata(&mut self, bytes: &[u8]) {
        self.set_m_axi_rdata_bytes(bytes);
    }
    #[inline]
    fn set_rresp(&mut self, v: u8) {
        self.set_m_axi_rresp(v);
    }
    #[inline]
    fn set_rlast(&mut self, v: bool) {
        self.set_m_axi_rlast(v.into());
    }
    #[inline]
    fn rready(&self) -> bool {
        self.m_axi_rready() != 0
    }
    #[inline]
    fn awvalid(&self) -> bool {
        self.m_axi_awvalid() != 0
    }
    #[inline]
    fn awid(&self) -> u32 {
        self.m_axi_awid_u64() as u32
    }
    #[inline]
    fn awaddr(&self) -> u64 {
        self.m_axi_awaddr_u64()
    }
    #[inline]
    fn awlen(&self) -> u8 {
        self.m_axi_awlen()
    }
    #[inline]
    fn awsize(&self) -> u8 {
        self.m_axi_awsize()
    }
    #[inline]
    fn awburst(&self) -> u8 {
        self.m_axi_awburst()
    }
    #[inline]
    fn set_awready(&mut self, v: bool) {
        self.set_m_axi_awready(v.into());
    }
    #[inline]
    fn wvalid(&self) -> bool {
        self.m_axi_wvalid() != 0
    }
    #[inline]
    fn wdata(&self, out: &mut [u8]) {
        self.m_axi_wdata_bytes(out);
    }
    #[inline]
    fn wstrb(&self) -> u64 {
        self.m_axi_wstrb_u64()
    }
    #[inline]
    fn wlast(&self) -> bool {
        self.m_axi_wlast() != 0
    }
    #[inline]
    fn set_wready(&mut self, v: bool) {
        self.set_m_axi_wready(v.into());
    }
    #[inline]
    fn set_bvalid(&mut self, v: bool) {
        self.set_m_axi_bvalid(v.into());
    }
    #[inline]
    fn set_bid(&mut self, v: u32) {
        self.set_m_axi_bid_u64(v.into());
    }
    #[inline]
    fn set_bresp(&mut self, v: u8) {
        self.set_m_axi_bresp(v);
    }
    #[inline]
    fn bready(&self) -> bool {
        self.m_axi_bready() != 0
    }
}

impl AxilMasterPorts for Model {
    #[inline]
    fn set_awvalid(&mut self, v: bool) {
        self.set_s_axil_awvalid(v.into());
    }
    #[inline]
    fn set_awaddr(&mut self, v: u32) {
        self.set_s_axil_awaddr_u64(v.into());
    }
    #[inline]
    fn awready(&self) -> bool {
        self.s_axil_awready() != 0
    }
    #[inline]
    fn set_wvalid(&mut self, v: bool) {
        self.set_s_axil_wvalid(v.into());
    }
    #[inline]
    fn set_wdata(&mut self, v: u32) {
        self.set_s_axil_wdata(v);
    }
    #[inline]
    fn set_wstrb(&mut self, v: u8) {
        self.set_s_axil_wstrb(v);
    }
    #[inline]
    fn wready(&self) -> bool {
        self.s_axil_wready() != 0
    }
    #[inline]
    fn bvalid(&self) -> bool {
        self.s_axil_bvalid() != 0
    }
    #[inline]
    fn bresp(&self) -> u8 {
        self.s_axil_bresp()
    }
    #[inline]
    fn set_bready(&mut self, v: bool) {
        self.set_s_axil_bready(v.into());
    }
    #[inline]
    fn set_arvalid(&mut self, v: bool) {
        self.set_s_axil_arvalid(v.into());
    }
    #[inline]
    fn set_araddr(&mut self, v: u32) {
        self.set_s_axil_araddr_u64(v.into());
    }
    #[inline]
    fn arready(&self) -> bool {
        self.s_axil_arready() != 0
    }
    #[inline]
    fn rvalid(&self) -> bool {
        self.s_axil_rvalid() != 0
    }
    #[inline]
    fn rdata(&self) -> u32 {
        self.s_axil_rdata()
    }
    #[inline]
    fn rresp(&self) -> u8 {
        self.s_axil_rresp()
    }
    #[inline]
    fn set_rready(&mut self, v: bool) {
        self.set_s_axil_rready(v.into());
    }
}

impl AxisSinkPorts for Model {
    #[inline]
    fn tvalid(&self) -> bool {
        self.m_axis_tvalid() != 0
    }
    #[inline]
    fn tdata(&self, out: &mut [u8]) {
        self.m_axis_tdata_bytes(out);
    }
    #[inline]
    fn tkeep(&self) -> u64 {
        self.m_axis_tkeep_u64()
    }
    #[inline]
    fn tlast(&self) -> bool {
        self.m_axis_tlast() != 0
    }
    #[inline]
    fn tuser(&self) -> bool {
        self.m_axis_tuser() != 0
    }
    #[inline]
    fn set_tready(&mut self, v: bool) {
        self.set_m_axis_tready(v.into());
    }
}
