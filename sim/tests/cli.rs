//! The `ufo-sim` command as a user and a CI job run it: the replay lines it prints carry every
//! option of the run, `--junit` writes a report that parses and names each failure, and
//! nothing but plain lines reaches a log that is not a terminal.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ufo-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `ufo-sim` with stdout and stderr captured (pipes, as in CI).
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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The line starting with `prefix`.
fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("no line '{prefix}' in:\n{text}"))
}

/// Neither progress-bar redraws nor terminal escapes in a captured run.
fn assert_plain(o: &Output) {
    for (name, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        // The bar's template is "{bar} {pos}/{len} packets ...".
        let bar = text.split(" packets").any(|before| {
            let count = before.rsplit(' ').next().unwrap_or("");
            count.contains('/') && count.chars().any(|c| c.is_ascii_digit())
        });
        assert!(
            !text.contains('\r') && !text.contains('\u{1b}') && !bar,
            "{name} has progress output: {text:?}"
        );
    }
}

#[test]
fn junit_report_names_each_failure_with_its_replay_command() {
    let dir = scratch("junit");
    // One vector that passes, one the engine must refuse (five extension headers) but that
    // claims it passes: a real failure.
    let vectors = dir.join("two.csv");
    let header = std::fs::read_to_string(repo().join("testvectors/mixed.csv")).unwrap();
    let header = header.lines().next().unwrap();
    std::fs::write(
        &vectors,
        format!(
            "{header}\n\
             good,1500,3000,pages,0,inc,1,0,,full,1,none,ok,,4,,,,,\n\
             bad<&>,1500,4000,pages,0,inc,0,0,,full,1,none,ok,,6,,hop/dest/route:1/dest/dest,,,\n"
        ),
    )
    .unwrap();
    let junit = dir.join("report/junit.xml");
    let out = ufo_sim(&[
        "run",
        "--vectors",
        vectors.to_str().unwrap(),
        "--count",
        "3",
        "--seed",
        "9",
        "--out",
        dir.join("out").to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_plain(&out);
    let text = stdout(&out);
    let hint = line(&text, "replay: ");
    assert!(
        hint.contains("--seed 9") && hint.contains("--only bad<&>") && hint.contains("--count 0"),
        "{hint}"
    );

    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    // 2 vectors + 3 random packets + the end-of-run checks.
    assert_eq!(suite.attribute("tests"), Some("6"));
    assert_eq!(suite.attribute("failures"), Some("1"));
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let names: Vec<_> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(
        names,
        [
            "good",
            "bad<&>",
            "random-0",
            "random-1",
            "random-2",
            "end-of-run checks"
        ]
    );
    assert_eq!(cases[0].attribute("classname"), vectors.to_str());
    assert_eq!(cases[2].attribute("classname"), Some("random"));
    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("the bad vector failed");
    let ftext = failure.text().unwrap();
    assert!(ftext.contains("'bad<&>'"), "{ftext}");
    assert!(ftext.contains(hint.trim_start()), "{ftext}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn replay_lines_keep_only_trace_and_pick() {
    let dir = scratch("hints");
    let trace = dir.join("w.fst");
    // make wave's command line.
    let out = ufo_sim(&[
        "run",
        "--vectors",
        "testvectors",
        "--only",
        "v4-basic-3frag",
        "--count",
        "0",
        "--seed",
        "4",
        "--trace",
        trace.to_str().unwrap(),
        "--out",
        dir.join("wave").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = stdout(&out);
    let replay = line(&text, "replay this run:");
    for want in [
        "--seed 4",
        "--only v4-basic-3frag",
        "--count 0",
        "--vectors testvectors",
        &format!("--trace {}", trace.display()),
    ] {
        assert!(replay.contains(want), "'{want}' missing: {replay}");
    }
    assert!(
        !text.contains("make sim"),
        "make sim cannot replay --only: {text}"
    );
    assert!(
        std::fs::metadata(&trace).unwrap().len() > 0,
        "trace written"
    );

    // One random packet of a seed: the line replays that packet, not 1000 of them.
    let out = ufo_sim(&[
        "run",
        "--pick",
        "7",
        "--seed",
        "4",
        "--mtu",
        "576",
        "--tready",
        "0.5",
        "--out",
        dir.join("pick").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert_plain(&out);
    let text = stdout(&out);
    let replay = line(&text, "replay this run:");
    assert!(
        replay.contains("--pick 7")
            && replay.contains("--mtu 576")
            && replay.contains("--tready 0.5"),
        "{replay}"
    );
    assert!(!replay.contains("--count"), "{replay}");

    // The plain regression: the make sim line too.
    let out = ufo_sim(&[
        "run",
        "--vectors",
        "testvectors",
        "--count",
        "2",
        "--seed",
        "4",
        "--out",
        dir.join("sim").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("(from the Makefile: make sim SEED=4 COUNT=2 MTU=1500)"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn replay_of_pcapng_writes_a_junit_report() {
    let dir = scratch("replay");
    let junit = dir.join("replay.xml");
    let out = ufo_sim(&[
        "replay",
        "sim/tests/data/mix-seed16.pcapng",
        "--mtu",
        "1280",
        "--out",
        dir.join("replayed.pcap").to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert_plain(&out);
    assert!(line(&stdout(&out), "replay this run:").contains("--mtu 1280 "));
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("10")); // 9 frames + end-of-run checks
    assert_eq!(suite.attribute("failures"), Some("0"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn help_says_what_the_commands_do() {
    let run = stdout(&ufo_sim(&["run", "--help"]));
    assert!(!run.contains("IPv4 UFO datagrams"), "{run}");
    assert!(
        run.contains("whole mix") && run.contains("--junit"),
        "{run}"
    );
    assert!(run.contains("expected.pcap") && run.contains("only number the frames"));
    let replay = stdout(&ufo_sim(&["replay", "--help"]));
    assert!(
        replay.contains("pcapng") && replay.contains("`replay` uses 1"),
        "{replay}"
    );
}

// USO through the RTL: `replay --uso` of the captures made on a real Linux host must write the
// kernel's own segments byte for byte, and the USO vectors must pass. The golden model's side of
// both is tested without the RTL in `sim/testbench/tests/uso_captures.rs` and `uso_vectors.rs`.

/// `replay --uso GSO_SIZE` of `testvectors/captures/uso-linux-gsoN-superframes.pcap` writes
/// exactly the kernel's segments (`...-segments.pcap`).
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
    let kernel = ufo_sim::pcap_io::read_frames(
        &captures.join(format!("uso-linux-gso{gso_size}-segments.pcap")),
    )
    .unwrap();
    let ours = ufo_sim::pcap_io::read_frames(&out_pcap).unwrap();
    assert_eq!(ours.len(), kernel.len(), "frame count");
    for (k, (a, b)) in ours.iter().zip(&kernel).enumerate() {
        assert!(a == b, "frame {k}: RTL {a:02x?}\n kernel {b:02x?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn replay_uso_1400_writes_the_kernels_segments() {
    replay_matches_kernel(1400);
}

#[test]
fn replay_uso_7_writes_the_kernels_segments() {
    replay_matches_kernel(7);
}

#[test]
fn uso_vectors_pass_on_the_rtl() {
    let out = ufo_sim(&[
        "run",
        "--vectors",
        "testvectors/uso.csv",
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
