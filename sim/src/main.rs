//! `ufo-sim`: runs the UFO engine's RTL (Verilator) on test vectors, random packets or a
//! capture, checks every frame byte for byte against the golden model, and writes the wire as
//! pcap and, on request, a JUnit XML report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ufo_sim::case::Case;
use ufo_sim::junit::{Suite, TestCase};
use ufo_sim::runner::{Outcome, RunConfig, RunReport, Runner, Traffic};
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
    /// Master seed of the bench and the random packets (default: `run` draws one at random,
    /// `replay` uses 1; always printed with the command that replays the run).
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
    /// Random packets after the vectors.
    #[arg(long, default_value_t = 1000)]
    count: u64,
    /// Only random packet number K of the seed (replays one failure on its own).
    #[arg(long, value_name = "K")]
    pick: Option<u64>,
    /// MTUs for random UFO datagrams, one drawn per packet (vectors carry their own).
    #[arg(long, value_delimiter = ',', default_value = "1500")]
    mtu: Vec<u32>,
    /// Directory for wire.pcap (RTL output, each frame timestamped by the cycle its last beat
    /// left, 10 ns per cycle) and expected.pcap (golden model, in order; its timestamps only
    /// number the frames: frame k at k x 10 ns).
    #[arg(long, default_value = "out/sim")]
    out: PathBuf,
    /// Write a JUnit XML report here: one test case per vector and random packet.
    #[arg(long, value_name = "FILE.xml")]
    junit: Option<PathBuf>,
    #[command(flatten)]
    bench: BenchArgs,
}

#[derive(Args)]
struct ReplayArgs {
    /// Capture of unfragmented Ethernet frames, pcap or pcapng.
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
        "ufo-sim run: seed {seed}, {vector_count} vectors + {} random packets (MTU {mtus}), DATA_WIDTH {}, Verilator {}",
        picks.len(),
        ufo_sim::DATA_WIDTH,
        ufo_sim::VERILATOR_VERSION
    );
    let replay = replay_command(&a, seed, &mtus);
    println!("replay this run: {replay}");
    if let Some(make) = make_command(&a, seed, &mtus) {
        println!("  (from the Makefile: {make})");
    }

    let (report, secs) = simulate(&a.bench, seed, &cases)?;
    write_pcaps(&report, &a.out)?;
    // Each failure with the command that replays it alone.
    let hint = |i: usize, o: &Outcome| {
        if i >= vector_count {
            let k = picks[i - vector_count];
            format!("target/release/ufo-sim run --seed {seed} --pick {k} --mtu {mtus}{bench}")
        } else {
            let file = o.origin.rsplit_once(':').map_or("testvectors", |x| x.0);
            format!(
                "target/release/ufo-sim run --seed {seed} --vectors {file} --only {} --count 0{bench}",
                o.name
            )
        }
    };
    let mut junit_cases = Vec::new();
    for (i, o) in report.outcomes.iter().enumerate() {
        let failure = o.result.as_ref().err().map(|e| {
            let text = format!("{e}\n  replay: {}", hint(i, o));
            println!("FAIL {text}");
            text
        });
        let classname = if i >= vector_count {
            "random".to_string()
        } else {
            o.origin
                .rsplit_once(':')
                .map_or(&*o.origin, |x| x.0)
                .to_string()
        };
        junit_cases.push(TestCase {
            name: o.name.clone(),
            classname,
            failure,
        });
    }
    if let Some(path) = &a.junit {
        let properties = vec![
            ("seed".to_string(), seed.to_string()),
            ("mtu".to_string(), mtus.clone()),
            ("data_width".to_string(), ufo_sim::DATA_WIDTH.to_string()),
            ("replay".to_string(), replay),
        ];
        write_junit(path, "ufo-sim run", secs, properties, junit_cases, &report)?;
    }
    finish(&report, seed)
}

/// The command that runs exactly this run again: every option that changes what is simulated.
fn replay_command(a: &RunArgs, seed: u64, mtus: &str) -> String {
    let mut c = format!("target/release/ufo-sim run --seed {seed}");
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
    let replay = format!(
        "target/release/ufo-sim replay {} --mtu {} --out {} --seed {seed}{}",
        a.input.display(),
        a.mtu,
        a.out.display(),
        a.bench.non_default_flags()
    );
    println!("replay this run: {replay}");
    let (report, secs) = simulate(&a.bench, seed, &cases)?;
    pcap_io::write_frames(
        &a.out,
        report.wire.iter().map(|f| (f.cycle, f.data.as_slice())),
    )?;
    println!("wrote {} frames to {}", report.wire.len(), a.out.display());
    let capture = a.input.display().to_string();
    let mut junit_cases = Vec::new();
    for o in &report.outcomes {
        if let Err(e) = &o.result {
            println!("FAIL {e}");
        }
        junit_cases.push(TestCase {
            name: o.name.clone(),
            classname: capture.clone(),
            failure: o.result.as_ref().err().cloned(),
        });
    }
    if !a.skip_unsupported {
        for e in &errors {
            let name = e.split_once(':').map_or(e.as_str(), |x| x.0);
            junit_cases.push(TestCase {
                name: name.replace(' ', "-"),
                classname: capture.clone(),
                failure: Some(format!("cannot be handled: {e}")),
            });
        }
    }
    if let Some(path) = &a.junit {
        let properties = vec![
            ("seed".to_string(), seed.to_string()),
            ("mtu".to_string(), a.mtu.to_string()),
            ("data_width".to_string(), ufo_sim::DATA_WIDTH.to_string()),
            ("unsupported_frames".to_string(), errors.len().to_string()),
            ("replay".to_string(), replay),
        ];
        write_junit(
            path,
            "ufo-sim replay",
            secs,
            properties,
            junit_cases,
            &report,
        )?;
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

/// Runs `cases`; the report and the seconds it took.
fn simulate(b: &BenchArgs, seed: u64, cases: &[Case]) -> Result<(RunReport, f64), String> {
    let mut runner = Runner::new(run_config(b, seed))?;
    let bar = progress_bar(cases.len() as u64);
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
    Ok((report, secs))
}

/// A progress bar on the terminal; none when stdout or stderr goes to a file or a pipe (a CI
/// log), where redrawn lines would only be noise.
fn progress_bar(len: u64) -> ProgressBar {
    if !(std::io::stdout().is_terminal() && std::io::stderr().is_terminal()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} packets {elapsed} (eta {eta})")
            .expect("valid template"),
    );
    bar
}

/// Writes the JUnit report: the cases, then one for the end-of-run checks (hang, bus
/// protocol, counter registers), failing with every error not tied to one case.
fn write_junit(
    path: &Path,
    name: &str,
    secs: f64,
    properties: Vec<(String, String)>,
    mut cases: Vec<TestCase>,
    report: &RunReport,
) -> Result<(), String> {
    cases.push(TestCase {
        name: "end-of-run checks".into(),
        classname: "ufo-sim".into(),
        failure: (!report.global_errors.is_empty()).then(|| report.global_errors.join("\n")),
    });
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
