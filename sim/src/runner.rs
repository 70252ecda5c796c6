//! The regression runner: drives [`Case`]s back to back through the driver model and the RTL,
//! matches every completion and every frame against the expectation, and never waits without
//! a limit.
//!
//! Cases stream through: [`Runner::run_stream`] takes them from an iterator as the engine has
//! room, and hands every frame, expectation and outcome to a [`RunSink`] as it happens, so a
//! run's memory does not grow with the number of cases. [`Runner::run`] collects everything
//! into a [`RunReport`] for tests.
//!
//! A fault that stops the run (the engine makes no progress, a register access fails, the
//! simulation reports an error) is reported once, as the run's [`Abort`], with a count of the
//! cases it left unchecked, instead of one failure per case.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::path::PathBuf;

use thiserror::Error;
use ufo_driver::desc::regs::event;
use ufo_driver::desc::{flags, regs, Completion, Status, TxDesc, CPL_BYTES, DESC_BYTES};
use ufo_driver::driver::{Driver, DriverConfig, DriverError, InitError, RegError, XmitError};

use crate::bus::{BusFaults, Violation};
use crate::case::{Case, Expect, Fault, UnbuiltCase};
use crate::checks::{independent_check, verify_checksums, CheckError};
use crate::scoreboard;
use crate::scoreboard::Mismatch;
use crate::tb::{Tb, TbConfig, TbError};

/// Host address range whose reads answer SLVERR: buffers of `dma_err` faults point here.
pub const POISON_BASE: u64 = 0xDEAD_0000_0000;
/// The engine's `MAX_DESC` (descriptors per packet).
pub const MAX_DESC: usize = 32;
/// Cycles the engine may spend on its own between two bus beats (descriptor and header
/// processing, completion write-back) with every bus ready at once; measured far below this
/// (docs/performance.md, "Watchdog").
pub const ENGINE_QUIET_CYCLES: u64 = 2_000;
/// Cycles simulated between two looks at completions and the watchdog.
const POLL_CYCLES: u64 = 16;

/// Bus behaviour of a run.
#[derive(Debug, Clone, Copy)]
pub struct Traffic {
    /// Probability that the MAC takes a beat in a cycle, in (0, 1].
    pub tready_prob: f64,
    /// Probability of a gap before an R beat, in [0, 1).
    pub r_gap_prob: f64,
    /// Probability that the host memory accepts an AR in a cycle, in (0, 1].
    pub ar_accept_prob: f64,
    /// Host read latency in cycles.
    pub read_latency: u32,
    /// Probability that the host memory sends the next R beat of another ID ahead of the
    /// oldest burst (out-of-order and interleaved read data across IDs; see
    /// [`crate::bus::HostMemConfig::reorder_prob`]), in [0, 1].
    pub reorder_prob: f64,
    /// Probability that the host memory accepts an AW, and a W beat, in a cycle, in (0, 1].
    pub aw_accept_prob: f64,
    /// See `aw_accept_prob`.
    pub w_accept_prob: f64,
    /// Probability per cycle that a long stall burst starts on a host memory channel (AR, AW,
    /// W ready; R, B valid; each on its own) or on the MAC's `TREADY`, in [0, 1).
    pub stall_prob: f64,
    /// Longest stall burst in cycles (uniform from 1), at most 100,000.
    pub stall_max: u32,
    /// Random error responses, dropped responses and unsolicited beats of the host memory.
    pub faults: BusFaults,
}

impl Default for Traffic {
    /// Moderate, irregular back-pressure everywhere, with a long stall now and then
    /// (about 1 cycle in 1,000 starts one on each channel); no injected errors.
    fn default() -> Self {
        Self {
            tready_prob: 0.8,
            r_gap_prob: 0.1,
            ar_accept_prob: 0.8,
            read_latency: 20,
            reorder_prob: 0.3,
            aw_accept_prob: 0.8,
            w_accept_prob: 0.8,
            stall_prob: 0.001,
            stall_max: 200,
            faults: BusFaults::default(),
        }
    }
}

/// Cycles a wait that succeeds with probability `p` per cycle lasts at most, but for a chance
/// of e^-40 (never, in any run).
fn geometric_tail(p: f64) -> u64 {
    if p >= 1.0 {
        0
    } else {
        (40.0 / -(1.0 - p).ln()).ceil() as u64
    }
}

impl Traffic {
    /// Every bus always ready, no gaps, stalls, reordering or faults; read latency 20.
    pub const IDEAL: Traffic = Traffic {
        tready_prob: 1.0,
        r_gap_prob: 0.0,
        ar_accept_prob: 1.0,
        read_latency: 20,
        reorder_prob: 0.0,
        aw_accept_prob: 1.0,
        w_accept_prob: 1.0,
        stall_prob: 0.0,
        stall_max: 0,
        faults: BusFaults {
            read_error_prob: 0.0,
            write_error_prob: 0.0,
            read_drop_prob: 0.0,
            write_drop_prob: 0.0,
            unsolicited_r_prob: 0.0,
            unsolicited_b_prob: 0.0,
        },
    };

    /// Checks every probability's range: a bus that never becomes ready is a hang by
    /// construction, not a test.
    pub fn validate(&self) -> Result<(), RunError> {
        let check = |name: &'static str, v: f64, ok: bool, range: &'static str| {
            if ok {
                Ok(())
            } else {
                Err(RunError::Traffic {
                    name,
                    value: v,
                    range,
                })
            }
        };
        let p = self.tready_prob;
        check("tready_prob", p, p > 0.0 && p <= 1.0, "(0, 1]")?;
        let p = self.ar_accept_prob;
        check("ar_accept_prob", p, p > 0.0 && p <= 1.0, "(0, 1]")?;
        let p = self.r_gap_prob;
        check("r_gap_prob", p, (0.0..1.0).contains(&p), "[0, 1)")?;
        let p = self.reorder_prob;
        check("reorder_prob", p, (0.0..=1.0).contains(&p), "[0, 1]")?;
        let p = self.aw_accept_prob;
        check("aw_accept_prob", p, p > 0.0 && p <= 1.0, "(0, 1]")?;
        let p = self.w_accept_prob;
        check("w_accept_prob", p, p > 0.0 && p <= 1.0, "(0, 1]")?;
        let p = self.stall_prob;
        check("stall_prob", p, (0.0..1.0).contains(&p), "[0, 1)")?;
        let m = f64::from(self.stall_max);
        check(
            "stall_max",
            m,
            self.stall_max <= 100_000,
            "0..=100000 cycles",
        )?;
        let f = &self.faults;
        for (name, p) in [
            ("read_error_prob", f.read_error_prob),
            ("write_error_prob", f.write_error_prob),
            ("read_drop_prob", f.read_drop_prob),
            ("write_drop_prob", f.write_drop_prob),
            ("unsolicited_r_prob", f.unsolicited_r_prob),
            ("unsolicited_b_prob", f.unsolicited_b_prob),
        ] {
            check(name, p, (0.0..=1.0).contains(&p), "[0, 1]")?;
        }
        Ok(())
    }

    /// Cycles the stall bursts may hold the buses: two bursts in a row on each of the six
    /// channels (host AR, R, AW, W, B and the MAC), one after the other.
    fn stall_allowance(&self) -> u64 {
        if self.stall_prob > 0.0 {
            2 * 6 * u64::from(self.stall_max)
        } else {
            0
        }
    }

    /// The longest stretch of cycles in which a working engine may move no beat on any bus:
    /// its own processing, a read's latency, and the longest wait for a ready signal that the
    /// bus models' probabilities allow. The watchdog calls the engine hung after this.
    pub fn stall_limit(&self) -> u64 {
        ENGINE_QUIET_CYCLES
            + 2 * u64::from(self.read_latency)
            + geometric_tail(self.ar_accept_prob)
            + geometric_tail(1.0 - self.r_gap_prob)
            + geometric_tail(self.tready_prob)
            + geometric_tail(self.aw_accept_prob)
            + geometric_tail(self.w_accept_prob)
            + self.stall_allowance()
    }

    /// Cycles within which a working engine completes one of the cases in flight, given what
    /// all of them read and send together (`beats_in` read in `bursts` bursts, `beats_out`
    /// sent): the stall limit plus four times their expected cost at these settings. A
    /// pipelined engine may work on every case in flight before the oldest completes, so all of
    /// them count (the budget grows with `--in-flight`); reordered read data changes the order
    /// of that work, not its amount. A livelocked engine that keeps moving beats without ever
    /// completing is caught by this.
    pub fn completion_budget(&self, beats_in: u64, beats_out: u64, bursts: u64) -> u64 {
        let per_read_beat = 1.0 / (1.0 - self.r_gap_prob);
        let per_sent_beat = 1.0 / self.tready_prob;
        let per_burst = f64::from(self.read_latency) + 1.0 / self.ar_accept_prob;
        let expected = beats_in as f64 * per_read_beat
            + beats_out as f64 * per_sent_beat
            + bursts as f64 * per_burst;
        // Stall bursts hold each channel about stall_prob * stall_max / 2 of the time.
        let stalls = 1.0 + 3.0 * self.stall_prob * f64::from(self.stall_max);
        self.stall_limit() + (4.0 * expected * stalls).ceil() as u64
    }
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Seed of the bench (DUT power-up state, bus randomness).
    pub seed: u64,
    /// FST trace file.
    pub trace: Option<PathBuf>,
    /// Bus behaviour.
    pub traffic: Traffic,
    /// Most packets posted and not yet completed (at least 1).
    pub max_in_flight: usize,
}

/// A run that cannot start or cannot go on.
#[derive(Debug, Error)]
pub enum RunError {
    /// A bus probability outside its range.
    #[error("{name} = {value}: expected a probability in {range}")]
    Traffic {
        /// the field
        name: &'static str,
        /// its value
        value: f64,
        /// what is allowed
        range: &'static str,
    },
    /// `max_in_flight` is 0.
    #[error("max_in_flight must be at least 1")]
    NoneInFlight,
    /// The test bench cannot be built (e.g. the trace file cannot be created).
    #[error(transparent)]
    Bench(#[from] TbError),
    /// The driver could not bring the engine up (an engine fault: the register bus, a wrong ID).
    #[error("driver init: {0}")]
    Init(#[from] InitError),
    /// The [`RunSink`] failed (e.g. a pcap file could not be written).
    #[error("output: {0}")]
    Output(SinkError),
}

/// Why a case did not pass.
#[derive(Debug, Clone, Error)]
pub enum CaseFailure {
    /// The case could not be built.
    #[error("cannot build {0}")]
    Unbuilt(#[from] UnbuiltCase),
    /// The driver refused to post it.
    #[error("'{name}': driver refused it: {error}")]
    Refused {
        /// the case
        name: String,
        /// why
        error: XmitError,
    },
    /// The completions' statuses are not the expected ones.
    #[error("datagram {label}: completions {got:?}, expected {expected}")]
    Completions {
        /// the case
        label: String,
        /// what came
        got: Vec<Status>,
        /// what should have
        expected: String,
    },
    /// The frames differ from the golden model's.
    #[error(transparent)]
    Mismatch(#[from] Mismatch),
    /// The completion's counts disagree with the golden model's frames.
    #[error("datagram {label}: completion reports {frames} frames / {bytes} bytes, expected {expected_frames} / {expected_bytes}")]
    Counts {
        /// the case
        label: String,
        /// frames reported
        frames: u16,
        /// bytes reported
        bytes: u32,
        /// frames expected
        expected_frames: usize,
        /// bytes expected
        expected_bytes: usize,
    },
    /// Frames went out for a packet that completed with an error.
    #[error("datagram {label}: {frames} frames sent for an error")]
    FramesOnError {
        /// the case
        label: String,
        /// how many
        frames: usize,
    },
    /// An independent check (etherparse's reassembly, every frame's checksums) disagrees.
    #[error(transparent)]
    Check(#[from] CheckError),
    /// The run stopped before the case could be checked (see [`Abort`]).
    #[error("not checked: the run stopped")]
    Unchecked,
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Case name.
    pub name: String,
    /// Where the case came from.
    pub origin: String,
    /// `Err` holds the precise failure report.
    pub result: Result<(), CaseFailure>,
    /// Edge of the response to the packet's `TX_TAIL` doorbell write (`None`: not posted).
    pub doorbell_cycle: Option<u64>,
    /// Edge of the first beat of the packet's first frame (`None`: no frame).
    pub first_beat_cycle: Option<u64>,
    /// The statuses of its completions, in order (empty: none came).
    pub statuses: Vec<Status>,
    /// Frames the MAC received for it (without `TUSER`).
    pub wire_frames: usize,
}

/// A frame as the sink received it.
#[derive(Debug, Clone)]
pub struct WireFrame {
    /// Cycle of its last beat.
    pub cycle: u64,
    /// Cycle of its first beat.
    pub first_cycle: u64,
    /// Bytes.
    pub data: Vec<u8>,
}

/// What the engine looked like when the run stopped, read through its registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineState {
    /// Rising edges so far.
    pub cycle: u64,
    /// The STATUS register, `None` if it could not be read.
    pub status: Option<u32>,
    /// The TX_HEAD register, `None` if it could not be read.
    pub tx_head: Option<u32>,
    /// The driver's producer index (the last TX_TAIL written).
    pub tail: u16,
    /// Names of the cases posted and not completed.
    pub waiting_for: Vec<String>,
    /// Every register of the map by name, as far as it could be read (`None` from the first
    /// access that failed on).
    pub registers: Vec<(&'static str, Option<u32>)>,
    /// The bus models' counters (host memory, MAC), for the record.
    pub bus: String,
}

impl fmt::Display for EngineState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reg = |v: Option<u32>, hex: bool| match (v, hex) {
            (Some(v), true) => format!("{v:#x}"),
            (Some(v), false) => v.to_string(),
            (None, _) => "unreadable".into(),
        };
        write!(
            f,
            "at cycle {}: STATUS={} TX_HEAD={} tail={}; waiting for {:?}",
            self.cycle,
            reg(self.status, true),
            reg(self.tx_head, false),
            self.tail,
            self.waiting_for
        )?;
        if !self.registers.is_empty() {
            f.write_str("\n  registers:")?;
            for (i, (name, v)) in self.registers.iter().enumerate() {
                let sep = if i % 6 == 0 { "\n   " } else { "" };
                write!(f, "{sep} {name}={}", reg(*v, true))?;
            }
        }
        if !self.bus.is_empty() {
            write!(f, "\n  {}", self.bus)?;
        }
        Ok(())
    }
}

/// A failure not tied to one case.
#[derive(Debug, Clone, Error)]
pub enum RunFailure {
    /// No beat moved on any bus for longer than a working engine can be quiet.
    #[error("engine hang: no beat on any bus for {stalled} cycles (limit {limit} for these bus settings) {state}")]
    Hang {
        /// cycles without a beat
        stalled: u64,
        /// the watchdog's limit
        limit: u64,
        /// registers and what was in flight
        state: EngineState,
    },
    /// Beats kept moving, but no case completed within the budget of what is in flight.
    #[error("engine stuck: '{name}' not complete after {waited} cycles (budget {budget} for the cases in flight and these bus settings) although beats still move {state}")]
    NoCompletion {
        /// the oldest case
        name: String,
        /// cycles since the last completion (or since it was posted)
        waited: u64,
        /// its budget
        budget: u64,
        /// registers and what was in flight
        state: EngineState,
    },
    /// A register access failed.
    #[error("register bus: {error} {state}")]
    Register {
        /// the access and its fault
        error: RegError,
        /// registers (if still readable) and what was in flight
        state: EngineState,
    },
    /// The simulation runtime reported an error.
    #[error("simulation: {0}")]
    Simulation(TbError),
    /// The engine did not come back from a reset the runner injected.
    #[error("recovery after a {kind:?} reset: {what} {state}")]
    Recovery {
        /// the reset
        kind: ResetKind,
        /// the step that failed and why
        what: String,
        /// registers and what was in flight
        state: EngineState,
    },
    /// A completion whose tag the runner never posted.
    #[error("completion for unknown tag {tag}: {completion}")]
    UnknownTag {
        /// the tag
        tag: u64,
        /// the completion
        completion: Completion,
    },
    /// A completion counts more frames than the MAC received.
    #[error("completion of '{name}' counts {frames} frames but the MAC saw fewer")]
    MissingFrames {
        /// the case
        name: String,
        /// frames counted
        frames: u16,
    },
    /// The driver model found the device misbehaving.
    #[error("driver: {0}")]
    Driver(DriverError),
    /// A frame no completion accounts for.
    #[error("frame of {len} bytes at cycle {cycle} belongs to no completion")]
    StrayFrame {
        /// its length
        len: usize,
        /// its last beat
        cycle: u64,
    },
    /// The bus models recorded protocol violations.
    #[error("bus protocol: {first}{}", if *more > 0 { format!(" (and {more} more recorded)") } else { String::new() })]
    Protocol {
        /// the first
        first: Violation,
        /// how many after it
        more: usize,
    },
    /// The error counters exceed the error records read by more or less than the lost
    /// records whose status was not known.
    #[error("ERR_CNT[1..31] exceed the error completions read by {excess} in all, but {lost} completion records of unknown status were lost (ERR_CNT[36] minus the lost records of known status)")]
    LostRecordCounters {
        /// ERR_CNT excess over the completions
        excess: u64,
        /// lost records of unknown status
        lost: u64,
    },
    /// A counter disagrees with the completions, or a register with what the driver programmed.
    #[error("register {name} = {value}, expected {want} (from the completions, or what the driver programmed)")]
    Counter {
        /// the register
        name: &'static str,
        /// what it reads
        value: u32,
        /// what the completions say
        want: u32,
    },
    /// A counter register could not be read.
    #[error("register {name}: {error}")]
    CounterUnreadable {
        /// the register
        name: &'static str,
        /// why
        error: TbError,
    },
}

/// The fault that stopped a run, and what it left unchecked.
#[derive(Debug, Clone)]
pub struct Abort {
    /// The first cause (reported once).
    pub cause: RunFailure,
    /// Cases posted to the engine and never checked.
    pub in_flight: usize,
    /// Cases never posted, when the input knows how many it had left.
    pub not_started: Option<usize>,
}

impl fmt::Display for Abort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n  {}", self.cause, self.consequence())
    }
}

impl Abort {
    /// What the cause left unchecked, in words.
    pub fn consequence(&self) -> String {
        let rest = self
            .not_started
            .map_or("the rest of the input".into(), |n| n.to_string());
        format!(
            "because of it, {} cases in flight and {rest} not yet started were not checked",
            self.in_flight
        )
    }
}

/// What a sink can fail with (e.g. writing a file).
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Receives a run's results as they happen. Every method defaults to doing nothing.
pub trait RunSink {
    /// A frame the RTL sent, in wire order.
    fn wire_frame(&mut self, _frame: &WireFrame) -> Result<(), SinkError> {
        Ok(())
    }
    /// The golden model's frames for the next case posted, in case order.
    fn expected_frames(&mut self, _frames: &[Vec<u8>]) -> Result<(), SinkError> {
        Ok(())
    }
    /// A case finished (passed, failed or could not be posted); `index` counts the input from 0.
    fn outcome(&mut self, _index: usize, _outcome: &Outcome) -> Result<(), SinkError> {
        Ok(())
    }
    /// A failure not tied to one case, when it is found (the abort cause comes last).
    fn failure(&mut self, _failure: &RunFailure) -> Result<(), SinkError> {
        Ok(())
    }
}

/// The totals of a streamed run.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// Cases that passed.
    pub passed: u64,
    /// Cases that failed their checks (or could not be built or posted).
    pub failed: u64,
    /// Failures not tied to one case, the abort cause included.
    pub failures: u64,
    /// The fault that stopped the run early.
    pub abort: Option<Abort>,
    /// Cycles simulated.
    pub cycles: u64,
    /// Frames the RTL sent.
    pub wire_frames: u64,
    /// Bytes in them.
    pub wire_bytes: u64,
    /// The longest stretch without a beat on any bus (compare with [`Traffic::stall_limit`]).
    pub longest_stall: u64,
    /// Frames that ended with `TUSER` (cut short: the MAC drops them); never matched against
    /// a case.
    pub cut_frames: u64,
    /// Chains (or chain parts) whose completion records were lost to a refused write and
    /// taken back by the driver's interrupt handler ([`Driver::recover_lost_completions`]).
    pub lost_records: u64,
    /// Completions per status (every completion, also the several of one broken chain).
    pub completions: BTreeMap<Status, u64>,
}

impl RunSummary {
    /// `true` if every case passed and nothing else failed.
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.failures == 0 && self.abort.is_none()
    }

    /// Cases not checked because of the abort, when known.
    pub fn unchecked(&self) -> Option<usize> {
        self.abort
            .as_ref()
            .map(|a| a.in_flight + a.not_started.unwrap_or(0))
    }
}

/// Everything a run produced, collected ([`Runner::run`]).
#[derive(Debug, Default)]
pub struct RunReport {
    /// One per case, in order; [`CaseFailure::Unchecked`] for cases an abort left.
    pub outcomes: Vec<Outcome>,
    /// Every frame the RTL sent.
    pub wire: Vec<WireFrame>,
    /// Every frame the golden model expected, in order.
    pub expected_wire: Vec<Vec<u8>>,
    /// Failures not tied to one case (the abort cause last).
    pub global_errors: Vec<RunFailure>,
    /// The totals.
    pub summary: RunSummary,
    /// Cycles simulated.
    pub cycles: u64,
}

impl RunReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.result.is_ok()).count()
    }
    /// Cases that did not pass, plus one for each global error.
    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.passed() + self.global_errors.len()
    }
}

/// The sink behind [`Runner::run`].
#[derive(Default)]
struct Collect {
    report: RunReport,
    progress: Option<Box<dyn FnMut(usize)>>,
    finished: usize,
}

impl RunSink for Collect {
    fn wire_frame(&mut self, frame: &WireFrame) -> Result<(), SinkError> {
        self.report.wire.push(frame.clone());
        Ok(())
    }
    fn expected_frames(&mut self, frames: &[Vec<u8>]) -> Result<(), SinkError> {
        self.report.expected_wire.extend_from_slice(frames);
        Ok(())
    }
    fn outcome(&mut self, index: usize, outcome: &Outcome) -> Result<(), SinkError> {
        self.report.outcomes[index] = outcome.clone();
        self.finished += 1;
        if let Some(p) = &mut self.progress {
            p(self.finished);
        }
        Ok(())
    }
    fn failure(&mut self, failure: &RunFailure) -> Result<(), SinkError> {
        self.report.global_errors.push(failure.clone());
        Ok(())
    }
}

/// A posted case waiting for its completions.
struct Pending {
    index: usize,
    case: Case,
    tag: u64,
    cpls: Vec<Completion>,
    frames: Vec<Vec<u8>>,
    descs_done: usize,
    desc_fault_range: Option<std::ops::Range<u64>>,
    /// Host memory the engine reads for it: its descriptor slots and buffers.
    reads: Vec<std::ops::Range<u64>>,
    /// A read of it was answered with an error the host memory injected at random.
    read_error_hit: bool,
    /// Edge of the doorbell's response, and of its first frame's first beat.
    doorbell_cycle: Option<u64>,
    first_beat_cycle: Option<u64>,
    /// Beats it reads and sends, and its read bursts (for the completion budget).
    beats_in: u64,
    beats_out: u64,
    bursts: u64,
}

/// Tallies to check the engine's counter registers against.
#[derive(Default)]
struct Tally {
    frames: u32,
    bytes: u32,
    /// completions per status
    by_status: BTreeMap<Status, u64>,
    /// lost completion records whose status the case fixes (counted in `by_status`)
    lost_exact: u64,
}

/// The watchdog's view of progress: beats on any bus, and how long the oldest case has waited.
struct Watchdog {
    stall_limit: u64,
    beats_seen: u64,
    stalled: u64,
    longest_stall: u64,
    oldest_since: u64,
}

/// How a reset reaches the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetKind {
    /// `rst_n` pulsed low for a few cycles: every register back to its reset value.
    RstN,
    /// `CTRL.SOFT_RESET` written: the datapath resets, configuration and counters stay.
    Soft,
    /// The ring reset sequence: clear `CTRL.ENABLE`, wait for `STATUS.IDLE` (no packet in
    /// flight, nothing outstanding on the bus), rewrite the ring size (which resets the ring
    /// indices and drops prefetched descriptors).
    Ring,
}

/// When a scheduled reset fires (the first cycle from `after_cycle` on that meets `when`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetWhen {
    /// Reads and writes outstanding on the AXI4 port at once (mid-datagram).
    ReadsAndWritesOutstanding,
    /// A frame started and not ended on the stream.
    MidFrame,
    /// Mid-frame while the MAC holds `tready` low; the MAC then keeps it low for 64 cycles
    /// more, so the cut comes while a beat is offered and not taken (the abort must hold it).
    MidFrameStalled,
}

/// A reset the runner is to inject while cases are in flight, then recover from as a driver
/// does: re-initialise the rings and resend every packet that did not complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScheduledReset {
    /// Not before this cycle.
    pub after_cycle: u64,
    /// The condition to wait for.
    pub when: ResetWhen,
    /// How.
    pub kind: ResetKind,
}

/// A reset the runner injected, and what it cut off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResetRecord {
    /// How.
    pub kind: ResetKind,
    /// Edge at which it was asserted.
    pub cycle: u64,
    /// Read bursts and write bursts outstanding at the host memory then.
    pub reads_outstanding: usize,
    /// See `reads_outstanding`.
    pub writes_outstanding: usize,
    /// A frame was half sent.
    pub mid_frame: bool,
    /// Cases posted and not complete, resent after it.
    pub resent: usize,
    /// Frames the MAC received without `TUSER` that no completion accounts for (packets the
    /// reset dropped after some of their frames had left: a receiver sees them twice).
    pub orphan_frames: usize,
}

/// Runs cases through the RTL.
pub struct Runner {
    /// The test bench.
    pub tb: Tb,
    drv: Driver,
    cfg: RunConfig,
    tally: Tally,
    /// Completions read so far (the next one goes to this slot, modulo the ring size).
    cpls_seen: u64,
    /// Resets still to inject, in order.
    resets: VecDeque<ScheduledReset>,
    /// Resets injected so far.
    reset_log: Vec<ResetRecord>,
    /// The engine's bus response timeout as programmed by [`Runner::set_response_timeout`]:
    /// the watchdog allows a dropped response this long.
    response_timeout: Option<u64>,
    /// A case whose response was dropped finished: look at STATUS.FAULT.
    check_fault: bool,
}

impl Runner {
    /// Builds the bench, resets the DUT and initialises the driver.
    pub fn new(cfg: RunConfig) -> Result<Runner, RunError> {
        Self::with_tb_config(cfg, |_| {})
    }

    /// [`Runner::new`], with `adjust` changing the bench's configuration (made from `cfg`)
    /// before the bench is built: e.g. more outstanding reads, or recording the inputs.
    pub fn with_tb_config(
        cfg: RunConfig,
        adjust: impl FnOnce(&mut TbConfig),
    ) -> Result<Runner, RunError> {
        cfg.traffic.validate()?;
        if cfg.max_in_flight == 0 {
            return Err(RunError::NoneInFlight);
        }
        let mut tb_cfg = TbConfig {
            seed: cfg.seed,
            trace: cfg.trace.clone(),
            ..TbConfig::default()
        };
        tb_cfg.axis.tready_prob = cfg.traffic.tready_prob;
        tb_cfg.mem.r_gap_prob = cfg.traffic.r_gap_prob;
        tb_cfg.mem.ar_accept_prob = cfg.traffic.ar_accept_prob;
        tb_cfg.mem.read_latency = cfg.traffic.read_latency;
        tb_cfg.mem.reorder_prob = cfg.traffic.reorder_prob;
        tb_cfg.mem.aw_accept_prob = cfg.traffic.aw_accept_prob;
        tb_cfg.mem.w_accept_prob = cfg.traffic.w_accept_prob;
        tb_cfg.mem.stall_prob = cfg.traffic.stall_prob;
        tb_cfg.mem.stall_max = cfg.traffic.stall_max;
        tb_cfg.mem.faults = cfg.traffic.faults;
        tb_cfg.axis.stall_prob = cfg.traffic.stall_prob;
        tb_cfg.axis.stall_max = cfg.traffic.stall_max;
        adjust(&mut tb_cfg);
        let mut tb = Tb::new(tb_cfg)?;
        tb.reset(10);
        tb.mem.add_read_error(POISON_BASE..POISON_BASE + 0x1_0000);
        let mut drv = Driver::new(DriverConfig::default());
        drv.init(&mut tb)?;
        Ok(Runner {
            tb,
            drv,
            cfg,
            tally: Tally::default(),
            cpls_seen: 0,
            resets: VecDeque::new(),
            reset_log: Vec::new(),
            response_timeout: None,
            check_fault: false,
        })
    }

    /// Programs the engine's bus response timeout (`READ_TIMEOUT`, cycles) for runs with
    /// dropped responses, and lets the watchdog wait that long on top of its limit. Fails with
    /// `None` if the RTL has no such register.
    pub fn set_response_timeout(&mut self, cycles: u32) -> Option<Result<(), TbError>> {
        let r = regs::register("READ_TIMEOUT")?;
        self.response_timeout = Some(u64::from(cycles));
        Some(self.tb.reg_write(r.offset, cycles))
    }

    /// Schedules a reset to inject during the next run (see [`ScheduledReset`]).
    pub fn schedule_reset(&mut self, r: ScheduledReset) {
        self.resets.push_back(r);
    }

    /// The resets injected so far.
    pub fn resets(&self) -> &[ResetRecord] {
        &self.reset_log
    }

    /// Runs `cases` and collects everything they produce; `progress` is called with the number
    /// of finished cases after each one.
    pub fn run(&mut self, cases: &[Case], progress: impl FnMut(usize) + 'static) -> RunReport {
        let mut sink = Collect {
            progress: Some(Box::new(progress)),
            ..Collect::default()
        };
        sink.report.outcomes = cases
            .iter()
            .map(|c| Outcome {
                name: c.name.clone(),
                origin: c.origin.clone(),
                result: Err(CaseFailure::Unchecked),
                doorbell_cycle: None,
                first_beat_cycle: None,
                statuses: Vec::new(),
                wire_frames: 0,
            })
            .collect();
        let summary = self
            .run_stream(cases.iter().cloned().map(Ok), &mut sink)
            .expect("collecting in memory cannot fail");
        sink.report.cycles = summary.cycles;
        sink.report.summary = summary;
        sink.report
    }

    /// Runs the cases of `input` back to back, up to `max_in_flight` packets in the engine at
    /// once, taking each case only when there is room for it; everything goes to `sink` as it
    /// happens. Fails only if the sink does.
    pub fn run_stream(
        &mut self,
        input: impl IntoIterator<Item = Result<Case, UnbuiltCase>>,
        sink: &mut dyn RunSink,
    ) -> Result<RunSummary, RunError> {
        let mut input = input.into_iter();
        let mut s = RunSummary::default();
        let out = RunError::Output;
        let mut pending: VecDeque<Pending> = VecDeque::new();
        let mut held: Option<(usize, Case)> = None;
        let mut next_index = 0;
        let mut input_done = false;
        let mut dog = Watchdog {
            stall_limit: self.cfg.traffic.stall_limit() + self.response_timeout.unwrap_or(0),
            beats_seen: self.beats(),
            stalled: 0,
            longest_stall: 0,
            oldest_since: self.tb.cycle(),
        };
        let mut abort: Option<RunFailure> = None;
        'run: loop {
            // Post while there is room; a full ring is served by the loop below. A case whose
            // fault needs isolation is in flight alone.
            while pending.len() < self.cfg.max_in_flight
                && !pending
                    .back()
                    .is_some_and(|p| p.case.fault.needs_isolation())
            {
                let (index, case) = match held.take() {
                    Some(h) => h,
                    None => match input.next() {
                        None => {
                            input_done = true;
                            break;
                        }
                        Some(item) => {
                            next_index += 1;
                            match item {
                                Ok(case) => (next_index - 1, case),
                                Err(e) => {
                                    let o = Outcome {
                                        name: e.name.clone(),
                                        origin: e.origin.clone(),
                                        result: Err(e.into()),
                                        doorbell_cycle: None,
                                        first_beat_cycle: None,
                                        statuses: Vec::new(),
                                        wire_frames: 0,
                                    };
                                    s.failed += 1;
                                    sink.outcome(next_index - 1, &o).map_err(out)?;
                                    continue;
                                }
                            }
                        }
                    },
                };
                if case.fault.needs_isolation() && !pending.is_empty() {
                    held = Some((index, case));
                    break;
                }
                match self.post(&case, index) {
                    Ok((desc_fault_range, reads)) => {
                        if let Expect::Frames(f) | Expect::ChainErrorThenFrames(f) = &case.expect {
                            sink.expected_frames(f).map_err(out)?;
                        }
                        if pending.is_empty() {
                            dog.oldest_since = self.tb.cycle();
                        }
                        let mut p = pending_for(case, index);
                        p.desc_fault_range = desc_fault_range;
                        p.reads = reads;
                        // The doorbell's response was the last edge stepped.
                        p.doorbell_cycle = self.tb.cycle().checked_sub(1);
                        pending.push_back(p);
                    }
                    Err(XmitError::RingFull { .. }) | Err(XmitError::NoBufferSpace { .. })
                        if !pending.is_empty() =>
                    {
                        held = Some((index, case));
                        break;
                    }
                    Err(XmitError::Register(error)) => {
                        // The chain is in the ring, the doorbell did not arrive: in flight.
                        pending.push_back(pending_for(case, index));
                        let state = self.engine_state(&pending);
                        abort = Some(RunFailure::Register { error, state });
                        break 'run;
                    }
                    Err(error) => {
                        let o = Outcome {
                            name: case.name.clone(),
                            origin: case.origin.clone(),
                            result: Err(CaseFailure::Refused {
                                name: case.name.clone(),
                                error,
                            }),
                            doorbell_cycle: None,
                            first_beat_cycle: None,
                            statuses: Vec::new(),
                            wire_frames: 0,
                        };
                        s.failed += 1;
                        sink.outcome(index, &o).map_err(out)?;
                    }
                }
            }
            if pending.is_empty() && held.is_none() && input_done {
                break;
            }
            let resets_before = self.reset_log.len();
            match self.step_or_reset(&mut pending, &mut s, sink) {
                Ok(()) => {}
                Err(ResetFailure::Sink(e)) => return Err(e),
                Err(ResetFailure::Run(f)) => {
                    abort = Some(*f);
                    break;
                }
            }
            let finished = self.service(&mut pending, &mut s, sink)?;
            if std::mem::take(&mut self.check_fault) {
                // A dropped response: the engine answered it itself and holds STATUS.FAULT
                // until a soft reset.
                match self.clear_fault(&mut pending, &mut s, sink) {
                    Ok(()) => {}
                    Err(ResetFailure::Sink(e)) => return Err(e),
                    Err(ResetFailure::Run(f)) => {
                        abort = Some(*f);
                        break;
                    }
                }
            }
            // after a reset the packets resent start afresh
            if finished > 0 || self.reset_log.len() != resets_before {
                dog.oldest_since = self.tb.cycle();
            }
            if let Some(e) = self.tb.sim_error() {
                abort = Some(RunFailure::Simulation(e));
                break;
            }
            if let Some(f) = self.watch(&mut dog, &pending) {
                abort = Some(f);
                break;
            }
        }
        s.longest_stall = dog.longest_stall;
        s.completions = self.tally.by_status.clone();
        if let Some(cause) = abort {
            sink.failure(&cause).map_err(out)?;
            s.failures += 1;
            let in_flight = pending.len() + usize::from(held.is_some());
            let left = pending
                .iter()
                .map(|p| (p.index, &p.case, p.doorbell_cycle, p.first_beat_cycle))
                .chain(held.iter().map(|(i, c)| (*i, c, None, None)));
            for (index, case, doorbell_cycle, first_beat_cycle) in left {
                let o = Outcome {
                    name: case.name.clone(),
                    origin: case.origin.clone(),
                    result: Err(CaseFailure::Unchecked),
                    doorbell_cycle,
                    first_beat_cycle,
                    statuses: Vec::new(),
                    wire_frames: 0,
                };
                sink.outcome(index, &o).map_err(out)?;
            }
            let not_started = match input.size_hint() {
                (lo, Some(hi)) if lo == hi => Some(lo),
                _ => None,
            };
            s.abort = Some(Abort {
                cause,
                in_flight,
                not_started,
            });
            s.cycles = self.tb.cycle();
            // What else went wrong may have followed from the cause: only the bus protocol,
            // which may be the cause's origin, is still reported.
            if let Some(f) = self.protocol_failure() {
                sink.failure(&f).map_err(out)?;
                s.failures += 1;
            }
        } else {
            self.finish(&mut s, sink)?;
        }
        Ok(s)
    }

    /// Simulates the next poll interval, or up to a scheduled reset's moment and through the
    /// reset and the recovery.
    fn step_or_reset(
        &mut self,
        pending: &mut VecDeque<Pending>,
        s: &mut RunSummary,
        sink: &mut dyn RunSink,
    ) -> Result<(), ResetFailure> {
        let Some(r) = self.resets.front().copied() else {
            self.tb.steps(POLL_CYCLES);
            return Ok(());
        };
        for _ in 0..POLL_CYCLES {
            let due = self.tb.cycle() >= r.after_cycle
                && match r.when {
                    ResetWhen::ReadsAndWritesOutstanding => {
                        self.tb.mem.reads_outstanding() > 0 && self.tb.mem.writes_outstanding() > 0
                    }
                    ResetWhen::MidFrame => self.tb.sink.in_frame(),
                    ResetWhen::MidFrameStalled => {
                        self.tb.sink.in_frame() && self.tb.sink.holding_off()
                    }
                };
            if due {
                self.resets.pop_front();
                if r.when == ResetWhen::MidFrameStalled {
                    // Keep the MAC stopped until the reset has landed (a register write takes a
                    // few cycles), so the cut finds the beat offered and not taken.
                    self.tb.sink.hold_off(64);
                }
                return self.reset_and_recover(r.kind, pending, s, sink);
            }
            self.tb.step();
        }
        Ok(())
    }

    /// Resets the engine now, then recovers as a driver does: credits the completions already
    /// written, re-initialises the rings (after `rst_n`, or after a soft reset and STATUS.IDLE),
    /// drops the frames of packets that did not complete, and resends those packets.
    fn reset_and_recover(
        &mut self,
        kind: ResetKind,
        pending: &mut VecDeque<Pending>,
        s: &mut RunSummary,
        sink: &mut dyn RunSink,
    ) -> Result<(), ResetFailure> {
        let mut record = ResetRecord {
            kind,
            cycle: self.tb.cycle(),
            reads_outstanding: self.tb.mem.reads_outstanding(),
            writes_outstanding: self.tb.mem.writes_outstanding(),
            mid_frame: self.tb.sink.in_frame(),
            resent: 0,
            orphan_frames: 0,
        };
        // Completions written so far count (and are in the counters a reset may clear).
        self.service(pending, s, sink).map_err(ResetFailure::Sink)?;
        match kind {
            ResetKind::RstN => {
                self.tb.reset(10);
                // Every counter register is back at 0.
                self.tally = Tally::default();
            }
            ResetKind::Soft => {
                let ctrl = regs::register("CTRL").expect("CTRL is in the map");
                let Some(bit) = ctrl.field("SOFT_RESET") else {
                    return Err(self.recovery_failure(
                        kind,
                        "this RTL has no CTRL.SOFT_RESET",
                        pending,
                    ));
                };
                let write = |tb: &mut Tb, v| tb.reg_write(regs::CTRL, v);
                let limit = self.cfg.traffic.stall_limit() + self.response_timeout.unwrap_or(0);
                let quiesce = write(&mut self.tb, 1 << bit.lsb)
                    .and_then(|()| write(&mut self.tb, 0))
                    .and_then(|()| self.wait_idle(limit));
                if let Err(e) = quiesce {
                    return Err(self.recovery_failure(kind, &format!("soft reset: {e}"), pending));
                }
                self.tb.mem.forget_dropped();
            }
            ResetKind::Ring => {
                // The packets in flight finish first: allow them their completion budget.
                let limit = self.completion_budget(pending);
                let quiesce = self
                    .tb
                    .reg_write(regs::CTRL, 0)
                    .and_then(|()| self.wait_idle(limit));
                if let Err(e) = quiesce {
                    return Err(self.recovery_failure(kind, &format!("quiesce: {e}"), pending));
                }
                if !self.tb.mem.idle() || self.tb.sink.in_frame() {
                    let what = format!(
                        "STATUS.IDLE with {} reads and {} writes outstanding, mid-frame {}",
                        self.tb.mem.reads_outstanding(),
                        self.tb.mem.writes_outstanding(),
                        self.tb.sink.in_frame()
                    );
                    return Err(self.recovery_failure(kind, &what, pending));
                }
                let log2 = u32::from(self.drv.config().ring_log2);
                if let Err(e) = self.tb.reg_write(regs::TX_RING_LOG2, log2) {
                    return Err(self.recovery_failure(kind, &format!("ring size: {e}"), pending));
                }
            }
        }
        // Completions written while a soft reset or quiesce took its cycles count too; what is
        // left is resent.
        self.service(pending, s, sink).map_err(ResetFailure::Sink)?;
        while let Some(f) = self.tb.sink.pop_frame() {
            if f.tuser {
                s.cut_frames += 1;
            } else {
                // Sent on the stream, so in CNT_FRAMES/CNT_BYTES (unless rst_n cleared them).
                record.orphan_frames += 1;
                if kind != ResetKind::RstN {
                    self.tally.frames += 1;
                    self.tally.bytes = self.tally.bytes.wrapping_add(f.data.len() as u32);
                }
            }
        }
        if kind == ResetKind::Soft {
            self.rebase_status_counters(record.writes_outstanding, pending)?;
        }
        if let Err(e) = self.drv.init(&mut self.tb) {
            return Err(self.recovery_failure(kind, &format!("driver init: {e}"), pending));
        }
        self.cpls_seen = 0;
        let again: Vec<Pending> = pending.drain(..).collect();
        record.resent = again.len();
        for old in again {
            let index = old.index;
            if let Some(r) = &old.desc_fault_range {
                self.tb.mem.remove_read_error(r.clone());
            }
            if old.case.fault == Fault::CplWriteErr {
                self.tb.mem.clear_write_errors();
            }
            match self.post(&old.case, index) {
                Ok((desc_fault_range, reads)) => {
                    let mut p = pending_for(old.case, index);
                    p.desc_fault_range = desc_fault_range;
                    p.reads = reads;
                    p.doorbell_cycle = old.doorbell_cycle;
                    pending.push_back(p);
                }
                Err(e) => {
                    let what = format!("resending '{}': {e}", old.case.name);
                    return Err(self.recovery_failure(kind, &what, pending));
                }
            }
        }
        self.reset_log.push(record);
        Ok(())
    }

    /// After a soft reset: the status counters (`CNT_PKTS`, `ERR_CNT[1..31]`) count a completion
    /// when its write's B arrives, so a record that reached memory with its B still outstanding
    /// when the reset came is in the ring but not counted (docs/architecture.md, "Counter
    /// semantics across a reset"). Checks that the counters are short of the completions read
    /// by at most the completion writes outstanding then (plus one issued while `CTRL` was
    /// written), never over, and takes their values as the new reference.
    fn rebase_status_counters(
        &mut self,
        writes_outstanding: usize,
        pending: &VecDeque<Pending>,
    ) -> Result<(), ResetFailure> {
        let mut short = 0;
        for code in 0..32u8 {
            let status = Status::from_code(code);
            let off = if code == 0 {
                regs::CNT_PKTS
            } else {
                regs::err_cnt(usize::from(code))
            };
            let value = match self.tb.reg_read(off) {
                Ok(v) => u64::from(v),
                Err(e) => {
                    let what = format!("reading {}: {e}", regs::name(off));
                    return Err(self.recovery_failure(ResetKind::Soft, &what, pending));
                }
            };
            let seen = self.tally.by_status.get(&status).copied().unwrap_or(0);
            if value > seen {
                let what = format!(
                    "{} = {value} after a soft reset, but only {seen} such completions were written",
                    regs::name(off)
                );
                return Err(self.recovery_failure(ResetKind::Soft, &what, pending));
            }
            short += seen - value;
            self.tally.by_status.insert(status, value);
        }
        if short > writes_outstanding as u64 + 1 {
            let what = format!(
                "the status counters are {short} short of the completions written after a soft \
                 reset, with {writes_outstanding} completion writes outstanding"
            );
            return Err(self.recovery_failure(ResetKind::Soft, &what, pending));
        }
        Ok(())
    }

    fn recovery_failure(
        &mut self,
        kind: ResetKind,
        what: &str,
        pending: &VecDeque<Pending>,
    ) -> ResetFailure {
        ResetFailure::Run(Box::new(RunFailure::Recovery {
            kind,
            what: what.to_string(),
            state: self.engine_state(pending),
        }))
    }

    /// After a dropped response: waits (bounded by the response timeout) for STATUS.FAULT, then
    /// for the engine to drain (STATUS.BUSY clear: every packet already started completes, its
    /// completion written and acknowledged, while no new one starts), then soft-resets it and
    /// recovers (resending what was posted but not started). A FAULT that never comes, or an
    /// engine that does not drain, is a failure.
    fn clear_fault(
        &mut self,
        pending: &mut VecDeque<Pending>,
        s: &mut RunSummary,
        sink: &mut dyn RunSink,
    ) -> Result<(), ResetFailure> {
        let Some(fault) = regs::register("STATUS").and_then(|r| r.field("FAULT")) else {
            return Ok(());
        };
        let limit = self.response_timeout.unwrap_or(0) + self.cfg.traffic.stall_limit();
        let start = self.tb.cycle();
        loop {
            match self.tb.reg_read(regs::STATUS) {
                Ok(v) if v & fault.mask() != 0 => {
                    let budget = self.completion_budget(pending);
                    if let Err(e) = self.wait_status(regs::STATUS_BUSY, 0, budget) {
                        let what = format!("draining in FAULT: {e}");
                        return Err(self.recovery_failure(ResetKind::Soft, &what, pending));
                    }
                    // Every descriptor the engine consumed has its completion in the ring.
                    self.service(pending, s, sink).map_err(ResetFailure::Sink)?;
                    let mask = self.drv.ring_size() as u32 - 1;
                    match self.tb.reg_read(regs::TX_HEAD) {
                        Ok(head) if head & mask == u32::from(self.drv.consumer_index()) & mask => {}
                        Ok(head) => {
                            let what = format!(
                                "drained in FAULT with TX_HEAD {head} but completions up to {}: \
                                 completions lost",
                                self.drv.consumer_index()
                            );
                            return Err(self.recovery_failure(ResetKind::Soft, &what, pending));
                        }
                        Err(e) => {
                            let what = format!("reading TX_HEAD: {e}");
                            return Err(self.recovery_failure(ResetKind::Soft, &what, pending));
                        }
                    }
                    return self.reset_and_recover(ResetKind::Soft, pending, s, sink);
                }
                Ok(_) if self.tb.cycle() - start > limit => {
                    let what =
                        format!("STATUS.FAULT not set {limit} cycles after a dropped response");
                    return Err(self.recovery_failure(ResetKind::Soft, &what, pending));
                }
                Ok(_) => self.tb.steps(POLL_CYCLES),
                Err(e) => {
                    let what = format!("reading STATUS.FAULT: {e}");
                    return Err(self.recovery_failure(ResetKind::Soft, &what, pending));
                }
            }
        }
    }

    /// Waits (at most `limit` cycles) for STATUS.IDLE.
    fn wait_idle(&mut self, limit: u64) -> Result<(), TbError> {
        self.wait_status(regs::STATUS_IDLE, regs::STATUS_IDLE, limit)
    }

    /// Waits (at most `limit` cycles) until the STATUS bits in `mask` equal `want`.
    fn wait_status(&mut self, mask: u32, want: u32, limit: u64) -> Result<(), TbError> {
        let start = self.tb.cycle();
        loop {
            if self.tb.reg_read(regs::STATUS)? & mask == want {
                return Ok(());
            }
            if self.tb.cycle() - start > limit {
                return Err(TbError::Timeout(crate::tb::Timeout {
                    what: format!("STATUS & {mask:#x} == {want:#x}"),
                    waited: self.tb.cycle() - start,
                    cycle: self.tb.cycle(),
                }));
            }
            self.tb.steps(POLL_CYCLES);
        }
    }

    /// Beats moved on any bus so far.
    fn beats(&self) -> u64 {
        let m = self.tb.mem.stats();
        self.tb.sink.stats().beats + m.read_beats + m.write_beats
    }

    /// Checks for progress after a poll; returns the failure that stops the run, if any.
    fn watch(&mut self, dog: &mut Watchdog, pending: &VecDeque<Pending>) -> Option<RunFailure> {
        let beats = self.beats();
        if beats != dog.beats_seen {
            dog.beats_seen = beats;
            dog.stalled = 0;
        } else {
            dog.stalled += POLL_CYCLES;
            dog.longest_stall = dog.longest_stall.max(dog.stalled);
        }
        let oldest = pending.front()?;
        // After a dropped response the read guard answers the rest of the reads in flight
        // itself (no beat on the bus): about a cycle per beat and a few per burst.
        let read_dropped = pending
            .iter()
            .any(|p| matches!(p.case.fault, Fault::DescDrop | Fault::BufDrop));
        let answered_by_guard: u64 = if read_dropped {
            pending.iter().map(|p| 2 * p.beats_in + 4 * p.bursts).sum()
        } else {
            0
        };
        let limit = dog.stall_limit + answered_by_guard;
        if dog.stalled >= limit {
            return Some(RunFailure::Hang {
                stalled: dog.stalled,
                limit,
                state: self.engine_state(pending),
            });
        }
        let waited = self.tb.cycle() - dog.oldest_since;
        let budget = self.completion_budget(pending);
        (waited > budget).then(|| RunFailure::NoCompletion {
            name: oldest.case.name.clone(),
            waited,
            budget,
            state: self.engine_state(pending),
        })
    }

    /// Cycles within which one of the cases in flight must complete (see
    /// [`Traffic::completion_budget`]), a dropped response's timeout included.
    fn completion_budget(&self, pending: &VecDeque<Pending>) -> u64 {
        let sum = |f: fn(&Pending) -> u64| pending.iter().map(f).sum();
        self.cfg.traffic.completion_budget(
            sum(|p| p.beats_in),
            sum(|p| p.beats_out),
            sum(|p| p.bursts),
        ) + self.response_timeout.unwrap_or(0)
    }

    /// The engine's registers (as far as they can still be read) and what is in flight.
    fn engine_state(&mut self, pending: &VecDeque<Pending>) -> EngineState {
        let cycle = self.tb.cycle();
        let status = self.tb.reg_read(regs::STATUS).ok();
        let tx_head = status.and_then(|_| self.tb.reg_read(regs::TX_HEAD).ok());
        let mut readable = status.is_some();
        let registers = regs::REGISTERS
            .iter()
            .map(|r| {
                let v = readable.then(|| self.tb.reg_read(r.offset).ok()).flatten();
                readable &= v.is_some();
                (r.name, v)
            })
            .collect();
        EngineState {
            cycle,
            status,
            tx_head,
            tail: self.drv.tail_index(),
            waiting_for: pending.iter().map(|p| p.case.name.clone()).collect(),
            registers,
            bus: format!(
                "host memory: {:?}\n  MAC: {:?}",
                self.tb.mem.stats(),
                self.tb.sink.stats()
            ),
        }
    }

    /// Posts one case, applying descriptor-chain faults; returns the descriptor slot a
    /// `desc_dma` fault poisoned, and the host memory the engine reads for the case.
    fn post(&mut self, case: &Case, index: usize) -> Result<Posted, XmitError> {
        let mut desc_fault_range = None;
        if case.fault == Fault::DescDma {
            // A beat of DATA_BYTES holds several 32-byte slots and an error answers for the whole
            // beat: poison the first beat-aligned group after the chain's first slot, and make
            // the chain long enough (apply_chain_fault) that the group lies inside it.
            let group = crate::DATA_BYTES.div_ceil(32) as u16;
            let size = self.drv.ring_size() as u16;
            let first = self.drv.tail_index().wrapping_add(1);
            let slot = (first.wrapping_add(group - 1) / group * group) & (size - 1);
            let addr = self.drv.config().tx_ring_base + 32 * u64::from(slot);
            desc_fault_range = Some(addr..addr + 32);
        }
        let l4 = case
            .skb
            .csum
            .map_or(case.skb.head.len().saturating_sub(8), |c| c.start as usize);
        let fault = case.fault.clone();
        // Reserve room for the descriptors a fault adds.
        if fault == Fault::NoEop && self.drv.free_slots() < MAX_DESC + 1 {
            return Err(XmitError::RingFull {
                needed: MAX_DESC + 1,
                free: self.drv.free_slots(),
            });
        }
        let first_slot = self.drv.tail_index() & (self.drv.ring_size() as u16 - 1);
        self.drv
            .xmit_edited(&mut self.tb, &case.skb, index as u64, |descs| {
                apply_chain_fault(descs, &fault, l4)
            })?;
        if let Some(r) = &desc_fault_range {
            // The tail write has just landed; the engine reads this slot only after its
            // descriptor prefetch reaches it, dozens of cycles later.
            self.tb.mem.add_read_error(r.clone());
        }
        self.arm_bus_fault(&fault, first_slot);
        Ok((desc_fault_range, self.chain_reads(first_slot)))
    }

    /// The descriptor slots from ring slot `first` to the tail, and the buffers they point to.
    fn chain_reads(&self, first: u16) -> Vec<std::ops::Range<u64>> {
        let mask = self.drv.ring_size() as u16 - 1;
        let count = self.drv.tail_index().wrapping_sub(first) & mask;
        let base = self.drv.config().tx_ring_base;
        let mut reads = Vec::with_capacity(2 * usize::from(count));
        for i in 0..count {
            let slot = base + DESC_BYTES as u64 * u64::from(first.wrapping_add(i) & mask);
            let bytes = self.tb.mem.read(slot, DESC_BYTES);
            let d = TxDesc::decode(&bytes.try_into().expect("a descriptor is 32 bytes"));
            reads.push(slot..slot + DESC_BYTES as u64);
            reads.push(d.buf_addr..d.buf_addr + u64::from(d.buf_len));
        }
        reads
    }

    /// Marks the cases in flight whose reads a randomly injected read error hit.
    fn attribute_injected(&mut self, pending: &mut VecDeque<Pending>) {
        for inj in self.tb.mem.take_injected() {
            if inj.write || inj.dropped {
                continue; // not attributed: refused by the flags until the runner recovers
            }
            let r = &inj.range;
            for p in pending.iter_mut() {
                if p.reads.iter().any(|x| x.start < r.end && r.start < x.end) {
                    p.read_error_hit = true;
                }
            }
        }
    }

    /// Arms the host memory for a bus fault of the case just posted at ring slot `first`. The
    /// faults aimed at one read or at the completion slot are posted alone (see
    /// [`Fault::needs_isolation`]), so they hit this case and no other.
    fn arm_bus_fault(&mut self, fault: &Fault, first: u16) {
        let cfg = self.drv.config();
        let slot_addr = |ring: u64, bytes: usize, slot: u64| ring + bytes as u64 * slot;
        let mem = &mut self.tb.mem;
        match fault {
            Fault::UnsolicitedR(id) => mem.inject_unsolicited_r(*id),
            Fault::UnsolicitedB => mem.inject_unsolicited_b(0),
            Fault::DescDrop => {
                let a = slot_addr(cfg.tx_ring_base, DESC_BYTES, u64::from(first));
                mem.drop_reads_in(a..a + DESC_BYTES as u64, 1);
            }
            Fault::BufDrop => {
                let d = self.tb.mem.read(
                    slot_addr(cfg.tx_ring_base, DESC_BYTES, u64::from(first)),
                    DESC_BYTES,
                );
                let desc = TxDesc::decode(&d.try_into().expect("32 bytes"));
                let a = desc.buf_addr;
                self.tb
                    .mem
                    .drop_reads_in(a..a + u64::from(desc.buf_len.max(1)), 1);
            }
            Fault::CplWriteErr | Fault::CplDrop => {
                let slot = self.cpls_seen % self.drv.ring_size() as u64;
                let a = slot_addr(cfg.cpl_ring_base, CPL_BYTES, slot);
                if *fault == Fault::CplDrop {
                    mem.drop_writes_in(a..a + CPL_BYTES as u64, 1);
                } else {
                    // Taken out again when the case finishes (the slot comes round again).
                    mem.add_write_error(a..a + CPL_BYTES as u64);
                }
            }
            _ => {}
        }
    }

    /// Polls completions; returns how many cases finished.
    fn service(
        &mut self,
        pending: &mut VecDeque<Pending>,
        s: &mut RunSummary,
        sink: &mut dyn RunSink,
    ) -> Result<usize, RunError> {
        let out = RunError::Output;
        let mut finished = 0;
        self.attribute_injected(pending);
        // Faulty chains end in several completions: the driver's mismatch reports about them
        // are expected, also for those that finish in this poll.
        let faulty_tags: Vec<u64> = pending
            .iter()
            .filter(|p| p.case.fault != Fault::None || p.read_error_hit)
            .map(|p| p.tag)
            .collect();
        // The interrupt (errors and faults only): completion records a refused write lost.
        let mut dones = Vec::new();
        if self.tb.irq() {
            match self.drv.handle_irq(&mut self.tb) {
                Ok((_, lost)) => dones = lost,
                Err(error) => {
                    s.failures += 1;
                    let state = self.engine_state(pending);
                    sink.failure(&RunFailure::Register { error, state })
                        .map_err(out)?;
                }
            }
        }
        dones.extend(self.drv.poll(&mut self.tb));
        for done in dones {
            let Some(pos) = pending.iter().position(|p| p.tag == done.tag) else {
                s.failures += 1;
                sink.failure(&RunFailure::UnknownTag {
                    tag: done.tag,
                    completion: done.completion,
                })
                .map_err(out)?;
                continue;
            };
            let p = &mut pending[pos];
            let records = if done.lost {
                // Rebuilt from what the case expects: its frames are still checked byte for
                // byte, and the engine's counters against the statuses it must have counted.
                let rest = usize::from(done.expected_count).saturating_sub(p.descs_done);
                let covers_rest = usize::from(done.completion.desc_count) >= rest;
                s.lost_records += 1;
                lost_records(&p.case, p.cpls.len(), covers_rest)
                    .into_iter()
                    .map(Some)
                    .collect()
            } else {
                vec![None] // the record as the engine wrote it
            };
            p.descs_done += usize::from(done.completion.desc_count);
            for record in records {
                let mut c = done.completion;
                let exact = match record {
                    None => true,
                    Some(LostRecord::Known(status, frames)) => {
                        c.status = status;
                        c.frames = frames;
                        c.wire_bytes = 0;
                        true
                    }
                    // shown as CHAIN_NO_SOP, counted by no status
                    Some(LostRecord::SomeError) => {
                        c.status = Status::ChainNoSop;
                        c.frames = 0;
                        false
                    }
                };
                for _ in 0..c.frames {
                    match self.emit_good_frame(s, sink)? {
                        Some(w) => {
                            p.first_beat_cycle.get_or_insert(w.first_cycle);
                            if done.lost {
                                c.wire_bytes += w.data.len() as u32;
                            }
                            p.frames.push(w.data);
                        }
                        None => {
                            s.failures += 1;
                            sink.failure(&RunFailure::MissingFrames {
                                name: p.case.name.clone(),
                                frames: c.frames,
                            })
                            .map_err(out)?;
                            break;
                        }
                    }
                }
                if exact {
                    self.count(&c);
                    self.tally.lost_exact += u64::from(done.lost);
                }
                self.cpls_seen += 1;
                p.cpls.push(c);
            }
            if p.descs_done >= usize::from(done.expected_count) {
                let Some(p) = pending.remove(pos) else {
                    continue;
                };
                if let Some(r) = &p.desc_fault_range {
                    self.tb.mem.remove_read_error(r.clone());
                }
                if p.case.fault == Fault::CplWriteErr {
                    self.tb.mem.clear_write_errors();
                }
                if matches!(
                    p.case.fault,
                    Fault::DescDrop | Fault::BufDrop | Fault::CplDrop
                ) {
                    self.check_fault = true;
                }
                let result = check_case(&p.case, p.index, &p);
                if result.is_ok() {
                    s.passed += 1;
                } else {
                    s.failed += 1;
                }
                let o = Outcome {
                    name: p.case.name,
                    origin: p.case.origin,
                    result,
                    doorbell_cycle: p.doorbell_cycle,
                    first_beat_cycle: p.first_beat_cycle,
                    statuses: p.cpls.iter().map(|c| c.status).collect(),
                    wire_frames: p.frames.len(),
                };
                sink.outcome(p.index, &o).map_err(out)?;
                finished += 1;
            }
        }
        for e in self.drv.take_errors() {
            if let DriverError::CompletionMismatch { tag, .. } = &e {
                if faulty_tags.contains(tag) {
                    continue;
                }
            }
            s.failures += 1;
            sink.failure(&RunFailure::Driver(e)).map_err(out)?;
        }
        Ok(finished)
    }

    /// The oldest frame the MAC kept: frames cut short with `TUSER` are dropped (and counted),
    /// as a MAC drops them.
    fn pop_good_frame(&mut self, s: &mut RunSummary) -> Option<crate::bus::Frame> {
        loop {
            let f = self.tb.sink.pop_frame()?;
            if !f.tuser {
                return Some(f);
            }
            s.cut_frames += 1;
        }
    }

    /// The oldest good frame ([`Self::pop_good_frame`]), counted in the summary and written to
    /// the sink's wire output.
    fn emit_good_frame(
        &mut self,
        s: &mut RunSummary,
        sink: &mut dyn RunSink,
    ) -> Result<Option<WireFrame>, RunError> {
        let Some(f) = self.pop_good_frame(s) else {
            return Ok(None);
        };
        let w = WireFrame {
            cycle: f.last_cycle,
            first_cycle: f.first_cycle,
            data: f.data,
        };
        s.wire_frames += 1;
        s.wire_bytes += w.data.len() as u64;
        sink.wire_frame(&w).map_err(RunError::Output)?;
        Ok(Some(w))
    }

    fn count(&mut self, c: &Completion) {
        let t = &mut self.tally;
        *t.by_status.entry(c.status).or_default() += 1;
        if c.status == Status::Ok {
            t.frames += u32::from(c.frames);
            t.bytes = t.bytes.wrapping_add(c.wire_bytes);
        }
    }

    /// Every protocol violation the bus models recorded, as one failure.
    fn protocol_failure(&self) -> Option<RunFailure> {
        let v = self.tb.violations();
        let first = v.first()?.clone();
        Some(RunFailure::Protocol {
            first,
            more: v.len() - 1,
        })
    }

    /// End-of-run checks: stray frames, bus protocol, counter registers.
    fn finish(&mut self, s: &mut RunSummary, sink: &mut dyn RunSink) -> Result<(), RunError> {
        let out = RunError::Output;
        // No new random beats while the event counters are compared with the memory's.
        let faults = &mut self.tb.mem.config_mut().faults;
        faults.unsolicited_r_prob = 0.0;
        faults.unsolicited_b_prob = 0.0;
        self.tb.steps(64);
        // The status counters move at B, which may come well after the record the driver read
        // (write latency, stall bursts): wait for the last responses (a write that never gets
        // one shows in the counters below).
        let limit = self.cfg.traffic.stall_limit() + self.response_timeout.unwrap_or(0);
        let _ = self.tb.run_until("the last write responses", limit, |tb| {
            tb.mem.writes_outstanding() == 0
        });
        let mut failures = Vec::new();
        while let Some(w) = self.emit_good_frame(s, sink)? {
            failures.push(RunFailure::StrayFrame {
                len: w.data.len(),
                cycle: w.cycle,
            });
        }
        failures.extend(self.protocol_failure());
        let t = &self.tally;
        // the counters wrap at 32 bits (ERR_CNT saturates: never reached here)
        let completions = |statuses: &[Status]| {
            statuses
                .iter()
                .map(|s| t.by_status.get(s).copied().unwrap_or(0))
                .sum::<u64>() as u32
        };
        // (name, offset, expected value, whether the register may exceed it)
        let mut counters = vec![
            (
                "CNT_PKTS",
                regs::CNT_PKTS,
                completions(&[Status::Ok]),
                false,
            ),
            ("CNT_FRAMES", regs::CNT_FRAMES, t.frames, false),
            ("CNT_BYTES", regs::CNT_BYTES, t.bytes, false),
        ];
        // The bus events against what the host memory did, when nothing else moves them: no
        // rst_n (clears them) and no response dropped (its late answers are unsolicited too).
        let m = self.tb.mem.stats();
        let rst_n = self.reset_log.iter().any(|r| r.kind == ResetKind::RstN);
        // ERR_CNT[code] for every error status code (the events, 32..47, are the fault tests'
        // business). Lost completion records whose status the case does not fix are errors of
        // some code: then each counter holds at least what the records say, and the excess
        // adds up to those records.
        let unknown_lost = if rst_n {
            0
        } else {
            m.write_error_responses.saturating_sub(t.lost_exact)
        };
        for code in 1..32u8 {
            let off = regs::err_cnt(usize::from(code));
            let want = completions(&[Status::from_code(code)]);
            counters.push((regs::name(off), off, want, unknown_lost > 0));
        }
        if !rst_n && m.dropped_reads == 0 && m.dropped_writes == 0 {
            for (event, want) in [
                (event::UNSOLICITED_R, m.unsolicited_r),
                (event::UNSOLICITED_B, m.unsolicited_b),
                (event::CPL_WRITE_ERR, m.write_error_responses),
            ] {
                let off = regs::err_cnt(event);
                counters.push((regs::name(off), off, want as u32, false));
            }
        }
        // Every register the driver programs or follows reads back what it must (the engine is
        // idle, every chain completed), and the two limits the run set or left at reset.
        let limits = [
            (
                regs::READ_TIMEOUT,
                self.response_timeout
                    .map_or(regs::READ_TIMEOUT_RESET, |t| t as u32),
            ),
            (regs::MAX_FRAME_LEN, regs::MAX_FRAME_LEN_RESET),
        ];
        for (off, want) in self.drv.expected_registers().into_iter().chain(limits) {
            counters.push((regs::name(off), off, want, false));
        }
        // What the error counters hold beyond the error records read: the lost records of
        // unknown status.
        let mut excess = 0u64;
        for (name, off, want, may_exceed) in counters {
            match self.tb.reg_read(off) {
                Ok(v) if v == want || (may_exceed && v > want) => excess += u64::from(v - want),
                Ok(value) => failures.push(RunFailure::Counter { name, value, want }),
                Err(error) => {
                    // The register bus is broken: the other counters would say the same.
                    failures.push(RunFailure::CounterUnreadable { name, error });
                    break;
                }
            }
        }
        if excess != unknown_lost {
            failures.push(RunFailure::LostRecordCounters {
                excess,
                lost: unknown_lost,
            });
        }
        for f in &failures {
            sink.failure(f).map_err(out)?;
        }
        s.failures += failures.len() as u64;
        s.cycles = self.tb.cycle();
        Ok(())
    }
}

/// A completion record lost to a refused write, as far as the case's contract tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LostRecord {
    /// Its status and frame count.
    Known(Status, u16),
    /// One or more error records with no frame, of statuses the case does not fix (the later
    /// pieces of a broken chain). Such pieces lost together with the chain's first record are
    /// not listed: only the counters see them (`ERR_CNT[36]` against the records known).
    SomeError,
}

/// The completion records of `case` behind one lost chain part ([`TxDone::lost`]), after
/// `seen` records of the case arrived; `covers_rest` when the part runs to the chain's end.
fn lost_records(case: &Case, seen: usize, covers_rest: bool) -> Vec<LostRecord> {
    use LostRecord::{Known, SomeError};
    match &case.expect {
        Expect::Frames(f) => vec![Known(Status::Ok, f.len() as u16)],
        Expect::ChainErrorThenFrames(f) if seen == 0 && covers_rest => vec![
            Known(Status::ChainSopInside, 0),
            Known(Status::Ok, f.len() as u16),
        ],
        Expect::ChainErrorThenFrames(_) if seen == 0 => vec![Known(Status::ChainSopInside, 0)],
        Expect::ChainErrorThenFrames(f) => vec![Known(Status::Ok, f.len() as u16)],
        // the first piece of a broken chain carries the case's status; any pieces after it
        // that were lost with it, and later ones, are the engine's own classification
        Expect::Error(want) if seen == 0 => vec![Known(*want, 0)],
        Expect::Error(_) => vec![SomeError],
    }
}

/// `case`, posted as input number `index`, waiting for its completions.
fn pending_for(case: Case, index: usize) -> Pending {
    let bytes_in = case.skb.to_bytes().len() as u64;
    let bytes_out: usize = match &case.expect {
        Expect::Frames(f) | Expect::ChainErrorThenFrames(f) => f.iter().map(Vec::len).sum(),
        Expect::Error(_) => 0,
    };
    let beat = crate::DATA_BYTES as u64;
    let buffers = 1 + case.skb.frags.len() as u64;
    Pending {
        index,
        tag: index as u64,
        case,
        cpls: Vec::new(),
        frames: Vec::new(),
        descs_done: 0,
        desc_fault_range: None,
        reads: Vec::new(),
        read_error_hit: false,
        doorbell_cycle: None,
        first_beat_cycle: None,
        // every buffer may start and end in a partial beat
        beats_in: bytes_in.div_ceil(beat) + 2 * buffers + MAX_DESC as u64,
        beats_out: (bytes_out as u64).div_ceil(beat) + 64,
        // bursts of at most 16 beats that do not cross 4 KiB, plus descriptor reads
        bursts: bytes_in.div_ceil(16 * beat) + 2 * buffers + MAX_DESC as u64,
    }
}

/// Edits a descriptor chain per `fault`. `l4` is the UDP header's offset in the head.
fn apply_chain_fault(descs: &mut Vec<TxDesc>, fault: &Fault, l4: usize) {
    match fault {
        Fault::NoSop => descs[0].flags &= !flags::SOP,
        Fault::ReservedFlag { bit, last } => {
            let d = if *last { descs.len() - 1 } else { 0 };
            descs[d].flags |= 1 << bit;
        }
        Fault::UfoUso => descs[0].flags |= flags::UFO | flags::USO,
        Fault::SopInside => {
            let mut lone = descs[0];
            lone.flags &= !flags::EOP;
            descs.insert(0, lone);
        }
        Fault::NoEop => {
            if let Some(last) = descs.last_mut() {
                last.flags &= !flags::EOP;
            }
            let filler = TxDesc {
                buf_len: 1,
                flags: 0,
                ..descs[0]
            };
            while descs.len() <= MAX_DESC {
                descs.push(filler);
            }
        }
        Fault::DescDma => {
            // room for a whole beat-aligned group of slots after the first (see post): empty
            // buffers after the SOP one, the EOP on the last descriptor
            let filler = TxDesc {
                buf_len: 0,
                flags: 0,
                ..descs[0]
            };
            while descs.len() < 1 + 2 * crate::DATA_BYTES.div_ceil(32) {
                descs.insert(1, filler);
            }
            if descs[0].eop() {
                descs[0].flags &= !flags::EOP;
                if let Some(last) = descs.last_mut() {
                    last.flags |= flags::EOP;
                }
            }
        }
        Fault::DmaErr => {
            // a buffer the engine reads: the first non-empty one after the head, else the head
            let i = (1..descs.len())
                .find(|&i| descs[i].buf_len > 0)
                .unwrap_or(0);
            descs[i].buf_addr = POISON_BASE + 0x100;
        }
        Fault::TooLong => {
            for d in descs.iter_mut() {
                d.buf_len = u16::MAX;
            }
            if descs.len() == 1 {
                let mut extra = descs[0];
                extra.flags &= !flags::SOP;
                descs[0].flags &= !flags::EOP;
                descs.push(extra);
            }
        }
        Fault::ZeroLen => {
            for d in descs.iter_mut() {
                d.buf_len = 0;
            }
        }
        Fault::HdrSplit => {
            let cut = (l4 + 4) as u16;
            let mut second = descs[0];
            second.buf_addr += u64::from(cut);
            second.buf_len -= cut;
            second.flags &= !(flags::SOP | flags::UFO | flags::CSUM);
            descs[0].buf_len = cut;
            descs[0].flags &= !flags::EOP;
            descs.insert(1, second);
        }
        _ => {}
    }
}

/// Why a reset and its recovery stopped a run.
enum ResetFailure {
    /// The sink failed.
    Sink(RunError),
    /// The engine did not come back.
    Run(Box<RunFailure>),
}

/// What [`Runner::post`] returns: the slot a `desc_dma` fault poisoned, the case's reads.
type Posted = (Option<std::ops::Range<u64>>, Vec<std::ops::Range<u64>>);

/// Checks a finished case's completions and frames against its expectation. A case hit by a
/// random read error may instead end in errors only, one of them DESC_DMA or DMA_READ, with no
/// frame.
fn check_case(case: &Case, index: usize, p: &Pending) -> Result<(), CaseFailure> {
    let expected = check_expected(case, index, p);
    if expected.is_err() && p.read_error_hit {
        let statuses: Vec<Status> = p.cpls.iter().map(|c| c.status).collect();
        let read_error = statuses
            .iter()
            .any(|s| matches!(s, Status::DescDma | Status::DmaRead));
        if !read_error || statuses.iter().any(|s| !s.is_error()) {
            return Err(CaseFailure::Completions {
                label: format!("#{index} '{}' ({})", case.name, case.origin),
                got: statuses,
                expected: "its own outcome, or (a read answered with an injected error) only \
                           errors, DESC_DMA or DMA_READ among them"
                    .into(),
            });
        }
        if !p.frames.is_empty() {
            return Err(CaseFailure::FramesOnError {
                label: format!("#{index} '{}' ({})", case.name, case.origin),
                frames: p.frames.len(),
            });
        }
        return Ok(());
    }
    expected
}

/// Checks a finished case against its own expectation.
fn check_expected(case: &Case, index: usize, p: &Pending) -> Result<(), CaseFailure> {
    let label = format!("#{index} '{}' ({})", case.name, case.origin);
    let statuses: Vec<Status> = p.cpls.iter().map(|c| c.status).collect();
    let wrong = |expected: String| CaseFailure::Completions {
        label: label.clone(),
        got: statuses.clone(),
        expected,
    };
    match &case.expect {
        Expect::Frames(exp) => {
            if statuses != [Status::Ok] {
                return Err(wrong("one OK".into()));
            }
            scoreboard::compare(&label, exp, &p.frames)?;
            check_counts(&label, &p.cpls[0], exp)?;
            Ok(independent_checks(&label, case, &p.frames)?)
        }
        Expect::ChainErrorThenFrames(exp) => {
            if statuses != [Status::ChainSopInside, Status::Ok] {
                return Err(wrong("CHAIN_SOP_INSIDE then OK".into()));
            }
            scoreboard::compare(&label, exp, &p.frames)?;
            check_counts(&label, &p.cpls[1], exp)?;
            Ok(independent_checks(&label, case, &p.frames)?)
        }
        Expect::Error(want) => {
            if statuses.first() != Some(want) || statuses.iter().any(|s| !s.is_error()) {
                return Err(wrong(format!("{want} then only errors")));
            }
            if !p.frames.is_empty() {
                return Err(CaseFailure::FramesOnError {
                    label,
                    frames: p.frames.len(),
                });
            }
            Ok(())
        }
    }
}

/// The checks that share no code with the golden model: etherparse's reassembly, and the
/// checksum of every frame.
fn independent_checks(label: &str, case: &Case, frames: &[Vec<u8>]) -> Result<(), CheckError> {
    independent_check(label, case, frames)?;
    for (k, f) in frames.iter().enumerate() {
        verify_checksums(
            &format!("datagram {label}: frame {k}"),
            f,
            case.skb.csum.is_none(),
        )?;
    }
    Ok(())
}

fn check_counts(label: &str, c: &Completion, exp: &[Vec<u8>]) -> Result<(), CaseFailure> {
    let bytes: usize = exp.iter().map(Vec::len).sum();
    if usize::from(c.frames) != exp.len() || c.wire_bytes as usize != bytes {
        return Err(CaseFailure::Counts {
            label: label.to_string(),
            frames: c.frames,
            bytes: c.wire_bytes,
            expected_frames: exp.len(),
            expected_bytes: bytes,
        });
    }
    Ok(())
}
