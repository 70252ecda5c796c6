//! Random test packets, biased toward the sizes where fragmentation goes wrong: exact
//! multiples of the fragment size, last fragments of 1..7 bytes, a datagram that just fits or
//! just does not fit the MTU, tiny and empty payloads, and the largest IPv4 and IPv6 datagrams.
//!
//! - [`random_datagram`]: one IPv4 UFO datagram ([`GenConfig`]).
//! - [`random_packet`]: the whole mix ([`MixConfig`]): IPv4 and IPv6 UFO datagrams (options,
//!   extension headers, DF, no checksum), plain UDP with and without checksum offload, other
//!   protocols with checksum offload, pass-through frames, USO super-frames (with
//!   [`MixWeights::with_uso`]), VLAN tags in the frame and inserted on request.
//!
//! Callers seed a [`rand_chacha::ChaCha8Rng`] themselves, so one printed seed reproduces a run.

use crate::packet::{
    DatagramSpec, Ipv6DatagramSpec, Ipv6ExtHeader, Ipv6ExtKind, PacketSpec, PlainCsum, PlainL3,
    PlainSpec, TxPacket, UdpCsum, ETH_HEADER_LEN, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDPLITE,
    IPV4_MAX_TOTAL_LEN, IPV4_MIN_HEADER_LEN, IPV6_HEADER_LEN, IPV6_MAX_PAYLOAD_LEN, UDP_HEADER_LEN,
    VLAN_TAG_LEN,
};
use rand::Rng;
use ufo_golden::{UDP_MAX_SEGMENTS, USO_MAX_FRAME};

/// Option types used by the generator: (type byte, length). Copied bit 0x80 set or clear.
const OPTION_KINDS: &[(u8, usize)] = &[
    (0x94, 4),  // Router Alert: copied
    (0x07, 7),  // Record Route with one address slot: not copied
    (0x07, 11), // Record Route with two slots: not copied
    (0x44, 12), // Timestamp: not copied
    (0x82, 11), // Security (RFC 791): copied
    (0x88, 4),  // Stream ID: copied
    (0x1e, 2),  // experimental, not copied, minimal length
    (0x9e, 3),  // experimental, copied, odd length
];

/// What [`random_datagram`] generates.
#[derive(Debug, Clone, PartialEq)]
pub struct GenConfig {
    /// MTU the datagram is meant for: sizes are biased around its fragment size.
    pub mtu: u32,
    /// Largest UDP payload; clamped so that the IPv4 total length stays <= 65535.
    pub max_payload: usize,
    /// Most 802.1Q tags in a frame (each frame gets 0..=this, tags in 1 of 4 frames).
    pub max_vlan_tags: usize,
    /// Whether to add IPv4 options (copied and not, NOOP and EOL padding). Off by default: the
    /// engine handles options in a later issue.
    pub ip_options: bool,
    /// Probability of the DF flag.
    pub df_probability: f64,
    /// UDP check-field mode of the generated spec.
    pub udp_csum: UdpCsum,
}

impl Default for GenConfig {
    fn default() -> Self {
        Self {
            mtu: 1500,
            max_payload: IPV4_MAX_TOTAL_LEN - IPV4_MIN_HEADER_LEN - UDP_HEADER_LEN,
            max_vlan_tags: 1,
            ip_options: false,
            df_probability: 0.1,
            udp_csum: UdpCsum::Seed,
        }
    }
}

/// A random datagram per `cfg`. Always valid ([`DatagramSpec::validate`] passes).
pub fn random_datagram(rng: &mut impl Rng, cfg: &GenConfig) -> DatagramSpec {
    let vlan = if cfg.max_vlan_tags > 0 && rng.gen_bool(0.25) {
        let n = rng.gen_range(1..=cfg.max_vlan_tags);
        (0..n).map(|_| rng.gen()).collect()
    } else {
        Vec::new()
    };
    let ip_options = if cfg.ip_options && rng.gen_bool(0.5) {
        random_options(rng)
    } else {
        Vec::new()
    };
    let hlen = IPV4_MIN_HEADER_LEN + ip_options.len();
    let limit = cfg
        .max_payload
        .min(IPV4_MAX_TOTAL_LEN - hlen - UDP_HEADER_LEN);
    let payload_len = interesting_payload_len(rng, cfg.mtu, hlen, limit);
    let payload = (0..payload_len).map(|_| rng.gen()).collect();
    DatagramSpec {
        dst_mac: random_mac(rng),
        src_mac: random_mac(rng),
        vlan,
        src_ip: rng.gen(),
        dst_ip: rng.gen(),
        ip_id: rng.gen(),
        tos: rng.gen(),
        ttl: rng.gen_range(1..=255),
        df: rng.gen_bool(cfg.df_probability.clamp(0.0, 1.0)),
        ip_options,
        src_port: rng.gen(),
        dst_port: rng.gen(),
        payload,
        udp_csum: cfg.udp_csum,
    }
}

/// Which kinds of packets [`random_packet`] draws, by relative weight (0 turns a kind off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MixWeights {
    /// UFO datagram over IPv4.
    pub ufo_ipv4: u32,
    /// UFO datagram over IPv6.
    pub ufo_ipv6: u32,
    /// UDP datagram (IPv4 or IPv6) without UFO: checksum offload (seed) or pass-through.
    pub udp_plain: u32,
    /// Another protocol with a `CHECKSUM_PARTIAL` request (TCP, UDP-Lite, ICMPv6 over IP, or a
    /// non-IP frame at an arbitrary, possibly odd, start).
    pub csum_plain: u32,
    /// A packet without any offload, sent as it is.
    pub passthrough: u32,
    /// A USO super-frame (`UDP_SEGMENT`), IPv4 or IPv6, with a `gso_size` drawn among the
    /// sizes that stress segmentation.
    pub uso: u32,
}

impl MixWeights {
    /// The default mix with USO super-frames in it.
    pub fn with_uso() -> Self {
        Self {
            uso: 3,
            ..Self::default()
        }
    }
}

impl Default for MixWeights {
    fn default() -> Self {
        Self {
            ufo_ipv4: 4,
            ufo_ipv6: 4,
            udp_plain: 1,
            csum_plain: 2,
            passthrough: 1,
            uso: 0,
        }
    }
}

/// What [`random_packet`] generates.
#[derive(Debug, Clone, PartialEq)]
pub struct MixConfig {
    /// MTUs a UFO datagram is sent at (one drawn per packet; IPv6 raises it to
    /// `ipv6_min_mtu`).
    pub mtus: Vec<u32>,
    /// Kinds and their weights.
    pub weights: MixWeights,
    /// Most 802.1Q tags already in a frame (0..=this, tags in 1 of 4 frames).
    pub max_vlan_tags: usize,
    /// Probability that the stack asks the device to insert a VLAN tag.
    pub vlan_insert_probability: f64,
    /// IPv4 options (copied and not copied, NOOP and EOL padding) in half the IPv4 datagrams.
    pub ipv4_options: bool,
    /// Most IPv6 extension headers (0..=4), in the orders Linux emits them.
    pub max_ipv6_ext_headers: usize,
    /// Every header of a datagram (Ethernet, tags, IP, extension headers, UDP) ends within this
    /// many bytes: the engine's `HDR_BYTES`.
    pub max_header_bytes: usize,
    /// Probability of DF on IPv4 datagrams.
    pub df_probability: f64,
    /// Probability of an IPv4 UFO datagram without UDP checksum (check field 0).
    pub ipv4_no_csum_probability: f64,
    /// Probability of an IPv6 UFO datagram without UDP checksum (`UDP_NO_CHECK6_TX`).
    pub ipv6_no_csum_probability: f64,
    /// Smallest MTU for IPv6 (`IPV6_MIN_MTU`, 1280).
    pub ipv6_min_mtu: u32,
    /// Largest plain (non-UFO) frame, bytes.
    pub max_plain_len: usize,
    /// Longest wire frame the device sends (its MAX_FRAME_LEN): a UFO datagram's tags (in the
    /// frame and inserted) are dropped until its fragments fit.
    pub max_frame_len: usize,
}

impl Default for MixConfig {
    fn default() -> Self {
        Self {
            mtus: vec![576, 1280, 1500, 9000],
            weights: MixWeights::default(),
            max_vlan_tags: 2,
            vlan_insert_probability: 0.25,
            ipv4_options: true,
            max_ipv6_ext_headers: 3,
            max_header_bytes: 128,
            df_probability: 0.1,
            ipv4_no_csum_probability: 0.05,
            ipv6_no_csum_probability: 0.03,
            ipv6_min_mtu: 1280,
            max_plain_len: 9018,
            max_frame_len: usize::from(crate::desc::MAX_FRAME_LEN_DEFAULT),
        }
    }
}

/// A random packet of the mix in `cfg`, with its offload requests. Always valid: its
/// [`TxPacket::skb`] and [`TxPacket::golden`] succeed.
pub fn random_packet(rng: &mut impl Rng, cfg: &MixConfig) -> TxPacket {
    let w = cfg.weights;
    let table = [
        w.ufo_ipv4,
        w.ufo_ipv6,
        w.udp_plain,
        w.csum_plain,
        w.passthrough,
        w.uso,
    ];
    let total: u32 = table.iter().sum();
    assert!(total > 0, "MixConfig.weights are all 0");
    let mut pick = rng.gen_range(0..total);
    let mut kind = 0;
    while pick >= table[kind] {
        pick -= table[kind];
        kind += 1;
    }
    let vlan_insert = rng
        .gen_bool(cfg.vlan_insert_probability.clamp(0.0, 1.0))
        .then(|| rng.gen());
    let mtu = cfg
        .mtus
        .get(rng.gen_range(0..cfg.mtus.len().max(1)))
        .copied()
        .unwrap_or(1500);
    let mut tx = match kind {
        0 => {
            let spec = random_ipv4_for_mix(rng, cfg, mtu, true);
            TxPacket {
                spec: PacketSpec::Udp4(spec),
                ufo_mtu: Some(mtu),
                ip6_frag_id: 0,
                vlan_insert: None,
                uso_gso_size: None,
            }
        }
        1 => {
            let mtu = mtu.max(cfg.ipv6_min_mtu);
            let mut spec = random_ipv6_datagram(rng, cfg, mtu);
            if rng.gen_bool(cfg.ipv6_no_csum_probability.clamp(0.0, 1.0)) {
                spec.udp_csum = UdpCsum::None;
            }
            TxPacket {
                spec: PacketSpec::Udp6(spec),
                ufo_mtu: Some(mtu),
                ip6_frag_id: random_frag_id(rng),
                vlan_insert: None,
                uso_gso_size: None,
            }
        }
        2 => {
            let csum = match rng.gen_range(0..4) {
                0 => UdpCsum::Full,
                1 => UdpCsum::None,
                _ => UdpCsum::Seed,
            };
            let spec = if rng.gen_bool(0.5) {
                let mut s = random_ipv4_for_mix(rng, cfg, mtu, false);
                s.udp_csum = csum;
                PacketSpec::Udp4(s)
            } else {
                let mut s = random_ipv6_datagram(rng, cfg, mtu.max(cfg.ipv6_min_mtu));
                s.udp_csum = if csum == UdpCsum::None {
                    UdpCsum::Full
                } else {
                    csum
                };
                PacketSpec::Udp6(s)
            };
            TxPacket::plain(spec)
        }
        3 => TxPacket::plain(PacketSpec::Plain(random_plain(rng, cfg, true))),
        4 => TxPacket::plain(PacketSpec::Plain(random_plain(rng, cfg, false))),
        _ => random_uso(rng, cfg, mtu),
    };
    tx.vlan_insert = vlan_insert;
    // A UFO fragment or a USO segment carries at most `mtu` IP bytes.
    match tx.ufo_mtu.or(tx.uso_gso_size.map(|_| mtu)) {
        Some(mtu) => fit_fragments(&mut tx, mtu as usize, cfg.max_frame_len),
        None => fit_plain_frame(&mut tx, cfg.max_frame_len),
    }
    if tx.ufo_mtu.is_none() && tx.uso_gso_size.is_none() && rng.gen_bool(0.1) {
        // A stale fragment id on a non-UFO skb must not matter.
        tx.ip6_frag_id = rng.gen();
    }
    tx
}

/// Drops tags from a UFO datagram at `mtu` until its longest frame (Ethernet header, tags, an
/// inserted tag, `mtu` IP bytes) fits in `max_frame_len`: MTU 9000 with three tags does not.
fn fit_fragments(tx: &mut TxPacket, mtu: usize, max_frame_len: usize) {
    let vlan = match &mut tx.spec {
        PacketSpec::Udp4(s) => &mut s.vlan,
        PacketSpec::Udp6(s) => &mut s.vlan,
        PacketSpec::Plain(s) => &mut s.vlan,
    };
    let inserted = usize::from(tx.vlan_insert.is_some());
    while ETH_HEADER_LEN + VLAN_TAG_LEN * (vlan.len() + inserted) + mtu > max_frame_len
        && !vlan.is_empty()
    {
        vlan.pop();
    }
    if ETH_HEADER_LEN + VLAN_TAG_LEN * inserted + mtu > max_frame_len {
        tx.vlan_insert = None;
    }
}

/// Shortens a plain UDP datagram's payload until its frame (with an inserted tag) fits in
/// `max_frame_len` (other plain frames are generated within `max_plain_len`).
fn fit_plain_frame(tx: &mut TxPacket, max_frame_len: usize) {
    let inserted = VLAN_TAG_LEN * usize::from(tx.vlan_insert.is_some());
    let (frame_len, payload) = match &mut tx.spec {
        PacketSpec::Udp4(s) => (s.l3_offset() + s.ip_total_len(), &mut s.payload),
        PacketSpec::Udp6(s) => (s.l3_offset() + s.packet_len(), &mut s.payload),
        PacketSpec::Plain(_) => return,
    };
    let excess = (frame_len + inserted).saturating_sub(max_frame_len);
    payload.truncate(payload.len().saturating_sub(excess));
}

/// A USO super-frame as `UDP_SEGMENT` makes it: IPv4 or IPv6 (options, extension headers and
/// tags as in the rest of the mix), checksum offloaded, a `gso_size` that fills the MTU, a tiny
/// or an arbitrary one whose segment fits the MTU, and a payload length among the edge cases (exact multiples, 1-byte and
/// `gso_size - 1` tails, one segment, 128 segments, the largest frame), always within Linux's
/// limits (at most 128 segments, a frame of at most 65,535 bytes).
fn random_uso(rng: &mut impl Rng, cfg: &MixConfig, mtu: u32) -> TxPacket {
    let (spec, l3, l4) = if rng.gen_bool(0.5) {
        let mut s = random_ipv4_for_mix(rng, cfg, mtu, true);
        s.udp_csum = UdpCsum::Full;
        let (l3, l4) = (s.l3_offset(), s.l4_offset());
        (PacketSpec::Udp4(s), l3, l4)
    } else {
        let mut s = random_ipv6_datagram(rng, cfg, mtu.max(cfg.ipv6_min_mtu));
        s.udp_csum = UdpCsum::Full;
        let (l3, l4) = (s.l3_offset(), s.l4_offset());
        (PacketSpec::Udp6(s), l3, l4)
    };
    // The frame bounds the payload (tighter than the IP length fields).
    let max_payload = USO_MAX_FRAME - l4 - UDP_HEADER_LEN;
    let fill_mtu = (mtu as usize)
        .saturating_sub(l4 - l3 + UDP_HEADER_LEN)
        .max(1);
    // `udp_send_skb` refuses a gso_size whose segment would not fit the MTU (EMSGSIZE).
    let gso = match rng.gen_range(0..5) {
        0 | 1 => fill_mtu,
        2 => rng.gen_range(1..=8),
        _ => rng.gen_range(1..=fill_mtu),
    };
    let most = max_payload.min(UDP_MAX_SEGMENTS * gso);
    let k = rng.gen_range(1..=(most / gso).max(1));
    let len = match rng.gen_range(0..9) {
        0 => k * gso,
        1 => k * gso + 1,
        2 => (k * gso).saturating_sub(1),
        3 => gso + 1,
        4 => rng.gen_range(0..=gso),
        5 => most,
        6 => 0,
        _ => rng.gen_range(0..=most),
    }
    .min(most);
    let payload: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
    let spec = match spec {
        PacketSpec::Udp4(s) => PacketSpec::Udp4(DatagramSpec { payload, ..s }),
        PacketSpec::Udp6(s) => PacketSpec::Udp6(Ipv6DatagramSpec { payload, ..s }),
        plain => plain,
    };
    TxPacket::uso(spec, gso as u16)
}

/// An IPv6 fragment identification: mostly random, sometimes the edge values.
fn random_frag_id(rng: &mut impl Rng) -> u32 {
    match rng.gen_range(0..10) {
        0 => 0x8000_0000, // __ipv6_select_ident's replacement for 0
        1 => 0xFFFF_FFFF,
        2 => 1,
        _ => rng.gen(),
    }
}

fn random_vlan(rng: &mut impl Rng, max: usize) -> Vec<u16> {
    if max > 0 && rng.gen_bool(0.25) {
        let n = rng.gen_range(1..=max);
        (0..n).map(|_| rng.gen()).collect()
    } else {
        Vec::new()
    }
}

/// An IPv4 datagram of the mix; `ufo`: sizes biased around the fragment size at `mtu`.
fn random_ipv4_for_mix(rng: &mut impl Rng, cfg: &MixConfig, mtu: u32, ufo: bool) -> DatagramSpec {
    let gc = GenConfig {
        mtu,
        max_payload: if ufo {
            IPV4_MAX_TOTAL_LEN - IPV4_MIN_HEADER_LEN - UDP_HEADER_LEN
        } else {
            cfg.max_plain_len
                .saturating_sub(ETH_HEADER_LEN + 8 + 60 + 8)
                .max(1)
        },
        max_vlan_tags: cfg.max_vlan_tags,
        ip_options: cfg.ipv4_options,
        df_probability: cfg.df_probability,
        udp_csum: if rng.gen_bool(cfg.ipv4_no_csum_probability.clamp(0.0, 1.0)) {
            UdpCsum::None
        } else {
            UdpCsum::Seed
        },
    };
    let mut s = random_datagram(rng, &gc);
    // Keep every header inside the engine's header window.
    while s.l4_offset() + UDP_HEADER_LEN > cfg.max_header_bytes && !s.ip_options.is_empty() {
        s.ip_options.clear();
    }
    while s.l4_offset() + UDP_HEADER_LEN > cfg.max_header_bytes && !s.vlan.is_empty() {
        s.vlan.pop();
    }
    s
}

/// Random IPv6 extension headers in an order Linux emits (`ipv6_push_nfrag_opts` /
/// `ipv6_push_frag_opts`): Hop-by-Hop first, then Destination Options before a Routing header
/// (only with one), the Routing header, then Destination Options; at most `max` headers and
/// `budget` bytes. Returns the headers and the final destination when a Routing header is
/// present.
pub fn random_ext_headers(
    rng: &mut impl Rng,
    max: usize,
    budget: usize,
) -> (Vec<Ipv6ExtHeader>, Option<[u8; 16]>) {
    use Ipv6ExtKind::*;
    const ORDERS: &[&[Ipv6ExtKind]] = &[
        &[HopByHop],
        &[DestOptions],
        &[Routing],
        &[HopByHop, Routing],
        &[HopByHop, DestOptions],
        &[Routing, DestOptions],
        &[DestOptions, Routing],
        &[HopByHop, Routing, DestOptions],
        &[HopByHop, DestOptions, Routing],
        &[DestOptions, Routing, DestOptions],
        &[HopByHop, DestOptions, Routing, DestOptions],
    ];
    if max == 0 || budget < 8 || rng.gen_bool(0.2) {
        return (Vec::new(), None);
    }
    let fitting: Vec<&&[Ipv6ExtKind]> = ORDERS
        .iter()
        .filter(|o| {
            o.len() <= max && 8 * o.len() + if o.contains(&Routing) { 16 } else { 0 } <= budget
        })
        .collect();
    let Some(order) = fitting.get(rng.gen_range(0..fitting.len().max(1))) else {
        return (Vec::new(), None);
    };
    let mut left = budget;
    let mut headers = Vec::new();
    let mut final_dst = None;
    for (i, &kind) in order.iter().enumerate() {
        // Leave 8 bytes (16 for a Routing header) for each header still to come.
        let later: usize = order[i + 1..]
            .iter()
            .map(|k| if *k == Routing { 24 } else { 8 })
            .sum();
        let room = left - later;
        let h = match kind {
            Routing => {
                let max_addrs = ((room - 8) / 16).clamp(1, 4);
                let n = rng.gen_range(1..=max_addrs);
                let addrs: Vec<[u8; 16]> = (0..n).map(|_| rng.gen()).collect();
                // 8 + 16 * n <= room by the choice of n.
                final_dst = addrs.last().copied();
                Ipv6ExtHeader::routing(
                    if n == 1 && rng.gen_bool(0.5) { 2 } else { 0 },
                    n as u8,
                    &addrs,
                )
            }
            _ => {
                // TLV options: Router Alert (Hop-by-Hop only), experimental types whose
                // action bits say "skip", PadN runs; padded to a multiple of 8.
                let mut opts = Vec::new();
                let want = rng.gen_range(0..=(room - 2).min(46));
                while opts.len() + 8 <= want {
                    match rng.gen_range(0..3) {
                        0 if kind == HopByHop => opts.extend_from_slice(&[5, 2, 0, 0]),
                        1 => {
                            let n = rng.gen_range(0..=4);
                            opts.push(0x1e);
                            opts.push(n as u8);
                            opts.extend((0..n).map(|_| rng.gen::<u8>()));
                        }
                        _ => opts.extend_from_slice(&[1, 1, 0]),
                    }
                }
                let h = Ipv6ExtHeader::options(kind, &opts);
                if h.len() > room {
                    Ipv6ExtHeader::options(kind, &[])
                } else {
                    h
                }
            }
        };
        left -= h.len();
        headers.push(h);
    }
    (headers, final_dst)
}

/// A random IPv6 UDP datagram for `mtu`, sizes biased around its fragment size.
fn random_ipv6_datagram(rng: &mut impl Rng, cfg: &MixConfig, mtu: u32) -> Ipv6DatagramSpec {
    let mut vlan = random_vlan(rng, cfg.max_vlan_tags);
    let fixed = |vlan: &[u16]| ETH_HEADER_LEN + VLAN_TAG_LEN * vlan.len() + IPV6_HEADER_LEN + 8;
    while fixed(&vlan) > cfg.max_header_bytes && !vlan.is_empty() {
        vlan.pop();
    }
    let budget = cfg.max_header_bytes.saturating_sub(fixed(&vlan)) & !7;
    let (ext_headers, final_dst) =
        random_ext_headers(rng, cfg.max_ipv6_ext_headers.min(4), budget.min(256));
    let mut spec = Ipv6DatagramSpec {
        dst_mac: random_mac(rng),
        src_mac: random_mac(rng),
        vlan,
        traffic_class: rng.gen(),
        flow_label: rng.gen_range(0..=0xF_FFFF),
        hop_limit: rng.gen_range(1..=255),
        src_ip: rng.gen(),
        dst_ip: rng.gen(),
        ext_headers,
        final_dst,
        src_port: rng.gen(),
        dst_port: rng.gen(),
        payload: Vec::new(),
        udp_csum: UdpCsum::Seed,
    };
    let unfrag = spec.unfragmentable_len();
    let frag_ext = spec.ext_len() + IPV6_HEADER_LEN - unfrag;
    let limit = IPV6_MAX_PAYLOAD_LEN - spec.ext_len() - UDP_HEADER_LEN;
    // Non-last fragments carry (mtu - unfrag - 8) & !7 fragmentable bytes.
    let per = ((mtu as usize).saturating_sub(unfrag + 8).max(8)) & !7;
    let fits = (mtu as usize).saturating_sub(IPV6_HEADER_LEN + spec.ext_len());
    let from_fragmentable = |f: usize| f.saturating_sub(frag_ext + UDP_HEADER_LEN).min(limit);
    let max_frags = (limit + UDP_HEADER_LEN + frag_ext) / per;
    let len = match rng.gen_range(0..10) {
        0 => 0,
        1 => rng.gen_range(1..=16),
        2 => limit,
        3 => from_fragmentable(rng.gen_range(1..=max_frags.max(1)) * per),
        4 => from_fragmentable(rng.gen_range(1..=max_frags.max(1)) * per + rng.gen_range(1..=7)),
        5 => (fits + rng.gen_range(0..=8))
            .saturating_sub(4 + UDP_HEADER_LEN)
            .min(limit),
        6 => rng.gen_range(0..=limit.min(3 * fits)),
        _ => rng.gen_range(0..=limit),
    };
    spec.payload = (0..len).map(|_| rng.gen()).collect();
    spec
}

/// A random plain packet: with a checksum-offload request (`csum`) or without any offload.
fn random_plain(rng: &mut impl Rng, cfg: &MixConfig, csum: bool) -> PlainSpec {
    let vlan = random_vlan(rng, cfg.max_vlan_tags);
    let l2 = ETH_HEADER_LEN + VLAN_TAG_LEN * vlan.len();
    let max_len = cfg.max_plain_len.max(l2 + 64);
    let payload_len = |rng: &mut dyn rand::RngCore, hdr: usize, min: usize| -> usize {
        let cap = max_len.saturating_sub(l2 + hdr).max(min);
        match rng.gen_range(0..4) {
            0 => min,
            1 => rng.gen_range(min..=cap.min(min + 64)),
            _ => rng.gen_range(min..=cap),
        }
    };
    let v4 = |rng: &mut dyn rand::RngCore, protocol: u8| PlainL3::Ipv4 {
        src: rng.gen(),
        dst: rng.gen(),
        id: rng.gen(),
        tos: rng.gen(),
        ttl: rng.gen_range(1..=255),
        df: rng.gen_bool(0.5),
        protocol,
    };
    let v6 = |rng: &mut dyn rand::RngCore, next_header: u8| PlainL3::Ipv6 {
        traffic_class: rng.gen(),
        flow_label: rng.gen_range(0..=0xF_FFFF),
        hop_limit: rng.gen_range(1..=255),
        src: rng.gen(),
        dst: rng.gen(),
        next_header,
    };
    // What a Linux host with NETIF_F_HW_CSUM hands the device: TCP leaves its checksum to the
    // device (CHECKSUM_PARTIAL, `tcp_v4_send_check` / `tcp_v6_send_check`); UDP-Lite
    // (`udplite_csum`) and ICMPv6 (`icmpv6_push_pending_frames`) always compute theirs in
    // software, so they come complete and are sent as they are.
    let (l3, hdr, min, csum_kind) = match rng.gen_range(0..6) {
        // TCP: checksum at 16, header at least 20 bytes.
        0 => (
            v4(rng, IPPROTO_TCP),
            IPV4_MIN_HEADER_LEN,
            20,
            PlainCsum::Partial { offset: 16 },
        ),
        1 => (
            v6(rng, IPPROTO_TCP),
            IPV6_HEADER_LEN,
            20,
            PlainCsum::Partial { offset: 16 },
        ),
        // UDP-Lite over IPv4 (checksum at 6), computed by software.
        2 => (
            v4(rng, IPPROTO_UDPLITE),
            IPV4_MIN_HEADER_LEN,
            8,
            PlainCsum::Full { offset: 6 },
        ),
        // ICMPv6 (checksum at 2, pseudo-header included), computed by software.
        3 => (
            v6(rng, IPPROTO_ICMPV6),
            IPV6_HEADER_LEN,
            8,
            PlainCsum::Full { offset: 2 },
        ),
        // A non-IP EtherType (local experimental 0x88B5): any start, odd ones included.
        _ => (PlainL3::Raw { ethertype: 0x88B5 }, 0, 4, PlainCsum::None),
    };
    let n = payload_len(rng, hdr, min);
    let mut payload: Vec<u8> = (0..n).map(|_| rng.gen()).collect();
    match l3 {
        PlainL3::Ipv4 {
            protocol: IPPROTO_TCP,
            ..
        }
        | PlainL3::Ipv6 {
            next_header: IPPROTO_TCP,
            ..
        } => payload[12] = (5 << 4) | (payload[12] & 1), // data offset 5, reserved 0, NS kept
        PlainL3::Ipv4 {
            protocol: IPPROTO_UDPLITE,
            ..
        } => payload[4..6].fill(0), // checksum coverage 0: the whole datagram
        _ => {}
    }
    let frame_len = l2 + hdr + n;
    let csum = match (csum, csum_kind) {
        // Without offload, software completed the checksum.
        (false, PlainCsum::Partial { offset }) => PlainCsum::Full { offset },
        (true, PlainCsum::None) => {
            // csum_start anywhere from the EtherType on (even or odd) inside the engine's
            // header window, the field after it.
            let last = (frame_len - 3).min(cfg.max_header_bytes.saturating_sub(1).max(l2 - 2));
            let start = rng.gen_range(l2 - 2..=last);
            let offset = rng.gen_range(0..=(frame_len - 2 - start).min(64));
            PlainCsum::Raw {
                start: start as u16,
                offset: offset as u16,
                seed: rng.gen(),
            }
        }
        (_, k) => k,
    };
    PlainSpec {
        dst_mac: random_mac(rng),
        src_mac: random_mac(rng),
        vlan,
        l3,
        payload,
        csum,
    }
}

/// A unicast, locally administered MAC address.
fn random_mac(rng: &mut impl Rng) -> [u8; 6] {
    let mut mac: [u8; 6] = rng.gen();
    mac[0] = (mac[0] & 0xFE) | 0x02;
    mac
}

/// A UDP payload length in `0..=limit`, chosen among the sizes that stress fragmentation.
fn interesting_payload_len(rng: &mut impl Rng, mtu: u32, hlen: usize, limit: usize) -> usize {
    // Non-last fragments carry `(mtu - hlen) & !7` bytes of IP payload (the UDP datagram).
    let per_frag = (mtu as usize).saturating_sub(hlen).max(8) & !7;
    let fits = (mtu as usize).saturating_sub(hlen); // largest UDP datagram without fragmenting
    let max_frags = (limit + UDP_HEADER_LEN) / per_frag;
    // Converts a wanted UDP datagram length (IP payload) into a payload length.
    let from_ip_payload = |ip_payload: usize| ip_payload.saturating_sub(UDP_HEADER_LEN).min(limit);
    match rng.gen_range(0..10) {
        0 => 0,
        1 => rng.gen_range(1..=16.min(limit.max(1))).min(limit),
        2 => limit,
        3 => {
            // An exact multiple of the fragment size.
            let k = rng.gen_range(1..=max_frags.max(1));
            from_ip_payload(k * per_frag)
        }
        4 => {
            // Last fragment of 1..7 bytes.
            let k = rng.gen_range(1..=max_frags.max(1));
            from_ip_payload(k * per_frag + rng.gen_range(1..=7))
        }
        5 => {
            // Just fits, or just does not.
            from_ip_payload((fits + rng.gen_range(0..=8)).saturating_sub(4))
        }
        6 => rng.gen_range(0..=limit.min(3 * fits)),
        _ => rng.gen_range(0..=limit),
    }
}

/// Random, well-formed IPv4 options: a mix of copied and not-copied options and NOOPs, padded
/// with EOL to a multiple of 4 bytes, at most 40.
fn random_options(rng: &mut impl Rng) -> Vec<u8> {
    let mut opts = Vec::new();
    let budget = rng.gen_range(1..=10) * 4;
    loop {
        if rng.gen_bool(0.2) {
            if opts.len() < budget {
                opts.push(0x01); // NOOP
            }
        } else {
            let (kind, len) = OPTION_KINDS[rng.gen_range(0..OPTION_KINDS.len())];
            if opts.len() + len > budget {
                if opts.is_empty() {
                    opts.push(0x01); // never return no options when options were asked for
                }
                break;
            }
            opts.push(kind);
            opts.push(len as u8);
            // The body is opaque to fragmentation: fill it with something recognisable.
            opts.extend((2..len).map(|_| rng.gen::<u8>()));
        }
        if opts.len() >= budget || rng.gen_bool(0.3) {
            break;
        }
    }
    while opts.len() % 4 != 0 {
        opts.push(0x00); // EOL padding
    }
    opts
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn generated_specs_are_valid_and_varied() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let cfg = GenConfig {
            ip_options: true,
            max_vlan_tags: 2,
            ..Default::default()
        };
        let mut saw_max = false;
        let mut saw_zero = false;
        let mut saw_short_last = false;
        let mut saw_options = false;
        for _ in 0..2000 {
            let s = random_datagram(&mut rng, &cfg);
            assert_eq!(s.validate(), Ok(()));
            assert!(s.ip_total_len() <= 65535);
            let hlen = s.ip_header_len();
            let per = (1500 - hlen) & !7;
            saw_max |= s.ip_total_len() == 65535;
            saw_zero |= s.payload.is_empty();
            saw_options |= !s.ip_options.is_empty();
            let ip_payload = s.udp_len();
            saw_short_last |= ip_payload > per && (1..=7).contains(&(ip_payload % per));
        }
        assert!(saw_max && saw_zero && saw_short_last && saw_options);
    }

    #[test]
    fn same_seed_same_datagrams() {
        let cfg = GenConfig::default();
        let a: Vec<_> = {
            let mut rng = ChaCha8Rng::seed_from_u64(42);
            (0..20).map(|_| random_datagram(&mut rng, &cfg)).collect()
        };
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        let b: Vec<_> = (0..20).map(|_| random_datagram(&mut rng, &cfg)).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn options_are_well_formed() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..500 {
            let o = random_options(&mut rng);
            assert!(o.len() % 4 == 0 && o.len() <= 40 && !o.is_empty());
            // Walk it: every option must have a length that stays inside.
            let mut i = 0;
            while i < o.len() {
                match o[i] {
                    0 => break,
                    1 => i += 1,
                    _ => {
                        let l = o[i + 1] as usize;
                        assert!(l >= 2 && i + l <= o.len(), "{o:?}");
                        i += l;
                    }
                }
            }
        }
    }

    #[test]
    fn mix_covers_every_kind_within_the_limits() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let cfg = MixConfig::default();
        let mut seen = std::collections::HashSet::new();
        let mut orders = std::collections::HashSet::new();
        let (mut inserted, mut odd_start, mut ipv6_none, mut big6) = (0, 0, 0, 0);
        for _ in 0..3000 {
            let tx = random_packet(&mut rng, &cfg);
            let frame = tx.skb_frame().expect("valid spec");
            let kind = match (&tx.spec, tx.ufo_mtu.is_some(), tx.csum_request().is_some()) {
                (PacketSpec::Udp4(_), true, _) => "ufo4",
                (PacketSpec::Udp6(_), true, _) => "ufo6",
                (PacketSpec::Udp4(_), false, true) => "udp4 csum",
                (PacketSpec::Udp4(_), false, false) => "udp4 pass",
                (PacketSpec::Udp6(_), false, true) => "udp6 csum",
                (PacketSpec::Udp6(_), false, false) => "udp6 pass",
                (PacketSpec::Plain(_), _, true) => "plain csum",
                (PacketSpec::Plain(_), _, false) => "plain pass",
            };
            seen.insert(kind);
            inserted += usize::from(tx.vlan_insert.is_some());
            if let Some(c) = tx.csum_request() {
                odd_start += usize::from(c.start % 2 == 1);
                assert!(usize::from(c.start) + usize::from(c.offset) + 2 <= frame.len());
                assert!(c.start >= 12);
                assert!(usize::from(c.start) < cfg.max_header_bytes);
            }
            match &tx.spec {
                PacketSpec::Udp4(s) if tx.ufo_mtu.is_some() => {
                    assert!(s.l4_offset() + 8 <= cfg.max_header_bytes);
                }
                PacketSpec::Udp6(s) => {
                    assert!(s.l4_offset() + 8 <= cfg.max_header_bytes, "{s:?}");
                    assert!(s.ext_headers.len() <= cfg.max_ipv6_ext_headers);
                    if let Some(mtu) = tx.ufo_mtu {
                        assert!(mtu >= 1280);
                    }
                    ipv6_none += usize::from(s.udp_csum == UdpCsum::None);
                    big6 += usize::from(s.payload_len() == IPV6_MAX_PAYLOAD_LEN);
                    // Kernel order: Hop-by-Hop first; Destination Options before a Routing
                    // header only with one; at most one Routing header.
                    let kinds: Vec<Ipv6ExtKind> = s.ext_headers.iter().map(|h| h.kind).collect();
                    if let Some(p) = kinds.iter().position(|k| *k == Ipv6ExtKind::HopByHop) {
                        assert_eq!(p, 0);
                    }
                    assert!(kinds.iter().filter(|k| **k == Ipv6ExtKind::Routing).count() <= 1);
                    assert_eq!(s.final_dst.is_some(), kinds.contains(&Ipv6ExtKind::Routing));
                    orders.insert(kinds);
                }
                _ => {}
            }
        }
        for k in [
            "ufo4",
            "ufo6",
            "udp4 csum",
            "udp4 pass",
            "udp6 csum",
            "udp6 pass",
            "plain csum",
            "plain pass",
        ] {
            assert!(seen.contains(k), "never generated: {k}");
        }
        assert!(inserted > 300 && odd_start > 20 && ipv6_none > 5 && big6 > 5);
        assert!(orders.len() >= 10, "{orders:?}");
    }

    #[test]
    fn mix_is_reproducible_from_the_seed() {
        let cfg = MixConfig::default();
        let run = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..50)
                .map(|_| random_packet(&mut rng, &cfg))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }
}
