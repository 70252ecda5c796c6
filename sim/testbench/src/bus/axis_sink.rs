//! AXI4-Stream sink standing in for the MAC: collects frames and checks the stream rules of the
//! contract (`docs/architecture.md`): `TKEEP` all ones except on the last beat, contiguous from
//! lane 0 there; `TVALID` and the payload stable while stalled. `TREADY` is random with a
//! configurable probability (back-pressure), and long back-pressure bursts (a MAC pausing for
//! flow control) hold it low for up to `stall_max` cycles.

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{lanes_mask, AxisSinkPorts, Violation, ViolationKind, DEFAULT_DATA_BYTES};

/// Back-pressure and width of [`AxisSink`].
#[derive(Clone, Debug)]
pub struct AxisSinkConfig {
    /// Bytes per beat (`DATA_WIDTH / 8`); defaults to 8 (64 bits), the harness sets the model's.
    pub data_bytes: usize,
    /// Probability that `TREADY` is high in a cycle (1.0: never back-pressure).
    pub tready_prob: f64,
    /// Probability per cycle that a back-pressure burst starts: `TREADY` low for
    /// 1..=`stall_max` cycles (uniform). 0: none (and no random draw).
    pub stall_prob: f64,
    /// Longest back-pressure burst in cycles.
    pub stall_max: u32,
}

impl Default for AxisSinkConfig {
    fn default() -> Self {
        Self {
            data_bytes: DEFAULT_DATA_BYTES,
            tready_prob: 1.0,
            stall_prob: 0.0,
            stall_max: 0,
        }
    }
}

/// One received frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Bytes in wire order (the lanes `TKEEP` marked).
    pub data: Vec<u8>,
    /// `TUSER` on the last beat: the MAC must drop this frame.
    pub tuser: bool,
    /// Edge of the first beat's handshake.
    pub first_cycle: u64,
    /// Edge of the last beat's handshake.
    pub last_cycle: u64,
    /// Beats.
    pub beats: u32,
}

/// Counters of [`AxisSink`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AxisSinkStats {
    /// Beats taken.
    pub beats: u64,
    /// Frames completed.
    pub frames: u64,
    /// Bytes taken.
    pub bytes: u64,
    /// Edges with `TVALID` high and `TREADY` low.
    pub stall_cycles: u64,
    /// Back-pressure bursts started.
    pub stall_bursts: u64,
    /// Frames that ended with `TUSER` set (cut frames the MAC drops).
    pub tuser_frames: u64,
}

/// AXI4-Stream sink; see the module documentation.
#[derive(Debug)]
pub struct AxisSink {
    cfg: AxisSinkConfig,
    rng: ChaCha8Rng,
    tready: bool,
    cur: Option<Frame>,
    frames: VecDeque<Frame>,
    wait: Option<(u64, bool, bool)>,
    wait_data: Vec<u8>,
    scratch: Vec<u8>,
    violations: Vec<Violation>,
    stats: AxisSinkStats,
    /// Cycles left of the current back-pressure burst.
    stall_left: u32,
}

impl AxisSink {
    /// A sink with no frames; `seed` drives the random `TREADY`.
    pub fn new(cfg: AxisSinkConfig, seed: u64) -> Self {
        assert!(
            (1..=64).contains(&cfg.data_bytes),
            "data_bytes {} must be 1..=64",
            cfg.data_bytes
        );
        let n = cfg.data_bytes;
        Self {
            cfg,
            rng: ChaCha8Rng::seed_from_u64(seed),
            tready: false,
            cur: None,
            frames: VecDeque::new(),
            wait: None,
            wait_data: vec![0; n],
            scratch: vec![0; n],
            violations: Vec::new(),
            stats: AxisSinkStats::default(),
            stall_left: 0,
        }
    }

    /// Changes the `TREADY` probability mid-test.
    pub fn set_tready_prob(&mut self, p: f64) {
        self.cfg.tready_prob = p;
    }

    /// Received frames not yet popped, oldest first.
    pub fn frames(&self) -> &VecDeque<Frame> {
        &self.frames
    }

    /// The oldest received frame.
    pub fn pop_frame(&mut self) -> Option<Frame> {
        self.frames.pop_front()
    }

    /// All received frames, emptying the list.
    pub fn take_frames(&mut self) -> Vec<Frame> {
        self.frames.drain(..).collect()
    }

    /// `true` while a frame has started and not ended.
    pub fn in_frame(&self) -> bool {
        self.cur.is_some()
    }

    /// `true` while `tready` is driven low (back-pressure this cycle).
    pub fn holding_off(&self) -> bool {
        !self.tready
    }

    /// Keeps `tready` low for at least the next `cycles` edges (a MAC that stops), counted as a
    /// back-pressure burst.
    pub fn hold_off(&mut self, cycles: u32) {
        self.stats.stall_bursts += 1;
        self.stall_left = self.stall_left.max(cycles);
    }

    /// Counters.
    pub fn stats(&self) -> &AxisSinkStats {
        &self.stats
    }

    /// Protocol violations seen so far.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Takes the violations seen so far.
    pub fn take_violations(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.violations)
    }

    /// Drops a partial frame and the stall state (for a DUT reset); received frames stay.
    pub fn reset(&mut self) {
        self.cur = None;
        self.wait = None;
        self.tready = false;
        self.stall_left = 0;
    }

    fn violation(&mut self, cycle: u64, kind: ViolationKind, what: String) {
        if self.violations.len() < 1000 {
            self.violations.push(Violation {
                cycle,
                kind,
                what: format!("axis_sink: {what}"),
            });
        }
    }

    /// Samples the stream just before rising edge `edge`.
    pub fn sample<P: AxisSinkPorts>(&mut self, p: &P, edge: u64) {
        let valid = p.tvalid();
        if valid {
            p.tdata(&mut self.scratch);
        }
        if let Some((keep, last, user)) = self.wait.take() {
            if !valid {
                self.violation(
                    edge,
                    ViolationKind::ValidDropped,
                    "tvalid dropped before tready".into(),
                );
            } else if keep != p.tkeep()
                || last != p.tlast()
                || user != p.tuser()
                || self.scratch != self.wait_data
            {
                self.violation(
                    edge,
                    ViolationKind::PayloadChanged,
                    "tdata/tkeep/tlast/tuser changed while stalled".into(),
                );
            }
        }
        if !valid {
            return;
        }
        let (keep, last, user) = (p.tkeep(), p.tlast(), p.tuser());
        if !self.tready {
            self.stats.stall_cycles += 1;
            self.wait = Some((keep, last, user));
            self.wait_data.copy_from_slice(&self.scratch);
            return;
        }
        let full = lanes_mask(self.cfg.data_bytes);
        let contiguous = keep != 0 && keep & keep.wrapping_add(1) == 0 && keep & !full == 0;
        if !last && keep != full {
            let what = format!("tkeep {keep:#x} not all ones on a beat without tlast");
            self.violation(edge, ViolationKind::KeepNotFull, what);
        } else if last && !contiguous {
            let what = format!("tkeep {keep:#x} on the last beat is not contiguous from lane 0");
            self.violation(edge, ViolationKind::KeepNotContiguous, what);
        }
        let frame = self.cur.get_or_insert_with(|| Frame {
            data: Vec::new(),
            tuser: false,
            first_cycle: edge,
            last_cycle: edge,
            beats: 0,
        });
        if keep == full {
            frame.data.extend_from_slice(&self.scratch);
        } else {
            let lanes = self.scratch.iter().enumerate();
            frame
                .data
                .extend(lanes.filter(|(i, _)| keep & (1 << i) != 0).map(|(_, b)| *b));
        }
        frame.beats += 1;
        frame.last_cycle = edge;
        self.stats.beats += 1;
        self.stats.bytes += u64::from(keep.count_ones());
        if last {
            let mut f = self.cur.take().expect("frame in progress");
            f.tuser = user;
            self.frames.push_back(f);
            self.stats.frames += 1;
            self.stats.tuser_frames += u64::from(user);
        }
    }

    /// Drives `TREADY` for rising edge `next_edge`.
    pub fn drive<P: AxisSinkPorts>(&mut self, p: &mut P, _next_edge: u64) {
        let prob = self.cfg.tready_prob;
        self.tready = if self.stall_left > 0 {
            self.stall_left -= 1;
            false
        } else if self.cfg.stall_prob > 0.0 && self.rng.gen_bool(self.cfg.stall_prob.min(1.0)) {
            self.stats.stall_bursts += 1;
            self.stall_left = self.rng.gen_range(1..=self.cfg.stall_max.max(1)) - 1;
            false
        } else if prob >= 1.0 {
            true
        } else if prob <= 0.0 {
            false
        } else {
            self.rng.gen_bool(prob)
        };
        p.set_tready(self.tready);
    }
}
