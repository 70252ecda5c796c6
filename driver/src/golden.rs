//! The golden reference: what Linux's own software path puts on the wire for one UDP/IPv4
//! datagram on a device WITHOUT UFO at a given MTU. The engine's output for the matching UFO
//! `sk_buff` must equal it byte for byte.
//!
//! Written from the kernel's rules (`udp_send_skb`, `skb_checksum_help`, `ip_finish_output`,
//! `ip_do_fragment`'s slow path, `ip_options_fragment`), independently of the RTL and of
//! anything that mirrors it: it parses the frame itself and shares only the checksum helper.
//! Every rule is listed with its kernel function in `docs/golden-model.md`.

use crate::checksum::{internet_checksum, udp_ipv4_checksum, IPPROTO_UDP};
use crate::packet::UdpCsum;
use thiserror::Error;

/// TPID of an 802.1Q tag; the only tag the golden model walks.
const TPID_8021Q: u16 = 0x8100;
const ETHERTYPE_IPV4: u16 = 0x0800;
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
}

/// The frames Linux sends for `frame` (Ethernet [+ 802.1Q tags] + IPv4 + UDP + payload; the UDP
/// check field is ignored) on a device without UFO with this `mtu`, in wire order.
///
/// `csum`: [`UdpCsum::Full`] computes the complete UDP checksum (0 sent as 0xFFFF) as
/// `udp_send_skb` does; [`UdpCsum::Seed`] gives the same, since the software path completes a
/// `CHECKSUM_PARTIAL` seed with `skb_checksum_help` before fragmenting; [`UdpCsum::None`] sends
/// check field 0.
///
/// A datagram whose IPv4 total length is at most `mtu` goes out as one frame with its headers
/// unchanged. A larger one is cut by `ip_do_fragment`'s slow path (see `docs/golden-model.md`).
pub fn wire_frames(frame: &[u8], mtu: u32, csum: UdpCsum) -> Result<Vec<Vec<u8>>, GoldenError> {
    let ip = parse(frame)?;
    let mut datagram = frame.to_vec();
    fill_udp_check(&mut datagram, &ip, csum)?;

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

/// Finds and checks the IPv4 and UDP headers.
fn parse(frame: &[u8]) -> Result<Ipv4At, GoldenError> {
    need(frame, "Ethernet header", 14)?;
    let mut type_at = 12;
    while be16(frame, type_at) == TPID_8021Q {
        type_at += 4;
        need(frame, "802.1Q tag", type_at + 2)?;
    }
    let ethertype = be16(frame, type_at);
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

/// `udp_send_skb` (Full), `skb_checksum_help` (Seed), or `SO_NO_CHECK` (None).
fn fill_udp_check(datagram: &mut [u8], ip: &Ipv4At, csum: UdpCsum) -> Result<(), GoldenError> {
    let base = usize::from(ip.frag_off & IP_OFFSET) << 3;
    let is_fragment = base != 0 || ip.frag_off & IP_MF != 0;
    let l4 = ip.l3 + ip.hlen;
    match csum {
        UdpCsum::Full | UdpCsum::Seed => {
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
        UdpCsum::None => {
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
