//! Plain-Rust wires implementing the port traits, to run a bus model against a scripted
//! counterpart (a fake master, slave or stream source) without the DUT. The test drives the
//! counterpart's fields directly; the model drives its own through the trait.

use super::{AxiSlavePorts, AxilMasterPorts, AxisSinkPorts};

/// AXI4 wires between a scripted master (the test) and a slave model.
#[derive(Clone, Debug, Default)]
pub struct AxiWires {
    /// Master: `ARVALID`.
    pub arvalid: bool,
    /// Master: `ARID`.
    pub arid: u32,
    /// Master: `ARADDR`.
    pub araddr: u64,
    /// Master: `ARLEN`.
    pub arlen: u8,
    /// Master: `ARSIZE`.
    pub arsize: u8,
    /// Master: `ARBURST`.
    pub arburst: u8,
    /// Slave: `ARREADY`.
    pub arready: bool,
    /// Slave: `RVALID`.
    pub rvalid: bool,
    /// Slave: `RID`.
    pub rid: u32,
    /// Slave: `RDATA` bytes.
    pub rdata: Vec<u8>,
    /// Slave: `RRESP`.
    pub rresp: u8,
    /// Slave: `RLAST`.
    pub rlast: bool,
    /// Master: `RREADY`.
    pub rready: bool,
    /// Master: `AWVALID`.
    pub awvalid: bool,
    /// Master: `AWID`.
    pub awid: u32,
    /// Master: `AWADDR`.
    pub awaddr: u64,
    /// Master: `AWLEN`.
    pub awlen: u8,
    /// Master: `AWSIZE`.
    pub awsize: u8,
    /// Master: `AWBURST`.
    pub awburst: u8,
    /// Slave: `AWREADY`.
    pub awready: bool,
    /// Master: `WVALID`.
    pub wvalid: bool,
    /// Master: `WDATA` bytes.
    pub wdata: Vec<u8>,
    /// Master: `WSTRB`.
    pub wstrb: u64,
    /// Master: `WLAST`.
    pub wlast: bool,
    /// Slave: `WREADY`.
    pub wready: bool,
    /// Slave: `BVALID`.
    pub bvalid: bool,
    /// Slave: `BID`.
    pub bid: u32,
    /// Slave: `BRESP`.
    pub bresp: u8,
    /// Master: `BREADY`.
    pub bready: bool,
}

impl AxiWires {
    /// Idle wires for a data bus of `data_bytes` lanes.
    pub fn new(data_bytes: usize) -> Self {
        Self {
            rdata: vec![0; data_bytes],
            wdata: vec![0; data_bytes],
            ..Self::default()
        }
    }
}

impl AxiSlavePorts for AxiWires {
    fn arvalid(&self) -> bool {
        self.arvalid
    }
    fn arid(&self) -> u32 {
        self.arid
    }
    fn araddr(&self) -> u64 {
        self.araddr
    }
    fn arlen(&self) -> u8 {
        self.arlen
    }
    fn arsize(&self) -> u8 {
        self.arsize
    }
    fn arburst(&self) -> u8 {
        self.arburst
    }
    fn set_arready(&mut self, v: bool) {
        self.arready = v;
    }
    fn set_rvalid(&mut self, v: bool) {
        self.rvalid = v;
    }
    fn set_rid(&mut self, v: u32) {
        self.rid = v;
    }
    fn set_rdata(&mut self, bytes: &[u8]) {
        self.rdata.clear();
        self.rdata.extend_from_slice(bytes);
    }
    fn set_rresp(&mut self, v: u8) {
        self.rresp = v;
    }
    fn set_rlast(&mut self, v: bool) {
        self.rlast = v;
    }
    fn rready(&self) -> bool {
        self.rready
    }
    fn awvalid(&self) -> bool {
        self.awvalid
    }
    fn awid(&self) -> u32 {
        self.awid
    }
    fn awaddr(&self) -> u64 {
        self.awaddr
    }
    fn awlen(&self) -> u8 {
        self.awlen
    }
    fn awsize(&self) -> u8 {
        self.awsize
    }
    fn awburst(&self) -> u8 {
        self.awburst
    }
    fn set_awready(&mut self, v: bool) {
        self.awready = v;
    }
    fn wvalid(&self) -> bool {
        self.wvalid
    }
    fn wdata(&self, out: &mut [u8]) {
        let n = out.len().min(self.wdata.len());
        out[..n].copy_from_slice(&self.wdata[..n]);
        out[n..].fill(0);
    }
    fn wstrb(&self) -> u64 {
        self.wstrb
    }
    fn wlast(&self) -> bool {
        self.wlast
    }
    fn set_wready(&mut self, v: bool) {
        self.wready = v;
    }
    fn set_bvalid(&mut self, v: bool) {
        self.bvalid = v;
    }
    fn set_bid(&mut self, v: u32) {
        self.bid = v;
    }
    fn set_bresp(&mut self, v: u8) {
        self.bresp = v;
    }
    fn bready(&self) -> bool {
        self.bready
    }
}

/// AXI4-Lite wires between the master BFM and a scripted slave (the test).
#[derive(Clone, Debug, Default)]
#[allow(missing_docs)] // one field per AXI4-Lite signal, named as the signal
pub struct AxilWires {
    pub awvalid: bool,
    pub awaddr: u32,
    pub awready: bool,
    pub wvalid: bool,
    pub wdata: u32,
    pub wstrb: u8,
    pub wready: bool,
    pub bvalid: bool,
    pub bresp: u8,
    pub bready: bool,
    pub arvalid: bool,
    pub araddr: u32,
    pub arready: bool,
    pub rvalid: bool,
    pub rdata: u32,
    pub rresp: u8,
    pub rready: bool,
}

impl AxilMasterPorts for AxilWires {
    fn set_awvalid(&mut self, v: bool) {
        self.awvalid = v;
    }
    fn set_awaddr(&mut self, v: u32) {
        self.awaddr = v;
    }
    fn awready(&self) -> bool {
        self.awready
    }
    fn set_wvalid(&mut self, v: bool) {
        self.wvalid = v;
    }
    fn set_wdata(&mut self, v: u32) {
        self.wdata = v;
    }
    fn set_wstrb(&mut self, v: u8) {
        self.wstrb = v;
    }
    fn wready(&self) -> bool {
        self.wready
    }
    fn bvalid(&self) -> bool {
        self.bvalid
    }
    fn bresp(&self) -> u8 {
        self.bresp
    }
    fn set_bready(&mut self, v: bool) {
        self.bready = v;
    }
    fn set_arvalid(&mut self, v: bool) {
        self.arvalid = v;
    }
    fn set_araddr(&mut self, v: u32) {
        self.araddr = v;
    }
    fn arready(&self) -> bool {
        self.arready
    }
    fn rvalid(&self) -> bool {
        self.rvalid
    }
    fn rdata(&self) -> u32 {
        self.rdata
    }
    fn rresp(&self) -> u8 {
        self.rresp
    }
    fn set_rready(&mut self, v: bool) {
        self.rready = v;
    }
}

/// AXI4-Stream wires between a scripted source (the test) and the sink model.
#[derive(Clone, Debug, Default)]
pub struct AxisWires {
    /// Source: `TVALID`.
    pub tvalid: bool,
    /// Source: `TDATA` bytes.
    pub tdata: Vec<u8>,
    /// Source: `TKEEP`.
    pub tkeep: u64,
    /// Source: `TLAST`.
    pub tlast: bool,
    /// Source: `TUSER`.
    pub tuser: bool,
    /// Sink: `TREADY`.
    pub tready: bool,
}

impl AxisWires {
    /// Idle wires for a stream of `data_bytes` lanes.
    pub fn new(data_bytes: usize) -> Self {
        Self {
            tdata: vec![0; data_bytes],
            ..Self::default()
        }
    }
}

impl AxisSinkPorts for AxisWires {
    fn tvalid(&self) -> bool {
        self.tvalid
    }
    fn tdata(&self, out: &mut [u8]) {
        let n = out.len().min(self.tdata.len());
        out[..n].copy_from_slice(&self.tdata[..n]);
        out[n..].fill(0);
    }
    fn tkeep(&self) -> u64 {
        self.tkeep
    }
    fn tlast(&self) -> bool {
        self.tlast
    }
    fn tuser(&self) -> bool {
        self.tuser
    }
    fn set_tready(&mut self, v: bool) {
        self.tready = v;
    }
}
