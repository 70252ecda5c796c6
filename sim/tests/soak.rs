//! `ufo-sim soak`, `soak-merge` and `cov-merge` as `make soak`, a Slurm array or a CI matrix
//! run them: shards of one soak split its chunks without overlap and add up to the whole, the
//! merge totals them and joins their JUnit reports, a bad shard or file is a clear error.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ufo-soak-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ufo_sim(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_ufo-sim"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("ufo-sim runs");
    println!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The `chunk N` lines a shard printed.
fn chunks(o: &Output) -> Vec<String> {
    text(o)
        .lines()
        .filter(|l| l.starts_with("chunk "))
        .map(|l| l.split(' ').nth(1).unwrap().to_string())
        .collect()
}

#[test]
fn shards_split_the_chunks_and_merge_to_the_whole() {
    let dir = scratch("shards");
    let d = dir.to_str().unwrap();
    let common = [
        "--datagrams",
        "5",
        "--chunk",
        "2",
        "--seed",
        "11",
        "--out",
        d,
    ];
    let a = ufo_sim(&[&["soak", "--shard", "0/2"], &common[..]].concat());
    let b = ufo_sim(&[&["soak", "--shard", "1/2"], &common[..]].concat());
    assert!(a.status.success() && b.status.success());
    // chunks 0, 2 (1 datagram) and 1
    assert_eq!(chunks(&a), ["0", "2"]);
    assert_eq!(chunks(&b), ["1"]);
    let junit = dir.join("all.xml");
    let m = ufo_sim(&["soak-merge", d, "--junit", junit.to_str().unwrap()]);
    assert!(m.status.success());
    let total = text(&m);
    assert!(
        total.contains(
            "soak total: PASS: 5 datagrams in 3 chunks: 5 passed, 0 failed (0 mismatches); \
             chunks stopped by a hang 0, by another failure"
        ),
        "{total}"
    );
    assert!(total.contains("functional coverage"), "{total}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("tests=\"3\" failures=\"0\""), "{xml}");
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    // the same shard again gives the same figures (a seed's chunks are deterministic)
    let again = ufo_sim(&[&["soak", "--shard", "1/2"], &common[..]].concat());
    let line = |o: &Output| {
        text(o)
            .lines()
            .find(|l| l.starts_with("shard 1/2:"))
            .map(|l| l.rsplit_once(" (").unwrap().0.to_string())
            .unwrap()
    };
    assert_eq!(line(&b), line(&again));
}

#[test]
fn bad_shard_and_bad_summary_are_clear_errors() {
    let o = ufo_sim(&["soak", "--shard", "2/2"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("'2/2': expected K/N with 0 <= K < N"), "{err}");

    let dir = scratch("bad");
    let f = dir.join("soak-w64-0-of-1.csv");
    std::fs::write(&f, "not,a,summary\n").unwrap();
    let o = ufo_sim(&["soak-merge", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{}:1: not a soak summary", f.display())),
        "{err}"
    );
}
