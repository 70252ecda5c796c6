//! Bus models against scripted counterparts on plain-Rust wires (no DUT): host memory against a
//! fake AXI4 master, the AXI4-Stream sink against a fake source, the AXI4-Lite master against a
//! fake slave. Each cycle: both sides see the same wires at the edge (sample), then both drive.

use std::collections::VecDeque;
use std::ops::Range;

use ufo_testbench::bus::resp;
use ufo_testbench::bus::wires::{AxiWires, AxilWires, AxisWires};
use ufo_testbench::bus::{
    AxilMaster, AxilOp, AxisSink, AxisSinkConfig, BusFaults, HostMem, HostMemConfig, ViolationKind,
};

// ---------------------------------------------------------------------------------------------
// Host memory

#[derive(Clone, Copy, Debug)]
struct Ar {
    id: u32,
    addr: u64,
    len: u8,
    size: u8,
    burst: u8,
}

#[derive(Debug)]
struct Beat {
    id: u32,
    data: Vec<u8>,
    resp: u8,
    last: bool,
    edge: u64,
}

/// The host memory's defaults with `bytes`-wide beats; tests set their latencies and faults on
/// top (`HostMemConfig { read_latency: 3, ..mem_cfg(8) }`).
fn mem_cfg(bytes: usize) -> HostMemConfig {
    HostMemConfig {
        data_bytes: bytes,
        ..HostMemConfig::default()
    }
}

/// A scripted AXI4 master: one cycle is its handshakes at `edge` and the memory's, then both
/// drive for the next edge.
trait Master {
    fn cycle(&mut self, mem: &mut HostMem, w: &mut AxiWires, edge: u64);
}

/// Host memory under test (seeded) and the AXI4 wires between it and a scripted master.
struct Fixture {
    mem: HostMem,
    w: AxiWires,
}

impl Fixture {
    fn new(cfg: HostMemConfig, seed: u64) -> Self {
        let w = AxiWires::new(cfg.data_bytes);
        Self {
            mem: HostMem::new(cfg, seed),
            w,
        }
    }

    /// With [`pattern`] written at 0x1000..0x4000, the reads' usual source.
    fn with_pattern(mut self) -> Self {
        self.mem.write(0x1000, &pattern(0x1000, 0x3000));
        self
    }

    /// Runs `master` over the edges `edges`.
    fn run(&mut self, master: &mut impl Master, edges: Range<u64>) {
        for edge in edges {
            master.cycle(&mut self.mem, &mut self.w, edge);
        }
    }
}

/// A scripted AXI4 read master: issues its ARs back to back, ready for R always or, with
/// `rready_pct` below 100, in that percentage of cycles (checking that a waiting R beat stays).
struct FakeReader {
    ars: VecDeque<Ar>,
    accepted: Vec<u64>,
    beats: Vec<Beat>,
    rready_pct: u64,
    rng: u64,
    /// R payload (id, data, resp, last) seen valid and not taken at the last edge.
    held: Option<(u32, Vec<u8>, u8, bool)>,
    /// Edges where a waiting R beat had dropped or changed.
    unstable: Vec<u64>,
}

impl FakeReader {
    fn new(ars: &[Ar]) -> Self {
        Self {
            ars: ars.iter().copied().collect(),
            accepted: Vec::new(),
            beats: Vec::new(),
            rready_pct: 100,
            rng: 0x9E37_79B9_7F4A_7C15,
            held: None,
            unstable: Vec::new(),
        }
    }

    /// xorshift64: the reader's own randomness, independent of the memory's.
    fn next_rand(&mut self) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng
    }
}

impl Master for FakeReader {
    fn cycle(&mut self, mem: &mut HostMem, w: &mut AxiWires, edge: u64) {
        let ar_hs = w.arvalid && w.arready;
        if let Some((id, data, resp, last)) = self.held.take() {
            if !w.rvalid || w.rid != id || w.rdata != data || w.rresp != resp || w.rlast != last {
                self.unstable.push(edge);
            }
        }
        if w.rvalid && !w.rready {
            self.held = Some((w.rid, w.rdata.clone(), w.rresp, w.rlast));
        }
        if w.rvalid && w.rready {
            self.beats.push(Beat {
                id: w.rid,
                data: w.rdata.clone(),
                resp: w.rresp,
                last: w.rlast,
                edge,
            });
        }
        mem.sample(w, edge);
        if ar_hs {
            self.ars.pop_front();
            self.accepted.push(edge);
        }
        match self.ars.front() {
            Some(a) => {
                w.arvalid = true;
                w.arid = a.id;
                w.araddr = a.addr;
                w.arlen = a.len;
                w.arsize = a.size;
                w.arburst = a.burst;
            }
            None => w.arvalid = false,
        }
        w.rready = self.rready_pct >= 100 || self.next_rand() % 100 < self.rready_pct;
        mem.drive(w, edge + 1);
    }
}

fn incr(id: u32, addr: u64, beats: u8, bytes: usize) -> Ar {
    Ar {
        id,
        addr,
        len: beats - 1,
        size: bytes.trailing_zeros() as u8,
        burst: 1,
    }
}

fn pattern(addr: u64, len: usize) -> Vec<u8> {
    (0..len as u64)
        .map(|i| ((addr + i) * 7 + 3) as u8)
        .collect()
}

fn run_reads(cfg: HostMemConfig, ars: &[Ar], max_cycles: u64) -> (HostMem, FakeReader) {
    run_reads_with(cfg, ars, max_cycles, 100, |_| {})
}

/// [`run_reads`] with R ready in `rready_pct` percent of the cycles and `setup` applied to the
/// memory first.
fn run_reads_with(
    cfg: HostMemConfig,
    ars: &[Ar],
    max_cycles: u64,
    rready_pct: u64,
    setup: impl FnOnce(&mut HostMem),
) -> (HostMem, FakeReader) {
    let mut fx = Fixture::new(cfg, 42).with_pattern();
    setup(&mut fx.mem);
    let mut f = FakeReader::new(ars);
    f.rready_pct = rready_pct;
    let want: usize = ars.iter().map(|a| usize::from(a.len) + 1).sum();
    for edge in 0..max_cycles {
        f.cycle(&mut fx.mem, &mut fx.w, edge);
        if f.beats.len() == want && fx.mem.idle() {
            return (fx.mem, f);
        }
    }
    panic!(
        "reads not done in {max_cycles} cycles: {} of {want} beats",
        f.beats.len()
    );
}

#[test]
fn memory_sparse_read_write() {
    let mut mem = HostMem::new(HostMemConfig::default(), 1);
    assert_eq!(mem.read(0xdead_0000, 4), vec![0; 4]);
    assert!(!mem.is_written(0x2fff));
    // Spans a page boundary.
    mem.write(0x2ffe, &[1, 2, 3, 4]);
    assert_eq!(mem.read(0x2ffc, 8), vec![0, 0, 1, 2, 3, 4, 0, 0]);
    assert!(mem.is_written(0x2fff) && mem.is_written(0x3000));
    assert!(!mem.is_written(0x3002));
    let high = 0xffff_ffff_ffff_f000;
    mem.write(high, &[9; 16]);
    assert_eq!(mem.read(high + 8, 8), vec![9; 8]);
}

#[test]
fn reads_return_data_in_order_after_latency() {
    for bytes in [8usize, 16, 64] {
        let cfg = HostMemConfig {
            read_latency: 20,
            ..mem_cfg(bytes)
        };
        let ars = [
            incr(0, 0x1000, 4, bytes),
            incr(1, 0x1203, 2, bytes), // unaligned start: beats are aligned
            incr(0, 0x2000, 1, bytes),
        ];
        let (mem, f) = run_reads(cfg, &ars, 500);
        assert!(mem.violations().is_empty(), "{:?}", mem.violations());
        assert_eq!(f.beats.len(), 7);
        // First beat exactly `read_latency` edges after the AR handshake.
        assert_eq!(f.beats[0].edge, f.accepted[0] + 20);
        // Several bursts outstanding at once.
        assert_eq!(f.accepted.len(), 3);
        assert!(f.accepted[2] < f.beats[0].edge);
        assert!(mem.stats().max_reads_outstanding >= 3);
        let mut i = 0;
        for a in &ars {
            let base = a.addr & !(bytes as u64 - 1);
            for k in 0..=u64::from(a.len) {
                let b = &f.beats[i];
                assert_eq!(b.id, a.id);
                assert_eq!(b.resp, resp::OKAY);
                assert_eq!(b.last, k == u64::from(a.len));
                let beat_addr = base + k * bytes as u64;
                assert_eq!(b.data, pattern(beat_addr, bytes), "beat at {beat_addr:#x}");
                i += 1;
            }
        }
    }
}

/// 20 reads of 16 eight-byte beats over 0x1000..0x1a00 on `ids` IDs in turn, run to the end:
/// no protocol violation, the data in AR order.
fn run_20_reads(cfg: HostMemConfig, ids: u32) -> (HostMem, FakeReader) {
    let ars: Vec<Ar> = (0..20)
        .map(|i| incr(i % ids, 0x1000 + 0x80 * u64::from(i), 16, 8))
        .collect();
    let (mem, f) = run_reads(cfg, &ars, 50_000);
    assert!(mem.violations().is_empty(), "{:?}", mem.violations());
    let data: Vec<u8> = f.beats.iter().flat_map(|b| b.data.clone()).collect();
    assert_eq!(data, pattern(0x1000, 20 * 0x80));
    (mem, f)
}

#[test]
fn random_ready_and_gaps_keep_data_and_order() {
    let cfg = HostMemConfig {
        read_latency: 5,
        ar_accept_prob: 0.3,
        r_gap_prob: 0.5,
        ..mem_cfg(8)
    };
    let (_, f) = run_20_reads(cfg, 4);
    // Gaps happened: 320 beats took clearly more than 320 cycles after the first.
    let span = f.beats.last().unwrap().edge - f.beats[0].edge;
    assert!(span > 400, "span {span}");
}

/// Checks each ID's beats against that ID's ARs in AR order (data, `RLAST`, and `RRESP`
/// SLVERR where `is_err(first byte, end)` says so) and returns, per AR, the edges of its first
/// and last beat. Beats of different IDs may come in any order.
fn check_per_id(
    ars: &[Ar],
    beats: &[Beat],
    bytes: usize,
    is_err: impl Fn(u64, u64) -> bool,
) -> Vec<(u64, u64)> {
    let mut spans = vec![(0, 0); ars.len()];
    let mut ids: Vec<u32> = ars.iter().map(|a| a.id).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let mine: Vec<&Beat> = beats.iter().filter(|b| b.id == id).collect();
        let mut i = 0;
        for (n, a) in ars.iter().enumerate().filter(|(_, a)| a.id == id) {
            let base = a.addr & !(bytes as u64 - 1);
            for k in 0..=u64::from(a.len) {
                let b = mine
                    .get(i)
                    .unwrap_or_else(|| panic!("ID {id}: beat {i} missing"));
                let beat_addr = base + k * bytes as u64;
                let err = is_err(a.addr.max(beat_addr), beat_addr + bytes as u64);
                let what = format!("ID {id}, burst {n} at {:#x}, beat {k}", a.addr);
                if err {
                    assert_eq!(b.resp, resp::SLVERR, "{what}");
                    assert_eq!(b.data, vec![0; bytes], "{what}");
                } else {
                    assert_eq!(b.resp, resp::OKAY, "{what}");
                    assert_eq!(b.data, pattern(beat_addr, bytes), "{what}");
                }
                assert_eq!(b.last, k == u64::from(a.len), "{what}");
                if k == 0 {
                    spans[n].0 = b.edge;
                }
                spans[n].1 = b.edge;
                i += 1;
            }
        }
        assert_eq!(i, mine.len(), "ID {id}: more beats than its ARs asked for");
    }
    spans
}

/// Two bursts of ID 0, then two of ID 1, issued back to back.
fn two_id_ars(bytes: usize) -> [Ar; 4] {
    [
        incr(0, 0x1000, 4, bytes),
        incr(0, 0x1105, 2, bytes),
        incr(1, 0x1200, 4, bytes),
        incr(1, 0x1300, 3, bytes),
    ]
}

#[test]
fn reorder_one_serves_other_ids_first_and_interleaves_beats() {
    for bytes in [8usize, 16, 64] {
        let cfg = HostMemConfig {
            read_latency: 5,
            reorder_prob: 1.0,
            ..mem_cfg(bytes)
        };
        let ars = two_id_ars(bytes);
        let (mem, f) = run_reads(cfg, &ars, 200);
        assert!(mem.violations().is_empty(), "{:?}", mem.violations());
        let spans = check_per_id(&ars, &f.beats, bytes, |_, _| false);
        // ARs accepted on consecutive edges; no burst starts before its latency.
        assert_eq!(f.accepted.len(), 4);
        for (n, s) in spans.iter().enumerate() {
            assert!(
                s.0 >= f.accepted[n] + 5,
                "burst {n} started early: {spans:?}"
            );
        }
        // Burst 0 (ID 0) starts alone; from the edge ID 1 is ready, ID 1 goes first every time:
        // both ID 1 bursts interrupt burst 0, which resumes after them; burst 1 (ID 0) comes last.
        let ids: Vec<u32> = f.beats.iter().map(|b| b.id).collect();
        assert_eq!(
            ids,
            vec![0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
            "bytes {bytes}"
        );
        assert!(
            spans[0].0 < spans[2].0 && spans[3].1 < spans[0].1,
            "{spans:?}"
        );
        assert!(
            spans[2].1 < spans[1].0,
            "ID 1 overtook the older ID 0 burst: {spans:?}"
        );
        // Back to back on R: the beats of all IDs share the channel without gaps.
        assert!(f.beats.windows(2).all(|w| w[1].edge == w[0].edge + 1));
        assert_eq!(mem.stats().reordered_beats, 7);
        assert_eq!(mem.stats().read_beats, 13);
    }
}

#[test]
fn reorder_zero_keeps_strict_ar_order() {
    let bytes = 8;
    let cfg = HostMemConfig {
        read_latency: 5,
        ar_accept_prob: 0.5,
        r_gap_prob: 0.3,
        reorder_prob: 0.0,
        ..mem_cfg(bytes)
    };
    let ars = two_id_ars(bytes);
    let (mem, f) = run_reads_with(cfg, &ars, 500, 60, |_| {});
    assert!(mem.violations().is_empty(), "{:?}", mem.violations());
    assert!(
        f.unstable.is_empty(),
        "R beat changed while waiting: {:?}",
        f.unstable
    );
    check_per_id(&ars, &f.beats, bytes, |_, _| false);
    // Globally in AR order: burst after burst, no interleaving.
    let want: Vec<u32> = ars
        .iter()
        .flat_map(|a| std::iter::repeat_n(a.id, usize::from(a.len) + 1))
        .collect();
    let ids: Vec<u32> = f.beats.iter().map(|b| b.id).collect();
    assert_eq!(ids, want);
    let data: Vec<u8> = f.beats[..6].iter().flat_map(|b| b.data.clone()).collect();
    assert_eq!(data[..32], pattern(0x1000, 32)[..]);
    assert_eq!(mem.stats().reordered_beats, 0);
}

#[test]
fn random_reorder_keeps_per_id_order_latency_errors_and_stability() {
    let bytes = 8;
    let latency = 6;
    let cfg = HostMemConfig {
        read_latency: latency,
        ar_accept_prob: 0.7,
        r_gap_prob: 0.2,
        reorder_prob: 0.5,
        ..mem_cfg(bytes)
    };
    // 40 bursts of 1..=16 beats over 4 IDs, some starting unaligned; a few beats answer SLVERR.
    let ars: Vec<Ar> = (0..40u32)
        .map(|i| {
            let beats = (i * 7 % 16 + 1) as u8;
            incr(
                i * 5 % 4,
                0x1000 + 0x80 * u64::from(i) + u64::from(i % 3),
                beats,
                bytes,
            )
        })
        .collect();
    let bad = 0x1a10..0x1a30;
    let (mem, f) = run_reads_with(cfg, &ars, 20_000, 60, |m| m.add_read_error(bad.clone()));
    assert!(mem.violations().is_empty(), "{:?}", mem.violations());
    assert!(
        f.unstable.is_empty(),
        "R beat changed while waiting: {:?}",
        f.unstable
    );
    let spans = check_per_id(&ars, &f.beats, bytes, |a, e| a < bad.end && bad.start < e);
    for (n, s) in spans.iter().enumerate() {
        assert!(
            s.0 >= f.accepted[n] + u64::from(latency),
            "burst {n}: {spans:?}"
        );
    }
    assert!(f.beats.iter().any(|b| b.resp == resp::SLVERR));
    // Out of order: some burst finished before an older one of another ID started.
    let overtaken = (0..ars.len())
        .any(|m| (m + 1..ars.len()).any(|n| ars[n].id != ars[m].id && spans[n].1 < spans[m].0));
    assert!(overtaken, "{spans:?}");
    // Interleaved: a burst's beats were interrupted by another ID's beat.
    let interleaved = (0..ars.len()).any(|m| {
        f.beats
            .iter()
            .any(|b| b.id != ars[m].id && spans[m].0 < b.edge && b.edge < spans[m].1)
    });
    assert!(interleaved, "{spans:?}");
    assert!(mem.stats().reordered_beats > 0);
}

#[test]
fn read_error_range_answers_slverr() {
    let bytes = 8;
    let mut fx = Fixture::new(
        HostMemConfig {
            read_latency: 3,
            ..mem_cfg(bytes)
        },
        1,
    );
    fx.mem.add_read_error(0x1010..0x1018);
    let mut f = FakeReader::new(&[incr(0, 0x1000, 4, bytes)]);
    fx.run(&mut f, 0..50);
    let resps: Vec<u8> = f.beats.iter().map(|b| b.resp).collect();
    assert_eq!(
        resps,
        vec![resp::OKAY, resp::OKAY, resp::SLVERR, resp::OKAY]
    );
    assert_eq!(fx.mem.stats().read_error_beats, 1);
}

#[test]
fn checker_flags_4k_crossing_size_burst_and_length() {
    let bytes = 8;
    let cfg = HostMemConfig {
        read_latency: 2,
        ..mem_cfg(bytes)
    };
    let ars = [
        incr(0, 0x1ff8, 2, bytes), // 0x1ff8..=0x2007 crosses 0x2000
        incr(0, 0x1fc0, 8, bytes), // ends exactly at 0x1fff: fine
        Ar {
            size: 2,
            ..incr(0, 0x1000, 1, bytes)
        },
        Ar {
            burst: 2,
            ..incr(0, 0x1000, 1, bytes)
        },
        incr(0, 0x1000, 17, bytes), // MAX_BURST is 16
    ];
    let (mem, _) = run_reads(cfg, &ars, 500);
    let kinds: Vec<ViolationKind> = mem.violations().iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ViolationKind::Crosses4k,
            ViolationKind::BadSize,
            ViolationKind::BadBurst,
            ViolationKind::BurstTooLong
        ],
        "{:?}",
        mem.violations()
    );
    assert!(mem.violations()[0].what.contains("0x1ff8"));
}

#[test]
fn checker_flags_arvalid_dropped_and_changed() {
    let Fixture { mut mem, mut w } = Fixture::new(
        HostMemConfig {
            ar_accept_prob: 0.0,
            ..mem_cfg(8)
        },
        1,
    );
    let script = [Some(0x1000u64), Some(0x1000), Some(0x1040), None, None];
    for (edge, s) in script.iter().enumerate() {
        w.arvalid = s.is_some();
        w.araddr = s.unwrap_or(0);
        w.arsize = 3;
        w.arburst = 1;
        mem.sample(&w, edge as u64);
        mem.drive(&mut w, edge as u64 + 1);
        assert!(!w.arready);
    }
    let v = mem.violations();
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!((v[0].kind, v[0].cycle), (ViolationKind::PayloadChanged, 2));
    assert_eq!((v[1].kind, v[1].cycle), (ViolationKind::ValidDropped, 3));
}

/// A scripted write: AW and W driven as the test says, B always ready.
struct WriteScript {
    aw: VecDeque<Ar>,
    /// W beats: data, strobes, WLAST.
    w: VecDeque<(Vec<u8>, u64, bool)>,
    /// B taken: ID, response, edge.
    b: Vec<(u32, u8, u64)>,
    /// No AW before this edge.
    aw_delay: u64,
}

impl WriteScript {
    fn new(
        aw: impl IntoIterator<Item = Ar>,
        w: impl IntoIterator<Item = (Vec<u8>, u64, bool)>,
    ) -> Self {
        Self {
            aw: aw.into_iter().collect(),
            w: w.into_iter().collect(),
            b: Vec::new(),
            aw_delay: 0,
        }
    }
}

impl Master for WriteScript {
    fn cycle(&mut self, mem: &mut HostMem, wires: &mut AxiWires, edge: u64) {
        let aw_hs = wires.awvalid && wires.awready;
        let w_hs = wires.wvalid && wires.wready;
        if wires.bvalid && wires.bready {
            self.b.push((wires.bid, wires.bresp, edge));
        }
        mem.sample(wires, edge);
        if aw_hs {
            self.aw.pop_front();
        }
        if w_hs {
            self.w.pop_front();
        }
        match self.aw.front().filter(|_| edge + 1 >= self.aw_delay) {
            Some(a) => {
                wires.awvalid = true;
                wires.awid = a.id;
                wires.awaddr = a.addr;
                wires.awlen = a.len;
                wires.awsize = a.size;
                wires.awburst = a.burst;
            }
            None => wires.awvalid = false,
        }
        match self.w.front() {
            Some((d, strb, last)) => {
                wires.wvalid = true;
                wires.wdata.clone_from(d);
                wires.wstrb = *strb;
                wires.wlast = *last;
            }
            None => wires.wvalid = false,
        }
        wires.bready = true;
        mem.drive(wires, edge + 1);
    }
}

#[test]
fn writes_with_strobes_w_before_aw_and_b_latency() {
    let bytes = 16;
    let mut fx = Fixture::new(
        HostMemConfig {
            write_latency: 7,
            aw_accept_prob: 0.5,
            w_accept_prob: 0.5,
            ..mem_cfg(bytes)
        },
        3,
    );
    fx.mem.write(0x4000, &[0xee; 64]);
    let mut s = WriteScript::new(
        [incr(5, 0x4004, 2, bytes)],
        [
            (vec![0x11; 16], 0xfff0, false), // lanes 4..15 (start address 0x4004)
            (vec![0x22; 16], 0x00ff, true),  // lanes 0..7
        ],
    );
    s.aw_delay = 10; // W runs ahead of AW
    fx.run(&mut s, 0..200);
    let mem = &fx.mem;
    assert!(mem.violations().is_empty(), "{:?}", mem.violations());
    assert_eq!(s.b.len(), 1);
    assert_eq!((s.b[0].0, s.b[0].1), (5, resp::OKAY));
    let mut want = vec![0xee; 4];
    want.extend([0x11; 12]);
    want.extend([0x22; 8]);
    want.extend([0xee; 8]);
    assert_eq!(mem.read(0x4000, 32), want);
    assert_eq!(mem.stats().write_beats, 2);
}

#[test]
fn checker_flags_wlast_and_strobe_below_start() {
    let bytes = 8;
    let mut fx = Fixture::new(
        HostMemConfig {
            write_latency: 1,
            ..mem_cfg(bytes)
        },
        3,
    );
    let mut s = WriteScript::new(
        [incr(0, 0x5002, 2, bytes), incr(0, 0x6000, 1, bytes)],
        [
            (vec![1; 8], 0xff, true),  // lanes 0,1 below 0x5002; wlast on beat 0 of 2
            (vec![2; 8], 0xff, true),  // beat 1 of 2: right
            (vec![3; 8], 0xff, false), // single-beat burst without wlast
        ],
    );
    fx.run(&mut s, 0..50);
    let mem = &fx.mem;
    let kinds: Vec<ViolationKind> = mem.violations().iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ViolationKind::WlastWrong,
            ViolationKind::WstrbOutside,
            ViolationKind::WlastWrong
        ],
        "{:?}",
        mem.violations()
    );
    assert_eq!(s.b.len(), 2);
}

#[test]
fn write_error_range_answers_slverr_and_writes_nothing() {
    let bytes = 8;
    let mut fx = Fixture::new(
        HostMemConfig {
            write_latency: 2,
            ..mem_cfg(bytes)
        },
        1,
    );
    fx.mem.add_write_error(0x7000..0x7008);
    let mut s = WriteScript::new([incr(2, 0x7000, 1, bytes)], [(vec![9; 8], 0xff, true)]);
    fx.run(&mut s, 0..20);
    assert_eq!((s.b[0].0, s.b[0].1), (2, resp::SLVERR));
    assert!(!fx.mem.is_written(0x7000));
}

#[test]
fn uninit_read_warning_when_enabled() {
    let bytes = 8;
    let mut fx = Fixture::new(
        HostMemConfig {
            read_latency: 1,
            warn_uninit: true,
            record_bursts: true,
            ..mem_cfg(bytes)
        },
        1,
    );
    fx.mem.write(0x1000, &[1; 8]);
    let mut f = FakeReader::new(&[incr(0, 0x1000, 1, bytes), incr(0, 0x9000, 1, bytes)]);
    fx.run(&mut f, 0..20);
    let mem = &fx.mem;
    assert_eq!(mem.warnings().len(), 1, "{:?}", mem.warnings());
    assert_eq!(mem.warnings()[0].kind, ViolationKind::UninitRead);
    assert!(mem.violations().is_empty());
    let addrs: Vec<u64> = mem.bursts().iter().map(|b| b.addr).collect();
    assert_eq!(addrs, vec![0x1000, 0x9000]);
}

// ---------------------------------------------------------------------------------------------
// AXI4-Stream sink

/// A scripted stream source: sends its beats in order, holding each until taken.
fn run_stream(
    sink: &mut AxisSink,
    bytes: usize,
    beats: &[(Vec<u8>, u64, bool, bool)],
    max_cycles: u64,
) {
    let mut w = AxisWires::new(bytes);
    let mut q: VecDeque<_> = beats.iter().cloned().collect();
    for edge in 0..max_cycles {
        let hs = w.tvalid && w.tready;
        sink.sample(&w, edge);
        if hs {
            q.pop_front();
        }
        match q.front() {
            Some((d, keep, last, user)) => {
                w.tvalid = true;
                w.tdata.clone_from(d);
                w.tkeep = *keep;
                w.tlast = *last;
                w.tuser = *user;
            }
            None => w.tvalid = false,
        }
        sink.drive(&mut w, edge + 1);
        if q.is_empty() && !w.tvalid {
            return;
        }
    }
    panic!("stream not drained in {max_cycles} cycles");
}

fn beats_of(frame: &[u8], bytes: usize, user: bool) -> Vec<(Vec<u8>, u64, bool, bool)> {
    let chunks: Vec<&[u8]> = frame.chunks(bytes).collect();
    let n = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut d = c.to_vec();
            d.resize(bytes, 0xa5); // junk in unused lanes
            let keep = if c.len() == 64 {
                u64::MAX
            } else {
                (1u64 << c.len()) - 1
            };
            (d, keep, i + 1 == n, user && i + 1 == n)
        })
        .collect()
}

#[test]
fn sink_assembles_frames_under_backpressure() {
    for bytes in [8usize, 32, 64] {
        let mut sink = AxisSink::new(
            AxisSinkConfig {
                data_bytes: bytes,
                tready_prob: 0.4,
                ..AxisSinkConfig::default()
            },
            9,
        );
        let f1: Vec<u8> = (0..61).map(|i| i as u8).collect();
        let f2: Vec<u8> = (0..3 * bytes).map(|i| (i * 3) as u8).collect();
        let f3 = vec![0x77];
        let mut beats = beats_of(&f1, bytes, false);
        beats.extend(beats_of(&f2, bytes, true));
        beats.extend(beats_of(&f3, bytes, false));
        run_stream(&mut sink, bytes, &beats, 10_000);
        assert!(sink.violations().is_empty(), "{:?}", sink.violations());
        let frames = sink.take_frames();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].data, f1);
        assert!(!frames[0].tuser);
        assert_eq!(frames[1].data, f2);
        assert!(frames[1].tuser);
        assert_eq!(frames[1].beats, 3);
        assert_eq!(frames[2].data, f3);
        assert!(frames[0].first_cycle <= frames[0].last_cycle);
        assert!(frames[0].last_cycle < frames[1].first_cycle);
        assert!(sink.stats().stall_cycles > 0);
        assert_eq!(sink.stats().bytes, (61 + 3 * bytes + 1) as u64);
    }
}

#[test]
fn sink_flags_keep_rules() {
    let bytes = 8;
    let mut sink = AxisSink::new(
        AxisSinkConfig {
            data_bytes: bytes,
            tready_prob: 1.0,
            ..AxisSinkConfig::default()
        },
        1,
    );
    let beats = vec![
        (vec![1; 8], 0x7f, false, false), // not full on a middle beat
        (vec![2; 8], 0x05, true, false),  // last beat with a hole
        (vec![3; 8], 0x00, true, false),  // last beat with no byte
        (vec![4; 8], 0x0f, true, false),  // fine
    ];
    run_stream(&mut sink, bytes, &beats, 100);
    let kinds: Vec<ViolationKind> = sink.violations().iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ViolationKind::KeepNotFull,
            ViolationKind::KeepNotContiguous,
            ViolationKind::KeepNotContiguous
        ]
    );
    assert_eq!(sink.frames().len(), 3);
    assert_eq!(sink.frames()[2].data, vec![4; 4]);
}

#[test]
fn sink_flags_unstable_stream() {
    let bytes = 8;
    let mut sink = AxisSink::new(
        AxisSinkConfig {
            data_bytes: bytes,
            tready_prob: 0.0,
            ..AxisSinkConfig::default()
        },
        1,
    );
    let mut w = AxisWires::new(bytes);
    // Edge 0: valid; edge 1: data changes; edge 2: valid drops. Never ready.
    let script = [(true, 1u8), (true, 2), (false, 2)];
    for (edge, (v, d)) in script.iter().enumerate() {
        w.tvalid = *v;
        w.tdata = vec![*d; 8];
        w.tkeep = 0xff;
        w.tlast = true;
        sink.sample(&w, edge as u64);
        sink.drive(&mut w, edge as u64 + 1);
    }
    let kinds: Vec<ViolationKind> = sink.violations().iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        vec![ViolationKind::PayloadChanged, ViolationKind::ValidDropped]
    );
    assert!(sink.frames().is_empty());
}

// ---------------------------------------------------------------------------------------------
// AXI4-Lite master

/// A scripted register slave: takes AW and W on different edges, answers after `delay` cycles.
struct FakeRegs {
    regs: [u32; 64],
    aw: Option<u32>,
    w: Option<(u32, u8)>,
    ar: Option<u32>,
    pending: Option<(u64, bool, u32)>, // (due edge, is read, data)
    respond: bool,
}

impl FakeRegs {
    fn cycle(&mut self, m: &mut AxilMaster, w: &mut AxilWires, edge: u64) {
        let aw_hs = w.awvalid && w.awready;
        let w_hs = w.wvalid && w.wready;
        let ar_hs = w.arvalid && w.arready;
        let b_hs = w.bvalid && w.bready;
        let r_hs = w.rvalid && w.rready;
        m.sample(w, edge);
        if aw_hs {
            self.aw = Some(w.awaddr);
        }
        if w_hs {
            self.w = Some((w.wdata, w.wstrb));
        }
        if ar_hs {
            self.ar = Some(w.araddr);
        }
        if b_hs {
            w.bvalid = false;
        }
        if r_hs {
            w.rvalid = false;
        }
        if let (Some(a), Some((d, s))) = (self.aw, self.w) {
            let mut v = self.regs[(a / 4) as usize % 64];
            for lane in 0..4 {
                if s & (1 << lane) != 0 {
                    let m = 0xffu32 << (8 * lane);
                    v = (v & !m) | (d & m);
                }
            }
            self.regs[(a / 4) as usize % 64] = v;
            self.aw = None;
            self.w = None;
            self.pending = Some((edge + 3, false, 0));
        }
        if let Some(a) = self.ar.take() {
            self.pending = Some((edge + 3, true, self.regs[(a / 4) as usize % 64]));
        }
        if let Some((due, read, data)) = self.pending {
            if edge + 1 >= due && self.respond {
                if read {
                    w.rvalid = true;
                    w.rdata = data;
                    w.rresp = resp::OKAY;
                } else {
                    w.bvalid = true;
                    w.bresp = if self.regs[63] == 0 {
                        resp::OKAY
                    } else {
                        resp::SLVERR
                    };
                }
                self.pending = None;
            }
        }
        // AW on even edges, W on odd ones: the master must handle them apart.
        w.awready = edge.is_multiple_of(2);
        w.wready = edge % 2 == 1;
        w.arready = edge.is_multiple_of(3);
        m.drive(w, edge + 1);
    }
}

#[test]
fn axil_master_writes_and_reads() {
    let mut m = AxilMaster::new();
    let mut w = AxilWires::default();
    let mut s = FakeRegs {
        regs: [0; 64],
        aw: None,
        w: None,
        ar: None,
        pending: None,
        respond: true,
    };
    m.write(0x10, 0x1234_5678);
    m.push(AxilOp::Write {
        addr: 0x10,
        data: 0xaaaa_aaaa,
        strb: 0b0100,
    });
    m.read(0x10);
    let mut edge = 0;
    while m.busy() {
        s.cycle(&mut m, &mut w, edge);
        edge += 1;
        assert!(edge < 200, "BFM stuck");
    }
    assert!(m.violations().is_empty(), "{:?}", m.violations());
    let r: Vec<_> = std::iter::from_fn(|| m.pop_result()).collect();
    assert_eq!(r.len(), 3);
    assert_eq!(r[2].data, 0x12aa_5678);
    assert!(r.iter().all(|x| x.resp == resp::OKAY));
    assert!(r[0].end_cycle > r[0].start_cycle + 2, "real cycles");
    // Error response comes back as data, not a panic.
    s.regs[63] = 1;
    m.write(0x0, 1);
    while m.busy() {
        s.cycle(&mut m, &mut w, edge);
        edge += 1;
        assert!(edge < 400, "BFM stuck");
    }
    assert_eq!(m.pop_result().unwrap().resp, resp::SLVERR);
}

#[test]
fn axil_master_waits_without_hanging_and_flags_unexpected_responses() {
    let mut m = AxilMaster::new();
    let mut w = AxilWires::default();
    let mut s = FakeRegs {
        regs: [0; 64],
        aw: None,
        w: None,
        ar: None,
        pending: None,
        respond: false,
    };
    m.read(0x4);
    for edge in 0..100 {
        s.cycle(&mut m, &mut w, edge);
    }
    assert!(
        m.busy(),
        "no response: still waiting (the Tb's timeout ends this)"
    );
    m.reset();
    // A response with nothing outstanding.
    w.bvalid = true;
    m.sample(&w, 200);
    assert_eq!(m.violations()[0].kind, ViolationKind::Unexpected);
}

// ---------------------------------------------------------------------------------------------
// Fault injection

#[test]
fn stall_bursts_on_every_channel_keep_data_and_are_counted() {
    let cfg = HostMemConfig {
        read_latency: 3,
        stall_prob: 0.05,
        stall_max: 40,
        ..mem_cfg(8)
    };
    let (mem, f) = run_20_reads(cfg.clone(), 2);
    let s = mem.stats();
    assert!(s.stall_bursts > 10, "{s:?}");
    assert!(s.stall_cycles >= s.stall_bursts, "{s:?}");
    // Long runs without a beat: longer than any run without stall bursts could be.
    let longest = f.beats.windows(2).map(|w| w[1].edge - w[0].edge).max();
    assert!(longest.unwrap() > 10, "longest gap {longest:?}");
    // The same seed with bursts off draws nothing more: no burst, shorter run.
    let (quiet, g) = run_20_reads(
        HostMemConfig {
            stall_prob: 0.0,
            ..cfg
        },
        2,
    );
    assert_eq!(
        (quiet.stats().stall_bursts, quiet.stats().stall_cycles),
        (0, 0)
    );
    assert!(g.beats.last().unwrap().edge < f.beats.last().unwrap().edge);
}

#[test]
fn random_read_errors_answer_whole_bursts_with_slverr_or_decerr() {
    let bytes = 8;
    let cfg = HostMemConfig {
        read_latency: 2,
        faults: BusFaults {
            read_error_prob: 0.5,
            ..BusFaults::default()
        },
        ..mem_cfg(bytes)
    };
    let ars: Vec<Ar> = (0..40u32)
        .map(|i| incr(0, 0x1000 + 0x40 * u64::from(i), 4, bytes))
        .collect();
    let (mem, f) = run_reads(cfg, &ars, 10_000);
    let mut errored = 0;
    let mut codes = std::collections::HashSet::new();
    for burst in f.beats.chunks(4) {
        let r = burst[0].resp;
        assert!(burst.iter().all(|b| b.resp == r), "one response per burst");
        if r != resp::OKAY {
            errored += 1;
            codes.insert(r);
        }
    }
    assert_eq!(errored, mem.stats().injected_read_errors);
    assert!((5..35).contains(&errored), "{errored} of 40");
    assert_eq!(codes.len(), 2, "both SLVERR and DECERR: {codes:?}");
    assert_eq!(mem.stats().read_error_beats, 4 * errored);
}

#[test]
fn dropped_read_burst_never_answers_and_others_go_on() {
    let bytes = 8;
    let ars = [
        incr(0, 0x1000, 2, bytes),
        incr(0, 0x2000, 2, bytes), // dropped
        incr(1, 0x1100, 2, bytes), // another ID: answered
        incr(0, 0x1200, 2, bytes), // same ID after the drop: dropped too
    ];
    let mut fx = Fixture::new(
        HostMemConfig {
            read_latency: 2,
            ..mem_cfg(bytes)
        },
        5,
    )
    .with_pattern();
    fx.mem.drop_reads_in(0x2000..0x2001, 1);
    let mut f = FakeReader::new(&ars);
    fx.run(&mut f, 0..200);
    assert_eq!(f.accepted.len(), 4, "all four ARs accepted");
    assert_eq!(
        f.beats.len(),
        4,
        "the ID 0 bursts from the dropped one on never come"
    );
    assert_eq!(f.beats[2].data, pattern(0x1100, 8));
    assert_eq!(f.beats[2].id, 1);
    assert_eq!(fx.mem.stats().dropped_reads, 2);
    assert!(fx.mem.idle(), "nothing left in the model");
    // After the master gave up (soft reset), ID 0 is answered again.
    fx.mem.forget_dropped();
    let mut f = FakeReader::new(&[incr(0, 0x1300, 1, bytes)]);
    fx.run(&mut f, 200..260);
    assert_eq!(f.beats.len(), 1);
}

#[test]
fn unsolicited_r_beat_only_on_an_idle_id_with_arready_held() {
    let bytes = 8;
    let Fixture { mut mem, mut w } = Fixture::new(
        HostMemConfig {
            read_latency: 30,
            ..mem_cfg(bytes)
        },
        5,
    );
    let mut f = FakeReader::new(&[incr(0, 0x1000, 1, bytes), incr(0, 0x1040, 1, bytes)]);
    f.rready_pct = 50;
    let mut arready_while_unsolicited = 0;
    for edge in 0..300 {
        if f.accepted.len() == 1 && mem.stats().unsolicited_r == 0 && mem.unsolicited_pending() == 0
        {
            // ID 0 has a burst outstanding for 30 cycles: the ID 0 beat must wait until both
            // of its bursts are answered; ID 1 may go at once (holding the second AR back).
            mem.inject_unsolicited_r(1);
            mem.inject_unsolicited_r(0);
        }
        if w.rvalid && w.rdata == vec![0xBD; bytes] && w.arready {
            arready_while_unsolicited += 1;
        }
        f.cycle(&mut mem, &mut w, edge);
    }
    assert_eq!(arready_while_unsolicited, 0);
    assert!(
        f.unstable.is_empty(),
        "waiting beats stay: {:?}",
        f.unstable
    );
    let junk: Vec<&Beat> = f.beats.iter().filter(|b| b.data == [0xBD; 8]).collect();
    assert_eq!(junk.len(), 2);
    assert_eq!((junk[0].id, junk[1].id), (1, 0));
    assert!(junk.iter().all(|b| b.last && b.resp == resp::OKAY));
    // The ID 0 beat came after both ID 0 bursts were answered, the ID 1 beat before.
    let real: Vec<u64> = f
        .beats
        .iter()
        .filter(|b| b.id == 0 && b.data != [0xBD; 8])
        .map(|b| b.edge)
        .collect();
    assert_eq!(real.len(), 2);
    assert!(junk[0].edge < real[0] && junk[1].edge > real[1]);
    assert_eq!(mem.stats().unsolicited_r, 2);
    assert_eq!(mem.unsolicited_pending(), 0);
    assert!(mem.violations().is_empty());
}

#[test]
fn no_unsolicited_r_on_an_id_with_a_dropped_read_until_forgotten() {
    let bytes = 8;
    let mut fx = Fixture::new(mem_cfg(bytes), 5);
    fx.mem.drop_reads_in(0..u64::MAX, 1);
    let mut f = FakeReader::new(&[incr(0, 0x1000, 1, bytes)]);
    fx.run(&mut f, 0..5);
    assert_eq!(f.accepted.len(), 1);
    fx.mem.inject_unsolicited_r(0);
    fx.run(&mut f, 5..100);
    assert!(
        f.beats.is_empty(),
        "the master may still wait for the dropped burst"
    );
    fx.mem.forget_dropped();
    fx.run(&mut f, 100..110);
    assert_eq!(f.beats.len(), 1);
    assert_eq!(fx.mem.stats().unsolicited_r, 1);
}

#[test]
fn unsolicited_b_dropped_b_and_random_write_errors() {
    let bytes = 8;
    let mut fx = Fixture::new(
        HostMemConfig {
            write_latency: 3,
            ..mem_cfg(bytes)
        },
        4,
    );
    fx.mem.inject_unsolicited_b(1);
    fx.mem.drop_writes_in(0x8000..0x8008, 1);
    let mut s = WriteScript::new(
        [incr(0, 0x8000, 1, bytes), incr(0, 0x8008, 1, bytes)],
        [(vec![1; 8], 0xff, true), (vec![2; 8], 0xff, true)],
    );
    s.aw_delay = 5;
    fx.run(&mut s, 0..60);
    // The unsolicited B came first, with nothing outstanding; the dropped write is written
    // but has no B, nor has the write after it.
    assert_eq!(s.b.len(), 1, "{:?}", s.b);
    assert_eq!((s.b[0].0, s.b[0].1), (1, resp::OKAY));
    assert!(s.b[0].2 < 5);
    assert_eq!(fx.mem.read(0x8000, 16), [[1u8; 8], [2; 8]].concat());
    let st = fx.mem.stats();
    assert_eq!(
        (st.unsolicited_b, st.dropped_writes, st.write_responses),
        (1, 2, 0)
    );
    assert!(fx.mem.violations().is_empty());
    // Once the master gave up on them, writes are answered again.
    fx.mem.forget_dropped();
    s.aw.push_back(incr(0, 0x8010, 1, bytes));
    s.w.push_back((vec![3; 8], 0xff, true));
    fx.run(&mut s, 60..100);
    assert_eq!(s.b.len(), 2, "{:?}", s.b);
    assert_eq!(fx.mem.stats().write_responses, 1);

    // Random write errors: SLVERR or DECERR, nothing written, counted.
    let mut fx = Fixture::new(
        HostMemConfig {
            write_latency: 1,
            faults: BusFaults {
                write_error_prob: 0.5,
                ..BusFaults::default()
            },
            ..mem_cfg(bytes)
        },
        4,
    );
    let n = 40u64;
    let mut s = WriteScript::new(
        (0..n).map(|i| incr(0, 0x9000 + 8 * i, 1, bytes)),
        (0..n).map(|_| (vec![7; 8], 0xff, true)),
    );
    fx.run(&mut s, 0..400);
    let mem = &fx.mem;
    assert_eq!(s.b.len(), n as usize);
    let errors: Vec<usize> = (0..n as usize)
        .filter(|&i| s.b[i].1 != resp::OKAY)
        .collect();
    assert_eq!(errors.len() as u64, mem.stats().injected_write_errors);
    assert_eq!(errors.len() as u64, mem.stats().write_error_responses);
    assert!((5..35).contains(&errors.len()));
    for i in 0..n as usize {
        let written = mem.is_written(0x9000 + 8 * i as u64);
        assert_eq!(written, !errors.contains(&i), "burst {i}");
    }
}

#[test]
fn sink_backpressure_bursts_hold_tready_low_for_long() {
    let bytes = 8;
    let mut sink = AxisSink::new(
        AxisSinkConfig {
            data_bytes: bytes,
            tready_prob: 1.0,
            stall_prob: 0.02,
            stall_max: 300,
        },
        3,
    );
    let frame: Vec<u8> = (0..4000).map(|i| i as u8).collect();
    run_stream(&mut sink, bytes, &beats_of(&frame, bytes, false), 100_000);
    let f = sink.take_frames();
    assert_eq!(f[0].data, frame);
    let s = sink.stats();
    assert!(s.stall_bursts > 0, "{s:?}");
    // 500 beats with TREADY otherwise always high: the bursts alone made it this slow.
    assert!(f[0].last_cycle - f[0].first_cycle > 700, "{:?}", f[0]);
    assert!(s.stall_cycles > 200);
}
