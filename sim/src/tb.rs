//! The test bench harness: the Verilated model plus host memory, register master and frame
//! sink, clocked together.
//!
//! One [`Tb::step`] is one clock cycle:
//! 1. `clk` is low and the last evaluation has settled the DUT's outputs for the current inputs;
//! 2. every bus model samples the wires and records the handshakes (`valid & ready`) that
//!    happen at the coming rising edge, and runs its checks;
//! 3. `clk` rises, evaluate, dump the trace (time + 5 ns);
//! 4. every bus model drives its next inputs, `clk` falls, evaluate, dump (time + 5 ns).
//!
//! So the trace shows a 10 ns clock with the test bench's inputs changing on the falling edge.
//! Every wait has a cycle limit and ends in a [`TbError`] naming what it waited for: nothing
//! here can hang.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;
use ufo_driver::driver::{RegAccess, RegError, RegFault};

use crate::bus::{
    mix_seed, AxilMaster, AxilOp, AxilResult, AxisSink, AxisSinkConfig, HostMem, HostMemConfig,
    Violation,
};
use crate::model::{Model, ModelConfig, ModelError, SimStatus};

/// Clock period shown in traces, in nanoseconds.
pub use ufo_testbench::CLOCK_PERIOD_NS;

/// How to build a [`Tb`].
#[derive(Clone, Debug)]
pub struct TbConfig {
    /// Master seed: the DUT's random power-up state and every bus model's randomness derive
    /// from it. Print it with a failure and the run is reproducible.
    pub seed: u64,
    /// Write an FST waveform here (`None`: no tracing, no cost).
    pub trace: Option<PathBuf>,
    /// Host memory timing, back-pressure and checks (`data_bytes` is set to the model's).
    pub mem: HostMemConfig,
    /// Frame sink back-pressure (`data_bytes` is set to the model's).
    pub axis: AxisSinkConfig,
    /// Cycle limit of one register access ([`Tb::reg_read`], [`Tb::reg_write`]).
    pub reg_timeout: u64,
    /// Record the model's inputs from the start ([`Model::recording`], [`Model::replay`]).
    pub record_inputs: bool,
}

impl Default for TbConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            trace: None,
            mem: HostMemConfig::default(),
            axis: AxisSinkConfig::default(),
            reg_timeout: 1000,
            record_inputs: false,
        }
    }
}

/// A wait ran out of cycles.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("timeout after {waited} cycles waiting for {what} (at cycle {cycle})")]
pub struct Timeout {
    /// What was waited for.
    pub what: String,
    /// Cycles waited.
    pub waited: u64,
    /// Edge count when giving up.
    pub cycle: u64,
}

/// What went wrong in the test bench.
#[derive(Clone, Debug, Error)]
pub enum TbError {
    /// The Verilated model could not be built (e.g. the trace file cannot be created).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A wait ran out of cycles.
    #[error(transparent)]
    Timeout(#[from] Timeout),
    /// A register access got an error response.
    #[error("register access {op:?} answered resp {resp}")]
    RegResp {
        /// The access.
        op: AxilOp,
        /// `BRESP`/`RRESP`.
        resp: u8,
    },
    /// The simulation runtime reported an assertion failure, `$finish` or a fatal error.
    #[error("simulation reported {status} by cycle {cycle}{}", message.as_ref().map_or(String::new(), |m| format!(": {m}")))]
    Sim {
        /// What was reported.
        status: SimStatus,
        /// Edge count when noticed.
        cycle: u64,
        /// The fatal error's message, if any.
        message: Option<String>,
    },
    /// Bus models recorded protocol violations.
    #[error("{}", list_violations(.0))]
    Violations(Vec<Violation>),
}

fn list_violations(v: &[Violation]) -> String {
    let mut s = format!("{} protocol violation(s):", v.len());
    for x in v.iter().take(20) {
        s += &format!("\n  {x}");
    }
    if v.len() > 20 {
        s += "\n  ...";
    }
    s
}

/// The test bench; see the module documentation. Fields are public so a test can reach any
/// model directly (e.g. `tb.mem.write(..)`, `tb.sink.pop_frame()`).
pub struct Tb {
    /// The DUT.
    pub model: Model,
    /// Host memory on the DUT's AXI4 master.
    pub mem: HostMem,
    /// Register master on the DUT's AXI4-Lite slave.
    pub axil: AxilMaster,
    /// Frame sink on the DUT's AXI4-Stream master.
    pub sink: AxisSink,
    seed: u64,
    cycle: u64,
    half_period: u64,
    in_reset: bool,
    rst_n_next: Option<bool>,
    reg_timeout: u64,
}

impl Tb {
    /// Builds the model and bus models; inputs idle, `rst_n` low, time 0. Call [`Tb::reset`]
    /// before anything else: until then the bus models do not sample the DUT's (random)
    /// outputs. Fails if the model cannot be built (e.g. the trace file cannot be created).
    pub fn new(cfg: TbConfig) -> Result<Tb, TbError> {
        let mut model = Model::new(ModelConfig {
            seed: cfg.seed,
            trace: cfg.trace,
        })?;
        if cfg.record_inputs {
            model.start_recording()?;
        }
        let mem = HostMem::new(
            HostMemConfig {
                data_bytes: crate::DATA_BYTES,
                ..cfg.mem
            },
            mix_seed(cfg.seed, 1),
        );
        let sink = AxisSink::new(
            AxisSinkConfig {
                data_bytes: crate::DATA_BYTES,
                ..cfg.axis
            },
            mix_seed(cfg.seed, 2),
        );
        let half_period = CLOCK_PERIOD_NS / 2 * model.ticks_per_ns();
        model.zero_inputs();
        let mut tb = Tb {
            model,
            mem,
            axil: AxilMaster::new(),
            sink,
            seed: cfg.seed,
            cycle: 0,
            half_period,
            in_reset: true,
            rst_n_next: None,
            reg_timeout: cfg.reg_timeout,
        };
        tb.drive_all();
        tb.model.eval();
        tb.model.dump();
        Ok(tb)
    }

    /// The master seed this bench was built with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Half a clock period in the model's time unit: the time between two evaluations.
    pub fn half_period(&self) -> u64 {
        self.half_period
    }

    /// Rising edges so far.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// `true` until [`Tb::reset`] has released `rst_n`.
    pub fn in_reset(&self) -> bool {
        self.in_reset
    }

    /// The DUT's `irq` output.
    pub fn irq(&self) -> bool {
        self.model.irq() != 0
    }

    fn drive_all(&mut self) {
        let next = self.cycle;
        self.mem.drive(&mut self.model, next);
        self.axil.drive(&mut self.model, next);
        self.sink.drive(&mut self.model, next);
    }

    /// One clock cycle (see the module documentation).
    #[inline]
    pub fn step(&mut self) {
        if !self.in_reset {
            let now = self.cycle;
            self.mem.sample(&self.model, now);
            self.axil.sample(&self.model, now);
            self.sink.sample(&self.model, now);
        }
        let t = self.model.time() + self.half_period;
        self.model.set_clk(1);
        self.model.set_time(t);
        self.model.eval();
        self.model.dump();
        self.cycle += 1;
        if let Some(r) = self.rst_n_next.take() {
            self.model.set_rst_n(r.into());
        }
        self.drive_all();
        self.model.set_clk(0);
        self.model.set_time(t + self.half_period);
        self.model.eval();
        self.model.dump();
    }

    /// `n` clock cycles.
    pub fn steps(&mut self, n: u64) {
        for _ in 0..n {
            self.step();
        }
    }

    /// Holds `rst_n` low for `cycles` rising edges (at least 1), then releases it on the falling
    /// edge after the last one. Bus models forget their bus state (memory contents stay) and do
    /// not sample during reset.
    pub fn reset(&mut self, cycles: u64) {
        let cycles = cycles.max(1);
        self.in_reset = true;
        self.mem.reset();
        self.axil.reset();
        self.sink.reset();
        // Seen by the DUT together with the next rising edge (synchronous reset).
        self.model.set_rst_n(0);
        for i in 0..cycles {
            if i + 1 == cycles {
                self.rst_n_next = Some(true);
            }
            self.step();
        }
        self.in_reset = false;
    }

    /// Turns on the protocol checkers' rules for the host side of the AXI4 port (R and B: beats
    /// only for requests outstanding, RLAST placement, handshake stability) from the next
    /// [`Tb::reset`] on. Off by default: the fuzz injects such faults on purpose.
    pub fn check_host_side(&mut self) -> Result<(), TbError> {
        self.model.add_plusarg("+ufo_host_checks")?;
        Ok(())
    }

    /// The first runtime problem (assertion failure, `$finish`, fatal error), if any.
    pub fn sim_error(&self) -> Option<TbError> {
        if !self.model.failed() {
            return None;
        }
        Some(TbError::Sim {
            status: self.model.status(),
            cycle: self.cycle,
            message: self.model.failure_message(),
        })
    }

    /// Steps until `cond` holds, for at most `max_cycles` cycles; returns the cycles waited.
    /// Fails with [`TbError::Timeout`] naming `what`, or [`TbError::Sim`] as soon as the runtime
    /// reports an error.
    pub fn run_until<F>(&mut self, what: &str, max_cycles: u64, mut cond: F) -> Result<u64, TbError>
    where
        F: FnMut(&Tb) -> bool,
    {
        let start = self.cycle;
        loop {
            if cond(self) {
                return Ok(self.cycle - start);
            }
            if let Some(e) = self.sim_error() {
                return Err(e);
            }
            let waited = self.cycle - start;
            if waited >= max_cycles {
                return Err(TbError::Timeout(Timeout {
                    what: what.to_owned(),
                    waited,
                    cycle: self.cycle,
                }));
            }
            self.step();
        }
    }

    /// Runs one register operation to completion (after any already queued). An operation that
    /// times out is abandoned, so the master is free for the next one.
    fn reg_op(&mut self, op: AxilOp) -> Result<AxilResult, TbError> {
        self.axil.push(op);
        let what = match op {
            AxilOp::Write { addr, data, .. } => format!("register write {addr:#04x} <- {data:#x}"),
            AxilOp::Read { addr } => format!("register read {addr:#04x}"),
        };
        if let Err(e) = self.run_until(&what, self.reg_timeout, |tb| !tb.axil.busy()) {
            self.axil.abandon();
            return Err(e);
        }
        let r = self
            .axil
            .pop_result_back()
            .expect("the AXI4-Lite master is idle only with a result");
        if r.resp != crate::bus::resp::OKAY {
            return Err(TbError::RegResp { op, resp: r.resp });
        }
        Ok(r)
    }

    /// Writes a 32-bit register through the AXI4-Lite master, taking real cycles.
    pub fn reg_write(&mut self, offset: u32, value: u32) -> Result<(), TbError> {
        self.reg_op(AxilOp::Write {
            addr: offset,
            data: value,
            strb: 0xf,
        })
        .map(|_| ())
    }

    /// Reads a 32-bit register through the AXI4-Lite master, taking real cycles.
    pub fn reg_read(&mut self, offset: u32) -> Result<u32, TbError> {
        self.reg_op(AxilOp::Read { addr: offset }).map(|r| r.data)
    }

    /// All protocol violations recorded by the bus models, by cycle.
    pub fn violations(&self) -> Vec<Violation> {
        let mut v: Vec<Violation> = self
            .mem
            .violations()
            .iter()
            .chain(self.axil.violations())
            .chain(self.sink.violations())
            .cloned()
            .collect();
        v.sort_by_key(|x| x.cycle);
        v
    }

    /// `Ok` if the runtime reported nothing and no bus model recorded a violation.
    pub fn check(&self) -> Result<(), TbError> {
        if let Some(e) = self.sim_error() {
            return Err(e);
        }
        let v = self.violations();
        if v.is_empty() {
            Ok(())
        } else {
            Err(TbError::Violations(v))
        }
    }

    /// Panics with the seed if [`Tb::check`] fails.
    pub fn assert_clean(&self) {
        if let Err(e) = self.check() {
            panic!("{e} (seed {})", self.seed);
        }
    }
}

impl fmt::Debug for Tb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tb")
            .field("seed", &self.seed)
            .field("cycle", &self.cycle)
            .field("in_reset", &self.in_reset)
            .field("model", &self.model)
            .field("mem", &self.mem)
            .field("sink", &self.sink)
            .finish()
    }
}

/// The driver model reaches the DUT only through this: host memory and registers.
impl ufo_driver::driver::Host for Tb {
    fn mem_write(&mut self, addr: u64, data: &[u8]) {
        self.mem.write(addr, data);
    }

    fn mem_read(&mut self, addr: u64, len: usize) -> Vec<u8> {
        self.mem.read(addr, len)
    }

    fn reg_write(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        Tb::reg_write(self, offset, value)
            .map_err(|e| reg_error(RegAccess::Write { offset, value }, e))
    }

    fn reg_read(&mut self, offset: u32) -> Result<u32, RegError> {
        Tb::reg_read(self, offset).map_err(|e| reg_error(RegAccess::Read { offset }, e))
    }
}

/// A failed register access as the driver sees it.
fn reg_error(access: RegAccess, e: TbError) -> RegError {
    let fault = match e {
        TbError::Timeout(t) => RegFault::NoResponse { cycles: t.waited },
        TbError::RegResp { resp, .. } => RegFault::ErrorResponse { resp },
        other => RegFault::DeviceStopped(other.to_string()),
    };
    RegError { access, fault }
}
