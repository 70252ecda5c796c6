//! Checks of the frames the engine sent that share no code with the golden model or the packet
//! builders, run on top of the byte-exact comparison with the golden model:
//!
//! - [`independent_check`]: etherparse reassembles a UDP datagram (UFO or not) or parses a TCP
//!   segment (plain checksum offload), compares it with what the driver handed over and
//!   verifies its checksum ([`crate::reassemble`]); for USO it parses every segment as a
//!   complete UDP datagram, verifies each checksum, and checks that the payloads concatenate to
//!   the super-frame's ([`check_uso_segments`]).
//! - [`verify_checksums`]: every frame whose protocols carry a checksum must leave with a
//!   complete one: the IPv4 header checksum of every IPv4 frame, and for an unfragmented packet
//!   the TCP, UDP, UDP-Lite, ICMP or ICMPv6 checksum, summed with etherparse's
//!   `Sum16BitWords`. A checksum the host left for the device (a seed) that nobody completed
//!   fails here even when golden model and engine agree.

use etherparse::checksum::Sum16BitWords;
use thiserror::Error;

use crate::case::Case;
use crate::headers::{self, ETHERTYPE_IPV4, ETHERTYPE_IPV6};
use crate::reassemble::{
    check_uso_segments, reassemble, L4Checksum, ReassembleError, ReassembleOptions,
};

/// What an independent check found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckError {
    /// etherparse cannot reassemble the frames into the packet that was sent.
    #[error("datagram {label}: independent reassembly: {error}")]
    Reassembly {
        /// the case
        label: String,
        /// what etherparse or the comparison found
        error: ReassembleError,
    },
    /// The reassembled packet's UDP or TCP checksum is wrong.
    #[error("datagram {label}: independent reassembly: checksum {checksum:?}")]
    Checksum {
        /// the case
        label: String,
        /// what was found
        checksum: L4Checksum,
    },
    /// A frame leaves with a checksum that does not verify.
    #[error("{label}: {problem}")]
    Frame {
        /// the frame
        label: String,
        /// which checksum, and how
        problem: ChecksumProblem,
    },
}

/// A frame's checksum that does not verify ([`verify_checksums`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChecksumProblem {
    /// The frame ends inside the IPv4 header.
    #[error("truncated IPv4 header")]
    TruncatedIpv4,
    /// Version or IHL are wrong, or the header runs past the frame.
    #[error("malformed IPv4 header (version/IHL {0:#04x})")]
    MalformedIpv4(u8),
    /// The IPv4 header checksum.
    #[error("IPv4 header checksum {0:#06x} does not verify")]
    Ipv4Header(u16),
    /// The UDP-Lite checksum coverage field.
    #[error("UDP-Lite checksum coverage {0} is not 0 or 8..length")]
    UdpLiteCoverage(usize),
    /// The frame ends inside the upper-layer header.
    #[error("truncated {0} header")]
    TruncatedL4(&'static str),
    /// A UDP check field of 0 where a checksum was asked of the device.
    #[error("UDP check field 0 (no checksum) where one was asked for")]
    UdpZero,
    /// The upper layer's checksum.
    #[error(
        "{protocol} checksum {found:#06x} does not verify (an unfinished seed or a wrong sum)"
    )]
    L4 {
        /// TCP, UDP, UDP-Lite, ICMP or ICMPv6
        protocol: &'static str,
        /// the check field
        found: u16,
    },
}

const IPPROTO_ICMP: u8 = 1;
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;
const IPPROTO_ICMPV6: u8 = 58;
const IPPROTO_UDPLITE: u8 = 136;

/// etherparse's reassembly (UDP) or parse (TCP) of `frames`, compared with the packet of
/// `case` and its checksum verified. Other protocols are left to [`verify_checksums`].
pub fn independent_check(label: &str, case: &Case, frames: &[Vec<u8>]) -> Result<(), CheckError> {
    let sent = case.skb.to_bytes();
    if !matches!(upper_protocol(&sent), Some(IPPROTO_UDP | IPPROTO_TCP)) {
        return Ok(());
    }
    let opts = ReassembleOptions {
        inserted_vlan: case.skb.vlan_insert,
        ipv6_pseudo_dst: case.ipv6_final_dst,
    };
    let fail = |error| CheckError::Reassembly {
        label: label.to_string(),
        error,
    };
    if let Some(gso_size) = case.skb.uso_gso_size {
        return check_uso_segments(frames, &sent, gso_size, &opts)
            .map(|_| ())
            .map_err(fail);
    }
    let r = reassemble(frames, &opts).map_err(fail)?;
    r.check_against_sent(&sent).map_err(fail)?;
    match r.l4_checksum {
        L4Checksum::Valid(_) => Ok(()),
        // A zero UDP check field is right only when nobody asked for a checksum.
        L4Checksum::Zero if case.skb.csum.is_none() => Ok(()),
        checksum => Err(CheckError::Checksum {
            label: label.to_string(),
            checksum,
        }),
    }
}

/// The upper-layer protocol of an IPv4 or IPv6 frame, if its headers can be walked; `None`
/// for an IP fragment (a packet the kernel fragmented in software, sent as it is: IPv4 with MF
/// or an offset, IPv6 whose walk ends at the Fragment header), which holds no whole upper layer.
pub fn upper_protocol(frame: &[u8]) -> Option<u8> {
    let (ethertype, l3) = headers::ethertype(frame).ok()?;
    match ethertype {
        ETHERTYPE_IPV4 if frame.len() >= l3 + 8 && headers::be16(frame, l3 + 6) & 0x3FFF != 0 => {
            None
        }
        ETHERTYPE_IPV4 => frame.get(l3 + 9).copied(),
        ETHERTYPE_IPV6 => headers::ipv6_upper(frame, l3).ok().map(|u| u.protocol),
        _ => None,
    }
}

/// Checks every checksum `frame` carries (see the module documentation); `label` names the
/// frame in the message. A UDP check field of 0 ("no checksum") passes only with
/// `udp_zero_ok` (no checksum was asked of the device). Frames that are not IP, and the upper
/// layer of IP fragments, carry nothing checkable and pass.
pub fn verify_checksums(label: &str, frame: &[u8], udp_zero_ok: bool) -> Result<(), CheckError> {
    let fail = |problem| {
        Err(CheckError::Frame {
            label: label.to_string(),
            problem,
        })
    };
    let Ok(link) = headers::link(frame) else {
        return Ok(());
    };
    let l3 = link.l3;
    let (l4, l4_end, protocol, pseudo) = match link.ethertype {
        ETHERTYPE_IPV4 => {
            let Some(&vihl) = frame.get(l3) else {
                return fail(ChecksumProblem::TruncatedIpv4);
            };
            let hlen = usize::from(vihl & 0x0F) * 4;
            if vihl >> 4 != 4 || hlen < 20 || frame.len() < l3 + hlen {
                return fail(ChecksumProblem::MalformedIpv4(vihl));
            }
            let header = &frame[l3..l3 + hlen];
            if Sum16BitWords::new().add_slice(header).ones_complement() != 0 {
                return fail(ChecksumProblem::Ipv4Header(headers::be16(header, 10)));
            }
            let end = l3 + usize::from(headers::be16(frame, l3 + 2));
            if headers::be16(frame, l3 + 6) & 0x3FFF != 0 || end > frame.len() || end < l3 + hlen {
                return Ok(()); // a fragment (or a length the engine passes as it is)
            }
            let protocol = frame[l3 + 9];
            let len = (end - l3 - hlen) as u64;
            let src: [u8; 4] = addr(&header[12..16]);
            let dst: [u8; 4] = addr(&header[16..20]);
            let pseudo = Sum16BitWords::new()
                .add_4bytes(src)
                .add_4bytes(dst)
                .add_2bytes([0, protocol])
                .add_2bytes((len as u16).to_be_bytes());
            (l3 + hlen, end, protocol, pseudo)
        }
        ETHERTYPE_IPV6 => {
            let Ok(up) = headers::ipv6_upper(frame, l3) else {
                return Ok(()); // a chain the engine passes as it is
            };
            let end = l3 + 40 + usize::from(headers::be16(frame, l3 + 4));
            if up.protocol == 44 || end > frame.len() || end < up.offset {
                return Ok(()); // a fragment
            }
            let src: [u8; 16] = addr(&frame[l3 + 8..l3 + 24]);
            let dst = up.final_dst.unwrap_or(addr(&frame[l3 + 24..l3 + 40]));
            let len = (end - up.offset) as u32;
            let pseudo = Sum16BitWords::new()
                .add_16bytes(src)
                .add_16bytes(dst)
                .add_4bytes(len.to_be_bytes())
                .add_4bytes([0, 0, 0, up.protocol]);
            (up.offset, end, up.protocol, pseudo)
        }
        _ => return Ok(()),
    };
    let l4_bytes = &frame[l4..l4_end];
    let (name, field, covered, with_pseudo) = match (protocol, link.ethertype) {
        (IPPROTO_TCP, _) => ("TCP", 16, l4_bytes.len(), true),
        (IPPROTO_UDP, _) => ("UDP", 6, l4_bytes.len(), true),
        (IPPROTO_UDPLITE, _) => {
            // RFC 3828: checksum coverage 0 means the whole datagram, else at least the header.
            let coverage = match l4_bytes.get(4..6) {
                Some(c) => usize::from(u16::from_be_bytes([c[0], c[1]])),
                None => return fail(ChecksumProblem::TruncatedL4("UDP-Lite")),
            };
            match coverage {
                0 => ("UDP-Lite", 6, l4_bytes.len(), true),
                c if (8..=l4_bytes.len()).contains(&c) => ("UDP-Lite", 6, c, true),
                c => return fail(ChecksumProblem::UdpLiteCoverage(c)),
            }
        }
        (IPPROTO_ICMP, ETHERTYPE_IPV4) => ("ICMP", 2, l4_bytes.len(), false),
        (IPPROTO_ICMPV6, ETHERTYPE_IPV6) => ("ICMPv6", 2, l4_bytes.len(), true),
        _ => return Ok(()),
    };
    if l4_bytes.len() < field + 2 {
        return fail(ChecksumProblem::TruncatedL4(name));
    }
    let found = headers::be16(l4_bytes, field);
    if protocol == IPPROTO_UDP && found == 0 {
        return if udp_zero_ok {
            Ok(())
        } else {
            fail(ChecksumProblem::UdpZero)
        };
    }
    // UDP-Lite's pseudo-header length is the datagram's length, not the coverage (RFC 3828).
    let sum = if with_pseudo {
        pseudo
    } else {
        Sum16BitWords::new()
    };
    if sum.add_slice(&l4_bytes[..covered]).ones_complement() != 0 {
        return fail(ChecksumProblem::L4 {
            protocol: name,
            found,
        });
    }
    Ok(())
}

/// An address field (the slice has its length by construction).
fn addr<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut a = [0; N];
    a.copy_from_slice(b);
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use ufo_driver::checksum::{add_ipv4_pseudo_header, Checksum};
    use ufo_driver::packet::{
        DatagramSpec, Ipv6DatagramSpec, Ipv6ExtHeader, PlainCsum, PlainL3, PlainSpec, UdpCsum,
    };

    fn plain(l3: PlainL3, payload: Vec<u8>, csum: PlainCsum) -> Vec<u8> {
        PlainSpec {
            dst_mac: [2, 0, 0, 0, 0, 2],
            src_mac: [2, 0, 0, 0, 0, 1],
            vlan: vec![7],
            l3,
            payload,
            csum,
        }
        .frame()
    }

    fn v4(protocol: u8) -> PlainL3 {
        PlainL3::Ipv4 {
            src: [192, 0, 2, 1],
            dst: [198, 51, 100, 7],
            id: 1,
            tos: 0,
            ttl: 64,
            df: true,
            protocol,
        }
    }

    fn v6(next_header: u8) -> PlainL3 {
        PlainL3::Ipv6 {
            traffic_class: 0,
            flow_label: 1,
            hop_limit: 64,
            src: [0x20; 16],
            dst: [0x30; 16],
            next_header,
        }
    }

    #[test]
    fn complete_checksums_pass_and_seeds_fail() {
        let payload: Vec<u8> = (0..61).map(|i| (i * 7) as u8).collect();
        for (l3, offset, name) in [
            (v4(IPPROTO_TCP), 16, "TCP"),
            (v6(IPPROTO_TCP), 16, "TCP"),
            (v4(IPPROTO_UDPLITE), 6, "UDP-Lite"),
            (v6(IPPROTO_ICMPV6), 2, "ICMPv6"),
        ] {
            let mut p = payload.clone();
            if name == "UDP-Lite" {
                p[4..6].fill(0); // full coverage
            }
            let full = plain(l3.clone(), p.clone(), PlainCsum::Full { offset });
            assert_eq!(verify_checksums("f", &full, false), Ok(()), "{name}");
            let seed = plain(l3.clone(), p.clone(), PlainCsum::Partial { offset });
            let e = verify_checksums("f", &seed, false).unwrap_err().to_string();
            assert!(e.contains(&format!("{name} checksum")), "{name}: {e}");
        }
    }

    #[test]
    fn icmp_has_no_pseudo_header() {
        // Echo request, id 1, seq 2, "ping"; checksum over the ICMP message alone.
        let mut msg = vec![8, 0, 0, 0, 0, 1, 0, 2, b'p', b'i', b'n', b'g'];
        let c = ufo_driver::checksum::internet_checksum(&msg);
        msg[2..4].copy_from_slice(&c.to_be_bytes());
        let f = plain(v4(IPPROTO_ICMP), msg, PlainCsum::None);
        assert_eq!(verify_checksums("f", &f, false), Ok(()));
        let mut bad = f;
        let n = bad.len();
        bad[n - 1] ^= 1;
        assert!(verify_checksums("f", &bad, false)
            .unwrap_err()
            .to_string()
            .contains("ICMP checksum"));
    }

    #[test]
    fn udp_lite_partial_coverage() {
        let mut p: Vec<u8> = (0..40).collect();
        p[4..6].copy_from_slice(&20u16.to_be_bytes());
        // Sum only the first 20 bytes (plus the pseudo-header with the full length), with the
        // stimulus' checksum code.
        let f = plain(v4(IPPROTO_UDPLITE), p.clone(), PlainCsum::None);
        let l4 = 18 + 20;
        let mut g = f.clone();
        g[l4 + 6..l4 + 8].fill(0);
        let mut sum = Checksum::new();
        add_ipv4_pseudo_header(
            &mut sum,
            [192, 0, 2, 1],
            [198, 51, 100, 7],
            IPPROTO_UDPLITE,
            40,
        );
        let c = sum.add_bytes(&g[l4..l4 + 20]).checksum();
        g[l4 + 6..l4 + 8].copy_from_slice(&c.to_be_bytes());
        assert_eq!(verify_checksums("f", &g, false), Ok(()));
        // A byte past the coverage may change; one inside may not.
        g[l4 + 30] ^= 0xFF;
        assert_eq!(verify_checksums("f", &g, false), Ok(()));
        g[l4 + 10] ^= 0xFF;
        assert!(verify_checksums("f", &g, false).is_err());
        let mut bad = f;
        bad[l4 + 4..l4 + 6].copy_from_slice(&3u16.to_be_bytes());
        assert!(verify_checksums("f", &bad, false)
            .unwrap_err()
            .to_string()
            .contains("coverage 3"));
    }

    #[test]
    fn udp_zero_and_ipv4_header() {
        let spec = DatagramSpec {
            payload: vec![1, 2, 3],
            ..Default::default()
        };
        assert_eq!(verify_checksums("f", &spec.frame(), false), Ok(()));
        let none = spec.with_csum(UdpCsum::None).frame();
        assert_eq!(verify_checksums("f", &none, true), Ok(()));
        assert!(verify_checksums("f", &none, false)
            .unwrap_err()
            .to_string()
            .contains("check field 0"));
        let seed = spec.with_csum(UdpCsum::Seed).frame();
        assert!(verify_checksums("f", &seed, true)
            .unwrap_err()
            .to_string()
            .contains("UDP checksum"));
        let mut bad_ip = spec.frame();
        bad_ip[14 + 8] ^= 1; // TTL
        assert!(verify_checksums("frame 3", &bad_ip, true)
            .unwrap_err()
            .to_string()
            .starts_with("frame 3: IPv4 header checksum"));
    }

    #[test]
    fn ipv6_uses_the_final_destination_and_skips_fragments() {
        let home = [9u8; 16];
        let spec = Ipv6DatagramSpec {
            ext_headers: vec![Ipv6ExtHeader::routing(2, 1, &[home])],
            final_dst: Some(home),
            payload: b"hello".to_vec(),
            ..Default::default()
        };
        assert_eq!(verify_checksums("f", &spec.frame(), false), Ok(()));
        let wrong = Ipv6DatagramSpec {
            final_dst: None,
            ..spec.clone()
        };
        assert!(verify_checksums("f", &wrong.frame(), false).is_err());
        // The golden fragments of a big datagram: only the IPv6 part, nothing to verify.
        let big = Ipv6DatagramSpec {
            payload: vec![0x5A; 3000],
            ..Default::default()
        };
        let frames = ufo_driver::packet::TxPacket {
            spec: ufo_driver::packet::PacketSpec::Udp6(big),
            ufo_mtu: Some(1280),
            ip6_frag_id: 5,
            vlan_insert: None,
            uso_gso_size: None,
        }
        .golden()
        .unwrap();
        assert_eq!(frames.len(), 3);
        for f in &frames {
            assert_eq!(verify_checksums("f", f, false), Ok(()));
        }
    }

    #[test]
    fn non_ip_and_short_frames_pass() {
        assert_eq!(verify_checksums("f", &[0; 10], false), Ok(()));
        let raw = plain(
            PlainL3::Raw { ethertype: 0x88B5 },
            vec![1; 20],
            PlainCsum::None,
        );
        assert_eq!(verify_checksums("f", &raw, false), Ok(()));
    }
}
