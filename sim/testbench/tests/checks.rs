//! The independent checks (etherparse reassembly, the checksum of every frame) on the golden
//! frames of the vectors, the random mix and a replayed capture, and proof that they catch a
//! corrupted, missing or unfinished frame. No simulator: these run on the golden model's frames,
//! which the engine's must equal byte for byte.

use std::path::Path;

use ufo_testbench::case::{Case, Expect};
use ufo_testbench::checks::{independent_check, verify_checksums};
use ufo_testbench::{random, replay, vectors};

fn all_vectors() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testvectors");
    let mut cases = Vec::new();
    for f in vectors::vector_files(&dir).unwrap() {
        cases.extend(vectors::load_file(&f).unwrap_or_else(|e| panic!("{e}")));
    }
    assert!(cases.len() >= 40, "vector files found");
    cases
}

fn expected(case: &Case) -> Option<&Vec<Vec<u8>>> {
    match &case.expect {
        Expect::Frames(f) | Expect::ChainErrorThenFrames(f) => Some(f),
        Expect::Error(_) => None,
    }
}

/// Both independent checks pass on `case`'s golden frames.
fn check(case: &Case) {
    let Some(frames) = expected(case) else { return };
    independent_check(&case.name, case, frames).unwrap_or_else(|e| panic!("{e}"));
    for (k, f) in frames.iter().enumerate() {
        verify_checksums(
            &format!("{} frame {k}", case.name),
            f,
            case.skb.csum.is_none(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn golden_frames_of_every_vector_pass_both_checks() {
    for case in &all_vectors() {
        check(case);
    }
}

#[test]
fn golden_frames_of_the_random_mix_pass_both_checks() {
    for k in 0..400 {
        check(&random::random_case(2026, k, &[576, 1280, 1500, 9000]).unwrap());
    }
}

/// `make replay`'s path: a capture of the mix, turned back into skbs, must give frames whose
/// every checksum is complete (ICMPv6 and UDP-Lite included: the capture carries the
/// software checksums a Linux host computes for them).
#[test]
fn a_replayed_capture_puts_only_complete_checksums_on_the_wire() {
    let frames = random::capture_frames(7, 300)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let (cases, errors) = replay::cases_from_frames(&frames, 1500);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(cases.len(), frames.len());
    for case in &cases {
        check(case);
    }
}

#[test]
fn independent_reassembly_check_catches_what_it_should() {
    let mut cases = all_vectors();
    cases.retain(|c| c.name == "v6-hop-route-dest" || c.name == "v4-opt-mixed");
    assert_eq!(cases.len(), 2);
    for case in &cases {
        let frames = expected(case).unwrap();
        assert!(frames.len() > 2);
        independent_check("golden", case, frames).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        // a payload byte of a later fragment
        let mut bad = frames.clone();
        let last = bad[2].len() - 1;
        bad[2][last] ^= 0x40;
        let err = independent_check("corrupt", case, &bad)
            .expect_err("payload corruption")
            .to_string();
        assert!(err.contains("independent reassembly"), "{err}");
        // a missing fragment
        let mut short = frames.clone();
        short.remove(1);
        independent_check("missing", case, &short).expect_err("missing fragment");
        // the last byte of fragment 0: the datagram differs and its checksum no longer verifies
        let mut badsum = frames.clone();
        let n = badsum[0].len();
        badsum[0][n - 1] ^= 0x01;
        independent_check("checksum", case, &badsum).expect_err("bad checksum");
    }
}

/// Plain checksum offload (UDP and TCP, with and without an inserted tag): etherparse parses the
/// single frame and verifies the checksum; a wrong checksum field, or the seed left in place,
/// is caught by both checks.
#[test]
fn plain_checksum_offload_is_checked_independently() {
    let mut cases = all_vectors();
    cases.retain(|c| {
        matches!(
            c.name.as_str(),
            "plain-udp-csum" | "plain-tcp" | "plain-tcp-vlan-insert" | "v6-plain-csum"
        )
    });
    assert_eq!(cases.len(), 4);
    for case in &cases {
        let frames = expected(case).unwrap();
        assert_eq!(frames.len(), 1, "{}", case.name);
        independent_check("golden", case, frames).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let c = case.skb.csum.expect("checksum offload");
        let sent_at = usize::from(c.start + c.offset);
        let wire_at = sent_at + if case.skb.vlan_insert.is_some() { 4 } else { 0 };
        // The seed the host left, as if the device had not completed it.
        let mut seed = frames.clone();
        seed[0][wire_at..wire_at + 2].copy_from_slice(&case.skb.to_bytes()[sent_at..sent_at + 2]);
        let err = independent_check("seed", case, &seed)
            .expect_err("seed left in place")
            .to_string();
        assert!(err.contains("Invalid"), "{}: {err}", case.name);
        assert!(
            verify_checksums("seed", &seed[0], false).is_err(),
            "{}",
            case.name
        );
        // A payload byte changed after the checksum was computed.
        let mut bad = frames.clone();
        let n = bad[0].len();
        bad[0][n - 1] ^= 0x10;
        independent_check("corrupt", case, &bad).expect_err("payload corruption");
        assert!(
            verify_checksums("corrupt", &bad[0], false).is_err(),
            "{}",
            case.name
        );
    }
}

/// Decision 19 of `docs/golden-model.md`: with a source route, Linux's UDP checksum is over the
/// IPv4 header's destination (the first hop), not the final destination in the option's last
/// slot (which Wireshark uses). The two source-route vectors follow Linux: etherparse verifies
/// their checksum with the header's address, and it does not verify with the final one.
#[test]
fn source_route_vectors_sum_over_the_first_hop() {
    use etherparse::{Ipv4HeaderSlice, UdpHeader};
    let mut cases = all_vectors();
    cases.retain(|c| c.name == "v4-opt-lsrr" || c.name == "v4-opt-mixed");
    assert_eq!(cases.len(), 2);
    for case in &cases {
        let frames = expected(case).unwrap();
        check(case);
        // Fragment 0 holds the options and the UDP header; the sent skb the whole datagram.
        let sent = case.skb.to_bytes();
        let ip = Ipv4HeaderSlice::from_slice(&sent[14..]).unwrap();
        let opts = ip.options();
        let at = opts
            .iter()
            .position(|&t| t == 0x83 || t == 0x89)
            .expect("a route");
        let len = usize::from(opts[at + 1]);
        let final_dst: [u8; 4] = opts[at + len - 4..at + len].try_into().unwrap();
        assert_eq!(final_dst, [192, 0, 2, 1], "{}", case.name);
        assert_ne!(ip.destination(), final_dst);
        let l4 = 14 + usize::from(ip.ihl()) * 4;
        let (udp, payload) = UdpHeader::from_slice(&sent[l4..]).unwrap();
        let wire_check = u16::from_be_bytes([frames[0][l4 + 6], frames[0][l4 + 7]]);
        let first_hop = udp
            .calc_checksum_ipv4_raw(ip.source(), ip.destination(), payload)
            .unwrap();
        let final_hop = udp
            .calc_checksum_ipv4_raw(ip.source(), final_dst, payload)
            .unwrap();
        assert_eq!(wire_check, first_hop, "{}", case.name);
        assert_ne!(wire_check, final_hop, "{}", case.name);
    }
}
