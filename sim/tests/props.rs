//! Property tests (proptest) of what reads outside input: the pcap reader, the header walker
//! and the replay planner never panic, whatever the bytes; damaged real frames included.

use proptest::prelude::*;
use ufo_sim::{headers, pcap_io, random, replay};

/// A pcap file header (microseconds, Ethernet), as the reader expects it first.
fn pcap_header(snaplen: u32) -> Vec<u8> {
    let mut h = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    h.extend_from_slice(&snaplen.to_le_bytes());
    h.extend_from_slice(&1u32.to_le_bytes());
    h
}

/// A pcapng Section Header Block (little-endian, no options), as a pcapng file starts.
fn pcapng_header() -> Vec<u8> {
    let mut h = vec![0x0a, 0x0d, 0x0d, 0x0a];
    h.extend_from_slice(&28u32.to_le_bytes());
    h.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    h.extend_from_slice(&[1, 0, 0, 0]); // version 1.0
    h.extend_from_slice(&(-1i64).to_le_bytes()); // section length unknown
    h.extend_from_slice(&28u32.to_le_bytes());
    h
}

/// Frames of the whole mix, as a capture shows them (small enough to replay quickly).
fn real_frames() -> Vec<Vec<u8>> {
    random::capture_frames(77, 60)
        .map(Result::unwrap)
        .filter(|f| f.len() <= 4000)
        .collect()
}

/// A real frame, damaged: some bytes of its headers changed, maybe cut short.
fn damaged_frame() -> impl Strategy<Value = Vec<u8>> {
    let frames = real_frames();
    (
        proptest::sample::select(frames),
        proptest::collection::vec((0usize..128, any::<u8>()), 0..6),
        proptest::option::of(0usize..200),
    )
        .prop_map(|(mut f, edits, cut)| {
            for (at, b) in edits {
                if at < f.len() {
                    f[at] = b;
                }
            }
            if let Some(n) = cut {
                f.truncate(n);
            }
            f
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any bytes: a pcap or an error.
    #[test]
    fn the_pcap_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = pcap_io::read_from(bytes.as_slice());
    }

    /// A valid file header, then arbitrary records (lengths included): frames or an error.
    #[test]
    fn the_pcap_reader_never_panics_past_the_header(
        snaplen in any::<u32>(),
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut file = pcap_header(snaplen);
        file.extend_from_slice(&body);
        let _ = pcap_io::read_from(file.as_slice());
    }

    /// A valid pcapng section header, then arbitrary blocks: frames or an error.
    #[test]
    fn the_pcapng_reader_never_panics_past_the_header(
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut file = pcapng_header();
        file.extend_from_slice(&body);
        let _ = pcap_io::read_from(file.as_slice());
    }

    /// Well-framed pcapng blocks (interface descriptions, enhanced, simple and obsolete packet
    /// blocks) with arbitrary contents: frames or an error.
    #[test]
    fn the_pcapng_reader_never_panics_on_framed_blocks(blocks in proptest::collection::vec(
        (prop_oneof![Just(1u32), Just(2), Just(3), Just(6), any::<u32>()],
         proptest::collection::vec(any::<u8>(), 0..80)), 0..6)) {
        let mut file = pcapng_header();
        for (kind, mut content) in blocks {
            content.resize(content.len().next_multiple_of(4), 0);
            let len = (12 + content.len()) as u32;
            file.extend_from_slice(&kind.to_le_bytes());
            file.extend_from_slice(&len.to_le_bytes());
            file.extend_from_slice(&content);
            file.extend_from_slice(&len.to_le_bytes());
        }
        let _ = pcap_io::read_from(file.as_slice());
    }

    /// Frames written by the writer come back unchanged.
    #[test]
    fn pcap_frames_round_trip(frames in proptest::collection::vec(
        proptest::collection::vec(any::<u8>(), 0..300), 0..8)) {
        let dir = std::env::temp_dir().join(format!("ufo-props-{}", std::process::id()));
        let path = dir.join(format!("{}.pcap", frames.len()));
        pcap_io::write_frames(&path, frames.iter().enumerate().map(|(i, f)| (i as u64, f.as_slice())))
            .unwrap();
        let back = pcap_io::read_frames(&path).unwrap();
        std::fs::remove_file(&path).ok();
        prop_assert_eq!(back, frames);
    }

    /// The header walker takes any bytes.
    #[test]
    fn the_header_walker_never_panics(frame in proptest::collection::vec(any::<u8>(), 0..200),
                                      l3 in 0usize..220) {
        let _ = headers::ethertype(&frame);
        let _ = headers::ipv6_upper(&frame, l3);
    }

    /// The replay planner takes random bytes and damaged real frames at any MTU: a case or an
    /// error naming the frame, never a panic.
    #[test]
    fn the_replay_walker_never_panics(
        random_frames in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..120), 0..4),
        damaged in proptest::collection::vec(damaged_frame(), 0..6),
        mtu in prop_oneof![68u32..=1500, 1280u32..=9000, Just(65535u32)],
    ) {
        let frames: Vec<Vec<u8>> = random_frames.into_iter().chain(damaged).collect();
        let (cases, errors) = replay::cases_from_frames(&frames, mtu);
        prop_assert_eq!(cases.len() + errors.len(), frames.len());
        for e in &errors {
            let prefix = format!("frame {}: ", e.frame);
            prop_assert!(e.to_string().starts_with(&prefix), "{}", e);
        }
    }
}
