//! `ufo-sim`: runs the UFO engine's RTL (Verilator) on test vectors, random packets or a
//! capture, checks every frame byte for byte against the golden model, and writes the wire as
//! pcap and, on request, a JUnit XML report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ufo_sim::bus::{AxilFault, BusFaults};
use ufo_sim::case::{Case, UnbuiltCase};
use ufo_sim::coverage::{Coverage, PassedCases};
use ufo_sim::junit::{Suite, TestCase};
use ufo_sim::line_coverage::LineCoverage;
use ufo_sim::pcap_io::PcapStream;
use ufo_sim::runner::{
    CaseFailure, Outcome, RunConfig, RunError, RunFailure, RunSink, RunSummary, Runner, SinkError,
    Traffic, WireFrame,
};
use ufo_sim::{pcap_io, random, replay, vectors};

#[derive(Parser)]
#[command(
    name = "ufo-sim",
    version,
    about = "UFO NIC transmit engine: RTL simulation checked against Linux's fragmentation"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Test vectors and random packets of the whole mix (IPv4 and IPv6 UFO, plain checksum
    /// offload, VLAN insertion, pass-through) through the RTL.
    Run(RunArgs),
    /// Captured frames (pcap or pcapng) through the RTL as a UFO device at --mtu would send them.
    Replay(ReplayArgs),
    /// Write a capture to replay: random unfragmented frames of the whole mix, as tcpdump shows
    /// them on a host with offloads (large datagrams whole, pseudo-header seeds in check fields).
    Capture(CaptureArgs),
    /// Long random mixtures of valid packets, malformed packets and bus faults; every packet's
    /// expected outcome derived from its fault; a table of counts per class.
    Fuzz(FuzzArgs),
    /// Line-rate figures at this binary's DATA_WIDTH (workload x host latency, every packet
    /// checked) and the simulator's speed against a bare replay; CSV files for bench-table.
    Bench(ufo_sim::bench::BenchCmd),
    /// The CSV files of `bench` at every width side by side, as Markdown tables.
    BenchTable(ufo_sim::bench::TableCmd),
    /// A part (--shard K/N) of a long randomized run split into chunks by seed; writes the
    /// shard's CSV summary, JUnit XML and functional coverage (docs/verification.md).
    Soak(SoakArgs),
    /// Adds up the results of soak shards (files or directories): totals, functional coverage,
    /// one JUnit XML report.
    SoakMerge(SoakMergeArgs),
    /// Adds up functional coverage CSV files (`run --func-cov`, soak shards) and prints the table
    /// with the bins never hit.
    CovMerge(CovMergeArgs),
    /// Line coverage of the RTL from a Verilator coverage file (`make cov`): per file, the
    /// lines never hit with their source, the total.
    CovLines(CovLinesArgs),
    /// The Linux kernel as the receiver: the RTL's frames for the vectors and a random run
    /// (UDP datagrams readdressed to this host) written into a TAP device in a network
    /// namespace of its own, where sockets must receive every datagram intact. Needs root and
    /// /dev/net/tun; says SKIPPED without them.
    KernelCheck(KernelCheckArgs),
    /// The simulated NIC as a Linux network device: the TAP device nic0 in namespace
    /// PREFIX-tx is the NIC (what the kernel sends on it goes through the driver model and the
    /// RTL, checked against the golden model), and its frames arrive on nic0 in PREFIX-rx.
    /// Runs until Ctrl-C, or with --check sends a seeded mix from real sockets and checks that
    /// every datagram and byte arrives. Needs root and /dev/net/tun.
    Live(LiveArgs),
}

#[derive(Args)]
struct LiveArgs {
    /// Namespace names PREFIX-tx (the NIC's host) and PREFIX-rx (the other end of the wire);
    /// default ufo-live, or ufo-live-PID with --check.
    #[arg(long, value_name = "PREFIX")]
    name: Option<String>,
    /// Send the seeded mix (UDP_SEGMENT, fragmented and small UDP, TCP; IPv4 and IPv6),
    /// check what the receiver gets, and stop.
    #[arg(long)]
    check: bool,
    /// Seed of the mix and of the bench (default: random, printed).
    #[arg(long)]
    seed: Option<u64>,
    /// Directory for wire.pcap: every frame the RTL sent.
    #[arg(long, default_value = "out/live")]
    out: PathBuf,
    /// Test hook for the check itself: the N-th frame (from 1) carrying a UDP datagram of the
    /// mix is not written to the receiver.
    #[arg(long, hide = true, value_name = "N")]
    drop_udp_frame: Option<u64>,
}

#[derive(Args)]
struct KernelCheckArgs {
    /// Vector file or directory of .csv files (repeatable).
    #[arg(long, value_name = "PATH", default_value = "testvectors")]
    vectors: Vec<PathBuf>,
    /// Random packets after the vectors (the UDP datagrams among them are sent).
    #[arg(long, default_value_t = 1000)]
    count: u64,
    /// MTUs for random UFO datagrams, one drawn per packet, 68 to 65535.
    #[arg(long, value_delimiter = ',', default_value = "1500,576,1280,9000",
          value_parser = clap::value_parser!(u32).range(68..=65535))]
    mtu: Vec<u32>,
    /// Directory for wire.pcap: the frames written into the TAP device.
    #[arg(long, default_value = "out/kernel-check")]
    out: PathBuf,
    #[command(flatten)]
    bench: BenchArgs,
}

#[derive(Args)]
struct CovLinesArgs {
    /// The merged coverage file (`verilator_coverage --write`).
    dat: PathBuf,
    /// Count the files of this directory (its `sim/` checkers excluded).
    #[arg(long, default_value = "rtl")]
    rtl: String,
}

#[derive(Args)]
struct SoakArgs {
    /// Datagrams of the whole soak at this binary's DATA_WIDTH, all shards together.
    #[arg(long, default_value_t = 250_000)]
    datagrams: u64,
    /// Datagrams per chunk (one model, one drawn bus setting).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..))]
    chunk: u64,
    /// This process's part of the chunks: K/N takes every chunk c with c mod N == K.
    #[arg(long, default_value = "0/1")]
    shard: ufo_sim::soak::Shard,
    /// Base seed of the soak (the same for every shard).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// MTUs of the random UFO datagrams.
    #[arg(long, value_delimiter = ',', default_value = "1500,576,1280,9000",
          value_parser = clap::value_parser!(u32).range(68..=65535))]
    mtu: Vec<u32>,
    /// Directory for the shard's results.
    #[arg(long, default_value = "out/soak")]
    out: PathBuf,
}

#[derive(Args)]
struct SoakMergeArgs {
    /// Shard summaries (soak-*.csv) or directories holding them.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Write one JUnit XML report of every shard here.
    #[arg(long, value_name = "FILE.xml")]
    junit: Option<PathBuf>,
    /// Write the merged functional coverage CSV here.
    #[arg(long, value_name = "FILE.csv")]
    cov: Option<PathBuf>,
}

#[derive(Args)]
struct CovMergeArgs {
    /// Functional coverage CSV files.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Write the merged CSV here.
    #[arg(long, value_name = "FILE.csv")]
    out: Option<PathBuf>,
    /// Exit 1 when a bin was never hit.
    #[arg(long)]
    require_all: bool,
}

#[derive(Args)]
struct CaptureArgs {
    /// Output pcap file.
    out: PathBuf,
    /// Frames to write.
    #[arg(long, default_value_t = 100)]
    count: u64,
    /// Seed (default: random, printed).
    #[arg(long)]
    seed: Option<u64>,
}

const DEFAULT_TREADY: f64 = 0.8;
const DEFAULT_LATENCY: u32 = 20;
const DEFAULT_REORDER: f64 = 0.3;
const DEFAULT_IN_FLIGHT: u16 = 8;
const DEFAULT_STALL: f64 = 0.001;
const DEFAULT_STALL_MAX: u32 = 200;

#[derive(Args)]
struct BenchArgs {
    /// Master seed of the bench and the random packets (default: `run` draws one at random,
    /// `replay` uses 1; always printed with the command that replays the run).
    #[arg(long)]
    seed: Option<u64>,
    /// Write an FST waveform of the whole run here.
    #[arg(long, value_name = "FILE.fst")]
    trace: Option<PathBuf>,
    /// Probability that the MAC accepts a beat in a cycle (above 0: a MAC that never takes a
    /// beat is a hang by construction).
    #[arg(long, default_value_t = DEFAULT_TREADY, value_parser = nonzero_probability)]
    tready: f64,
    /// Host memory read latency in cycles (10 ns each), 1 to 100000.
    #[arg(long, default_value_t = DEFAULT_LATENCY,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    latency: u32,
    /// Probability that host memory returns the next read beat of another AXI ID ahead of the
    /// oldest burst (read data out of order and interleaved across IDs; 0: strict AR order).
    #[arg(long = "reorder", value_name = "P", default_value_t = DEFAULT_REORDER, value_parser = probability)]
    reorder: f64,
    /// Most packets posted to the engine and not yet completed, 1 to 1024 (the descriptor
    /// ring's entries).
    #[arg(long, default_value_t = DEFAULT_IN_FLIGHT,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    in_flight: u16,
    /// Probability per cycle that a long stall starts on each host memory channel (AR, AW, W
    /// ready; R, B valid) and on the MAC's TREADY (0: none).
    #[arg(long, value_name = "P", default_value_t = DEFAULT_STALL, value_parser = below_one)]
    stall: f64,
    /// Longest stall in cycles (each lasts 1 to this many, uniform), up to 100000.
    #[arg(long, value_name = "CYCLES", default_value_t = DEFAULT_STALL_MAX,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    stall_max: u32,
    /// Probability per cycle that host memory sends an R beat (ID 0 or 1) or a B response that
    /// nothing asked for; the engine must drop and count them (ERR_CNT UNSOLICITED_R/_B).
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = probability)]
    unsolicited: f64,
    /// Probability that host memory answers a read burst (descriptors or buffers) with SLVERR or
    /// DECERR; the packets it hits must end in errors only (DESC_DMA or DMA_READ), no frame.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = probability)]
    read_errors: f64,
    /// Probability that host memory answers a write burst (a completion record) with SLVERR or
    /// DECERR; the record is lost, the engine counts it (ERR_CNT CPL_WRITE_ERR, IRQ ERR) and the
    /// driver model takes the chains back from CPL_HEAD and TX_HEAD. Not with --read-errors:
    /// the lost record of a packet a read error hit cannot be rebuilt from its case.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = probability,
          conflicts_with = "read_errors")]
    write_errors: f64,
    /// Test hook for the harness itself: from the first packet on, accesses to one register
    /// never complete (`no-response:OFFSET`) or answer SLVERR (`slverr:OFFSET`).
    #[arg(long, hide = true, value_name = "KIND:OFFSET", value_parser = reg_fault)]
    inject_reg_fault: Option<AxilFault>,
}

impl BenchArgs {
    /// The bus options that differ from their defaults, as flags for a replay command line.
    fn non_default_flags(&self) -> String {
        let mut f = String::new();
        if self.tready != DEFAULT_TREADY {
            f += &format!(" --tready {}", self.tready);
        }
        if self.latency != DEFAULT_LATENCY {
            f += &format!(" --latency {}", self.latency);
        }
        if self.reorder != DEFAULT_REORDER {
            f += &format!(" --reorder {}", self.reorder);
        }
        if self.in_flight != DEFAULT_IN_FLIGHT {
            f += &format!(" --in-flight {}", self.in_flight);
        }
        if self.stall != DEFAULT_STALL {
            f += &format!(" --stall {}", self.stall);
        }
        if self.stall_max != DEFAULT_STALL_MAX {
            f += &format!(" --stall-max {}", self.stall_max);
        }
        if self.unsolicited != 0.0 {
            f += &format!(" --unsolicited {}", self.unsolicited);
        }
        if self.read_errors != 0.0 {
            f += &format!(" --read-errors {}", self.read_errors);
        }
        if self.write_errors != 0.0 {
            f += &format!(" --write-errors {}", self.write_errors);
        }
        f
    }
}

#[derive(Args)]
struct RunArgs {
    /// Vector file or directory of .csv files (repeatable; none: random only).
    #[arg(long, value_name = "PATH")]
    vectors: Vec<PathBuf>,
    /// Only the vector with this name.
    #[arg(long)]
    only: Option<String>,
    /// Random packets after the vectors.
    #[arg(long, default_value_t = 1000)]
    count: u64,
    /// Only random packet number K of the seed (replays one failure on its own).
    #[arg(long, value_name = "K")]
    pick: Option<u64>,
    /// MTUs for random UFO datagrams, one drawn per packet (vectors carry their own), 68 to
    /// 65535.
    #[arg(long, value_delimiter = ',', default_value = "1500",
          value_parser = clap::value_parser!(u32).range(68..=65535))]
    mtu: Vec<u32>,
    /// Directory for wire.pcap (RTL output, each frame timestamped by the cycle its last beat
    /// left, 10 ns per cycle) and expected.pcap (golden model, in order; its timestamps only
    /// number the frames: frame k at k x 10 ns).
    #[arg(long, default_value = "out/sim")]
    out: PathBuf,
    /// Write a JUnit XML report here: one test case per vector and random packet.
    #[arg(long, value_name = "FILE.xml")]
    junit: Option<PathBuf>,
    /// Write the functional coverage of the cases that passed here (CSV; `cov-merge` adds
    /// files up) and print its table.
    #[arg(long, value_name = "FILE.csv")]
    func_cov: Option<PathBuf>,
    #[command(flatten)]
    bench: BenchArgs,
}

#[derive(Args)]
struct FuzzArgs {
    /// Packets to send.
    #[arg(long, default_value_t = 2000)]
    count: u64,
    /// Only packet K of the seed (replays one failure on its own).
    #[arg(long, value_name = "K")]
    pick: Option<u64>,
    /// Share of the packets that carry a fault (the rest are valid packets of the whole mix).
    #[arg(long, value_name = "P", default_value_t = 0.5, value_parser = probability)]
    fault_share: f64,
    /// Only packet faults: no bus fault classes (descriptor/buffer read errors, unsolicited
    /// beats, dropped responses).
    #[arg(long)]
    no_bus_faults: bool,
    /// MTUs for UFO datagrams, one drawn per packet, 68 to 65535.
    #[arg(long, value_delimiter = ',', default_value = "1500,576,1280,9000",
          value_parser = clap::value_parser!(u32).range(68..=65535))]
    mtu: Vec<u32>,
    /// Directory for wire.pcap and expected.pcap.
    #[arg(long, default_value = "out/fuzz")]
    out: PathBuf,
    /// Write a JUnit XML report here: one test case per packet.
    #[arg(long, value_name = "FILE.xml")]
    junit: Option<PathBuf>,
    /// Write the functional coverage of the cases that passed here (CSV, as `run --func-cov`).
    #[arg(long, value_name = "FILE.csv")]
    func_cov: Option<PathBuf>,
    #[command(flatten)]
    bench: BenchArgs,
}

#[derive(Args)]
struct ReplayArgs {
    /// Capture of unfragmented Ethernet frames, pcap or pcapng.
    input: PathBuf,
    /// MTU of the UFO device, 68 to 65535.
    #[arg(long, value_parser = clap::value_parser!(u32).range(68..=65535))]
    mtu: u32,
    /// USO: every checksummed UDP datagram whose payload exceeds GSO_SIZE (1 to 65535) goes to
    /// the engine as a USO super-frame with this gso_size (what a sending host that uses
    /// UDP_SEGMENT captures); the rest as without it.
    #[arg(long, value_name = "GSO_SIZE", value_parser = clap::value_parser!(u16).range(1..))]
    uso: Option<u16>,
    /// Where to write what went on the wire.
    #[arg(long, value_name = "OUT.pcap")]
    out: PathBuf,
    /// Exit 0 even when some frames could not be handled.
    #[arg(long)]
    skip_unsupported: bool,
    /// Write a JUnit XML report here: one test case per frame of the capture.
    #[arg(long, value_name = "FILE.xml")]
    junit: Option<PathBuf>,
    #[command(flatten)]
    bench: BenchArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Run(a) => run(a),
        Cmd::Replay(a) => replay_cmd(a),
        Cmd::Capture(a) => capture_cmd(a),
        Cmd::Fuzz(a) => fuzz_cmd(a),
        Cmd::Bench(a) => ufo_sim::bench::bench(&a)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Into::into),
        Cmd::BenchTable(a) => ufo_sim::bench::table(&a)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Into::into),
        Cmd::KernelCheck(a) => kernel_check_cmd(a),
        Cmd::Live(a) => live_cmd(a),
        Cmd::Soak(a) => soak_cmd(a),
        Cmd::SoakMerge(a) => soak_merge_cmd(a),
        Cmd::CovMerge(a) => cov_merge_cmd(a),
        Cmd::CovLines(a) => cov_lines_cmd(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ufo-sim: {e}");
            ExitCode::from(2)
        }
    }
}

fn soak_cmd(a: SoakArgs) -> Result<ExitCode> {
    let totals = ufo_sim::soak::soak(&ufo_sim::soak::SoakConfig {
        seed: a.seed,
        datagrams: a.datagrams,
        chunk: a.chunk,
        shard: a.shard,
        mtus: a.mtu,
        out: a.out,
    })?;
    Ok(if totals.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn soak_merge_cmd(a: SoakMergeArgs) -> Result<ExitCode> {
    let (totals, coverage) = ufo_sim::soak::merge(&a.inputs, a.junit.as_deref())?;
    if let Some(p) = &a.cov {
        coverage.write(p)?;
    }
    print!("{}", coverage.table());
    println!("soak total: {}", totals.report());
    Ok(if totals.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn cov_merge_cmd(a: CovMergeArgs) -> Result<ExitCode> {
    let mut total = Coverage::new();
    for p in &a.inputs {
        total.merge(&Coverage::read(p)?);
    }
    if let Some(p) = &a.out {
        total.write(p)?;
    }
    print!("{}", total.table());
    Ok(if a.require_all && !total.never_hit().is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn cov_lines_cmd(a: CovLinesArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&a.dat)
        .with_context(|| format!("cannot read {}", a.dat.display()))?;
    let mut cov = LineCoverage::parse(&text, &a.dat.display().to_string())?;
    // The model's file names are as build.rs gave them (e.g. `.../sim/../rtl/ufo_csr.sv`): named
    // from the RTL directory on, as from the repository root.
    let dir = format!("{}/", a.rtl.trim_end_matches('/'));
    let sim = format!("{dir}sim/");
    let inner = format!("/{dir}");
    cov.select(|f| {
        let name = f
            .rsplit_once(&inner)
            .map_or(f.to_string(), |x| format!("{dir}{}", x.1));
        (name.starts_with(&dir) && !name.starts_with(&sim)).then_some(name)
    });
    anyhow::ensure!(
        !cov.files.is_empty(),
        "{}: no line coverage points of {dir} (was the model built with --coverage-line?)",
        a.dat.display()
    );
    print!("{}", cov.report(|f| std::fs::read_to_string(f).ok()));
    Ok(ExitCode::SUCCESS)
}

/// A probability flag: a number in 0..=1.
fn probability(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("'{s}' is not a probability (a number from 0 to 1)")),
    }
}

/// A probability flag below 1.
fn below_one(s: &str) -> Result<f64, String> {
    match probability(s)? {
        p if p < 1.0 => Ok(p),
        _ => Err(format!("'{s}': must be below 1")),
    }
}

/// A probability flag that must not be 0.
fn nonzero_probability(s: &str) -> Result<f64, String> {
    match probability(s)? {
        0.0 => Err(format!("'{s}': must be above 0")),
        p => Ok(p),
    }
}

/// `no-response:OFFSET` or `slverr:OFFSET` (decimal or 0x hex).
fn reg_fault(s: &str) -> Result<AxilFault, String> {
    let bad = || format!("'{s}': expected no-response:OFFSET or slverr:OFFSET");
    let (kind, off) = s.split_once(':').ok_or_else(bad)?;
    let addr = match off.strip_prefix("0x") {
        Some(h) => u32::from_str_radix(h, 16),
        None => off.parse(),
    }
    .map_err(|_| bad())?;
    match kind {
        "no-response" => Ok(AxilFault::NoResponse { addr }),
        "slverr" => Ok(AxilFault::SlvErr { addr }),
        _ => Err(bad()),
    }
}

fn run_config(b: &BenchArgs, seed: u64) -> RunConfig {
    RunConfig {
        seed,
        trace: b.trace.clone(),
        traffic: Traffic {
            tready_prob: b.tready,
            read_latency: b.latency,
            reorder_prob: b.reorder,
            stall_prob: b.stall,
            stall_max: b.stall_max,
            faults: BusFaults {
                unsolicited_r_prob: b.unsolicited,
                unsolicited_b_prob: b.unsolicited,
                read_error_prob: b.read_errors,
                write_error_prob: b.write_errors,
                ..BusFaults::default()
            },
            ..Traffic::default()
        },
        max_in_flight: usize::from(b.in_flight),
    }
}

fn run(a: RunArgs) -> Result<ExitCode> {
    let seed = a.bench.seed.unwrap_or_else(rand::random);
    let mut vector_cases: Vec<Case> = Vec::new();
    if a.pick.is_none() {
        for path in &a.vectors {
            for file in vectors::vector_files(path)? {
                vector_cases.extend(vectors::load_file(&file)?);
            }
        }
        if let Some(only) = &a.only {
            vector_cases.retain(|c| &c.name == only);
            anyhow::ensure!(!vector_cases.is_empty(), "no vector named '{only}'");
        }
    }
    let vector_count = vector_cases.len();
    let picks = match a.pick {
        Some(k) => k..k + 1,
        None => 0..a.count,
    };
    let mtus = a
        .mtu
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let bench = a.bench.non_default_flags();
    println!(
        "ufo-sim run: seed {seed}, {vector_count} vectors + {} random packets (MTU {mtus}), DATA_WIDTH {}, Verilator {}",
        picks.end - picks.start,
        ufo_sim::DATA_WIDTH,
        ufo_sim::VERILATOR_VERSION
    );
    let replay = replay_command(&a, seed, &mtus);
    println!("replay this run: {replay}");
    if let Some(make) = make_command(&a, seed, &mtus) {
        println!("  (from the Makefile: {make})");
    }

    // Random cases are made when the engine has room for them, never all at once.
    let total = vector_count as u64 + (picks.end - picks.start);
    let first_pick = picks.start;
    let mtu_list = a.mtu.clone();
    let passed = a.func_cov.is_some().then(PassedCases::default);
    let noted = passed.clone();
    let input = vector_cases
        .into_iter()
        .map(Ok)
        .chain(picks.map(move |k| random::random_case(seed, k, &mtu_list)))
        .enumerate()
        .map(move |(i, case)| {
            if let (Some(p), Ok(c)) = (&noted, &case) {
                p.note(i, c, ufo_sim::DATA_WIDTH);
            }
            case
        });
    let replay_hint = {
        let mtus = mtus.clone();
        let bin = sim_bin();
        move |i: usize, o: &Outcome| {
            if i >= vector_count {
                let k = first_pick + (i - vector_count) as u64;
                format!("{bin} run --seed {seed} --pick {k} --mtu {mtus}{bench}")
            } else {
                let file = o.origin.rsplit_once(':').map_or("testvectors", |x| x.0);
                format!(
                    "{bin} run --seed {seed} --vectors {file} --only {} --count 0{bench}",
                    o.name
                )
            }
        }
    };
    let classname = move |i: usize, o: &Outcome| {
        if i >= vector_count {
            "random".to_string()
        } else {
            o.origin
                .rsplit_once(':')
                .map_or(&*o.origin, |x| x.0)
                .to_string()
        }
    };
    let wire = a.out.join("wire.pcap");
    let expected = a.out.join("expected.pcap");
    let mut sink = CliSink::new(
        Some(&wire),
        Some(&expected),
        total,
        Box::new(replay_hint),
        a.junit.is_some().then_some(Box::new(classname) as Classify),
    )?;
    sink.coverage = passed;
    let (summary, secs) = simulate_with(&a.bench, seed, input, &mut sink, |_| Ok(()))?;
    save_func_cov(a.func_cov.as_deref(), sink.coverage.as_ref())?;
    let (wire_frames, expected_frames, junit_cases) = sink.close()?;
    println!(
        "wire output: {} ({wire_frames} frames); golden: {} ({expected_frames} frames; timestamps \
         are frame numbers)",
        wire.display(),
        expected.display()
    );
    if let (Some(path), Some(cases)) = (&a.junit, junit_cases) {
        let properties = junit_properties(seed, &mtus, replay);
        write_junit(path, "ufo-sim run", secs, properties, cases)?;
    }
    Ok(finish(&summary, seed))
}

/// The `ufo-sim` binary of this model's width, as the Makefile builds it (replay commands name
/// it, so a replay runs the same model).
fn sim_bin() -> String {
    match ufo_sim::DATA_WIDTH {
        64 => "target/release/ufo-sim".into(),
        w => format!("target/width-{w}/release/ufo-sim"),
    }
}

/// The command that runs exactly this run again: every option that changes what is simulated.
fn replay_command(a: &RunArgs, seed: u64, mtus: &str) -> String {
    let bin = sim_bin();
    let mut c = format!("{bin} run --seed {seed}");
    match a.pick {
        Some(k) => c += &format!(" --pick {k}"),
        None => {
            c += &format!(" --count {}", a.count);
            for v in &a.vectors {
                c += &format!(" --vectors {}", v.display());
            }
            if let Some(only) = &a.only {
                c += &format!(" --only {only}");
            }
        }
    }
    c += &format!(" --mtu {mtus}{}", a.bench.non_default_flags());
    if let Some(t) = &a.bench.trace {
        c += &format!(" --trace {}", t.display());
    }
    c
}

/// The `make sim` line that replays this run, when `make sim` can express it (all vectors of
/// `testvectors`, no `--only`/`--pick`/trace, default bus options).
fn make_command(a: &RunArgs, seed: u64, mtus: &str) -> Option<String> {
    let plain = a.vectors == [PathBuf::from("testvectors")]
        && a.only.is_none()
        && a.pick.is_none()
        && a.bench.trace.is_none()
        && a.bench.non_default_flags().is_empty();
    plain.then(|| format!("make sim SEED={seed} COUNT={} MTU={mtus}", a.count))
}

fn replay_cmd(a: ReplayArgs) -> Result<ExitCode> {
    let seed = a.bench.seed.unwrap_or(1);
    let frames = pcap_io::read_frames(&a.input)?;
    let (cases, errors) = replay::cases_from_frames_uso(&frames, a.mtu, a.uso);
    let uso = a.uso.map_or(String::new(), |g| format!(" --uso {g}"));
    println!(
        "ufo-sim replay: {} frames from {}, {} handled ({} as USO super-frames), MTU {}{uso}, seed {seed}",
        frames.len(),
        a.input.display(),
        cases.len(),
        cases.iter().filter(|c| c.skb.uso_gso_size.is_some()).count(),
        a.mtu
    );
    for e in &errors {
        eprintln!("{}: {e}", a.input.display());
    }
    let bin = sim_bin();
    let replay = format!(
        "{bin} replay {} --mtu {}{uso} --out {} --seed {seed}{}",
        a.input.display(),
        a.mtu,
        a.out.display(),
        a.bench.non_default_flags()
    );
    println!("replay this run: {replay}");
    let capture = a.input.display().to_string();
    let classname = {
        let capture = capture.clone();
        move |_: usize, _: &Outcome| capture.clone()
    };
    let mut sink = CliSink::new(
        Some(&a.out),
        None,
        cases.len() as u64,
        Box::new(|_, _| String::new()),
        a.junit.is_some().then_some(Box::new(classname) as Classify),
    )?;
    let (summary, secs) =
        simulate_with(&a.bench, seed, cases.into_iter().map(Ok), &mut sink, |_| {
            Ok(())
        })?;
    let (wire_frames, _, junit_cases) = sink.close()?;
    println!("wrote {wire_frames} frames to {}", a.out.display());
    if let (Some(path), Some(mut junit_cases)) = (&a.junit, junit_cases) {
        if !a.skip_unsupported {
            for e in &errors {
                junit_cases.push(TestCase {
                    name: format!("frame-{}", e.frame),
                    classname: capture.clone(),
                    failure: Some(format!("cannot be handled: {e}")),
                });
            }
        }
        let mut properties = junit_properties(seed, &a.mtu.to_string(), replay);
        properties.push(("unsupported_frames".into(), errors.len().to_string()));
        write_junit(path, "ufo-sim replay", secs, properties, junit_cases)?;
    }
    let code = finish(&summary, seed);
    if !errors.is_empty() && !a.skip_unsupported {
        println!(
            "{} frames could not be handled (see above; --skip-unsupported to accept)",
            errors.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(code)
}

fn fuzz_cmd(a: FuzzArgs) -> Result<ExitCode> {
    use std::cell::RefCell;
    use std::rc::Rc;
    use ufo_sim::fuzz::{available_classes, fuzz_case, FuzzClass, FuzzTally};

    let seed = a.bench.seed.unwrap_or_else(rand::random);
    let mtus = a
        .mtu
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let classes = available_classes(!a.no_bus_faults);
    let picks = match a.pick {
        Some(k) => k..k + 1,
        None => 0..a.count,
    };
    println!(
        "ufo-sim fuzz: seed {seed}, {} packets, {:.0}% with a fault from {} classes (MTU {mtus}), \
         DATA_WIDTH {}, Verilator {}",
        picks.end - picks.start,
        100.0 * a.fault_share,
        classes.len(),
        ufo_sim::DATA_WIDTH,
        ufo_sim::VERILATOR_VERSION
    );
    for c in FuzzClass::ALL {
        if let Some(why) = c.missing() {
            println!("  class {} not run: {why}", c.name());
        }
    }
    let mut common = format!(" --mtu {mtus}");
    if a.fault_share != 0.5 {
        common += &format!(" --fault-share {}", a.fault_share);
    }
    if a.no_bus_faults {
        common += " --no-bus-faults";
    }
    common += &a.bench.non_default_flags();
    let bin = sim_bin();
    let replay = match a.pick {
        Some(k) => format!("{bin} fuzz --seed {seed} --pick {k}{common}"),
        None => format!("{bin} fuzz --seed {seed} --count {}{common}", a.count),
    };
    println!("replay this run: {replay}");

    // The class of every input index, filled in as the cases are made.
    let drawn: Rc<RefCell<Vec<FuzzClass>>> = Rc::default();
    let passed = a.func_cov.is_some().then(PassedCases::default);
    let input = {
        let (drawn, mtus, classes) = (drawn.clone(), a.mtu.clone(), classes.clone());
        let (share, noted) = (a.fault_share, passed.clone());
        picks.clone().enumerate().map(move |(i, k)| {
            let (class, case) = fuzz_case(seed, k, &mtus, share, &classes);
            drawn.borrow_mut().push(class);
            if let (Some(p), Ok(c)) = (&noted, &case) {
                p.note(i, c, ufo_sim::DATA_WIDTH);
            }
            case
        })
    };
    let first = picks.start;
    let hint = {
        let common = common.clone();
        let bin = bin.clone();
        move |i: usize, _: &Outcome| {
            let k = first + i as u64;
            format!("{bin} fuzz --seed {seed} --pick {k}{common}")
        }
    };
    let classify = {
        let drawn = drawn.clone();
        move |i: usize, _: &Outcome| drawn.borrow()[i].name().to_string()
    };
    let wire = a.out.join("wire.pcap");
    let expected = a.out.join("expected.pcap");
    let mut inner = CliSink::new(
        Some(&wire),
        Some(&expected),
        picks.end - picks.start,
        Box::new(hint),
        a.junit.is_some().then_some(Box::new(classify) as Classify),
    )?;
    inner.coverage = passed;
    let mut sink = FuzzSink {
        inner,
        drawn,
        tally: FuzzTally::default(),
    };
    let timeout = classes
        .iter()
        .any(|c| ufo_sim::fuzz::drops_responses(*c))
        .then(|| ufo_sim::fuzz::response_timeout(&run_config(&a.bench, seed).traffic));
    let setup = move |r: &mut Runner| match timeout {
        Some(t) => r
            .set_response_timeout(t)
            .unwrap_or(Ok(()))
            .map_err(|e| anyhow::anyhow!("READ_TIMEOUT: {e}")),
        None => Ok(()),
    };
    let (summary, secs) = simulate_with(&a.bench, seed, input, &mut sink, setup)?;
    let FuzzSink { inner, tally, .. } = sink;
    save_func_cov(a.func_cov.as_deref(), inner.coverage.as_ref())?;
    let (_, _, junit_cases) = inner.close()?;
    println!("{}", tally.table());
    if summary.cut_frames > 0 {
        println!(
            "{} frames cut short with TUSER (dropped by the MAC)",
            summary.cut_frames
        );
    }
    if summary.lost_records > 0 {
        println!(
            "{} completion records lost to a refused write, recovered from CPL_HEAD/TX_HEAD",
            summary.lost_records
        );
    }
    if let (Some(path), Some(cases)) = (&a.junit, junit_cases) {
        let properties = junit_properties(seed, &mtus, replay);
        write_junit(path, "ufo-sim fuzz", secs, properties, cases)?;
    }
    let code = finish(&summary, seed);
    if !tally.ok() {
        println!("fuzz: FAILED (see the table)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(code)
}

/// [`CliSink`] plus the fuzz's counts per class.
struct FuzzSink {
    inner: CliSink,
    drawn: std::rc::Rc<std::cell::RefCell<Vec<ufo_sim::fuzz::FuzzClass>>>,
    tally: ufo_sim::fuzz::FuzzTally,
}

impl RunSink for FuzzSink {
    fn wire_frame(&mut self, f: &WireFrame) -> Result<(), SinkError> {
        self.inner.wire_frame(f)
    }
    fn expected_frames(&mut self, frames: &[Vec<u8>]) -> Result<(), SinkError> {
        self.inner.expected_frames(frames)
    }
    fn outcome(&mut self, index: usize, o: &Outcome) -> Result<(), SinkError> {
        let class = self.drawn.borrow()[index];
        self.tally.outcome(class, o);
        self.inner.outcome(index, o)
    }
    fn failure(&mut self, f: &RunFailure) -> Result<(), SinkError> {
        self.tally.failure(f);
        self.inner.failure(f)
    }
}

fn capture_cmd(a: CaptureArgs) -> Result<ExitCode> {
    let seed = a.seed.unwrap_or_else(rand::random);
    let mut out = PcapStream::create(&a.out)?;
    for (i, frame) in random::capture_frames(seed, a.count).enumerate() {
        out.write(i as u64 * 1000, &frame?)?;
    }
    let frames = out.finish()?;
    println!("wrote {frames} frames to {} (seed {seed})", a.out.display());
    Ok(ExitCode::SUCCESS)
}

/// The command line that replays a failed case on its own (empty: none).
type ReplayHint = Box<dyn Fn(usize, &Outcome) -> String>;
/// The JUnit class of a case (its vector file, `random`, or the capture).
type Classify = Box<dyn Fn(usize, &Outcome) -> String>;

/// Writes the pcaps and prints every failure as the run finds it; keeps a JUnit test case per
/// case only when a report is asked for (one short line per case: the one thing that grows
/// with `--count`).
struct CliSink {
    wire: Option<PcapStream>,
    expected: Option<PcapStream>,
    bar: ProgressBar,
    finished: u64,
    replay_hint: ReplayHint,
    junit: Option<(Classify, Vec<TestCase>)>,
    /// Failures not tied to one case, for the report's end-of-run test case.
    run_failures: Vec<String>,
    /// Where else every wire frame goes (a TAP device).
    forward: Option<Forward>,
    /// Functional coverage of the cases that passed, when asked for.
    coverage: Option<PassedCases>,
}

/// Hands a wire frame on (e.g. to a TAP device).
type Forward = Box<dyn FnMut(&[u8]) -> Result<(), SinkError>>;

impl CliSink {
    fn new(
        wire: Option<&Path>,
        expected: Option<&Path>,
        total: u64,
        replay_hint: ReplayHint,
        classify: Option<Classify>,
    ) -> Result<CliSink> {
        Ok(CliSink {
            wire: wire.map(PcapStream::create).transpose()?,
            expected: expected.map(PcapStream::create).transpose()?,
            bar: progress_bar(total)?,
            finished: 0,
            replay_hint,
            junit: classify.map(|c| (c, Vec::new())),
            run_failures: Vec::new(),
            forward: None,
            coverage: None,
        })
    }

    /// Also hands every wire frame to `forward`.
    fn forward_to(mut self, forward: Forward) -> CliSink {
        self.forward = Some(forward);
        self
    }

    fn say(&self, text: &str) {
        self.bar.suspend(|| println!("{text}"));
    }

    /// Closes the pcaps; the frames in each, and the JUnit test cases (with one for the
    /// end-of-run checks) if a report was asked for.
    fn close(self) -> Result<(u64, u64, Option<Vec<TestCase>>)> {
        self.bar.finish_and_clear();
        let close = |w: Option<PcapStream>| w.map_or(Ok(0), PcapStream::finish);
        let junit = self.junit.map(|(_, mut cases)| {
            cases.push(TestCase {
                name: "end-of-run checks".into(),
                classname: "ufo-sim".into(),
                failure: (!self.run_failures.is_empty()).then(|| self.run_failures.join("\n")),
            });
            cases
        });
        Ok((close(self.wire)?, close(self.expected)?, junit))
    }
}

impl RunSink for CliSink {
    fn wire_frame(&mut self, f: &WireFrame) -> Result<(), SinkError> {
        if let Some(w) = &mut self.wire {
            w.write(f.cycle, &f.data)?;
        }
        if let Some(forward) = &mut self.forward {
            forward(&f.data)?;
        }
        Ok(())
    }

    fn expected_frames(&mut self, frames: &[Vec<u8>]) -> Result<(), SinkError> {
        if let Some(w) = &mut self.expected {
            for f in frames {
                w.write(w.frames(), f)?;
            }
        }
        Ok(())
    }

    fn outcome(&mut self, index: usize, o: &Outcome) -> Result<(), SinkError> {
        self.finished += 1;
        if let Some(p) = &self.coverage {
            p.settle(index, o.result.is_ok());
        }
        self.bar.set_position(self.finished);
        // Each failure with the command that replays it alone; cases an abort left are counted
        // once, under its cause.
        let failure = match &o.result {
            Err(CaseFailure::Unchecked) => Some("not checked: the run stopped".to_string()),
            Err(e) => {
                let hint = (self.replay_hint)(index, o);
                let text = if hint.is_empty() {
                    e.to_string()
                } else {
                    format!("{e}\n  replay: {hint}")
                };
                self.say(&format!("FAIL {text}"));
                Some(text)
            }
            Ok(()) => None,
        };
        if let Some((classify, cases)) = &mut self.junit {
            cases.push(TestCase {
                name: o.name.clone(),
                classname: classify(index, o),
                failure,
            });
        }
        Ok(())
    }

    fn failure(&mut self, f: &RunFailure) -> Result<(), SinkError> {
        self.say(&format!("FAIL {f}"));
        if self.junit.is_some() {
            self.run_failures.push(f.to_string());
        }
        Ok(())
    }
}

/// A sink that can report a failure before the run starts.
trait CliRunSink: RunSink {
    fn cli(&mut self) -> &mut CliSink;
}

impl CliRunSink for CliSink {
    fn cli(&mut self) -> &mut CliSink {
        self
    }
}

impl CliRunSink for FuzzSink {
    fn cli(&mut self) -> &mut CliSink {
        &mut self.inner
    }
}

/// Runs the cases of `input` into any sink built on a [`CliSink`]; the totals and the seconds
/// it took.
fn simulate_with(
    b: &BenchArgs,
    seed: u64,
    input: impl Iterator<Item = Result<Case, UnbuiltCase>>,
    sink: &mut impl CliRunSink,
    setup: impl FnOnce(&mut Runner) -> Result<()>,
) -> Result<(RunSummary, f64)> {
    let mut runner = match Runner::new(run_config(b, seed)) {
        Ok(r) => r,
        // The engine did not come up: a failure of the engine, not of the command line.
        Err(RunError::Init(e)) => {
            let f = format!("driver init: {e}");
            sink.cli().say(&format!("FAIL {f}"));
            sink.cli().run_failures.push(f);
            let s = RunSummary {
                failures: 1,
                ..RunSummary::default()
            };
            return Ok((s, 0.0));
        }
        Err(e) => return Err(e.into()),
    };
    setup(&mut runner)?;
    runner.tb.axil.inject_fault(b.inject_reg_fault);
    if b.unsolicited > 0.0 && !ufo_sim::fuzz::has_register("ERR_CNT") {
        println!(
            "warning: --unsolicited on an RTL without bus guards (no ERR_CNT register): the \
             engine takes the beats as data, failures are expected"
        );
    }
    let started = std::time::Instant::now();
    let s = runner.run_stream(input, sink)?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "simulated {} cycles in {secs:.1} s ({:.0} ns per cycle); stream busy {:.1}% \
         ({} bytes in {} frames); longest bus stall {} cycles (hang limit {})",
        s.cycles,
        secs * 1e9 / s.cycles.max(1) as f64,
        100.0 * s.wire_bytes as f64 / (s.cycles.max(1) * ufo_sim::DATA_BYTES as u64) as f64,
        s.wire_bytes,
        s.wire_frames,
        s.longest_stall,
        run_config(b, seed).traffic.stall_limit()
    );
    let by_status: Vec<String> = s
        .completions
        .iter()
        .map(|(status, n)| format!("{status} {n}"))
        .collect();
    println!("completions by status: {}", by_status.join(", "));
    let (m, mac) = (runner.tb.mem.stats(), runner.tb.sink.stats());
    println!(
        "bus faults injected: {} stall bursts ({} cycles) on host memory, {} on the MAC; \
         random read errors {}; completion writes refused {} ({} chains or chain parts taken \
         back); unsolicited R {} / B {}; dropped reads {} / writes {}; {} frames cut with TUSER",
        m.stall_bursts,
        m.stall_cycles,
        mac.stall_bursts,
        m.injected_read_errors,
        m.write_error_responses,
        s.lost_records,
        m.unsolicited_r,
        m.unsolicited_b,
        m.dropped_reads,
        m.dropped_writes,
        s.cut_frames
    );
    Ok((s, secs))
}

/// A progress bar on the terminal; none when stdout or stderr goes to a file or a pipe (a CI
/// log), where redrawn lines would only be noise.
fn progress_bar(len: u64) -> Result<ProgressBar> {
    if !(std::io::stdout().is_terminal() && std::io::stderr().is_terminal()) {
        return Ok(ProgressBar::hidden());
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} packets {elapsed} (eta {eta})")
            .context("progress bar template")?,
    );
    Ok(bar)
}

/// Writes and prints the functional coverage of a run's passed cases, when it was asked for.
fn save_func_cov(path: Option<&Path>, passed: Option<&PassedCases>) -> Result<()> {
    if let (Some(path), Some(p)) = (path, passed) {
        let cov = p.coverage();
        cov.write(path)?;
        print!("{}", cov.table());
        println!("functional coverage: {}", path.display());
    }
    Ok(())
}

/// The properties every JUnit report of a run carries: what replays it.
fn junit_properties(seed: u64, mtus: &str, replay: String) -> Vec<(String, String)> {
    vec![
        ("seed".into(), seed.to_string()),
        ("mtu".into(), mtus.to_string()),
        ("data_width".into(), ufo_sim::DATA_WIDTH.to_string()),
        ("replay".into(), replay),
    ]
}

/// Writes the JUnit report.
fn write_junit(
    path: &Path,
    name: &str,
    secs: f64,
    properties: Vec<(String, String)>,
    cases: Vec<TestCase>,
) -> Result<()> {
    let suite = Suite {
        name: name.into(),
        time_s: secs,
        properties,
        cases,
    };
    suite.write(path)?;
    println!(
        "JUnit report: {} ({} test cases)",
        path.display(),
        suite.cases.len()
    );
    Ok(())
}

fn finish(s: &RunSummary, seed: u64) -> ExitCode {
    if let Some(a) = &s.abort {
        // The cause was printed as it happened; say what it left unchecked.
        println!("  {}", a.consequence());
    }
    if !s.ok() {
        println!("seed {seed}: see the replay commands above");
    }
    let unchecked = s
        .unchecked()
        .map_or(String::new(), |n| format!(", {n} not checked"));
    println!(
        "{} passed, {} failed{unchecked}",
        s.passed,
        s.failed + s.failures
    );
    if s.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Says why a check that needs root and /dev/net/tun cannot run here: a loud line, exit 0
/// (the check is not done: `UFO_NET_REQUIRED=1` makes it a failure instead).
fn net_skipped(what: &str, why: &str) -> ExitCode {
    let line = "*".repeat(78);
    println!("{line}\n*** {what}: SKIPPED, NOT RUN: {why}\n*** (needs root and /dev/net/tun; nothing was checked)\n{line}");
    if std::env::var_os("UFO_NET_REQUIRED").is_some_and(|v| v == "1") {
        println!("UFO_NET_REQUIRED=1: a skipped {what} is a failure");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn kernel_check_cmd(a: KernelCheckArgs) -> Result<ExitCode> {
    use ufo_sim::kernel::{Delivery, Prepared, Receiver};
    if let Err(why) = ufo_netns::check_available() {
        return Ok(net_skipped("ufo-sim kernel-check", &why));
    }
    let seed = a.bench.seed.unwrap_or_else(rand::random);
    let mtus = a
        .mtu
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut cases = Vec::new();
    for path in &a.vectors {
        for file in vectors::vector_files(path)? {
            cases.extend(vectors::load_file(&file)?);
        }
    }
    let vector_count = cases.len();
    for k in 0..a.count {
        cases.push(random::random_case(seed, k, &a.mtu)?);
    }
    let prepared = Prepared::new(cases);
    let vectors_arg: String = a
        .vectors
        .iter()
        .map(|v| format!(" --vectors {}", v.display()))
        .collect();
    println!(
        "ufo-sim kernel-check: seed {seed}, {vector_count} vectors + {} random packets (MTU {mtus}), DATA_WIDTH {}",
        a.count,
        ufo_sim::DATA_WIDTH
    );
    let bin = sim_bin();
    println!(
        "replay this run: {bin} kernel-check --seed {seed} --count {}{vectors_arg} --mtu {mtus}{}",
        a.count,
        a.bench.non_default_flags()
    );
    let mut skipped: Vec<_> = prepared.skipped.iter().collect();
    skipped.sort();
    for (reason, n) in skipped {
        println!("  not sent: {n} cases: {reason}");
    }
    if prepared.options_replaced > 0 {
        println!(
            "  {} datagrams carry IPv4 options or IPv6 option headers a Linux receiver refuses: \
             replaced by acceptable ones of the same length before the engine saw them",
            prepared.options_replaced
        );
    }
    let rx = Receiver::start()?;
    let tap = rx.tap.try_clone()?;
    let wire = a.out.join("wire.pcap");
    let sink = CliSink::new(
        Some(&wire),
        None,
        prepared.cases.len() as u64,
        Box::new(|_, _| String::new()),
        None,
    )?;
    let mut sink = sink.forward_to(Box::new(move |frame| Ok(tap.send(frame)?)));
    let (summary, _) = simulate_with(
        &a.bench,
        seed,
        prepared.cases.into_iter().map(Ok),
        &mut sink,
        |_| Ok(()),
    )?;
    let (frames, _, _) = sink.close()?;
    let expected = prepared.expected;
    // Every frame was handed to the kernel synchronously: its counters are final.
    let counters = rx.kernel_counters();
    let got = rx.finish(expected.len(), std::time::Duration::from_secs(2))?;
    let d = Delivery::tally(&expected, got);
    println!(
        "kernel-check: {frames} frames into {}; {d}",
        ufo_sim::kernel::TAP_NAME
    );
    for name in d.missing_names.iter().take(20) {
        println!("  missing: {name}");
    }
    match counters {
        Ok(c) => println!("  kernel counters in the namespace: {c}"),
        Err(e) => println!("  kernel counters unreadable: {e}"),
    }
    println!("  wire output: {}", wire.display());
    let code = finish(&summary, seed);
    if !d.ok() {
        println!(
            "kernel-check FAILED: {} datagrams missing, {} corrupt (seed {seed}: see the replay command above)",
            d.missing.iter().sum::<usize>(),
            d.corrupt.iter().sum::<usize>()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(code)
}

fn live_cmd(a: LiveArgs) -> Result<ExitCode> {
    use ufo_sim::live::{self, NicInput, Plumbing};
    use ufo_sim::live_traffic::Traffic;
    use ufo_sim::netcfg::{ipv4_text, ipv6_text};
    if let Err(why) = ufo_netns::check_available() {
        return Ok(net_skipped("ufo-sim live", &why));
    }
    ufo_netns::interrupt::install();
    let seed = a.seed.unwrap_or_else(rand::random);
    let prefix = a.name.clone().unwrap_or_else(|| {
        if a.check {
            format!("ufo-live-{}", std::process::id())
        } else {
            "ufo-live".to_string()
        }
    });
    let mut net = Plumbing::create(&prefix, live::offloads(live::USO_AVAILABLE))?;
    let (tx, rx) = net.names();
    println!(
        "ufo-sim live: seed {seed}, DATA_WIDTH {}; the NIC is {} in namespace {tx} ({}, {}), \
         the wire ends at {} in {rx} ({}, {})",
        ufo_sim::DATA_WIDTH,
        live::NIC,
        ipv4_text(live::SENDER_IPV4),
        ipv6_text(live::SENDER_IPV6),
        live::NIC,
        ipv4_text(live::RECEIVER_IPV4),
        ipv6_text(live::RECEIVER_IPV6),
    );
    if live::USO_AVAILABLE {
        println!("  offloads offered to the kernel: checksum, USO (IPv4 and IPv6)");
    } else {
        println!(
            "  USO: NOT OFFERED: the engine (RTL) of this build has no USO yet (the driver and \
             golden models have), so the kernel segments UDP_SEGMENT sends itself and the NIC \
             gets each segment as a checksum-offload packet; offloads offered: checksum only"
        );
    }
    let traffic = if a.check {
        println!("replay this run: {} live --check --seed {seed}", sim_bin());
        Some(Traffic::start(&net, seed)?)
    } else {
        println!(
            "  point an application at it: ip netns exec {tx} <command> (e.g. ip netns exec {rx} \
             iperf3 -s, then ip netns exec {tx} iperf3 -c {}); Ctrl-C stops and removes both \
             namespaces",
            ipv4_text(live::RECEIVER_IPV4)
        );
        None
    };
    let done = traffic.as_ref().map(Traffic::sender_done);
    let mut input = NicInput::new(
        &net.nic,
        Box::new(move || {
            done.as_ref()
                .is_some_and(|d| d.load(std::sync::atomic::Ordering::SeqCst))
        }),
        std::time::Duration::from_millis(300),
    );
    let wire_tap = net.wire.try_clone()?;
    let wire = a.out.join("wire.pcap");
    let mut udp_frames = 0u64;
    let drop_udp_frame = a.drop_udp_frame;
    let mut sink = CliSink::new(Some(&wire), None, 0, Box::new(|_, _| String::new()), None)?
        .forward_to(Box::new(move |frame| {
            if ufo_sim::live_traffic::is_mix_udp(frame) {
                udp_frames += 1;
                if Some(udp_frames) == drop_udp_frame {
                    println!("test hook: UDP frame {udp_frames} of the mix not delivered");
                    return Ok(());
                }
            }
            Ok(wire_tap.send(frame)?)
        }));
    sink.bar = ProgressBar::hidden();
    // One packet in flight: the next is read from the NIC only when the engine has sent every
    // frame before it, so a sender waiting for an answer is never held up by the simulation.
    let bench = BenchArgs {
        seed: Some(seed),
        trace: None,
        tready: DEFAULT_TREADY,
        latency: DEFAULT_LATENCY,
        reorder: DEFAULT_REORDER,
        in_flight: 1,
        stall: DEFAULT_STALL,
        stall_max: DEFAULT_STALL_MAX,
        unsolicited: 0.0,
        read_errors: 0.0,
        write_errors: 0.0,
        inject_reg_fault: None,
    };
    let (summary, secs) = simulate_with(&bench, seed, input.by_ref(), &mut sink, |_| Ok(()))?;
    println!("  (in live mode the time above includes the waits for the kernel's next packet)");
    let counts = input.counts;
    drop(input);
    let (frames, _, _) = sink.close()?;
    let report = traffic.map(Traffic::finish);
    net.stop()?;
    let returned = net.returned();
    drop(net);
    let left: Vec<&String> = [&tx, &rx]
        .into_iter()
        .filter(|n| std::path::Path::new("/run/netns").join(n).exists())
        .collect();
    println!(
        "live: {} handed over {} packets in {secs:.1} s: {} plain, {} with checksum offload, {} USO \
         super-frames, {} refused; the RTL sent {frames} frames into {rx}, each checked against \
         the golden model; {returned} frames came back from {rx}",
        live::NIC,
        counts.plain + counts.csum + counts.uso + counts.refused,
        counts.plain,
        counts.csum,
        counts.uso,
        counts.refused
    );
    if left.is_empty() {
        println!("  namespaces {tx} and {rx} removed (and their devices with them)");
    } else {
        println!("  FAILED to remove namespaces {left:?}: remove them with ip netns del");
    }
    let mut ok = left.is_empty() && counts.refused == 0;
    if let Some(r) = &report {
        print!("{r}");
        if !live::USO_AVAILABLE {
            println!(
                "  USO kind: NOT CHECKED through the engine's USO (not in this build): the \
                 UDP_SEGMENT rows above went through the kernel's own segmentation"
            );
        } else if counts.uso == 0 {
            println!("  USO offered, but the kernel handed over no USO super-frame");
            ok = false;
        }
        ok &= r.ok();
    }
    let code = finish(&summary, seed);
    if ufo_netns::interrupt::interrupted() {
        println!("interrupted");
    }
    if a.check && !ok {
        println!("live-check FAILED (seed {seed}: ufo-sim live --check --seed {seed} replays it)");
        return Ok(ExitCode::FAILURE);
    }
    if !ok {
        return Ok(ExitCode::FAILURE);
    }
    Ok(code)
}
