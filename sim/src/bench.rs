//! `ufo-sim bench` (`make bench`): the engine's line-rate figures and the simulator's speed, at
//! the `DATA_WIDTH` this binary was built for; `ufo-sim bench-table` puts the CSV files of all
//! widths side by side.
//!
//! Engine rows: workload x host read latency, each run through the [`Runner`] with the MAC always
//! ready and an otherwise ideal host memory (no R gaps, AR always accepted, strict order, up to
//! [`HOST_MAX_READS`] bursts outstanding). Every packet is checked against the golden model and
//! the independent reassembly, as in `ufo-sim run`; a row with a failure fails the bench.
//!
//! - Throughput run: `--in-flight` packets (64 by default) posted and kept posted, as many as the
//!   256-entry ring allows. Efficiency = the beats the frames need (a partial last beat counts as
//!   used) / the cycles from the first beat to the last; cycles per datagram = that window /
//!   datagrams.
//! - Latency run: the first few packets of the workload again, one at a time (the engine idle at
//!   each doorbell): cycles from the edge of the `TX_TAIL` write's response to the first beat.
//! - Read-channel bound: the read port has the stream's width and clock, so the stream can be
//!   busy at most output beats / read beats of the time. Computed from the beats the host memory
//!   served (descriptors, payload, misaligned extra beats) and from the least a reader could do
//!   (32-byte descriptors fetched in blocks, every buffer's beats from its alignment).
//!
//! Simulator speed: a regression run (vectors + random packets, the default bus randomness) is
//! timed through the full harness, run again with the model's inputs recorded, and the recording
//! replayed into a fresh model in a C++ loop with nothing else ([`Model::replay`]); the replay
//! must reproduce the run's output digest.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use ufo_driver::driver::MAX_BUF_LEN;
use ufo_driver::packet::{DatagramSpec, Ipv6DatagramSpec, PacketSpec, TxPacket, UdpCsum};
use ufo_driver::skb::{Skb, PAGE_SIZE};
use ufo_golden::USO_MAX_FRAME;

use thiserror::Error;

use crate::case::{Case, CaseError, Layout, Pattern, UnbuiltCase};
use crate::model::{Model, ModelConfig, ModelError};
use crate::random::mix_seed;
use crate::runner::{RunConfig, RunError, RunReport, Runner, Traffic, WireFrame};
use crate::vectors::VectorError;
use crate::{random, vectors};

/// Why `ufo-sim bench` or `bench-table` cannot give its figures.
#[derive(Debug, Error)]
pub enum BenchError {
    /// An unknown workload name.
    #[error("unknown workload '{0}': ufo4-64k, ufo6-64k, uso4-64k, uso6-64k or plain-N (N = 64..1518 frame bytes)")]
    Workload(String),
    /// A count that must be positive is 0.
    #[error("--ufo-count, --plain-count and --in-flight must be at least 1")]
    ZeroCount,
    /// A workload's case cannot be built.
    #[error(transparent)]
    Case(#[from] UnbuiltCase),
    /// A plain workload's skb is not laid out as the bench needs.
    #[error("{origin}: expected a {PLAIN_HEADERS}-byte head and one frag, got {head} and {frags}")]
    PlainLayout {
        /// the case
        origin: String,
        /// head bytes
        head: usize,
        /// frags
        frags: usize,
    },
    /// The vectors of the speed regression cannot be read.
    #[error(transparent)]
    Vectors(#[from] VectorError),
    /// The bench cannot start.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A run failed its checks: the figures would mean nothing.
    #[error("{what}: {failed} failed{}", first.iter().map(|e| format!("\n  {e}")).collect::<String>())]
    Failed {
        /// which run
        what: String,
        /// how many failures
        failed: usize,
        /// the first few
        first: Vec<String>,
    },
    /// A run sent no frame.
    #[error("{0}: no frames")]
    NoFrames(String),
    /// Latency samples without a doorbell or a first beat.
    #[error("{what}: {got} of {samples} packets have a doorbell and a first beat")]
    Samples {
        /// which run
        what: String,
        /// packets with both edges
        got: usize,
        /// packets sampled
        samples: usize,
    },
    /// Recording or replaying the model failed.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The replay's outputs differ from the recorded run's.
    #[error(
        "the replay did not reproduce the recorded run (output digest {got:?}, recorded {want:#x})"
    )]
    ReplayDigest {
        /// the replay's digest
        got: Option<u64>,
        /// the recorded one
        want: u64,
    },
    /// The timed run and the recorded one differ in length.
    #[error("the timed run took {cycles} cycles, the recorded one {evals} evaluations")]
    RunLength {
        /// cycles of the timed run
        cycles: u64,
        /// evaluations recorded
        evals: u64,
    },
    /// A file or directory cannot be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// the file
        path: PathBuf,
        /// why
        source: std::io::Error,
    },
    /// A CSV file cannot be read or written.
    #[error("{}: {source}", path.display())]
    Csv {
        /// the file
        path: PathBuf,
        /// why
        source: csv::Error,
    },
    /// `bench-table` found nothing to tabulate.
    #[error("{}: no bench CSV files", .0.display())]
    NoCsv(PathBuf),
}

/// Read bursts the bench's host memory keeps outstanding at most: enough that the memory model
/// never limits the engine (a PCIe root complex with 256 tags).
pub const HOST_MAX_READS: usize = 256;
/// Bytes of a descriptor.
pub const DESC_BYTES: usize = 32;
/// Bytes the MAC appends (FCS): plain packet sizes are Ethernet frame sizes as RFC 2544 counts
/// them, so the stream carries `size - 4` bytes.
pub const FCS_BYTES: usize = 4;
/// MTU of the UFO workloads.
pub const UFO_MTU: u32 = 1500;
/// `gso_size` of the IPv4 USO workload: segments of 1500 IP bytes.
pub const USO4_GSO_SIZE: u16 = 1472;
/// `gso_size` of the IPv6 USO workload: segments of 1500 IP bytes.
pub const USO6_GSO_SIZE: u16 = 1452;
/// Segments of one IPv4 USO super-frame (the identification advances by this per packet).
const USO4_SEGMENTS: u16 = 45;
/// Plain packet sizes (Ethernet frame bytes including the FCS).
pub const PLAIN_SIZES: [usize; 6] = [64, 128, 256, 512, 1024, 1518];
/// MTUs of the simulator-speed regression (those of `make test-widths`).
pub const SPEED_MTUS: [u32; 4] = [1500, 576, 1280, 9000];
/// Ethernet + IPv4 + UDP header bytes of the plain packets.
const PLAIN_HEADERS: usize = 14 + 20 + 8;

/// What a bench row sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Maximum IPv4 UFO datagrams (total length 65535) at MTU 1500.
    Ufo4,
    /// Maximum IPv6 UFO datagrams (payload length 65535) at MTU 1500.
    Ufo6,
    /// Plain UDP packets with checksum offload, Ethernet frames of this size (with FCS), in two
    /// buffers.
    Plain(usize),
    /// USO IPv4 super-frames of 65,535 bytes (the largest Linux hands a device), `gso_size`
    /// 1472: 45 segments that fill MTU 1500.
    Uso4,
    /// USO IPv6 super-frames of 65,535 bytes, `gso_size` 1452: 46 segments at MTU 1500.
    Uso6,
}

impl Workload {
    /// Every workload of `make bench`: UFO, plain packets of every size, USO.
    pub fn all() -> Vec<Workload> {
        let mut w = vec![Workload::Ufo4, Workload::Ufo6];
        w.extend(PLAIN_SIZES.iter().map(|&s| Workload::Plain(s)));
        w.extend(Workload::USO);
        w
    }

    /// The USO workloads.
    pub const USO: [Workload; 2] = [Workload::Uso4, Workload::Uso6];

    /// Name used in tables, CSV files and `--workloads`.
    pub fn name(&self) -> String {
        match self {
            Workload::Ufo4 => "ufo4-64k".into(),
            Workload::Ufo6 => "ufo6-64k".into(),
            Workload::Plain(s) => format!("plain-{s}"),
            Workload::Uso4 => "uso4-64k".into(),
            Workload::Uso6 => "uso6-64k".into(),
        }
    }

    /// Parses [`Workload::name`].
    pub fn parse(s: &str) -> Result<Workload, BenchError> {
        let plain = s.strip_prefix("plain-").map(str::parse::<usize>);
        match (s, plain) {
            ("ufo4-64k", _) => Ok(Workload::Ufo4),
            ("ufo6-64k", _) => Ok(Workload::Ufo6),
            ("uso4-64k", _) => Ok(Workload::Uso4),
            ("uso6-64k", _) => Ok(Workload::Uso6),
            (_, Some(Ok(n))) if (64..=1518).contains(&n) => Ok(Workload::Plain(n)),
            _ => Err(BenchError::Workload(s.to_string())),
        }
    }

    /// `true` for the 64 KiB workloads (UFO and USO): `--ufo-count` packets per row.
    pub fn is_ufo(&self) -> bool {
        !matches!(self, Workload::Plain(_))
    }

    /// Packet `index` of this workload for `seed`, with its golden expectation. The same seed
    /// gives the same packets at every width and latency.
    pub fn case(&self, seed: u64, index: u64) -> Result<Case, BenchError> {
        let mut rng = ChaCha8Rng::seed_from_u64(mix_seed(seed, index));
        let payload_seed: u64 = rng.gen();
        let origin = format!("bench {} seed {seed} index {index}", self.name());
        let name = format!("{}-{index}", self.name());
        let err = |source: CaseError| UnbuiltCase {
            name: name.clone(),
            origin: origin.clone(),
            source,
        };
        let mut big = |tx: TxPacket| {
            Case::from_tx(
                name.clone(),
                origin.clone(),
                &tx,
                &Layout::Random(rng.gen()),
                0,
            )
            .map_err(err)
        };
        let random_payload = |len: usize| {
            let mut payload_rng = ChaCha8Rng::seed_from_u64(payload_seed);
            (0..len).map(|_| payload_rng.gen()).collect::<Vec<u8>>()
        };
        match *self {
            Workload::Ufo4 => {
                let spec = DatagramSpec {
                    ip_id: index as u16,
                    udp_csum: UdpCsum::Full,
                    payload: random_payload(0xFFFF - 20 - 8),
                    ..DatagramSpec::default()
                };
                Ok(big(ufo_packet(PacketSpec::Udp4(spec), 0))?)
            }
            Workload::Ufo6 => {
                let spec = Ipv6DatagramSpec {
                    udp_csum: UdpCsum::Full,
                    payload: random_payload(0xFFFF - 8),
                    ..Ipv6DatagramSpec::default()
                };
                Ok(big(ufo_packet(
                    PacketSpec::Udp6(spec),
                    0x1000 + index as u32,
                ))?)
            }
            Workload::Uso4 => {
                let spec = DatagramSpec {
                    ip_id: (index as u16).wrapping_mul(USO4_SEGMENTS),
                    udp_csum: UdpCsum::Full,
                    payload: random_payload(USO_MAX_FRAME - 14 - 20 - 8),
                    ..DatagramSpec::default()
                };
                Ok(big(TxPacket::uso(PacketSpec::Udp4(spec), USO4_GSO_SIZE))?)
            }
            Workload::Uso6 => {
                let spec = Ipv6DatagramSpec {
                    udp_csum: UdpCsum::Full,
                    payload: random_payload(USO_MAX_FRAME - 14 - 40 - 8),
                    ..Ipv6DatagramSpec::default()
                };
                Ok(big(TxPacket::uso(PacketSpec::Udp6(spec), USO6_GSO_SIZE))?)
            }
            Workload::Plain(size) => {
                let mut spec = DatagramSpec {
                    ip_id: index as u16,
                    udp_csum: UdpCsum::Seed, // CHECKSUM_PARTIAL: the device completes it
                    ..DatagramSpec::default()
                };
                let len = size - FCS_BYTES - PLAIN_HEADERS;
                crate::case::fill_payload(&mut spec, len, &Pattern::Random(payload_seed))
                    .map_err(|e| err(e.into()))?;
                let tx = TxPacket::plain(PacketSpec::Udp4(spec));
                // Headers in the head, the payload in one page frag; both at random alignment.
                let mut case = Case::from_tx(name.clone(), origin.clone(), &tx, &Layout::Pages, 0)
                    .map_err(err)?;
                let skb = &mut case.skb;
                if skb.frags.len() != 1 || skb.head.len() != PLAIN_HEADERS {
                    return Err(BenchError::PlainLayout {
                        origin,
                        head: skb.head.len(),
                        frags: skb.frags.len(),
                    });
                }
                skb.head_align = rng.gen_range(0..PAGE_SIZE);
                let frag = &mut skb.frags[0];
                frag.page_offset = rng.gen_range(0..=PAGE_SIZE - frag.data.len() as u32);
                Ok(case)
            }
        }
    }
}

/// A UFO request at [`UFO_MTU`] for `spec`.
fn ufo_packet(spec: PacketSpec, ip6_frag_id: u32) -> TxPacket {
    TxPacket {
        ufo_mtu: Some(UFO_MTU),
        ip6_frag_id,
        ..TxPacket::plain(spec)
    }
}

/// Beats a frame of `len` bytes needs on a stream of `data_bytes` per beat.
pub fn beats_for(len: usize, data_bytes: usize) -> u64 {
    len.div_ceil(data_bytes) as u64
}

/// What the frames of a run occupied on the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamStats {
    /// Frames.
    pub frames: u64,
    /// Bytes of all frames.
    pub wire_bytes: u64,
    /// Beats the frames need.
    pub beats_needed: u64,
    /// Edge of the first beat of the first frame.
    pub first_beat: u64,
    /// Edge of the last beat of the last frame.
    pub last_beat: u64,
}

impl StreamStats {
    /// Stream statistics of `frames`; `None` without frames.
    pub fn of(frames: &[WireFrame], data_bytes: usize) -> Option<StreamStats> {
        let first_beat = frames.iter().map(|f| f.first_cycle).min()?;
        let last_beat = frames.iter().map(|f| f.cycle).max()?;
        Some(StreamStats {
            frames: frames.len() as u64,
            wire_bytes: frames.iter().map(|f| f.data.len() as u64).sum(),
            beats_needed: frames
                .iter()
                .map(|f| beats_for(f.data.len(), data_bytes))
                .sum(),
            first_beat,
            last_beat,
        })
    }

    /// Cycles from the first beat to the last, both included.
    pub fn window(&self) -> u64 {
        self.last_beat - self.first_beat + 1
    }

    /// Beats needed / window.
    pub fn efficiency(&self) -> f64 {
        self.beats_needed as f64 / self.window() as f64
    }
}

/// Efficiency in the steady state: the beats of the frames that start after edge `after` (the
/// first packet's last beat) over the cycles from there to the last beat. The first-to-last
/// window leaves out the first packet's gather but not the others', which flatters an engine
/// that gathers each packet before sending it by a factor of up to `n / (n - 1)`; this does
/// not. `None` if no frame starts after `after`.
pub fn steady_efficiency(frames: &[WireFrame], after: u64, data_bytes: usize) -> Option<f64> {
    let later: Vec<&WireFrame> = frames.iter().filter(|f| f.first_cycle > after).collect();
    let last = later.iter().map(|f| f.cycle).max()?;
    let beats: u64 = later
        .iter()
        .map(|f| beats_for(f.data.len(), data_bytes))
        .sum();
    Some(beats as f64 / (last - after) as f64)
}

/// The fewest read beats that bring `skb` in: its descriptors (32 bytes each, fetched in blocks,
/// so a fraction of a beat each) and every buffer's beats from its address's alignment (the
/// driver places the head at `head_align` in its page and splits it at [`MAX_BUF_LEN`], each
/// frag at its `page_offset`).
pub fn min_read_beats(skb: &Skb, data_bytes: usize) -> f64 {
    let span = |offset: usize, len: usize| -> u64 {
        if len == 0 {
            0
        } else {
            ((offset % data_bytes) + len).div_ceil(data_bytes) as u64
        }
    };
    let mut descs = 0usize;
    let mut beats = 0u64;
    let mut off = 0usize;
    loop {
        let len = (skb.head.len() - off).min(MAX_BUF_LEN);
        beats += span(skb.head_align as usize + off, len);
        descs += 1;
        off += len;
        if off >= skb.head.len() {
            break;
        }
    }
    for f in &skb.frags {
        beats += span(f.page_offset as usize, f.data.len());
        descs += 1;
    }
    beats as f64 + (descs * DESC_BYTES) as f64 / data_bytes as f64
}

/// The share of cycles the stream can be busy when each of its `out_beats` needs `read_beats`
/// on a read port of the same width and clock: `out / read`, at most 1.
pub fn read_bound(out_beats: f64, read_beats: f64) -> f64 {
    if read_beats <= 0.0 {
        1.0
    } else {
        (out_beats / read_beats).min(1.0)
    }
}

/// Minimum, mean and maximum of `values` (zeros when empty).
pub fn min_mean_max(values: &[u64]) -> (u64, f64, u64) {
    match (values.iter().min(), values.iter().max()) {
        (Some(&lo), Some(&hi)) => (
            lo,
            values.iter().sum::<u64>() as f64 / values.len() as f64,
            hi,
        ),
        _ => (0, 0.0, 0),
    }
}

/// Cycles from each packet's doorbell to its first beat.
pub fn doorbell_latencies(report: &RunReport) -> Vec<u64> {
    report
        .outcomes
        .iter()
        .filter_map(|o| Some(o.first_beat_cycle? - o.doorbell_cycle?))
        .collect()
}

/// One engine row: a CSV record of `throughput-<width>.csv`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ThroughputRow {
    /// `DATA_WIDTH`.
    pub data_width: usize,
    /// Host read latency in cycles.
    pub latency: u32,
    /// [`Workload::name`].
    pub workload: String,
    /// Packets in the throughput run.
    pub datagrams: usize,
    /// Packets kept posted.
    pub in_flight: usize,
    /// Frames on the stream.
    pub frames: u64,
    /// Bytes on the stream.
    pub wire_bytes: u64,
    /// Beats the frames need.
    pub beats_needed: u64,
    /// Cycles from the first beat to the last.
    pub window_cycles: u64,
    /// beats_needed / window_cycles.
    pub efficiency: f64,
    /// [`steady_efficiency`] after the first packet.
    pub steady_efficiency: f64,
    /// window_cycles / datagrams.
    pub cycles_per_datagram: f64,
    /// R beats the host memory served in the throughput run.
    pub read_beats: u64,
    /// Buffers (descriptors) per packet, mean.
    pub buffers_per_packet: f64,
    /// beats_needed / read_beats, at most 1.
    pub read_bound: f64,
    /// efficiency / read_bound.
    pub efficiency_of_bound: f64,
    /// The fewest read beats the packets need (descriptors in blocks, buffer alignment).
    pub min_read_beats: f64,
    /// beats_needed / min_read_beats, at most 1.
    pub min_read_bound: f64,
    /// Packets in the latency run (posted one at a time).
    pub latency_samples: usize,
    /// Doorbell-to-first-beat cycles, minimum.
    pub doorbell_to_first_beat_min: u64,
    /// Doorbell-to-first-beat cycles, mean.
    pub doorbell_to_first_beat_mean: f64,
    /// Doorbell-to-first-beat cycles, maximum.
    pub doorbell_to_first_beat_max: u64,
    /// Master seed.
    pub seed: u64,
    /// Wall seconds the two runs took.
    pub wall_seconds: f64,
}

/// Simulator speed at one width: a CSV record of `simspeed-<width>.csv`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpeedRow {
    /// `DATA_WIDTH`.
    pub data_width: usize,
    /// What was run.
    pub regression: String,
    /// Clock cycles of the run.
    pub cycles: u64,
    /// Bytes the engine sent.
    pub wire_bytes: u64,
    /// Best wall seconds of the full harness (runner, driver, bus models, checks).
    pub harness_seconds: f64,
    /// Best wall seconds of the replay of the recorded inputs into the bare model.
    pub replay_seconds: f64,
    /// replay_seconds / harness_seconds: the harness's speed as a share of the replay's.
    pub harness_share_of_replay: f64,
    /// Harness nanoseconds per cycle.
    pub harness_ns_per_cycle: f64,
    /// Replay nanoseconds per cycle.
    pub replay_ns_per_cycle: f64,
    /// Simulated cycles per wall second through the harness.
    pub cycles_per_second: f64,
    /// Simulated stream Gbit per wall second through the harness.
    pub wire_gbit_per_second: f64,
    /// Timed repetitions of each (best taken).
    pub repetitions: u32,
    /// Size of the recording.
    pub recording_bytes: usize,
    /// Master seed.
    pub seed: u64,
}

/// Options of `ufo-sim bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchCmd {
    /// Directory for throughput-<width>.csv and simspeed-<width>.csv.
    #[arg(long, default_value = "out/bench")]
    pub out: PathBuf,
    /// Master seed (default 1: the same packets in every run).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Workloads (ufo4-64k, ufo6-64k, plain-N, uso4-64k, uso6-64k).
    #[arg(long, value_delimiter = ',', default_values_t = Workload::all().iter().map(Workload::name).collect::<Vec<_>>())]
    pub workloads: Vec<String>,
    /// Host read latencies in cycles.
    #[arg(long, value_delimiter = ',', default_values_t = [20u32, 250])]
    pub latencies: Vec<u32>,
    /// Maximum-size datagrams per UFO row.
    #[arg(long, default_value_t = 10)]
    pub ufo_count: usize,
    /// Packets per plain row.
    #[arg(long, default_value_t = 500)]
    pub plain_count: usize,
    /// Packets kept posted in the throughput runs (the 1024-entry ring holds 512 two-buffer
    /// packets; small packets at 512 bits need about 150 posted to cover 1 µs twice: descriptor
    /// read, then data read).
    #[arg(long, default_value_t = 256)]
    pub in_flight: usize,
    /// Packets of each latency run (UFO rows take at most half as many).
    #[arg(long, default_value_t = 8)]
    pub latency_samples: usize,
    /// Vector directory of the simulator-speed regression.
    #[arg(long, default_value = "testvectors")]
    pub vectors: PathBuf,
    /// Random packets of the simulator-speed regression (0: skip the measurement).
    #[arg(long, default_value_t = 500)]
    pub speed_count: u64,
    /// Timed repetitions of the harness and of the replay (the best of each is kept).
    #[arg(long, default_value_t = 3)]
    pub repetitions: u32,
}

/// Runs `ufo-sim bench`; returns an error naming the first failed check.
pub fn bench(cmd: &BenchCmd) -> Result<(), BenchError> {
    let width = crate::DATA_WIDTH;
    let workloads = cmd
        .workloads
        .iter()
        .map(|w| Workload::parse(w))
        .collect::<Result<Vec<_>, _>>()?;
    if cmd.ufo_count == 0 || cmd.plain_count == 0 || cmd.in_flight == 0 {
        return Err(BenchError::ZeroCount);
    }
    fs::create_dir_all(&cmd.out).map_err(|source| BenchError::Io {
        path: cmd.out.clone(),
        source,
    })?;
    println!(
        "ufo-sim bench: DATA_WIDTH {width}, seed {}, {} packets kept posted, MAC always ready, \
         host memory without gaps (up to {HOST_MAX_READS} reads outstanding)",
        cmd.seed, cmd.in_flight
    );
    println!(
        "replay: {} bench --seed {} --workloads {} --latencies {}",
        std::env::args().next().unwrap_or_else(|| "ufo-sim".into()),
        cmd.seed,
        cmd.workloads.join(","),
        cmd.latencies
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut rows = Vec::new();
    for w in &workloads {
        let count = if w.is_ufo() {
            cmd.ufo_count
        } else {
            cmd.plain_count
        };
        let cases = (0..count as u64)
            .map(|k| w.case(cmd.seed, k))
            .collect::<Result<Vec<_>, _>>()?;
        for &latency in &cmd.latencies {
            let row = engine_row(cmd, *w, latency, &cases)?;
            println!("{}", row_line(&row));
            rows.push(row);
        }
    }
    let path = cmd.out.join(format!("throughput-{width}.csv"));
    write_csv(&path, &rows)?;
    println!("wrote {}", path.display());
    if cmd.speed_count > 0 {
        let speed = speed_row(cmd)?;
        println!(
            "simulator: {} cycles, harness {:.2} s ({:.0} ns/cycle), replay {:.2} s \
             ({:.0} ns/cycle): harness at {:.0}% of the replay's speed; {:.2} M cycles/s, \
             {:.3} Gbit/s of stream per wall second",
            speed.cycles,
            speed.harness_seconds,
            speed.harness_ns_per_cycle,
            speed.replay_seconds,
            speed.replay_ns_per_cycle,
            100.0 * speed.harness_share_of_replay,
            speed.cycles_per_second / 1e6,
            speed.wire_gbit_per_second
        );
        let path = cmd.out.join(format!("simspeed-{width}.csv"));
        write_csv(&path, &[speed])?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The bench's bus behaviour at `latency`: MAC always ready, no R gaps, AR always accepted,
/// strict read order.
fn ideal_traffic(latency: u32) -> Traffic {
    Traffic {
        read_latency: latency,
        ..Traffic::IDEAL
    }
}

/// Runs `cases` through a fresh bench; fails on any failed check.
fn checked_run(
    cases: &[Case],
    seed: u64,
    traffic: Traffic,
    in_flight: usize,
    what: &str,
) -> Result<(RunReport, u64), BenchError> {
    let cfg = RunConfig {
        seed,
        trace: None,
        traffic,
        max_in_flight: in_flight,
    };
    let mut runner = Runner::with_tb_config(cfg, |tb| tb.mem.max_reads = HOST_MAX_READS)?;
    let report = runner.run(cases, |_| {});
    if report.failed() > 0 {
        let first = report
            .global_errors
            .iter()
            .map(ToString::to_string)
            .chain(
                report
                    .outcomes
                    .iter()
                    .filter_map(|o| o.result.as_ref().err().map(ToString::to_string)),
            )
            .take(5)
            .collect();
        return Err(BenchError::Failed {
            what: what.to_string(),
            failed: report.failed(),
            first,
        });
    }
    Ok((report, runner.tb.mem.stats().read_beats))
}

/// One engine row: the throughput run and the latency run.
fn engine_row(
    cmd: &BenchCmd,
    w: Workload,
    latency: u32,
    cases: &[Case],
) -> Result<ThroughputRow, BenchError> {
    let data_bytes = crate::DATA_BYTES;
    let what = format!("{} at latency {latency}", w.name());
    let started = Instant::now();
    let traffic = ideal_traffic(latency);
    let (report, read_beats) = checked_run(cases, cmd.seed, traffic, cmd.in_flight, &what)?;
    let s = StreamStats::of(&report.wire, data_bytes)
        .ok_or_else(|| BenchError::NoFrames(what.clone()))?;
    let samples = if w.is_ufo() {
        cmd.latency_samples.div_ceil(2)
    } else {
        cmd.latency_samples
    }
    .min(cases.len());
    let (lat_report, _) = checked_run(&cases[..samples], cmd.seed, traffic, 1, &what)?;
    let latencies = doorbell_latencies(&lat_report);
    if latencies.len() != samples {
        return Err(BenchError::Samples {
            what,
            got: latencies.len(),
            samples,
        });
    }
    let (lat_min, lat_mean, lat_max) = min_mean_max(&latencies);
    let min_read: f64 = cases
        .iter()
        .map(|c| min_read_beats(&c.skb, data_bytes))
        .sum();
    let buffers: usize = cases
        .iter()
        .map(|c| c.skb.head.len().div_ceil(MAX_BUF_LEN).max(1) + c.skb.frags.len())
        .sum();
    let efficiency = s.efficiency();
    // The first packet's last beat: the last one before the second packet's first.
    let second_first = report.outcomes.get(1).and_then(|o| o.first_beat_cycle);
    let steady = second_first
        .and_then(|b| {
            let first_end = report
                .wire
                .iter()
                .filter(|f| f.first_cycle < b)
                .map(|f| f.cycle);
            steady_efficiency(&report.wire, first_end.max()?, data_bytes)
        })
        .unwrap_or(efficiency);
    let bound = read_bound(s.beats_needed as f64, read_beats as f64);
    Ok(ThroughputRow {
        data_width: crate::DATA_WIDTH,
        latency,
        workload: w.name(),
        datagrams: cases.len(),
        in_flight: cmd.in_flight,
        frames: s.frames,
        wire_bytes: s.wire_bytes,
        beats_needed: s.beats_needed,
        window_cycles: s.window(),
        efficiency,
        steady_efficiency: steady,
        cycles_per_datagram: s.window() as f64 / cases.len() as f64,
        read_beats,
        buffers_per_packet: buffers as f64 / cases.len() as f64,
        read_bound: bound,
        efficiency_of_bound: efficiency / bound,
        min_read_beats: min_read,
        min_read_bound: read_bound(s.beats_needed as f64, min_read),
        latency_samples: samples,
        doorbell_to_first_beat_min: lat_min,
        doorbell_to_first_beat_mean: lat_mean,
        doorbell_to_first_beat_max: lat_max,
        seed: cmd.seed,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}

fn row_line(r: &ThroughputRow) -> String {
    format!(
        "  {:<10} latency {:>3}: efficiency {:>5.1}% (steady {:>5.1}%, {:.0} cycles/datagram), read bound \
         {:>5.1}% (served) / {:>5.1}% (least), {:>5.1}% of the bound; doorbell to first beat \
         {:.0} cycles [{}..{}]  ({:.1} s)",
        r.workload,
        r.latency,
        100.0 * r.efficiency,
        100.0 * r.steady_efficiency,
        r.cycles_per_datagram,
        100.0 * r.read_bound,
        100.0 * r.min_read_bound,
        100.0 * r.efficiency_of_bound,
        r.doorbell_to_first_beat_mean,
        r.doorbell_to_first_beat_min,
        r.doorbell_to_first_beat_max,
        r.wall_seconds
    )
}

/// The simulator-speed measurement: harness against replay of the same run.
fn speed_row(cmd: &BenchCmd) -> Result<SpeedRow, BenchError> {
    let mut cases = Vec::new();
    for file in vectors::vector_files(&cmd.vectors)? {
        cases.extend(vectors::load_file(&file)?);
    }
    let n_vectors = cases.len();
    for k in 0..cmd.speed_count {
        cases.push(random::random_valid_case(cmd.seed, k, &SPEED_MTUS)?);
    }
    let regression = format!(
        "{n_vectors} vectors + {} random (seed {}, MTU 1500/576/1280/9000)",
        cmd.speed_count, cmd.seed
    );
    let cfg = RunConfig {
        seed: cmd.seed,
        trace: None,
        traffic: Traffic::default(),
        max_in_flight: 8,
    };
    let harness = |record: bool| -> Result<(f64, RunReport, Option<Runner>), BenchError> {
        let t0 = Instant::now();
        let mut runner = Runner::with_tb_config(cfg.clone(), |tb| tb.record_inputs = record)?;
        let report = runner.run(&cases, |_| {});
        let secs = t0.elapsed().as_secs_f64();
        if report.failed() > 0 {
            return Err(BenchError::Failed {
                what: "simulator-speed regression".into(),
                failed: report.failed(),
                first: vec![format!(
                    "run `ufo-sim run --vectors {} --count {} --seed {} --mtu 1500,576,1280,9000` \
                     to see them",
                    cmd.vectors.display(),
                    cmd.speed_count,
                    cmd.seed
                )],
            });
        }
        Ok((secs, report, record.then_some(runner)))
    };
    // The recorded run (not timed: recording costs) gives the inputs and the output digest.
    let (_, recorded_report, runner) = harness(true)?;
    let runner = runner.expect("recorded run keeps its runner");
    let rec = runner.tb.model.recording();
    let time_step = runner.tb.half_period();
    drop(runner);
    let fresh = || {
        Model::new(ModelConfig {
            seed: cmd.seed,
            trace: None,
        })
    };
    let digest = fresh()?.replay(&rec, time_step, true)?;
    if digest != Some(rec.digest) {
        return Err(BenchError::ReplayDigest {
            got: digest,
            want: rec.digest,
        });
    }
    // Timed: harness and replay alternately, the best of each.
    let (mut best_harness, mut best_replay) = (f64::MAX, f64::MAX);
    let mut report = recorded_report;
    for _ in 0..cmd.repetitions.max(1) {
        let (secs, r, _) = harness(false)?;
        best_harness = best_harness.min(secs);
        report = r;
        let mut model = fresh()?;
        let t0 = Instant::now();
        model.replay(&rec, time_step, false)?;
        best_replay = best_replay.min(t0.elapsed().as_secs_f64());
    }
    if 2 * report.cycles > rec.evals + 2 || 2 * report.cycles + 2 < rec.evals {
        return Err(BenchError::RunLength {
            cycles: report.cycles,
            evals: rec.evals,
        });
    }
    let wire_bytes: u64 = report.wire.iter().map(|f| f.data.len() as u64).sum();
    let cycles = report.cycles;
    Ok(SpeedRow {
        data_width: crate::DATA_WIDTH,
        regression,
        cycles,
        wire_bytes,
        harness_seconds: best_harness,
        replay_seconds: best_replay,
        harness_share_of_replay: best_replay / best_harness,
        harness_ns_per_cycle: 1e9 * best_harness / cycles as f64,
        replay_ns_per_cycle: 1e9 * best_replay / cycles as f64,
        cycles_per_second: cycles as f64 / best_harness,
        wire_gbit_per_second: 8.0 * wire_bytes as f64 / best_harness / 1e9,
        repetitions: cmd.repetitions.max(1),
        recording_bytes: rec.bytes(),
        seed: cmd.seed,
    })
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> BenchError + '_ {
    move |source| BenchError::Csv {
        path: path.to_path_buf(),
        source,
    }
}

fn write_csv<T: Serialize>(path: &Path, rows: &[T]) -> Result<(), BenchError> {
    let mut w = csv::Writer::from_path(path).map_err(csv_err(path))?;
    for r in rows {
        w.serialize(r).map_err(csv_err(path))?;
    }
    w.flush().map_err(|source| BenchError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The rows of a CSV file (the csv error names the record's line).
fn read_csv<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, BenchError> {
    let mut r = csv::Reader::from_path(path).map_err(csv_err(path))?;
    r.deserialize()
        .collect::<Result<_, _>>()
        .map_err(csv_err(path))
}

/// Options of `ufo-sim bench-table`.
#[derive(Debug, Clone, clap::Args)]
pub struct TableCmd {
    /// Directory holding the CSV files of `ufo-sim bench`.
    #[arg(default_value = "out/bench")]
    pub dir: PathBuf,
}

/// Prints the CSV files of every width side by side (Markdown tables) and writes them to
/// `<dir>/summary.md`.
pub fn table(cmd: &TableCmd) -> Result<(), BenchError> {
    let mut rows: Vec<ThroughputRow> = Vec::new();
    let mut speed: Vec<SpeedRow> = Vec::new();
    let entries = fs::read_dir(&cmd.dir).map_err(|source| BenchError::Io {
        path: cmd.dir.clone(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for f in &files {
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
        match name.as_deref() {
            Some(n) if n.starts_with("throughput-") && n.ends_with(".csv") => {
                rows.extend(read_csv::<ThroughputRow>(f)?)
            }
            Some(n) if n.starts_with("simspeed-") && n.ends_with(".csv") => {
                speed.extend(read_csv::<SpeedRow>(f)?)
            }
            _ => {}
        }
    }
    if rows.is_empty() && speed.is_empty() {
        return Err(BenchError::NoCsv(cmd.dir.clone()));
    }
    let text = summary(&rows, &speed);
    print!("{text}");
    let path = cmd.dir.join("summary.md");
    fs::write(&path, &text).map_err(|source| BenchError::Io {
        path: path.clone(),
        source,
    })?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Markdown tables: per workload and latency, one column per width.
pub fn summary(rows: &[ThroughputRow], speed: &[SpeedRow]) -> String {
    let mut widths: Vec<usize> = rows.iter().map(|r| r.data_width).collect();
    widths.sort_unstable();
    widths.dedup();
    let mut keys: Vec<(String, u32)> = Vec::new();
    for r in rows {
        let k = (r.workload.clone(), r.latency);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let find = |k: &(String, u32), w: usize| {
        rows.iter()
            .find(|r| r.workload == k.0 && r.latency == k.1 && r.data_width == w)
    };
    let header = |first: &str| {
        let mut h = format!("| {first} | latency |");
        let mut sep = String::from("| --- | --- |");
        for w in &widths {
            h += &format!(" {w} |");
            sep += " --- |";
        }
        format!("{h}\n{sep}\n")
    };
    let mut out = String::new();
    type Cell = fn(&ThroughputRow) -> String;
    let tables: [(&str, Cell, bool); 4] = [
        (
            "Output-stream efficiency: beats needed / cycles from the first beat to the last \
             (in brackets: the same from the end of the first packet on, the steady state)",
            |r| {
                format!(
                    "{:.1}% [{:.1}%]",
                    100.0 * r.efficiency,
                    100.0 * r.steady_efficiency
                )
            },
            false,
        ),
        (
            "Cycles per datagram",
            |r| format!("{:.0}", r.cycles_per_datagram),
            false,
        ),
        (
            "Doorbell to first beat, engine idle (mean cycles [min..max])",
            |r| {
                format!(
                    "{:.0} [{}..{}]",
                    r.doorbell_to_first_beat_mean,
                    r.doorbell_to_first_beat_min,
                    r.doorbell_to_first_beat_max
                )
            },
            false,
        ),
        (
            "Plain packets: read-channel bound (output beats / read beats served; in brackets \
             with the fewest read beats possible) and efficiency as a share of the served bound",
            |r| {
                format!(
                    "{:.1}% [{:.1}%]: {:.1}%",
                    100.0 * r.read_bound,
                    100.0 * r.min_read_bound,
                    100.0 * r.efficiency_of_bound
                )
            },
            true,
        ),
    ];
    for (title, cell, plain_only) in tables {
        out += &format!("\n{title}, by DATA_WIDTH:\n\n{}", header("workload"));
        for k in &keys {
            if plain_only && !k.0.starts_with("plain-") {
                continue;
            }
            out += &format!("| {} | {} |", k.0, k.1);
            for &w in &widths {
                out += &format!(" {} |", find(k, w).map_or("-".into(), cell));
            }
            out += "\n";
        }
    }
    if !speed.is_empty() {
        out += "\nSimulator speed (full harness against a replay of its recorded inputs into the \
                bare model):\n\n| DATA_WIDTH | cycles | harness ns/cycle | replay ns/cycle | \
                harness speed / replay speed | M cycles/s | stream Gbit/s per wall second |\n\
                | --- | --- | --- | --- | --- | --- | --- |\n";
        let mut speed = speed.to_vec();
        speed.sort_by_key(|s| s.data_width);
        for s in &speed {
            out += &format!(
                "| {} | {} | {:.0} | {:.0} | {:.0}% | {:.2} | {:.3} |\n",
                s.data_width,
                s.cycles,
                s.harness_ns_per_cycle,
                s.replay_ns_per_cycle,
                100.0 * s.harness_share_of_replay,
                s.cycles_per_second / 1e6,
                s.wire_gbit_per_second
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(first: u64, last: u64, len: usize) -> WireFrame {
        WireFrame {
            cycle: last,
            first_cycle: first,
            data: vec![0; len],
        }
    }

    #[test]
    fn efficiency_counts_partial_last_beats_as_used() {
        // 8-byte beats: 20 bytes need 3 beats, 8 need 1, 1 needs 1: 5 beats over edges 10..=19.
        let frames = [frame(10, 12, 20), frame(15, 15, 8), frame(19, 19, 1)];
        let s = StreamStats::of(&frames, 8).unwrap();
        assert_eq!(s.beats_needed, 5);
        assert_eq!(s.wire_bytes, 29);
        assert_eq!(s.window(), 10);
        assert!((s.efficiency() - 0.5).abs() < 1e-12);
        // Back to back with no idle cycle: 100%.
        let tight = [frame(0, 2, 24), frame(3, 3, 5)];
        assert!((StreamStats::of(&tight, 8).unwrap().efficiency() - 1.0).abs() < 1e-12);
        assert_eq!(StreamStats::of(&[], 8), None);
    }

    #[test]
    fn steady_state_leaves_the_first_packet_out() {
        // Store and forward at 8 bytes per beat: packet 0 sends 4 beats at edges 100..=103,
        // then each packet gathers for 4 cycles and sends 4 beats.
        let frames = [
            frame(100, 103, 32),
            frame(108, 111, 32),
            frame(116, 119, 32),
        ];
        let s = StreamStats::of(&frames, 8).unwrap();
        assert!((s.efficiency() - 12.0 / 20.0).abs() < 1e-12);
        let steady = steady_efficiency(&frames, 103, 8).unwrap();
        assert!((steady - 0.5).abs() < 1e-12, "{steady}");
        assert_eq!(steady_efficiency(&frames, 119, 8), None);
    }

    #[test]
    fn least_read_beats_follow_alignment_and_descriptors() {
        let skb = Skb {
            head: vec![0; 42],
            head_align: 60, // 4 bytes to the 64-byte boundary: 42 bytes span 2 beats
            frags: vec![
                ufo_driver::skb::SkbFrag {
                    page_offset: 0,
                    data: vec![0; 128], // 2 beats
                },
                ufo_driver::skb::SkbFrag {
                    page_offset: 63,
                    data: vec![0; 2], // crosses a boundary: 2 beats
                },
                ufo_driver::skb::SkbFrag {
                    page_offset: 7,
                    data: vec![], // nothing to read, still a descriptor
                },
            ],
            ..Skb::default()
        };
        // 6 beats of data + 4 descriptors * 32 bytes = 2 beats at 64 bytes.
        assert!((min_read_beats(&skb, 64) - 8.0).abs() < 1e-12);
        // At 8 bytes: head (4 + 42) -> 6 beats, 16, 1 (7 + 2 = 9 -> 2 beats), 0; descriptors 16.
        assert!((min_read_beats(&skb, 8) - (6.0 + 16.0 + 2.0 + 16.0)).abs() < 1e-12);
    }

    #[test]
    fn read_bound_is_capped_at_one() {
        assert!((read_bound(50.0, 100.0) - 0.5).abs() < 1e-12);
        assert_eq!(read_bound(150.0, 100.0), 1.0);
        assert_eq!(read_bound(1.0, 0.0), 1.0);
    }

    #[test]
    fn latency_statistics() {
        assert_eq!(min_mean_max(&[5, 1, 9]), (1, 5.0, 9));
        assert_eq!(min_mean_max(&[]), (0, 0.0, 0));
    }

    #[test]
    fn uso_workloads_are_64k_super_frames_at_mtu_1500() {
        for (w, gso, segments) in [(Workload::Uso4, 1472, 45), (Workload::Uso6, 1452, 46)] {
            let c = w.case(3, 0).unwrap();
            assert_eq!(c.skb.len(), 65535);
            assert_eq!(c.skb.uso_gso_size, Some(gso));
            let crate::case::Expect::Frames(f) = &c.expect else {
                panic!("{:?}", c.expect)
            };
            assert_eq!(f.len(), segments);
            assert!(f.iter().all(|s| s.len() <= 1514), "segments fit MTU 1500");
        }
    }

    #[test]
    fn workload_names_round_trip() {
        for w in Workload::all().into_iter().chain(Workload::USO) {
            assert_eq!(Workload::parse(&w.name()).ok(), Some(w));
        }
        assert!(Workload::parse("plain-20").is_err());
        assert!(Workload::parse("ufo5").is_err());
    }

    #[test]
    fn workloads_build_what_the_bench_promises() {
        let v4 = Workload::Ufo4.case(3, 0).unwrap();
        let bytes = v4.skb.to_bytes();
        assert_eq!(
            u16::from_be_bytes([bytes[16], bytes[17]]),
            0xFFFF,
            "IPv4 total length"
        );
        assert_eq!(v4.skb.ufo_size, 1480);
        let v6 = Workload::Ufo6.case(3, 0).unwrap();
        let bytes = v6.skb.to_bytes();
        assert_eq!(
            u16::from_be_bytes([bytes[18], bytes[19]]),
            0xFFFF,
            "IPv6 payload length"
        );
        for size in PLAIN_SIZES {
            let c = Workload::Plain(size).case(3, 1).unwrap();
            assert_eq!(c.skb.len(), size - FCS_BYTES);
            assert_eq!(c.skb.frags.len(), 1, "two buffers");
            assert!(c.skb.csum.is_some() && c.skb.ufo_size == 0);
            match &c.expect {
                crate::case::Expect::Frames(f) => assert_eq!(f.len(), 1),
                other => panic!("{other:?}"),
            }
        }
        // Same seed, same packet: rows at every width and latency send the same bytes.
        assert_eq!(
            Workload::Plain(64).case(3, 1).unwrap().skb,
            Workload::Plain(64).case(3, 1).unwrap().skb
        );
    }

    #[test]
    fn summary_puts_widths_side_by_side() {
        let row = |w: usize, eff: f64| ThroughputRow {
            data_width: w,
            latency: 20,
            workload: "plain-64".into(),
            datagrams: 1,
            in_flight: 1,
            frames: 1,
            wire_bytes: 60,
            beats_needed: 1,
            window_cycles: 1,
            efficiency: eff,
            steady_efficiency: eff,
            cycles_per_datagram: 1.0,
            read_beats: 2,
            buffers_per_packet: 2.0,
            read_bound: 0.5,
            efficiency_of_bound: 2.0 * eff,
            min_read_beats: 2.0,
            min_read_bound: 0.5,
            latency_samples: 1,
            doorbell_to_first_beat_min: 1,
            doorbell_to_first_beat_mean: 1.0,
            doorbell_to_first_beat_max: 1,
            seed: 1,
            wall_seconds: 0.0,
        };
        let text = summary(&[row(512, 0.25), row(64, 0.5)], &[]);
        assert!(
            text.contains("| plain-64 | 20 | 50.0% [50.0%] | 25.0% [25.0%] |"),
            "{text}"
        );
        assert!(text.contains("| workload | latency | 64 | 512 |"), "{text}");
    }
}
