//! Names the header field a byte of a wire frame belongs to, for the scoreboard's mismatch
//! reports ("IPv4 header checksum", "UDP payload byte 1234 (datagram offset 1242)").
//!
//! Parses leniently: a frame that is not Ethernet/IPv4/UDP still gets the most specific name its
//! bytes allow.

const TPID_8021Q: u16 = 0x8100;
const ETHERTYPE_IPV4: u16 = 0x0800;
const UDP: u8 = 17;

/// The name of the field byte `offset` of `frame` belongs to.
///
/// Payload bytes of IPv4 fragments are named by their position in the whole UDP datagram (the IP
/// payload of the unfragmented packet), computed from the fragment offset.
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
    // Walk the 802.1Q tags.
    let mut type_at = 12;
    let mut tag = 0;
    while be16(type_at) == Some(TPID_8021Q) {
        if offset < type_at + 2 {
            return format!("802.1Q tag {tag} TPID");
        }
        if offset < type_at + 4 {
            return format!("802.1Q tag {tag} TCI");
        }
        type_at += 4;
        tag += 1;
    }
    if offset < type_at + 2 {
        return "EtherType".into();
    }
    let l3 = type_at + 2;
    if be16(type_at) != Some(ETHERTYPE_IPV4) {
        return format!("Ethernet payload byte {}", offset - l3);
    }
    let ihl = frame.get(l3).map_or(5, |b| usize::from(b & 0x0F));
    let hlen = (ihl * 4).max(20);
    let rel = offset - l3;
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
        return format!("IPv4 option byte {}", rel - 20);
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
    match datagram_offset {
        0..=1 => "UDP source port".into(),
        2..=3 => "UDP destination port".into(),
        4..=5 => "UDP length".into(),
        6..=7 => "UDP checksum".into(),
        d => format!("UDP payload byte {} (datagram offset {d})", d - 8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::DatagramSpec;

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
            (38, "IPv4 option byte 0"),
            (41, "IPv4 option byte 3"),
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
        f[12] = 0x86;
        f[13] = 0xdd;
        assert_eq!(field_at(&f, 20), "Ethernet payload byte 6");
        assert_eq!(field_at(&f[..13], 12), "EtherType");
    }
}
