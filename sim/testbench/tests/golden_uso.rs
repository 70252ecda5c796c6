//! The golden model's USO (`uso_segments`) against what the kernel's rules give, checked three
//! independent ways: every segment equals the plain datagram the packet builders (their own
//! checksum code) make of its piece with the identification the kernel gives it; etherparse
//! parses every segment as a complete UDP datagram and verifies its checksum, and the payloads
//! concatenate to the super-frame's (`check_uso_segments`); and Linux's refusals.

use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use ufo_driver::gen::{random_packet, MixConfig, MixWeights};
use ufo_driver::packet::{
    DatagramSpec, Ipv6DatagramSpec, Ipv6ExtHeader, Ipv6ExtKind, PacketGoldenError, PacketSpec,
    TxPacket, UdpCsum,
};
use ufo_driver::skb_build::{from_frame_uso, FragLayout};
use ufo_golden::{uso_segment_count, uso_segments, CsumRequest, GoldenError, UDP_MAX_SEGMENTS};
use ufo_testbench::case::{Case, Layout};
use ufo_testbench::checks::independent_check;
use ufo_testbench::reassemble::{check_uso_segments, ReassembleOptions};

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// Inserts an 802.1Q tag after the MAC addresses (what the device does on request).
fn with_tag(frame: &[u8], tci: Option<u16>) -> Vec<u8> {
    let mut f = frame.to_vec();
    if let Some(tci) = tci {
        let mut tag = vec![0x81, 0x00];
        tag.extend_from_slice(&tci.to_be_bytes());
        f.splice(12..12, tag);
    }
    f
}

/// The segments the kernel's rules give, built by the packet builders: the same packet with
/// each piece of the payload as its whole payload, a complete checksum, and (IPv4) the
/// identification of the super-frame plus the segment number.
fn expected_by_builders(tx: &TxPacket) -> Vec<Vec<u8>> {
    let gso = usize::from(tx.uso_gso_size.unwrap());
    let (payload, one) = match &tx.spec {
        PacketSpec::Udp4(s) => (s.payload.clone(), PacketSpec::Udp4(s.clone())),
        PacketSpec::Udp6(s) => (s.payload.clone(), PacketSpec::Udp6(s.clone())),
        PacketSpec::Plain(_) => unreachable!(),
    };
    let pieces: Vec<&[u8]> = if payload.is_empty() {
        vec![&[]]
    } else {
        payload.chunks(gso).collect()
    };
    pieces
        .iter()
        .enumerate()
        .map(|(k, piece)| {
            let frame = match &one {
                PacketSpec::Udp4(s) => DatagramSpec {
                    payload: piece.to_vec(),
                    ip_id: s.ip_id.wrapping_add(k as u16),
                    udp_csum: UdpCsum::Full,
                    ..s.clone()
                }
                .frame(),
                PacketSpec::Udp6(s) => Ipv6DatagramSpec {
                    payload: piece.to_vec(),
                    udp_csum: UdpCsum::Full,
                    ..s.clone()
                }
                .frame(),
                PacketSpec::Plain(_) => unreachable!(),
            };
            with_tag(&frame, tx.vlan_insert)
        })
        .collect()
}

fn uso_mix() -> MixConfig {
    MixConfig {
        weights: MixWeights {
            ufo_ipv4: 0,
            ufo_ipv6: 0,
            udp_plain: 0,
            csum_plain: 0,
            passthrough: 0,
            uso: 1,
        },
        ..MixConfig::default()
    }
}

/// Every check of one USO packet; returns the number of segments.
fn check_all(tx: &TxPacket) -> usize {
    let frames = tx.golden().expect("golden model");
    assert_eq!(
        frames,
        expected_by_builders(tx),
        "segments vs the packet builders"
    );
    let sent = tx.skb_frame().unwrap();
    let gso = tx.uso_gso_size.unwrap();
    let payload = sent.len() - tx.spec.l4_offset() - 8;
    assert_eq!(frames.len(), uso_segment_count(payload, gso));
    assert!(frames.len() <= UDP_MAX_SEGMENTS);
    let case = Case::from_tx("uso".into(), "test".into(), tx, &Layout::Pages, 0).unwrap();
    assert_eq!(case.skb.uso_gso_size, Some(gso));
    assert_eq!(case.skb.to_bytes(), sent);
    independent_check("uso", &case, &frames).expect("etherparse check");
    frames.len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The random USO mix: IPv4 and IPv6, options, extension headers, tags in the frame and
    /// inserted, every gso_size class.
    #[test]
    fn random_uso_mix_segments_as_the_kernel(seed in any::<u64>()) {
        let tx = random_packet(&mut ChaCha8Rng::seed_from_u64(seed), &uso_mix());
        prop_assert!(tx.uso_gso_size.is_some());
        check_all(&tx);
    }

    /// Any gso_size and payload within Linux's limits, IPv4 with any identification (it wraps).
    #[test]
    fn ipv4_any_size(payload in 0usize..6000, gso in 1u16..3000, id in any::<u16>(),
                     tag in proptest::option::of(any::<u16>()), df in any::<bool>()) {
        prop_assume!(uso_segment_count(payload, gso) <= UDP_MAX_SEGMENTS);
        let spec = DatagramSpec {
            payload: (0..payload).map(|i| (i * 7 + 3) as u8).collect(),
            ip_id: id,
            df,
            udp_csum: UdpCsum::Full,
            ..DatagramSpec::default()
        };
        let tx = TxPacket { vlan_insert: tag, ..TxPacket::uso(PacketSpec::Udp4(spec), gso) };
        check_all(&tx);
    }
}

#[test]
fn edge_sizes() {
    let v4 = |payload: usize, gso: u16| {
        TxPacket::uso(
            PacketSpec::Udp4(DatagramSpec {
                payload: (0..payload).map(|i| i as u8).collect(),
                ip_id: 0xFFFE,
                udp_csum: UdpCsum::Full,
                ..DatagramSpec::default()
            }),
            gso,
        )
    };
    // (payload, gso_size, segments)
    for (payload, gso, n) in [
        (2944, 1472, 2),   // exact multiple
        (2945, 1472, 3),   // 1-byte tail
        (1473, 1472, 2),   // gso_size + 1
        (1472, 1472, 1),   // one segment, exactly full
        (100, 1472, 1),    // one segment, short
        (0, 1472, 1),      // empty datagram
        (128, 1, 128),     // gso_size 1, the most segments
        (256, 2, 128),     // gso_size 2
        (7 * 128, 7, 128), // gso_size 7
        (8 * 100 + 3, 8, 101),
        (128 * 500, 500, 128), // 128 segments as large as a 64 KiB frame allows
        (65535 - 14 - 20 - 8, 1472, 45), // the largest datagram at MTU 1500
        (65535 - 14 - 20 - 8, 65507, 1), // the largest datagram
        (65535 - 14 - 20 - 8, 1000, 66),
    ] {
        let tx = v4(payload, gso);
        assert_eq!(check_all(&tx), n, "payload {payload} gso {gso}");
    }
    // The identification wraps: 0xFFFE, 0xFFFF, 0, 1.
    let f = v4(4000, 1000).golden().unwrap();
    let ids: Vec<u16> = f.iter().map(|s| be16(s, 18)).collect();
    assert_eq!(ids, vec![0xFFFE, 0xFFFF, 0, 1]);
    // Lengths: tot_len, UDP length per segment; DF and TTL copied.
    let lens: Vec<(u16, u16)> = f.iter().map(|s| (be16(s, 16), be16(s, 38))).collect();
    assert_eq!(lens, vec![(1028, 1008); 4]);
}

#[test]
fn ipv6_extension_headers_copied_into_every_segment() {
    let ext = vec![
        Ipv6ExtHeader::options(Ipv6ExtKind::HopByHop, &[]),
        Ipv6ExtHeader::options(Ipv6ExtKind::DestOptions, &[0x1E, 4, 1, 2, 3, 4]),
        Ipv6ExtHeader::routing(
            0,
            1,
            &[[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 1]],
        ),
        Ipv6ExtHeader::options(Ipv6ExtKind::DestOptions, &[]),
    ];
    let spec = Ipv6DatagramSpec {
        ext_headers: ext,
        final_dst: Some([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 1]),
        payload: (0..5000u32).map(|i| (i * 11) as u8).collect(),
        udp_csum: UdpCsum::Full,
        ..Ipv6DatagramSpec::default()
    };
    let l4 = spec.l4_offset();
    let tx = TxPacket::uso(PacketSpec::Udp6(spec), 1452);
    assert_eq!(check_all(&tx), 4);
    let sent = tx.skb_frame().unwrap();
    for (k, seg) in tx.golden().unwrap().iter().enumerate() {
        // Everything before the UDP header but the payload length is the super-frame's.
        assert_eq!(seg[..18], sent[..18], "segment {k}");
        assert_eq!(seg[20..l4], sent[20..l4], "segment {k}");
        assert_eq!(
            usize::from(be16(seg, 18)),
            seg.len() - 54,
            "payload_len of {k}"
        );
    }
}

#[test]
fn vlan_in_frame_and_options() {
    let spec = DatagramSpec {
        vlan: vec![0x0064, 0x00C8],
        ip_options: vec![0x94, 0x04, 0x00, 0x00, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0x01],
        payload: vec![0xA5; 3001],
        udp_csum: UdpCsum::Full,
        ..DatagramSpec::default()
    };
    let tx = TxPacket {
        vlan_insert: Some(0xE123),
        ..TxPacket::uso(PacketSpec::Udp4(spec), 1000)
    };
    // Not-copied options (Record Route) stay in every segment: segmentation, not fragmentation.
    assert_eq!(check_all(&tx), 4);
}

fn refused(tx: &TxPacket) -> GoldenError {
    match tx.golden() {
        Err(PacketGoldenError::Golden(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn linux_refusals() {
    let spec = |payload: usize, csum| DatagramSpec {
        payload: vec![1; payload],
        udp_csum: csum,
        ..DatagramSpec::default()
    };
    let uso = |s: DatagramSpec, g| TxPacket::uso(PacketSpec::Udp4(s), g);
    assert_eq!(
        refused(&uso(spec(100, UdpCsum::Full), 0)),
        GoldenError::UsoGsoSize
    );
    assert_eq!(
        refused(&uso(spec(129, UdpCsum::Full), 1)),
        GoldenError::UsoSegments {
            segments: 129,
            max: 128
        }
    );
    assert_eq!(
        refused(&uso(spec(3000, UdpCsum::None), 1000)),
        GoldenError::UsoChecksumOff
    );
    assert_eq!(
        refused(&uso(spec(65535 - 20 - 8, UdpCsum::Full), 60000)),
        GoldenError::UsoLength { len: 65549 }
    );
    // CSUM requested but the check field 0: the checksum is disabled.
    let mut frame = spec(3000, UdpCsum::None).frame();
    let csum = Some(CsumRequest {
        start: 34,
        offset: 6,
    });
    assert_eq!(
        uso_segments(&frame, 1000, csum),
        Err(GoldenError::UsoChecksumOff)
    );
    // Not UDP.
    frame[23] = 6;
    frame[24..26].fill(0);
    assert!(matches!(
        uso_segments(&frame, 1000, csum),
        Err(GoldenError::NotUdp(6))
    ));
    // A checksum request elsewhere than the UDP check field.
    let seeded = spec(3000, UdpCsum::Seed).frame();
    let off = Some(CsumRequest {
        start: 34,
        offset: 16,
    });
    assert!(matches!(
        uso_segments(&seeded, 1000, off),
        Err(GoldenError::UsoCsumPosition { .. })
    ));
}

/// The raw-frame constructor (live mode, `replay --uso`) gives the same skb as the packet path.
#[test]
fn raw_frame_constructor_matches_the_packet_path() {
    let spec = DatagramSpec {
        payload: vec![0x3C; 4000],
        udp_csum: UdpCsum::Full,
        ..DatagramSpec::default()
    };
    let l4 = spec.l4_offset();
    let tx = TxPacket::uso(PacketSpec::Udp4(spec), 1472);
    let from_packet = tx.skb(FragLayout::SeedPages).unwrap();
    let raw = from_frame_uso(&tx.skb_frame().unwrap(), 1472, l4, FragLayout::SeedPages).unwrap();
    assert_eq!(raw, from_packet);
    assert!(from_frame_uso(&[0u8; 40], 1472, 34, FragLayout::Linear).is_err());
}

/// The independent check fails on wrong segments: it is not a check that cannot fail.
#[test]
fn independent_check_catches_bad_segments() {
    let tx = TxPacket::uso(
        PacketSpec::Udp4(DatagramSpec {
            payload: (0..4000u32).map(|i| i as u8).collect(),
            ip_id: 7,
            udp_csum: UdpCsum::Full,
            ..DatagramSpec::default()
        }),
        1000,
    );
    let good = tx.golden().unwrap();
    let sent = tx.skb_frame().unwrap();
    let check = |f: &[Vec<u8>]| check_uso_segments(f, &sent, 1000, &ReassembleOptions::default());
    assert_eq!(check(&good), Ok(4));
    let mut swapped = good.clone();
    swapped.swap(1, 2);
    assert!(check(&swapped).is_err(), "order");
    let mut bad_sum = good.clone();
    bad_sum[2][40] ^= 1;
    assert!(check(&bad_sum).is_err(), "UDP checksum");
    assert!(check(&good[..3]).is_err(), "missing segment");
    // The same id in every segment (fixed id) is not what inet_gso_segment does for UDP.
    let fixed_id: Vec<Vec<u8>> = (0..4u16)
        .map(|k| {
            DatagramSpec {
                payload: (1000 * u32::from(k)..1000 * u32::from(k) + 1000)
                    .map(|i| i as u8)
                    .collect(),
                ip_id: 7,
                udp_csum: UdpCsum::Full,
                ..DatagramSpec::default()
            }
            .frame()
        })
        .collect();
    assert!(check(&fixed_id).is_err(), "identification");
}
