//! The `ufo-sim` command as a user runs it: bad flags and files are one clear error (exit 2),
//! engine faults are FAIL lines (exit 1) with the pcaps still written, nothing panics.

use std::path::PathBuf;
use std::process::{Command, Output};

fn ufo_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ufo-sim"))
        .args(args)
        .output()
        .expect("ufo-sim runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn out_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ufo-cli-{}-{name}", std::process::id()))
}

/// Exit code 2 and `what` in the error, no panic.
fn usage_error(args: &[&str], what: &str) {
    let o = ufo_sim(args);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}\n{stdout}\n{stderr}");
    assert!(stderr.contains(what), "{args:?}: '{what}' not in\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn option_ranges_are_checked_by_the_parser() {
    usage_error(&["run", "--tready", "0"], "'0': must be above 0");
    usage_error(&["run", "--tready", "1.5"], "not a probability");
    usage_error(&["run", "--reorder=-1"], "'-1' is not a probability");
    usage_error(&["run", "--latency", "0"], "0 is not in 1..=100000");
    usage_error(&["run", "--in-flight", "0"], "0 is not in 1..=1024");
    usage_error(&["run", "--in-flight", "1025"], "1025 is not in 1..=1024");
    usage_error(&["run", "--mtu", "1500,10"], "10 is not in 68..=65535");
    usage_error(
        &["replay", "x.pcap", "--out", "y.pcap", "--mtu", "67"],
        "67 is not in",
    );
}

#[test]
fn unusable_files_are_one_clear_error() {
    let dir = out_dir("files");
    let out = dir.to_str().unwrap();
    usage_error(
        &[
            "run",
            "--count",
            "1",
            "--out",
            out,
            "--trace",
            "/proc/ufo-no/t.fst",
        ],
        "ufo-sim: cannot create the trace file /proc/ufo-no/t.fst: ",
    );
    usage_error(
        &[
            "run",
            "--count",
            "0",
            "--out",
            out,
            "--vectors",
            "/no/such.csv",
        ],
        "ufo-sim: /no/such.csv:0: no such file or directory",
    );
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "name,mtu,payload,layout,head_payload,pattern,ip_id,df,vlan,udp_csum,ufo,fault,expect,notes,ip,ext\n\
         x,1500,100,pages,0,inc,1,0,,full,1,none,ok,,6,route:256\n",
    )
    .unwrap();
    usage_error(
        &[
            "run",
            "--count",
            "0",
            "--out",
            out,
            "--vectors",
            bad.to_str().unwrap(),
        ],
        "bad.csv:2: field 'ext': 'route:256'",
    );
    usage_error(
        &[
            "replay",
            bad.to_str().unwrap(),
            "--out",
            out,
            "--mtu",
            "1500",
        ],
        "bad.csv: ",
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A register fault: one FAIL line with the register state, the pcaps written, exit 1.
fn register_fault(kind: &str, want: &str) {
    let dir = out_dir(kind);
    let o = ufo_sim(&[
        "run",
        "--count",
        "30",
        "--seed",
        "9",
        "--out",
        dir.to_str().unwrap(),
        "--inject-reg-fault",
        &format!("{kind}:0x1c"),
    ]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let fails: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fails.len(), 1, "one cause, once:\n{stdout}");
    assert!(
        fails[0].starts_with("FAIL register bus: register write of"),
        "{}",
        fails[0]
    );
    assert!(fails[0].contains(want), "{}", fails[0]);
    assert!(fails[0].contains("STATUS=0x"), "{}", fails[0]);
    assert!(
        stdout.contains("because of it, 1 cases in flight and 29 not yet started were not checked"),
        "{stdout}"
    );
    assert!(
        stdout.contains("0 passed, 1 failed, 30 not checked"),
        "{stdout}"
    );
    for f in ["wire.pcap", "expected.pcap"] {
        let frames = ufo_sim::pcap_io::read_frames(&dir.join(f)).expect("a readable pcap");
        assert!(frames.is_empty(), "{f}: nothing was sent");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_register_access_without_response_is_a_fail_line() {
    register_fault(
        "no-response",
        "to TX_TAIL (0x1c): no response within 1000 cycles",
    );
}

#[test]
fn a_register_access_answering_slverr_is_a_fail_line() {
    register_fault("slverr", "TX_TAIL (0x1c): error response 2 (SLVERR)");
}
