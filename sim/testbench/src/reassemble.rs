//! An independent check of wire frames, written with a library nobody here wrote: etherparse
//! (0.20) parses every frame, verifies each IPv4 header checksum, reassembles the fragments and
//! computes the UDP or TCP checksum itself. The scoreboard checks that the result is the packet
//! that was sent ([`Reassembled::check_against_sent`]) and that the checksum verifies: UFO
//! datagrams, and plain checksum offload of UDP and TCP.
//!
//! IPv4 goes through `etherparse::defrag::IpDefragPool` fed with `SlicedPacket`s. IPv6 is
//! reassembled with `etherparse::defrag::IpDefragBuf`, the buffer the pool itself uses, fed
//! from etherparse's IPv6 header slices: `SlicedPacket` keeps parsing extension headers past a
//! Fragment header (`Ipv6ExtensionsSlice::from_slice`), which misreads every later fragment
//! when the first fragmentable header is a Destination Options header, so the headers are
//! walked with `Ipv6HeaderSlice`, `Ipv6RawExtHeaderSlice` and `Ipv6FragmentHeaderSlice` up to
//! the Fragment header only.
//!
//! etherparse 0.20 or later is required: 0.16 to 0.19 read the Fragment header's offset and M
//! flag from the wrong bits (M from bit 7 of byte 3 instead of bit 0; etherparse issue #150,
//! fixed by pull requests #149/#151 in 0.20), so they cannot reassemble RFC 8200 fragments.

use etherparse::defrag::{IpDefragBuf, IpDefragPool};
use etherparse::{
    IpNumber, Ipv6FragmentHeaderSlice, Ipv6HeaderSlice, Ipv6RawExtHeaderSlice, NetSlice,
    SlicedPacket, TcpHeader, UdpHeader,
};
use thiserror::Error;

use crate::headers;

/// What to undo before reassembling, and what the checksum needs beyond the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReassembleOptions {
    /// The device inserted this 802.1Q tag (TPID 0x8100) after the MAC addresses: every frame
    /// must carry it there, and it is removed first.
    pub inserted_vlan: Option<u16>,
    /// IPv6 UDP pseudo-header destination when it is not the header's (the final destination
    /// of a Routing header, RFC 8200 section 8.1).
    pub ipv6_pseudo_dst: Option<[u8; 16]>,
}

/// The verdict on the reassembled packet's UDP or TCP checksum, computed by etherparse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum L4Checksum {
    /// The field equals etherparse's checksum (a computed 0 is 0xFFFF: UDP always,
    /// `skb_checksum_help` for any protocol).
    Valid(u16),
    /// A UDP check field of 0: "no checksum" (IPv4, or IPv6 with `UDP_NO_CHECK6_TX`).
    Zero,
    /// The field is wrong.
    Invalid {
        /// on the wire
        found: u16,
        /// what etherparse computes
        expected: u16,
    },
    /// The upper layer is neither UDP nor TCP (or its header does not parse): nothing verified.
    NotChecked,
}

/// The network header of the reassembled packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReassembledNet {
    /// IPv4: the header of the fragment at offset 0 (options as sent in that fragment).
    Ipv4(etherparse::Ipv4Header),
    /// IPv6: the fixed header of the first fragment (payload length as on the wire) and the
    /// Fragment identification, if the packet was fragmented.
    Ipv6 {
        /// fixed header
        header: etherparse::Ipv6Header,
        /// Fragment header identification
        frag_id: Option<u32>,
    },
}

/// One datagram, put back together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reassembled {
    /// Frames it came in.
    pub frames: usize,
    /// Ethernet header with the frame's own 802.1Q tags (an inserted tag removed), the same in
    /// every frame.
    pub l2: Vec<u8>,
    /// The network header.
    pub net: ReassembledNet,
    /// The IP payload of the unfragmented packet: IPv4 — everything after the IPv4 header;
    /// IPv6 — everything after the fixed header, extension headers included, the Fragment
    /// header removed and the next-header byte before it restored.
    pub ip_payload: Vec<u8>,
    /// Upper-layer protocol (after all extension headers).
    pub protocol: u8,
    /// Offset of the upper-layer header within `ip_payload`.
    pub l4_offset: usize,
    /// Checksum verdict.
    pub l4_checksum: L4Checksum,
}

/// Frames that do not reassemble into one datagram.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReassembleError {
    /// No frames.
    #[error("no frames")]
    Empty,
    /// etherparse rejected a frame, or a frame is not what reassembly needs.
    #[error("frame {frame}: {msg}")]
    Frame {
        /// which frame, 0 first
        frame: usize,
        /// what is wrong
        msg: String,
    },
    /// All frames were consumed but the datagram is incomplete.
    #[error("{0} frames do not complete the datagram")]
    Incomplete(usize),
    /// The sent datagram and the reassembled one differ.
    #[error("reassembled datagram differs from the sent one: {0}")]
    Differs(String),
}

fn frame_err(frame: usize, msg: impl Into<String>) -> ReassembleError {
    ReassembleError::Frame {
        frame,
        msg: msg.into(),
    }
}

/// Removes the inserted tag from a copy of `frame`.
fn strip_inserted(frame: &[u8], k: usize, tci: Option<u16>) -> Result<Vec<u8>, ReassembleError> {
    let Some(tci) = tci else {
        return Ok(frame.to_vec());
    };
    if frame.len() < 18 {
        return Err(frame_err(k, "too short for an inserted 802.1Q tag"));
    }
    let mut want = [0x81, 0x00, 0, 0];
    want[2..].copy_from_slice(&tci.to_be_bytes());
    if frame[12..16] != want {
        return Err(frame_err(
            k,
            format!(
                "bytes 12..16 are {:02x?}, not the inserted tag {want:02x?}",
                &frame[12..16]
            ),
        ));
    }
    let mut f = frame[..12].to_vec();
    f.extend_from_slice(&frame[16..]);
    Ok(f)
}

/// Ethernet header and tags, by the test bench's walker: (L2 length, EtherType).
fn link(frame: &[u8], k: usize) -> Result<(usize, u16), ReassembleError> {
    let l = headers::link(frame).map_err(|e| frame_err(k, e.to_string()))?;
    Ok((l.l3, l.ethertype))
}

/// Reassembles one datagram's wire frames (in any order etherparse accepts) and verifies its
/// UDP checksum.
pub fn reassemble<F: AsRef<[u8]>>(
    frames: &[F],
    opts: &ReassembleOptions,
) -> Result<Reassembled, ReassembleError> {
    if frames.is_empty() {
        return Err(ReassembleError::Empty);
    }
    let stripped = frames
        .iter()
        .enumerate()
        .map(|(k, f)| strip_inserted(f.as_ref(), k, opts.inserted_vlan))
        .collect::<Result<Vec<_>, _>>()?;
    let (l2_len, ethertype) = link(&stripped[0], 0)?;
    let l2 = stripped[0][..l2_len].to_vec();
    for (k, f) in stripped.iter().enumerate() {
        if f.len() < l2_len || f[..l2_len] != l2[..] {
            return Err(frame_err(k, "Ethernet header or tags differ from frame 0"));
        }
    }
    match ethertype {
        headers::ETHERTYPE_IPV4 => reassemble_ipv4(&stripped, l2),
        headers::ETHERTYPE_IPV6 => reassemble_ipv6(&stripped, l2, opts),
        other => Err(frame_err(0, format!("EtherType {other:#06x} is not IP"))),
    }
}

fn reassemble_ipv4(frames: &[Vec<u8>], l2: Vec<u8>) -> Result<Reassembled, ReassembleError> {
    let mut pool: IpDefragPool = IpDefragPool::new();
    let mut first_header = None;
    let mut result = None;
    for (k, f) in frames.iter().enumerate() {
        let p = SlicedPacket::from_ethernet(f).map_err(|e| frame_err(k, e.to_string()))?;
        let Some(NetSlice::Ipv4(ip)) = &p.net else {
            return Err(frame_err(k, "not IPv4"));
        };
        let hdr = ip.header().to_header();
        let calc = hdr.calc_header_checksum();
        if hdr.header_checksum != calc {
            return Err(frame_err(
                k,
                format!(
                    "IPv4 header checksum {:#06x}, etherparse computes {calc:#06x}",
                    hdr.header_checksum
                ),
            ));
        }
        if f.len() != l2.len() + usize::from(hdr.total_len) {
            return Err(frame_err(k, "bytes after the IPv4 total length"));
        }
        if hdr.fragment_offset.value() == 0 {
            first_header = Some(hdr.clone());
        }
        if !hdr.is_fragmenting_payload() {
            if frames.len() != 1 {
                return Err(frame_err(k, "an unfragmented packet among several frames"));
            }
            result = Some((ip.payload().ip_number, ip.payload().payload.to_vec()));
            continue;
        }
        if result.is_some() {
            return Err(frame_err(k, "a frame after the datagram was complete"));
        }
        if let Some(d) = pool
            .process_sliced_packet(&p, (), ())
            .map_err(|e| frame_err(k, format!("etherparse defrag: {e}")))?
        {
            result = Some((d.ip_number, d.payload));
        }
    }
    let (ip_number, ip_payload) = result.ok_or(ReassembleError::Incomplete(frames.len()))?;
    let header = first_header.ok_or(ReassembleError::Incomplete(frames.len()))?;
    let l4_checksum = verdict(
        ip_number,
        &ip_payload,
        |udp, payload| {
            udp.calc_checksum_ipv4_raw(header.source, header.destination, payload)
                .ok()
        },
        |tcp, payload| {
            tcp.calc_checksum_ipv4_raw(header.source, header.destination, payload)
                .ok()
        },
    );
    Ok(Reassembled {
        frames: frames.len(),
        l2,
        net: ReassembledNet::Ipv4(header),
        ip_payload,
        protocol: ip_number.0,
        l4_offset: 0,
        l4_checksum,
    })
}

/// One IPv6 frame walked up to its Fragment header.
struct V6Frame<'a> {
    header: Ipv6HeaderSlice<'a>,
    /// Extension headers before the Fragment header (or all of them), raw.
    unfrag: Vec<u8>,
    /// Offset in `unfrag` of the next-header byte naming the Fragment header (`None`: the
    /// fixed header's).
    frag_nh_at: Option<usize>,
    /// Fragment header, if any.
    frag: Option<Ipv6FragmentHeaderSlice<'a>>,
    /// Next header after the walked part.
    next: IpNumber,
    /// Bytes after the walked part.
    rest: &'a [u8],
}

fn walk_ipv6(pkt: &[u8], k: usize) -> Result<V6Frame<'_>, ReassembleError> {
    let header = Ipv6HeaderSlice::from_slice(pkt).map_err(|e| frame_err(k, e.to_string()))?;
    let plen = usize::from(header.payload_length());
    if pkt.len() != 40 + plen {
        return Err(frame_err(
            k,
            format!(
                "IPv6 payload length {plen} does not match the {} bytes after the header",
                pkt.len() - 40
            ),
        ));
    }
    let mut rest = &pkt[40..];
    let mut next = header.next_header();
    let mut unfrag = Vec::new();
    let mut frag_nh_at = None;
    let mut last_nh_at = None;
    let mut frag = None;
    loop {
        if next == IpNumber::IPV6_FRAGMENTATION_HEADER {
            let f = Ipv6FragmentHeaderSlice::from_slice(rest)
                .map_err(|e| frame_err(k, e.to_string()))?;
            rest = &rest[f.slice().len()..];
            next = f.next_header();
            frag_nh_at = last_nh_at;
            frag = Some(f);
            break;
        }
        if frag.is_none() && Ipv6RawExtHeaderSlice::header_type_supported(next) {
            let h =
                Ipv6RawExtHeaderSlice::from_slice(rest).map_err(|e| frame_err(k, e.to_string()))?;
            last_nh_at = Some(unfrag.len());
            unfrag.extend_from_slice(h.slice());
            rest = &rest[h.slice().len()..];
            next = h.next_header();
            continue;
        }
        break;
    }
    Ok(V6Frame {
        header,
        unfrag,
        frag_nh_at,
        frag,
        next,
        rest,
    })
}

fn reassemble_ipv6(
    frames: &[Vec<u8>],
    l2: Vec<u8>,
    opts: &ReassembleOptions,
) -> Result<Reassembled, ReassembleError> {
    let l3 = l2.len();
    let first = walk_ipv6(&frames[0][l3..], 0)?;
    let header = first.header.to_header();
    let (frag_id, mut ip_payload, fragmentable_nh) = match &first.frag {
        None => {
            if frames.len() != 1 {
                return Err(frame_err(0, "no Fragment header, but several frames"));
            }
            let mut p = first.unfrag.clone();
            p.extend_from_slice(first.rest);
            (None, p, first.next)
        }
        Some(f0) => {
            let id = f0.identification();
            let nh = f0.next_header();
            let mut buf = IpDefragBuf::new(nh, Vec::new(), Vec::new());
            for (k, f) in frames.iter().enumerate() {
                let v = walk_ipv6(&f[l3..], k)?;
                let Some(fh) = &v.frag else {
                    return Err(frame_err(k, "no Fragment header"));
                };
                let h = v.header.to_header();
                if (
                    h.source,
                    h.destination,
                    fh.identification(),
                    fh.next_header(),
                ) != (header.source, header.destination, id, nh)
                {
                    return Err(frame_err(
                        k,
                        "source, destination, identification or next header differ from frame 0",
                    ));
                }
                if v.unfrag != first.unfrag {
                    return Err(frame_err(k, "unfragmentable part differs from frame 0"));
                }
                let payload = &f[l3 + 40 + v.unfrag.len() + 8..];
                buf.add(fh.fragment_offset(), fh.more_fragments(), payload)
                    .map_err(|e| frame_err(k, format!("etherparse defrag: {e}")))?;
                if buf.is_complete() && k + 1 != frames.len() {
                    return Err(frame_err(k + 1, "a frame after the datagram was complete"));
                }
            }
            if !buf.is_complete() {
                return Err(ReassembleError::Incomplete(frames.len()));
            }
            let (data, _) = buf.take_bufs();
            let mut p = first.unfrag.clone();
            if let Some(at) = first.frag_nh_at {
                p[at] = nh.0;
            }
            p.extend_from_slice(&data);
            (Some(id), p, nh)
        }
    };
    // The upper layer: past any extension headers in the fragmentable part.
    let mut next = fragmentable_nh;
    let mut l4 = first.unfrag.len();
    if first.frag.is_some() {
        while Ipv6RawExtHeaderSlice::header_type_supported(next) {
            let h = Ipv6RawExtHeaderSlice::from_slice(&ip_payload[l4..])
                .map_err(|e| frame_err(0, format!("reassembled payload: {e}")))?;
            l4 += h.slice().len();
            next = h.next_header();
        }
    }
    let mut header = header;
    if first.frag.is_some() {
        // The fixed header as it was before fragmentation.
        header.payload_length = ip_payload.len() as u16;
        if first.frag_nh_at.is_none() {
            header.next_header = fragmentable_nh;
        }
    }
    let dst = opts.ipv6_pseudo_dst.unwrap_or(header.destination);
    let l4_checksum = verdict(
        next,
        &ip_payload[l4..],
        |udp, payload| udp.calc_checksum_ipv6_raw(header.source, dst, payload).ok(),
        |tcp, payload| tcp.calc_checksum_ipv6_raw(header.source, dst, payload).ok(),
    );
    ip_payload.shrink_to_fit();
    Ok(Reassembled {
        frames: frames.len(),
        l2,
        net: ReassembledNet::Ipv6 { header, frag_id },
        ip_payload,
        protocol: next.0,
        l4_offset: l4,
        l4_checksum,
    })
}

/// etherparse's verdict on the UDP or TCP checksum of `l4` (the upper-layer header and data),
/// with `udp`/`tcp` computing the checksum for the packet's addresses.
fn verdict(
    protocol: IpNumber,
    l4: &[u8],
    udp: impl Fn(&UdpHeader, &[u8]) -> Option<u16>,
    tcp: impl Fn(&TcpHeader, &[u8]) -> Option<u16>,
) -> L4Checksum {
    let (found, computed) = match protocol {
        IpNumber::UDP => {
            let Ok((h, payload)) = UdpHeader::from_slice(l4) else {
                return L4Checksum::NotChecked;
            };
            if h.checksum == 0 {
                return L4Checksum::Zero;
            }
            (h.checksum, udp(&h, payload))
        }
        IpNumber::TCP => {
            let Ok((h, payload)) = TcpHeader::from_slice(l4) else {
                return L4Checksum::NotChecked;
            };
            (h.checksum, tcp(&h, payload))
        }
        _ => return L4Checksum::NotChecked,
    };
    match computed {
        // etherparse computes a TCP checksum of 0 as 0; skb_checksum_help sends it as 0xFFFF.
        Some(c) if c == found || (c == 0 && found == 0xFFFF) => L4Checksum::Valid(found),
        Some(c) => L4Checksum::Invalid { found, expected: c },
        None => L4Checksum::NotChecked,
    }
}

impl Reassembled {
    /// Checks that this is the datagram of `sent` (the unfragmented frame the stack built,
    /// without an inserted tag), with etherparse parsing `sent` too: the same Ethernet header
    /// and tags; for IPv4 the same TOS, identification, TTL, protocol, addresses and (first
    /// fragment) options, for IPv6 the same traffic class, flow label, hop limit, next header,
    /// addresses and payload length; and the same IP payload byte for byte except the UDP or
    /// TCP check field (the sent frame may hold a seed).
    pub fn check_against_sent(&self, sent: &[u8]) -> Result<(), ReassembleError> {
        let differs = |m: String| Err(ReassembleError::Differs(m));
        let p = SlicedPacket::from_ethernet(sent)
            .map_err(|e| ReassembleError::Differs(format!("sent frame: {e}")))?;
        let l3 = sent.len()
            - match &p.net {
                Some(NetSlice::Ipv4(ip)) => usize::from(ip.header().total_len()),
                Some(NetSlice::Ipv6(ip)) => 40 + usize::from(ip.header().payload_length()),
                _ => return differs("sent frame has no IP header".into()),
            };
        if sent[..l3] != self.l2[..] {
            return differs("Ethernet header or tags".into());
        }
        // `l4_at`: where the upper-layer header starts in the IP payload.
        let (sent_payload, l4_at) = match (&p.net, &self.net) {
            (Some(NetSlice::Ipv4(ip)), ReassembledNet::Ipv4(h)) => {
                let s = ip.header().to_header();
                let same = (s.dscp, s.ecn, s.identification, s.time_to_live, s.protocol)
                    == (h.dscp, h.ecn, h.identification, h.time_to_live, h.protocol)
                    && (s.source, s.destination) == (h.source, h.destination)
                    && s.options == h.options;
                if !same {
                    return differs(format!("IPv4 header: sent {s:?}, reassembled {h:?}"));
                }
                let hl = s.header_len();
                (&sent[l3 + hl..], 0)
            }
            (Some(NetSlice::Ipv6(ip)), ReassembledNet::Ipv6 { header: h, .. }) => {
                let s = ip.header().to_header();
                if s != *h {
                    return differs(format!("IPv6 header: sent {s:?}, reassembled {h:?}"));
                }
                (&sent[l3 + 40..], self.l4_offset)
            }
            _ => return differs("IP version".into()),
        };
        if sent_payload.len() != self.ip_payload.len() {
            return differs(format!(
                "IP payload length: sent {}, reassembled {}",
                sent_payload.len(),
                self.ip_payload.len()
            ));
        }
        // The check field may hold a seed in the sent frame.
        let skip = match self.protocol {
            17 => l4_at + 6..l4_at + 8,
            6 => l4_at + 16..l4_at + 18,
            _ => 0..0,
        };
        if let Some(i) = (0..sent_payload.len())
            .find(|&i| !skip.contains(&i) && sent_payload[i] != self.ip_payload[i])
        {
            return differs(format!(
                "IP payload byte {i}: sent {:#04x}, reassembled {:#04x}",
                sent_payload[i], self.ip_payload[i]
            ));
        }
        Ok(())
    }
}

/// The USO check: every frame of `frames` must be a complete UDP datagram (no IP fragment) whose
/// UDP checksum etherparse verifies; its Ethernet header and tags, IP header (IPv4: all but total
/// length, identification = the super-frame's + the segment number, and header checksum, which
/// etherparse verifies; IPv6: all but payload length) and extension headers equal the
/// super-frame's; its UDP ports are the super-frame's and its UDP length its own; every payload
/// but the last is `gso_size` bytes, the last 1 to `gso_size`; and the payloads, in order,
/// concatenate to the super-frame's payload. `sent` is the super-frame as the driver handed it
/// (the check field holding the seed). Returns the number of segments.
pub fn check_uso_segments<F: AsRef<[u8]>>(
    frames: &[F],
    sent: &[u8],
    gso_size: u16,
    opts: &ReassembleOptions,
) -> Result<usize, ReassembleError> {
    let differs = |m: String| ReassembleError::Differs(m);
    if frames.is_empty() {
        return Err(ReassembleError::Empty);
    }
    let sup = reassemble(&[sent], &ReassembleOptions::default())
        .map_err(|e| differs(format!("sent super-frame: {e}")))?;
    let sup_udp = &sup.ip_payload[sup.l4_offset..];
    if sup.protocol != 17 || sup_udp.len() < 8 {
        return Err(differs("sent super-frame is not UDP".into()));
    }
    let payload = &sup_udp[8..];
    let gso = usize::from(gso_size);
    let mut at = 0;
    for (k, f) in frames.iter().enumerate() {
        let renumber = |e: ReassembleError| match e {
            ReassembleError::Frame { msg, .. } => frame_err(k, msg),
            other => frame_err(k, other.to_string()),
        };
        let r = reassemble(&[f.as_ref()], opts).map_err(renumber)?;
        if r.l2 != sup.l2 {
            return Err(frame_err(
                k,
                "Ethernet header or tags differ from the super-frame",
            ));
        }
        match (&sup.net, &r.net) {
            (ReassembledNet::Ipv4(s), ReassembledNet::Ipv4(h)) => {
                let mut want = s.clone();
                want.total_len = h.total_len;
                want.identification = s.identification.wrapping_add(k as u16);
                want.header_checksum = h.header_checksum;
                if want != *h {
                    return Err(frame_err(
                        k,
                        format!("IPv4 header: want {want:?} (id + segment number), got {h:?}"),
                    ));
                }
            }
            (
                ReassembledNet::Ipv6 { header: s, .. },
                ReassembledNet::Ipv6 { header: h, frag_id },
            ) => {
                let mut want = s.clone();
                want.payload_length = h.payload_length;
                if want != *h || frag_id.is_some() {
                    return Err(frame_err(
                        k,
                        format!("IPv6 header: want {want:?}, no Fragment header; got {h:?}, fragment id {frag_id:?}"),
                    ));
                }
            }
            _ => return Err(frame_err(k, "IP version differs from the super-frame")),
        }
        if r.protocol != 17 || r.ip_payload[..r.l4_offset] != sup.ip_payload[..sup.l4_offset] {
            return Err(frame_err(k, "extension headers or upper protocol differ"));
        }
        let udp = &r.ip_payload[r.l4_offset..];
        if udp.len() < 8 || udp[..4] != sup_udp[..4] {
            return Err(frame_err(k, "UDP ports differ from the super-frame"));
        }
        if usize::from(u16::from_be_bytes([udp[4], udp[5]])) != udp.len() {
            return Err(frame_err(k, "UDP length is not the segment's"));
        }
        if !matches!(r.l4_checksum, L4Checksum::Valid(_)) {
            return Err(frame_err(k, format!("UDP checksum {:?}", r.l4_checksum)));
        }
        let piece = &udp[8..];
        let last = k + 1 == frames.len();
        let size_ok = if last {
            piece.len() <= gso && (!piece.is_empty() || payload.is_empty())
        } else {
            piece.len() == gso
        };
        if !size_ok {
            return Err(frame_err(
                k,
                format!(
                    "{} payload bytes with gso_size {gso} ({} segment)",
                    piece.len(),
                    if last { "last" } else { "not the last" }
                ),
            ));
        }
        if payload.get(at..at + piece.len()) != Some(piece) {
            return Err(frame_err(
                k,
                format!("payload differs from the super-frame's bytes {at}.."),
            ));
        }
        at += piece.len();
    }
    if at != payload.len() {
        return Err(differs(format!(
            "segments carry {at} of the super-frame's {} payload bytes",
            payload.len()
        )));
    }
    Ok(frames.len())
}
