//! End-to-end tests of the RTL engine: vectors, random datagrams, replay, and proof that the
//! scoreboard catches a single wrong byte. Each prints its seed.

use std::path::{Path, PathBuf};

use ufo_driver::packet::{DatagramSpec, UdpCsum};
use ufo_sim::case::{Case, Expect};
use ufo_sim::runner::{RunConfig, RunReport, Runner, Traffic};
use ufo_sim::{pcap_io, random, replay, vectors};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn config(seed: u64, traffic: Traffic) -> RunConfig {
    RunConfig {
        seed,
        trace: None,
        traffic,
        max_in_flight: 8,
    }
}

fn run(seed: u64, traffic: Traffic, cases: &[Case]) -> RunReport {
    println!("seed {seed}");
    let mut runner = Runner::new(config(seed, traffic)).expect("bench starts");
    runner.run(cases, |_| {})
}

fn assert_all_passed(report: &RunReport) {
    let failures: Vec<String> = report
        .outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().err().cloned())
        .chain(report.global_errors.iter().cloned())
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(report.passed() > 0);
}

fn all_vectors() -> Vec<Case> {
    let mut cases = Vec::new();
    for f in vectors::vector_files(&repo().join("testvectors")).unwrap() {
        cases.extend(vectors::load_file(&f).unwrap_or_else(|e| panic!("{e}")));
    }
    assert!(cases.len() >= 40, "vector files found");
    cases
}

#[test]
fn every_vector_passes_under_back_pressure() {
    let report = run(11, Traffic::default(), &all_vectors());
    assert_all_passed(&report);
}

#[test]
fn every_vector_passes_with_slow_host_and_no_back_pressure() {
    let slow = Traffic {
        tready_prob: 1.0,
        r_gap_prob: 0.3,
        ar_accept_prob: 0.5,
        read_latency: 100,
    };
    assert_all_passed(&run(12, slow, &all_vectors()));
    let fast = Traffic {
        tready_prob: 1.0,
        r_gap_prob: 0.0,
        ar_accept_prob: 1.0,
        read_latency: 1,
    };
    assert_all_passed(&run(13, fast, &all_vectors()));
}

#[test]
fn random_datagrams_at_several_mtus() {
    let seed = 20261124;
    let cases: Vec<Case> = (0..150)
        .map(|k| random::random_case(seed, k, &[1500, 576, 9000, 1280]).unwrap())
        .collect();
    let report = run(seed, Traffic::default(), &cases);
    assert_all_passed(&report);
    // the completions' frame counts match the wire
    let expected: usize = cases
        .iter()
        .map(|c| match &c.expect {
            Expect::Frames(f) => f.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(report.wire.len(), expected);
}

#[test]
fn scoreboard_reports_a_single_wrong_byte_precisely() {
    let mut cases = vectors::load_file(&repo().join("testvectors/ipv4.csv")).unwrap();
    cases.retain(|c| c.name == "v4-basic-3frag");
    let mut case = cases.pop().expect("vector v4-basic-3frag");
    // Corrupt the expectation of one byte: fragment 1's IPv4 header checksum low byte (Ethernet
    // 14 + 11). The RTL is right, so the scoreboard must flag exactly this byte.
    let Expect::Frames(frames) = &mut case.expect else {
        panic!("an ok vector")
    };
    let right = frames[1][25];
    frames[1][25] ^= 0x01;
    let report = run(3, Traffic::default(), &[case]);
    let err = report.outcomes[0]
        .result
        .clone()
        .expect_err("the corrupted byte is caught");
    let want = format!(
        "fragment 1 of 3, byte 25 (IPv4 header checksum): expected 0x{:02x}, got 0x{right:02x}",
        right ^ 1
    );
    assert!(
        err.contains("'v4-basic-3frag'"),
        "names the datagram: {err}"
    );
    assert!(
        err.contains(&want),
        "precise report\n  got:  {err}\n  want: {want}"
    );
    assert_eq!(report.failed(), 1);

    // A payload byte too: fragment 2, byte 100 of the frame.
    let mut cases = vectors::load_file(&repo().join("testvectors/ipv4.csv")).unwrap();
    cases.retain(|c| c.name == "v4-basic-3frag");
    let mut case = cases.pop().unwrap();
    let Expect::Frames(frames) = &mut case.expect else {
        panic!()
    };
    frames[2][100] = frames[2][100].wrapping_add(1);
    let report = run(4, Traffic::default(), &[case]);
    let err = report.outcomes[0].result.clone().unwrap_err();
    assert!(
        err.contains("fragment 2 of 3, byte 100 (UDP payload byte"),
        "{err}"
    );
}

#[test]
fn replay_of_a_capture_matches_the_golden_model() {
    // A capture as tcpdump shows it on an offloading host: large datagrams with the
    // pseudo-header seed in the check field, some with the full checksum, one without checksum,
    // one small datagram, and one frame replay cannot handle yet.
    let mut frames = Vec::new();
    for (i, (len, csum)) in [
        (8000, UdpCsum::Seed),
        (3000, UdpCsum::Full),
        (20000, UdpCsum::None),
        (100, UdpCsum::Seed),
        (65507, UdpCsum::Full),
    ]
    .into_iter()
    .enumerate()
    {
        let spec = DatagramSpec {
            dst_mac: [2, 0, 0, 0, 0, 2],
            src_mac: [2, 0, 0, 0, 0, 1],
            vlan: if i == 1 { vec![42] } else { vec![] },
            src_ip: [10, 1, 2, 3],
            dst_ip: [10, 4, 5, 6],
            ip_id: 100 + i as u16,
            tos: 0,
            ttl: 64,
            df: false,
            ip_options: vec![],
            src_port: 5000,
            dst_port: 6000,
            payload: (0..len).map(|b| (b * 7 + i) as u8).collect(),
            udp_csum: csum,
        };
        frames.push(spec.frame());
    }
    let mut arp = vec![0xFF; 12];
    arp.extend_from_slice(&[0x08, 0x06]);
    arp.extend_from_slice(&[0; 28]);
    frames.insert(2, arp);

    let dir = std::env::temp_dir().join(format!("ufo-replay-{}", std::process::id()));
    let input = dir.join("in.pcap");
    pcap_io::write_frames(
        &input,
        frames
            .iter()
            .enumerate()
            .map(|(i, f)| (i as u64, f.as_slice())),
    )
    .unwrap();
    let read = pcap_io::read_frames(&input).unwrap();
    assert_eq!(read, frames);

    let (cases, errors) = replay::cases_from_frames(&read, 1500);
    assert_eq!(cases.len(), 5);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("frame 3: EtherType 0x0806"),
        "{errors:?}"
    );
    let report = run(5, Traffic::default(), &cases);
    assert_all_passed(&report);
    let out = dir.join("out.pcap");
    pcap_io::write_frames(
        &out,
        report.wire.iter().map(|f| (f.cycle, f.data.as_slice())),
    )
    .unwrap();
    // 8000+8 -> 6 fragments, 3008 -> 3, 20008 -> 14, 108 -> 1, 65515 -> 45
    assert_eq!(
        pcap_io::read_frames(&out).unwrap().len(),
        6 + 3 + 14 + 1 + 45
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn vector_errors_name_file_line_and_field() {
    let dir = std::env::temp_dir().join(format!("ufo-vec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.csv");
    std::fs::write(
        &file,
        "name,mtu,payload,layout,head_payload,pattern,ip_id,df,vlan,udp_csum,ufo,fault,expect,notes\n\
         ok,1500,100,pages,0,inc,1,0,,full,1,none,ok,\n\
         bad,1500,100,pagez,0,inc,1,0,,full,1,none,ok,\n",
    )
    .unwrap();
    let err = vectors::load_file(&file).unwrap_err().to_string();
    assert!(err.contains("bad.csv:3: field 'layout': 'pagez'"), "{err}");
    std::fs::write(
        &file,
        "name,mtu,payload,layout,head_payload,pattern,ip_id,df,vlan,udp_csum,ufo,fault,expect,notes\n\
         x,15x0,100,pages,0,inc,1,0,,full,1,none,ok,\n",
    )
    .unwrap();
    let err = vectors::load_file(&file).unwrap_err().to_string();
    assert!(err.contains("bad.csv:2: field 'mtu'"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
