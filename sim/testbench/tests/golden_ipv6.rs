//! The golden model's IPv6 fragmentation, plain checksum offload and VLAN insertion against
//! hand-derived numbers, and the whole random mix against etherparse's reassembly.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ufo_driver::checksum::ones_sum;
use ufo_driver::gen::{random_packet, MixConfig, MixWeights};
use ufo_driver::packet::{
    DatagramSpec, Ipv6DatagramSpec, Ipv6ExtHeader, Ipv6ExtKind, PacketSpec, PlainCsum, PlainL3,
    PlainSpec, TxPacket, UdpCsum,
};
use ufo_driver::skb::CsumOffload;
use ufo_driver::skb_build::FragLayout;
use ufo_golden::{
    ip6_find_1stfragopt, mtu_for_ufo_size, wire_frames, wire_output, CsumRequest, GoldenError,
    GoldenRequest, UdpCheck,
};
use ufo_testbench::reassemble::{reassemble, L4Checksum, ReassembleOptions, ReassembledNet};

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn v6(payload_len: usize, ext: Vec<Ipv6ExtHeader>) -> Ipv6DatagramSpec {
    Ipv6DatagramSpec {
        ext_headers: ext,
        payload: (0..payload_len as u32)
            .map(|i| (i * 13 + 5) as u8)
            .collect(),
        ..Default::default()
    }
}

fn ufo6(spec: &Ipv6DatagramSpec, mtu: u32, id: u32) -> TxPacket {
    TxPacket {
        spec: PacketSpec::Udp6(spec.clone()),
        ufo_mtu: Some(mtu),
        ip6_frag_id: id,
        vlan_insert: None,
        uso_gso_size: None,
    }
}

/// (payload length, next header, Fragment header next header, offset word, identification,
/// data bytes after the Fragment header) of each fragment, the Fragment header at `fh`.
fn frag_fields(frames: &[Vec<u8>], fh: usize) -> Vec<(u16, u8, u8, u16, u32, usize)> {
    frames
        .iter()
        .map(|f| {
            (
                be16(f, 18),
                f[20],
                f[fh],
                be16(f, fh + 2),
                be32(f, fh + 4),
                f.len() - fh - 8,
            )
        })
        .collect()
}

#[test]
fn ipv6_4000_bytes_at_1500_without_extension_headers() {
    // UDP length 4008; packet 40 + 4008 = 4048 > 1500. hlen 40 (no extension headers).
    // ip6_fragment: mtu -= 40 + 8 -> 1452 per fragment; non-last 1452 & ~7 = 1448.
    // left 4008: 1448 (left 2560), 1448 (left 1112), 1112.
    // Offsets 0, 1448 = 0x05a8, 2896 = 0x0b50; M on the first two: 0x0001, 0x05a9, 0x0b50.
    // Payload lengths 8 + 1448 = 1456, 1456, 8 + 1112 = 1120.
    let spec = v6(4000, vec![]);
    let tx = ufo6(&spec, 1500, 0xdead_beef);
    let frames = tx.golden().unwrap();
    // Fragment header right after the fixed header: 14 + 40.
    assert_eq!(
        frag_fields(&frames, 54),
        vec![
            (1456, 44, 17, 0x0001, 0xdead_beef, 1448),
            (1456, 44, 17, 0x05a9, 0xdead_beef, 1448),
            (1120, 44, 17, 0x0b50, 0xdead_beef, 1112),
        ]
    );
    let full = spec.frame();
    for f in &frames {
        assert_eq!(f[..18], full[..18], "Ethernet, version/class/flow copied");
        assert_eq!(f[21..54], full[21..54], "hop limit and addresses copied");
        assert_eq!(f[55], 0, "reserved");
        assert!(f.len() - 14 <= 1500);
    }
    assert_eq!(&frames[0][54..62], &[17, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef]);
    // Data: the UDP datagram (with the software checksum) cut at 1448 and 2896.
    let udp = &full[54..];
    assert_eq!(frames[0][62..], udp[..1448]);
    assert_eq!(frames[1][62..], udp[1448..2896]);
    assert_eq!(frames[2][62..], udp[2896..]);
    // The skb: ufo_size = 1500 - 40 - 8 = 1452, csum at the UDP header (54), id carried.
    let skb = tx.skb(FragLayout::SeedPages).unwrap();
    assert_eq!(skb.ufo_size, 1452);
    assert_eq!(skb.ip6_frag_id, 0xdead_beef);
    assert_eq!(
        skb.csum,
        Some(CsumOffload {
            start: 54,
            offset: 6
        })
    );
    assert_eq!(
        mtu_for_ufo_size(&skb.to_bytes(), skb.ufo_size).unwrap(),
        1500
    );
}

#[test]
fn ipv6_4000_bytes_at_1500_with_extension_headers() {
    // Hop-by-Hop (8) + Routing type 2 with one address (24) + Destination Options (8) after the
    // Routing header. ip6_find_1stfragopt: HBH skipped, Routing skipped (found_rhdr), Dest
    // after Routing returned: hlen = 40 + 8 + 24 = 72, prevhdr = the Routing header's
    // next-header byte (packet offset 48), which held 60 and becomes 44.
    // Fragmentable part: Dest (8) + UDP 4008 = 4016. mtu -= 72 + 8 -> 1420; non-last 1416.
    // left 4016: 1416 (2600), 1416 (1184), 1184. Offsets 0, 1416 = 0x0588, 2832 = 0x0b10.
    // Payload lengths: 32 (unfragmentable extension bytes) + 8 + data = 1456, 1456, 1224.
    let home = [
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99,
    ];
    let spec = Ipv6DatagramSpec {
        final_dst: Some(home),
        ..v6(
            4000,
            vec![
                Ipv6ExtHeader::options(Ipv6ExtKind::HopByHop, &[5, 2, 0, 0]),
                Ipv6ExtHeader::routing(2, 1, &[home]),
                Ipv6ExtHeader::options(Ipv6ExtKind::DestOptions, &[]),
            ],
        )
    };
    assert_eq!(spec.unfragmentable_len(), 72);
    let tx = ufo6(&spec, 1500, 7);
    let frames = tx.golden().unwrap();
    // Fragment header at 14 + 72 = 86.
    assert_eq!(
        frag_fields(&frames, 86),
        vec![
            (1456, 0, 60, 0x0001, 7, 1416),
            (1456, 0, 60, 0x0589, 7, 1416),
            (1224, 0, 60, 0x0b10, 7, 1184),
        ]
    );
    let full = spec.frame();
    assert_eq!(full[54], 43, "Hop-by-Hop names Routing");
    assert_eq!(
        full[62], 60,
        "Routing names Destination Options before fragmenting"
    );
    for f in &frames {
        assert_eq!(f[54], 43, "Hop-by-Hop next header untouched");
        assert_eq!(f[62], 44, "Routing header now names the Fragment header");
        assert_eq!(f[55..62], full[55..62]);
        assert_eq!(f[63..86], full[63..86], "rest of the Routing header copied");
    }
    // Fragment 0 starts with the Destination Options header, then UDP.
    assert_eq!(frames[0][94..102], full[86..94]);
    let fragmentable = &full[86..];
    assert_eq!(frames[0][94..], fragmentable[..1416]);
    assert_eq!(frames[1][94..], fragmentable[1416..2832]);
    assert_eq!(frames[2][94..], fragmentable[2832..]);
    let skb = tx.skb(FragLayout::Linear).unwrap();
    assert_eq!(skb.ufo_size, 1500 - 72 - 8);
    assert_eq!(skb.csum.unwrap().start as usize, spec.l4_offset());
    // The UDP checksum uses the final destination (the home address) — etherparse agrees.
    let r = reassemble(
        &frames,
        &ReassembleOptions {
            ipv6_pseudo_dst: Some(home),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(matches!(r.l4_checksum, L4Checksum::Valid(_)), "{r:?}");
    r.check_against_sent(&spec.frame()).unwrap();
}

#[test]
fn find_1stfragopt_cases() {
    let pkt = |ext: Vec<Ipv6ExtHeader>| {
        let s = v6(10, ext);
        s.frame()[14..].to_vec()
    };
    let h = || Ipv6ExtHeader::options(Ipv6ExtKind::HopByHop, &[]);
    let d = || Ipv6ExtHeader::options(Ipv6ExtKind::DestOptions, &[]);
    let r = || Ipv6ExtHeader::routing(0, 1, &[[1; 16]]);
    // (headers, hlen, prevhdr)
    let cases: Vec<(Vec<Ipv6ExtHeader>, usize, usize)> = vec![
        (vec![], 40, 6),
        (vec![h()], 48, 40),
        // Destination Options without a Routing header: unfragmentable in Linux.
        (vec![d()], 48, 40),
        (vec![h(), d()], 56, 48),
        // After a Routing header: the first fragmentable header.
        (vec![r(), d()], 64, 40),
        (vec![h(), r(), d()], 72, 48),
        // Before the Routing header: unfragmentable.
        (vec![d(), r()], 72, 48),
        (vec![d(), r(), d()], 72, 48),
        (vec![h(), d(), r(), d()], 80, 56),
    ];
    for (ext, hlen, prev) in cases {
        let kinds: Vec<_> = ext.iter().map(|e| e.kind).collect();
        let p = pkt(ext.clone());
        assert_eq!(ip6_find_1stfragopt(&p), Ok((hlen, prev)), "{kinds:?}");
        assert_eq!(v6(10, ext).unfragmentable_len(), hlen, "{kinds:?}");
    }
    // A header whose length runs past the packet: the next one cannot be read.
    let mut p = pkt(vec![h()]);
    p[41] = 200;
    assert_eq!(
        ip6_find_1stfragopt(&p),
        Err(GoldenError::ExtChain {
            offset: 40 + 201 * 8
        })
    );
    // The chain's last header ends exactly where the packet ends: no room for its successor.
    let mut p = pkt(vec![h()]);
    p.truncate(48);
    p[40] = 0; // names another Hop-by-Hop header
    assert_eq!(
        ip6_find_1stfragopt(&p),
        Err(GoldenError::ExtChain { offset: 48 })
    );
}

#[test]
fn ipv6_largest_payload() {
    // Payload length 65535: UDP length 65535, payload 65527. 1448 per fragment at 1500:
    // 65535 = 45 * 1448 + 375: 46 fragments, the last at offset 65160 = 0xfe88.
    let spec = v6(65535 - 8, vec![]);
    let frame = spec.frame();
    assert_eq!(be16(&frame, 18), 65535);
    let frames = ufo6(&spec, 1500, 1).golden().unwrap();
    assert_eq!(frames.len(), 46);
    for (i, f) in frames.iter().enumerate().take(45) {
        assert_eq!(be16(f, 56), (i as u16 * 1448) | 1);
        assert_eq!(f.len(), 14 + 40 + 8 + 1448);
    }
    assert_eq!(be16(&frames[45], 56), 0xfe88);
    assert_eq!(frames[45].len(), 14 + 48 + 375);
    assert_eq!(be16(&frames[45], 18), 8 + 375);
    // One byte more does not build.
    assert!(v6(65535 - 7, vec![]).try_frame().is_err());
    let r = reassemble(&frames, &ReassembleOptions::default()).unwrap();
    assert_eq!(r.ip_payload.len(), 65535);
    assert!(matches!(r.l4_checksum, L4Checksum::Valid(_)));
}

#[test]
fn ipv6_that_fits_goes_out_unchanged() {
    // Packet 40 + 8 + 1452 = 1500: fits, no Fragment header, checksum completed.
    let spec = v6(1452, vec![]);
    let tx = ufo6(&spec, 1500, 99);
    let frames = tx.golden().unwrap();
    assert_eq!(frames, vec![spec.frame()]);
    // One byte more (UDP length 1461): two fragments, 1448 and 13.
    let spec = v6(1453, vec![]);
    let frames = ufo6(&spec, 1500, 99).golden().unwrap();
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].len() - 62, 1448);
    assert_eq!(frames[1].len() - 62, 1461 - 1448);
}

#[test]
fn ipv6_last_fragment_of_1_to_7_bytes_and_exact_multiples() {
    // MTU 1496: 1496 - 40 - 8 = 1448, a multiple of 8, so the last fragment is never merged.
    for r in 0..=7usize {
        let spec = v6(2 * 1448 + r - 8, vec![]);
        let frames = ufo6(&spec, 1496, 5).golden().unwrap();
        let sizes: Vec<usize> = frames.iter().map(|f| f.len() - 62).collect();
        if r == 0 {
            assert_eq!(sizes, vec![1448, 1448], "r {r}: exact multiple");
            assert_eq!(be16(&frames[1], 56), 1448, "last: offset, no M");
        } else {
            assert_eq!(sizes, vec![1448, 1448, r], "r {r}");
            assert_eq!(be16(&frames[2], 56), 2896, "last: offset, no M");
        }
    }
    // MTU 1500: room for 1452, non-last fragments 1448. A rest of up to 4 bytes rides on the
    // second fragment (left 1452 <= 1452 is not rounded), 5 bytes need a third.
    let sizes = |r: usize| -> Vec<usize> {
        ufo6(&v6(2 * 1448 + r - 8, vec![]), 1500, 5)
            .golden()
            .unwrap()
            .iter()
            .map(|f| f.len() - 62)
            .collect()
    };
    assert_eq!(sizes(4), vec![1448, 1452]);
    assert_eq!(sizes(5), vec![1448, 1448, 5]);
}

#[test]
fn ipv6_zero_checksum_is_sent_as_ffff_and_none_is_kept() {
    // Choose the first two payload bytes so that the full sum is 0xFFFF.
    let mut spec = v6(3000, vec![]);
    spec.payload[0] = 0;
    spec.payload[1] = 0;
    let seed_frame = spec.with_csum(UdpCsum::Seed).frame();
    let w = 0xFFFF - ones_sum(&seed_frame[54..]);
    spec.payload[..2].copy_from_slice(&w.to_be_bytes());
    let seeded = spec.with_csum(UdpCsum::Seed).frame();
    assert_eq!(ones_sum(&seeded[54..]), 0xFFFF);
    let frames = ufo6(&spec, 1500, 3).golden().unwrap();
    assert_eq!(be16(&frames[0], 62 + 6), 0xFFFF);
    assert_eq!(be16(&spec.frame(), 54 + 6), 0xFFFF, "udp_v6_send_skb too");
    // UDP_NO_CHECK6_TX: 0 left, no request.
    let none = ufo6(&spec.with_csum(UdpCsum::None), 1500, 3);
    assert_eq!(none.csum_request(), None);
    let frames = none.golden().unwrap();
    assert_eq!(be16(&frames[0], 62 + 6), 0);
}

#[test]
fn ipv6_errors_name_the_field() {
    let spec = v6(3000, vec![]);
    let frame = spec.frame();
    let req = GoldenRequest {
        ufo_mtu: Some(1500),
        ..Default::default()
    };
    let mut f = frame.clone();
    f.push(0);
    assert!(matches!(
        wire_output(&f, &req),
        Err(GoldenError::PayloadLength { .. })
    ));
    let mut f = frame.clone();
    f[20] = 6; // TCP
    assert_eq!(wire_output(&f, &req), Err(GoldenError::Ipv6NotUdp(6)));
    let mut f = frame.clone();
    f[14] = 0x40;
    assert_eq!(wire_output(&f, &req), Err(GoldenError::Ipv6Version(4)));
    // 40 + 8 + 8 = 56 is the smallest MTU that fragments.
    assert_eq!(
        wire_output(
            &frame,
            &GoldenRequest {
                ufo_mtu: Some(55),
                ..Default::default()
            }
        ),
        Err(GoldenError::Ipv6MtuTooSmall { mtu: 55, hlen: 40 })
    );
    assert_eq!(
        wire_output(
            &frame,
            &GoldenRequest {
                ufo_mtu: Some(56),
                ..Default::default()
            }
        )
        .unwrap()
        .len(),
        3008 / 8
    );
}

#[test]
fn plain_checksum_at_an_odd_start() {
    // Non-IP frame, EtherType 0x88b5, 10 payload bytes at frame offsets 14..24:
    //   aa 12 34 [00 01] 56 78 9a bc de  with csum_start 15, csum_offset 2 (field at 17..19).
    // Pairs from byte 15: 0x1234 + 0x0001 + 0x5678 + 0x9abc + 0xde00 = 0x1e169 -> 0xe16a;
    // complement 0x1e95.
    let spec = PlainSpec {
        dst_mac: [2, 0, 0, 0, 0, 2],
        src_mac: [2, 0, 0, 0, 0, 1],
        vlan: vec![],
        l3: PlainL3::Raw { ethertype: 0x88b5 },
        payload: vec![0xaa, 0x12, 0x34, 0, 0, 0x56, 0x78, 0x9a, 0xbc, 0xde],
        csum: PlainCsum::Raw {
            start: 15,
            offset: 2,
            seed: 0x0001,
        },
    };
    let tx = TxPacket::plain(PacketSpec::Plain(spec.clone()));
    let frames = tx.golden().unwrap();
    assert_eq!(frames.len(), 1);
    assert_eq!(be16(&frames[0], 17), 0x1e95);
    let mut expect = spec.frame();
    expect[17..19].copy_from_slice(&[0x1e, 0x95]);
    assert_eq!(frames[0], expect);
    // The skb carries the request and keeps the field in the head.
    let skb = tx.skb(FragLayout::Random { seed: 4 }).unwrap();
    assert_eq!(
        skb.csum,
        Some(CsumOffload {
            start: 15,
            offset: 2
        })
    );
    assert!(skb.head.len() >= 19);
    assert_eq!(skb.ufo_size, 0);
}

#[test]
fn plain_checksum_zero_becomes_ffff_for_any_protocol() {
    // skb_checksum_help: csum_fold(csum) ?: CSUM_MANGLED_0, whatever the protocol.
    // TCP over IPv4: choose the last two data bytes so that the sum from the TCP header
    // (seed included) is 0xFFFF.
    // TCP header (20) + 101 data bytes: 121 from the TCP header at 34. Zero two bytes at an
    // even distance from it (118), then put there the value that makes the sum 0xFFFF.
    let mut spec = PlainSpec::tcp_ipv4_partial([10, 0, 0, 1], [10, 0, 0, 2], 0x18, &[7; 101]);
    let n = spec.payload.len();
    assert_eq!(n, 121);
    spec.payload[118..120].fill(0);
    let w = 0xFFFF - ones_sum(&spec.frame()[34..]);
    spec.payload[118..120].copy_from_slice(&w.to_be_bytes());
    assert_eq!(
        ones_sum(&spec.frame()[34..]),
        0xFFFF,
        "the complemented sum is 0"
    );
    let frames = TxPacket::plain(PacketSpec::Plain(spec.clone()))
        .golden()
        .unwrap();
    assert_eq!(be16(&frames[0], 34 + 16), 0xFFFF);
    // Without a request the packet passes unchanged.
    let pass = PlainSpec {
        csum: PlainCsum::None,
        ..spec
    };
    let frame = pass.frame();
    assert_eq!(
        TxPacket::plain(PacketSpec::Plain(pass)).golden().unwrap(),
        vec![frame]
    );
}

#[test]
fn plain_checksum_request_outside_the_frame_is_refused() {
    let frame = vec![0u8; 60];
    let req = |start, offset| GoldenRequest {
        csum: Some(CsumRequest { start, offset }),
        ..Default::default()
    };
    assert!(wire_output(&frame, &req(58, 0)).is_ok());
    assert_eq!(
        wire_output(&frame, &req(59, 0)),
        Err(GoldenError::CsumOutside {
            start: 59,
            offset: 0,
            len: 60
        })
    );
    assert!(matches!(
        wire_output(&frame, &req(60, 0)),
        Err(GoldenError::CsumOutside { .. })
    ));
    assert_eq!(
        wire_output(
            &frame,
            &GoldenRequest {
                vlan_insert: Some(1),
                ..req(11, 0)
            }
        ),
        Err(GoldenError::CsumStartBeforeTag(11))
    );
}

#[test]
fn vlan_tag_is_inserted_in_every_fragment() {
    let tag = [0x81, 0x00, 0x20, 0x64];
    // IPv4 with a tag already in the frame: the inserted one goes first (after the MACs).
    let v4 = DatagramSpec {
        vlan: vec![0x0005],
        payload: vec![3; 5000],
        ..Default::default()
    };
    let plain = wire_frames(&v4.frame(), 1500, UdpCheck::Compute).unwrap();
    let tx = TxPacket {
        spec: PacketSpec::Udp4(v4.clone()),
        ufo_mtu: Some(1500),
        ip6_frag_id: 0,
        vlan_insert: Some(0x2064),
        uso_gso_size: None,
    };
    let tagged = tx.golden().unwrap();
    assert_eq!(tagged.len(), 4);
    for (t, p) in tagged.iter().zip(&plain) {
        assert_eq!(t[..12], p[..12]);
        assert_eq!(t[12..16], tag);
        assert_eq!(t[16..], p[12..], "the rest is the untagged fragment");
    }
    // IPv6 with extension headers.
    let spec = v6(
        4000,
        vec![Ipv6ExtHeader::options(Ipv6ExtKind::HopByHop, &[])],
    );
    let untagged = ufo6(&spec, 1280, 11).golden().unwrap();
    let mut tx = ufo6(&spec, 1280, 11);
    tx.vlan_insert = Some(0x2064);
    let tagged = tx.golden().unwrap();
    assert_eq!(tagged.len(), untagged.len());
    for (t, p) in tagged.iter().zip(&untagged) {
        assert_eq!(t[12..16], tag);
        assert_eq!([&t[..12], &t[16..]].concat(), *p);
    }
    // A plain packet with a checksum request: the checksum is the untagged one's.
    let mut p = TxPacket::plain(PacketSpec::Plain(PlainSpec::tcp_ipv4_partial(
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        0x10,
        b"hello",
    )));
    let untagged = p.golden().unwrap();
    p.vlan_insert = Some(7);
    let tagged = p.golden().unwrap();
    assert_eq!(tagged[0][12..16], [0x81, 0, 0, 7]);
    assert_eq!([&tagged[0][..12], &tagged[0][16..]].concat(), untagged[0]);
    let skb = p.skb(FragLayout::Linear).unwrap();
    assert_eq!(skb.vlan_insert, Some(7));
}

#[test]
fn s_vlan_tags_are_walked_and_short_frames_refused() {
    // An 802.1ad outer tag (0x88a8) in the frame: walked like 802.1Q, copied onto every
    // fragment, and the inserted 802.1Q tag goes in front of it.
    let v4 = DatagramSpec {
        vlan: vec![0x0064, 0x00c8],
        payload: vec![1; 3000],
        ..Default::default()
    };
    let mut frame = v4.frame();
    frame[12..14].copy_from_slice(&[0x88, 0xa8]);
    let req = GoldenRequest {
        ufo_mtu: Some(1500),
        vlan_insert: Some(3),
        ..Default::default()
    };
    let frames = wire_output(&frame, &req).unwrap();
    assert_eq!(frames.len(), 3);
    for f in &frames {
        assert_eq!(f[12..20], [0x81, 0x00, 0, 3, 0x88, 0xa8, 0x00, 0x64]);
    }
    let r = reassemble(
        &frames,
        &ReassembleOptions {
            inserted_vlan: Some(3),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.ip_payload.len(), 3008);
    // VLAN insertion needs an Ethernet header.
    assert!(matches!(
        wire_output(
            &[0u8; 13],
            &GoldenRequest {
                vlan_insert: Some(1),
                ..Default::default()
            }
        ),
        Err(GoldenError::Truncated { .. })
    ));
}

#[test]
fn new_entry_point_agrees_with_wire_frames_on_ipv4() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x1b4);
    for _ in 0..200 {
        let mtu = [68, 576, 1500, 9000][rng.gen_range(0..4)];
        let cfg = ufo_driver::gen::GenConfig {
            mtu,
            ip_options: true,
            max_vlan_tags: 2,
            df_probability: 0.3,
            ..Default::default()
        };
        let spec = ufo_driver::gen::random_datagram(&mut rng, &cfg);
        for csum in [UdpCsum::Full, UdpCsum::Seed, UdpCsum::None] {
            let tx = TxPacket {
                spec: PacketSpec::Udp4(spec.with_csum(csum)),
                ufo_mtu: Some(mtu),
                ip6_frag_id: 0,
                vlan_insert: None,
                uso_gso_size: None,
            };
            let check = match csum {
                UdpCsum::None => UdpCheck::Zero,
                _ => UdpCheck::Compute,
            };
            let old = wire_frames(&spec.frame(), mtu, check).unwrap();
            assert_eq!(tx.golden().unwrap(), old, "mtu {mtu} {csum:?}");
        }
    }
}

/// The engine's rule (architecture: `len = min(left, ufo_size)`, `&~7` unless last) applied to
/// the fragmentable length must give the golden fragment sizes, for the `ufo_size` the skb
/// builder chose.
#[test]
fn skb_ufo_size_reproduces_the_golden_ipv6_fragment_sizes() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x6f6);
    let cfg = MixConfig {
        weights: MixWeights {
            ufo_ipv4: 0,
            ufo_ipv6: 1,
            udp_plain: 0,
            csum_plain: 0,
            passthrough: 0,
            uso: 0,
        },
        mtus: vec![1280, 1500, 1501, 1503, 4000, 9000],
        vlan_insert_probability: 0.0,
        ..Default::default()
    };
    for i in 0..300 {
        let tx = random_packet(&mut rng, &cfg);
        let PacketSpec::Udp6(spec) = &tx.spec else {
            unreachable!()
        };
        let skb = tx.skb(FragLayout::SeedPages).unwrap();
        let frames = tx.golden().unwrap();
        let unfrag = spec.unfragmentable_len();
        let mut left = spec.packet_len() - unfrag;
        let mut engine = Vec::new();
        if spec.packet_len() > tx.ufo_mtu.unwrap() as usize {
            while left > 0 {
                let mut len = left.min(usize::from(skb.ufo_size));
                if len < left {
                    len &= !7;
                }
                engine.push(len);
                left -= len;
            }
        } else {
            engine.push(left);
        }
        let l3 = spec.l3_offset();
        let hdr = if frames.len() > 1 { unfrag + 8 } else { unfrag };
        let golden: Vec<usize> = frames.iter().map(|f| f.len() - l3 - hdr).collect();
        assert_eq!(golden, engine, "case {i}");
    }
}

/// Independent check over the whole random mix: etherparse reassembles the golden frames (the
/// inserted tag stripped) and verifies the UDP checksum; the result is the packet that was
/// sent.
#[test]
fn etherparse_reassembles_the_whole_mix() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x3e55);
    let cfg = MixConfig {
        mtus: vec![68, 576, 1280, 1500, 4000, 9000],
        ..Default::default()
    };
    let mut kinds = [0usize; 8];
    for i in 0..600 {
        let tx = random_packet(&mut rng, &cfg);
        let frames = tx.golden().unwrap_or_else(|e| panic!("case {i}: {e}"));
        let sent = tx.spec.frame();
        // Every frame of a UFO datagram fits the MTU (plus the inserted tag).
        if let Some(mtu) = tx.ufo_mtu {
            let l3 = tx.spec.l3_offset() + if tx.vlan_insert.is_some() { 4 } else { 0 };
            for f in &frames {
                assert!(
                    f.len() - l3 <= mtu as usize || frames.len() == 1,
                    "case {i}"
                );
            }
        }
        let opts = ReassembleOptions {
            inserted_vlan: tx.vlan_insert,
            ipv6_pseudo_dst: match &tx.spec {
                PacketSpec::Udp6(s) => s.final_dst,
                _ => None,
            },
        };
        match &tx.spec {
            PacketSpec::Udp4(_) | PacketSpec::Udp6(_) => {
                let r = reassemble(&frames, &opts)
                    .unwrap_or_else(|e| panic!("case {i} {:?}: {e}", tx.spec.udp_csum()));
                r.check_against_sent(&sent)
                    .unwrap_or_else(|e| panic!("case {i}: {e}"));
                match (tx.spec.udp_csum(), tx.ufo_mtu) {
                    (Some(UdpCsum::None), _) => assert_eq!(r.l4_checksum, L4Checksum::Zero),
                    _ => assert!(
                        matches!(r.l4_checksum, L4Checksum::Valid(_)),
                        "case {i}: {:?}",
                        r.l4_checksum
                    ),
                }
                if let (ReassembledNet::Ipv6 { frag_id, .. }, true) = (&r.net, frames.len() > 1) {
                    assert_eq!(*frag_id, Some(tx.ip6_frag_id), "case {i}");
                }
                let k = match (&tx.spec, frames.len() > 1) {
                    (PacketSpec::Udp4(_), true) => 0,
                    (PacketSpec::Udp4(_), false) => 1,
                    (PacketSpec::Udp6(_), true) => 2,
                    _ => 3,
                };
                kinds[k] += 1;
                if let PacketSpec::Udp6(s) = &tx.spec {
                    kinds[6] += usize::from(s.unfragmentable_len() < 40 + s.ext_len());
                }
            }
            PacketSpec::Plain(p) => {
                assert_eq!(frames.len(), 1, "case {i}");
                let f = match tx.vlan_insert {
                    Some(_) => [&frames[0][..12], &frames[0][16..]].concat(),
                    None => frames[0].clone(),
                };
                match p.csum_request() {
                    None => {
                        assert_eq!(f, sent, "case {i}: pass-through");
                        kinds[4] += 1;
                    }
                    Some(c) => {
                        // Only the field differs, and the sum from csum_start verifies.
                        let at = usize::from(c.start) + usize::from(c.offset);
                        assert_eq!(f[..at], sent[..at], "case {i}");
                        assert_eq!(f[at + 2..], sent[at + 2..], "case {i}");
                        // The field is the complemented sum from csum_start with the seed in
                        // place (0 -> 0xFFFF).
                        let expect = !ones_sum(&sent[usize::from(c.start)..]);
                        let expect = if expect == 0 { 0xFFFF } else { expect };
                        assert_eq!(be16(&f, at), expect, "case {i}");
                        kinds[5] += 1;
                        kinds[7] += usize::from(c.start % 2 == 1);
                    }
                }
            }
        }
        // And the skb of every packet builds, holds the same bytes, and its own offload
        // fields (ufo_size instead of the MTU) give the same golden frames.
        let skb = tx
            .skb(FragLayout::Random { seed: i })
            .unwrap_or_else(|e| panic!("case {i}: {e}"));
        assert_eq!(skb.to_bytes(), tx.skb_frame().unwrap(), "case {i}");
        assert_eq!(skb.golden().unwrap(), frames, "case {i}");
    }
    // ufo4 fragmented, ufo4/udp4 single, ufo6 fragmented, udp6 single, pass-through,
    // checksum offload, fragmentable IPv6 extension headers, odd csum_start.
    for (k, n) in kinds.iter().enumerate() {
        assert!(*n >= 5, "kind {k} seen only {n} times: {kinds:?}");
    }
}
