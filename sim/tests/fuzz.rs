//! The fuzz: every class it can run on this RTL comes out as the contract says, the counts add
//! up, a packet replays alone, and `ufo-sim fuzz` prints the table and its replay line and fails
//! on a mismatch.

use std::path::{Path, PathBuf};
use std::process::Command;

use ufo_sim::case::Expect;
use ufo_sim::fuzz::{available_classes, fuzz_case, FuzzClass, FuzzTally};
use ufo_sim::runner::{RunConfig, Runner, Traffic};

const MTUS: [u32; 3] = [1500, 576, 9000];

#[test]
fn a_short_fuzz_meets_the_contract_for_every_class_it_runs() {
    let seed = 7;
    let classes = available_classes(true);
    assert!(classes.len() >= 13, "{classes:?}");
    let mut drawn = Vec::new();
    let cases: Vec<_> = (0..400)
        .map(|k| {
            let (class, case) = fuzz_case(seed, k, &MTUS, 0.7, &classes);
            drawn.push(class);
            case.expect("fuzz cases build")
        })
        .collect();
    let mut runner = Runner::new(RunConfig {
        seed,
        trace: None,
        traffic: Traffic::default(),
        max_in_flight: 8,
    })
    .unwrap();
    let report = runner.run(&cases, |_| {});
    let mut tally = FuzzTally::default();
    for (o, class) in report.outcomes.iter().zip(&drawn) {
        tally.outcome(*class, o);
    }
    for f in &report.global_errors {
        tally.failure(f);
    }
    println!("{}", tally.table());
    assert!(tally.ok(), "{:#?}", report.global_errors);
    for c in &classes {
        let t = &tally.classes[c];
        assert!(t.sent > 0, "class {} never drawn", c.name());
        match c.expected_error() {
            // Each malformed packet: its status first, no frame.
            Some(s) => {
                assert!(t.statuses[&s.to_string()] >= t.sent, "{}", c.name());
                assert_eq!(t.frames, 0, "{}", c.name());
            }
            None => assert!(t.frames >= t.sent, "{}", c.name()),
        }
    }
    // The bench really stalled the buses for long stretches.
    let m = runner.tb.mem.stats();
    assert!(
        m.stall_bursts > 100 && runner.tb.sink.stats().stall_bursts > 10,
        "{m:?}"
    );
}

#[test]
fn a_fuzz_packet_depends_only_on_seed_and_index() {
    let classes = available_classes(true);
    for k in [0, 5, 99] {
        let (c1, a) = fuzz_case(3, k, &MTUS, 0.5, &classes);
        let (c2, b) = fuzz_case(3, k, &MTUS, 0.5, &classes);
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!((c1, &a.name, &a.fault), (c2, &b.name, &b.fault));
        assert_eq!(a.skb, b.skb);
    }
    // Without faults every packet is valid; with share 1 none is.
    assert!((0..50).all(|k| fuzz_case(3, k, &MTUS, 0.0, &classes).0 == FuzzClass::Valid));
    assert!((0..50).all(|k| fuzz_case(3, k, &MTUS, 1.0, &classes).0 != FuzzClass::Valid));
    // The expectation comes from the class: an error class expects its status and no frame.
    for k in 0..50 {
        let (c, case) = fuzz_case(3, k, &MTUS, 1.0, &classes);
        match (c.expected_error(), case.unwrap().expect) {
            (Some(s), Expect::Error(e)) => assert_eq!(s, e),
            (None, Expect::Frames(_) | Expect::ChainErrorThenFrames(_)) => {}
            (want, got) => panic!("{}: {want:?} vs {got:?}", c.name()),
        }
    }
}

#[test]
fn classes_the_rtl_cannot_run_say_why() {
    for c in FuzzClass::ALL {
        if let Some(why) = c.missing() {
            assert!(!available_classes(true).contains(&c));
            assert!(why.len() > 20, "{}: {why}", c.name());
        }
    }
    let packet_only = available_classes(false);
    assert!(!packet_only.contains(&FuzzClass::DescReadError));
    assert!(!packet_only.contains(&FuzzClass::BufReadError));
    assert!(packet_only.contains(&FuzzClass::NoSop) && packet_only.contains(&FuzzClass::NotIpv4));
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_fuzz_command_prints_the_table_and_replays_one_packet() {
    let out = std::env::temp_dir().join(format!("ufo-fuzz-{}", std::process::id()));
    let junit = out.join("junit.xml");
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_ufo-sim"))
            .args(args)
            .current_dir(repo())
            .output()
            .expect("ufo-sim runs");
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        println!("{text}");
        (o.status, text)
    };
    let (status, text) = run(&[
        "fuzz",
        "--count",
        "60",
        "--seed",
        "11",
        "--out",
        out.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert!(status.success());
    assert!(text.contains(
        "replay this run: target/release/ufo-sim fuzz --seed 11 --count 60 --mtu 1500,576,1280,9000"
    ));
    let header = text
        .lines()
        .find(|l| l.starts_with("class "))
        .expect("table");
    for col in ["sent", "OK", "frames", "mismatch", "lost", "malformed"] {
        assert!(header.contains(col), "{header}");
    }
    assert!(text
        .lines()
        .any(|l| l.starts_with("total ") && l.contains(" 60 ")));
    assert!(text.contains("hangs 0, stray frames 0, other failures 0"));
    assert!(std::fs::read_to_string(&junit)
        .unwrap()
        .contains("tests=\"61\""));
    // One packet alone.
    let (status, text) = run(&[
        "fuzz",
        "--seed",
        "11",
        "--pick",
        "7",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(status.success());
    assert!(text
        .lines()
        .any(|l| l.starts_with("total ") && l.contains(" 1 ")));
    let _ = std::fs::remove_dir_all(&out);
}
