//! Names the header field a byte of a wire frame belongs to, for the scoreboard's mismatch
//! reports ("IPv4 header checksum", "IPv6 Fragment header identification", "UDP payload byte
//! 1234 (datagram offset 1242)").
//!
//! Parses leniently: a frame that is not Ethernet/IP/UDP still gets the most specific name its
//! bytes allow. IPv4 options and IPv6 extension headers (Hop-by-Hop and Destination Options
//! TLVs, Routing type 0/2 layout, Fragment header) are walked and named.

use crate::headers::{self, ETHERTYPE_IPV4, ETHERTYPE_IPV6, TAGS_AT, TPID_8021Q};

const UDP: u8 = 17;

/// The name of the field byte `offset` of `frame` belongs to.
///
/// Payload bytes of IPv4 and IPv6 fragments are named by their position in the whole UDP
/// datagram (the IP payload, or the IPv6 fragmentable part, of the unfragmented packet),
/// computed from the fragment offset.
pub fn field_at(frame: &[u8], offset: usize) -> String {
    if offset >= frame.len() {
        return format!("beyond the frame end (byte {offset} of {})", frame.len());
    }
    let be16 = |at: usize| -> Option<u16> {
        Some(u16::from_be_bytes([*frame.get(at)?, *frame.get(at + 1)?]))
    };
    match offset {
        0..=5 => return "Ethernet destination".into(),
        6..=11 => return "Ethernet source".into(),
        _ => {}
    }
    let link = match headers::link(frame) {
        Ok(l) => l,
        Err(_) if frame.len() < 14 => return "EtherType".into(),
        Err(e) => return format!("VLAN tag byte {} ({e})", offset - TAGS_AT),
    };
    if offset < link.l3 - 2 {
        let tag = (offset - TAGS_AT) / 4;
        let kind = match be16(TAGS_AT + 4 * tag) {
            Some(TPID_8021Q) => "802.1Q",
            _ => "802.1ad",
        };
        let part = if (offset - TAGS_AT) % 4 < 2 {
            "TPID"
        } else {
            "TCI"
        };
        return format!("{kind} tag {tag} {part}");
    }
    if offset < link.l3 {
        return "EtherType".into();
    }
    let l3 = link.l3;
    match link.ethertype {
        ETHERTYPE_IPV4 => ipv4_field(frame, l3, offset - l3),
        ETHERTYPE_IPV6 => ipv6_field(&frame[l3..], offset - l3),
        _ => format!("Ethernet payload byte {}", offset - l3),
    }
}

/// A byte of a UDP datagram, by its offset `d` in the datagram.
fn udp_field(d: usize) -> String {
    match d {
        0..=1 => "UDP source port".into(),
        2..=3 => "UDP destination port".into(),
        4..=5 => "UDP length".into(),
        6..=7 => "UDP checksum".into(),
        d => format!("UDP payload byte {} (datagram offset {d})", d - 8),
    }
}

fn ipv4_field(frame: &[u8], l3: usize, rel: usize) -> String {
    let be16 = |at: usize| -> Option<u16> {
        Some(u16::from_be_bytes([*frame.get(at)?, *frame.get(at + 1)?]))
    };
    let ihl = frame.get(l3).map_or(5, |b| usize::from(b & 0x0F));
    let hlen = (ihl * 4).max(20);
    let ip_field = match rel {
        0 => Some("IPv4 version/IHL"),
        1 => Some("IPv4 TOS"),
        2..=3 => Some("IPv4 total length"),
        4..=5 => Some("IPv4 identification"),
        6..=7 => Some("IPv4 flags/fragment offset"),
        8 => Some("IPv4 TTL"),
        9 => Some("IPv4 protocol"),
        10..=11 => Some("IPv4 header checksum"),
        12..=15 => Some("IPv4 source address"),
        16..=19 => Some("IPv4 destination address"),
        _ => None,
    };
    if let Some(name) = ip_field {
        return name.into();
    }
    if rel < hlen {
        let end = (l3 + hlen).min(frame.len());
        let opts = &frame[l3 + 20..end];
        return format!(
            "IPv4 option byte {} ({})",
            rel - 20,
            ipv4_option_part(opts, rel - 20)
        );
    }
    let tot_len = be16(l3 + 2).map_or(usize::MAX, usize::from);
    if rel >= tot_len {
        return format!("padding byte {} after the IPv4 total length", rel - tot_len);
    }
    let ip_payload_byte = rel - hlen;
    let frag_base = be16(l3 + 6).map_or(0, |f| usize::from(f & 0x1FFF) * 8);
    let datagram_offset = frag_base + ip_payload_byte;
    if frame.get(l3 + 9) != Some(&UDP) {
        return format!("IPv4 payload byte {datagram_offset}");
    }
    udp_field(datagram_offset)
}

/// The name of an IPv4 option type.
fn ipv4_option_name(t: u8) -> String {
    let name = match t {
        0x07 => "Record Route",
        0x44 => "Timestamp",
        0x82 => "Security",
        0x83 => "Loose Source Route",
        0x88 => "Stream ID",
        0x89 => "Strict Source Route",
        0x94 => "Router Alert",
        _ => "option",
    };
    let copied = if t & 0x80 != 0 {
        "copied"
    } else {
        "not copied"
    };
    format!("{name} {t:#04x}, {copied}")
}

/// Which part of which option byte `i` of `opts` is, walked as `ip_options_fragment` walks.
fn ipv4_option_part(opts: &[u8], i: usize) -> String {
    let mut at = 0;
    while at < opts.len() {
        let t = opts[at];
        match t {
            0 => {
                return if i == at {
                    "EOL".into()
                } else {
                    "after EOL".into()
                }
            }
            1 => {
                if i == at {
                    return "NOOP".into();
                }
                at += 1;
                continue;
            }
            _ => {}
        }
        let len = opts.get(at + 1).map_or(0, |&l| usize::from(l));
        if len < 2 || at + len > opts.len() {
            return format!("malformed {}", ipv4_option_name(t));
        }
        if i < at + len {
            let part = match i - at {
                0 => "type".to_string(),
                1 => "length".to_string(),
                k => format!("data byte {}", k - 2),
            };
            return format!("{}: {part}", ipv4_option_name(t));
        }
        at += len;
    }
    "option".into()
}

/// Names a byte of an IPv6 packet `pkt` (from the IPv6 header on).
fn ipv6_field(pkt: &[u8], rel: usize) -> String {
    let be16 =
        |at: usize| -> Option<u16> { Some(u16::from_be_bytes([*pkt.get(at)?, *pkt.get(at + 1)?])) };
    let fixed = match rel {
        0 => Some("IPv6 version/traffic class"),
        1 => Some("IPv6 traffic class/flow label"),
        2..=3 => Some("IPv6 flow label"),
        4..=5 => Some("IPv6 payload length"),
        6 => Some("IPv6 next header"),
        7 => Some("IPv6 hop limit"),
        8..=23 => Some("IPv6 source address"),
        24..=39 => Some("IPv6 destination address"),
        _ => None,
    };
    if let Some(name) = fixed {
        return name.into();
    }
    let end = be16(4).map_or(usize::MAX, |p| 40 + usize::from(p));
    if rel >= end {
        return format!("padding byte {} after the IPv6 payload length", rel - end);
    }
    let mut nh = pkt.get(6).copied().unwrap_or(0);
    let mut off = 40;
    let mut k = 0;
    loop {
        match nh {
            0 | 43 | 60 => {
                let kind = match nh {
                    0 => "Hop-by-Hop",
                    43 => "Routing",
                    _ => "Destination Options",
                };
                let len = pkt.get(off + 1).map_or(8, |&l| (usize::from(l) + 1) * 8);
                if rel < off + len {
                    let i = rel - off;
                    let part = match i {
                        0 => "next header".to_string(),
                        1 => "length".to_string(),
                        _ if nh == 43 => routing_part(i),
                        _ => tlv_part(&pkt[off + 2..(off + len).min(pkt.len())], i - 2),
                    };
                    return format!("IPv6 {kind} header (extension header {k}) {part}");
                }
                nh = pkt.get(off).copied().unwrap_or(0);
                off += len;
            }
            44 => {
                if rel < off + 8 {
                    let part = match rel - off {
                        0 => "next header",
                        1 => "reserved",
                        2..=3 => "fragment offset/M",
                        _ => "identification",
                    };
                    return format!("IPv6 Fragment header {part}");
                }
                let frag_nh = pkt.get(off).copied().unwrap_or(0);
                let base = be16(off + 2).map_or(0, |w| usize::from(w & !7));
                off += 8;
                if base != 0 {
                    // A later fragment: only the fragmentable part's offset is known.
                    let d = base + rel - off;
                    return if frag_nh == UDP {
                        udp_field(d)
                    } else {
                        format!("IPv6 fragmentable part byte {d}")
                    };
                }
                nh = frag_nh;
            }
            UDP => return udp_field(rel - off),
            other => {
                return format!("IPv6 payload byte {} (next header {other})", rel - 40);
            }
        }
        k += 1;
    }
}

/// A byte of a Routing header at `i` from its start (types 0 and 2: addresses from byte 8).
fn routing_part(i: usize) -> String {
    match i {
        2 => "routing type".into(),
        3 => "segments left".into(),
        4..=7 => "reserved".into(),
        _ => format!("address {} byte {}", (i - 8) / 16, (i - 8) % 16),
    }
}

/// Which part of which TLV option byte `i` of an options header body is.
fn tlv_part(body: &[u8], i: usize) -> String {
    let mut at = 0;
    let mut n = 0;
    while at < body.len() {
        let t = body[at];
        if t == 0 {
            if i == at {
                return format!("option {n} Pad1");
            }
            at += 1;
            n += 1;
            continue;
        }
        let len = 2 + body.get(at + 1).map_or(0, |&l| usize::from(l));
        if i < at + len {
            let name = if t == 1 {
                "PadN".to_string()
            } else {
                format!("type {t:#04x}")
            };
            let part = match i - at {
                0 => "type".to_string(),
                1 => "length".to_string(),
                k => format!("data byte {}", k - 2),
            };
            return format!("option {n} ({name}) {part}");
        }
        at += len;
        n += 1;
    }
    format!("option byte {i}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ufo_driver::packet::DatagramSpec;

    #[test]
    fn names_every_header() {
        let spec = DatagramSpec {
            vlan: vec![5],
            ip_options: vec![1, 1, 1, 0],
            payload: vec![0; 2000],
            ..Default::default()
        };
        let f = spec.frame();
        let cases = [
            (0, "Ethernet destination"),
            (11, "Ethernet source"),
            (12, "802.1Q tag 0 TPID"),
            (15, "802.1Q tag 0 TCI"),
            (16, "EtherType"),
            (18, "IPv4 version/IHL"),
            (19, "IPv4 TOS"),
            (20, "IPv4 total length"),
            (24, "IPv4 flags/fragment offset"),
            (26, "IPv4 TTL"),
            (27, "IPv4 protocol"),
            (28, "IPv4 header checksum"),
            (30, "IPv4 source address"),
            (37, "IPv4 destination address"),
            (38, "IPv4 option byte 0 (NOOP)"),
            (41, "IPv4 option byte 3 (EOL)"),
            (42, "UDP source port"),
            (45, "UDP destination port"),
            (47, "UDP length"),
            (48, "UDP checksum"),
            (50, "UDP payload byte 0 (datagram offset 8)"),
        ];
        for (off, name) in cases {
            assert_eq!(field_at(&f, off), name, "offset {off}");
        }
        assert!(field_at(&f, f.len()).starts_with("beyond"));
    }

    #[test]
    fn later_fragments_use_the_datagram_offset() {
        let spec = DatagramSpec {
            payload: vec![0; 4000],
            ..Default::default()
        };
        let mut f = spec.frame();
        // Pretend this is the fragment at offset 1480 (185 * 8).
        f[20..22].copy_from_slice(&185u16.to_be_bytes());
        assert_eq!(
            field_at(&f, 34 + 2),
            "UDP payload byte 1474 (datagram offset 1482)"
        );
        // A truncated tot_len marks the trailing bytes as padding.
        f[16..18].copy_from_slice(&30u16.to_be_bytes());
        assert_eq!(
            field_at(&f, 44),
            "padding byte 0 after the IPv4 total length"
        );
    }

    #[test]
    fn non_ip_frames() {
        let mut f = vec![0u8; 30];
        f[12] = 0x08;
        f[13] = 0x06;
        assert_eq!(field_at(&f, 20), "Ethernet payload byte 6");
        assert_eq!(field_at(&f[..13], 12), "EtherType");
    }

    #[test]
    fn names_ipv4_options() {
        use ufo_driver::packet::DatagramSpec;
        let spec = DatagramSpec {
            ip_options: vec![0x94, 4, 0, 0, 0x07, 7, 4, 1, 2, 3, 4, 0x01, 0x00, 0, 0, 0],
            payload: vec![0; 10],
            ..Default::default()
        };
        let f = spec.frame();
        let o = 34;
        assert_eq!(
            field_at(&f, o),
            "IPv4 option byte 0 (Router Alert 0x94, copied: type)"
        );
        assert_eq!(
            field_at(&f, o + 5),
            "IPv4 option byte 5 (Record Route 0x07, not copied: length)"
        );
        assert_eq!(
            field_at(&f, o + 8),
            "IPv4 option byte 8 (Record Route 0x07, not copied: data byte 2)"
        );
        assert_eq!(field_at(&f, o + 11), "IPv4 option byte 11 (NOOP)");
        assert_eq!(field_at(&f, o + 12), "IPv4 option byte 12 (EOL)");
        assert_eq!(field_at(&f, o + 15), "IPv4 option byte 15 (after EOL)");
    }

    #[test]
    fn names_ipv6_headers_and_fragments() {
        use ufo_driver::packet::{
            Ipv6DatagramSpec, Ipv6ExtHeader, Ipv6ExtKind, PacketSpec, TxPacket,
        };
        let spec = Ipv6DatagramSpec {
            ext_headers: vec![
                Ipv6ExtHeader::options(Ipv6ExtKind::HopByHop, &[5, 2, 0, 0]),
                Ipv6ExtHeader::routing(2, 1, &[[7; 16]]),
                Ipv6ExtHeader::options(Ipv6ExtKind::DestOptions, &[]),
            ],
            payload: vec![0; 3000],
            ..Default::default()
        };
        let f = spec.frame();
        let cases = [
            (14, "IPv6 version/traffic class"),
            (15, "IPv6 traffic class/flow label"),
            (17, "IPv6 flow label"),
            (18, "IPv6 payload length"),
            (20, "IPv6 next header"),
            (21, "IPv6 hop limit"),
            (22, "IPv6 source address"),
            (53, "IPv6 destination address"),
            (
                54,
                "IPv6 Hop-by-Hop header (extension header 0) next header",
            ),
            (55, "IPv6 Hop-by-Hop header (extension header 0) length"),
            (
                56,
                "IPv6 Hop-by-Hop header (extension header 0) option 0 (type 0x05) type",
            ),
            (
                59,
                "IPv6 Hop-by-Hop header (extension header 0) option 0 (type 0x05) data byte 1",
            ),
            (
                60,
                "IPv6 Hop-by-Hop header (extension header 0) option 1 (PadN) type",
            ),
            (64, "IPv6 Routing header (extension header 1) routing type"),
            (65, "IPv6 Routing header (extension header 1) segments left"),
            (66, "IPv6 Routing header (extension header 1) reserved"),
            (
                75,
                "IPv6 Routing header (extension header 1) address 0 byte 5",
            ),
            (
                86,
                "IPv6 Destination Options header (extension header 2) next header",
            ),
            (
                88,
                "IPv6 Destination Options header (extension header 2) option 0 (PadN) type",
            ),
            (94, "UDP source port"),
            (100, "UDP checksum"),
            (102, "UDP payload byte 0 (datagram offset 8)"),
        ];
        for (off, name) in cases {
            assert_eq!(field_at(&f, off), name, "offset {off}");
        }
        // Fragments: the Fragment header after the Routing header (offset 86).
        let tx = TxPacket {
            spec: PacketSpec::Udp6(spec),
            ufo_mtu: Some(1280),
            ip6_frag_id: 1,
            vlan_insert: None,
            uso_gso_size: None,
        };
        let frames = tx.golden().unwrap();
        let f0 = &frames[0];
        assert_eq!(
            field_at(f0, 62),
            "IPv6 Routing header (extension header 1) next header"
        );
        assert_eq!(field_at(f0, 86), "IPv6 Fragment header next header");
        assert_eq!(field_at(f0, 87), "IPv6 Fragment header reserved");
        assert_eq!(field_at(f0, 89), "IPv6 Fragment header fragment offset/M");
        assert_eq!(field_at(f0, 93), "IPv6 Fragment header identification");
        assert_eq!(
            field_at(f0, 94),
            "IPv6 Destination Options header (extension header 3) next header"
        );
        assert_eq!(field_at(f0, 102), "UDP source port");
        // A later fragment: the fragmentable part starts with Destination Options, so only
        // its offset can be named.
        let f1 = &frames[1];
        let data0 = f0.len() - 94;
        assert_eq!(
            field_at(f1, 94 + 3),
            format!("IPv6 fragmentable part byte {}", data0 + 3)
        );
        // Without extension headers a later fragment's bytes are UDP datagram bytes.
        let plain = Ipv6DatagramSpec {
            payload: vec![0; 3000],
            ..Default::default()
        };
        let frames = TxPacket {
            spec: PacketSpec::Udp6(plain),
            ufo_mtu: Some(1280),
            ip6_frag_id: 1,
            vlan_insert: None,
            uso_gso_size: None,
        }
        .golden()
        .unwrap();
        // 1280 - 48 = 1232 per fragment.
        assert_eq!(
            field_at(&frames[1], 62),
            "UDP payload byte 1224 (datagram offset 1232)"
        );
    }
}
