//! `ufo-sim`: the cycle-accurate Verilator model of the UFO NIC transmit engine, driven from
//! Rust, with bus models and a test bench harness.
//!
//! - [`model::Model`]: the Verilated `ufo_nic_top` (build script + C++ shim), with typed port
//!   accessors generated from the model header, so a different `DATA_WIDTH`
//!   (`UFO_DATA_WIDTH=128 cargo build`) needs no code change.
//! - [`bus`]: host memory (AXI4 slave), AXI4-Lite master and AXI4-Stream sink models, each with
//!   protocol checks, driven through small port traits so they also run against pure-Rust wires.
//! - [`tb::Tb`]: the harness that clocks the model and the bus models together.
//!
//! One model per thread: [`model::Model`] is neither `Send` nor `Sync`.

pub mod bus;
pub mod case;
pub mod model;
pub mod pcap_io;
mod ports;
pub mod random;
pub mod replay;
pub mod runner;
pub mod scoreboard;
pub mod tb;
pub mod vectors;

pub use model::{Model, ModelConfig, SimStatus};
pub use ports::{DATA_BYTES, DATA_WIDTH, PORTS};
pub use tb::{Tb, TbConfig, TbError, Timeout};
