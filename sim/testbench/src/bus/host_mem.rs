//! Host memory: a sparse byte store and the AXI4 slave that serves the DUT's `m_axi` master.
//!
//! Reads: AR accepted with a configurable probability while fewer than `max_reads` bursts are
//! outstanding; the first R beat of a burst comes `read_latency` cycles after its AR handshake,
//! later beats back to back unless a random gap (`r_gap_prob`) delays one. By default responses
//! come strictly in AR order (legal for any mix of IDs); with `reorder_prob` a beat of another
//! ID's oldest burst may go ahead of the globally oldest one, so bursts of different IDs come
//! back out of order and interleaved beat by beat, while each ID's bursts and beats keep their
//! order (the AXI4 rule). Writes: AW and W accepted independently (W may lead AW),
//! `WSTRB` honoured, B `write_latency` cycles after the last W beat. Address ranges set by a test
//! answer SLVERR. Protocol checks record [`Violation`]s instead of panicking, so a test can
//! assert on them (or expect them).
//!
//! Fault injection ([`BusFaults`], [`HostMem::drop_reads_in`] and friends), all seeded and
//! counted in [`HostMemStats`]: long stall bursts on every channel (ready or valid held low for
//! up to `stall_max` cycles), error responses (SLVERR or DECERR) on whole bursts at random,
//! responses that never come (a read burst without R beats, and every later burst of its ID; a
//! write without B, and every later write), and unsolicited
//! R beats and B responses. An unsolicited beat is sent only on an ID with nothing outstanding
//! (and nothing dropped since the last [`HostMem::forget_dropped`]), with `ARREADY`/`AWREADY`
//! held low while it waits, so it is unsolicited whatever the master does. A probability of 0
//! costs no random draw, so a seed replays the same with the faults off.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{lanes_mask, resp, AxiSlavePorts, Violation, ViolationKind, DEFAULT_DATA_BYTES};

const PAGE: u64 = 4096;
/// Most violations kept per model; the rest are only counted.
const MAX_VIOLATIONS: usize = 1000;

/// Timing, randomness and checks of [`HostMem`].
#[derive(Clone, Debug)]
pub struct HostMemConfig {
    /// Bytes per beat (`DATA_WIDTH / 8`); defaults to 8 (64 bits), the harness sets the model's.
    pub data_bytes: usize,
    /// Cycles from the AR handshake to the first edge where its first R beat can complete
    /// (at least 1). 20 by default; 100 is 1 µs at the test bench's 10 ns clock.
    pub read_latency: u32,
    /// Cycles from the last W beat (with its AW) to the first edge where B can complete
    /// (at least 1).
    pub write_latency: u32,
    /// Probability that `ARREADY` is high in a cycle (while below `max_reads`).
    pub ar_accept_prob: f64,
    /// Probability that `AWREADY` is high in a cycle (while below `max_writes`).
    pub aw_accept_prob: f64,
    /// Probability that `WREADY` is high in a cycle.
    pub w_accept_prob: f64,
    /// Probability that an R beat that could be sent is held back one cycle (a gap in `RVALID`).
    pub r_gap_prob: f64,
    /// Probability that the next R beat comes from the oldest ready burst of an ID other than
    /// the globally oldest burst's, instead of from the globally oldest (uniform among such
    /// IDs). Decided per beat, so bursts of different IDs interleave; within one ID bursts and
    /// beats stay in AR order, and no burst starts before its `read_latency`. 0 (the default):
    /// strict AR order.
    pub reorder_prob: f64,
    /// Most read bursts accepted and not yet fully answered.
    pub max_reads: usize,
    /// Most write bursts accepted and not yet answered on B.
    pub max_writes: usize,
    /// Longest legal read burst in beats (the top's `MAX_BURST`, 16); longer ones are flagged.
    pub max_read_beats: u32,
    /// Record a [`ViolationKind::UninitRead`] warning when a read beat's first requested byte was
    /// never written.
    pub warn_uninit: bool,
    /// Keep a [`BurstRecord`] of every accepted burst.
    pub record_bursts: bool,
    /// Probability per cycle and channel (AR, AW, W ready; R, B valid) that a stall burst
    /// starts: the channel is held for 1..=`stall_max` cycles (uniform). 0: no bursts.
    pub stall_prob: f64,
    /// Longest stall burst in cycles.
    pub stall_max: u32,
    /// Random error responses, dropped responses and unsolicited beats.
    pub faults: BusFaults,
}

/// Random bus faults of [`HostMem`], each a probability (0: off, no random draw).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BusFaults {
    /// Per read burst: every beat answers SLVERR or DECERR (even odds), data zero.
    pub read_error_prob: f64,
    /// Per write burst: B answers SLVERR or DECERR, nothing is written.
    pub write_error_prob: f64,
    /// Per read burst: no R beat ever comes.
    pub read_drop_prob: f64,
    /// Per write burst: the data is written, the B response never comes.
    pub write_drop_prob: f64,
    /// Per cycle with the R channel free: an R beat on ID 0 or 1 (even odds) that nothing asked
    /// for, sent if that ID has nothing outstanding.
    pub unsolicited_r_prob: f64,
    /// Per cycle with the B channel free: a B response on ID 0 or 1 with no write outstanding.
    pub unsolicited_b_prob: f64,
}

impl BusFaults {
    /// `true` if any fault is on.
    pub fn any(&self) -> bool {
        *self != Self::default()
    }
}

impl Default for HostMemConfig {
    fn default() -> Self {
        Self {
            data_bytes: DEFAULT_DATA_BYTES,
            read_latency: 20,
            write_latency: 20,
            ar_accept_prob: 1.0,
            aw_accept_prob: 1.0,
            w_accept_prob: 1.0,
            r_gap_prob: 0.0,
            reorder_prob: 0.0,
            max_reads: 16,
            max_writes: 16,
            max_read_beats: 16,
            warn_uninit: false,
            record_bursts: false,
            stall_prob: 0.0,
            stall_max: 0,
            faults: BusFaults::default(),
        }
    }
}

impl HostMemConfig {
    /// A slow, irregular memory: 1 µs read latency (100 cycles of 10 ns), ready signals high
    /// half the time, a gap before a quarter of the R beats.
    pub fn slow() -> Self {
        Self {
            read_latency: 100,
            write_latency: 100,
            ar_accept_prob: 0.5,
            aw_accept_prob: 0.5,
            w_accept_prob: 0.5,
            r_gap_prob: 0.25,
            ..Self::default()
        }
    }
}

/// One accepted burst (kept when [`HostMemConfig::record_bursts`] is set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BurstRecord {
    /// Edge of the address handshake.
    pub cycle: u64,
    /// `true` for AW, `false` for AR.
    pub write: bool,
    /// `AxID`.
    pub id: u32,
    /// `AxADDR`.
    pub addr: u64,
    /// Beats (`AxLEN + 1`).
    pub beats: u32,
}

/// A fault the model injected on its own (a random error or drop, or a drop rule), for a test
/// bench that works out which packet it hit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Injected {
    /// Edge of the address handshake.
    pub cycle: u64,
    /// A write burst (else a read burst).
    pub write: bool,
    /// The response never comes (else it is an error response).
    pub dropped: bool,
    /// The bytes the burst covers (whole beats).
    pub range: Range<u64>,
}

/// Counters of [`HostMem`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostMemStats {
    /// AR handshakes.
    pub read_bursts: u64,
    /// R handshakes.
    pub read_beats: u64,
    /// R handshakes of a beat served ahead of an older burst of another ID (`reorder_prob`).
    pub reordered_beats: u64,
    /// R beats answered SLVERR.
    pub read_error_beats: u64,
    /// AW handshakes.
    pub write_bursts: u64,
    /// W handshakes.
    pub write_beats: u64,
    /// B handshakes.
    pub write_responses: u64,
    /// Most read bursts outstanding at once.
    pub max_reads_outstanding: usize,
    /// Violations not kept because the list was full.
    pub violations_dropped: u64,
    /// Stall bursts started (all channels).
    pub stall_bursts: u64,
    /// Cycles a channel was held by a stall burst (summed over channels).
    pub stall_cycles: u64,
    /// Read bursts answered with errors because of [`BusFaults::read_error_prob`].
    pub injected_read_errors: u64,
    /// Write bursts answered with errors because of [`BusFaults::write_error_prob`].
    pub injected_write_errors: u64,
    /// B handshakes with SLVERR/DECERR (ranges and injected).
    pub write_error_responses: u64,
    /// Read bursts never answered (dropped on request or at random).
    pub dropped_reads: u64,
    /// Write bursts whose B never came (dropped on request or at random).
    pub dropped_writes: u64,
    /// Unsolicited R beats taken by the master.
    pub unsolicited_r: u64,
    /// Unsolicited B responses taken by the master.
    pub unsolicited_b: u64,
}

struct Page {
    data: [u8; PAGE as usize],
    /// One bit per byte: written at least once.
    written: [u64; (PAGE / 64) as usize],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AddrReq {
    id: u32,
    addr: u64,
    len: u8,
    size: u8,
    burst: u8,
}

struct ReadBurst {
    id: u32,
    /// Response of every beat: OKAY, or an injected SLVERR/DECERR.
    resp: u8,
    addr: u64,
    base: u64,
    beats: u32,
    next_beat: u32,
    ready_at: u64,
    warned: bool,
}

struct WriteBurst {
    id: u32,
    addr: u64,
    base: u64,
    beats: u32,
    next_beat: u32,
    /// BRESP: OKAY, or SLVERR/DECERR (error range or injected; then nothing is written).
    resp: u8,
    /// The B response is dropped.
    drop_b: bool,
    /// Byte runs of the beats received so far: a burst becomes visible to the host as a whole
    /// when its last beat arrives, as one PCIe write TLP would (a driver polling a completion
    /// must never see half a record).
    staged: Vec<(u64, Vec<u8>)>,
}

struct WBeat {
    data: Vec<u8>,
    strb: u64,
    last: bool,
    cycle: u64,
}

#[derive(Clone, Copy)]
struct BResp {
    id: u32,
    resp: u8,
    due: u64,
}

/// The R beat on the wires, waiting for `RREADY`.
#[derive(Clone, Copy)]
struct RCur {
    /// Index in `HostMem::reads` of its burst (only `push_back` happens while a beat waits, so
    /// the index stays valid until the beat is taken); `None` for an unsolicited beat.
    idx: Option<usize>,
    last: bool,
    error: bool,
}

/// Channels with a stall-burst countdown.
#[derive(Clone, Copy)]
enum Ch {
    Ar,
    Aw,
    W,
    R,
    B,
}

/// Reads or writes dropped on request: bursts touching `range`, `count` more times.
struct DropRule {
    range: Range<u64>,
    count: u32,
}

/// What this model put on its outputs for the coming edge.
#[derive(Default)]
struct Driven {
    arready: bool,
    awready: bool,
    wready: bool,
    rvalid: bool,
    bvalid: bool,
    /// The B on the wires is unsolicited.
    b_unsolicited: bool,
}

/// Sparse host memory with an AXI4 slave port; see the module documentation.
pub struct HostMem {
    cfg: HostMemConfig,
    rng: ChaCha8Rng,
    pages: HashMap<u64, Box<Page>>,
    read_errors: Vec<Range<u64>>,
    write_errors: Vec<Range<u64>>,
    drv: Driven,
    ar_wait: Option<AddrReq>,
    aw_wait: Option<AddrReq>,
    w_wait: Option<(u64, bool)>,
    w_wait_data: Vec<u8>,
    reads: VecDeque<ReadBurst>,
    r_cur: Option<RCur>,
    /// Scratch for the R choice: indices of other IDs' oldest bursts that are ready.
    r_heads: Vec<usize>,
    writes: VecDeque<WriteBurst>,
    w_early: VecDeque<WBeat>,
    b_queue: VecDeque<BResp>,
    scratch: Vec<u8>,
    violations: Vec<Violation>,
    warnings: Vec<Violation>,
    bursts: Vec<BurstRecord>,
    stats: HostMemStats,
    /// Cycles left of each channel's stall burst (indexed by [`Ch`]).
    stall_left: [u32; 5],
    drop_reads: Vec<DropRule>,
    drop_writes: Vec<DropRule>,
    /// Unsolicited beats asked for and not yet sent (IDs).
    unsolicited_r_req: VecDeque<u32>,
    unsolicited_b_req: VecDeque<u32>,
    /// IDs (bit per ID < 64) with a dropped read burst the master may still wait for, and
    /// whether a dropped write may still be waited for: no unsolicited beat goes there.
    dropped_read_ids: u64,
    dropped_write: bool,
    injected: Vec<Injected>,
}

impl HostMem {
    /// An empty memory with idle bus state; `seed` drives the random ready/gap choices.
    pub fn new(cfg: HostMemConfig, seed: u64) -> Self {
        assert!(
            cfg.data_bytes.is_power_of_two() && (1..=64).contains(&cfg.data_bytes),
            "data_bytes {} must be a power of two up to 64",
            cfg.data_bytes
        );
        let n = cfg.data_bytes;
        Self {
            cfg,
            rng: ChaCha8Rng::seed_from_u64(seed),
            pages: HashMap::new(),
            read_errors: Vec::new(),
            write_errors: Vec::new(),
            drv: Driven::default(),
            ar_wait: None,
            aw_wait: None,
            w_wait: None,
            w_wait_data: vec![0; n],
            reads: VecDeque::new(),
            r_cur: None,
            r_heads: Vec::new(),
            writes: VecDeque::new(),
            w_early: VecDeque::new(),
            b_queue: VecDeque::new(),
            scratch: vec![0; n],
            violations: Vec::new(),
            warnings: Vec::new(),
            bursts: Vec::new(),
            stats: HostMemStats::default(),
            stall_left: [0; 5],
            drop_reads: Vec::new(),
            drop_writes: Vec::new(),
            unsolicited_r_req: VecDeque::new(),
            unsolicited_b_req: VecDeque::new(),
            dropped_read_ids: 0,
            dropped_write: false,
            injected: Vec::new(),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &HostMemConfig {
        &self.cfg
    }

    /// Changes timing or checks mid-test (e.g. latency); `data_bytes` must stay the same.
    pub fn config_mut(&mut self) -> &mut HostMemConfig {
        &mut self.cfg
    }

    // ---- memory ----

    /// Writes `data` at `addr` (any alignment, may span pages).
    pub fn write(&mut self, addr: u64, data: &[u8]) {
        let mut a = addr;
        let mut rest = data;
        while !rest.is_empty() {
            let off = (a % PAGE) as usize;
            let n = rest.len().min(PAGE as usize - off);
            let page = self.pages.entry(a / PAGE).or_insert_with(|| {
                Box::new(Page {
                    data: [0; PAGE as usize],
                    written: [0; (PAGE / 64) as usize],
                })
            });
            page.data[off..off + n].copy_from_slice(&rest[..n]);
            for i in off..off + n {
                page.written[i / 64] |= 1 << (i % 64);
            }
            a = a.wrapping_add(n as u64);
            rest = &rest[n..];
        }
    }

    /// Reads `len` bytes at `addr`; never-written bytes read as 0.
    pub fn read(&self, addr: u64, len: usize) -> Vec<u8> {
        let mut v = vec![0; len];
        self.read_into(addr, &mut v);
        v
    }

    /// Fills `out` from `addr`; never-written bytes read as 0.
    pub fn read_into(&self, addr: u64, out: &mut [u8]) {
        let mut a = addr;
        let mut done = 0;
        while done < out.len() {
            let off = (a % PAGE) as usize;
            let n = (out.len() - done).min(PAGE as usize - off);
            match self.pages.get(&(a / PAGE)) {
                Some(p) => out[done..done + n].copy_from_slice(&p.data[off..off + n]),
                None => out[done..done + n].fill(0),
            }
            a = a.wrapping_add(n as u64);
            done += n;
        }
    }

    /// `true` if the byte at `addr` was ever written.
    pub fn is_written(&self, addr: u64) -> bool {
        let off = (addr % PAGE) as usize;
        self.pages
            .get(&(addr / PAGE))
            .is_some_and(|p| p.written[off / 64] & (1 << (off % 64)) != 0)
    }

    // ---- error injection ----

    /// Read beats carrying a byte of `range` (from the burst's start address on) answer SLVERR.
    pub fn add_read_error(&mut self, range: Range<u64>) {
        self.read_errors.push(range);
    }

    /// Write bursts touching `range` answer SLVERR and write nothing.
    pub fn add_write_error(&mut self, range: Range<u64>) {
        self.write_errors.push(range);
    }

    /// Removes one read error range added with [`Self::add_read_error`].
    pub fn remove_read_error(&mut self, range: Range<u64>) {
        self.read_errors.retain(|r| *r != range);
    }

    /// Removes the write error ranges.
    pub fn clear_write_errors(&mut self) {
        self.write_errors.clear();
    }

    /// Removes all error ranges and drop requests.
    pub fn clear_errors(&mut self) {
        self.read_errors.clear();
        self.write_errors.clear();
        self.drop_reads.clear();
        self.drop_writes.clear();
    }

    /// The next `count` read bursts touching `range` get no R beat at all, nor does any later
    /// burst of the same ID until [`Self::forget_dropped`] (or a reset).
    pub fn drop_reads_in(&mut self, range: Range<u64>, count: u32) {
        self.drop_reads.push(DropRule { range, count });
    }

    /// The next `count` write bursts touching `range` are written but get no B response, nor
    /// does any later write until [`Self::forget_dropped`] (or a reset).
    pub fn drop_writes_in(&mut self, range: Range<u64>, count: u32) {
        self.drop_writes.push(DropRule { range, count });
    }

    /// Sends one R beat on `id` that nothing asked for, as soon as the R channel is free and
    /// `id` has nothing outstanding.
    pub fn inject_unsolicited_r(&mut self, id: u32) {
        self.unsolicited_r_req.push_back(id);
    }

    /// Sends one B response on `id` that nothing asked for, as soon as the B channel is free
    /// and no write is outstanding.
    pub fn inject_unsolicited_b(&mut self, id: u32) {
        self.unsolicited_b_req.push_back(id);
    }

    /// The faults injected since the last call (random errors and drops, drop rules), oldest
    /// first.
    pub fn take_injected(&mut self) -> Vec<Injected> {
        std::mem::take(&mut self.injected)
    }

    /// Unsolicited beats asked for and not yet sent.
    pub fn unsolicited_pending(&self) -> usize {
        self.unsolicited_r_req.len() + self.unsolicited_b_req.len()
    }

    /// Forgets the dropped responses the master may still wait for (after the master gave up on
    /// them, e.g. a soft reset): later bursts of those IDs are answered again, and unsolicited
    /// beats may use them.
    pub fn forget_dropped(&mut self) {
        self.dropped_read_ids = 0;
        self.dropped_write = false;
    }

    // ---- results ----

    /// Protocol violations seen so far.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Takes the violations seen so far (e.g. after a test that provokes them on purpose).
    pub fn take_violations(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.violations)
    }

    /// Warnings (reads of never-written memory, when enabled).
    pub fn warnings(&self) -> &[Violation] {
        &self.warnings
    }

    /// Counters.
    pub fn stats(&self) -> &HostMemStats {
        &self.stats
    }

    /// Accepted bursts, when [`HostMemConfig::record_bursts`] is set.
    pub fn bursts(&self) -> &[BurstRecord] {
        &self.bursts
    }

    /// Read bursts accepted and not yet fully answered (dropped ones excluded).
    pub fn reads_outstanding(&self) -> usize {
        self.reads.len()
    }

    /// Write bursts accepted and not yet answered on B (dropped ones excluded).
    pub fn writes_outstanding(&self) -> usize {
        self.writes.len() + self.b_queue.len()
    }

    /// `true` when no burst is outstanding on any channel.
    pub fn idle(&self) -> bool {
        self.reads.is_empty()
            && self.writes.is_empty()
            && self.w_early.is_empty()
            && self.b_queue.is_empty()
    }

    /// Forgets all bus state (for a DUT reset); memory contents, error ranges and results stay.
    pub fn reset(&mut self) {
        self.forget_dropped();
        self.stall_left = [0; 5];
        self.drv = Driven::default();
        self.ar_wait = None;
        self.aw_wait = None;
        self.w_wait = None;
        self.reads.clear();
        self.r_cur = None;
        self.writes.clear();
        self.w_early.clear();
        self.b_queue.clear();
    }

    fn violation(&mut self, cycle: u64, kind: ViolationKind, what: String) {
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(Violation {
                cycle,
                kind,
                what: format!("host_mem: {what}"),
            });
        } else {
            self.stats.violations_dropped += 1;
        }
    }

    /// `true` if `ch` is held this cycle by a stall burst (starting one at random).
    fn stalled(&mut self, ch: Ch) -> bool {
        if self.cfg.stall_prob <= 0.0 {
            return false;
        }
        let left = &mut self.stall_left[ch as usize];
        if *left > 0 {
            *left -= 1;
        } else if self.rng.gen_bool(self.cfg.stall_prob.min(1.0)) {
            self.stats.stall_bursts += 1;
            self.stall_left[ch as usize] = self.rng.gen_range(1..=self.cfg.stall_max.max(1)) - 1;
        } else {
            return false;
        }
        self.stats.stall_cycles += 1;
        true
    }

    /// An error response drawn at probability `p` (SLVERR or DECERR), or OKAY.
    fn injected_error(&mut self, p: f64) -> u8 {
        if !self.roll(p) {
            resp::OKAY
        } else if self.rng.gen_bool(0.5) {
            resp::SLVERR
        } else {
            resp::DECERR
        }
    }

    /// `true` if a burst at `start..end` is to be dropped by one of `rules` (which it uses up
    /// one time).
    fn take_drop(rules: &mut Vec<DropRule>, start: u64, end: u64) -> bool {
        let Some(i) = rules
            .iter()
            .position(|r| r.range.start < end && start < r.range.end)
        else {
            return false;
        };
        rules[i].count -= 1;
        if rules[i].count == 0 {
            rules.remove(i);
        }
        true
    }

    fn roll(&mut self, p: f64) -> bool {
        if p >= 1.0 {
            true
        } else if p <= 0.0 {
            false
        } else {
            self.rng.gen_bool(p)
        }
    }

    /// Checks an address request; returns the number of beats.
    fn check_addr(&mut self, cycle: u64, ch: &str, r: &AddrReq) -> u32 {
        let beats = u32::from(r.len) + 1;
        let bytes = self.cfg.data_bytes as u64;
        let want = bytes.trailing_zeros() as u8;
        if r.size != want {
            let what = format!("{ch}size {} (expected {want}) at {:#x}", r.size, r.addr);
            self.violation(cycle, ViolationKind::BadSize, what);
        }
        if r.burst != 1 {
            let what = format!("{ch}burst {} (only INCR = 1) at {:#x}", r.burst, r.addr);
            self.violation(cycle, ViolationKind::BadBurst, what);
        }
        let base = r.addr & !(bytes - 1);
        let last = base + u64::from(beats) * bytes - 1;
        if r.addr / PAGE != last / PAGE {
            let what = format!(
                "{ch} burst {:#x}..={last:#x} ({beats} beats) crosses a 4 KiB boundary",
                r.addr
            );
            self.violation(cycle, ViolationKind::Crosses4k, what);
        }
        beats
    }

    // ---- clocking ----

    /// Samples the wires just before rising edge `edge`: handshakes and checks.
    pub fn sample<P: AxiSlavePorts>(&mut self, p: &P, edge: u64) {
        self.sample_ar(p, edge);
        self.sample_aw(p, edge);
        self.sample_w(p, edge);
        // R
        if let Some(cur) = self.r_cur {
            if p.rready() {
                self.r_cur = None;
                self.stats.read_beats += 1;
                if cur.error {
                    self.stats.read_error_beats += 1;
                }
                match cur.idx {
                    None => self.stats.unsolicited_r += 1,
                    Some(idx) => {
                        if idx != 0 {
                            self.stats.reordered_beats += 1;
                        }
                        let burst = self.reads.get_mut(idx).expect("R beat without burst");
                        burst.next_beat += 1;
                        if cur.last {
                            self.reads.remove(idx);
                        }
                    }
                }
            }
        }
        // B
        if self.drv.bvalid && p.bready() {
            if self.drv.b_unsolicited {
                self.drv.b_unsolicited = false;
                self.stats.unsolicited_b += 1;
            } else if let Some(b) = self.b_queue.pop_front() {
                self.stats.write_responses += 1;
                if b.resp != resp::OKAY {
                    self.stats.write_error_responses += 1;
                }
            }
            self.drv.bvalid = false;
        }
    }

    fn sample_ar<P: AxiSlavePorts>(&mut self, p: &P, edge: u64) {
        let valid = p.arvalid();
        let req = valid.then(|| AddrReq {
            id: p.arid(),
            addr: p.araddr(),
            len: p.arlen(),
            size: p.arsize(),
            burst: p.arburst(),
        });
        if let Some(prev) = self.ar_wait.take() {
            match req {
                None => self.violation(
                    edge,
                    ViolationKind::ValidDropped,
                    format!("arvalid dropped before arready (araddr {:#x})", prev.addr),
                ),
                Some(r) if r != prev => self.violation(
                    edge,
                    ViolationKind::PayloadChanged,
                    format!("AR changed while waiting: {prev:?} -> {r:?}"),
                ),
                _ => {}
            }
        }
        let Some(r) = req else { return };
        if !self.drv.arready {
            self.ar_wait = Some(r);
            return;
        }
        let beats = self.check_addr(edge, "ar", &r);
        if beats > self.cfg.max_read_beats {
            let what = format!(
                "read burst of {beats} beats at {:#x} exceeds MAX_BURST {}",
                r.addr, self.cfg.max_read_beats
            );
            self.violation(edge, ViolationKind::BurstTooLong, what);
        }
        let bytes = self.cfg.data_bytes as u64;
        self.stats.read_bursts += 1;
        if self.cfg.record_bursts {
            self.bursts.push(BurstRecord {
                cycle: edge,
                write: false,
                id: r.id,
                addr: r.addr,
                beats,
            });
        }
        let base = r.addr & !(bytes - 1);
        let end = base + u64::from(beats) * bytes;
        let injected = |dropped| Injected {
            cycle: edge,
            write: false,
            dropped,
            range: base..end,
        };
        // Once a burst of an ID is dropped, every later one of that ID is too (until
        // `forget_dropped`): same-ID responses come in order, so answering a later burst would
        // only look like the lost one's data.
        if self.dropped_read_ids & (1 << (r.id % 64)) != 0
            || Self::take_drop(&mut self.drop_reads, r.addr, end)
            || self.roll(self.cfg.faults.read_drop_prob)
        {
            self.stats.dropped_reads += 1;
            self.dropped_read_ids |= 1 << (r.id % 64);
            self.injected.push(injected(true));
            return;
        }
        let resp = self.injected_error(self.cfg.faults.read_error_prob);
        if resp != resp::OKAY {
            self.stats.injected_read_errors += 1;
            self.injected.push(injected(false));
        }
        self.reads.push_back(ReadBurst {
            id: r.id,
            resp,
            addr: r.addr,
            base: r.addr & !(bytes - 1),
            beats,
            next_beat: 0,
            ready_at: edge + u64::from(self.cfg.read_latency.max(1)),
            warned: false,
        });
        self.stats.max_reads_outstanding = self.stats.max_reads_outstanding.max(self.reads.len());
    }

    fn sample_aw<P: AxiSlavePorts>(&mut self, p: &P, edge: u64) {
        let valid = p.awvalid();
        let req = valid.then(|| AddrReq {
            id: p.awid(),
            addr: p.awaddr(),
            len: p.awlen(),
            size: p.awsize(),
            burst: p.awburst(),
        });
        if let Some(prev) = self.aw_wait.take() {
            match req {
                None => self.violation(
                    edge,
                    ViolationKind::ValidDropped,
                    format!("awvalid dropped before awready (awaddr {:#x})", prev.addr),
                ),
                Some(r) if r != prev => self.violation(
                    edge,
                    ViolationKind::PayloadChanged,
                    format!("AW changed while waiting: {prev:?} -> {r:?}"),
                ),
                _ => {}
            }
        }
        let Some(r) = req else { return };
        if !self.drv.awready {
            self.aw_wait = Some(r);
            return;
        }
        let beats = self.check_addr(edge, "aw", &r);
        let bytes = self.cfg.data_bytes as u64;
        let base = r.addr & !(bytes - 1);
        let end = base + u64::from(beats) * bytes;
        let in_range = self
            .write_errors
            .iter()
            .any(|e| e.start < end && r.addr < e.end);
        let injected = self.injected_error(self.cfg.faults.write_error_prob);
        let record = |dropped| Injected {
            cycle: edge,
            write: true,
            dropped,
            range: base..end,
        };
        if injected != resp::OKAY {
            self.stats.injected_write_errors += 1;
            self.injected.push(record(false));
        }
        let resp = if in_range { resp::SLVERR } else { injected };
        // As for reads: after a lost B, no later B comes until `forget_dropped`.
        let drop_b = self.dropped_write
            || Self::take_drop(&mut self.drop_writes, r.addr, end)
            || self.roll(self.cfg.faults.write_drop_prob);
        if drop_b {
            self.stats.dropped_writes += 1;
            self.dropped_write = true;
            self.injected.push(record(true));
        }
        self.writes.push_back(WriteBurst {
            id: r.id,
            addr: r.addr,
            base,
            beats,
            next_beat: 0,
            resp,
            drop_b,
            staged: Vec::new(),
        });
        self.stats.write_bursts += 1;
        if self.cfg.record_bursts {
            self.bursts.push(BurstRecord {
                cycle: edge,
                write: true,
                id: r.id,
                addr: r.addr,
                beats,
            });
        }
        // W beats that arrived before this AW.
        while !self.w_early.is_empty() && !self.writes.is_empty() {
            let b = self.w_early.pop_front().expect("non-empty");
            self.apply_w(edge.max(b.cycle), &b.data, b.strb, b.last);
        }
    }

    fn sample_w<P: AxiSlavePorts>(&mut self, p: &P, edge: u64) {
        let valid = p.wvalid();
        if valid {
            p.wdata(&mut self.scratch);
        }
        if let Some((strb, last)) = self.w_wait.take() {
            if !valid {
                self.violation(
                    edge,
                    ViolationKind::ValidDropped,
                    "wvalid dropped before wready".into(),
                );
            } else if strb != p.wstrb() || last != p.wlast() || self.scratch != self.w_wait_data {
                self.violation(
                    edge,
                    ViolationKind::PayloadChanged,
                    "W data/strobe/last changed while waiting for wready".into(),
                );
            }
        }
        if !valid {
            return;
        }
        let (strb, last) = (p.wstrb(), p.wlast());
        if !self.drv.wready {
            self.w_wait = Some((strb, last));
            self.w_wait_data.copy_from_slice(&self.scratch);
            return;
        }
        self.stats.write_beats += 1;
        if self.writes.is_empty() {
            self.w_early.push_back(WBeat {
                data: self.scratch.clone(),
                strb,
                last,
                cycle: edge,
            });
        } else {
            let data = std::mem::take(&mut self.scratch);
            self.apply_w(edge, &data, strb, last);
            self.scratch = data;
        }
    }

    /// Applies one W beat to the oldest write burst.
    fn apply_w(&mut self, edge: u64, data: &[u8], strb: u64, last: bool) {
        let bytes = self.cfg.data_bytes as u64;
        let w = self.writes.front_mut().expect("apply_w without AW");
        let k = w.next_beat;
        let beat_base = w.base + u64::from(k) * bytes;
        let expect_last = k + 1 == w.beats;
        let (addr, error, id) = (w.addr, w.resp != resp::OKAY, w.id);
        w.next_beat += 1;
        let done = w.next_beat == w.beats;
        if last != expect_last {
            let what = format!(
                "wlast={} on beat {k} of the burst at {addr:#x} ({} beats)",
                u8::from(last),
                k + 1 + u32::from(!expect_last)
            );
            self.violation(edge, ViolationKind::WlastWrong, what);
        }
        if k == 0 {
            let below = lanes_mask((addr - beat_base) as usize);
            if strb & below != 0 {
                let what = format!("wstrb {strb:#x} sets lanes below the start address {addr:#x}");
                self.violation(edge, ViolationKind::WstrbOutside, what);
            }
        }
        if !error {
            let mut lane = 0;
            // Write runs of enabled lanes at once.
            while lane < bytes as usize {
                if strb & (1 << lane) == 0 {
                    lane += 1;
                    continue;
                }
                let start = lane;
                while lane < bytes as usize && strb & (1 << lane) != 0 {
                    lane += 1;
                }
                let w = self.writes.front_mut().expect("burst is open");
                w.staged
                    .push((beat_base + start as u64, data[start..lane].to_vec()));
            }
        }
        if done {
            let w = self.writes.pop_front().expect("burst is open");
            for (a, d) in &w.staged {
                self.write(*a, d);
            }
            if !w.drop_b {
                self.b_queue.push_back(BResp {
                    id,
                    resp: w.resp,
                    due: edge + u64::from(self.cfg.write_latency.max(1)),
                });
            }
        }
    }

    /// Drives the slave outputs for rising edge `next_edge`.
    pub fn drive<P: AxiSlavePorts>(&mut self, p: &mut P, next_edge: u64) {
        // An unsolicited beat holds ARREADY/AWREADY low from the cycle it is shown until it
        // is taken, so the master cannot make it solicited. (No random draw while the faults
        // are off: the ready and R choices below draw as they always did.)
        let unsolicited_r = self
            .r_cur
            .is_none()
            .then(|| self.choose_unsolicited_r())
            .flatten();
        let unsolicited_b = (!self.drv.bvalid)
            .then(|| self.choose_unsolicited_b())
            .flatten();
        let hold_ar = unsolicited_r.is_some() || self.r_cur.is_some_and(|c| c.idx.is_none());
        let hold_aw = unsolicited_b.is_some() || self.drv.b_unsolicited;
        let arready = self.reads.len() < self.cfg.max_reads
            && !hold_ar
            && !self.stalled(Ch::Ar)
            && self.roll(self.cfg.ar_accept_prob);
        let awready = self.writes.len() + self.b_queue.len() < self.cfg.max_writes
            && !hold_aw
            && !self.stalled(Ch::Aw)
            && self.roll(self.cfg.aw_accept_prob);
        let wready =
            self.w_early.len() < 256 && !self.stalled(Ch::W) && self.roll(self.cfg.w_accept_prob);
        self.drv.arready = arready;
        self.drv.awready = awready;
        self.drv.wready = wready;
        p.set_arready(arready);
        p.set_awready(awready);
        p.set_wready(wready);

        // R: a beat once shown stays until taken (the model's own stability).
        if self.r_cur.is_none() {
            let regular = match unsolicited_r {
                Some(_) => None,
                None if self.stalled(Ch::R) => None,
                None => self.choose_r(next_edge),
            };
            if let Some(id) = unsolicited_r {
                self.present_unsolicited_r(p, id);
            } else if let Some(idx) = regular {
                self.present_r(p, next_edge, idx);
            } else if self.drv.rvalid {
                p.set_rvalid(false);
                self.drv.rvalid = false;
            }
        }

        // B
        if !self.drv.bvalid {
            let due = self.b_queue.front().copied().filter(|b| next_edge >= b.due);
            let regular = match unsolicited_b {
                Some(_) => None,
                None if due.is_some() && self.stalled(Ch::B) => None,
                None => due,
            };
            if let Some(id) = unsolicited_b {
                p.set_bid(id);
                p.set_bresp(resp::OKAY);
                p.set_bvalid(true);
                self.drv.bvalid = true;
                self.drv.b_unsolicited = true;
            } else if let Some(b) = regular {
                p.set_bid(b.id);
                p.set_bresp(b.resp);
                p.set_bvalid(true);
                self.drv.bvalid = true;
            } else {
                p.set_bvalid(false);
            }
        }
    }

    /// The ID of an unsolicited R beat to send now, if one is asked for (or drawn) and its ID
    /// has nothing outstanding.
    fn choose_unsolicited_r(&mut self) -> Option<u32> {
        let free = |m: &Self, id: u32| {
            m.dropped_read_ids & (1 << (id % 64)) == 0 && !m.reads.iter().any(|r| r.id == id)
        };
        if let Some(&id) = self.unsolicited_r_req.front() {
            if free(self, id) {
                self.unsolicited_r_req.pop_front();
                return Some(id);
            }
        }
        if self.roll(self.cfg.faults.unsolicited_r_prob) {
            let id = self.rng.gen_range(0..2);
            return free(self, id).then_some(id);
        }
        None
    }

    /// The ID of an unsolicited B response to send now, if one is asked for (or drawn) and no
    /// write is outstanding.
    fn choose_unsolicited_b(&mut self) -> Option<u32> {
        let free = self.writes.is_empty() && self.b_queue.is_empty() && !self.dropped_write;
        if let Some(&id) = self.unsolicited_b_req.front() {
            if free {
                self.unsolicited_b_req.pop_front();
                return Some(id);
            }
        }
        if self.roll(self.cfg.faults.unsolicited_b_prob) {
            let id = self.rng.gen_range(0..2);
            return free.then_some(id);
        }
        None
    }

    fn present_unsolicited_r<P: AxiSlavePorts>(&mut self, p: &mut P, id: u32) {
        // Recognisable junk: a master that takes it as data sends 0xBD bytes.
        self.scratch.fill(0xBD);
        p.set_rdata(&self.scratch);
        p.set_rid(id);
        p.set_rresp(resp::OKAY);
        p.set_rlast(true);
        p.set_rvalid(true);
        self.drv.rvalid = true;
        self.r_cur = Some(RCur {
            idx: None,
            last: true,
            error: false,
        });
    }

    /// The burst (index in `reads`) whose next beat to present for `next_edge`, if any: the
    /// globally oldest burst once its latency has passed, or with `reorder_prob` the oldest
    /// ready burst of another ID. `None` also for a random gap. With `reorder_prob` 0 this draws
    /// exactly the random numbers the strict-order model drew, so old seeds replay the same.
    fn choose_r(&mut self, next_edge: u64) -> Option<usize> {
        let front = self.reads.front()?;
        let (front_id, front_ready) = (front.id, next_edge >= front.ready_at);
        self.r_heads.clear();
        if self.cfg.reorder_prob > 0.0 {
            for i in 1..self.reads.len() {
                let r = &self.reads[i];
                // Only an ID's oldest burst may send: same-ID order is the AXI4 rule.
                if r.id == front_id || self.reads.range(..i).any(|o| o.id == r.id) {
                    continue;
                }
                if next_edge >= r.ready_at {
                    self.r_heads.push(i);
                }
            }
        }
        if !front_ready && self.r_heads.is_empty() {
            return None;
        }
        if self.roll(self.cfg.r_gap_prob) {
            return None;
        }
        if !self.r_heads.is_empty() && self.roll(self.cfg.reorder_prob) {
            let k = match self.r_heads.len() {
                1 => 0,
                n => self.rng.gen_range(0..n),
            };
            return Some(self.r_heads[k]);
        }
        front_ready.then_some(0)
    }

    fn present_r<P: AxiSlavePorts>(&mut self, p: &mut P, next_edge: u64, idx: usize) {
        let bytes = self.cfg.data_bytes as u64;
        let r = &self.reads[idx];
        let beat_base = r.base + u64::from(r.next_beat) * bytes;
        let first = r.addr.max(beat_base);
        let end = beat_base + bytes;
        let last = r.next_beat + 1 == r.beats;
        let id = r.id;
        let in_range = self
            .read_errors
            .iter()
            .any(|e| e.start < end && first < e.end);
        let rresp = if in_range { resp::SLVERR } else { r.resp };
        let error = rresp != resp::OKAY;
        let mut data = std::mem::take(&mut self.scratch);
        if error {
            data.fill(0);
        } else {
            self.read_into(beat_base, &mut data);
        }
        if self.cfg.warn_uninit && !error && !self.reads[idx].warned && !self.is_written(first) {
            self.reads[idx].warned = true;
            let addr = self.reads[idx].addr;
            if self.warnings.len() < MAX_VIOLATIONS {
                self.warnings.push(Violation {
                    cycle: next_edge,
                    kind: ViolationKind::UninitRead,
                    what: format!(
                        "host_mem: burst at {addr:#x} reads never-written byte {first:#x}"
                    ),
                });
            }
        }
        p.set_rdata(&data);
        self.scratch = data;
        p.set_rid(id);
        p.set_rresp(rresp);
        p.set_rlast(last);
        p.set_rvalid(true);
        self.drv.rvalid = true;
        self.r_cur = Some(RCur {
            idx: Some(idx),
            last,
            error,
        });
    }
}

impl std::fmt::Debug for HostMem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostMem")
            .field("pages", &self.pages.len())
            .field("reads_outstanding", &self.reads.len())
            .field("writes_outstanding", &self.writes.len())
            .field("stats", &self.stats)
            .field("violations", &self.violations.len())
            .finish()
    }
}
