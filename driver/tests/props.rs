//! Property tests (proptest): the golden model's fragmentation invariants over generated
//! datagrams, and the descriptor/completion formats and the driver's completion reader over
//! arbitrary bytes. Shrunk counterexamples are printed as the datagram that broke the rule.

use proptest::prelude::*;
use ufo_driver::desc::{regs, Completion, TxDesc, CPL_BYTES, DESC_BYTES};
use ufo_driver::driver::{Driver, DriverConfig, Host, RegError};
use ufo_driver::packet::{
    DatagramSpec, Ipv6DatagramSpec, Ipv6ExtHeader, Ipv6ExtKind, PacketSpec, TxPacket, UdpCsum,
};

const CASES: u32 = 96;

/// Well-formed IPv4 options, padded with NOOPs to a multiple of 4 and at most 40 bytes.
fn ipv4_options() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(vec![0x01]),                            // NOOP
        Just(vec![0x94, 4, 0, 0]),                   // Router Alert: copied
        Just(vec![0x07, 7, 4, 0, 0, 0, 0]),          // Record Route: not copied
        Just([vec![0x82, 11], vec![0; 9]].concat()), // Security: copied
        Just(vec![0x1e, 2]),                         // experimental, not copied
    ];
    (proptest::collection::vec(piece, 0..5), any::<bool>()).prop_map(|(pieces, eol)| {
        let mut o: Vec<u8> = Vec::new();
        for p in pieces {
            if o.len() + p.len() <= 36 {
                o.extend(p);
            }
        }
        if eol {
            o.push(0x00);
        }
        while !o.len().is_multiple_of(4) {
            o.push(0x01);
        }
        o
    })
}

fn csum() -> impl Strategy<Value = UdpCsum> {
    prop_oneof![Just(UdpCsum::Full), Just(UdpCsum::None)]
}

fn payload(max: usize) -> impl Strategy<Value = Vec<u8>> {
    (0..=max, any::<u8>())
        .prop_map(|(n, k)| (0..n).map(|i| (i as u8).wrapping_mul(k | 1)).collect())
}

/// An IPv4 UFO datagram at an MTU from the IPv4 minimum up.
fn ipv4_ufo() -> impl Strategy<Value = TxPacket> {
    (
        payload(12_000),
        68u32..=9000,
        ipv4_options(),
        proptest::collection::vec(any::<u16>(), 0..=2),
        csum(),
        proptest::option::of(any::<u16>()),
    )
        .prop_map(
            |(payload, mtu, ip_options, vlan, udp_csum, vlan_insert)| TxPacket {
                spec: PacketSpec::Udp4(DatagramSpec {
                    dst_mac: [2, 0, 0, 0, 0, 2],
                    src_mac: [2, 0, 0, 0, 0, 1],
                    vlan,
                    src_ip: [192, 0, 2, 1],
                    dst_ip: [198, 51, 100, 7],
                    ip_id: 0x4242,
                    tos: 0,
                    ttl: 64,
                    df: false,
                    ip_options,
                    src_port: 40000,
                    dst_port: 9,
                    payload,
                    udp_csum,
                }),
                ufo_mtu: Some(mtu),
                ip6_frag_id: 0,
                vlan_insert,
                uso_gso_size: None,
            },
        )
}

/// An IPv6 UFO datagram with extension headers in the orders Linux emits, at an IPv6 MTU.
fn ipv6_ufo() -> impl Strategy<Value = TxPacket> {
    let ext = prop_oneof![
        Just(vec![]),
        Just(vec![Ipv6ExtKind::HopByHop]),
        Just(vec![Ipv6ExtKind::DestOptions]),
        Just(vec![Ipv6ExtKind::HopByHop, Ipv6ExtKind::Routing]),
        Just(vec![
            Ipv6ExtKind::HopByHop,
            Ipv6ExtKind::DestOptions,
            Ipv6ExtKind::Routing,
            Ipv6ExtKind::DestOptions
        ]),
    ];
    (
        payload(12_000),
        1280u32..=9000,
        ext,
        0usize..40,
        csum(),
        any::<u32>(),
    )
        .prop_map(|(payload, mtu, kinds, opt_len, udp_csum, id)| {
            let ext_headers: Vec<Ipv6ExtHeader> = kinds
                .iter()
                .map(|&k| match k {
                    Ipv6ExtKind::Routing => Ipv6ExtHeader::routing(0, 1, &[[0xfd; 16]]),
                    k => {
                        let tlv = if opt_len >= 2 {
                            [vec![0x1e, (opt_len - 2) as u8], vec![0xa5; opt_len - 2]].concat()
                        } else {
                            vec![]
                        };
                        Ipv6ExtHeader::options(k, &tlv)
                    }
                })
                .collect();
            TxPacket {
                spec: PacketSpec::Udp6(Ipv6DatagramSpec {
                    dst_mac: [2, 0, 0, 0, 0, 2],
                    src_mac: [2, 0, 0, 0, 0, 1],
                    vlan: vec![],
                    traffic_class: 0,
                    flow_label: 7,
                    hop_limit: 64,
                    src_ip: [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                    dst_ip: [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
                    final_dst: kinds.contains(&Ipv6ExtKind::Routing).then_some([0xfd; 16]),
                    ext_headers,
                    src_port: 40000,
                    dst_port: 9,
                    payload,
                    udp_csum,
                }),
                ufo_mtu: Some(mtu),
                ip6_frag_id: id,
                vlan_insert: None,
                uso_gso_size: None,
            }
        })
}

fn be16(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_be_bytes([b[at], b[at + 1]]))
}

/// One fragment as this test reads it, with its own header walk (no code of the golden model).
struct Fragment {
    /// IP packet length (what the MTU bounds).
    ip_len: usize,
    /// Fragment offset in bytes.
    offset: usize,
    /// More-fragments flag.
    more: bool,
    /// The fragment's data (the fragmentable part it carries).
    data: Vec<u8>,
}

/// The IP header offset after the Ethernet header and any 802.1Q/802.1ad tags.
fn l3(frame: &[u8]) -> (usize, usize) {
    let (mut et, mut at) = (be16(frame, 12), 14);
    while et == 0x8100 || et == 0x88a8 {
        et = be16(frame, at + 2);
        at += 4;
    }
    (et, at)
}

fn fragment(frame: &[u8], unfrag: usize) -> Fragment {
    let (et, l3) = l3(frame);
    if et == 0x0800 {
        let ihl = usize::from(frame[l3] & 0x0f) * 4;
        let tot = be16(frame, l3 + 2);
        let off = be16(frame, l3 + 6);
        return Fragment {
            ip_len: tot,
            offset: (off & 0x1fff) * 8,
            more: off & 0x2000 != 0,
            data: frame[l3 + ihl..l3 + tot].to_vec(),
        };
    }
    assert_eq!(et, 0x86dd, "IPv4 or IPv6");
    let end = l3 + 40 + be16(frame, l3 + 4);
    // the unfragmentable part, then a Fragment header (44) if fragmented
    let at = l3 + unfrag;
    let nh_at = if unfrag == 40 {
        l3 + 6
    } else {
        // next-header byte of the last unfragmentable extension header
        let mut h = l3 + 40;
        let mut last = l3 + 6;
        while h < at {
            last = h;
            h += (usize::from(frame[h + 1]) + 1) * 8;
        }
        last
    };
    if frame[nh_at] == 44 {
        let off = be16(frame, at + 2);
        Fragment {
            ip_len: end - l3,
            offset: off & 0xfff8,
            more: off & 1 != 0,
            data: frame[at + 8..end].to_vec(),
        }
    } else {
        Fragment {
            ip_len: end - l3,
            offset: 0,
            more: false,
            data: frame[at..end].to_vec(),
        }
    }
}

/// Checks the fragmentation invariants of `tx`'s golden output.
fn check_fragments(tx: &TxPacket) -> Result<(), TestCaseError> {
    let frames = tx
        .golden()
        .map_err(|e| TestCaseError::fail(format!("golden: {e}")))?;
    let mtu = tx.ufo_mtu.unwrap() as usize;
    // The datagram as a host without offloads would have sent it: full checksum or none.
    let (whole, l3, unfrag) = match &tx.spec {
        PacketSpec::Udp4(s) => {
            let f = s.frame();
            let (_, l3) = l3(&f);
            (f, l3, s.ip_header_len())
        }
        PacketSpec::Udp6(s) => {
            let f = s.frame();
            let (_, l3) = l3(&f);
            (f, l3, s.unfragmentable_len())
        }
        PacketSpec::Plain(_) => unreachable!("UFO datagrams only"),
    };
    let input = &whole[l3 + unfrag..];
    prop_assert!(!frames.is_empty());
    let mut joined = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        let frag = fragment(f, unfrag);
        let last = i + 1 == frames.len();
        prop_assert!(
            frag.ip_len <= mtu,
            "frame {i}: {} bytes over MTU {mtu}",
            frag.ip_len
        );
        prop_assert_eq!(frag.offset % 8, 0, "frame {}: offset", i);
        prop_assert_eq!(
            frag.offset,
            joined.len(),
            "frame {}: offsets are contiguous",
            i
        );
        prop_assert_eq!(frag.more, !last, "frame {}: MF", i);
        if !last {
            prop_assert_eq!(
                frag.data.len() % 8,
                0,
                "frame {}: data not a multiple of 8",
                i
            );
        }
        joined.extend_from_slice(&frag.data);
    }
    prop_assert!(
        joined == input,
        "fragments do not concatenate to the datagram"
    );
    Ok(())
}

/// Host memory that returns arbitrary bytes as completions; registers as a fresh device.
struct NoisyHost {
    noise: Vec<u8>,
}

impl Host for NoisyHost {
    fn mem_write(&mut self, _addr: u64, _data: &[u8]) {}
    fn mem_read(&mut self, addr: u64, len: usize) -> Vec<u8> {
        (0..len as u64)
            .map(|i| {
                let n = self.noise.len().max(1) as u64;
                self.noise
                    .get(((addr + i) % n) as usize)
                    .copied()
                    .unwrap_or(0)
            })
            .collect()
    }
    fn reg_write(&mut self, _offset: u32, _value: u32) -> Result<(), RegError> {
        Ok(())
    }
    fn reg_read(&mut self, offset: u32) -> Result<u32, RegError> {
        Ok(if offset == regs::ID {
            regs::ID_VALUE
        } else {
            0
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// IPv4: every frame fits the MTU, offsets are multiples of 8 and contiguous, only the last
    /// lacks MF, and the fragments' data concatenate to the datagram (checksum completed).
    #[test]
    fn ipv4_fragments_rebuild_the_datagram(tx in ipv4_ufo()) {
        check_fragments(&tx)?;
    }

    /// The same for IPv6 with extension headers.
    #[test]
    fn ipv6_fragments_rebuild_the_datagram(tx in ipv6_ufo()) {
        check_fragments(&tx)?;
    }

    /// A descriptor survives encode/decode, and any 32 bytes decode and re-encode unchanged.
    #[test]
    fn descriptors_round_trip(b in any::<[u8; DESC_BYTES]>(), addr: u64, len: u16, fl: u16,
                              ufo: u16, tci: u16, start: u16, off: u16, id: u32, cookie: u64) {
        prop_assert_eq!(TxDesc::decode(&b).encode(), b);
        let d = TxDesc { buf_addr: addr, buf_len: len, flags: fl, ufo_size: ufo, vlan_tci: tci,
                         csum_start: start, csum_offset: off, ip6_frag_id: id, cookie };
        prop_assert_eq!(TxDesc::decode(&d.encode()), d);
    }

    /// Any 16 bytes decode to a completion (unknown status codes included) that re-encodes to
    /// the same bytes, and prints.
    #[test]
    fn completions_round_trip(b in any::<[u8; CPL_BYTES]>()) {
        let c = Completion::decode(&b);
        prop_assert_eq!(c.encode(), b);
        prop_assert!(!c.to_string().is_empty());
    }

    /// The driver reads a completion ring full of arbitrary bytes without panicking: whatever it
    /// cannot match is recorded as a device error.
    #[test]
    fn the_driver_survives_any_completion_ring(noise in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut host = NoisyHost { noise: Vec::new() };
        let mut drv = Driver::new(DriverConfig { ring_log2: 4, ..DriverConfig::default() });
        drv.init(&mut host).unwrap();
        let skb = ufo_driver::skb::Skb { head: vec![0x55; 60], ..Default::default() };
        for tag in 0..3 {
            drv.xmit(&mut host, &skb, tag).unwrap();
        }
        host.noise = noise;
        for _ in 0..3 {
            let _ = drv.poll(&mut host);
        }
        let _ = drv.take_errors();
        prop_assert!(drv.free_slots() <= drv.ring_size());
    }
}
