//! The golden reference: what Linux's own software path puts on the wire for one packet on a
//! device WITHOUT UFO, checksum or VLAN offload. The engine's output for the matching `sk_buff`
//! must equal it byte for byte.
//!
//! Written from the kernel's rules (`udp_send_skb`, `udp_v6_send_skb`, `skb_checksum_help`,
//! `ip_finish_output`, `ip_do_fragment`'s slow path, `ip_options_fragment`,
//! `__ip6_finish_output`, `ip6_fragment`'s slow path, `ip6_find_1stfragopt`,
//! `validate_xmit_vlan` / `__vlan_hwaccel_push_inside`), independently of the RTL and of
//! anything that mirrors it. This crate depends on nothing that builds the stimulus: it parses
//! the frame itself and has its own checksum code ([`checksum`]), so a bug in the packet
//! builders' checksum cannot hide in both. Every rule is listed with its kernel function in
//! `docs/golden-model.md`.
//!
//! - [`wire_output`]: any packet, with the offload requests of its `sk_buff`
//!   ([`GoldenRequest`]): UFO at an MTU (IPv4 or IPv6), `CHECKSUM_PARTIAL`, VLAN insertion.
//! - [`wire_frames`]: the first, IPv4-only entry point (UDP check handling instead of a request).

#![warn(missing_docs)]

pub mod checksum;
pub mod uso;

use checksum::{internet_checksum, ones_sum, udp_ipv4_checksum};
use thiserror::Error;
pub use uso::{uso_segment_count, uso_segments, UDP_MAX_SEGMENTS, USO_MAX_FRAME};

/// IP protocol number of UDP.
const IPPROTO_UDP: u8 = 17;
/// TPID of an 802.1Q tag (the one VLAN insertion writes).
const TPID_8021Q: u16 = 0x8100;
/// TPID of an 802.1ad (S-VLAN) tag; walked like 802.1Q in the input frame.
const TPID_8021AD: u16 = 0x88A8;
const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86DD;
/// `ETH_ALEN * 2`: where `vlan_insert_tag` puts the tag.
const MAC_ADDRS_LEN: usize = 12;
/// `sizeof(struct ipv6hdr)`.
const IPV6_HLEN: usize = 40;
/// `sizeof(struct frag_hdr)`.
const FRAG_HDR_LEN: usize = 8;
/// `IPV6_MAXPLEN`.
const IPV6_MAXPLEN: usize = 65535;
const NEXTHDR_HOP: u8 = 0;
const NEXTHDR_ROUTING: u8 = 43;
const NEXTHDR_FRAGMENT: u8 = 44;
const NEXTHDR_DEST: u8 = 60;
/// `IP6_MF`: the M flag in the Fragment header's offset word.
const IP6_MF: u16 = 0x0001;
/// `IP_MF`.
const IP_MF: u16 = 0x2000;
/// `IP_OFFSET`: the 13-bit fragment offset in 8-byte units.
const IP_OFFSET: u16 = 0x1FFF;
/// `IPOPT_END`.
const IPOPT_END: u8 = 0;
/// `IPOPT_NOOP`.
const IPOPT_NOOP: u8 = 1;
/// `IPOPT_COPY`: options with this type bit are copied into every fragment.
const IPOPT_COPY: u8 = 0x80;

/// `CHECKSUM_PARTIAL` as the `sk_buff` carries it: the device (here, `skb_checksum_help`) sums
/// from `start` to the end of the frame and stores the folded, complemented result at
/// `start + offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsumRequest {
    /// `csum_start`: bytes from the frame start to where summing starts.
    pub start: u16,
    /// `csum_offset`: position of the checksum field, bytes from `start`.
    pub offset: u16,
}

/// What [`wire_frames`] puts in the UDP check field before fragmenting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdpCheck {
    /// The complete checksum over the datagram, whatever the field held (`udp_send_skb`, or
    /// `skb_checksum_help` completing a `CHECKSUM_PARTIAL` seed: both give this).
    Compute,
    /// 0: no checksum (`SO_NO_CHECK`).
    Zero,
}

/// Input the golden model cannot turn into wire frames; names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GoldenError {
    /// The frame ends inside a header.
    #[error("frame of {have} bytes ends inside the {field} (needs {need})")]
    Truncated {
        /// the header or field cut off
        field: &'static str,
        /// bytes needed up to its end
        need: usize,
        /// frame length
        have: usize,
    },
    /// The EtherType after the tags is not IPv4.
    #[error("EtherType {0:#06x} is not IPv4")]
    NotIpv4(u16),
    /// IPv4 version field is not 4.
    #[error("IPv4 version field is {0}, not 4")]
    IpVersion(u8),
    /// IPv4 IHL below 5.
    #[error("IPv4 IHL {0} is below 5")]
    Ihl(u8),
    /// IPv4 total length does not match the bytes after the IP header start.
    #[error(
        "IPv4 total length {tot_len} does not match the {available} bytes from the IPv4 header on"
    )]
    TotalLength {
        /// the field
        tot_len: u16,
        /// bytes in the frame from the IP header on
        available: usize,
    },
    /// IPv4 protocol is not UDP.
    #[error("IPv4 protocol {0} is not UDP (17)")]
    NotUdp(u8),
    /// UDP length does not match the IP payload length.
    #[error("UDP length {udp_len} does not match the IP payload length {ip_payload}")]
    UdpLength {
        /// the field
        udp_len: u16,
        /// IPv4 total length minus header length
        ip_payload: usize,
    },
    /// The MTU leaves under 8 bytes of payload per fragment (the kernel guarantees >= 68).
    #[error("MTU {mtu} leaves under 8 payload bytes after the {hlen}-byte IPv4 header")]
    MtuTooSmall {
        /// the MTU asked for
        mtu: u32,
        /// IPv4 header length
        hlen: usize,
    },
    /// A UDP checksum over the whole datagram was asked for, but the input is itself a fragment.
    #[error(
        "IPv4 flags/fragment offset {0:#06x}: a fragment, its UDP checksum cannot be computed"
    )]
    ChecksumOfFragment(u16),
    /// Fragment offsets would pass the 13-bit field.
    #[error("IPv4 fragment offset {base} + {len} payload bytes passes 65535")]
    OffsetOverflow {
        /// input fragment offset in bytes
        base: usize,
        /// IP payload length
        len: usize,
    },
    /// UFO was asked for a frame whose EtherType (after the tags) is neither IPv4 nor IPv6.
    #[error("EtherType {0:#06x} is neither IPv4 nor IPv6: UFO impossible")]
    NotIp(u16),
    /// IPv6 version field is not 6.
    #[error("IPv6 version field is {0}, not 6")]
    Ipv6Version(u8),
    /// IPv6 payload length does not match the bytes after the IPv6 header (jumbograms, payload
    /// length 0, are not modelled).
    #[error(
        "IPv6 payload length {payload_len} does not match the {available} bytes after the IPv6 header"
    )]
    PayloadLength {
        /// the field
        payload_len: u16,
        /// bytes in the frame after the fixed header
        available: usize,
    },
    /// `ip6_find_1stfragopt` returned `-EINVAL`: an extension header runs past the packet or the
    /// unfragmentable part passes 65535 bytes.
    #[error("IPv6 extension header chain broken at packet offset {offset}")]
    ExtChain {
        /// offset (from the IPv6 header) of the header that does not fit
        offset: usize,
    },
    /// The IPv6 extension header chain does not end in UDP.
    #[error("IPv6 next header {0} after the extension headers is not UDP (17)")]
    Ipv6NotUdp(u8),
    /// IPv6 MTU smaller than the unfragmentable part + Fragment header + 8 (`ip6_fragment`
    /// `fail_toobig`).
    #[error("MTU {mtu} is below the {hlen}-byte unfragmentable part + 8-byte Fragment header + 8")]
    Ipv6MtuTooSmall {
        /// the MTU asked for
        mtu: u32,
        /// unfragmentable length (IPv6 header + unfragmentable extension headers)
        hlen: usize,
    },
    /// `skb_checksum_help` refuses a start at or past the end, or a field that does not fit.
    #[error("checksum start {start} + offset {offset} + 2 does not fit the {len}-byte frame")]
    CsumOutside {
        /// `csum_start`
        start: u16,
        /// `csum_offset`
        offset: u16,
        /// frame length
        len: usize,
    },
    /// A checksum start inside the MAC addresses together with VLAN insertion: the kernel's
    /// result would depend on the tag bytes; no stack does this.
    #[error("checksum start {0} lies inside the MAC addresses, before the inserted VLAN tag")]
    CsumStartBeforeTag(u16),
    /// UFO and USO asked for together: fragments and segments never mix in one packet.
    #[error("UFO and USO asked for the same packet")]
    UfoAndUso,
    /// USO with `gso_size` 0 (Linux: `UDP_SEGMENT` 0 means no segmentation, never a GSO skb).
    #[error("USO with gso_size 0")]
    UsoGsoSize,
    /// USO needing more segments than `UDP_MAX_SEGMENTS` (`udp_send_skb`: `-EINVAL`).
    #[error("USO needs {segments} segments: more than {max} (UDP_MAX_SEGMENTS)")]
    UsoSegments {
        /// segments the payload needs
        segments: usize,
        /// the limit
        max: usize,
    },
    /// USO without a checksum request, or with a zero check field: the UDP checksum disabled
    /// (`udp_send_skb` refuses `UDP_SEGMENT` with `sk_no_check_tx`).
    #[error("USO with the UDP checksum disabled (no CHECKSUM_PARTIAL request, or check field 0)")]
    UsoChecksumOff,
    /// USO whose checksum request is not the UDP check field.
    #[error("USO checksum start {start} / offset {offset}: not the UDP header at {udp} / 6")]
    UsoCsumPosition {
        /// `csum_start`
        start: u16,
        /// `csum_offset`
        offset: u16,
        /// the UDP header's offset in the frame
        udp: usize,
    },
    /// A USO super-frame longer than Linux ever hands a device.
    #[error("USO super-frame of {len} bytes: over 65535 with its Ethernet header")]
    UsoLength {
        /// frame length
        len: usize,
    },
}

/// The offload requests of one `sk_buff`, as the golden model needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GoldenRequest {
    /// UFO at this MTU (IP packet bytes, the MTU of the device the stack routes through; an
    /// inserted VLAN tag is not part of it). `None`: the frame is sent as it is, however long.
    pub ufo_mtu: Option<u32>,
    /// IPv6 Fragment identification, the value whose big-endian bytes go on the wire.
    pub ip6_frag_id: u32,
    /// `CHECKSUM_PARTIAL`: `csum_start` (from the frame start) and `csum_offset`.
    pub csum: Option<CsumRequest>,
    /// 802.1Q tag (TCI) to insert after the MAC addresses of every frame, TPID 0x8100.
    pub vlan_insert: Option<u16>,
    /// USO (`SKB_GSO_UDP_L4`) with this `gso_size` ([`uso_segments`]); excludes `ufo_mtu`.
    pub uso_gso_size: Option<u16>,
}

/// The frames Linux sends for one `sk_buff` on a device without UFO, checksum or VLAN offload.
///
/// `frame` is the `sk_buff`'s bytes (with the `CHECKSUM_PARTIAL` seed in place when a checksum
/// is requested). In order:
/// 1. `req.csum`: `skb_checksum_help` — sum from `csum_start` to the end of the frame (seed
///    included), fold, complement, a result of 0 stored as 0xFFFF, at `csum_start +
///    csum_offset`. Any protocol.
/// 2. `req.ufo_mtu`: IPv4 — `ip_finish_output`: fragment with `ip_do_fragment` when the total
///    length exceeds the MTU; IPv6 — `__ip6_finish_output`: fragment with `ip6_fragment` (with
///    `req.ip6_frag_id`) when the packet exceeds the MTU. A packet that fits is one frame,
///    headers untouched. Only UDP datagrams are accepted here (a UFO `sk_buff` is always one).
///    With `req.uso_gso_size` (USO, `SKB_GSO_UDP_L4`) steps 1 and 2 are [`uso_segments`].
/// 3. `req.vlan_insert`: `__vlan_hwaccel_push_inside` on every frame: TPID 0x8100 and the TCI
///    inserted after the MAC addresses (before any tag already in the frame).
pub fn wire_output(frame: &[u8], req: &GoldenRequest) -> Result<Vec<Vec<u8>>, GoldenError> {
    let mut frames = match (req.uso_gso_size, req.ufo_mtu) {
        (Some(_), Some(_)) => return Err(GoldenError::UfoAndUso),
        (Some(gso_size), None) => uso_segments(frame, gso_size, req.csum)?,
        (None, _) => checksum_and_fragment(frame, req)?,
    };
    if let Some(tci) = req.vlan_insert {
        // The kernel inserts into a frame that has an Ethernet header.
        need(&frames[0], "Ethernet header", 14)?;
        for f in &mut frames {
            vlan_insert_tag(f, tci);
        }
    }
    Ok(frames)
}

/// Steps 1 and 2 of [`wire_output`] for a packet without USO.
fn checksum_and_fragment(frame: &[u8], req: &GoldenRequest) -> Result<Vec<Vec<u8>>, GoldenError> {
    let mut skb = frame.to_vec();
    if let Some(c) = req.csum {
        if req.vlan_insert.is_some() && usize::from(c.start) < MAC_ADDRS_LEN {
            return Err(GoldenError::CsumStartBeforeTag(c.start));
        }
        skb_checksum_help(&mut skb, c)?;
    }
    Ok(match req.ufo_mtu {
        None => vec![skb],
        Some(mtu) => {
            let (type_at, ethertype) = ethertype(&skb)?;
            match ethertype {
                ETHERTYPE_IPV4 => {
                    let ip = parse(&skb)?;
                    if usize::from(ip.tot_len) <= mtu as usize {
                        vec![skb]
                    } else {
                        ip_do_fragment(&skb, &ip, mtu)?
                    }
                }
                ETHERTYPE_IPV6 => {
                    let ip = parse_ipv6(&skb, type_at + 2)?;
                    if skb.len() - ip.l3 <= mtu as usize {
                        vec![skb]
                    } else {
                        ip6_fragment(&skb, &ip, mtu, req.ip6_frag_id)?
                    }
                }
                other => return Err(GoldenError::NotIp(other)),
            }
        }
    })
}

/// The MTU at which `ip_do_fragment` / `ip6_fragment` cut `frame` into pieces of at most
/// `ufo_size` IP payload bytes (fragmentable bytes for IPv6): `ufo_size + ihl*4` for IPv4,
/// `ufo_size + unfragmentable length + 8` for IPv6. For golden output of an `sk_buff` given by
/// its `ufo_size` (replayed captures, hand-written vectors).
pub fn mtu_for_ufo_size(frame: &[u8], ufo_size: u16) -> Result<u32, GoldenError> {
    let (type_at, ethertype) = ethertype(frame)?;
    let hlen = match ethertype {
        ETHERTYPE_IPV4 => parse(frame)?.hlen,
        ETHERTYPE_IPV6 => parse_ipv6(frame, type_at + 2)?.hlen + FRAG_HDR_LEN,
        other => return Err(GoldenError::NotIp(other)),
    };
    Ok(u32::from(ufo_size) + hlen as u32)
}

/// `skb_checksum_help` (net/core/dev.c): `csum = skb_checksum(skb, start, len - start, 0)`;
/// `*(__sum16 *)(data + start + offset) = csum_fold(csum) ?: CSUM_MANGLED_0`. The sum pairs
/// bytes from `csum_start` on, whatever its parity in the frame.
pub fn skb_checksum_help(frame: &mut [u8], c: CsumRequest) -> Result<(), GoldenError> {
    let start = usize::from(c.start);
    let at = start + usize::from(c.offset);
    if start >= frame.len() || at + 2 > frame.len() {
        return Err(GoldenError::CsumOutside {
            start: c.start,
            offset: c.offset,
            len: frame.len(),
        });
    }
    let folded = !ones_sum(&frame[start..]);
    let value = if folded == 0 { 0xFFFF } else { folded };
    frame[at..at + 2].copy_from_slice(&value.to_be_bytes());
    Ok(())
}

/// `vlan_insert_tag` with `mac_len = ETH_HLEN`: the 12 address bytes move 4 bytes toward the
/// head, TPID 0x8100 and the TCI go in between.
fn vlan_insert_tag(frame: &mut Vec<u8>, tci: u16) {
    let mut tag = [0u8; 4];
    tag[..2].copy_from_slice(&TPID_8021Q.to_be_bytes());
    tag[2..].copy_from_slice(&tci.to_be_bytes());
    frame.splice(MAC_ADDRS_LEN..MAC_ADDRS_LEN, tag);
}

/// The frames Linux sends for `frame` (Ethernet [+ 802.1Q tags] + IPv4 + UDP + payload; the UDP
/// check field is ignored) on a device without UFO with this `mtu`, in wire order.
///
/// `check`: [`UdpCheck::Compute`] computes the complete UDP checksum (0 sent as 0xFFFF) as
/// `udp_send_skb` does, and as `skb_checksum_help` does for a `CHECKSUM_PARTIAL` seed before
/// fragmenting; [`UdpCheck::Zero`] sends check field 0.
///
/// A datagram whose IPv4 total length is at most `mtu` goes out as one frame with its headers
/// unchanged. A larger one is cut by `ip_do_fragment`'s slow path (see `docs/golden-model.md`).
pub fn wire_frames(frame: &[u8], mtu: u32, check: UdpCheck) -> Result<Vec<Vec<u8>>, GoldenError> {
    let ip = parse(frame)?;
    let mut datagram = frame.to_vec();
    fill_udp_check(&mut datagram, &ip, check)?;

    // ip_finish_output: fragment only when the IP packet is longer than the MTU.
    if usize::from(ip.tot_len) <= mtu as usize {
        return Ok(vec![datagram]);
    }
    ip_do_fragment(&datagram, &ip, mtu)
}

/// Where the headers are, as read from the frame.
#[derive(Debug, Clone, Copy)]
struct Ipv4At {
    /// Offset of the IPv4 header (after Ethernet and tags).
    l3: usize,
    /// `ihl * 4`.
    hlen: usize,
    tot_len: u16,
    frag_off: u16,
}

fn need(frame: &[u8], field: &'static str, end: usize) -> Result<(), GoldenError> {
    if frame.len() < end {
        Err(GoldenError::Truncated {
            field,
            need: end,
            have: frame.len(),
        })
    } else {
        Ok(())
    }
}

fn be16(frame: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([frame[at], frame[at + 1]])
}

/// Walks the 802.1Q tags: (offset of the EtherType, EtherType).
fn ethertype(frame: &[u8]) -> Result<(usize, u16), GoldenError> {
    need(frame, "Ethernet header", 14)?;
    let mut type_at = 12;
    while matches!(be16(frame, type_at), TPID_8021Q | TPID_8021AD) {
        type_at += 4;
        need(frame, "802.1Q tag", type_at + 2)?;
    }
    Ok((type_at, be16(frame, type_at)))
}

/// Finds and checks the IPv4 and UDP headers.
fn parse(frame: &[u8]) -> Result<Ipv4At, GoldenError> {
    let (type_at, ethertype) = ethertype(frame)?;
    if ethertype != ETHERTYPE_IPV4 {
        return Err(GoldenError::NotIpv4(ethertype));
    }
    let l3 = type_at + 2;
    need(frame, "IPv4 header", l3 + 20)?;
    let version = frame[l3] >> 4;
    if version != 4 {
        return Err(GoldenError::IpVersion(version));
    }
    let ihl = frame[l3] & 0x0F;
    if ihl < 5 {
        return Err(GoldenError::Ihl(ihl));
    }
    let hlen = usize::from(ihl) * 4;
    need(frame, "IPv4 options", l3 + hlen)?;
    let tot_len = be16(frame, l3 + 2);
    let available = frame.len() - l3;
    if usize::from(tot_len) != available || usize::from(tot_len) < hlen {
        return Err(GoldenError::TotalLength { tot_len, available });
    }
    let protocol = frame[l3 + 9];
    if protocol != IPPROTO_UDP {
        return Err(GoldenError::NotUdp(protocol));
    }
    let frag_off = be16(frame, l3 + 6);
    let ip = Ipv4At {
        l3,
        hlen,
        tot_len,
        frag_off,
    };
    let base = usize::from(frag_off & IP_OFFSET) << 3;
    let ip_payload = usize::from(tot_len) - hlen;
    if base + ip_payload > 0xFFFF {
        return Err(GoldenError::OffsetOverflow {
            base,
            len: ip_payload,
        });
    }
    if base == 0 {
        // The UDP header is in this packet.
        need(frame, "UDP header", l3 + hlen + 8)?;
        let udp_len = be16(frame, l3 + hlen + 4);
        let is_fragment = frag_off & IP_MF != 0;
        if !is_fragment && usize::from(udp_len) != ip_payload {
            return Err(GoldenError::UdpLength {
                udp_len,
                ip_payload,
            });
        }
    }
    Ok(ip)
}

/// `udp_send_skb` / `skb_checksum_help` (Compute), or `SO_NO_CHECK` (Zero).
fn fill_udp_check(datagram: &mut [u8], ip: &Ipv4At, check: UdpCheck) -> Result<(), GoldenError> {
    let base = usize::from(ip.frag_off & IP_OFFSET) << 3;
    let is_fragment = base != 0 || ip.frag_off & IP_MF != 0;
    let l4 = ip.l3 + ip.hlen;
    match check {
        UdpCheck::Compute => {
            if is_fragment {
                return Err(GoldenError::ChecksumOfFragment(ip.frag_off));
            }
            let mut src = [0u8; 4];
            let mut dst = [0u8; 4];
            src.copy_from_slice(&datagram[ip.l3 + 12..ip.l3 + 16]);
            dst.copy_from_slice(&datagram[ip.l3 + 16..ip.l3 + 20]);
            // The stack computes over the datagram with the check field zero.
            datagram[l4 + 6..l4 + 8].fill(0);
            let check = udp_ipv4_checksum(src, dst, &datagram[l4..]);
            datagram[l4 + 6..l4 + 8].copy_from_slice(&check.to_be_bytes());
        }
        UdpCheck::Zero => {
            if base == 0 {
                datagram[l4 + 6..l4 + 8].fill(0);
            }
        }
    }
    Ok(())
}

/// `ip_do_fragment`, slow path (net/ipv4/ip_output.c), for a datagram longer than `mtu`.
fn ip_do_fragment(datagram: &[u8], ip: &Ipv4At, mtu: u32) -> Result<Vec<Vec<u8>>, GoldenError> {
    let hlen = ip.hlen;
    // "mtu = mtu - hlen;	/* Size of data space */"
    let space = (mtu as usize)
        .checked_sub(hlen)
        .filter(|&s| s >= 8)
        .ok_or(GoldenError::MtuTooSmall { mtu, hlen })?;
    let eth = &datagram[..ip.l3];
    // The header every fragment starts from; ip_options_fragment() rewrites it in place after
    // the first fragment has copied it.
    let mut header = datagram[ip.l3..ip.l3 + hlen].to_vec();
    let mut left = usize::from(ip.tot_len) - hlen;
    let mut ptr = ip.l3 + hlen;
    let mut offset = usize::from(ip.frag_off & IP_OFFSET) << 3;
    let not_last_frag = ip.frag_off & IP_MF != 0;

    let mut frames = Vec::new();
    while left > 0 {
        let mut len = left.min(space);
        if len < left {
            len &= !7;
        }
        let mut frame = Vec::with_capacity(ip.l3 + hlen + len);
        frame.extend_from_slice(eth);
        frame.extend_from_slice(&header);
        frame.extend_from_slice(&datagram[ptr..ptr + len]);
        left -= len;

        let h = ip.l3;
        // frag_off = offset >> 3: DF and the reserved bit are cleared (IPSKB_FRAG_PMTU, which
        // would add DF, is only set by ip_frag_reasm, never on a locally generated datagram).
        let mut frag_off = (offset >> 3) as u16;
        if offset == 0 {
            ip_options_fragment(&mut header[20..]);
        }
        if left > 0 || not_last_frag {
            frag_off |= IP_MF;
        }
        ptr += len;
        offset += len;
        frame[h + 6..h + 8].copy_from_slice(&frag_off.to_be_bytes());
        frame[h + 2..h + 4].copy_from_slice(&((len + hlen) as u16).to_be_bytes());
        // ip_send_check: checksum over the header with the field zeroed.
        frame[h + 10..h + 12].fill(0);
        let check = internet_checksum(&frame[h..h + hlen]);
        frame[h + 10..h + 12].copy_from_slice(&check.to_be_bytes());
        frames.push(frame);
    }
    Ok(frames)
}

/// Where the IPv6 headers are, as read from the frame.
#[derive(Debug, Clone, Copy)]
struct Ipv6At {
    /// Offset of the IPv6 header.
    l3: usize,
    /// Unfragmentable length from the IPv6 header on (`hlen` of `ip6_fragment`).
    hlen: usize,
    /// Offset from the IPv6 header of the next-header byte that announces the first
    /// fragmentable header (`prevhdr`).
    prevhdr: usize,
    /// Offset from the IPv6 header of the UDP header (past every extension header).
    upper: usize,
}

/// Finds and checks the IPv6 header, the extension header chain and UDP.
fn parse_ipv6(frame: &[u8], l3: usize) -> Result<Ipv6At, GoldenError> {
    need(frame, "IPv6 header", l3 + IPV6_HLEN)?;
    let version = frame[l3] >> 4;
    if version != 6 {
        return Err(GoldenError::Ipv6Version(version));
    }
    let payload_len = be16(frame, l3 + 4);
    let available = frame.len() - l3 - IPV6_HLEN;
    if usize::from(payload_len) != available {
        return Err(GoldenError::PayloadLength {
            payload_len,
            available,
        });
    }
    let pkt = &frame[l3..];
    let (hlen, prevhdr) = ip6_find_1stfragopt(pkt)?;

    // The upper layer: past every Hop-by-Hop, Routing and Destination Options header.
    let mut nh_at = 6;
    let mut off = IPV6_HLEN;
    loop {
        match pkt[nh_at] {
            NEXTHDR_HOP | NEXTHDR_ROUTING | NEXTHDR_DEST => {
                if off + 2 > pkt.len() {
                    return Err(GoldenError::ExtChain { offset: off });
                }
                nh_at = off;
                off += (usize::from(pkt[off + 1]) + 1) << 3;
            }
            IPPROTO_UDP => break,
            other => return Err(GoldenError::Ipv6NotUdp(other)),
        }
    }
    need(frame, "UDP header", l3 + off + 8)?;
    let udp_len = be16(pkt, off + 4);
    if usize::from(udp_len) != pkt.len() - off {
        return Err(GoldenError::UdpLength {
            udp_len,
            ip_payload: pkt.len() - off,
        });
    }
    Ok(Ipv6At {
        l3,
        hlen,
        prevhdr,
        upper: off,
    })
}

/// `ip6_find_1stfragopt` (net/ipv6/output_core.c) on an IPv6 packet: (length of the
/// unfragmentable part, offset of the next-header byte that names the first fragmentable
/// header). Hop-by-Hop and Routing headers are skipped; a Destination Options header is skipped
/// unless a Routing header was seen before it; anything else ends the walk. The
/// `CONFIG_IPV6_MIP6` exception (a Destination Options header holding a Home Address option
/// stays unfragmentable) is not modelled.
pub fn ip6_find_1stfragopt(pkt: &[u8]) -> Result<(usize, usize), GoldenError> {
    let mut offset = IPV6_HLEN;
    let packet_len = pkt.len();
    let mut found_rhdr = false;
    let mut nexthdr = 6;
    while offset <= packet_len {
        match pkt[nexthdr] {
            NEXTHDR_HOP => {}
            NEXTHDR_ROUTING => found_rhdr = true,
            NEXTHDR_DEST => {
                if found_rhdr {
                    return Ok((offset, nexthdr));
                }
            }
            _ => return Ok((offset, nexthdr)),
        }
        if offset + 2 > packet_len {
            return Err(GoldenError::ExtChain { offset });
        }
        let optlen = (usize::from(pkt[offset + 1]) + 1) << 3;
        nexthdr = offset;
        offset += optlen;
        if offset > IPV6_MAXPLEN {
            return Err(GoldenError::ExtChain { offset });
        }
    }
    Err(GoldenError::ExtChain { offset })
}

/// `ip6_fragment`, slow path (`ip6_frag_init` / `ip6_frag_next`, net/ipv6/ip6_output.c), for
/// a packet longer than `mtu`.
fn ip6_fragment(
    frame: &[u8],
    ip: &Ipv6At,
    mtu: u32,
    frag_id: u32,
) -> Result<Vec<Vec<u8>>, GoldenError> {
    let hlen = ip.hlen;
    // "if (mtu < hlen + sizeof(struct frag_hdr) + 8) goto fail_toobig;"
    // "mtu -= hlen + sizeof(struct frag_hdr);"
    let space = (mtu as usize)
        .checked_sub(hlen + FRAG_HDR_LEN)
        .filter(|&s| s >= 8)
        .ok_or(GoldenError::Ipv6MtuTooSmall { mtu, hlen })?;
    let eth = &frame[..ip.l3];
    let pkt = &frame[ip.l3..];
    let nexthdr = pkt[ip.prevhdr];
    let mut left = pkt.len() - hlen;
    let mut ptr = hlen;
    let mut offset = 0usize;
    let mut frames = Vec::new();
    while left > 0 {
        let mut len = left.min(space);
        if len < left {
            len &= !7;
        }
        let mut f = Vec::with_capacity(eth.len() + hlen + FRAG_HDR_LEN + len);
        f.extend_from_slice(eth);
        // skb_copy_from_linear_data(skb, skb_network_header(frag), hlen)
        f.extend_from_slice(&pkt[..hlen]);
        // *fragnexthdr_offset = NEXTHDR_FRAGMENT
        f[ip.l3 + ip.prevhdr] = NEXTHDR_FRAGMENT;
        left -= len;
        // fh->frag_off = htons(offset); if (left > 0) fh->frag_off |= htons(IP6_MF)
        let mut frag_off = offset as u16;
        if left > 0 {
            frag_off |= IP6_MF;
        }
        f.push(nexthdr);
        f.push(0);
        f.extend_from_slice(&frag_off.to_be_bytes());
        f.extend_from_slice(&frag_id.to_be_bytes());
        f.extend_from_slice(&pkt[ptr..ptr + len]);
        // payload_len = htons(frag->len - sizeof(struct ipv6hdr))
        let plen = (hlen + FRAG_HDR_LEN + len - IPV6_HLEN) as u16;
        f[ip.l3 + 4..ip.l3 + 6].copy_from_slice(&plen.to_be_bytes());
        ptr += len;
        offset += len;
        frames.push(f);
    }
    Ok(frames)
}

/// `ip_options_fragment` (net/ipv4/ip_options.c): overwrite every option whose type lacks the
/// copied bit with NOOPs over its full length. Stops at EOL, and at a length below 2 or past the
/// options (a malformed option ends the walk with the rest left as it is).
pub fn ip_options_fragment(options: &mut [u8]) {
    let mut i = 0;
    let mut l = options.len();
    while l > 0 {
        match options[i] {
            IPOPT_END => return,
            IPOPT_NOOP => {
                l -= 1;
                i += 1;
                continue;
            }
            _ => {}
        }
        // With one byte left the kernel reads the length from the byte after the options; any
        // value there is < 2 or > 1, so the walk stops either way.
        let Some(&optlen) = options.get(i + 1) else {
            return;
        };
        let optlen = usize::from(optlen);
        if optlen < 2 || optlen > l {
            return;
        }
        if options[i] & IPOPT_COPY == 0 {
            options[i..i + optlen].fill(IPOPT_NOOP);
        }
        l -= optlen;
        i += optlen;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_fragment_rules() {
        // Router Alert (copied), Record Route len 7 (not copied), NOOP, EOL, then junk.
        let mut o = vec![
            0x94, 4, 0, 0, 0x07, 7, 4, 1, 2, 3, 4, 0x01, 0x00, 0x07, 0x03, 0x00,
        ];
        ip_options_fragment(&mut o);
        assert_eq!(
            o,
            vec![0x94, 4, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0x01, 0x00, 0x07, 0x03, 0x00],
            "RR blanked, RA kept, walk stopped at EOL"
        );

        // Malformed length (1) stops the walk: the not-copied option after it stays.
        let mut o = vec![0x07, 1, 0x44, 4, 0, 0, 0, 0];
        ip_options_fragment(&mut o);
        assert_eq!(o, vec![0x07, 1, 0x44, 4, 0, 0, 0, 0]);

        // Length past the end stops the walk too.
        let mut o = vec![0x44, 4, 0, 0, 0x07, 9, 0, 0];
        ip_options_fragment(&mut o);
        assert_eq!(o, vec![1, 1, 1, 1, 0x07, 9, 0, 0]);

        // Exactly-fitting not-copied option at the end; copied 3-byte option; final lone byte.
        let mut o = vec![0x9e, 3, 0xAA, 0x1e, 2, 0x07, 3, 0x55];
        ip_options_fragment(&mut o);
        assert_eq!(o, vec![0x9e, 3, 0xAA, 1, 1, 1, 1, 1]);
        let mut o = vec![0x01, 0x01, 0x01, 0x44];
        ip_options_fragment(&mut o);
        assert_eq!(o, vec![0x01, 0x01, 0x01, 0x44], "lone type byte: stop");

        // Empty options: nothing happens.
        let mut o: Vec<u8> = vec![];
        ip_options_fragment(&mut o);
        assert!(o.is_empty());
    }
}
