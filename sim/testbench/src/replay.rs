//! `ufo-sim replay`: turns captured, unfragmented Ethernet frames into the skbs the kernel would
//! have handed this device (`NETIF_F_UFO | NETIF_F_HW_CSUM | NETIF_F_SG`) at a given MTU.
//!
//! - An IPv4 or IPv6 UDP datagram longer than the MTU becomes a UFO skb: `ufo_size` as the
//!   kernel derives it (`mtu - IP header` for IPv4, `mtu - unfragmentable part - 8` for IPv6),
//!   the payload in seed-patch pages, the pseudo-header seed in the check field. IPv6 datagrams
//!   get fragment ids from a counter that starts at 1 and counts every IPv6 UFO datagram of the
//!   capture, in order (the kernel draws them from a hash; any value is legal).
//! - A UDP or TCP segment that fits gets checksum offload (`CHECKSUM_PARTIAL`, seed in place),
//!   as the stack asks of a `NETIF_F_HW_CSUM` device.
//! - Anything else is sent as it is: other protocols (UDP-Lite and ICMPv6 come with the complete
//!   checksum Linux computes in software, `docs/golden-model.md` decision 20), IP fragments,
//!   non-IP frames.
//!
//! - With `--uso GSO_SIZE` ([`cases_from_frames_uso`]): a checksummed UDP datagram (IPv4 or
//!   IPv6) whose payload exceeds `GSO_SIZE` becomes a USO super-frame skb instead: `gso_size`,
//!   the seed over the full UDP length in the check field, `CHECKSUM_PARTIAL` at it.
//!
//! A captured UDP/TCP check field may hold the full checksum or only the seed (captures on
//! offloading hosts show the seed): both mean "checksummed". An IPv4 UDP check of 0 means "no
//! checksum" and stays 0. Ethernet padding after an IP packet is dropped (the MAC adds it back);
//! 802.1Q / 802.1ad tags in the frame stay where they are.

use thiserror::Error;
use ufo_driver::checksum::{add_ipv4_pseudo_header, add_ipv6_pseudo_header, Checksum};
use ufo_driver::skb::{CsumOffload, Skb};
use ufo_driver::skb_build::{from_frame, BuildError, FragLayout};
use ufo_golden::GoldenError;

use crate::case::{Case, Expect, Fault};
use crate::headers::{be16, ethertype, ipv6_upper, HeaderError, Ipv6Upper};

/// Why a captured frame cannot be replayed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplayError {
    /// Its headers cannot be walked.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// The frame ends inside the IPv4 header.
    #[error("truncated IPv4 header")]
    TruncatedIpv4,
    /// Version, IHL or total length do not fit the frame.
    #[error("malformed IPv4 header (version/IHL {version_ihl:#04x}, total length {total_len}, {frame_len}-byte frame)")]
    MalformedIpv4 {
        /// byte 0 of the header
        version_ihl: u8,
        /// the total length field
        total_len: usize,
        /// bytes in the frame
        frame_len: usize,
    },
    /// The IPv6 version field is not 6, or the frame ends inside the header.
    #[error("truncated or malformed IPv6 header")]
    MalformedIpv6,
    /// The IPv6 payload length does not fit the frame (or is 0, a jumbogram).
    #[error("IPv6 payload length {payload_len} does not fit the {frame_len}-byte frame (jumbograms are not handled)")]
    Ipv6PayloadLength {
        /// the payload length field
        payload_len: usize,
        /// bytes in the frame
        frame_len: usize,
    },
    /// The frame ends inside the UDP or TCP header.
    #[error("truncated {0} header")]
    TruncatedL4(&'static str),
    /// The UDP length is not the rest of the IP packet.
    #[error("UDP length {udp_len} is not the IP payload length {ip_payload_len}")]
    UdpLength {
        /// the UDP length field
        udp_len: usize,
        /// what the IP header leaves
        ip_payload_len: usize,
    },
    /// The MTU leaves no room for a fragment's payload.
    #[error("MTU {mtu} leaves no room after {header_len} header bytes")]
    MtuTooSmall {
        /// the MTU
        mtu: u32,
        /// IP header (IPv6: unfragmentable part) bytes
        header_len: usize,
    },
    /// The skb builder refused the frame.
    #[error("skb: {0}")]
    Skb(#[from] BuildError),
    /// The golden model refused the frame.
    #[error("golden model: {0}")]
    Golden(#[from] GoldenError),
}

/// A frame of the capture that cannot be replayed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("frame {frame}: {source}")]
pub struct FrameError {
    /// 1-based, as Wireshark numbers them.
    pub frame: usize,
    /// Why not.
    pub source: ReplayError,
}

const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;

/// Builds one case per frame it can handle; the others get an error naming the frame
/// (numbered from 1, as Wireshark does).
pub fn cases_from_frames(frames: &[Vec<u8>], mtu: u32) -> (Vec<Case>, Vec<FrameError>) {
    cases_from_frames_uso(frames, mtu, None)
}

/// [`cases_from_frames`], with `uso = Some(gso_size)`: every checksummed UDP datagram whose
/// payload exceeds `gso_size` becomes a USO super-frame with that `gso_size` (what a sending
/// host that uses `UDP_SEGMENT` captures), instead of UFO at `mtu`; the rest as there.
pub fn cases_from_frames_uso(
    frames: &[Vec<u8>],
    mtu: u32,
    uso: Option<u16>,
) -> (Vec<Case>, Vec<FrameError>) {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    let mut next_frag_id = 1u32;
    let ctx = Context { mtu, uso };
    for (i, frame) in frames.iter().enumerate() {
        let n = i + 1;
        match case_from_frame(frame, &ctx, &mut next_frag_id) {
            Ok(mut c) => {
                c.name = format!("frame-{n}");
                c.origin = format!("pcap frame {n}");
                cases.push(c);
            }
            Err(source) => errors.push(FrameError { frame: n, source }),
        }
    }
    (cases, errors)
}

/// How frames are turned into skbs: UFO at `mtu`, or USO with `uso` for datagrams past it.
struct Context {
    mtu: u32,
    uso: Option<u16>,
}

impl Context {
    /// The `gso_size` a UDP datagram of `udp_len` bytes is sent with, if it is a USO one.
    fn uso_for(&self, udp_len: usize) -> Option<u16> {
        self.uso.filter(|&g| udp_len > usize::from(g) + 8)
    }
}

/// What the stack would ask of the device for one frame.
struct Plan {
    bytes: Vec<u8>,
    head_len: usize,
    ufo_size: u16,
    uso_gso_size: Option<u16>,
    ip6_frag_id: u32,
    csum: Option<CsumOffload>,
    ipv6_final_dst: Option<[u8; 16]>,
}

impl Plan {
    fn as_is(frame: &[u8]) -> Plan {
        Plan {
            bytes: frame.to_vec(),
            head_len: frame.len().min(128),
            ufo_size: 0,
            uso_gso_size: None,
            ip6_frag_id: 0,
            csum: None,
            ipv6_final_dst: None,
        }
    }
}

fn case_from_frame(
    frame: &[u8],
    ctx: &Context,
    next_frag_id: &mut u32,
) -> Result<Case, ReplayError> {
    let plan = plan_frame(frame, ctx, next_frag_id)?;
    let mut skb: Skb = from_frame(&plan.bytes, plan.head_len, FragLayout::SeedPages)?;
    skb.ufo_size = plan.ufo_size;
    skb.uso_gso_size = plan.uso_gso_size;
    skb.ip6_frag_id = plan.ip6_frag_id;
    skb.csum = plan.csum;
    let expected = skb.golden()?;
    Ok(Case {
        name: String::new(),
        origin: String::new(),
        skb,
        fault: Fault::None,
        expect: Expect::Frames(expected),
        ipv6_final_dst: plan.ipv6_final_dst,
    })
}

fn plan_frame(frame: &[u8], ctx: &Context, next_frag_id: &mut u32) -> Result<Plan, ReplayError> {
    let (ethertype, l3) = ethertype(frame)?;
    match ethertype {
        0x0800 => plan_ipv4(frame, l3, ctx),
        0x86DD => plan_ipv6(frame, l3, ctx, next_frag_id),
        _ => Ok(Plan::as_is(frame)),
    }
}

fn plan_ipv4(frame: &[u8], l3: usize, ctx: &Context) -> Result<Plan, ReplayError> {
    let mtu = ctx.mtu;
    if frame.len() < l3 + 20 {
        return Err(ReplayError::TruncatedIpv4);
    }
    let ihl = usize::from(frame[l3] & 0x0F) * 4;
    let tot_len = usize::from(be16(frame, l3 + 2));
    if frame[l3] >> 4 != 4 || ihl < 20 || tot_len < ihl || l3 + tot_len > frame.len() {
        return Err(ReplayError::MalformedIpv4 {
            version_ihl: frame[l3],
            total_len: tot_len,
            frame_len: frame.len(),
        });
    }
    let frame = &frame[..l3 + tot_len]; // drop Ethernet padding
    let proto = frame[l3 + 9];
    let l4 = l3 + ihl;
    if be16(frame, l3 + 6) & 0x3FFF != 0 || !matches!(proto, IPPROTO_UDP | IPPROTO_TCP) {
        return Ok(Plan::as_is(frame)); // an IP fragment or another protocol: as it is
    }
    let l4_len = tot_len - ihl;
    let check_at = if proto == IPPROTO_UDP { 6 } else { 16 };
    if l4_len < check_at + 2 {
        return Err(ReplayError::TruncatedL4(if proto == IPPROTO_UDP {
            "UDP"
        } else {
            "TCP"
        }));
    }
    let mut bytes = frame.to_vec();
    let mut plan = Plan::as_is(frame);
    let checksummed = proto == IPPROTO_TCP || be16(frame, l4 + 6) != 0;
    if checksummed {
        let mut sum = Checksum::new();
        let (src, dst) = (&frame[l3 + 12..l3 + 16], &frame[l3 + 16..l3 + 20]);
        add_ipv4_pseudo_header(&mut sum, addr(src), addr(dst), proto, l4_len as u16);
        bytes[l4 + check_at..l4 + check_at + 2].copy_from_slice(&sum.folded().to_be_bytes());
        plan.csum = Some(CsumOffload {
            start: l4 as u16,
            offset: check_at as u16,
        });
    }
    plan.bytes = bytes;
    plan.head_len = l4 + check_at + 2;
    if let Some(g) = ctx
        .uso_for(l4_len)
        .filter(|_| proto == IPPROTO_UDP && checksummed)
    {
        check_udp_len(frame, l4, l4_len)?;
        plan.uso_gso_size = Some(g);
    } else if proto == IPPROTO_UDP && tot_len as u32 > mtu {
        check_udp_len(frame, l4, l4_len)?;
        let ufo_size =
            mtu.checked_sub(ihl as u32)
                .filter(|s| *s >= 8)
                .ok_or(ReplayError::MtuTooSmall {
                    mtu,
                    header_len: ihl,
                })?;
        plan.ufo_size = ufo_size.min(0xFFFF) as u16;
        plan.head_len = l4 + 8;
    }
    Ok(plan)
}

fn plan_ipv6(
    frame: &[u8],
    l3: usize,
    ctx: &Context,
    next_frag_id: &mut u32,
) -> Result<Plan, ReplayError> {
    let mtu = ctx.mtu;
    if frame.len() < l3 + 40 || frame[l3] >> 4 != 6 {
        return Err(ReplayError::MalformedIpv6);
    }
    let plen = usize::from(be16(frame, l3 + 4));
    if plen == 0 || l3 + 40 + plen > frame.len() {
        return Err(ReplayError::Ipv6PayloadLength {
            payload_len: plen,
            frame_len: frame.len(),
        });
    }
    let frame = &frame[..l3 + 40 + plen];
    let Ipv6Upper {
        protocol: nh,
        offset: at,
        final_dst,
        unfragmentable: unfrag,
    } = ipv6_upper(frame, l3)?;
    if !matches!(nh, IPPROTO_UDP | IPPROTO_TCP) {
        return Ok(Plan::as_is(frame)); // Fragment header, ICMPv6, ...: as it is
    }
    let l4 = at;
    let l4_len = frame.len() - l4;
    let check_at = if nh == IPPROTO_UDP { 6 } else { 16 };
    if l4_len < check_at + 2 {
        return Err(ReplayError::TruncatedL4(if nh == IPPROTO_UDP {
            "UDP"
        } else {
            "TCP"
        }));
    }
    let src: [u8; 16] = addr(&frame[l3 + 8..l3 + 24]);
    let dst: [u8; 16] = final_dst.unwrap_or(addr(&frame[l3 + 24..l3 + 40]));
    let mut sum = Checksum::new();
    add_ipv6_pseudo_header(&mut sum, src, dst, nh, l4_len as u32);
    let mut bytes = frame.to_vec();
    bytes[l4 + check_at..l4 + check_at + 2].copy_from_slice(&sum.folded().to_be_bytes());
    let mut plan = Plan {
        bytes,
        head_len: l4 + check_at + 2,
        ufo_size: 0,
        uso_gso_size: None,
        ip6_frag_id: 0,
        csum: Some(CsumOffload {
            start: l4 as u16,
            offset: check_at as u16,
        }),
        ipv6_final_dst: final_dst,
    };
    if let Some(g) = ctx.uso_for(l4_len).filter(|_| nh == IPPROTO_UDP) {
        check_udp_len(frame, l4, l4_len)?;
        plan.uso_gso_size = Some(g);
    } else if nh == IPPROTO_UDP && (40 + plen) as u32 > mtu {
        check_udp_len(frame, l4, l4_len)?;
        let ufo_size = mtu
            .checked_sub(unfrag as u32 + 8)
            .filter(|s| *s >= 8)
            .ok_or(ReplayError::MtuTooSmall {
                mtu,
                header_len: unfrag + 8,
            })?;
        plan.ufo_size = ufo_size.min(0xFFFF) as u16;
        plan.ip6_frag_id = *next_frag_id;
        *next_frag_id = next_frag_id.wrapping_add(1);
        plan.head_len = l4 + 8;
    }
    Ok(plan)
}

/// The UDP length must be the rest of the IP packet.
fn check_udp_len(frame: &[u8], l4: usize, l4_len: usize) -> Result<(), ReplayError> {
    let udp_len = usize::from(be16(frame, l4 + 4));
    if udp_len == l4_len {
        Ok(())
    } else {
        Err(ReplayError::UdpLength {
            udp_len,
            ip_payload_len: l4_len,
        })
    }
}

/// An address field (the slice has its length by construction).
fn addr<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut a = [0; N];
    a.copy_from_slice(b);
    a
}
