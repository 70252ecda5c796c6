//! UDP Segmentation Offload: what Linux's software GSO puts on the wire for one `SKB_GSO_UDP_L4`
//! super-frame (a `UDP_SEGMENT` send) on a device without USO or checksum offload.
//!
//! Rules, each with its kernel function (`docs/golden-model.md`, "USO"):
//! - `__udp_gso_segment` (net/ipv4/udp_offload.c): `skb_segment` cuts the UDP payload into
//!   `gso_size` pieces (the last one shorter) and copies every header before the payload (MAC
//!   header with any 802.1Q tags in the frame, IP header with its options or extension headers,
//!   UDP header) into each segment. Per segment `uh->len = 8 + piece` and the check field, which
//!   holds the pseudo-header seed over the full UDP length, becomes
//!   `csum16_add(csum16_sub(seed, old_len), new_len)`; `gso_make_checksum` then sums the UDP
//!   header (with that adjusted seed) and the piece, folds and complements; 0 goes out as
//!   `CSUM_MANGLED_0` (0xFFFF).
//! - `inet_gso_segment` (net/ipv4/af_inet.c), not `udpfrag` (that is UFO's `SKB_GSO_UDP`):
//!   `iph->id = htons(id++)` per segment (no `SKB_GSO_TCP_FIXEDID` for UDP), `tot_len` of the
//!   segment, `frag_off` (DF) left as it was, `ip_send_check`.
//! - `ipv6_gso_segment` (net/ipv6/ip6_offload.c): `ipv6_gso_pull_exthdrs` skips Hop-by-Hop,
//!   Routing and Destination Options (any order) to find UDP; every extension header is copied
//!   unchanged, no Fragment header is added; `payload_len` of the segment.
//! - `validate_xmit_vlan` pushes a hardware-accelerated tag into the frame before software GSO,
//!   so every segment carries it: the same as inserting it into each segment (done by the
//!   caller, [`crate::wire_output`]).

use crate::checksum::ones_sum;
use crate::{
    be16, ethertype, need, parse, parse_ipv6, CsumRequest, GoldenError, ETHERTYPE_IPV4,
    ETHERTYPE_IPV6, IPV6_HLEN, IP_MF, IP_OFFSET,
};

/// `UDP_MAX_SEGMENTS` (include/linux/udp.h): the most segments one `UDP_SEGMENT` send may make.
pub const UDP_MAX_SEGMENTS: usize = 128;
/// The longest super-frame Linux hands a device, its Ethernet header (and any tags in the
/// frame) included.
pub const USO_MAX_FRAME: usize = 65535;
/// `offsetof(struct udphdr, check)`.
const UDP_CHECK_OFFSET: u16 = 6;
const UDP_HLEN: usize = 8;

/// `csum16_add` (include/net/checksum.h): 16-bit one's-complement add with end-around carry.
fn csum16_add(csum: u16, addend: u16) -> u16 {
    let (res, carry) = csum.overflowing_add(addend);
    res + u16::from(carry)
}

/// `csum16_sub`: `csum16_add(csum, ~addend)`.
fn csum16_sub(csum: u16, addend: u16) -> u16 {
    csum16_add(csum, !addend)
}

/// Where the headers of a USO super-frame are.
struct UsoHeaders {
    /// Offset of the IP header.
    l3: usize,
    /// Offset of the UDP header (`skb_transport_offset`).
    l4: usize,
    /// IPv4 (identification and header checksum per segment) or IPv6.
    ipv4: bool,
}

fn uso_headers(frame: &[u8]) -> Result<UsoHeaders, GoldenError> {
    let (type_at, ethertype) = ethertype(frame)?;
    let l3 = type_at + 2;
    match ethertype {
        ETHERTYPE_IPV4 => {
            let ip = parse(frame)?;
            // A UDP_SEGMENT skb is never an IP fragment (inet_gso_segment would treat it as one
            // only for UFO): refuse one rather than guess.
            if ip.frag_off & (IP_MF | IP_OFFSET) != 0 {
                return Err(GoldenError::ChecksumOfFragment(ip.frag_off));
            }
            Ok(UsoHeaders {
                l3,
                l4: l3 + ip.hlen,
                ipv4: true,
            })
        }
        ETHERTYPE_IPV6 => {
            let ip = parse_ipv6(frame, l3)?;
            Ok(UsoHeaders {
                l3,
                l4: l3 + ip.upper,
                ipv4: false,
            })
        }
        other => Err(GoldenError::NotIp(other)),
    }
}

/// Segment count of a super-frame with `payload` UDP payload bytes: `DIV_ROUND_UP(payload,
/// gso_size)`, at least 1 (a datagram that fits one segment, or an empty one, goes out whole).
pub fn uso_segment_count(payload: usize, gso_size: u16) -> usize {
    payload.div_ceil(usize::from(gso_size).max(1)).max(1)
}

/// The segments Linux sends for the super-frame `frame` (Ethernet [+ tags] + IPv4/IPv6 + UDP
/// with the pseudo-header seed over the full UDP length in its check field) with `gso_size`,
/// without VLAN insertion. `csum` is the `sk_buff`'s `CHECKSUM_PARTIAL` request, which a
/// `UDP_SEGMENT` skb always carries.
///
/// Refused, as Linux refuses them (`udp_send_skb`, `udp_sendmsg`): `gso_size` 0
/// ([`GoldenError::UsoGsoSize`]), more than [`UDP_MAX_SEGMENTS`] segments
/// ([`GoldenError::UsoSegments`]), no checksum request or a zero check field, i.e. the
/// checksum disabled (`sk_no_check_tx`, [`GoldenError::UsoChecksumOff`]), a checksum request
/// that is not the UDP check field ([`GoldenError::UsoCsumPosition`]), a frame over
/// [`USO_MAX_FRAME`] bytes ([`GoldenError::UsoLength`]), not UDP ([`GoldenError::NotUdp`],
/// [`GoldenError::Ipv6NotUdp`]).
///
/// A datagram whose payload fits one segment (`__udp_gso_segment` returns `-EINVAL` for it;
/// `udp_send_skb` never marks one GSO) is sent as the stack would send it: one datagram with
/// its checksum completed, which is what the per-segment rule gives for `new_len == old_len`.
pub fn uso_segments(
    frame: &[u8],
    gso_size: u16,
    csum: Option<CsumRequest>,
) -> Result<Vec<Vec<u8>>, GoldenError> {
    if gso_size == 0 {
        return Err(GoldenError::UsoGsoSize);
    }
    if frame.len() > USO_MAX_FRAME {
        return Err(GoldenError::UsoLength { len: frame.len() });
    }
    let h = uso_headers(frame)?;
    let Some(c) = csum else {
        return Err(GoldenError::UsoChecksumOff);
    };
    if usize::from(c.start) != h.l4 || c.offset != UDP_CHECK_OFFSET {
        return Err(GoldenError::UsoCsumPosition {
            start: c.start,
            offset: c.offset,
            udp: h.l4,
        });
    }
    need(frame, "UDP header", h.l4 + UDP_HLEN)?;
    let seed = be16(frame, h.l4 + 6);
    if seed == 0 {
        return Err(GoldenError::UsoChecksumOff);
    }
    let payload = &frame[h.l4 + UDP_HLEN..];
    let segments = uso_segment_count(payload.len(), gso_size);
    if segments > UDP_MAX_SEGMENTS {
        return Err(GoldenError::UsoSegments {
            segments,
            max: UDP_MAX_SEGMENTS,
        });
    }
    let old_len = be16(frame, h.l4 + 4);
    let ip_id = if h.ipv4 { be16(frame, h.l3 + 4) } else { 0 };
    let headers = &frame[..h.l4 + UDP_HLEN];
    let chunks: Vec<&[u8]> = if payload.is_empty() {
        vec![payload]
    } else {
        payload.chunks(usize::from(gso_size)).collect()
    };
    let mut out = Vec::with_capacity(chunks.len());
    for (i, piece) in chunks.into_iter().enumerate() {
        let mut seg = Vec::with_capacity(headers.len() + piece.len());
        seg.extend_from_slice(headers);
        seg.extend_from_slice(piece);
        let new_len = (UDP_HLEN + piece.len()) as u16;
        let l3_len = (seg.len() - h.l3) as u16;
        if h.ipv4 {
            // inet_gso_segment: id++ (16 bits, wrapping), tot_len, ip_send_check.
            let id = ip_id.wrapping_add(i as u16);
            seg[h.l3 + 2..h.l3 + 4].copy_from_slice(&l3_len.to_be_bytes());
            seg[h.l3 + 4..h.l3 + 6].copy_from_slice(&id.to_be_bytes());
            let ihl = usize::from(seg[h.l3] & 0x0F) * 4;
            seg[h.l3 + 10..h.l3 + 12].fill(0);
            let check = !ones_sum(&seg[h.l3..h.l3 + ihl]);
            seg[h.l3 + 10..h.l3 + 12].copy_from_slice(&check.to_be_bytes());
        } else {
            // ipv6_gso_segment: payload_len = skb->len - nhoff - sizeof(struct ipv6hdr).
            let plen = l3_len - IPV6_HLEN as u16;
            seg[h.l3 + 4..h.l3 + 6].copy_from_slice(&plen.to_be_bytes());
        }
        // __udp_gso_segment: uh->len, then the seed adjusted by the length difference ...
        let check = csum16_add(csum16_sub(seed, old_len), new_len);
        seg[h.l4 + 4..h.l4 + 6].copy_from_slice(&new_len.to_be_bytes());
        seg[h.l4 + 6..h.l4 + 8].copy_from_slice(&check.to_be_bytes());
        // ... and gso_make_checksum: fold(sum(UDP header with that check, piece)), complemented.
        let sum = !ones_sum(&seg[h.l4..]);
        let value = if sum == 0 { 0xFFFF } else { sum };
        seg[h.l4 + 6..h.l4 + 8].copy_from_slice(&value.to_be_bytes());
        out.push(seg);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csum16_end_around_carry() {
        assert_eq!(csum16_add(0xFFFF, 1), 1);
        assert_eq!(csum16_add(0x8000, 0x8000), 1);
        assert_eq!(csum16_add(0x1234, 0x0001), 0x1235);
        assert_eq!(csum16_sub(0x1235, 0x0001), 0x1234);
        // Subtracting a value from itself gives negative zero (0xFFFF), as in the kernel.
        assert_eq!(csum16_sub(0x1234, 0x1234), 0xFFFF);
    }

    #[test]
    fn segment_count() {
        assert_eq!(uso_segment_count(0, 8), 1);
        assert_eq!(uso_segment_count(8, 8), 1);
        assert_eq!(uso_segment_count(9, 8), 2);
        assert_eq!(uso_segment_count(128 * 1472, 1472), 128);
        assert_eq!(uso_segment_count(128 * 1472 + 1, 1472), 129);
    }
}
