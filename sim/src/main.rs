//! `ufo-sim`: runs the UFO engine's RTL (Verilator) on test vectors, random datagrams or a pcap,
//! checks every frame byte for byte against the golden model, and writes the wire as pcap.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ufo_sim::case::Case;
use ufo_sim::runner::{RunConfig, RunReport, Runner, Traffic};
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
    /// Test vectors and random IPv4 UFO datagrams through the RTL.
    Run(RunArgs),
    /// Captured frames through the RTL as a UFO device at --mtu would send them.
    Replay(ReplayArgs),
    /// Write a capture to replay: random unfragmented frames of the whole mix, as tcpdump shows
    /// them on a host with offloads (large datagrams whole, pseudo-header seeds in check fields).
    Capture(CaptureArgs),
    /// Line-rate figures at this binary's DATA_WIDTH (workload x host latency, every packet
    /// checked) and the simulator's speed against a bare replay; CSV files for bench-table.
    Bench(ufo_sim::bench::BenchCmd),
    /// The CSV files of `bench` at every width side by side, as Markdown tables.
    BenchTable(ufo_sim::bench::TableCmd),
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
const DEFAULT_IN_FLIGHT: usize = 8;

#[derive(Args)]
struct BenchArgs {
    /// Master seed (default: random, printed).
    #[arg(long)]
    seed: Option<u64>,
    /// Write an FST waveform of the whole run here.
    #[arg(long, value_name = "FILE.fst")]
    trace: Option<PathBuf>,
    /// Probability that the MAC accepts a beat in a cycle.
    #[arg(long, default_value_t = DEFAULT_TREADY, value_parser = probability)]
    tready: f64,
    /// Host memory read latency in cycles (10 ns each).
    #[arg(long, default_value_t = DEFAULT_LATENCY)]
    latency: u32,
    /// Probability that host memory returns the next read beat of another AXI ID ahead of the
    /// oldest burst (read data out of order and interleaved across IDs; 0: strict AR order).
    #[arg(long = "reorder", value_name = "P", default_value_t = DEFAULT_REORDER, value_parser = probability)]
    reorder: f64,
    /// Most packets posted to the engine and not yet completed.
    #[arg(long, default_value_t = DEFAULT_IN_FLIGHT)]
    in_flight: usize,
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
    /// Random datagrams after the vectors.
    #[arg(long, default_value_t = 1000)]
    count: u64,
    /// Only random datagram number K of the seed (replays one failure on its own).
    #[arg(long, value_name = "K")]
    pick: Option<u64>,
    /// MTUs for random datagrams, one drawn per datagram (vectors carry their own).
    #[arg(long, value_delimiter = ',', default_value = "1500")]
    mtu: Vec<u32>,
    /// Directory for wire.pcap (RTL output) and expected.pcap (golden model).
    #[arg(long, default_value = "out/sim")]
    out: PathBuf,
    #[command(flatten)]
    bench: BenchArgs,
}

#[derive(Args)]
struct ReplayArgs {
    /// Capture of unfragmented Ethernet frames.
    input: PathBuf,
    /// MTU of the UFO device.
    #[arg(long)]
    mtu: u32,
    /// Where to write what went on the wire.
    #[arg(long, value_name = "OUT.pcap")]
    out: PathBuf,
    /// Exit 0 even when some frames could not be handled.
    #[arg(long)]
    skip_unsupported: bool,
    #[command(flatten)]
    bench: BenchArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Run(a) => run(a),
        Cmd::Replay(a) => replay_cmd(a),
        Cmd::Capture(a) => capture_cmd(a),
        Cmd::Bench(a) => ufo_sim::bench::bench(&a).map(|()| ExitCode::SUCCESS),
        Cmd::BenchTable(a) => ufo_sim::bench::table(&a).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ufo-sim: {e}");
            ExitCode::from(2)
        }
    }
}

/// A probability flag: a number in 0..=1.
fn probability(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("'{s}' is not a probability (a number from 0 to 1)")),
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
            ..Traffic::default()
        },
        max_in_flight: b.in_flight.max(1),
    }
}

fn run(a: RunArgs) -> Result<ExitCode, String> {
    let seed = a.bench.seed.unwrap_or_else(rand::random);
    if a.mtu.is_empty() {
        return Err("--mtu needs at least one value".into());
    }
    let mut cases: Vec<Case> = Vec::new();
    if a.pick.is_none() {
        for path in &a.vectors {
            for file in vectors::vector_files(path).map_err(|e| e.to_string())? {
                cases.extend(vectors::load_file(&file).map_err(|e| e.to_string())?);
            }
        }
        if let Some(only) = &a.only {
            cases.retain(|c| &c.name == only);
            if cases.is_empty() {
                return Err(format!("no vector named '{only}'"));
            }
        }
    }
    let vector_count = cases.len();
    let picks: Vec<u64> = match a.pick {
        Some(k) => vec![k],
        None => (0..a.count).collect(),
    };
    for k in &picks {
        cases.push(random::random_case(seed, *k, &a.mtu)?);
    }
    let mtus = a
        .mtu
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let bench = a.bench.non_default_flags();
    println!(
        "ufo-sim run: seed {seed}, {vector_count} vectors + {} random datagrams (MTU {mtus}), DATA_WIDTH {}, Verilator {}",
        picks.len(),
        ufo_sim::DATA_WIDTH,
        ufo_sim::VERILATOR_VERSION
    );
    println!(
        "replay this run: target/release/ufo-sim run --seed {seed} --count {} --mtu {mtus}{}{bench}",
        a.count,
        a.vectors
            .iter()
            .map(|v| format!(" --vectors {}", v.display()))
            .collect::<String>()
    );
    if bench.is_empty() {
        println!(
            "  (from the Makefile: make sim SEED={seed} COUNT={} MTU={mtus})",
            a.count
        );
    }

    let report = simulate(&a.bench, seed, &cases)?;
    write_pcaps(&report, &a.out)?;
    for (i, o) in report.outcomes.iter().enumerate() {
        if let Err(e) = &o.result {
            println!("FAIL {e}");
            if i >= vector_count {
                let k = picks[i - vector_count];
                println!(
                    "  replay: target/release/ufo-sim run --seed {seed} --pick {k} --mtu {mtus}{bench}"
                );
            } else {
                println!("  replay: target/release/ufo-sim run --seed {seed} --vectors {} --only {} --count 0{bench}", o.origin.rsplit_once(':').map_or("testvectors", |x| x.0), o.name);
            }
        }
    }
    finish(&report, seed)
}

fn replay_cmd(a: ReplayArgs) -> Result<ExitCode, String> {
    let seed = a.bench.seed.unwrap_or(1);
    let frames = pcap_io::read_frames(&a.input)?;
    let (cases, errors) = replay::cases_from_frames(&frames, a.mtu);
    println!(
        "ufo-sim replay: {} frames from {}, {} handled, MTU {}, seed {seed}",
        frames.len(),
        a.input.display(),
        cases.len(),
        a.mtu
    );
    for e in &errors {
        eprintln!("{}: {e}", a.input.display());
    }
    let report = simulate(&a.bench, seed, &cases)?;
    pcap_io::write_frames(
        &a.out,
        report.wire.iter().map(|f| (f.cycle, f.data.as_slice())),
    )?;
    println!("wrote {} frames to {}", report.wire.len(), a.out.display());
    for o in &report.outcomes {
        if let Err(e) = &o.result {
            println!("FAIL {e}");
        }
    }
    let code = finish(&report, seed)?;
    if !errors.is_empty() && !a.skip_unsupported {
        println!(
            "{} frames could not be handled (see above; --skip-unsupported to accept)",
            errors.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(code)
}

fn capture_cmd(a: CaptureArgs) -> Result<ExitCode, String> {
    let seed = a.seed.unwrap_or_else(rand::random);
    let frames = random::capture_frames(seed, a.count)?;
    pcap_io::write_frames(
        &a.out,
        frames
            .iter()
            .enumerate()
            .map(|(i, f)| (i as u64 * 1000, f.as_slice())),
    )?;
    println!(
        "wrote {} frames to {} (seed {seed})",
        frames.len(),
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn simulate(b: &BenchArgs, seed: u64, cases: &[Case]) -> Result<RunReport, String> {
    let mut runner = Runner::new(run_config(b, seed))?;
    let bar = ProgressBar::new(cases.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} datagrams {elapsed} (eta {eta})")
            .expect("valid template"),
    );
    let started = std::time::Instant::now();
    let report = runner.run(cases, |n| bar.set_position(n as u64));
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let wire_bytes: usize = report.wire.iter().map(|f| f.data.len()).sum();
    println!(
        "simulated {} cycles in {secs:.1} s ({:.0} ns per cycle); stream busy {:.1}% \
         ({wire_bytes} bytes in {} frames)",
        report.cycles,
        secs * 1e9 / report.cycles.max(1) as f64,
        100.0 * wire_bytes as f64 / (report.cycles.max(1) * ufo_sim::DATA_BYTES as u64) as f64,
        report.wire.len()
    );
    Ok(report)
}

fn write_pcaps(report: &RunReport, dir: &Path) -> Result<(), String> {
    let wire = dir.join("wire.pcap");
    pcap_io::write_frames(
        &wire,
        report.wire.iter().map(|f| (f.cycle, f.data.as_slice())),
    )?;
    let expected = dir.join("expected.pcap");
    pcap_io::write_frames(
        &expected,
        report
            .expected_wire
            .iter()
            .enumerate()
            .map(|(i, f)| (i as u64, f.as_slice())),
    )?;
    println!(
        "wire output: {} ({} frames); golden: {}",
        wire.display(),
        report.wire.len(),
        expected.display()
    );
    Ok(())
}

fn finish(report: &RunReport, seed: u64) -> Result<ExitCode, String> {
    for e in &report.global_errors {
        println!("FAIL {e}");
    }
    if report.failed() > 0 {
        println!("seed {seed}: see the replay commands above");
    }
    println!("{} passed, {} failed", report.passed(), report.failed());
    Ok(if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
