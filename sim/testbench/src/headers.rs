//! The test bench's one header walker: the Ethernet tags to the EtherType, and an IPv6
//! extension-header chain to the upper layer. Replay, the independent checks, the checksum
//! verification and the field names of mismatch reports all walk frames with it, so they agree
//! on where the network header starts.
//!
//! Tags follow the engine's parser (`docs/architecture.md`): up to [`MAX_TAGS`] 802.1Q (TPID
//! 0x8100) or 802.1ad (0x88A8) tags; a further tag's TPID is taken as the EtherType, so such a
//! frame is not IP here, exactly as the engine sees it. The golden model walks tags on its own
//! (any number): it must not share this code.

use thiserror::Error;

/// Most VLAN tags walked, as the engine's header parser (`ufo_hdr_parse.sv`) walks them.
pub const MAX_TAGS: usize = 2;
/// TPID of an 802.1Q tag.
pub const TPID_8021Q: u16 = 0x8100;
/// TPID of an 802.1ad (S-VLAN) tag.
pub const TPID_8021AD: u16 = 0x88A8;
/// EtherType of IPv4.
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// EtherType of IPv6.
pub const ETHERTYPE_IPV6: u16 = 0x86DD;
/// Offset of the first tag (or the EtherType) in an Ethernet II frame.
pub const TAGS_AT: usize = 12;

/// A frame whose headers cannot be walked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HeaderError {
    /// Shorter than the 14-byte Ethernet header.
    #[error("{0} bytes: shorter than an Ethernet header")]
    ShortEthernet(usize),
    /// The frame ends inside a VLAN tag.
    #[error("{len} bytes: the frame ends inside VLAN tag {tag}")]
    TruncatedVlan {
        /// bytes in the frame
        len: usize,
        /// which tag, 0 first
        tag: usize,
    },
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

/// The link layer of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// VLAN tags walked (tag `i` is at `TAGS_AT + 4 * i`).
    pub tags: usize,
    /// The EtherType after them.
    pub ethertype: u16,
    /// Where the network header starts.
    pub l3: usize,
}

/// Walks the Ethernet header and its tags (see the module documentation).
pub fn link(frame: &[u8]) -> Result<Link, HeaderError> {
    if frame.len() < 14 {
        return Err(HeaderError::ShortEthernet(frame.len()));
    }
    let mut l = Link {
        tags: 0,
        ethertype: be16(frame, TAGS_AT),
        l3: TAGS_AT + 2,
    };
    while matches!(l.ethertype, TPID_8021Q | TPID_8021AD) && l.tags < MAX_TAGS {
        if frame.len() < l.l3 + 4 {
            return Err(HeaderError::TruncatedVlan {
                len: frame.len(),
                tag: l.tags,
            });
        }
        l.ethertype = be16(frame, l.l3 + 2);
        l.l3 += 4;
        l.tags += 1;
    }
    Ok(l)
}

/// The EtherType after the tags, and where the network header starts ([`link`]).
pub fn ethertype(frame: &[u8]) -> Result<(u16, usize), HeaderError> {
    link(frame).map(|l| (l.ethertype, l.l3))
}

/// The upper layer of an IPv6 packet whose header starts at `l3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Upper {
    /// Next header after Hop-by-Hop, Routing and Destination Options headers.
    pub protocol: u8,
    /// Where that header starts (from the frame start).
    pub offset: usize,
    /// A type 0/2 Routing header's last address: the destination of the pseudo-header.
    pub final_dst: Option<[u8; 16]>,
    /// Length of the unfragmentable part from the IPv6 header on, by the rule of
    /// `ip6_find_1stfragopt`: Hop-by-Hop and Routing headers are unfragmentable, a Destination
    /// Options header too unless a Routing header came before it.
    pub unfragmentable: usize,
}

/// Walks the extension headers of the IPv6 packet at `l3` (bounded by the frame's length).
pub fn ipv6_upper(frame: &[u8], l3: usize) -> Result<Ipv6Upper, HeaderError> {
    if frame.len() < l3 + 40 {
        return Err(HeaderError::TruncatedIpv6);
    }
    let (mut nh, mut at) = (frame[l3 + 6], l3 + 40);
    let mut final_dst = None;
    let mut unfragmentable = 40;
    let (mut routing_seen, mut fragmentable) = (false, false);
    while matches!(nh, 0 | 43 | 60) {
        if at + 8 > frame.len() {
            return Err(HeaderError::TruncatedExt);
        }
        let len = (usize::from(frame[at + 1]) + 1) * 8;
        if at + len > frame.len() {
            return Err(HeaderError::ExtPastPacket);
        }
        // A Destination Options header after a Routing header is the first fragmentable one.
        fragmentable |= nh == 60 && routing_seen;
        if nh == 43 {
            routing_seen = true;
            if matches!(frame[at + 2], 0 | 2) && len >= 24 {
                final_dst = frame[at + len - 16..at + len].try_into().ok();
            }
        }
        nh = frame[at];
        at += len;
        if !fragmentable {
            unfragmentable = at - l3;
        }
    }
    Ok(Ipv6Upper {
        protocol: nh,
        offset: at,
        final_dst,
        unfragmentable,
    })
}

/// Big-endian 16-bit field at `at`.
pub fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eth(tags: &[u16], ethertype: u16) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        for t in tags {
            f.extend_from_slice(&t.to_be_bytes());
            f.extend_from_slice(&[0, 1]);
        }
        f.extend_from_slice(&ethertype.to_be_bytes());
        f.extend_from_slice(&[0; 40]);
        f
    }

    #[test]
    fn tags_are_walked_up_to_two() {
        let l = link(&eth(&[], ETHERTYPE_IPV4)).unwrap();
        assert_eq!((l.tags, l.ethertype, l.l3), (0, ETHERTYPE_IPV4, 14));
        let l = link(&eth(&[TPID_8021AD, TPID_8021Q], ETHERTYPE_IPV6)).unwrap();
        assert_eq!((l.tags, l.ethertype, l.l3), (2, ETHERTYPE_IPV6, 22));
        // A third tag is what the engine sees: EtherType 0x8100, not IP.
        let l = link(&eth(&[TPID_8021Q; 3], ETHERTYPE_IPV4)).unwrap();
        assert_eq!((l.tags, l.ethertype, l.l3), (2, TPID_8021Q, 22));
        // 0x9100 is not a tag here (nor in the engine).
        let l = link(&eth(&[0x9100], ETHERTYPE_IPV4)).unwrap();
        assert_eq!((l.tags, l.ethertype), (0, 0x9100));
    }

    #[test]
    fn short_frames_are_errors() {
        assert!(link(&[0; 13]).is_err());
        let f = eth(&[TPID_8021Q], ETHERTYPE_IPV4);
        assert!(link(&f[..17])
            .unwrap_err()
            .to_string()
            .contains("VLAN tag 0"));
        assert_eq!(link(&f[..18]).unwrap().l3, 18);
    }

    /// An IPv6 packet at offset 0 with extension headers of these next-header numbers (8 bytes
    /// each, a Routing header 24 with one address) before UDP.
    fn v6(chain: &[u8]) -> Vec<u8> {
        let mut p = vec![0u8; 40];
        p[0] = 0x60;
        p[6] = chain.first().copied().unwrap_or(17);
        for (i, &h) in chain.iter().enumerate() {
            let next = chain.get(i + 1).copied().unwrap_or(17);
            if h == 43 {
                let mut r = vec![next, 2, 0, 1, 0, 0, 0, 0];
                r.extend_from_slice(&[0xAB; 16]);
                p.extend_from_slice(&r);
            } else {
                p.extend_from_slice(&[next, 0, 1, 4, 0, 0, 0, 0]);
            }
        }
        p.extend_from_slice(&[0; 8]);
        p
    }

    #[test]
    fn ipv6_chain_and_unfragmentable_part() {
        // (chain, upper offset, unfragmentable length), as ip6_find_1stfragopt counts it.
        for (chain, upper, unfrag) in [
            (&[][..], 40, 40),
            (&[0][..], 48, 48),
            (&[60][..], 48, 48),
            (&[0, 43, 60][..], 80, 72),
            (&[60, 43][..], 72, 72),
            (&[60, 43, 60][..], 80, 72),
            (&[43, 60, 60][..], 80, 64),
        ] {
            let u = ipv6_upper(&v6(chain), 0).unwrap();
            assert_eq!(
                (u.protocol, u.offset, u.unfragmentable),
                (17, upper, unfrag),
                "{chain:?}"
            );
            assert_eq!(u.final_dst.is_some(), chain.contains(&43), "{chain:?}");
        }
        let p = v6(&[0]);
        assert!(ipv6_upper(&p[..44], 0).is_err());
        assert!(ipv6_upper(&p[..30], 0).is_err());
    }
}
