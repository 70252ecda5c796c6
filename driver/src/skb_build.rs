//! Builds the `sk_buff`s the stack would hand the driver: what a UFO device receives for a big
//! UDP datagram (IPv4 or IPv6), and plain (non-UFO) packets, in several buffer layouts.
//!
//! [`from_tx_packet`] builds any [`TxPacket`]; the other builders are its pieces.

use crate::packet::{
    DatagramSpec, Ipv6DatagramSpec, PacketSpec, PlainSpec, SpecError, TxPacket, UdpCsum,
    ETH_HEADER_LEN, IPV6_FRAG_HEADER_LEN, UDP_HEADER_LEN,
};
use crate::skb::{CsumOffload, Skb, SkbError, SkbFrag, MAX_BUFFERS, MAX_SKB_FRAGS, PAGE_SIZE};
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

/// `NET_SKB_PAD` (64) + `NET_IP_ALIGN` (2): where `skb->data` typically starts in its page.
pub const DEFAULT_HEAD_ALIGN: u32 = 66;

/// How the frame's bytes are spread over the head and the page fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragLayout {
    /// Everything in the linear head, no frags.
    Linear,
    /// Exactly `skb_append_datato_frags` of the seed patch: the head holds the headers; each frag
    /// is a fresh page filled from offset 0, 4096 bytes each, the last the rest. Like the
    /// patch's do-while loop, an empty payload still gets one (empty) frag.
    SeedPages,
    /// Random but legal split from this seed: payload left in the head, odd-length, 1-byte and
    /// empty frags, any page offset, random `head_align`; head + frags <= 32 buffers and every
    /// frag inside its page.
    Random {
        /// Seed of the [`ChaCha8Rng`] that draws the split.
        seed: u64,
    },
}

/// An `sk_buff` that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BuildError {
    /// The datagram description is invalid.
    #[error("datagram: {0}")]
    Spec(#[from] SpecError),
    /// `ufo_size = mtu - ip header length` (IPv6: `mtu - unfragmentable length - 8`) would not
    /// be positive.
    #[error("MTU {mtu} leaves no IP payload after {hlen} header bytes")]
    MtuTooSmall {
        /// the MTU asked for
        mtu: u32,
        /// IP header length (IPv6: unfragmentable part + Fragment header)
        hlen: usize,
    },
    /// UFO or USO was asked for a packet that is not a UDP datagram.
    #[error("UFO or USO asked for a plain (non-UDP-datagram) packet")]
    UfoNotUdp,
    /// UFO and USO asked for the same packet.
    #[error("UFO and USO asked for the same packet")]
    UfoAndUso,
    /// The UDP header of a USO super-frame does not lie inside the frame.
    #[error("UDP header at {udp_offset} does not fit the {frame_len}-byte frame")]
    UdpOutside {
        /// the offset given
        udp_offset: usize,
        /// frame length
        frame_len: usize,
    },
    /// `ufo_size` is a 16-bit field.
    #[error("MTU {mtu} gives ufo_size {ufo_size}: more than 65535")]
    MtuTooLarge {
        /// the MTU asked for
        mtu: u32,
        /// `mtu - hlen`
        ufo_size: u32,
    },
    /// The head must hold at least the headers.
    #[error("head length {head_len} is longer than the {frame_len}-byte frame")]
    HeadLongerThanFrame {
        /// bytes asked for in the head
        head_len: usize,
        /// frame length
        frame_len: usize,
    },
    /// The layout needs more frags than allowed (`MAX_SKB_FRAGS` for the seed layout).
    #[error("{needed} frags needed: more than {max}")]
    TooManyFrags {
        /// frags the layout would need
        needed: usize,
        /// the limit
        max: usize,
    },
    /// The built skb breaks a limit (should not happen; reported rather than hidden).
    #[error("built skb: {0}")]
    Skb(#[from] SkbError),
}

/// The UFO `sk_buff` for `spec` at `mtu`: the frame with the UDP pseudo-header seed in the check
/// field, `CHECKSUM_PARTIAL` at the UDP check field, and `ufo_size = mtu - ip header length`.
///
/// With that `ufo_size`, the engine's rule (`len = min(left, ufo_size)`, rounded down to a
/// multiple of 8 unless last) is `ip_do_fragment`'s at this MTU, so its output must equal
/// [`crate::golden`]'s. `ufo_size` is set even when the datagram fits the MTU (the "UFO
/// requested on a datagram that fits" edge case). An MTU that leaves `ufo_size` between 1 and 7
/// is accepted, so that error tests can provoke the engine's `UFO_SIZE` status.
///
/// A spec with [`UdpCsum::None`] gives UFO without checksum offload: check field 0 and no
/// `csum` request (a socket with `SO_NO_CHECK`). Full and Seed both give the seed.
pub fn from_datagram_ufo(
    spec: &DatagramSpec,
    mtu: u32,
    layout: FragLayout,
) -> Result<Skb, BuildError> {
    spec.validate()?;
    ufo_skb(
        mtu,
        spec.ip_header_len(),
        spec.l4_offset(),
        spec.udp_csum,
        |c| spec.with_csum(c).try_frame(),
        layout,
    )
}

/// A non-UFO `sk_buff` for `spec`: the frame exactly as the spec builds it. A
/// [`UdpCsum::Seed`] spec gets a `CHECKSUM_PARTIAL` request at the UDP check field (non-UFO
/// checksum offload); Full and None are sent as they are.
pub fn from_datagram_plain(spec: &DatagramSpec, layout: FragLayout) -> Result<Skb, BuildError> {
    let frame = spec.try_frame()?;
    let mut skb = from_frame(&frame, spec.l4_offset() + UDP_HEADER_LEN, layout)?;
    if spec.udp_csum == UdpCsum::Seed {
        skb.csum = Some(CsumOffload {
            start: spec.l4_offset() as u16,
            offset: 6,
        });
    }
    Ok(skb)
}

/// The UFO `sk_buff` for an IPv6 datagram at `mtu`: `ufo_size = mtu - unfragmentable length -
/// 8`, the per-fragment data bound of `ip6_fragment` (`mtu -= hlen + sizeof(struct frag_hdr)`,
/// `hlen` from `ip6_find_1stfragopt`), so that the engine's rule (`len = min(left, ufo_size)`,
/// rounded down to a multiple of 8 unless last, `left` = bytes after the unfragmentable part)
/// is `ip6_fragment`'s at this MTU. `ip6_frag_id` is the Fragment identification every
/// fragment carries. Checksum as for IPv4: Full and Seed give the seed and a request at the UDP
/// check field (`csum_start` = UDP header, `csum_offset` = 6); None (`UDP_NO_CHECK6_TX`) gives 0
/// and no request. The head holds every header up to the end of the UDP header.
pub fn from_ipv6_datagram_ufo(
    spec: &Ipv6DatagramSpec,
    mtu: u32,
    ip6_frag_id: u32,
    layout: FragLayout,
) -> Result<Skb, BuildError> {
    spec.validate()?;
    let mut skb = ufo_skb(
        mtu,
        spec.unfragmentable_len() + IPV6_FRAG_HEADER_LEN,
        spec.l4_offset(),
        spec.udp_csum,
        |c| spec.with_csum(c).try_frame(),
        layout,
    )?;
    skb.ip6_frag_id = ip6_frag_id;
    Ok(skb)
}

/// What the IPv4 and IPv6 UFO builders share: `ufo_size = mtu - hlen` (the bytes every fragment
/// repeats), the frame with the seed in the UDP check field and a `CHECKSUM_PARTIAL` request
/// there (none for a `UdpCsum::None` spec), the head holding every header up to the end of UDP.
fn ufo_skb(
    mtu: u32,
    hlen: usize,
    l4: usize,
    udp_csum: UdpCsum,
    frame: impl Fn(UdpCsum) -> Result<Vec<u8>, SpecError>,
    layout: FragLayout,
) -> Result<Skb, BuildError> {
    let ufo_size = mtu
        .checked_sub(hlen as u32)
        .filter(|&s| s > 0)
        .ok_or(BuildError::MtuTooSmall { mtu, hlen })?;
    let ufo_size =
        u16::try_from(ufo_size).map_err(|_| BuildError::MtuTooLarge { mtu, ufo_size })?;
    let (csum_mode, csum) = match udp_csum {
        UdpCsum::None => (UdpCsum::None, None),
        UdpCsum::Full | UdpCsum::Seed => (
            UdpCsum::Seed,
            Some(CsumOffload {
                start: l4 as u16,
                offset: 6,
            }),
        ),
    };
    let mut skb = from_frame(&frame(csum_mode)?, l4 + UDP_HEADER_LEN, layout)?;
    skb.ufo_size = ufo_size;
    skb.csum = csum;
    Ok(skb)
}

/// A non-UFO `sk_buff` for an IPv6 datagram: the frame as the spec builds it; a Seed spec gets
/// a `CHECKSUM_PARTIAL` request at the UDP check field.
pub fn from_ipv6_datagram_plain(
    spec: &Ipv6DatagramSpec,
    layout: FragLayout,
) -> Result<Skb, BuildError> {
    let frame = spec.try_frame()?;
    let mut skb = from_frame(&frame, spec.l4_offset() + UDP_HEADER_LEN, layout)?;
    if spec.udp_csum == UdpCsum::Seed {
        skb.csum = Some(CsumOffload {
            start: spec.l4_offset() as u16,
            offset: 6,
        });
    }
    Ok(skb)
}

/// The `sk_buff` of a plain packet: no `ufo_size`; its [`PlainSpec::csum_request`], if any.
///
/// A plain frame is what an `AF_PACKET` sender hands the device with `PACKET_TX_RING`:
/// `tpacket_snd` copies `max(vnet hdr_len, dev->hard_header_len)` bytes into the head and
/// `tpacket_fill_skb` attaches the rest from the ring's pages. Without a checksum request that
/// head is the 14-byte Ethernet header, so the IP header (and a VLAN tag in the frame) may lie
/// in the frags; with one, `__packet_snd_vnet_parse` raises `hdr_len` past the checksum field.
pub fn from_plain(spec: &PlainSpec, layout: FragLayout) -> Result<Skb, BuildError> {
    let frame = spec.try_frame()?;
    let csum = spec.csum_request();
    let head_len = match csum {
        Some(c) => (usize::from(c.start) + usize::from(c.offset) + 2).max(spec.l4_offset()),
        None => ETH_HEADER_LEN,
    }
    .min(frame.len());
    let mut skb = from_frame(&frame, head_len, layout)?;
    skb.csum = csum;
    Ok(skb)
}

/// The `sk_buff` for any [`TxPacket`]: UFO datagrams per [`from_datagram_ufo`] /
/// [`from_ipv6_datagram_ufo`], other datagrams per [`from_datagram_plain`] /
/// [`from_ipv6_datagram_plain`], plain packets per [`from_plain`]; then `ip6_frag_id` and
/// `vlan_insert` from the packet.
pub fn from_tx_packet(tx: &TxPacket, layout: FragLayout) -> Result<Skb, BuildError> {
    if let Some(gso_size) = tx.uso_gso_size {
        return from_tx_packet_uso(tx, gso_size, layout);
    }
    let mut skb = match (&tx.spec, tx.ufo_mtu) {
        (PacketSpec::Udp4(s), Some(mtu)) => from_datagram_ufo(s, mtu, layout)?,
        (PacketSpec::Udp6(s), Some(mtu)) => from_ipv6_datagram_ufo(s, mtu, tx.ip6_frag_id, layout)?,
        (PacketSpec::Plain(_), Some(_)) => return Err(BuildError::UfoNotUdp),
        (PacketSpec::Udp4(s), None) => from_datagram_plain(s, layout)?,
        (PacketSpec::Udp6(s), None) => from_ipv6_datagram_plain(s, layout)?,
        (PacketSpec::Plain(s), None) => from_plain(s, layout)?,
    };
    skb.ip6_frag_id = tx.ip6_frag_id;
    skb.vlan_insert = tx.vlan_insert;
    debug_assert_eq!(skb.csum, tx.csum_request());
    Ok(skb)
}

/// The USO `sk_buff` of a [`TxPacket`] with `uso_gso_size`, as `udp_send_skb` leaves a
/// `UDP_SEGMENT` send: the frame with the pseudo-header seed over the full UDP length in the
/// check field ([`TxPacket::skb_frame`]), `CHECKSUM_PARTIAL` at the UDP check field (none for a
/// [`UdpCsum::None`] spec: the refused "checksum disabled" case), `gso_size`, `vlan_insert`.
fn from_tx_packet_uso(tx: &TxPacket, gso_size: u16, layout: FragLayout) -> Result<Skb, BuildError> {
    if tx.ufo_mtu.is_some() {
        return Err(BuildError::UfoAndUso);
    }
    if matches!(tx.spec, PacketSpec::Plain(_)) {
        return Err(BuildError::UfoNotUdp);
    }
    let l4 = tx.spec.l4_offset();
    let mut skb = from_frame_uso(&tx.skb_frame()?, gso_size, l4, layout)?;
    skb.csum = tx.csum_request();
    skb.ip6_frag_id = tx.ip6_frag_id;
    skb.vlan_insert = tx.vlan_insert;
    Ok(skb)
}

/// A USO `sk_buff` from a raw super-frame (a TAP's `virtio_net_hdr` frame, a captured
/// super-frame): `gso_size`, `CHECKSUM_PARTIAL` with `csum_start` = `udp_offset` (the UDP
/// header's offset, virtio's `csum_start`) and `csum_offset` = 6, the head holding every header
/// through UDP. The frame must already carry the pseudo-header seed over the full UDP length in
/// its check field, as the kernel hands it to a USO device; nothing is checked beyond the UDP
/// header lying inside the frame (the engine and the golden model judge the rest).
pub fn from_frame_uso(
    frame: &[u8],
    gso_size: u16,
    udp_offset: usize,
    layout: FragLayout,
) -> Result<Skb, BuildError> {
    let start = u16::try_from(udp_offset)
        .ok()
        .filter(|_| udp_offset + UDP_HEADER_LEN <= frame.len())
        .ok_or(BuildError::UdpOutside {
            udp_offset,
            frame_len: frame.len(),
        })?;
    let mut skb = from_frame(frame, udp_offset + UDP_HEADER_LEN, layout)?;
    skb.uso_gso_size = Some(gso_size);
    skb.csum = Some(CsumOffload {
        start,
        offset: UDP_CHECK_OFFSET,
    });
    Ok(skb)
}

/// `offsetof(struct udphdr, check)`.
const UDP_CHECK_OFFSET: u16 = 6;

/// Spreads any frame (possibly malformed, for error tests) over head and frags: the head holds
/// at least `head_len` bytes. No offload fields are set.
pub fn from_frame(frame: &[u8], head_len: usize, layout: FragLayout) -> Result<Skb, BuildError> {
    if head_len > frame.len() {
        return Err(BuildError::HeadLongerThanFrame {
            head_len,
            frame_len: frame.len(),
        });
    }
    let skb = match layout {
        FragLayout::Linear => Skb {
            head: frame.to_vec(),
            head_align: DEFAULT_HEAD_ALIGN,
            ..Default::default()
        },
        FragLayout::SeedPages => seed_pages(frame, head_len)?,
        FragLayout::Random { seed } => {
            random_split(&mut ChaCha8Rng::seed_from_u64(seed), frame, head_len)?
        }
    };
    skb.check_limits(MAX_BUFFERS)?;
    Ok(skb)
}

/// `skb_append_datato_frags`: fresh pages from offset 0, filled to 4096 bytes, at least one.
fn seed_pages(frame: &[u8], head_len: usize) -> Result<Skb, BuildError> {
    let (head, rest) = frame.split_at(head_len);
    let page = PAGE_SIZE as usize;
    let needed = rest.len().div_ceil(page).max(1);
    if needed > MAX_SKB_FRAGS {
        return Err(BuildError::TooManyFrags {
            needed,
            max: MAX_SKB_FRAGS,
        });
    }
    let mut frags: Vec<SkbFrag> = rest
        .chunks(page)
        .map(|c| SkbFrag {
            page_offset: 0,
            data: c.to_vec(),
        })
        .collect();
    if frags.is_empty() {
        // The patch's do { ... } while (length > 0) adds one frag before testing the length.
        frags.push(SkbFrag {
            page_offset: 0,
            data: Vec::new(),
        });
    }
    Ok(Skb {
        head: head.to_vec(),
        head_align: DEFAULT_HEAD_ALIGN,
        frags,
        ..Default::default()
    })
}

/// A random legal split; see [`FragLayout::Random`].
fn random_split(rng: &mut impl Rng, frame: &[u8], head_len: usize) -> Result<Skb, BuildError> {
    let page = PAGE_SIZE as usize;
    let max_frags = MAX_BUFFERS - 1;
    let payload = frame.len() - head_len;

    // Some payload may stay in the head; never so little that the frags cannot hold the rest.
    let min_extra = payload.saturating_sub(max_frags * page);
    let extra = match rng.gen_range(0..8) {
        0..=3 => 0,
        4 => rng.gen_range(1..=7),
        5 => rng.gen_range(0..=256),
        6 => rng.gen_range(0..=payload),
        _ => payload,
    }
    .clamp(min_extra, payload);
    let (head, mut rest) = frame.split_at(head_len + extra);

    let head_align = match rng.gen_range(0..5) {
        0 => DEFAULT_HEAD_ALIGN,
        1 => 0,
        // Close to the page end: the head crosses into the next page.
        2 => PAGE_SIZE - rng.gen_range(1..=64),
        _ => rng.gen_range(0..PAGE_SIZE),
    };

    // How likely tiny frags are in this skb: some skbs get many, most a few.
    let tiny_bias = if rng.gen_bool(0.3) { 0.6 } else { 0.15 };
    let mut frags = Vec::new();
    while !rest.is_empty() || (frags.len() < max_frags && rng.gen_bool(0.05)) {
        let slots_after = max_frags - frags.len() - 1;
        let min_len = rest.len().saturating_sub(slots_after * page);
        let max_len = rest.len().min(page);
        let want = if rng.gen_bool(tiny_bias) {
            match rng.gen_range(0..3) {
                0 => 0,
                1 => 1,
                _ => rng.gen_range(0..32) * 2 + 1,
            }
        } else if rng.gen_bool(0.3) {
            page
        } else {
            rng.gen_range(0..=max_len)
        };
        let len = want.clamp(min_len, max_len);
        // An empty frag still points inside its page (page_offset < 4096).
        let room = (page - len).min(page - 1);
        let page_offset = match rng.gen_range(0..4) {
            0 => 0,
            1 => room, // ends exactly at the page end
            _ => rng.gen_range(0..=room),
        };
        let (data, tail) = rest.split_at(len);
        frags.push(SkbFrag {
            page_offset: page_offset as u32,
            data: data.to_vec(),
        });
        rest = tail;
        if frags.len() == max_frags {
            break;
        }
    }
    Ok(Skb {
        head: head.to_vec(),
        head_align,
        frags,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::{random_datagram, GenConfig};

    fn spec(payload_len: usize) -> DatagramSpec {
        DatagramSpec {
            payload: (0..payload_len).map(|i| (i * 7 + 3) as u8).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn ufo_skb_fields() {
        let s = spec(4000);
        let skb = from_datagram_ufo(&s, 1500, FragLayout::SeedPages).unwrap();
        assert_eq!(skb.ufo_size, 1480);
        assert_eq!(
            skb.csum,
            Some(CsumOffload {
                start: 34,
                offset: 6
            })
        );
        assert_eq!(skb.head.len(), 42, "Ethernet + IPv4 + UDP header");
        assert_eq!(skb.head_align, DEFAULT_HEAD_ALIGN);
        assert_eq!(skb.to_bytes(), s.with_csum(UdpCsum::Seed).frame());
        let sizes: Vec<usize> = skb.frags.iter().map(|f| f.data.len()).collect();
        assert_eq!(sizes, vec![4000]);
        // With options the IP header is 24 bytes: ufo_size 1476.
        let mut o = spec(10);
        o.ip_options = vec![1, 1, 1, 0];
        assert_eq!(
            from_datagram_ufo(&o, 1500, FragLayout::Linear)
                .unwrap()
                .ufo_size,
            1476
        );
    }

    #[test]
    fn ufo_without_checksum() {
        let s = spec(3000).with_csum(UdpCsum::None);
        let skb = from_datagram_ufo(&s, 1500, FragLayout::Linear).unwrap();
        assert_eq!(skb.csum, None);
        assert_eq!(&skb.head[40..42], &[0, 0]);
    }

    #[test]
    fn seed_pages_match_skb_append_datato_frags() {
        let s = spec(65507);
        let skb = from_datagram_ufo(&s, 1500, FragLayout::SeedPages).unwrap();
        assert_eq!(skb.frags.len(), 16);
        for f in &skb.frags[..15] {
            assert_eq!((f.page_offset, f.data.len()), (0, 4096));
        }
        assert_eq!(skb.frags[15].data.len(), 65507 - 15 * 4096);
        // Empty payload: one empty frag, as the patch's do-while loop makes.
        let e = from_datagram_ufo(&spec(0), 1500, FragLayout::SeedPages).unwrap();
        assert_eq!(e.frags.len(), 1);
        assert!(e.frags[0].data.is_empty());
    }

    #[test]
    fn fits_mtu_still_gets_ufo_size() {
        let skb = from_datagram_ufo(&spec(100), 1500, FragLayout::SeedPages).unwrap();
        assert_eq!(skb.ufo_size, 1480);
    }

    #[test]
    fn bad_mtu() {
        assert_eq!(
            from_datagram_ufo(&spec(1), 20, FragLayout::Linear),
            Err(BuildError::MtuTooSmall { mtu: 20, hlen: 20 })
        );
        assert!(matches!(
            from_datagram_ufo(&spec(1), 70000, FragLayout::Linear),
            Err(BuildError::MtuTooLarge { .. })
        ));
    }

    #[test]
    fn random_layouts_preserve_bytes_and_limits() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let cfg = GenConfig {
            max_vlan_tags: 2,
            ip_options: true,
            ..Default::default()
        };
        let (mut saw_empty, mut saw_one, mut saw_odd_offset, mut saw_head_payload) =
            (false, false, false, false);
        for seed in 0..3000 {
            let s = random_datagram(&mut rng, &cfg);
            let skb = from_datagram_ufo(&s, 1500, FragLayout::Random { seed }).unwrap();
            assert_eq!(skb.to_bytes(), s.with_csum(UdpCsum::Seed).frame());
            assert!(skb.buffers() <= 32);
            assert!(skb.head.len() >= s.l4_offset() + 8);
            assert!(skb.head_align < 4096);
            for f in &skb.frags {
                assert!(f.page_offset < 4096 && f.page_offset as usize + f.data.len() <= 4096);
                saw_empty |= f.data.is_empty();
                saw_one |= f.data.len() == 1;
                saw_odd_offset |= f.page_offset % 2 == 1;
            }
            saw_head_payload |= skb.head.len() > s.l4_offset() + 8;
        }
        assert!(saw_empty && saw_one && saw_odd_offset && saw_head_payload);
    }

    #[test]
    fn plain_skb() {
        let s = spec(50);
        let skb = from_datagram_plain(&s, FragLayout::Random { seed: 9 }).unwrap();
        assert_eq!(skb.ufo_size, 0);
        assert_eq!(skb.csum, None);
        assert_eq!(skb.to_bytes(), s.frame());
        let p = from_datagram_plain(&s.with_csum(UdpCsum::Seed), FragLayout::Linear).unwrap();
        assert_eq!(
            p.csum,
            Some(CsumOffload {
                start: 34,
                offset: 6
            })
        );
    }

    #[test]
    fn from_frame_refuses_short_frames() {
        assert_eq!(
            from_frame(&[0; 10], 11, FragLayout::Linear),
            Err(BuildError::HeadLongerThanFrame {
                head_len: 11,
                frame_len: 10
            })
        );
    }
}
