//! Walking a frame's headers as far as the test bench needs: the Ethernet tags to the EtherType,
//! and an IPv6 extension-header chain to the upper layer. Shared by pcap replay and the
//! scoreboard's independent check.

use thiserror::Error;

/// A frame whose headers cannot be walked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HeaderError {
    /// Shorter than the 14-byte Ethernet header.
    #[error("{0} bytes: shorter than an Ethernet header")]
    ShortEthernet(usize),
    /// The frame ends inside a VLAN tag.
    #[error("truncated VLAN tag")]
    TruncatedVlan,
    /// The frame ends inside the fixed IPv6 header.
    #[error("truncated IPv6 header")]
    TruncatedIpv6,
    /// The frame ends inside an extension header's first 8 bytes.
    #[error("truncated IPv6 extension header")]
    TruncatedExt,
    /// An extension header's length runs past the frame.
    #[error("IPv6 extension header runs past the packet")]
    ExtPastPacket,
}

/// The EtherType after up to two 802.1Q / 802.1ad tags, and where the L3 header starts.
pub fn ethertype(frame: &[u8]) -> Result<(u16, usize), HeaderError> {
    if frame.len() < 14 {
        return Err(HeaderError::ShortEthernet(frame.len()));
    }
    let (mut ethertype, mut l3, mut tags) = (be16(frame, 12), 14, 0);
    while (ethertype == 0x8100 || ethertype == 0x88A8) && tags < 2 {
        if frame.len() < l3 + 4 {
            return Err(HeaderError::TruncatedVlan);
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
pub fn ipv6_upper(frame: &[u8], l3: usize) -> Result<Ipv6Upper, HeaderError> {
    if frame.len() < l3 + 40 {
        return Err(HeaderError::TruncatedIpv6);
    }
    let (mut nh, mut at) = (frame[l3 + 6], l3 + 40);
    let mut final_dst = None;
    while matches!(nh, 0 | 43 | 60) {
        if at + 8 > frame.len() {
            return Err(HeaderError::TruncatedExt);
        }
        let len = (usize::from(frame[at + 1]) + 1) * 8;
        if at + len > frame.len() {
            return Err(HeaderError::ExtPastPacket);
        }
        if nh == 43 && matches!(frame[at + 2], 0 | 2) && len >= 24 {
            final_dst = frame[at + len - 16..at + len].try_into().ok();
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
