//! The golden model against hand-derived numbers, the kernel's edge cases, and an independent
//! reassembly by etherparse.

use etherparse::defrag::IpDefragPool;
use etherparse::{NetSlice, SlicedPacket, UdpHeader};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ufo_driver::checksum::ones_sum;
use ufo_driver::gen::{random_datagram, GenConfig};
use ufo_driver::packet::{DatagramSpec, UdpCsum};
use ufo_driver::skb_build::{from_datagram_ufo, FragLayout};
use ufo_golden::{wire_frames, GoldenError, UdpCheck};

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// (total length, flags/fragment offset, header checksum, IP payload length) of each frame.
fn ip_fields(frames: &[Vec<u8>], l3: usize) -> Vec<(u16, u16, u16, usize)> {
    frames
        .iter()
        .map(|f| {
            let hlen = usize::from(f[l3] & 0xF) * 4;
            (
                be16(f, l3 + 2),
                be16(f, l3 + 6),
                be16(f, l3 + 10),
                f.len() - l3 - hlen,
            )
        })
        .collect()
}

fn known_4000() -> DatagramSpec {
    DatagramSpec {
        src_ip: [192, 168, 0, 1],
        dst_ip: [192, 168, 0, 199],
        ip_id: 0x1c46,
        ttl: 64,
        tos: 0,
        df: true,
        payload: (0..4000u32).map(|i| (i * 31 + 7) as u8).collect(),
        ..Default::default()
    }
}

#[test]
fn known_4000_byte_datagram_at_1500() {
    let spec = known_4000();
    let frames = wire_frames(&spec.frame(), 1500, UdpCheck::Compute).unwrap();
    // IP payload 4008 = 1480 + 1480 + 1048. Header checksums by hand from the fixed words
    // 4500+1c46+4011+c0a8+0001+c0a8+00c7 = 0x2236f plus total length and flags/offset:
    //   frag 0: +05dc +2000 = 0x2494b -> 0x494d -> ~ 0xb6b2
    //   frag 1: +05dc +20b9 = 0x24a04 -> 0x4a06 -> ~ 0xb5f9
    //   frag 2: +042c +0172 = 0x2290d -> 0x290f -> ~ 0xd6f0
    // DF of the input is cleared in every fragment.
    assert_eq!(
        ip_fields(&frames, 14),
        vec![
            (1500, 0x2000, 0xb6b2, 1480),
            (1500, 0x20b9, 0xb5f9, 1480),
            (1068, 0x0172, 0xd6f0, 1048),
        ]
    );
    let full = spec.frame();
    for f in &frames {
        assert_eq!(f[..14], full[..14], "Ethernet header copied");
        assert_eq!(f[14..16], [0x45, 0x00]);
        assert_eq!(f[18..20], full[18..20], "ID copied");
        assert_eq!(f[22..24], full[22..24], "TTL, protocol copied");
        assert_eq!(f[26..34], full[26..34], "addresses copied");
    }
    // Payload: fragment 0 has the UDP header (with the software checksum) and 1472 data bytes.
    assert_eq!(frames[0][34..42], full[34..42]);
    assert_eq!(frames[0][42..], spec.payload[..1472]);
    assert_eq!(frames[1][34..], spec.payload[1472..2952]);
    assert_eq!(frames[2][34..], spec.payload[2952..]);
}

#[test]
fn ihl6_last_fragment_of_1475_is_not_rounded() {
    // hlen 24: data space 1476, non-last fragments 1472. IP payload 1472 + 1475: the last
    // fragment carries 1475 (<= 1476), not 1472 + 3.
    let spec = DatagramSpec {
        ip_options: vec![0x01, 0x01, 0x01, 0x00],
        payload: vec![0x5A; 1472 + 1475 - 8],
        ..Default::default()
    };
    let frames = wire_frames(&spec.frame(), 1500, UdpCheck::Compute).unwrap();
    let f = ip_fields(&frames, 14);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].0, 1496);
    assert_eq!(f[0].1, 0x2000);
    assert_eq!(f[0].3, 1472);
    assert_eq!(f[1].0, 1499);
    assert_eq!(f[1].1, 184);
    assert_eq!(f[1].3, 1475);
    // Two bytes more: the second fragment's left is 1477 > 1476, so it rounds down to 1472
    // and leaves 5 for a third.
    let spec2 = DatagramSpec {
        payload: vec![0x5A; 1472 + 1477 - 8],
        ..spec.clone()
    };
    let f2 = ip_fields(
        &wire_frames(&spec2.frame(), 1500, UdpCheck::Compute).unwrap(),
        14,
    );
    assert_eq!(
        f2.iter().map(|x| x.3).collect::<Vec<_>>(),
        vec![1472, 1472, 5]
    );
    // Exactly the MTU: one frame, unchanged.
    let spec3 = DatagramSpec {
        payload: vec![0x5A; 1476 - 8],
        ..spec
    };
    let frame = spec3.frame();
    assert_eq!(
        wire_frames(&frame, 1500, UdpCheck::Compute).unwrap(),
        vec![frame]
    );
}

#[test]
fn last_fragment_of_1_to_7_bytes() {
    for r in 1..=7 {
        let spec = DatagramSpec {
            payload: vec![r as u8; 2 * 1480 + r - 8],
            ..Default::default()
        };
        let f = ip_fields(
            &wire_frames(&spec.frame(), 1500, UdpCheck::Compute).unwrap(),
            14,
        );
        assert_eq!(f.len(), 3, "r {r}");
        assert_eq!(f[2], (20 + r as u16, 370, f[2].2, r));
    }
}

#[test]
fn exact_multiple_of_fragment_size() {
    let spec = DatagramSpec {
        payload: vec![1; 3 * 1480 - 8],
        ..Default::default()
    };
    let f = ip_fields(
        &wire_frames(&spec.frame(), 1500, UdpCheck::Compute).unwrap(),
        14,
    );
    let sizes: Vec<_> = f.iter().map(|x| (x.1, x.3)).collect();
    assert_eq!(
        sizes,
        vec![(0x2000, 1480), (0x2000 | 185, 1480), (370, 1480)]
    );
}

#[test]
fn zero_length_payload_is_one_frame_with_checksum() {
    let spec = DatagramSpec::default();
    let frames = wire_frames(
        &spec.with_csum(UdpCsum::None).frame(),
        1500,
        UdpCheck::Compute,
    )
    .unwrap();
    assert_eq!(frames, vec![spec.frame()]);
    // Even at the smallest IPv4 MTU.
    assert_eq!(
        wire_frames(&spec.frame(), 68, UdpCheck::Compute)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn largest_datagram() {
    let spec = DatagramSpec {
        payload: (0..65535 - 28).map(|i| i as u8).collect(),
        ..Default::default()
    };
    let frame = spec.frame();
    assert_eq!(be16(&frame, 16), 65535);
    let frames = wire_frames(&frame, 1500, UdpCheck::Compute).unwrap();
    // 65515 = 44 * 1480 + 395.
    assert_eq!(frames.len(), 45);
    let f = ip_fields(&frames, 14);
    for (i, x) in f.iter().enumerate().take(44) {
        assert_eq!((x.1, x.3), (0x2000 | (i as u16 * 185), 1480));
    }
    assert_eq!((f[44].1, f[44].3), (44 * 185, 395));
    assert_eq!(44 * 185, 8140);
}

#[test]
fn checksum_zero_is_sent_as_ffff() {
    // Choose the last payload word so that the full sum is 0xFFFF (checksum 0).
    let mut spec = DatagramSpec {
        payload: (0..3000u32).map(|i| (i * 13) as u8).collect(),
        ..Default::default()
    };
    let n = spec.payload.len();
    spec.payload[n - 2..].fill(0);
    let f = spec.with_csum(UdpCsum::Seed).frame();
    // The seed (pseudo-header sum) is in the check field; sum it with the rest.
    let partial = ones_sum(&f[34..]);
    let w = 0xFFFF - partial;
    spec.payload[n - 2..].copy_from_slice(&w.to_be_bytes());
    let f = spec.with_csum(UdpCsum::Seed).frame();
    assert_eq!(ones_sum(&f[34..]), 0xFFFF, "the complemented sum is 0");
    let frames = wire_frames(&f, 1500, UdpCheck::Compute).unwrap();
    assert_eq!(frames.len(), 3);
    assert_eq!(be16(&frames[0], 40), 0xFFFF);
    // Zero sends 0.
    let none = wire_frames(&f, 1500, UdpCheck::Zero).unwrap();
    assert_eq!(be16(&none[0], 40), 0);
    assert_eq!(none[1..], frames[1..]);
}

#[test]
fn options_in_later_fragments_become_noops() {
    // Router Alert (copied) + Record Route len 7 (not copied) + NOOP: 12 bytes, IHL 8.
    let opts = vec![0x94, 4, 0, 0, 0x07, 7, 4, 0, 0, 0, 0, 0x01];
    let spec = DatagramSpec {
        ip_options: opts.clone(),
        payload: vec![9; 5000],
        ..Default::default()
    };
    let frames = wire_frames(&spec.frame(), 1500, UdpCheck::Compute).unwrap();
    assert_eq!(frames.len(), 4);
    assert_eq!(
        frames[0][34..46],
        opts[..],
        "first fragment keeps every option"
    );
    for f in &frames[1..] {
        assert_eq!(f[14], 0x48, "IHL unchanged");
        assert_eq!(f[34..46], [0x94, 4, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    }
    for f in &frames {
        assert_eq!(ones_sum(&f[14..46]), 0xFFFF, "header checksum valid");
    }
    // Data space 1500 - 32 = 1468 -> 1464 per non-last fragment.
    let f = ip_fields(&frames, 14);
    assert_eq!(
        f.iter().map(|x| x.3).collect::<Vec<_>>(),
        vec![1464, 1464, 1464, 5008 - 3 * 1464]
    );
}

#[test]
fn vlan_tags_are_copied() {
    let spec = DatagramSpec {
        vlan: vec![0x0064, 0x20c8],
        payload: vec![3; 3000],
        ..Default::default()
    };
    let full = spec.frame();
    let frames = wire_frames(&full, 1500, UdpCheck::Compute).unwrap();
    assert_eq!(frames.len(), 3);
    for f in &frames {
        assert_eq!(f[..22], full[..22]);
    }
}

#[test]
fn input_that_is_already_a_fragment() {
    // A middle fragment (offset 1480, MF) refragmented at MTU 576: offsets continue from 1480,
    // MF stays on the last piece, and options are never rewritten (offset != 0).
    let spec = DatagramSpec {
        ip_options: vec![0x07, 3, 0, 0x01],
        payload: vec![7; 1000],
        udp_csum: UdpCsum::None,
        ..Default::default()
    };
    let mut f = spec.frame();
    f[20..22].copy_from_slice(&(0x2000u16 | 185).to_be_bytes());
    assert_eq!(
        wire_frames(&f, 576, UdpCheck::Compute),
        Err(GoldenError::ChecksumOfFragment(0x2000 | 185))
    );
    let frames = wire_frames(&f, 576, UdpCheck::Zero).unwrap();
    let x = ip_fields(&frames, 14);
    // data space 552 -> 552, 456 (1008 total)
    assert_eq!(x[0].1, 0x2000 | 185);
    assert_eq!(x[0].3, 552);
    assert_eq!(x[1].1, 0x2000 | (185 + 69));
    assert_eq!(x[1].3, 456);
    assert_eq!(frames[1][34..38], [0x07, 3, 0, 0x01], "options untouched");
}

#[test]
fn bad_input_names_the_field() {
    let good = DatagramSpec {
        payload: vec![0; 100],
        ..Default::default()
    }
    .frame();
    let mut f = good.clone();
    f[12..14].copy_from_slice(&[0x86, 0xdd]);
    assert_eq!(
        wire_frames(&f, 1500, UdpCheck::Compute),
        Err(GoldenError::NotIpv4(0x86dd))
    );
    assert!(matches!(
        wire_frames(&good[..30], 1500, UdpCheck::Compute),
        Err(GoldenError::Truncated {
            field: "IPv4 header",
            ..
        })
    ));
    let mut f = good.clone();
    f.push(0); // Ethernet padding beyond the total length
    assert_eq!(
        wire_frames(&f, 1500, UdpCheck::Compute),
        Err(GoldenError::TotalLength {
            tot_len: 128,
            available: 129
        })
    );
    let mut f = good.clone();
    f[23] = 6;
    assert_eq!(
        wire_frames(&f, 1500, UdpCheck::Compute),
        Err(GoldenError::NotUdp(6))
    );
    let mut f = good.clone();
    f[14] = 0x44;
    assert_eq!(
        wire_frames(&f, 1500, UdpCheck::Compute),
        Err(GoldenError::Ihl(4))
    );
    let mut f = good.clone();
    f[38..40].copy_from_slice(&99u16.to_be_bytes());
    assert_eq!(
        wire_frames(&f, 1500, UdpCheck::Compute),
        Err(GoldenError::UdpLength {
            udp_len: 99,
            ip_payload: 108
        })
    );
    assert_eq!(
        wire_frames(&good, 27, UdpCheck::Compute),
        Err(GoldenError::MtuTooSmall { mtu: 27, hlen: 20 })
    );
    let e = wire_frames(&good[..30], 1500, UdpCheck::Compute).unwrap_err();
    assert!(e.to_string().contains("IPv4 header"), "{e}");
}

/// The engine's rule with `ufo_size` in place of `mtu - hlen` (the architecture's contract):
/// IP payload bytes per fragment.
fn engine_rule_sizes(ip_payload: usize, ufo_size: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut left = ip_payload;
    while left > 0 {
        let mut len = left.min(ufo_size);
        if len < left {
            len &= !7;
        }
        out.push(len);
        left -= len;
    }
    out
}

/// The MTUs the cross-checks use: common ones and random ones.
fn pick_mtu(rng: &mut impl Rng) -> u32 {
    match rng.gen_range(0..6) {
        0 => 1500,
        1 => 576,
        2 => 1280,
        3 => 9000,
        4 => 68,
        _ => rng.gen_range(68..=9216),
    }
}

#[test]
fn skb_ufo_size_reproduces_the_golden_fragment_sizes() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
    for _ in 0..300 {
        let mtu = pick_mtu(&mut rng);
        let cfg = GenConfig {
            mtu,
            ip_options: true,
            max_vlan_tags: 2,
            ..Default::default()
        };
        let spec = random_datagram(&mut rng, &cfg);
        let skb = from_datagram_ufo(&spec, mtu, FragLayout::SeedPages).unwrap();
        let frames = wire_frames(&spec.frame(), mtu, UdpCheck::Compute).unwrap();
        let l3 = spec.l3_offset();
        let golden: Vec<usize> = ip_fields(&frames, l3).iter().map(|x| x.3).collect();
        let engine = engine_rule_sizes(spec.udp_len(), usize::from(skb.ufo_size));
        assert_eq!(golden, engine, "mtu {mtu} spec len {}", spec.udp_len());
    }
}

/// Independent check: etherparse parses every golden frame, verifies the IPv4 header checksum,
/// reassembles the fragments, and the result is the original datagram with a UDP checksum that
/// etherparse computes itself.
#[test]
fn etherparse_reassembles_the_golden_fragments() {
    let mut rng = ChaCha8Rng::seed_from_u64(0xe7e7);
    let mut fragmented = 0;
    for i in 0..400 {
        let mtu = pick_mtu(&mut rng);
        let cfg = GenConfig {
            mtu,
            ip_options: true,
            max_vlan_tags: 2,
            df_probability: 0.3,
            ..Default::default()
        };
        let spec = random_datagram(&mut rng, &cfg);
        let csum = if rng.gen_bool(0.8) {
            UdpCheck::Compute
        } else {
            UdpCheck::Zero
        };
        let frames = wire_frames(&spec.with_csum(UdpCsum::Seed).frame(), mtu, csum).unwrap();
        let ctx = format!(
            "case {i}: mtu {mtu} udp_len {} frames {}",
            spec.udp_len(),
            frames.len()
        );

        let mut pool: IpDefragPool = IpDefragPool::new();
        let mut datagram = None;
        let mut next_offset = 0usize;
        for (k, f) in frames.iter().enumerate() {
            let p = SlicedPacket::from_ethernet(f).unwrap_or_else(|e| panic!("{ctx}: {e:?}"));
            let Some(NetSlice::Ipv4(ip)) = &p.net else {
                panic!("{ctx}: not IPv4")
            };
            let h = ip.header();
            let hdr = h.to_header();
            assert_eq!(hdr.header_checksum, hdr.calc_header_checksum(), "{ctx}");
            assert!(usize::from(h.total_len()) <= mtu as usize, "{ctx}");
            assert_eq!(h.identification(), spec.ip_id, "{ctx}");
            assert_eq!(h.source(), spec.src_ip, "{ctx}");
            assert_eq!(h.destination(), spec.dst_ip, "{ctx}");
            assert_eq!(h.ttl(), spec.ttl, "{ctx}");
            assert_eq!(usize::from(h.ihl()) * 4, spec.ip_header_len(), "{ctx}");
            if frames.len() > 1 {
                assert!(!h.dont_fragment(), "{ctx}: DF cleared in fragments");
                assert_eq!(h.more_fragments(), k + 1 < frames.len(), "{ctx}");
                assert_eq!(
                    usize::from(h.fragments_offset().byte_offset()),
                    next_offset,
                    "{ctx}: ascending, contiguous"
                );
                let len = ip.payload().payload.len();
                if k + 1 < frames.len() {
                    assert_eq!(len % 8, 0, "{ctx}");
                }
                next_offset += len;
                if let Some(d) = pool
                    .process_sliced_packet(&p, (), ())
                    .unwrap_or_else(|e| panic!("{ctx}: {e:?}"))
                {
                    datagram = Some(d.payload);
                }
            } else {
                assert_eq!(h.dont_fragment(), spec.df, "{ctx}: unfragmented keeps DF");
                datagram = Some(ip.payload().payload.to_vec());
            }
        }
        fragmented += usize::from(frames.len() > 1);
        let datagram = datagram.unwrap_or_else(|| panic!("{ctx}: not reassembled"));
        let original = spec.frame();
        let l4 = spec.l4_offset();
        assert_eq!(datagram.len(), spec.udp_len(), "{ctx}");
        assert_eq!(datagram[..6], original[l4..l4 + 6], "{ctx}: ports, length");
        assert_eq!(datagram[8..], original[l4 + 8..], "{ctx}: payload");
        let (udp, payload) = UdpHeader::from_slice(&datagram).unwrap();
        match csum {
            UdpCheck::Zero => assert_eq!(udp.checksum, 0, "{ctx}"),
            _ => assert_eq!(
                udp.checksum,
                udp.calc_checksum_ipv4_raw(spec.src_ip, spec.dst_ip, payload)
                    .unwrap(),
                "{ctx}"
            ),
        }
    }
    assert!(fragmented > 200, "only {fragmented} fragmented cases");
}
