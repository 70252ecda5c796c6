//! `ufo-sim`: the cycle-accurate Verilator model of the UFO NIC transmit engine, driven from
//! Rust. The only crate that needs Verilator: the bus models, cases, vectors, scoreboard and
//! pcap code are the pure-Rust `ufo-testbench`, re-exported here under the same names.
//!
//! - [`model::Model`]: the Verilated `ufo_nic_top` (build script + C++ shim), with typed port
//!   accessors generated from the model header, so a different `DATA_WIDTH`
//!   (`UFO_DATA_WIDTH=128 cargo build`) needs no code change.
//! - [`bus`]: host memory (AXI4 slave), AXI4-Lite master and AXI4-Stream sink models, each with
//!   protocol checks, driven through small port traits so they also run against pure-Rust wires.
//! - [`tb::Tb`]: the harness that clocks the model and the bus models together.
//! - [`runner::Runner`]: runs cases back to back through the driver model and the RTL.
//! - [`kernel`]: the Linux kernel as the receiver of the RTL's frames (`ufo-sim kernel-check`),
//!   in a network namespace of its own ([`netcfg`], the `ufo-netns` crate).
//!
//! One model per thread: [`model::Model`] is neither `Send` nor `Sync`.
//!
//! ```
//! use ufo_sim::{Tb, TbConfig};
//!
//! let mut tb = Tb::new(TbConfig { seed: 7, ..TbConfig::default() })?; // trace: Some(path) for FST
//! tb.reset(8);
//! assert_eq!(tb.reg_read(0x00)?, 0x5546_4F02); // ID, through the AXI4-Lite master
//! tb.mem.write(0x1000, &[0u8; 32]); // host memory the DUT reads by DMA
//! tb.reg_write(0x30, 0x3)?; // IRQ_MASK
//! let waited = tb.run_until("IRQ_MASK settled", 100, |tb| !tb.irq()).unwrap(); // never hangs
//! assert_eq!(waited, 0);
//! assert!(tb.sink.pop_frame().is_none()); // frames the DUT sent on its AXI4-Stream
//! tb.assert_clean(); // no assertion failure, no protocol violation
//! # Ok::<(), ufo_sim::TbError>(())
//! ```

pub mod bench;
mod bus_ports;
pub mod fuzz;
pub mod kernel;
pub mod live;
pub mod live_traffic;
pub mod model;
pub mod netcfg;
mod ports;
pub mod runner;
pub mod soak;
pub mod tb;

pub use ufo_testbench::{
    bus, case, checks, coverage, fields, headers, junit, line_coverage, pcap_io, random,
    reassemble, replay, retarget, scoreboard, vectors,
};

pub use model::{Model, ModelConfig, Recording, SimStatus};
pub use ports::{DATA_BYTES, DATA_WIDTH, PORTS, VERILATOR_VERSION};
pub use tb::{Tb, TbConfig, TbError, Timeout};
