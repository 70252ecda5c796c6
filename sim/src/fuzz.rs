//! `ufo-sim fuzz`: long random mixtures of valid packets, malformed packets (every [`Fault`] the
//! test bench can make) and bus faults, each packet's expected outcome derived from its fault
//! alone (never from the RTL), and a table of what came out per class.
//!
//! Packet `k` of seed `S` depends on nothing else (`--pick k` replays it alone): a valid packet
//! of the whole mix with probability `1 - fault_share`, otherwise a fault class drawn uniformly
//! from those the RTL under test supports ([`FuzzClass::missing`] names what a class waits for).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ufo_driver::desc::{regs, Status};
use ufo_driver::gen::{random_packet, MixConfig, MixWeights};
use ufo_driver::packet::PacketSpec;

use crate::case::{apply_packet_fault, build_skb, Case, Expect, Fault, Layout, UnbuiltCase};
use crate::random::{mix_seed, random_case};
use crate::runner::{CaseFailure, Outcome, RunFailure, Traffic};

/// Salt of the fuzz's per-packet seeds, so `fuzz --seed S` and `run --seed S` differ.
const FUZZ_SALT: u64 = 0xF022_F022_F022_F022;

/// One class of the fuzz: valid packets, or one fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FuzzClass {
    /// A packet of `run`'s random mix (correct, or with the random faults `random_case` draws).
    Valid,
    /// [`Fault::NoSop`].
    NoSop,
    /// [`Fault::SopInside`].
    SopInside,
    /// [`Fault::NoEop`].
    NoEop,
    /// [`Fault::TooLong`].
    TooLong,
    /// [`Fault::ZeroLen`].
    ZeroLen,
    /// [`Fault::HdrSplit`].
    HdrSplit,
    /// [`Fault::NotUdp`].
    NotUdp,
    /// [`Fault::BadIhl`].
    BadIhl,
    /// [`Fault::BadTotLen`].
    BadTotLen,
    /// [`Fault::NotIpv4`].
    NotIpv4,
    /// [`Fault::UfoSize`] below 8.
    UfoSize,
    /// [`Fault::DescDma`]: SLVERR on a descriptor read.
    DescReadError,
    /// [`Fault::DmaErr`]: SLVERR on a buffer read.
    BufReadError,
    /// [`Fault::UnsolicitedR`] on ID 0 (the descriptor reads' ID).
    UnsolicitedR0,
    /// [`Fault::UnsolicitedR`] on ID 1 (the buffer reads' ID).
    UnsolicitedR1,
    /// [`Fault::UnsolicitedB`].
    UnsolicitedB,
    /// [`Fault::CplWriteErr`].
    CplWriteError,
    /// [`Fault::DescDrop`].
    DescReadDropped,
    /// [`Fault::BufDrop`].
    BufReadDropped,
    /// [`Fault::CplDrop`].
    CplWriteDropped,
}

impl FuzzClass {
    /// Every class, in table order.
    pub const ALL: [FuzzClass; 21] = [
        FuzzClass::Valid,
        FuzzClass::NoSop,
        FuzzClass::SopInside,
        FuzzClass::NoEop,
        FuzzClass::TooLong,
        FuzzClass::ZeroLen,
        FuzzClass::HdrSplit,
        FuzzClass::NotUdp,
        FuzzClass::BadIhl,
        FuzzClass::BadTotLen,
        FuzzClass::NotIpv4,
        FuzzClass::UfoSize,
        FuzzClass::DescReadError,
        FuzzClass::BufReadError,
        FuzzClass::UnsolicitedR0,
        FuzzClass::UnsolicitedR1,
        FuzzClass::UnsolicitedB,
        FuzzClass::CplWriteError,
        FuzzClass::DescReadDropped,
        FuzzClass::BufReadDropped,
        FuzzClass::CplWriteDropped,
    ];

    /// Short name for the table.
    pub fn name(self) -> &'static str {
        match self {
            FuzzClass::Valid => "run_mix",
            FuzzClass::NoSop => "no_sop",
            FuzzClass::SopInside => "sop_inside",
            FuzzClass::NoEop => "no_eop",
            FuzzClass::TooLong => "too_long",
            FuzzClass::ZeroLen => "zero_len",
            FuzzClass::HdrSplit => "hdr_split",
            FuzzClass::NotUdp => "not_udp",
            FuzzClass::BadIhl => "bad_ihl",
            FuzzClass::BadTotLen => "bad_tot_len",
            FuzzClass::NotIpv4 => "not_ipv4",
            FuzzClass::UfoSize => "ufo_size_1_7",
            FuzzClass::DescReadError => "desc_read_err",
            FuzzClass::BufReadError => "buf_read_err",
            FuzzClass::UnsolicitedR0 => "unsolicited_r0",
            FuzzClass::UnsolicitedR1 => "unsolicited_r1",
            FuzzClass::UnsolicitedB => "unsolicited_b",
            FuzzClass::CplWriteError => "cpl_write_err",
            FuzzClass::DescReadDropped => "desc_read_drop",
            FuzzClass::BufReadDropped => "buf_read_drop",
            FuzzClass::CplWriteDropped => "cpl_write_drop",
        }
    }

    /// The fault of a packet of this class (`UfoSize` draws its value from `rng`).
    fn fault(self, rng: &mut impl Rng) -> Fault {
        match self {
            FuzzClass::Valid => Fault::None,
            FuzzClass::NoSop => Fault::NoSop,
            FuzzClass::SopInside => Fault::SopInside,
            FuzzClass::NoEop => Fault::NoEop,
            FuzzClass::TooLong => Fault::TooLong,
            FuzzClass::ZeroLen => Fault::ZeroLen,
            FuzzClass::HdrSplit => Fault::HdrSplit,
            FuzzClass::NotUdp => Fault::NotUdp,
            FuzzClass::BadIhl => Fault::BadIhl,
            FuzzClass::BadTotLen => Fault::BadTotLen,
            FuzzClass::NotIpv4 => Fault::NotIpv4,
            // 0 is no UFO at all (the driver sets no UFO flag), not a fault.
            FuzzClass::UfoSize => Fault::UfoSize(rng.gen_range(1..8)),
            FuzzClass::DescReadError => Fault::DescDma,
            FuzzClass::BufReadError => Fault::DmaErr,
            FuzzClass::UnsolicitedR0 => Fault::UnsolicitedR(0),
            FuzzClass::UnsolicitedR1 => Fault::UnsolicitedR(1),
            FuzzClass::UnsolicitedB => Fault::UnsolicitedB,
            FuzzClass::CplWriteError => Fault::CplWriteErr,
            FuzzClass::DescReadDropped => Fault::DescDrop,
            FuzzClass::BufReadDropped => Fault::BufDrop,
            FuzzClass::CplWriteDropped => Fault::CplDrop,
        }
    }

    /// The kinds of packet the fault applies to: header faults rewrite IPv4 UFO headers, the
    /// UFO-only checks need a UFO datagram; chain and bus faults take any packet of the mix.
    fn weights(self) -> MixWeights {
        let only = |ufo_ipv4, ufo_ipv6| MixWeights {
            ufo_ipv4,
            ufo_ipv6,
            udp_plain: 0,
            csum_plain: 0,
            passthrough: 0,
            uso: 0,
        };
        match self {
            FuzzClass::NotUdp | FuzzClass::BadIhl | FuzzClass::BadTotLen | FuzzClass::NotIpv4 => {
                only(1, 0)
            }
            FuzzClass::HdrSplit | FuzzClass::UfoSize => only(1, 1),
            _ => MixWeights::default(),
        }
    }

    /// What the engine must do with a packet of this class: the status its fault must end in
    /// (`Fault::expected_status`, the contract's status table), or `None` for the classes whose
    /// packet must go out intact (valid packets, stray or lost responses the engine absorbs) or
    /// after a chain error (SOP inside).
    pub fn expected_error(self) -> Option<Status> {
        if self == FuzzClass::SopInside {
            return None;
        }
        let status = self
            .fault(&mut ChaCha8Rng::seed_from_u64(0))
            .expected_status();
        (status != Status::Ok).then_some(status)
    }

    /// Why the RTL under test (or this test bench) cannot run this class yet, if it cannot: the
    /// classes whose contract needs the bus guards, and those whose recovery the runner does not
    /// do yet.
    pub fn missing(self) -> Option<&'static str> {
        let has = has_register;
        match self {
            FuzzClass::UnsolicitedR0 | FuzzClass::UnsolicitedR1 | FuzzClass::UnsolicitedB
                if !has("ERR_CNT") =>
            {
                Some("the RTL has no bus guard (no ERR_CNT register): an unsolicited beat is taken as data")
            }
            FuzzClass::DescReadDropped | FuzzClass::BufReadDropped | FuzzClass::CplWriteDropped
                if !has("READ_TIMEOUT") =>
            {
                Some("the RTL has no response timeout (no READ_TIMEOUT register): the engine waits forever")
            }
            _ => None,
        }
    }
}

/// `true` if the register map has `name` (a register, or an array of them).
pub fn has_register(name: &str) -> bool {
    regs::register(name).is_some() || regs::register(&format!("{name}[0]")).is_some()
}

/// `true` for the classes whose response never comes: the run needs the engine's response
/// timeout programmed ([`crate::runner::Runner::set_response_timeout`]).
pub fn drops_responses(c: FuzzClass) -> bool {
    matches!(
        c,
        FuzzClass::DescReadDropped | FuzzClass::BufReadDropped | FuzzClass::CplWriteDropped
    )
}

/// The engine's response timeout (`READ_TIMEOUT`) for runs with dropped responses: short enough
/// for the watchdog, far above any wait the bus settings allow.
pub fn response_timeout(traffic: &Traffic) -> u32 {
    (4 * traffic.stall_limit()).min(u64::from(u32::MAX)) as u32
}

/// The classes the fuzz draws from: every class the RTL supports (`bus_faults` false: only
/// the packet faults).
pub fn available_classes(bus_faults: bool) -> Vec<FuzzClass> {
    FuzzClass::ALL
        .into_iter()
        .filter(|c| *c != FuzzClass::Valid && c.missing().is_none())
        .filter(|c| bus_faults || !is_bus_class(*c))
        .collect()
}

fn is_bus_class(c: FuzzClass) -> bool {
    c.fault(&mut ChaCha8Rng::seed_from_u64(0)).is_bus_fault()
}

/// Fuzz packet `index` of `seed`: its class and the case.
pub fn fuzz_case(
    seed: u64,
    index: u64,
    mtus: &[u32],
    fault_share: f64,
    classes: &[FuzzClass],
) -> (FuzzClass, Result<Case, UnbuiltCase>) {
    let mut rng = ChaCha8Rng::seed_from_u64(mix_seed(seed ^ FUZZ_SALT, index));
    let class = if classes.is_empty() || !rng.gen_bool(fault_share.clamp(0.0, 1.0)) {
        FuzzClass::Valid
    } else {
        classes[rng.gen_range(0..classes.len())]
    };
    let name = format!("fuzz-{index}-{}", class.name());
    let origin = format!("fuzz seed {seed} index {index}");
    let unbuilt = |source| UnbuiltCase {
        name: name.clone(),
        origin: origin.clone(),
        source,
    };
    if class == FuzzClass::Valid {
        let case = random_case(seed ^ FUZZ_SALT, index, mtus).map(|mut c| {
            c.name.clone_from(&name);
            c.origin.clone_from(&origin);
            c
        });
        return (class, case);
    }
    let fault = class.fault(&mut rng);
    let cfg = MixConfig {
        mtus: mtus.to_vec(),
        weights: class.weights(),
        ..MixConfig::default()
    };
    let tx = random_packet(&mut rng, &cfg);
    let case = match class.expected_error() {
        None => Case::from_tx(name.clone(), origin.clone(), &tx, &Layout::Pages, 0).map(|mut c| {
            if class == FuzzClass::SopInside {
                if let Expect::Frames(f) = c.expect {
                    c.expect = Expect::ChainErrorThenFrames(f);
                }
            }
            c
        }),
        Some(status) => build_skb(&tx, &Layout::Pages, 0).and_then(|mut skb| {
            let l3 = match &tx.spec {
                PacketSpec::Udp4(s) => 14 + 4 * s.vlan.len(),
                _ => 14,
            };
            apply_packet_fault(&mut skb, l3, &fault)?;
            Ok(Case {
                name: name.clone(),
                origin: origin.clone(),
                skb,
                fault: Fault::None,
                expect: Expect::Error(status),
                ipv6_final_dst: None,
            })
        }),
    }
    .map(|mut c| {
        c.fault = fault;
        c
    })
    .map_err(unbuilt);
    (class, case)
}

/// What one class produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassTally {
    /// Packets of the class (posted, refused or unbuilt).
    pub sent: u64,
    /// Completions by status.
    pub statuses: BTreeMap<String, u64>,
    /// Frames on the wire credited to its packets.
    pub frames: u64,
    /// Packets whose completions or frames were not the expected ones.
    pub mismatches: u64,
    /// Packets posted whose completions never came (the run stopped).
    pub lost: u64,
    /// Frames without `TUSER` sent for a packet that must send none (a malformed packet
    /// accepted as valid).
    pub malformed_accepted: u64,
}

/// The fuzz's counts per class, and what went wrong outside any packet.
#[derive(Clone, Debug, Default)]
pub struct FuzzTally {
    /// Per class, in table order.
    pub classes: BTreeMap<FuzzClass, ClassTally>,
    /// The run stopped on a hang (no bus beat, or no completion within the budget).
    pub hangs: u64,
    /// Frames without `TUSER` that no completion accounts for.
    pub stray_frames: u64,
    /// Other failures not tied to one packet (register bus, protocol, counters, driver).
    pub other_failures: u64,
}

impl FuzzTally {
    /// Counts a finished packet of `class`.
    pub fn outcome(&mut self, class: FuzzClass, o: &Outcome) {
        let t = self.classes.entry(class).or_default();
        t.sent += 1;
        for s in &o.statuses {
            *t.statuses.entry(s.to_string()).or_default() += 1;
        }
        t.frames += o.wire_frames as u64;
        match &o.result {
            Ok(()) => {}
            Err(CaseFailure::Unchecked) => t.lost += 1,
            Err(_) => t.mismatches += 1,
        }
        if class.expected_error().is_some() {
            t.malformed_accepted += o.wire_frames as u64;
        }
    }

    /// Counts a failure not tied to one packet.
    pub fn failure(&mut self, f: &RunFailure) {
        match f {
            RunFailure::Hang { .. } | RunFailure::NoCompletion { .. } => self.hangs += 1,
            RunFailure::StrayFrame { .. } => self.stray_frames += 1,
            _ => self.other_failures += 1,
        }
    }

    /// `true` if nothing went wrong.
    pub fn ok(&self) -> bool {
        self.hangs == 0
            && self.stray_frames == 0
            && self.other_failures == 0
            && self
                .classes
                .values()
                .all(|t| t.mismatches == 0 && t.lost == 0 && t.malformed_accepted == 0)
    }

    /// The table: one row per class, then the totals.
    pub fn table(&self) -> String {
        let mut statuses: Vec<&String> = self
            .classes
            .values()
            .flat_map(|t| t.statuses.keys())
            .collect();
        statuses.sort();
        statuses.dedup();
        let width: Vec<usize> = statuses.iter().map(|s| s.len().max(10) + 1).collect();
        let mut out = format!("{:<16}{:>7}", "class", "sent");
        for (s, w) in statuses.iter().zip(&width) {
            let _ = write!(out, "{s:>w$}");
        }
        let _ = writeln!(
            out,
            "{:>8}{:>11}{:>6}{:>11}",
            "frames", "mismatch", "lost", "malformed"
        );
        let mut total = ClassTally::default();
        let row = |name: &str, t: &ClassTally, out: &mut String| {
            let _ = write!(out, "{name:<16}{:>7}", t.sent);
            for (s, w) in statuses.iter().zip(&width) {
                let n = t.statuses.get(*s).copied().unwrap_or(0);
                let _ = write!(out, "{n:>w$}");
            }
            let _ = writeln!(
                out,
                "{:>8}{:>11}{:>6}{:>11}",
                t.frames, t.mismatches, t.lost, t.malformed_accepted
            );
        };
        for (c, t) in &self.classes {
            row(c.name(), t, &mut out);
            total.sent += t.sent;
            for (s, n) in &t.statuses {
                *total.statuses.entry(s.clone()).or_default() += n;
            }
            total.frames += t.frames;
            total.mismatches += t.mismatches;
            total.lost += t.lost;
            total.malformed_accepted += t.malformed_accepted;
        }
        row("total", &total, &mut out);
        let _ = write!(
            out,
            "hangs {}, stray frames {}, other failures {}",
            self.hangs, self.stray_frames, self.other_failures
        );
        out
    }
}
