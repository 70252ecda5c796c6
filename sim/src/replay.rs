//! `ufo-sim replay`: turns captured, unfragmented Ethernet frames into the skbs the kernel would
//! have handed a UFO device at a given MTU.
//!
//! An IPv4 UDP datagram becomes a UFO skb (`ufo_size = mtu - IP header length`, the payload in
//! seed-patch pages, the pseudo-header seed in the check field) whether or not it exceeds the
//! MTU: one that fits goes out whole with its checksum completed, the same bytes the kernel
//! sends for it. A captured check field may hold the full checksum or only the seed (captures
//! on offloading hosts show the seed): both mean "checksummed". A check field of 0 means "no
//! checksum". Ethernet padding after the IP datagram is dropped (the MAC adds it back).

use ufo_driver::checksum::udp_ipv4_seed;
use ufo_driver::golden;
use ufo_driver::packet::UdpCsum;
use ufo_driver::skb::CsumOffload;
use ufo_driver::skb_build::{from_frame, FragLayout};

use crate::case::{Case, Expect, Fault};

/// Builds one case per frame it can handle; the others get an error naming the frame
/// (numbered from 1, as Wireshark does).
pub fn cases_from_frames(frames: &[Vec<u8>], mtu: u32) -> (Vec<Case>, Vec<String>) {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        let n = i + 1;
        match case_from_frame(frame, mtu) {
            Ok(mut c) => {
                c.name = format!("frame-{n}");
                c.origin = format!("pcap frame {n}");
                cases.push(c);
            }
            Err(e) => errors.push(format!("frame {n}: {e}")),
        }
    }
    (cases, errors)
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn case_from_frame(frame: &[u8], mtu: u32) -> Result<Case, String> {
    // Ethernet II with up to two 802.1Q / 802.1ad tags
    let mut l3 = 14;
    if frame.len() < l3 {
        return Err(format!(
            "{} bytes: shorter than an Ethernet header",
            frame.len()
        ));
    }
    let mut ethertype = be16(frame, 12);
    let mut tags = 0;
    while (ethertype == 0x8100 || ethertype == 0x88A8) && tags < 2 {
        if frame.len() < l3 + 4 {
            return Err("truncated VLAN tag".into());
        }
        ethertype = be16(frame, l3 + 2);
        l3 += 4;
        tags += 1;
    }
    match ethertype {
        0x0800 => {}
        0x86DD => return Err("IPv6 is not handled yet (IPv6 UFO comes with issue 3)".into()),
        t => {
            return Err(format!(
                "EtherType 0x{t:04x} is not handled yet (only IPv4 UDP)"
            ))
        }
    }
    if frame.len() < l3 + 20 {
        return Err("truncated IPv4 header".into());
    }
    let ihl = usize::from(frame[l3] & 0x0F) * 4;
    if frame[l3] >> 4 != 4 || ihl < 20 || frame.len() < l3 + ihl + 8 {
        return Err("malformed IPv4 header (version, IHL or length)".into());
    }
    if frame[l3 + 9] != 17 {
        return Err(format!(
            "IP protocol {} is not handled yet (only UDP)",
            frame[l3 + 9]
        ));
    }
    if be16(frame, l3 + 6) & 0x3FFF != 0 {
        return Err("already an IP fragment (MF or offset set)".into());
    }
    let tot_len = usize::from(be16(frame, l3 + 2));
    if tot_len < ihl + 8 || l3 + tot_len > frame.len() {
        return Err(format!(
            "IPv4 total length {tot_len} does not fit the {}-byte frame",
            frame.len()
        ));
    }
    let frame = &frame[..l3 + tot_len]; // drop Ethernet padding
    let l4 = l3 + ihl;
    let udp_len = be16(frame, l4 + 4);
    if usize::from(udp_len) != tot_len - ihl {
        return Err(format!(
            "UDP length {udp_len} is not the IP payload length {}",
            tot_len - ihl
        ));
    }
    let checksummed = be16(frame, l4 + 6) != 0;
    let csum_mode = if checksummed {
        UdpCsum::Full
    } else {
        UdpCsum::None
    };
    let expected =
        golden::wire_frames(frame, mtu, csum_mode).map_err(|e| format!("golden model: {e}"))?;

    // The skb: the stack's pseudo-header seed in the check field (CHECKSUM_PARTIAL).
    let mut bytes = frame.to_vec();
    if checksummed {
        let src = [
            frame[l3 + 12],
            frame[l3 + 13],
            frame[l3 + 14],
            frame[l3 + 15],
        ];
        let dst = [
            frame[l3 + 16],
            frame[l3 + 17],
            frame[l3 + 18],
            frame[l3 + 19],
        ];
        bytes[l4 + 6..l4 + 8].copy_from_slice(&udp_ipv4_seed(src, dst, udp_len).to_be_bytes());
    }
    let mut skb = from_frame(&bytes, l4 + 8, FragLayout::SeedPages).map_err(|e| e.to_string())?;
    let ufo_size = mtu
        .checked_sub(ihl as u32)
        .filter(|s| (8..=0xFFFF).contains(s))
        .ok_or_else(|| format!("MTU {mtu} gives no valid ufo_size for a {ihl}-byte IP header"))?;
    skb.ufo_size = ufo_size as u16;
    skb.csum = checksummed.then_some(CsumOffload {
        start: l4 as u16,
        offset: 6,
    });
    Ok(Case {
        name: String::new(),
        origin: String::new(),
        skb,
        fault: Fault::None,
        expect: Expect::Frames(expected),
    })
}
