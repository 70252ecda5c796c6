//! Walking a frame's headers as far as the test bench needs: the Ethernet tags to the EtherType,
//! and an IPv6 extension-header chain to the upper layer. Shared by pcap replay and the
//! scoreboard's independent check.

/// The EtherType after up to two 802.1Q / 802.1ad tags, and where the L3 header starts.
pub fn ethertype(frame: &[u8]) -> Result<(u16, usize), String> {
    if frame.len() < 14 {
        return Err(format!(
            "{} bytes: shorter than an Ethernet header",
            frame.len()
        ));
    }
    let (mut ethertype, mut l3, mut tags) = (be16(frame, 12), 14, 0);
    while (ethertype == 0x8100 || ethertype == 0x88A8) && tags < 2 {
        if frame.len() < l3 + 4 {
            return Err("truncated VLAN tag".into());
        }
        ethertype = be16(frame, l3 + 2);
        l3 += 4;
        tags += 1;
    }
    Ok((ethertype, l3))
}

/// The upper layer of an IPv6 packet whose header starts at `l3`.
pub struct Ipv6Upper {
    /// Next header after Hop-by-Hop, Routing and Destination Options headers.
    pub protocol: u8,
    /// Where that header starts.
    pub offset: usize,
    /// A type 0/2 Routing header's last address: the destination of the pseudo-header.
    pub final_dst: Option<[u8; 16]>,
}

/// Walks the extension headers of the IPv6 packet at `l3` (bounded by the frame's length).
pub fn ipv6_upper(frame: &[u8], l3: usize) -> Result<Ipv6Upper, String> {
    if frame.len() < l3 + 40 {
        return Err("truncated IPv6 header".into());
    }
    let (mut nh, mut at) = (frame[l3 + 6], l3 + 40);
    let mut final_dst = None;
    while matches!(nh, 0 | 43 | 60) {
        if at + 8 > frame.len() {
            return Err("truncated IPv6 extension header".into());
        }
        let len = (usize::from(frame[at + 1]) + 1) * 8;
        if at + len > frame.len() {
            return Err("IPv6 extension header runs past the packet".into());
        }
        if nh == 43 && matches!(frame[at + 2], 0 | 2) && len >= 24 {
            final_dst = Some(frame[at + len - 16..at + len].try_into().expect("16 bytes"));
        }
        nh = frame[at];
        at += len;
    }
    Ok(Ipv6Upper {
        protocol: nh,
        offset: at,
        final_dst,
    })
}

/// Big-endian 16-bit field at `at`.
pub fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}
