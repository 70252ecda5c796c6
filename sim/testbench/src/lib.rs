//! The test bench of the UFO NIC transmit engine in plain Rust: everything around the simulated
//! RTL that does not need the simulator, so it builds and tests without Verilator. The
//! `ufo-sim` crate adds the Verilated model, clocks it together with these bus models and runs
//! the cases.
//!
//! - [`bus`]: host memory (AXI4 slave), AXI4-Lite master and AXI4-Stream sink models with their
//!   protocol checks, driven through small port traits ([`bus::wires`] for tests without the
//!   DUT).
//! - [`case`], [`vectors`], [`random`], [`replay`]: what to run — test vectors
//!   (`testvectors/*.csv`), random packets of a seed, or a capture replayed as a UFO host would
//!   send it.
//! - [`scoreboard`], [`fields`]: byte-exact comparison with the golden model, mismatches named
//!   by header field; [`checks`], [`reassemble`]: the independent checks (etherparse reassembly,
//!   the checksum of every frame).
//! - [`headers`]: the one header walker of the test bench.
//! - [`pcap_io`]: pcap output, pcap and pcapng input; [`junit`]: JUnit XML reports.

pub mod bus;
pub mod case;
pub mod checks;
pub mod coverage;
pub mod fields;
pub mod headers;
pub mod junit;
pub mod line_coverage;
pub mod pcap_io;
pub mod random;
pub mod reassemble;
pub mod replay;
pub mod retarget;
pub mod scoreboard;
pub mod vectors;

/// Clock period of the simulated engine (and of the timestamps in its pcaps), in nanoseconds.
pub const CLOCK_PERIOD_NS: u64 = 10;
