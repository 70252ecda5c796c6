//! USO through the RTL: `replay --uso` of the captures made on a real Linux host must write the
//! kernel's own segments byte for byte, and the USO vectors must pass. Both need the USO RTL
//! (issue 9); until it is on main they are ignored, loudly: `cargo test -p ufo-sim --test uso --
//! --ignored` runs them. The golden model's side of both is tested without the RTL in
//! `sim/testbench/tests/uso_captures.rs` and `uso_vectors.rs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ufo_sim::pcap_io::read_frames;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ufo_sim(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_ufo-sim"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("ufo-sim runs");
    println!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ufo-uso-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn replay_matches_kernel(gso_size: u16) {
    let dir = scratch(&format!("gso{gso_size}"));
    let out_pcap = dir.join("replayed.pcap");
    let captures = repo().join("testvectors/captures");
    let supers = captures.join(format!("uso-linux-gso{gso_size}-superframes.pcap"));
    let out = ufo_sim(&[
        "replay",
        supers.to_str().unwrap(),
        "--uso",
        &gso_size.to_string(),
        "--mtu",
        "1500",
        "--out",
        out_pcap.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "replay --uso {gso_size} failed");
    let kernel =
        read_frames(&captures.join(format!("uso-linux-gso{gso_size}-segments.pcap"))).unwrap();
    let ours = read_frames(&out_pcap).unwrap();
    assert_eq!(ours.len(), kernel.len(), "frame count");
    for (k, (a, b)) in ours.iter().zip(&kernel).enumerate() {
        assert!(a == b, "frame {k}: RTL {a:02x?}\n kernel {b:02x?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
#[ignore = "needs the USO RTL (issue 9) on main"]
fn replay_uso_1400_writes_the_kernels_segments() {
    replay_matches_kernel(1400);
}

#[test]
#[ignore = "needs the USO RTL (issue 9) on main"]
fn replay_uso_7_writes_the_kernels_segments() {
    replay_matches_kernel(7);
}

#[test]
#[ignore = "needs the USO RTL (issue 9) on main"]
fn uso_vectors_pass_on_the_rtl() {
    let out = ufo_sim(&[
        "run",
        "--vectors",
        "testvectors/pending/uso.csv",
        "--count",
        "0",
        "--seed",
        "1",
    ]);
    assert!(out.status.success(), "USO vectors fail on the RTL");
}

#[test]
fn replay_refuses_gso_size_0() {
    let out = ufo_sim(&[
        "replay",
        "testvectors/captures/uso-linux-gso7-superframes.pcap",
        "--uso",
        "0",
        "--mtu",
        "1500",
        "--out",
        "/dev/null",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--uso"), "{err}");
}
