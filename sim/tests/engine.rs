//! End-to-end tests of the RTL engine: vectors, random datagrams, replay, and proof that the
//! scoreboard catches a single wrong byte. Each prints its seed.

use std::path::{Path, PathBuf};

use ufo_driver::packet::{DatagramSpec, Ipv6DatagramSpec, Ipv6ExtHeader, PlainSpec, UdpCsum};
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
        .filter_map(|o| o.result.as_ref().err().map(ToString::to_string))
        .chain(report.global_errors.iter().map(ToString::to_string))
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
    assert!(report.outcomes.len() >= 80, "both vector files ran");
}

#[test]
fn every_vector_passes_with_slow_host_and_no_back_pressure() {
    let slow = Traffic {
        tready_prob: 1.0,
        r_gap_prob: 0.3,
        ar_accept_prob: 0.5,
        read_latency: 100,
        reorder_prob: 1.0,
        ..Traffic::default()
    };
    println!("seed 12");
    let mut runner = Runner::new(config(12, slow)).expect("bench starts");
    assert_all_passed(&runner.run(&all_vectors(), |_| {}));
    // Descriptor (ID 0) and packet (ID 1) reads really overlapped and came back out of order.
    let stats = runner.tb.mem.stats().clone();
    println!("host memory: {stats:?}");
    assert!(stats.reordered_beats > 0, "{stats:?}");
    let fast = Traffic {
        read_latency: 1,
        ..Traffic::IDEAL
    };
    assert_all_passed(&run(13, fast, &all_vectors()));
}

#[test]
fn random_packets_of_the_whole_mix_at_several_mtus() {
    let seed = 20261124;
    let cases: Vec<Case> = (0..300)
        .map(|k| random::random_case(seed, k, &[1500, 576, 9000, 1280]).unwrap())
        .collect();
    let report = run(seed, Traffic::default(), &cases);
    assert_all_passed(&report);
    // the completions' frame counts match the wire
    let expected: usize = cases
        .iter()
        .map(|c| match &c.expect {
            Expect::Frames(f) | Expect::ChainErrorThenFrames(f) => f.len(),
            Expect::Error(_) => 0,
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
        .expect_err("the corrupted byte is caught")
        .to_string();
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
    let err = report.outcomes[0].result.clone().unwrap_err().to_string();
    assert!(
        err.contains("fragment 2 of 3, byte 100 (UDP payload byte"),
        "{err}"
    );
}

fn udp4(i: usize, len: usize, csum: UdpCsum, vlan: Vec<u16>, options: Vec<u8>) -> Vec<u8> {
    DatagramSpec {
        dst_mac: [2, 0, 0, 0, 0, 2],
        src_mac: [2, 0, 0, 0, 0, 1],
        vlan,
        src_ip: [10, 1, 2, 3],
        dst_ip: [10, 4, 5, 6],
        ip_id: 100 + i as u16,
        tos: 0,
        ttl: 64,
        df: false,
        ip_options: options,
        src_port: 5000,
        dst_port: 6000,
        payload: (0..len).map(|b| (b * 7 + i) as u8).collect(),
        udp_csum: csum,
    }
    .frame()
}

fn udp6(i: usize, len: usize, ext: Vec<Ipv6ExtHeader>, vlan: Vec<u16>) -> Vec<u8> {
    Ipv6DatagramSpec {
        dst_mac: [2, 0, 0, 0, 0, 2],
        src_mac: [2, 0, 0, 0, 0, 1],
        vlan,
        traffic_class: 0,
        flow_label: 7,
        hop_limit: 64,
        src_ip: [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        dst_ip: [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
        ext_headers: ext,
        final_dst: None,
        src_port: 5000,
        dst_port: 6000,
        payload: (0..len).map(|b| (b * 3 + i) as u8).collect(),
        udp_csum: UdpCsum::Seed,
    }
    .frame()
}

fn replay_capture(frames: &[Vec<u8>], mtu: u32) -> (RunReport, Vec<String>) {
    let dir = std::env::temp_dir().join(format!("ufo-replay-{}-{mtu}", std::process::id()));
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
    let (cases, errors) = replay::cases_from_frames(&read, mtu);
    let report = run(5, Traffic::default(), &cases);
    let out = dir.join("out.pcap");
    pcap_io::write_frames(
        &out,
        report.wire.iter().map(|f| (f.cycle, f.data.as_slice())),
    )
    .unwrap();
    assert_eq!(pcap_io::read_frames(&out).unwrap().len(), report.wire.len());
    std::fs::remove_dir_all(&dir).ok();
    (report, errors.iter().map(ToString::to_string).collect())
}

#[test]
fn replay_of_large_ipv4_datagrams_matches_the_golden_model() {
    // As tcpdump shows them on an offloading host: the pseudo-header seed in the check field,
    // or the full checksum, or no checksum; up to the 65,507-byte maximum.
    let frames = vec![
        udp4(0, 8000, UdpCsum::Seed, vec![], vec![]),
        udp4(1, 3000, UdpCsum::Full, vec![42], vec![]),
        udp4(2, 20000, UdpCsum::None, vec![], vec![]),
        udp4(3, 65507, UdpCsum::Full, vec![], vec![]),
    ];
    let (report, errors) = replay_capture(&frames, 1500);
    assert!(errors.is_empty(), "{errors:?}");
    assert_all_passed(&report);
    // 8008 -> 6 fragments, 3008 -> 3, 20008 -> 14, 65515 -> 45
    assert_eq!(report.wire.len(), 6 + 3 + 14 + 45);
}

#[test]
fn replay_of_a_mixed_capture_passes_golden_and_independent_reassembly() {
    use ufo_driver::packet::Ipv6ExtKind::{DestOptions, HopByHop};
    let rr = [vec![7, 11, 4], vec![0; 8], vec![0]].concat(); // Record Route (not copied) + EOL
    let mut arp = vec![0xFF; 12];
    arp.extend_from_slice(&[0x08, 0x06]);
    arp.extend_from_slice(&[0; 28]);
    let tcp = PlainSpec::tcp_ipv4_partial([10, 0, 0, 1], [10, 0, 0, 2], 0x18, &[0x55; 300]).frame();
    let frames = vec![
        udp4(0, 6000, UdpCsum::Seed, vec![], vec![]),     // IPv4
        udp4(1, 6000, UdpCsum::Seed, vec![], rr.clone()), // IPv4 with options
        udp6(2, 6000, vec![], vec![]),                    // IPv6
        udp6(
            3,
            7000,
            vec![
                Ipv6ExtHeader::options(HopByHop, &[]), // IPv6 with extension headers
                Ipv6ExtHeader::routing(0, 1, &[[0xfd; 16]]),
                Ipv6ExtHeader::options(DestOptions, &[]),
            ],
            vec![],
        ),
        udp4(4, 5000, UdpCsum::Full, vec![100, 200], rr), // two VLAN tags + options
        udp6(5, 5000, vec![], vec![7]),                   // VLAN-tagged IPv6
        udp4(6, 64, UdpCsum::Seed, vec![], vec![]),       // small: checksum offload
        udp6(7, 10, vec![], vec![]),                      // small IPv6
        tcp,                                              // TCP: checksum offload
        arp,                                              // not IP: as it is
        vec![0x02; 10],                                   // runt: cannot be handled
    ];
    let (report, errors) = replay_capture(&frames, 1500);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("frame 11: 10 bytes"), "{errors:?}");
    assert_all_passed(&report);
    assert_eq!(report.outcomes.len(), 10);
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

/// The pcapng fixture (Wireshark's `editcap` output of a capture of the mix, see
/// `sim/testbench/tests/captures.rs`) through the RTL at MTU 1280: every frame handled, every
/// frame on the wire equal to the golden model's, with complete checksums.
#[test]
fn replay_of_a_pcapng_capture_from_editcap() {
    let frames = pcap_io::read_frames(&repo().join("sim/tests/data/mix-seed16.pcapng")).unwrap();
    let (cases, errors) = replay::cases_from_frames(&frames, 1280);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(cases.len(), 9);
    let report = run(16, Traffic::default(), &cases);
    assert_all_passed(&report);
    assert!(
        report.wire.len() > frames.len(),
        "some datagrams were fragmented"
    );
}
