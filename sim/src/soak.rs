//! The soak: many randomized datagrams through the RTL, split deterministically into chunks so
//! that any number of processes or machines can share the work and their results add up.
//!
//! The seed space: chunk `c` (0, 1, 2, ...) of a soak with base seed `S` at data width `W` runs
//! `chunk` random cases of seed `mix(S, W, c)` (the `ufo-sim run` generator, every mode of the
//! mix) on a freshly built model, with bus settings drawn from the same seed (MAC back-pressure,
//! host latency, read reordering, packets in flight). Shard `K/N` takes the chunks with
//! `c mod N == K`, so shards never overlap and together cover every chunk. Each shard writes a
//! CSV summary, a JUnit XML report (one test case per chunk, a failure with the command that
//! replays it) and its functional coverage; `ufo-sim soak-merge` adds the shards up.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::case::{Case, Expect, UnbuiltCase};
use crate::coverage::{Coverage, PassedCases};
use crate::junit::{Suite, TestCase};
use crate::random::{mix_seed, random_case};
use crate::runner::{
    CaseFailure, Outcome, RunConfig, RunError, RunFailure, RunSink, Runner, SinkError, Traffic,
    WireFrame,
};

/// `K/N`: this process runs part `K` (0-based) of `N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This part, 0..count.
    pub index: u64,
    /// Parts in all, at least 1.
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("'{s}': expected K/N with 0 <= K < N (e.g. 3/8)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What one soak process runs.
#[derive(Debug, Clone)]
pub struct SoakConfig {
    /// Base seed of the whole soak (every shard of it uses the same).
    pub seed: u64,
    /// Datagrams of the whole soak at this data width (all shards together).
    pub datagrams: u64,
    /// Datagrams per chunk (one model, one bus setting).
    pub chunk: u64,
    /// This process's part.
    pub shard: Shard,
    /// MTUs of the random UFO datagrams.
    pub mtus: Vec<u32>,
    /// Directory for the shard's results.
    pub out: PathBuf,
}

/// Bus settings of a chunk, drawn from its seed: from an always-ready MAC and fast host to
/// heavy back-pressure, long latency and fully reordered reads.
pub fn chunk_traffic(chunk_seed: u64) -> (Traffic, usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(mix_seed(chunk_seed, 0x50A4));
    let pick = |rng: &mut ChaCha8Rng, v: &[f64]| v[rng.gen_range(0..v.len())];
    let traffic = Traffic {
        tready_prob: pick(&mut rng, &[1.0, 0.8, 0.5, 0.25]),
        read_latency: [1, 20, 100, 400][rng.gen_range(0..4)],
        reorder_prob: pick(&mut rng, &[0.0, 0.3, 1.0]),
        ..Traffic::default()
    };
    let in_flight = [1, 8, 64][rng.gen_range(0..3)];
    (traffic, in_flight)
}

/// The seed of chunk `c` at data width `width`.
pub fn chunk_seed(seed: u64, width: usize, chunk: u64) -> u64 {
    mix_seed(mix_seed(seed, width as u64), chunk)
}

/// The totals of a shard (one CSV row); shards add up field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoakTotals {
    /// Chunks run.
    pub chunks: u64,
    /// Datagrams run.
    pub datagrams: u64,
    /// Datagrams checked and right.
    pub passed: u64,
    /// Datagrams that failed a check.
    pub failed: u64,
    /// Frames on the wire (fragments and whole frames).
    pub frames: u64,
    /// Bytes on the wire.
    pub wire_bytes: u64,
    /// Cycles simulated.
    pub cycles: u64,
    /// Failures that are frame or count mismatches against the golden model.
    pub mismatches: u64,
    /// Runs stopped by the watchdog (no beat, or no completion within budget).
    pub hangs: u64,
    /// Other run-stopping failures (register bus, simulation assertion, ...).
    pub aborts: u64,
    /// Datagrams never checked because their chunk stopped.
    pub unchecked: u64,
    /// Faults injected, by class (the case's fault, the error expected).
    pub faults: BTreeMap<String, u64>,
}

impl SoakTotals {
    /// Adds another shard's totals.
    pub fn add(&mut self, o: &SoakTotals) {
        self.chunks += o.chunks;
        self.datagrams += o.datagrams;
        self.passed += o.passed;
        self.failed += o.failed;
        self.frames += o.frames;
        self.wire_bytes += o.wire_bytes;
        self.cycles += o.cycles;
        self.mismatches += o.mismatches;
        self.hangs += o.hangs;
        self.aborts += o.aborts;
        self.unchecked += o.unchecked;
        for (k, n) in &o.faults {
            *self.faults.entry(k.clone()).or_insert(0) += n;
        }
    }

    /// `true` when nothing failed, hung or stayed unchecked.
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.hangs == 0 && self.aborts == 0 && self.unchecked == 0
    }

    const FIELDS: [&'static str; 11] = [
        "chunks",
        "datagrams",
        "passed",
        "failed",
        "frames",
        "wire_bytes",
        "cycles",
        "mismatches",
        "hangs",
        "aborts",
        "unchecked",
    ];

    fn values(&self) -> [u64; 11] {
        [
            self.chunks,
            self.datagrams,
            self.passed,
            self.failed,
            self.frames,
            self.wire_bytes,
            self.cycles,
            self.mismatches,
            self.hangs,
            self.aborts,
            self.unchecked,
        ]
    }

    /// The summary CSV: `data_width,shard,seconds,<counts...>,faults` with the faults as
    /// `class=count` pairs separated by `;`.
    pub fn to_csv(&self, width: usize, shard: Shard, seconds: f64) -> String {
        let faults: Vec<String> = self
            .faults
            .iter()
            .map(|(k, n)| format!("{k}={n}"))
            .collect();
        let values: Vec<String> = self.values().iter().map(u64::to_string).collect();
        format!(
            "data_width,shard,seconds,{},faults\n{width},{shard},{seconds:.1},{},{}\n",
            Self::FIELDS.join(","),
            values.join(","),
            faults.join(";")
        )
    }

    /// Reads [`SoakTotals::to_csv`]; the data width, the shard and the seconds with it.
    pub fn from_csv(text: &str, path: &Path) -> Result<(usize, Shard, f64, SoakTotals)> {
        let shown = path.display();
        let mut lines = text.lines();
        let header = lines.next().unwrap_or("");
        let expected = format!("data_width,shard,seconds,{},faults", Self::FIELDS.join(","));
        if header != expected {
            bail!("{shown}:1: not a soak summary (header '{header}', expected '{expected}')");
        }
        let row = lines
            .next()
            .with_context(|| format!("{shown}:2: no summary row"))?;
        let f: Vec<&str> = row.split(',').collect();
        if f.len() != 3 + Self::FIELDS.len() + 1 {
            bail!(
                "{shown}:2: {} fields, expected {}",
                f.len(),
                4 + Self::FIELDS.len()
            );
        }
        let field = |i: usize, name: &str| -> Result<u64> {
            f[i].parse()
                .with_context(|| format!("{shown}:2: field {name} '{}' is not a count", f[i]))
        };
        let width = field(0, "data_width")? as usize;
        let shard: Shard = f[1]
            .parse()
            .map_err(|e| anyhow::anyhow!("{shown}:2: field shard {e}"))?;
        let seconds: f64 = f[2]
            .parse()
            .with_context(|| format!("{shown}:2: field seconds '{}'", f[2]))?;
        let mut v = [0u64; 11];
        for (i, name) in Self::FIELDS.iter().enumerate() {
            v[i] = field(3 + i, name)?;
        }
        let mut faults = BTreeMap::new();
        for pair in f[3 + Self::FIELDS.len()]
            .split(';')
            .filter(|p| !p.is_empty())
        {
            let (k, n) = pair
                .split_once('=')
                .with_context(|| format!("{shown}:2: fault '{pair}' is not class=count"))?;
            let n: u64 = n
                .parse()
                .with_context(|| format!("{shown}:2: fault count '{n}' of {k}"))?;
            faults.insert(k.to_string(), n);
        }
        let t = SoakTotals {
            chunks: v[0],
            datagrams: v[1],
            passed: v[2],
            failed: v[3],
            frames: v[4],
            wire_bytes: v[5],
            cycles: v[6],
            mismatches: v[7],
            hangs: v[8],
            aborts: v[9],
            unchecked: v[10],
            faults,
        };
        Ok((width, shard, seconds, t))
    }

    /// The figures in words, for the terminal and docs/verification.md.
    pub fn report(&self) -> String {
        let faults: Vec<String> = self
            .faults
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        format!(
            "{}: {} datagrams in {} chunks: {} passed, {} failed ({} mismatches); chunks stopped \
             by a hang {}, by another failure (assertion, register bus, ...) {}; {} datagrams \
             unchecked; {} frames / {} bytes on the wire, {} cycles; faults injected: {}",
            if self.ok() { "PASS" } else { "FAIL" },
            self.datagrams,
            self.chunks,
            self.passed,
            self.failed,
            self.mismatches,
            self.hangs,
            self.aborts,
            self.unchecked,
            self.frames,
            self.wire_bytes,
            self.cycles,
            if faults.is_empty() {
                "none".into()
            } else {
                faults.join(", ")
            }
        )
    }
}

/// The fault class of a case: its injected fault, else the error it must end in, else none;
/// the variant's name only (no fields), so it is a plain CSV word.
fn fault_class(case: &Case) -> Option<String> {
    let name = match (&case.fault, &case.expect) {
        (crate::case::Fault::None, Expect::Error(s)) => format!("{s:?}"),
        (crate::case::Fault::None, _) => return None,
        (f, _) => format!("{f:?}"),
    };
    Some(
        name.chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect(),
    )
}

/// Counts what a chunk's run produced.
struct SoakSink {
    totals: SoakTotals,
    /// Functional coverage of the cases that passed.
    passed: PassedCases,
    first_failure: Option<String>,
}

impl SoakSink {
    fn note(&mut self, text: String) {
        if self.first_failure.is_none() {
            self.first_failure = Some(text);
        }
    }
}

impl RunSink for SoakSink {
    fn wire_frame(&mut self, f: &WireFrame) -> Result<(), SinkError> {
        self.totals.frames += 1;
        self.totals.wire_bytes += f.data.len() as u64;
        Ok(())
    }

    fn outcome(&mut self, index: usize, o: &Outcome) -> Result<(), SinkError> {
        self.passed.settle(index, o.result.is_ok());
        match &o.result {
            Ok(()) => self.totals.passed += 1,
            Err(CaseFailure::Unchecked) => self.totals.unchecked += 1,
            Err(e) => {
                self.totals.failed += 1;
                if matches!(e, CaseFailure::Mismatch(_) | CaseFailure::Counts { .. }) {
                    self.totals.mismatches += 1;
                }
                self.note(format!("{}: {e}", o.name));
            }
        }
        Ok(())
    }

    fn failure(&mut self, f: &RunFailure) -> Result<(), SinkError> {
        match f {
            RunFailure::Hang { .. } | RunFailure::NoCompletion { .. } => self.totals.hangs += 1,
            _ => self.totals.aborts += 1,
        }
        self.note(f.to_string());
        Ok(())
    }
}

/// The command that replays chunk `seed` alone with `ufo-sim run`.
fn replay_command(
    seed: u64,
    count: u64,
    mtus: &str,
    traffic: &Traffic,
    in_flight: usize,
) -> String {
    format!(
        "ufo-sim run --seed {seed} --count {count} --mtu {mtus} --tready {} --latency {} \
         --reorder {} --in-flight {in_flight} (a DATA_WIDTH={} build)",
        traffic.tready_prob,
        traffic.read_latency,
        traffic.reorder_prob,
        crate::DATA_WIDTH
    )
}

/// Result files of a shard: `<out>/soak-w<W>-<K>-of-<N>.{csv,xml,cov.csv}`.
pub fn shard_files(out: &Path, width: usize, shard: Shard) -> [PathBuf; 3] {
    let stem = format!("soak-w{width}-{}-of-{}", shard.index, shard.count);
    [
        out.join(format!("{stem}.csv")),
        out.join(format!("{stem}.xml")),
        out.join(format!("{stem}.cov.csv")),
    ]
}

/// Runs this process's shard at the model's data width; writes its three result files and
/// returns its totals.
pub fn soak(cfg: &SoakConfig) -> Result<SoakTotals> {
    let width = crate::DATA_WIDTH;
    if cfg.chunk == 0 {
        bail!("--chunk must be at least 1");
    }
    let chunks = cfg.datagrams.div_ceil(cfg.chunk);
    let mtus = cfg
        .mtus
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    std::fs::create_dir_all(&cfg.out)
        .with_context(|| format!("cannot create {}", cfg.out.display()))?;
    let started = std::time::Instant::now();
    let mut totals = SoakTotals::default();
    let mut coverage = Coverage::new();
    let mut cases = Vec::new();
    let mine = (cfg.shard.index..chunks).step_by(cfg.shard.count as usize);
    let mine_count = mine.clone().count();
    println!(
        "ufo-sim soak: shard {} of seed {}: {mine_count} of {chunks} chunks of {} datagrams \
         ({} datagrams in all at DATA_WIDTH {width}), MTU {mtus}",
        cfg.shard, cfg.seed, cfg.chunk, cfg.datagrams
    );
    for (n, c) in mine.enumerate() {
        let count = cfg.chunk.min(cfg.datagrams - c * cfg.chunk);
        let seed = chunk_seed(cfg.seed, width, c);
        let (traffic, in_flight) = chunk_traffic(seed);
        let mut sink = SoakSink {
            totals: SoakTotals::default(),
            passed: PassedCases::default(),
            first_failure: None,
        };
        let t0 = std::time::Instant::now();
        let mut runner = match Runner::new(RunConfig {
            seed,
            trace: None,
            traffic,
            max_in_flight: in_flight,
        }) {
            Ok(r) => Some(r),
            Err(RunError::Init(e)) => {
                sink.totals.aborts += 1;
                sink.totals.unchecked += count;
                sink.note(format!("driver init: {e}"));
                None
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(runner) = &mut runner {
            let noted = sink.passed.clone();
            let mut faults: BTreeMap<String, u64> = BTreeMap::new();
            let input = (0..count).enumerate().map(|(i, k)| {
                let case: Result<Case, UnbuiltCase> = random_case(seed, k, &cfg.mtus);
                if let Ok(c) = &case {
                    noted.note(i, c, width);
                    if let Some(f) = fault_class(c) {
                        *faults.entry(f).or_insert(0) += 1;
                    }
                }
                case
            });
            let summary = runner.run_stream(input, &mut sink)?;
            sink.totals.cycles = summary.cycles;
            sink.totals.add(&SoakTotals {
                faults,
                ..SoakTotals::default()
            });
        }
        sink.totals.chunks = 1;
        sink.totals.datagrams = count;
        let secs = t0.elapsed().as_secs_f64();
        let failure = sink.first_failure.take().map(|f| {
            let replay = replay_command(seed, count, &mtus, &traffic, in_flight);
            format!("{f}\n  replay: {replay}")
        });
        if let Some(f) = &failure {
            println!("FAIL chunk {c} (seed {seed}): {f}");
        }
        println!(
            "chunk {c} ({}/{mine_count}): {count} datagrams, {} frames, {:.1} s{}",
            n + 1,
            sink.totals.frames,
            secs,
            if failure.is_some() { ", FAILED" } else { "" }
        );
        cases.push(TestCase {
            name: format!("w{width} chunk {c} seed {seed}"),
            classname: format!("soak.w{width}"),
            failure,
        });
        totals.add(&sink.totals);
        coverage.merge(&sink.passed.coverage());
        write_shard(
            cfg,
            &mtus,
            &totals,
            &coverage,
            &cases,
            started.elapsed().as_secs_f64(),
        )?;
    }
    let secs = started.elapsed().as_secs_f64();
    let files = write_shard(cfg, &mtus, &totals, &coverage, &cases, secs)?;
    println!("shard {}: {} ({secs:.0} s)", cfg.shard, totals.report());
    println!(
        "results: {}",
        files.map(|f| f.display().to_string()).join(", ")
    );
    Ok(totals)
}

/// Writes (or rewrites) the shard's summary, JUnit report and coverage: after every chunk, so
/// a soak stopped early still leaves the figures of the chunks it finished.
fn write_shard(
    cfg: &SoakConfig,
    mtus: &str,
    totals: &SoakTotals,
    coverage: &Coverage,
    cases: &[TestCase],
    secs: f64,
) -> Result<[PathBuf; 3]> {
    let width = crate::DATA_WIDTH;
    let [csv, xml, cov] = shard_files(&cfg.out, width, cfg.shard);
    std::fs::write(&csv, totals.to_csv(width, cfg.shard, secs))
        .with_context(|| format!("cannot write {}", csv.display()))?;
    Suite {
        name: format!("ufo-sim soak w{width} shard {}", cfg.shard),
        time_s: secs,
        properties: vec![
            ("seed".into(), cfg.seed.to_string()),
            ("shard".into(), cfg.shard.to_string()),
            ("data_width".into(), width.to_string()),
            ("datagrams".into(), cfg.datagrams.to_string()),
            ("chunk".into(), cfg.chunk.to_string()),
            ("mtu".into(), mtus.to_string()),
        ],
        cases: cases.to_vec(),
    }
    .write(&xml)?;
    coverage.write(&cov)?;
    Ok([csv, xml, cov])
}

/// The shard results found in `paths` (files, or directories searched for `soak-*.csv`).
pub fn merge(paths: &[PathBuf], junit_out: Option<&Path>) -> Result<(SoakTotals, Coverage)> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    let n = f
                        .file_name()
                        .map_or(String::new(), |n| n.to_string_lossy().into());
                    n.starts_with("soak-") && n.ends_with(".csv") && !n.ends_with(".cov.csv")
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    if files.is_empty() {
        bail!("no soak summaries (soak-*.csv) in {paths:?}");
    }
    let mut totals = SoakTotals::default();
    let mut coverage = Coverage::new();
    let mut shards: BTreeMap<usize, Vec<Shard>> = BTreeMap::new();
    let mut suites = Vec::new();
    let mut seconds = 0.0;
    for f in &files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        let (width, shard, secs, t) = SoakTotals::from_csv(&text, f)?;
        totals.add(&t);
        seconds += secs;
        shards.entry(width).or_default().push(shard);
        let cov = f.with_extension("cov.csv");
        coverage.merge(&Coverage::read(&cov)?);
        let xml = f.with_extension("xml");
        suites.push(
            std::fs::read_to_string(&xml)
                .with_context(|| format!("cannot read {}", xml.display()))?,
        );
        println!("{}: w{width} shard {shard}: {}", f.display(), t.report());
    }
    for (w, s) in &shards {
        let n = s[0].count;
        let mut have: Vec<u64> = s.iter().filter(|x| x.count == n).map(|x| x.index).collect();
        have.sort_unstable();
        have.dedup();
        if have.len() as u64 != n || s.len() as u64 != n {
            println!(
                "warning: DATA_WIDTH {w}: shards {have:?} of {n} (some missing or mixed counts)"
            );
        }
    }
    if let Some(out) = junit_out {
        std::fs::write(out, merge_junit(&suites, seconds))
            .with_context(|| format!("cannot write {}", out.display()))?;
        println!("merged JUnit report: {}", out.display());
    }
    Ok((totals, coverage))
}

/// One `<testsuites>` document holding every shard's `<testsuite>` element.
fn merge_junit(docs: &[String], seconds: f64) -> String {
    let mut tests = 0u64;
    let mut failures = 0u64;
    let mut body = String::new();
    for d in docs {
        if let (Some(a), Some(b)) = (d.find("<testsuite "), d.rfind("</testsuite>")) {
            let suite = &d[a..b + "</testsuite>".len()];
            let attr = |name: &str| -> u64 {
                let key = format!(" {name}=\"");
                suite
                    .find(&key)
                    .and_then(|i| suite[i + key.len()..].split('"').next())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            };
            tests += attr("tests");
            failures += attr("failures");
            body.push_str("  ");
            body.push_str(suite);
            body.push('\n');
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ufo-sim soak\" \
         tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"{seconds:.3}\">\n{body}</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parse() {
        assert_eq!("3/8".parse::<Shard>(), Ok(Shard { index: 3, count: 8 }));
        for bad in ["8/8", "1/0", "x/2", "3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn totals_csv_round_trip() {
        let mut t = SoakTotals {
            chunks: 2,
            datagrams: 10,
            passed: 10,
            frames: 30,
            ..SoakTotals::default()
        };
        t.faults.insert("DmaErr".into(), 3);
        let s = Shard { index: 1, count: 4 };
        let text = t.to_csv(128, s, 12.5);
        let (w, s2, secs, t2) = SoakTotals::from_csv(&text, Path::new("x.csv")).unwrap();
        assert_eq!((w, s2, secs, &t2), (128, s, 12.5, &t));
        let e = SoakTotals::from_csv("nope\n", Path::new("x.csv")).unwrap_err();
        assert!(
            e.to_string().starts_with("x.csv:1: not a soak summary"),
            "{e}"
        );
    }
}
