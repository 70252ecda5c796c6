//! The regression runner: drives [`Case`]s back to back through the driver model and the RTL,
//! matches every completion and every frame against the expectation, and never waits without
//! a cycle limit.

use std::collections::VecDeque;
use std::path::PathBuf;

use ufo_driver::desc::{flags, regs, Completion, Status, TxDesc};
use ufo_driver::driver::{Driver, DriverConfig, DriverError, XmitError};

use crate::case::{Case, Expect, Fault};
use crate::checks::{independent_check, verify_checksums};
use crate::scoreboard;
use crate::tb::{Tb, TbConfig};

/// Host address range whose reads answer SLVERR: buffers of `dma_err` faults point here.
pub const POISON_BASE: u64 = 0xDEAD_0000_0000;
/// The engine's `MAX_DESC` (descriptors per packet).
pub const MAX_DESC: usize = 32;
/// Cycles without any completion after which the engine counts as hung.
pub const HANG_CYCLES: u64 = 400_000;

/// Bus behaviour of a run.
#[derive(Debug, Clone, Copy)]
pub struct Traffic {
    /// Probability that the MAC takes a beat in a cycle.
    pub tready_prob: f64,
    /// Probability of a gap before an R beat.
    pub r_gap_prob: f64,
    /// Probability that the host memory accepts an AR in a cycle.
    pub ar_accept_prob: f64,
    /// Host read latency in cycles.
    pub read_latency: u32,
    /// Probability that the host memory sends the next R beat of another ID ahead of the
    /// oldest burst (out-of-order and interleaved read data across IDs; see
    /// [`crate::bus::HostMemConfig::reorder_prob`]).
    pub reorder_prob: f64,
}

impl Default for Traffic {
    /// Moderate, irregular back-pressure everywhere.
    fn default() -> Self {
        Self {
            tready_prob: 0.8,
            r_gap_prob: 0.1,
            ar_accept_prob: 0.8,
            read_latency: 20,
            reorder_prob: 0.3,
        }
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
    /// Most packets posted and not yet completed.
    pub max_in_flight: usize,
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Case name.
    pub name: String,
    /// Where the case came from.
    pub origin: String,
    /// `Err` holds the precise failure report.
    pub result: Result<(), String>,
    /// Edge of the response to the packet's `TX_TAIL` doorbell write (`None`: not posted).
    pub doorbell_cycle: Option<u64>,
    /// Edge of the first beat of the packet's first frame (`None`: no frame).
    pub first_beat_cycle: Option<u64>,
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

/// Everything a run produced.
#[derive(Debug, Default)]
pub struct RunReport {
    /// One per case, in order.
    pub outcomes: Vec<Outcome>,
    /// Every frame the RTL sent.
    pub wire: Vec<WireFrame>,
    /// Every frame the golden model expected, in order.
    pub expected_wire: Vec<Vec<u8>>,
    /// Failures not tied to one case (hang, bus protocol, register counters).
    pub global_errors: Vec<String>,
    /// Cycles simulated.
    pub cycles: u64,
}

impl RunReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.result.is_ok()).count()
    }
    /// Cases that failed, plus one for each global error.
    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.passed() + self.global_errors.len()
    }
}

/// A posted case waiting for its completions.
struct Pending {
    index: usize,
    tag: u64,
    cpls: Vec<Completion>,
    frames: Vec<Vec<u8>>,
    descs_done: usize,
    desc_fault_range: Option<std::ops::Range<u64>>,
}

/// Tallies to check the engine's counter registers against.
#[derive(Default)]
struct Tally {
    ok: u32,
    frames: u32,
    bytes: u32,
    err_desc: u32,
    err_dma: u32,
    err_len: u32,
    err_hdr: u32,
}

/// Runs cases through the RTL.
pub struct Runner {
    /// The test bench.
    pub tb: Tb,
    drv: Driver,
    cfg: RunConfig,
    tally: Tally,
}

impl Runner {
    /// Builds the bench, resets the DUT and initialises the driver.
    pub fn new(cfg: RunConfig) -> Result<Runner, String> {
        Self::with_tb_config(cfg, |_| {})
    }

    /// [`Runner::new`], with `adjust` changing the bench's configuration (made from `cfg`)
    /// before the bench is built: e.g. more outstanding reads, or recording the inputs.
    pub fn with_tb_config(
        cfg: RunConfig,
        adjust: impl FnOnce(&mut TbConfig),
    ) -> Result<Runner, String> {
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
        adjust(&mut tb_cfg);
        let mut tb = Tb::new(tb_cfg);
        tb.reset(10);
        tb.mem.add_read_error(POISON_BASE..POISON_BASE + 0x1_0000);
        let mut drv = Driver::new(DriverConfig::default());
        drv.init(&mut tb).map_err(|e| format!("driver init: {e}"))?;
        Ok(Runner {
            tb,
            drv,
            cfg,
            tally: Tally::default(),
        })
    }

    /// Runs `cases` back to back, up to `max_in_flight` packets in the engine at once.
    /// `progress` is called after each finished case.
    pub fn run(&mut self, cases: &[Case], mut progress: impl FnMut(usize)) -> RunReport {
        let mut report = RunReport {
            outcomes: cases
                .iter()
                .map(|c| Outcome {
                    name: c.name.clone(),
                    origin: c.origin.clone(),
                    result: Err("not run".into()),
                    doorbell_cycle: None,
                    first_beat_cycle: None,
                })
                .collect(),
            ..RunReport::default()
        };
        for case in cases {
            if let Expect::Frames(f) | Expect::ChainErrorThenFrames(f) = &case.expect {
                report.expected_wire.extend(f.iter().cloned());
            }
        }
        let mut pending: VecDeque<Pending> = VecDeque::new();
        let mut next = 0;
        let mut completed = 0;
        let mut idle_cycles = 0u64;
        while next < cases.len() || !pending.is_empty() {
            // Post while there is room; a full ring is served by the loop below.
            while next < cases.len() && pending.len() < self.cfg.max_in_flight {
                match self.post(&cases[next], next) {
                    Ok(p) => {
                        // The doorbell's response was the last edge stepped.
                        report.outcomes[next].doorbell_cycle = self.tb.cycle().checked_sub(1);
                        pending.push_back(p);
                        next += 1;
                    }
                    Err(XmitError::RingFull { .. }) | Err(XmitError::NoBufferSpace { .. })
                        if !pending.is_empty() =>
                    {
                        break
                    }
                    Err(e) => {
                        report.outcomes[next].result = Err(format!("driver refused it: {e}"));
                        next += 1;
                        completed += 1;
                        progress(completed);
                    }
                }
            }
            self.tb.steps(16);
            let finished = self.service(cases, &mut pending, &mut report);
            if finished > 0 {
                completed += finished;
                progress(completed);
                idle_cycles = 0;
            } else {
                idle_cycles += 16;
                if idle_cycles >= HANG_CYCLES {
                    let status = self.tb.try_reg_read(regs::STATUS).unwrap_or(0xFFFF_FFFF);
                    let head = self.tb.try_reg_read(regs::TX_HEAD).unwrap_or(0xFFFF_FFFF);
                    let names: Vec<&str> = pending
                        .iter()
                        .map(|p| cases[p.index].name.as_str())
                        .collect();
                    report.global_errors.push(format!(
                        "engine hang: no completion for {HANG_CYCLES} cycles at cycle {}; \
                         STATUS=0x{status:x} TX_HEAD={head} tail={}; waiting for {names:?}",
                        self.tb.cycle(),
                        self.drv.tail_index()
                    ));
                    for p in &pending {
                        report.outcomes[p.index].result = Err("engine hang (see above)".into());
                    }
                    break;
                }
            }
            if let Some(e) = self.tb.sim_error() {
                report.global_errors.push(format!("simulation: {e}"));
                break;
            }
        }
        self.finish(&mut report);
        report
    }

    /// Posts one case, applying descriptor-chain faults.
    fn post(&mut self, case: &Case, index: usize) -> Result<Pending, XmitError> {
        let tag = index as u64;
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
        self.drv
            .xmit_edited(&mut self.tb, &case.skb, tag, |descs: &mut Vec<TxDesc>| {
                apply_chain_fault(descs, &fault, l4)
            })?;
        if let Some(r) = &desc_fault_range {
            // The tail write has just landed; the engine reads this slot only after its
            // descriptor prefetch reaches it, dozens of cycles later.
            self.tb.mem.add_read_error(r.clone());
        }
        Ok(Pending {
            index,
            tag,
            cpls: Vec::new(),
            frames: Vec::new(),
            descs_done: 0,
            desc_fault_range,
        })
    }

    /// Polls completions; returns how many cases finished.
    fn service(
        &mut self,
        cases: &[Case],
        pending: &mut VecDeque<Pending>,
        report: &mut RunReport,
    ) -> usize {
        let mut finished = 0;
        for done in self.drv.poll(&mut self.tb) {
            let Some(pos) = pending.iter().position(|p| p.tag == done.tag) else {
                report.global_errors.push(format!(
                    "completion for unknown tag {}: {:?}",
                    done.tag, done.completion
                ));
                continue;
            };
            let p = &mut pending[pos];
            let c = done.completion;
            for _ in 0..c.frames {
                match self.tb.sink.pop_frame() {
                    Some(f) => {
                        report.outcomes[p.index]
                            .first_beat_cycle
                            .get_or_insert(f.first_cycle);
                        report.wire.push(WireFrame {
                            cycle: f.last_cycle,
                            first_cycle: f.first_cycle,
                            data: f.data.clone(),
                        });
                        p.frames.push(f.data);
                    }
                    None => {
                        report.global_errors.push(format!(
                            "completion of '{}' counts {} frames but the MAC saw fewer",
                            cases[p.index].name, c.frames
                        ));
                        break;
                    }
                }
            }
            self.count(&c);
            p.descs_done += usize::from(c.desc_count);
            p.cpls.push(c);
            if p.descs_done >= usize::from(done.expected_count) {
                let p = pending.remove(pos).expect("position is valid");
                if let Some(r) = &p.desc_fault_range {
                    self.tb.mem.remove_read_error(r.clone());
                }
                report.outcomes[p.index].result = check_case(&cases[p.index], p.index, &p);
                finished += 1;
            }
        }
        for e in self.drv.take_errors() {
            // A faulty chain is expected to end in several completions.
            if let DriverError::CompletionMismatch { tag, .. } = &e {
                if cases
                    .get(*tag as usize)
                    .is_some_and(|c| c.fault != Fault::None)
                {
                    continue;
                }
            }
            report.global_errors.push(format!("driver: {e}"));
        }
        finished
    }

    fn count(&mut self, c: &Completion) {
        let t = &mut self.tally;
        match c.status {
            Status::Ok => {
                t.ok += 1;
                t.frames += u32::from(c.frames);
                t.bytes = t.bytes.wrapping_add(c.wire_bytes);
            }
            Status::DescChain | Status::DescDma => t.err_desc += 1,
            Status::DmaRead => t.err_dma += 1,
            Status::Length => t.err_len += 1,
            Status::Header | Status::UfoSize => t.err_hdr += 1,
            Status::Unknown(_) => {}
        }
    }

    /// End-of-run checks: stray frames, bus protocol, counter registers.
    fn finish(&mut self, report: &mut RunReport) {
        self.tb.steps(64);
        while let Some(f) = self.tb.sink.pop_frame() {
            report.global_errors.push(format!(
                "frame of {} bytes at cycle {} belongs to no completion",
                f.data.len(),
                f.last_cycle
            ));
            report.wire.push(WireFrame {
                cycle: f.last_cycle,
                first_cycle: f.first_cycle,
                data: f.data,
            });
        }
        for v in self.tb.violations() {
            report.global_errors.push(format!("bus protocol: {v}"));
        }
        let t = &self.tally;
        for (name, off, want) in [
            ("CNT_PKTS", regs::CNT_PKTS, t.ok),
            ("CNT_FRAMES", regs::CNT_FRAMES, t.frames),
            ("CNT_BYTES", regs::CNT_BYTES, t.bytes),
            ("CNT_ERR_DESC", regs::CNT_ERR_DESC, t.err_desc),
            ("CNT_ERR_DMA", regs::CNT_ERR_DMA, t.err_dma),
            ("CNT_ERR_LEN", regs::CNT_ERR_LEN, t.err_len),
            ("CNT_ERR_HDR", regs::CNT_ERR_HDR, t.err_hdr),
        ] {
            match self.tb.try_reg_read(off) {
                Ok(v) if v == want => {}
                Ok(v) => report.global_errors.push(format!(
                    "register {name} = {v}, but the completions add up to {want}"
                )),
                Err(e) => report.global_errors.push(format!("register {name}: {e}")),
            }
        }
        report.cycles = self.tb.cycle();
    }
}

/// Edits a descriptor chain per `fault`. `l4` is the UDP header's offset in the head.
fn apply_chain_fault(descs: &mut Vec<TxDesc>, fault: &Fault, l4: usize) {
    match fault {
        Fault::NoSop => descs[0].flags &= !flags::SOP,
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
            // room for a whole beat-aligned group of slots after the first (see post)
            let filler = TxDesc {
                buf_len: 0,
                flags: 0,
                ..descs[0]
            };
            while descs.len() < 1 + 2 * crate::DATA_BYTES.div_ceil(32) {
                let at = descs.len() - 1;
                descs.insert(at, filler);
            }
        }
        Fault::DmaErr => {
            let i = descs.len().min(2) - 1;
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

/// Checks a finished case's completions and frames against its expectation.
fn check_case(case: &Case, index: usize, p: &Pending) -> Result<(), String> {
    let label = format!("#{index} '{}' ({})", case.name, case.origin);
    let statuses: Vec<Status> = p.cpls.iter().map(|c| c.status).collect();
    match &case.expect {
        Expect::Frames(exp) => {
            if statuses != [Status::Ok] {
                return Err(format!(
                    "datagram {label}: completions {statuses:?}, expected one OK"
                ));
            }
            scoreboard::compare(&label, exp, &p.frames).map_err(|m| m.to_string())?;
            check_counts(&label, &p.cpls[0], exp)?;
            independent_checks(&label, case, &p.frames)
        }
        Expect::ChainErrorThenFrames(exp) => {
            if statuses != [Status::DescChain, Status::Ok] {
                return Err(format!(
                    "datagram {label}: completions {statuses:?}, expected DESC_CHAIN then OK"
                ));
            }
            scoreboard::compare(&label, exp, &p.frames).map_err(|m| m.to_string())?;
            check_counts(&label, &p.cpls[1], exp)?;
            independent_checks(&label, case, &p.frames)
        }
        Expect::Error(want) => {
            if statuses.first() != Some(want) || statuses.iter().any(|s| !s.is_error()) {
                return Err(format!(
                    "datagram {label}: completions {statuses:?}, expected {want} then only errors"
                ));
            }
            if !p.frames.is_empty() {
                return Err(format!(
                    "datagram {label}: {} frames sent for an error",
                    p.frames.len()
                ));
            }
            Ok(())
        }
    }
}

/// The checks that share no code with the golden model: etherparse's reassembly, and the
/// checksum of every frame.
fn independent_checks(label: &str, case: &Case, frames: &[Vec<u8>]) -> Result<(), String> {
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

fn check_counts(label: &str, c: &Completion, exp: &[Vec<u8>]) -> Result<(), String> {
    let bytes: usize = exp.iter().map(Vec::len).sum();
    if usize::from(c.frames) != exp.len() || c.wire_bytes as usize != bytes {
        return Err(format!(
            "datagram {label}: completion reports {} frames / {} bytes, expected {} / {bytes}",
            c.frames,
            c.wire_bytes,
            exp.len()
        ));
    }
    Ok(())
}
