//! Bus models around the DUT: host memory (AXI4 slave), register master (AXI4-Lite) and
//! frame sink (AXI4-Stream).
//!
//! Every model works in two phases per clock cycle, called by the harness (`ufo_sim::Tb`):
//! `sample(ports, edge)` just before rising edge number `edge` (it sees the values both sides
//! drive, records handshakes `valid & ready` and runs the protocol checks), and
//! `drive(ports, next_edge)` after the edge (it drives the inputs the DUT will see at edge
//! `next_edge`). A model remembers what it drove, so handshakes are judged on what was on the
//! wires. Models reach the wires through the small port traits below, implemented for the
//! Verilated model (in `ufo-sim`) and for plain-Rust [`wires`], so each model can be tested
//! against a scripted counterpart without the DUT.
//!
//! Widths are set at run time (`data_bytes` in the configs; the harness sets the model's): data
//! buses move as byte slices (lane `i` = byte `i`), strobes/keeps as `u64` bit masks (at most 64
//! lanes for 512-bit buses).

pub mod axil_master;
pub mod axis_sink;
pub mod host_mem;
pub mod wires;

pub use axil_master::{AxilFault, AxilMaster, AxilOp, AxilResult};
pub use axis_sink::{AxisSink, AxisSinkConfig, AxisSinkStats, Frame};
pub use host_mem::{BurstRecord, BusFaults, HostMem, HostMemConfig, HostMemStats, Injected};

use std::fmt;

/// Bytes per data beat the configs default to: the engine's default `DATA_WIDTH` of 64 bits.
pub const DEFAULT_DATA_BYTES: usize = 8;

/// AXI response codes.
pub mod resp {
    /// Normal access success.
    pub const OKAY: u8 = 0;
    /// Exclusive access okay (not used here).
    pub const EXOKAY: u8 = 1;
    /// Slave error.
    pub const SLVERR: u8 = 2;
    /// Decode error.
    pub const DECERR: u8 = 3;
}

/// The kind of a protocol violation or warning found by a bus model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViolationKind {
    /// An AXI4 burst crosses a 4 KiB boundary.
    Crosses4k,
    /// `AxSIZE` is not the full data width.
    BadSize,
    /// `AxBURST` is not INCR.
    BadBurst,
    /// A read burst longer than the configured maximum (`MAX_BURST`).
    BurstTooLong,
    /// `WLAST` not on the last beat of a burst, or on another beat.
    WlastWrong,
    /// `WSTRB` has lanes set below the start address of the first beat.
    WstrbOutside,
    /// `VALID` dropped before `READY` (AXI stability rule).
    ValidDropped,
    /// Payload changed while `VALID` waited for `READY` (AXI stability rule).
    PayloadChanged,
    /// A response or beat that nothing asked for.
    Unexpected,
    /// An error response (`BRESP`/`RRESP` != OKAY) where OKAY was expected.
    ErrorResponse,
    /// `TKEEP` not contiguous from lane 0 (or zero) on the last beat of a frame.
    KeepNotContiguous,
    /// `TKEEP` not all ones on a beat that is not the last.
    KeepNotFull,
    /// A read of host memory that was never written (warning, when enabled).
    UninitRead,
}

/// One protocol violation (or warning) with the rising edge where it was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Rising-edge number (the harness's cycle count at the time).
    pub cycle: u64,
    /// What rule was broken.
    pub kind: ViolationKind,
    /// Which model saw it, and the details.
    pub what: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cycle {}: {:?}: {}", self.cycle, self.kind, self.what)
    }
}

/// The AXI4 master's wires as the slave (host memory) sees them: master outputs to read, slave
/// outputs to drive.
pub trait AxiSlavePorts {
    /// `ARVALID`.
    fn arvalid(&self) -> bool;
    /// `ARID`.
    fn arid(&self) -> u32;
    /// `ARADDR`.
    fn araddr(&self) -> u64;
    /// `ARLEN` (beats - 1).
    fn arlen(&self) -> u8;
    /// `ARSIZE` (log2 bytes per beat).
    fn arsize(&self) -> u8;
    /// `ARBURST` (1 = INCR).
    fn arburst(&self) -> u8;
    /// Drives `ARREADY`.
    fn set_arready(&mut self, v: bool);
    /// Drives `RVALID`.
    fn set_rvalid(&mut self, v: bool);
    /// Drives `RID`.
    fn set_rid(&mut self, v: u32);
    /// Drives `RDATA`, lane `i` = `bytes[i]`.
    fn set_rdata(&mut self, bytes: &[u8]);
    /// Drives `RRESP`.
    fn set_rresp(&mut self, v: u8);
    /// Drives `RLAST`.
    fn set_rlast(&mut self, v: bool);
    /// `RREADY`.
    fn rready(&self) -> bool;
    /// `AWVALID`.
    fn awvalid(&self) -> bool;
    /// `AWID`.
    fn awid(&self) -> u32;
    /// `AWADDR`.
    fn awaddr(&self) -> u64;
    /// `AWLEN`.
    fn awlen(&self) -> u8;
    /// `AWSIZE`.
    fn awsize(&self) -> u8;
    /// `AWBURST`.
    fn awburst(&self) -> u8;
    /// Drives `AWREADY`.
    fn set_awready(&mut self, v: bool);
    /// `WVALID`.
    fn wvalid(&self) -> bool;
    /// Copies `WDATA` into `out` (`DATA_BYTES` long), lane `i` = `out[i]`.
    fn wdata(&self, out: &mut [u8]);
    /// `WSTRB`, bit `i` = lane `i`.
    fn wstrb(&self) -> u64;
    /// `WLAST`.
    fn wlast(&self) -> bool;
    /// Drives `WREADY`.
    fn set_wready(&mut self, v: bool);
    /// Drives `BVALID`.
    fn set_bvalid(&mut self, v: bool);
    /// Drives `BID`.
    fn set_bid(&mut self, v: u32);
    /// Drives `BRESP`.
    fn set_bresp(&mut self, v: u8);
    /// `BREADY`.
    fn bready(&self) -> bool;
}

/// The AXI4-Lite slave's wires as the master BFM sees them.
pub trait AxilMasterPorts {
    /// Drives `AWVALID`.
    fn set_awvalid(&mut self, v: bool);
    /// Drives `AWADDR`.
    fn set_awaddr(&mut self, v: u32);
    /// `AWREADY`.
    fn awready(&self) -> bool;
    /// Drives `WVALID`.
    fn set_wvalid(&mut self, v: bool);
    /// Drives `WDATA`.
    fn set_wdata(&mut self, v: u32);
    /// Drives `WSTRB`.
    fn set_wstrb(&mut self, v: u8);
    /// `WREADY`.
    fn wready(&self) -> bool;
    /// `BVALID`.
    fn bvalid(&self) -> bool;
    /// `BRESP`.
    fn bresp(&self) -> u8;
    /// Drives `BREADY`.
    fn set_bready(&mut self, v: bool);
    /// Drives `ARVALID`.
    fn set_arvalid(&mut self, v: bool);
    /// Drives `ARADDR`.
    fn set_araddr(&mut self, v: u32);
    /// `ARREADY`.
    fn arready(&self) -> bool;
    /// `RVALID`.
    fn rvalid(&self) -> bool;
    /// `RDATA`.
    fn rdata(&self) -> u32;
    /// `RRESP`.
    fn rresp(&self) -> u8;
    /// Drives `RREADY`.
    fn set_rready(&mut self, v: bool);
}

/// The AXI4-Stream master's wires as the sink sees them.
pub trait AxisSinkPorts {
    /// `TVALID`.
    fn tvalid(&self) -> bool;
    /// Copies `TDATA` into `out` (`DATA_BYTES` long), lane `i` = `out[i]`.
    fn tdata(&self, out: &mut [u8]);
    /// `TKEEP`, bit `i` = lane `i`.
    fn tkeep(&self) -> u64;
    /// `TLAST`.
    fn tlast(&self) -> bool;
    /// `TUSER`.
    fn tuser(&self) -> bool;
    /// Drives `TREADY`.
    fn set_tready(&mut self, v: bool);
}

/// SplitMix64: derives independent per-model seeds from one test seed.
pub fn mix_seed(seed: u64, salt: u64) -> u64 {
    let mut z = seed ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Lanes mask with the low `n` bits set (`n` <= 64).
#[inline]
pub(crate) fn lanes_mask(n: usize) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}
