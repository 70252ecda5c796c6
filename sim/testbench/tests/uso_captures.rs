//! The golden model against Linux itself: captures made on a real host by
//! `scripts/capture-uso.sh` (kernel 6.18, `testvectors/captures/README.md`). The super-frames a
//! `UDP_SEGMENT` socket handed its USO-capable veth, replayed as `replay --uso GSO_SIZE` builds
//! them, must give exactly the segments the kernel's own software segmentation put on a device
//! without USO or checksum offload, byte for byte and in order; and the independent etherparse
//! check must accept the kernel's segments for every super-frame.

use std::path::{Path, PathBuf};

use ufo_testbench::case::Expect;
use ufo_testbench::checks::independent_check;
use ufo_testbench::pcap_io::read_frames;
use ufo_testbench::replay::cases_from_frames_uso;

fn capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testvectors/captures")
        .join(name)
}

/// Replays the pair for `gso_size`; returns (super-frames handed over as USO, segments).
fn compare_with_kernel(gso_size: u16) -> (usize, usize) {
    let supers = read_frames(&capture(&format!(
        "uso-linux-gso{gso_size}-superframes.pcap"
    )))
    .expect("super-frame capture");
    let kernel = read_frames(&capture(&format!("uso-linux-gso{gso_size}-segments.pcap")))
        .expect("segment capture");
    let (cases, errors) = cases_from_frames_uso(&supers, 1500, Some(gso_size));
    assert!(errors.is_empty(), "frames not replayable: {errors:?}");
    assert_eq!(cases.len(), supers.len());
    let mut at = 0;
    let mut uso = 0;
    for case in &cases {
        let Expect::Frames(frames) = &case.expect else {
            panic!("{}: expects an error", case.name)
        };
        let mine = &kernel[at..(at + frames.len()).min(kernel.len())];
        for (k, (want, got)) in mine.iter().zip(frames).enumerate() {
            assert!(
                want == got,
                "{} segment {k}: the golden model differs from the kernel\n kernel {want:02x?}\n golden {got:02x?}",
                case.name
            );
        }
        assert_eq!(mine.len(), frames.len(), "{}: segment count", case.name);
        independent_check(&case.name, case, mine).expect("etherparse accepts the kernel's output");
        uso += usize::from(case.skb.uso_gso_size.is_some());
        at += frames.len();
    }
    assert_eq!(
        at,
        kernel.len(),
        "the kernel sent more frames than the replay expects"
    );
    (uso, at)
}

#[test]
fn gso_size_1400_matches_the_kernel() {
    // 12 sends: 9 super-frames (IPv4 and IPv6, options, up to 47 segments); the one-segment
    // datagram and the three the kernel segmented before the device (IPv6 with a Destination
    // Options header) go through as plain checksum offload.
    let (uso, segments) = compare_with_kernel(1400);
    assert_eq!(uso, 9);
    assert_eq!(segments, 115);
}

#[test]
fn gso_size_7_matches_the_kernel() {
    // 100 and 128 segments of 7 bytes, gso_size + 1, over IPv4 and IPv6.
    let (uso, segments) = compare_with_kernel(7);
    assert_eq!(uso, 5);
    assert_eq!(segments, 100 + 128 + 2 + 128 + 3);
}
