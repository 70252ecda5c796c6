//! Readdresses a case's UDP datagram to a Linux host on a TAP device, for `ufo-sim
//! kernel-check`: the test vectors and random packets carry random MAC and IP addresses, ports
//! and VLAN IDs, which a real receiver drops. The rewrite happens in the `sk_buff` before the
//! engine sees it, so the RTL makes the frames the kernel receives and the golden model checks
//! them as in any run.
//!
//! What changes, per datagram:
//! - Ethernet: destination = the TAP's MAC, source = [`PEER_MAC`].
//! - VLAN: every tag (in the frame or inserted) gets VLAN ID 0, keeping its priority and DEI
//!   bits: a priority tag, which Linux strips at any depth (`__netif_receive_skb_core`) even
//!   without 802.1Q support (`CONFIG_VLAN_8021Q` is unset on some kernels, this machine's
//!   among them). Up to [`MAX_VLAN_DEPTH`] tags.
//! - IP: destination = the receiver's address at the datagram's VLAN depth ([`local_ipv4`],
//!   [`local_ipv6`]). IPv6 Routing headers become type 0 with no segments left, their last
//!   address the destination, which a receiver accepts as the final hop (RFC 8200 section 4.4).
//! - UDP: destination port [`PORT_IPV4`] / [`PORT_IPV6`].
//! - Options a Linux receiver refuses, which the generator draws with random bodies: IPv4
//!   options that `ip_options_compile` rejects (a second Record Route, Timestamp or source
//!   route, pointers out of range, lengths past the header) become NOOPs, and a source route
//!   is marked complete (pointer past its end: the receiver needs `accept_source_route`); IPv6
//!   Hop-by-Hop and Destination Options bodies that `ip6_parse_tlv` rejects (more than 7 bytes
//!   of padding in a row, non-zero PadN, an unknown option whose action is not "skip", more
//!   than 8 options) are refilled with skippable experimental options of the same length.
//!   [`Readdressed::options_replaced`] says when this happened. The IPv4 header checksum is
//!   then recomputed; IPv6 extension headers are not checksummed.
//!
//! The source address and source port absorb the change: one 16-bit word of the source address
//! is chosen so that the one's-complement sum of the addresses stays what it was, and the source
//! port so that the sum of the ports does. No checksum field changes: the IPv4 header checksum,
//! the UDP checksum (full, zero, or the `CHECKSUM_PARTIAL` seed of the pseudo-header) and so
//! the datagrams whose checksum comes out as 0 (sent as 0xFFFF) keep that property.

use thiserror::Error;
use ufo_driver::checksum::ones_sum;
use ufo_driver::skb::Skb;
use ufo_golden::GoldenError;

use crate::case::{Case, Expect};
use crate::headers::{
    be16, ipv6_upper, link, HeaderError, ETHERTYPE_IPV4, ETHERTYPE_IPV6, TAGS_AT, TPID_8021Q,
};

/// MAC address the datagrams come from.
pub const PEER_MAC: [u8; 6] = [0x02, 0x75, 0x66, 0x6f, 0x00, 0x02];
/// Most VLAN tags on the wire: two in the frame and an inserted one.
pub const MAX_VLAN_DEPTH: usize = 3;
/// UDP port the receiver's IPv4 socket listens on.
pub const PORT_IPV4: u16 = 9004;
/// UDP port the receiver's IPv6 socket listens on.
pub const PORT_IPV6: u16 = 9006;

/// The receiver's IPv4 address at VLAN depth `depth` (0: untagged): 198.18.`depth`.1
/// (RFC 2544's benchmarking range).
pub fn local_ipv4(depth: usize) -> [u8; 4] {
    [198, 18, depth as u8, 1]
}

/// The receiver's IPv6 address at VLAN depth `depth`: fd75:666f:0:`depth`::1 (unique local).
pub fn local_ipv6(depth: usize) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[..4].copy_from_slice(&[0xfd, 0x75, 0x66, 0x6f]);
    a[7] = depth as u8;
    a[15] = 1;
    a
}

/// First 16 bits of the IPv4 sources: 198.18 or 198.19 (the last 16 bits balance the sum).
const SRC_IPV4_PREFIXES: [[u8; 2]; 2] = [[198, 18], [198, 19]];
/// First 112 bits of the IPv6 sources, fd75:666f:ff00::/64 (no receiver address is there).
const SRC_IPV6_PREFIX: [u8; 14] = [0xfd, 0x75, 0x66, 0x6f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0];

/// A case that cannot be readdressed for a Linux receiver.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NotDeliverable {
    /// The case ends in an error completion: no datagram goes on the wire.
    #[error("an error case: nothing is sent")]
    ErrorCase,
    /// Not a UDP datagram over IPv4 or IPv6 (TCP, another protocol, a non-IP frame).
    #[error("not a UDP datagram")]
    NotUdp,
    /// A VLAN tag with a TPID the receiver has no device for.
    #[error("VLAN tag {0} is not 802.1Q")]
    Tpid(usize),
    /// More VLAN tags than the receiver has devices for.
    #[error("{0} VLAN tags: more than {MAX_VLAN_DEPTH}")]
    TooDeep(usize),
    /// The frame cannot be walked.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// The golden model refused the readdressed datagram.
    #[error("golden model: {0}")]
    Golden(#[from] GoldenError),
}

/// The IP version of a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// IPv4.
    Ipv4,
    /// IPv6.
    Ipv6,
}

/// A readdressed case and what its receiver must get.
#[derive(Debug, Clone)]
pub struct Readdressed {
    /// The case, its expectation recomputed by the golden model.
    pub case: Case,
    /// IP version.
    pub family: Family,
    /// VLAN tags on the wire (in the frame plus an inserted one).
    pub vlan_depth: usize,
    /// The UDP payload the receiving socket must read.
    pub payload: Vec<u8>,
    /// Whether options a Linux receiver refuses were replaced.
    pub options_replaced: bool,
}

/// One's-complement `a + b`.
fn ones_add(a: u16, b: u16) -> u16 {
    let s = u32::from(a) + u32::from(b);
    ((s & 0xFFFF) + (s >> 16)) as u16
}

/// One's-complement `a - b`.
fn ones_sub(a: u16, b: u16) -> u16 {
    ones_add(a, !b)
}

/// Overwrites `at..at + new.len()` of `bytes` and returns the one's-complement sum of what was
/// there.
fn replace(bytes: &mut [u8], at: usize, new: &[u8]) -> u16 {
    let old = ones_sum(&bytes[at..at + new.len()]);
    bytes[at..at + new.len()].copy_from_slice(new);
    old
}

/// Readdresses `case` (see the module documentation).
pub fn readdress(case: &Case, tap_mac: [u8; 6]) -> Result<Readdressed, NotDeliverable> {
    if !matches!(
        case.expect,
        Expect::Frames(_) | Expect::ChainErrorThenFrames(_)
    ) {
        return Err(NotDeliverable::ErrorCase);
    }
    let mut skb = case.skb.clone();
    let mut bytes = skb.to_bytes();
    let l = link(&bytes)?;
    let inserted = usize::from(skb.vlan_insert.is_some());
    let depth = l.tags + inserted;
    if depth > MAX_VLAN_DEPTH {
        return Err(NotDeliverable::TooDeep(depth));
    }
    if let Some(tci) = &mut skb.vlan_insert {
        *tci &= 0xF000;
    }
    for t in 0..l.tags {
        let at = TAGS_AT + 4 * t;
        if be16(&bytes, at) != TPID_8021Q {
            return Err(NotDeliverable::Tpid(t));
        }
        let tci = be16(&bytes, at + 2) & 0xF000;
        bytes[at + 2..at + 4].copy_from_slice(&tci.to_be_bytes());
    }
    bytes[..6].copy_from_slice(&tap_mac);
    bytes[6..12].copy_from_slice(&PEER_MAC);
    let l3 = l.l3;
    let options_replaced;
    let (family, l4, dst_port) = match l.ethertype {
        ETHERTYPE_IPV4 if bytes.get(l3 + 9) == Some(&17) => {
            let l4 = l3 + usize::from(bytes[l3] & 0x0F) * 4;
            options_replaced = accept_ipv4_options(&mut bytes[l3 + 20..l4]);
            if options_replaced {
                bytes[l3 + 10..l3 + 12].fill(0);
                let sum = !ones_sum(&bytes[l3..l4]);
                bytes[l3 + 10..l3 + 12].copy_from_slice(&sum.to_be_bytes());
            }
            let old = ones_sum(&bytes[l3 + 12..l3 + 20]);
            replace(&mut bytes, l3 + 16, &local_ipv4(depth));
            // 198.18 or 198.19, whichever does not make the source a local address.
            let src = SRC_IPV4_PREFIXES
                .iter()
                .map(|p| {
                    let rest = ones_sub(ones_sub(old, ones_sum(p)), ones_sum(&local_ipv4(depth)));
                    let [a, b] = rest.to_be_bytes();
                    [p[0], p[1], a, b]
                })
                .find(|s| (0..=MAX_VLAN_DEPTH).all(|d| *s != local_ipv4(d)))
                .unwrap_or([198, 19, 0, 0]);
            replace(&mut bytes, l3 + 12, &src);
            (Family::Ipv4, l4, PORT_IPV4)
        }
        ETHERTYPE_IPV6 => {
            let up = ipv6_upper(&bytes, l3)?;
            if up.protocol != 17 {
                return Err(NotDeliverable::NotUdp);
            }
            let dst = local_ipv6(depth);
            let pseudo_dst = up.final_dst.unwrap_or_else(|| {
                let mut a = [0u8; 16];
                a.copy_from_slice(&bytes[l3 + 24..l3 + 40]);
                a
            });
            let old = ones_add(ones_sum(&bytes[l3 + 8..l3 + 24]), ones_sum(&pseudo_dst));
            options_replaced = accept_ipv6_ext_headers(&mut bytes, l3, dst);
            bytes[l3 + 24..l3 + 40].copy_from_slice(&dst);
            let rest = ones_sub(ones_sub(old, ones_sum(&SRC_IPV6_PREFIX)), ones_sum(&dst));
            bytes[l3 + 8..l3 + 22].copy_from_slice(&SRC_IPV6_PREFIX);
            bytes[l3 + 22..l3 + 24].copy_from_slice(&rest.to_be_bytes());
            (Family::Ipv6, up.offset, PORT_IPV6)
        }
        _ => return Err(NotDeliverable::NotUdp),
    };
    let old_ports = ones_sum(&bytes[l4..l4 + 4]);
    let src_port = ones_sub(old_ports, dst_port);
    bytes[l4..l4 + 2].copy_from_slice(&src_port.to_be_bytes());
    bytes[l4 + 2..l4 + 4].copy_from_slice(&dst_port.to_be_bytes());
    let udp_len = usize::from(be16(&bytes, l4 + 4));
    let payload = bytes[l4 + 8..(l4 + udp_len).min(bytes.len())].to_vec();
    write_back(&mut skb, &bytes);
    let frames = skb.golden()?;
    let expect = match case.expect {
        Expect::ChainErrorThenFrames(_) => Expect::ChainErrorThenFrames(frames),
        _ => Expect::Frames(frames),
    };
    Ok(Readdressed {
        case: Case {
            skb,
            expect,
            ipv6_final_dst: None,
            ..case.clone()
        },
        family,
        vlan_depth: depth,
        payload,
        options_replaced,
    })
}

/// IPv4 option types `ip_options_compile` checks.
const IPOPT_END: u8 = 0;
const IPOPT_NOOP: u8 = 1;
const IPOPT_RR: u8 = 7;
const IPOPT_TIMESTAMP: u8 = 0x44;
const IPOPT_LSRR: u8 = 0x83;
const IPOPT_SSRR: u8 = 0x89;

/// Makes the IPv4 options `opts` acceptable to `ip_options_compile` on a receiving host (see
/// the module documentation); whether anything changed.
fn accept_ipv4_options(opts: &mut [u8]) -> bool {
    let mut changed = false;
    let mut seen = Vec::new();
    let mut at = 0;
    while at < opts.len() && opts[at] != IPOPT_END {
        let kind = opts[at];
        if kind == IPOPT_NOOP {
            at += 1;
            continue;
        }
        let rest = opts.len() - at;
        let len = opts.get(at + 1).map_or(0, |l| usize::from(*l));
        if len < 2 || len > rest {
            opts[at..].fill(IPOPT_NOOP);
            return true;
        }
        let ptr = usize::from(*opts.get(at + 2).unwrap_or(&0));
        let ok = match kind {
            IPOPT_RR | IPOPT_TIMESTAMP | IPOPT_LSRR | IPOPT_SSRR if seen.contains(&kind) => false,
            IPOPT_LSRR | IPOPT_SSRR if seen.contains(&(kind ^ IPOPT_LSRR ^ IPOPT_SSRR)) => false,
            IPOPT_RR => len >= 3 && ptr >= 4 && (ptr > len || ptr + 3 <= len),
            IPOPT_TIMESTAMP => {
                let flags = opts.get(at + 3).copied().unwrap_or(0);
                let slot = if matches!(flags & 0xF, 1 | 3) { 7 } else { 3 };
                len >= 4
                    && ptr >= 5
                    && if ptr <= len {
                        ptr + slot <= len
                    } else {
                        flags >> 4 != 15
                    }
            }
            IPOPT_LSRR | IPOPT_SSRR => {
                let ok = len >= 3 && ptr >= 4;
                if ok && ptr <= len {
                    // The route is complete: this host is its last hop.
                    opts[at + 2] = len as u8 + 1;
                    changed = true;
                }
                ok
            }
            _ => true,
        };
        if ok {
            seen.push(kind);
        } else {
            opts[at..at + len].fill(IPOPT_NOOP);
            changed = true;
        }
        at += len;
    }
    changed
}

/// Makes the IPv6 extension headers of the packet at `l3` acceptable to a receiving host (see
/// the module documentation): every Routing header type 0 with no segments left and `dst` as
/// its last address (`ipv6_rthdr_rcv` takes that as the last hop; a type 2 header it drops, one
/// with segments left it would forward), every options body one `ip6_parse_tlv` accepts.
/// Whether an options body was replaced.
fn accept_ipv6_ext_headers(bytes: &mut [u8], l3: usize, dst: [u8; 16]) -> bool {
    let mut replaced = false;
    let (mut nh, mut at) = (bytes[l3 + 6], l3 + 40);
    while matches!(nh, 0 | 43 | 60) && at + 8 <= bytes.len() {
        let len = (usize::from(bytes[at + 1]) + 1) * 8;
        if at + len > bytes.len() {
            break;
        }
        let body = &mut bytes[at + 2..at + len];
        if nh == 43 && len >= 24 {
            body[0] = 0;
            body[1] = 0;
            body[len - 18..].copy_from_slice(&dst);
        } else if nh != 43 && !tlvs_accepted(body, nh == 0) {
            refill_tlvs(body);
            replaced = true;
        }
        nh = bytes[at];
        at += len;
    }
    replaced
}

/// Whether `ip6_parse_tlv` accepts an options body (default sysctls: at most 8 options).
fn tlvs_accepted(body: &[u8], hop_by_hop: bool) -> bool {
    let (mut at, mut pad, mut count) = (0, 0, 0);
    while at < body.len() {
        let kind = body[at];
        if kind == 0 {
            pad += 1;
            at += 1;
        } else {
            let Some(len) = body.get(at + 1).map(|l| usize::from(*l) + 2) else {
                return false;
            };
            if at + len > body.len() {
                return false;
            }
            if kind == 1 {
                pad += len;
                if body[at + 2..at + len].iter().any(|b| *b != 0) {
                    return false;
                }
            } else {
                pad = 0;
                count += 1;
                let known_ok = match kind {
                    5 => hop_by_hop && len == 4, // Router Alert
                    _ => kind >> 6 == 0,         // unknown: "skip" only
                };
                if !known_ok || count > 8 {
                    return false;
                }
            }
            at += len;
        }
        if pad > 7 {
            return false;
        }
    }
    true
}

/// Fills an options body with experimental options of type 0x1E ("skip if unknown", RFC 4727)
/// and zero data, at most 8 of them.
fn refill_tlvs(body: &mut [u8]) {
    let mut at = 0;
    while at < body.len() {
        let rest = body.len() - at;
        if rest == 1 {
            body[at] = 0; // Pad1
            break;
        }
        let n = (rest - 2).min(255);
        body[at] = 0x1E;
        body[at + 1] = n as u8;
        body[at + 2..at + 2 + n].fill(0);
        at += 2 + n;
    }
}

/// Copies `bytes` back into the head and frags of `skb` (same total length).
fn write_back(skb: &mut Skb, bytes: &[u8]) {
    let (head, mut rest) = bytes.split_at(skb.head.len());
    skb.head.copy_from_slice(head);
    for f in &mut skb.frags {
        let (a, b) = rest.split_at(f.data.len());
        f.data.copy_from_slice(a);
        rest = b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::verify_checksums;
    use crate::random::random_case;

    const TAP_MAC: [u8; 6] = [0x02, 0x75, 0x66, 0x6f, 0, 1];

    /// Every UDP datagram of a random mix: readdressed, its golden frames still carry valid
    /// checksums, its addresses and ports are the receiver's, and the payload is unchanged.
    #[test]
    fn random_mix_keeps_checksums_and_payload() {
        let (mut v4, mut v6, mut tagged) = (0, 0, 0);
        for k in 0..400 {
            let case = random_case(77, k, &[576, 1280, 1500, 9000]).unwrap();
            let before = case.skb.to_bytes();
            let r = match readdress(&case, TAP_MAC) {
                Ok(r) => r,
                Err(NotDeliverable::NotUdp | NotDeliverable::ErrorCase) => continue,
                Err(e) => panic!("case {k}: {e}"),
            };
            let after = r.case.skb.to_bytes();
            assert_eq!(before.len(), after.len());
            assert!(after.ends_with(&r.payload), "case {k}: payload moved");
            let (Expect::Frames(frames) | Expect::ChainErrorThenFrames(frames)) = &r.case.expect
            else {
                panic!("case {k}: expectation lost");
            };
            for (i, f) in frames.iter().enumerate() {
                verify_checksums(&format!("case {k} frame {i}"), f, r.case.skb.csum.is_none())
                    .unwrap();
                assert_eq!(&f[..6], &TAP_MAC);
            }
            // An inserted tag makes up to three: more than the test bench's walker follows.
            let l3 = TAGS_AT + 2 + 4 * r.vlan_depth;
            let dst_port = match r.family {
                Family::Ipv4 => {
                    v4 += 1;
                    assert_eq!(&frames[0][l3 + 16..l3 + 20], &local_ipv4(r.vlan_depth));
                    PORT_IPV4
                }
                Family::Ipv6 => {
                    v6 += 1;
                    assert_eq!(&frames[0][l3 + 24..l3 + 40], &local_ipv6(r.vlan_depth));
                    PORT_IPV6
                }
            };
            let sent = r.case.skb.to_bytes();
            let at = sent.len() - r.payload.len() - 8;
            assert_eq!(be16(&sent, at + 2), dst_port, "case {k}");
            tagged += usize::from(r.vlan_depth > 0);
        }
        assert!(v4 > 50 && v6 > 50 && tagged > 20, "{v4} {v6} {tagged}");
    }

    #[test]
    fn error_and_non_udp_cases_are_refused() {
        let mut case = random_case(77, 0, &[1500]).unwrap();
        case.expect = Expect::Error(ufo_driver::desc::Status::HdrL4);
        assert_eq!(
            readdress(&case, TAP_MAC).unwrap_err(),
            NotDeliverable::ErrorCase
        );
    }
}
