//! Test packets: plain descriptions that emit Ethernet II frame bytes, in the spirit of
//! smoltcp's `Repr` types.
//!
//! - [`DatagramSpec`]: one UDP datagram over IPv4 (options allowed).
//! - [`Ipv6DatagramSpec`]: one UDP datagram over IPv6 with extension headers.
//! - [`PlainSpec`]: any other packet (TCP, another IP protocol, a non-IP EtherType) with an
//!   optional `CHECKSUM_PARTIAL` request, for plain checksum offload and pass-through.
//! - [`PacketSpec`]: one of the three; [`TxPacket`]: a packet plus the offloads the stack asks
//!   for (UFO at an MTU, IPv6 fragment id, VLAN insertion), which builds both the `sk_buff` and
//!   the golden output.

use crate::checksum::{
    add_ipv4_pseudo_header, add_ipv6_pseudo_header, internet_checksum, udp_ipv4_checksum,
    udp_ipv4_seed, udp_ipv6_checksum, udp_ipv6_seed, Checksum, IPPROTO_UDP,
};
use crate::skb::{CsumOffload, Skb};
use crate::skb_build::{self, BuildError, FragLayout};
use thiserror::Error;
use ufo_golden::{GoldenError, GoldenRequest};

/// Ethernet II header length without tags.
pub const ETH_HEADER_LEN: usize = 14;
/// Length of one 802.1Q tag (TPID + TCI).
pub const VLAN_TAG_LEN: usize = 4;
/// EtherType / TPID of an 802.1Q tag.
pub const ETHERTYPE_VLAN: u16 = 0x8100;
/// EtherType of IPv4.
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// IPv4 header length without options.
pub const IPV4_MIN_HEADER_LEN: usize = 20;
/// Most IPv4 option bytes (IHL 15).
pub const IPV4_MAX_OPTIONS_LEN: usize = 40;
/// UDP header length.
pub const UDP_HEADER_LEN: usize = 8;
/// Largest IPv4 total length.
pub const IPV4_MAX_TOTAL_LEN: usize = 65535;
/// IPv4 "don't fragment" flag in the flags/fragment-offset word.
pub const IPV4_DF: u16 = 0x4000;
/// IPv4 "more fragments" flag.
pub const IPV4_MF: u16 = 0x2000;
/// EtherType of IPv6.
pub const ETHERTYPE_IPV6: u16 = 0x86DD;
/// IPv6 fixed header length.
pub const IPV6_HEADER_LEN: usize = 40;
/// Largest IPv6 payload length (no jumbograms).
pub const IPV6_MAX_PAYLOAD_LEN: usize = 65535;
/// IPv6 Fragment header length (`sizeof(struct frag_hdr)`).
pub const IPV6_FRAG_HEADER_LEN: usize = 8;
/// Next-header value of a Hop-by-Hop Options header (`NEXTHDR_HOP`).
pub const NEXTHDR_HOP: u8 = 0;
/// Next-header value of a Routing header (`NEXTHDR_ROUTING`).
pub const NEXTHDR_ROUTING: u8 = 43;
/// Next-header value of a Fragment header (`NEXTHDR_FRAGMENT`).
pub const NEXTHDR_FRAGMENT: u8 = 44;
/// Next-header value of a Destination Options header (`NEXTHDR_DEST`).
pub const NEXTHDR_DEST: u8 = 60;
/// Largest IPv6 extension header: `(255 + 1) * 8` bytes.
pub const IPV6_MAX_EXT_HEADER_LEN: usize = 2048;
/// IP protocol number of TCP.
pub const IPPROTO_TCP: u8 = 6;
/// IPv6 next header of ICMPv6.
pub const IPPROTO_ICMPV6: u8 = 58;
/// IP protocol number of UDP-Lite.
pub const IPPROTO_UDPLITE: u8 = 136;

/// What goes into the UDP check field of the built frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UdpCsum {
    /// The complete checksum as software computes it (a 0 result is sent as 0xFFFF).
    Full,
    /// The folded, uncomplemented pseudo-header sum that `CHECKSUM_PARTIAL` leaves for the
    /// device to complete.
    Seed,
    /// 0: no checksum (allowed for UDP over IPv4).
    None,
}

/// A frame description that cannot be emitted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SpecError {
    /// IPv4 options must be a multiple of 4 bytes (IHL counts 32-bit words).
    #[error("IPv4 options are {0} bytes: not a multiple of 4")]
    OptionsNotWordAligned(usize),
    /// IHL is 4 bits: at most 40 option bytes.
    #[error("IPv4 options are {0} bytes: more than 40")]
    OptionsTooLong(usize),
    /// The IPv4 total length field is 16 bits.
    #[error("IPv4 total length would be {0}: more than 65535")]
    TotalLengthTooLarge(usize),
    /// An IPv6 extension header (2 bytes + body) must be a multiple of 8 bytes long.
    #[error("IPv6 extension header {index}: 2 + {body_len} body bytes is not a multiple of 8")]
    ExtHeaderNotAligned {
        /// which header, 0 first
        index: usize,
        /// its body length
        body_len: usize,
    },
    /// An IPv6 extension header is at most 2048 bytes (8-bit length in 8-byte units).
    #[error("IPv6 extension header {index}: {len} bytes, more than 2048")]
    ExtHeaderTooLong {
        /// which header, 0 first
        index: usize,
        /// its length
        len: usize,
    },
    /// The IPv6 payload length field is 16 bits (jumbograms are not modelled).
    #[error("IPv6 payload length would be {0}: more than 65535")]
    PayloadLengthTooLarge(usize),
    /// The IPv6 flow label is 20 bits.
    #[error("IPv6 flow label {0:#x} does not fit in 20 bits")]
    FlowLabel(u32),
    /// A UDP length field is 16 bits.
    #[error("UDP length would be {0}: more than 65535")]
    UdpLengthTooLarge(usize),
    /// A checksum field or checksum start lies outside the packet.
    #[error(
        "checksum start {start} + offset {offset} + 2 does not fit in the {len}-byte {within}"
    )]
    CsumOutside {
        /// `csum_start` (relative to `within`)
        start: usize,
        /// `csum_offset`
        offset: usize,
        /// length of `within`
        len: usize,
        /// "frame" or "L4 payload"
        within: &'static str,
    },
}

/// Why [`TxPacket::golden`] has no frames.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PacketGoldenError {
    /// The packet description cannot be built.
    #[error("packet: {0}")]
    Spec(#[from] SpecError),
    /// The golden model refused the frame.
    #[error(transparent)]
    Golden(#[from] GoldenError),
}

/// One UDP datagram over IPv4 in an Ethernet II frame, as a socket would send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatagramSpec {
    /// Ethernet destination address.
    pub dst_mac: [u8; 6],
    /// Ethernet source address.
    pub src_mac: [u8; 6],
    /// TCIs of the 802.1Q tags already in the frame, outer first (TPID 0x8100 each).
    pub vlan: Vec<u16>,
    /// IPv4 source address.
    pub src_ip: [u8; 4],
    /// IPv4 destination address, also the UDP pseudo-header's. With a source route option it is
    /// the first hop, as Linux sends it (`docs/golden-model.md`, decision 19): the option's last
    /// slot holds the final destination, and the checksum is still over this address.
    pub dst_ip: [u8; 4],
    /// IPv4 identification.
    pub ip_id: u16,
    /// IPv4 type of service (DSCP/ECN) byte.
    pub tos: u8,
    /// IPv4 time to live.
    pub ttl: u8,
    /// IPv4 "don't fragment" flag.
    pub df: bool,
    /// Raw IPv4 option bytes, a multiple of 4 long, at most 40.
    pub ip_options: Vec<u8>,
    /// UDP source port.
    pub src_port: u16,
    /// UDP destination port.
    pub dst_port: u16,
    /// UDP payload.
    pub payload: Vec<u8>,
    /// What the UDP check field holds.
    pub udp_csum: UdpCsum,
}

impl DatagramSpec {
    /// Offset of the IPv4 header in the frame.
    pub fn l3_offset(&self) -> usize {
        ETH_HEADER_LEN + VLAN_TAG_LEN * self.vlan.len()
    }

    /// IPv4 header length in bytes (`ihl * 4`).
    pub fn ip_header_len(&self) -> usize {
        IPV4_MIN_HEADER_LEN + self.ip_options.len()
    }

    /// Offset of the UDP header in the frame.
    pub fn l4_offset(&self) -> usize {
        self.l3_offset() + self.ip_header_len()
    }

    /// UDP length: header plus payload.
    pub fn udp_len(&self) -> usize {
        UDP_HEADER_LEN + self.payload.len()
    }

    /// IPv4 total length: IP header plus UDP datagram.
    pub fn ip_total_len(&self) -> usize {
        self.ip_header_len() + self.udp_len()
    }

    /// Checks that the frame can be emitted.
    pub fn validate(&self) -> Result<(), SpecError> {
        let olen = self.ip_options.len();
        if !olen.is_multiple_of(4) {
            return Err(SpecError::OptionsNotWordAligned(olen));
        }
        if olen > IPV4_MAX_OPTIONS_LEN {
            return Err(SpecError::OptionsTooLong(olen));
        }
        if self.ip_total_len() > IPV4_MAX_TOTAL_LEN {
            return Err(SpecError::TotalLengthTooLarge(self.ip_total_len()));
        }
        Ok(())
    }

    /// Builds the frame: Ethernet II, 802.1Q tags, IPv4 (with a correct header checksum), UDP
    /// (check field per [`UdpCsum`]), payload.
    pub fn try_frame(&self) -> Result<Vec<u8>, SpecError> {
        self.validate()?;
        let mut f = Vec::with_capacity(self.l4_offset() + self.udp_len());
        f.extend_from_slice(&self.dst_mac);
        f.extend_from_slice(&self.src_mac);
        for tci in &self.vlan {
            f.extend_from_slice(&ETHERTYPE_VLAN.to_be_bytes());
            f.extend_from_slice(&tci.to_be_bytes());
        }
        f.extend_from_slice(&ETHERTYPE_IPV4.to_be_bytes());

        // Lengths fit: validate() bounded the total length to 65535.
        let tot_len = self.ip_total_len() as u16;
        let udp_len = self.udp_len() as u16;
        let ihl = (self.ip_header_len() / 4) as u8;

        let l3 = f.len();
        f.push(0x40 | ihl);
        f.push(self.tos);
        f.extend_from_slice(&tot_len.to_be_bytes());
        f.extend_from_slice(&self.ip_id.to_be_bytes());
        let frag_off = if self.df { IPV4_DF } else { 0 };
        f.extend_from_slice(&frag_off.to_be_bytes());
        f.push(self.ttl);
        f.push(IPPROTO_UDP);
        f.extend_from_slice(&[0, 0]);
        f.extend_from_slice(&self.src_ip);
        f.extend_from_slice(&self.dst_ip);
        f.extend_from_slice(&self.ip_options);
        let hcsum = internet_checksum(&f[l3..]);
        f[l3 + 10..l3 + 12].copy_from_slice(&hcsum.to_be_bytes());

        let l4 = f.len();
        f.extend_from_slice(&self.src_port.to_be_bytes());
        f.extend_from_slice(&self.dst_port.to_be_bytes());
        f.extend_from_slice(&udp_len.to_be_bytes());
        f.extend_from_slice(&[0, 0]);
        f.extend_from_slice(&self.payload);
        let check = match self.udp_csum {
            UdpCsum::Full => udp_ipv4_checksum(self.src_ip, self.dst_ip, &f[l4..]),
            UdpCsum::Seed => udp_ipv4_seed(self.src_ip, self.dst_ip, udp_len),
            UdpCsum::None => 0,
        };
        f[l4 + 6..l4 + 8].copy_from_slice(&check.to_be_bytes());
        Ok(f)
    }

    /// [`Self::try_frame`] for a spec known to be valid (all generated specs are).
    ///
    /// # Panics
    /// If the spec is invalid (see [`SpecError`]).
    pub fn frame(&self) -> Vec<u8> {
        match self.try_frame() {
            Ok(f) => f,
            Err(e) => panic!("invalid DatagramSpec: {e}"),
        }
    }

    /// The same datagram with another UDP check-field mode.
    pub fn with_csum(&self, udp_csum: UdpCsum) -> Self {
        Self {
            udp_csum,
            ..self.clone()
        }
    }
}

impl Default for DatagramSpec {
    /// A small valid datagram: 10.0.0.1:1000 -> 10.0.0.2:2000, no payload, full checksum.
    fn default() -> Self {
        Self {
            dst_mac: [0x02, 0, 0, 0, 0, 0x02],
            src_mac: [0x02, 0, 0, 0, 0, 0x01],
            vlan: Vec::new(),
            src_ip: [10, 0, 0, 1],
            dst_ip: [10, 0, 0, 2],
            ip_id: 0x1234,
            tos: 0,
            ttl: 64,
            df: false,
            ip_options: Vec::new(),
            src_port: 1000,
            dst_port: 2000,
            payload: Vec::new(),
            udp_csum: UdpCsum::Full,
        }
    }
}

/// Writes the Ethernet II header with its 802.1Q tags.
fn push_ethernet(f: &mut Vec<u8>, dst: &[u8; 6], src: &[u8; 6], vlan: &[u16], ethertype: u16) {
    f.extend_from_slice(dst);
    f.extend_from_slice(src);
    for tci in vlan {
        f.extend_from_slice(&ETHERTYPE_VLAN.to_be_bytes());
        f.extend_from_slice(&tci.to_be_bytes());
    }
    f.extend_from_slice(&ethertype.to_be_bytes());
}

/// Writes the 40-byte IPv6 header.
#[allow(clippy::too_many_arguments)]
fn push_ipv6_header(
    f: &mut Vec<u8>,
    traffic_class: u8,
    flow_label: u32,
    payload_len: u16,
    next_header: u8,
    hop_limit: u8,
    src: &[u8; 16],
    dst: &[u8; 16],
) {
    let word = (6u32 << 28) | (u32::from(traffic_class) << 20) | (flow_label & 0xF_FFFF);
    f.extend_from_slice(&word.to_be_bytes());
    f.extend_from_slice(&payload_len.to_be_bytes());
    f.push(next_header);
    f.push(hop_limit);
    f.extend_from_slice(src);
    f.extend_from_slice(dst);
}

/// The kind of an IPv6 extension header the builder emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ipv6ExtKind {
    /// Hop-by-Hop Options (next header 0).
    HopByHop,
    /// Routing (next header 43).
    Routing,
    /// Destination Options (next header 60).
    DestOptions,
}

impl Ipv6ExtKind {
    /// The next-header value that announces this header.
    pub fn number(self) -> u8 {
        match self {
            Self::HopByHop => NEXTHDR_HOP,
            Self::Routing => NEXTHDR_ROUTING,
            Self::DestOptions => NEXTHDR_DEST,
        }
    }

    /// Its name in reports ("Hop-by-Hop", "Routing", "Destination Options").
    pub fn name(self) -> &'static str {
        match self {
            Self::HopByHop => "Hop-by-Hop",
            Self::Routing => "Routing",
            Self::DestOptions => "Destination Options",
        }
    }
}

/// One IPv6 extension header: the builder writes its next-header and length bytes, then `body`.
/// `2 + body.len()` must be a multiple of 8, at most 2048. The body is opaque to fragmentation:
/// options (TLVs with Pad1/PadN) for Hop-by-Hop and Destination Options; routing type,
/// segments left, reserved/type-specific bytes and addresses for Routing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ipv6ExtHeader {
    /// Which header.
    pub kind: Ipv6ExtKind,
    /// Everything after the next-header and length bytes.
    pub body: Vec<u8>,
}

impl Ipv6ExtHeader {
    /// Its length on the wire: `2 + body.len()` (`ipv6_optlen`: `(hdrlen + 1) << 3`).
    pub fn len(&self) -> usize {
        2 + self.body.len()
    }

    /// Never empty (the two fixed bytes); here for clippy's `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// An options header (Hop-by-Hop or Destination Options) holding `options` (TLVs), padded
    /// with Pad1 (one byte) or PadN to a multiple of 8 bytes, as `ipv6_push_exthdr` callers get
    /// from user space (RFC 8200 section 4.2).
    pub fn options(kind: Ipv6ExtKind, options: &[u8]) -> Self {
        let mut body = options.to_vec();
        let pad = (8 - (2 + body.len()) % 8) % 8;
        match pad {
            0 => {}
            1 => body.push(0), // Pad1
            n => {
                body.push(1); // PadN
                body.push((n - 2) as u8);
                body.extend(std::iter::repeat_n(0, n - 2));
            }
        }
        Self { kind, body }
    }

    /// A Routing header of `routing_type` (e.g. 0, or 2 for Mobile IPv6) with `segments_left`
    /// and `addresses` after the 4 reserved bytes: the layout of types 0 and 2 (RFC 2460 section
    /// 4.4, RFC 6275 section 6.4). The last address is the final destination.
    pub fn routing(routing_type: u8, segments_left: u8, addresses: &[[u8; 16]]) -> Self {
        let mut body = vec![routing_type, segments_left, 0, 0, 0, 0];
        for a in addresses {
            body.extend_from_slice(a);
        }
        Self {
            kind: Ipv6ExtKind::Routing,
            body,
        }
    }
}

/// `ip6_find_1stfragopt` (net/ipv6/output_core.c) over a list of extension header kinds: how
/// many of them (from the first) belong to the unfragmentable part. Hop-by-Hop and Routing
/// always do, and so does a Destination Options header unless a Routing header came before it
/// (then it is the first fragmentable header). The kernel also keeps a Destination Options
/// header with a Mobile IPv6 Home Address option unfragmentable (`CONFIG_IPV6_MIP6`); this model
/// does not, and the generator never emits that option.
pub fn unfragmentable_ext_count(kinds: impl IntoIterator<Item = Ipv6ExtKind>) -> usize {
    let mut found_rhdr = false;
    let mut n = 0;
    for k in kinds {
        match k {
            Ipv6ExtKind::HopByHop => {}
            Ipv6ExtKind::Routing => found_rhdr = true,
            Ipv6ExtKind::DestOptions => {
                if found_rhdr {
                    return n;
                }
            }
        }
        n += 1;
    }
    n
}

/// One UDP datagram over IPv6 in an Ethernet II frame, with extension headers in the order
/// given, as a socket would send it.
///
/// [`UdpCsum::None`] builds a zero check field: Linux sends that only from a socket with
/// `UDP_NO_CHECK6_TX` (RFC 6935/6936 tunnels; `udp_v6_send_skb`); ordinary IPv6 UDP always
/// carries a checksum. A [`UdpCsum::Full`] result of 0 is sent as 0xFFFF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv6DatagramSpec {
    /// Ethernet destination address.
    pub dst_mac: [u8; 6],
    /// Ethernet source address.
    pub src_mac: [u8; 6],
    /// TCIs of the 802.1Q tags already in the frame, outer first.
    pub vlan: Vec<u16>,
    /// Traffic class (DSCP/ECN).
    pub traffic_class: u8,
    /// Flow label (20 bits).
    pub flow_label: u32,
    /// Hop limit.
    pub hop_limit: u8,
    /// Source address.
    pub src_ip: [u8; 16],
    /// Destination address of the IPv6 header (the first hop when a Routing header is present).
    pub dst_ip: [u8; 16],
    /// Extension headers, in wire order, between the IPv6 header and UDP.
    pub ext_headers: Vec<Ipv6ExtHeader>,
    /// Destination address of the UDP pseudo-header when it differs from `dst_ip`: with a
    /// Routing header, the final destination (RFC 8200 section 8.1; `udp_v6_send_skb` uses
    /// `fl6->daddr`, the final destination, while `ipv6_push_rthdr0` puts the first hop in the
    /// header). `None`: `dst_ip`.
    pub final_dst: Option<[u8; 16]>,
    /// UDP source port.
    pub src_port: u16,
    /// UDP destination port.
    pub dst_port: u16,
    /// UDP payload.
    pub payload: Vec<u8>,
    /// What the UDP check field holds.
    pub udp_csum: UdpCsum,
}

impl Default for Ipv6DatagramSpec {
    /// A small valid datagram: 2001:db8::1 port 1000 -> 2001:db8::2 port 2000, no extension
    /// headers, no payload, full checksum.
    fn default() -> Self {
        let mut src = [0u8; 16];
        src[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        let mut dst = src;
        src[15] = 1;
        dst[15] = 2;
        Self {
            dst_mac: [0x02, 0, 0, 0, 0, 0x02],
            src_mac: [0x02, 0, 0, 0, 0, 0x01],
            vlan: Vec::new(),
            traffic_class: 0,
            flow_label: 0,
            hop_limit: 64,
            src_ip: src,
            dst_ip: dst,
            ext_headers: Vec::new(),
            final_dst: None,
            src_port: 1000,
            dst_port: 2000,
            payload: Vec::new(),
            udp_csum: UdpCsum::Full,
        }
    }
}

impl Ipv6DatagramSpec {
    /// Offset of the IPv6 header in the frame.
    pub fn l3_offset(&self) -> usize {
        ETH_HEADER_LEN + VLAN_TAG_LEN * self.vlan.len()
    }

    /// Bytes of all extension headers.
    pub fn ext_len(&self) -> usize {
        self.ext_headers.iter().map(Ipv6ExtHeader::len).sum()
    }

    /// Offset of the UDP header in the frame.
    pub fn l4_offset(&self) -> usize {
        self.l3_offset() + IPV6_HEADER_LEN + self.ext_len()
    }

    /// UDP length: header plus payload.
    pub fn udp_len(&self) -> usize {
        UDP_HEADER_LEN + self.payload.len()
    }

    /// IPv6 payload length: extension headers plus the UDP datagram.
    pub fn payload_len(&self) -> usize {
        self.ext_len() + self.udp_len()
    }

    /// Length of the IPv6 packet (header + payload): what `ip6_finish_output` compares with the
    /// MTU.
    pub fn packet_len(&self) -> usize {
        IPV6_HEADER_LEN + self.payload_len()
    }

    /// Length of the unfragmentable part per `ip6_find_1stfragopt`: the IPv6 header plus the
    /// extension headers [`unfragmentable_ext_count`] keeps (the `hlen` of `ip6_fragment`).
    pub fn unfragmentable_len(&self) -> usize {
        let n = unfragmentable_ext_count(self.ext_headers.iter().map(|h| h.kind));
        IPV6_HEADER_LEN
            + self.ext_headers[..n]
                .iter()
                .map(Ipv6ExtHeader::len)
                .sum::<usize>()
    }

    /// The destination address of the UDP pseudo-header.
    pub fn pseudo_dst(&self) -> [u8; 16] {
        self.final_dst.unwrap_or(self.dst_ip)
    }

    /// Checks that the frame can be emitted.
    pub fn validate(&self) -> Result<(), SpecError> {
        if self.flow_label > 0xF_FFFF {
            return Err(SpecError::FlowLabel(self.flow_label));
        }
        for (index, h) in self.ext_headers.iter().enumerate() {
            if h.len() % 8 != 0 {
                return Err(SpecError::ExtHeaderNotAligned {
                    index,
                    body_len: h.body.len(),
                });
            }
            if h.len() > IPV6_MAX_EXT_HEADER_LEN {
                return Err(SpecError::ExtHeaderTooLong {
                    index,
                    len: h.len(),
                });
            }
        }
        if self.payload_len() > IPV6_MAX_PAYLOAD_LEN {
            return Err(SpecError::PayloadLengthTooLarge(self.payload_len()));
        }
        Ok(())
    }

    /// Builds the frame: Ethernet II, 802.1Q tags, IPv6, extension headers (next-header chain
    /// and lengths filled in), UDP (check field per [`UdpCsum`], pseudo-header destination
    /// [`Self::pseudo_dst`]), payload.
    pub fn try_frame(&self) -> Result<Vec<u8>, SpecError> {
        self.validate()?;
        let mut f = Vec::with_capacity(self.l4_offset() + self.udp_len());
        push_ethernet(
            &mut f,
            &self.dst_mac,
            &self.src_mac,
            &self.vlan,
            ETHERTYPE_IPV6,
        );
        let first_nh = self
            .ext_headers
            .first()
            .map_or(IPPROTO_UDP, |h| h.kind.number());
        // validate() bounded the payload length to 65535.
        push_ipv6_header(
            &mut f,
            self.traffic_class,
            self.flow_label,
            self.payload_len() as u16,
            first_nh,
            self.hop_limit,
            &self.src_ip,
            &self.dst_ip,
        );
        for (i, h) in self.ext_headers.iter().enumerate() {
            let nh = self
                .ext_headers
                .get(i + 1)
                .map_or(IPPROTO_UDP, |n| n.kind.number());
            f.push(nh);
            f.push((h.len() / 8 - 1) as u8);
            f.extend_from_slice(&h.body);
        }
        let l4 = f.len();
        let udp_len = self.udp_len() as u16;
        f.extend_from_slice(&self.src_port.to_be_bytes());
        f.extend_from_slice(&self.dst_port.to_be_bytes());
        f.extend_from_slice(&udp_len.to_be_bytes());
        f.extend_from_slice(&[0, 0]);
        f.extend_from_slice(&self.payload);
        let check = match self.udp_csum {
            UdpCsum::Full => udp_ipv6_checksum(self.src_ip, self.pseudo_dst(), &f[l4..]),
            UdpCsum::Seed => udp_ipv6_seed(self.src_ip, self.pseudo_dst(), udp_len),
            UdpCsum::None => 0,
        };
        f[l4 + 6..l4 + 8].copy_from_slice(&check.to_be_bytes());
        Ok(f)
    }

    /// [`Self::try_frame`] for a spec known to be valid.
    ///
    /// # Panics
    /// If the spec is invalid (see [`SpecError`]).
    pub fn frame(&self) -> Vec<u8> {
        match self.try_frame() {
            Ok(f) => f,
            Err(e) => panic!("invalid Ipv6DatagramSpec: {e}"),
        }
    }

    /// The same datagram with another UDP check-field mode.
    pub fn with_csum(&self, udp_csum: UdpCsum) -> Self {
        Self {
            udp_csum,
            ..self.clone()
        }
    }
}

/// The network layer of a [`PlainSpec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlainL3 {
    /// IPv4 without options, carrying `protocol`.
    Ipv4 {
        /// source address
        src: [u8; 4],
        /// destination address
        dst: [u8; 4],
        /// identification
        id: u16,
        /// type of service
        tos: u8,
        /// time to live
        ttl: u8,
        /// DF flag
        df: bool,
        /// IP protocol of the payload
        protocol: u8,
    },
    /// IPv6 without extension headers, carrying `next_header`.
    Ipv6 {
        /// traffic class
        traffic_class: u8,
        /// flow label (20 bits)
        flow_label: u32,
        /// hop limit
        hop_limit: u8,
        /// source address
        src: [u8; 16],
        /// destination address
        dst: [u8; 16],
        /// next header of the payload
        next_header: u8,
    },
    /// No IP header: `payload` follows the EtherType directly.
    Raw {
        /// the EtherType
        ethertype: u16,
    },
}

/// The checksum of a [`PlainSpec`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainCsum {
    /// The payload bytes exactly as given; no offload.
    None,
    /// Software already filled the field at `offset` within the payload: the complement of the
    /// pseudo-header (IP only; protocol and payload length) plus payload sum, no offload. A
    /// result of 0 is written 0xFFFF for UDP and UDP-Lite (`udp_send_skb`'s `CSUM_MANGLED_0`)
    /// and TCP (completed by `skb_checksum_help`, which does the same); any other protocol's
    /// (ICMPv6) stays 0.
    Full {
        /// position of the checksum field in the payload
        offset: u16,
    },
    /// `CHECKSUM_PARTIAL` as TCP or UDP sets it up: `csum_start` = payload start, the folded
    /// pseudo-header sum (0 for [`PlainL3::Raw`]) in the field at `offset`.
    Partial {
        /// `csum_offset`: position of the checksum field in the payload
        offset: u16,
    },
    /// `CHECKSUM_PARTIAL` at an arbitrary frame offset (odd starts included): `seed` is written
    /// at `start + offset`, and the request is (`start`, `offset`).
    Raw {
        /// `csum_start`, bytes from the frame start
        start: u16,
        /// `csum_offset`, bytes from `start`
        offset: u16,
        /// the value left in the field
        seed: u16,
    },
}

/// Any packet that is not a UFO datagram: TCP segments, other IP protocols, non-IP frames, with
/// or without a checksum-offload request. Sent as one frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainSpec {
    /// Ethernet destination address.
    pub dst_mac: [u8; 6],
    /// Ethernet source address.
    pub src_mac: [u8; 6],
    /// TCIs of the 802.1Q tags already in the frame, outer first.
    pub vlan: Vec<u16>,
    /// Network layer.
    pub l3: PlainL3,
    /// The bytes after the IP header (or after the EtherType for [`PlainL3::Raw`]), e.g. a TCP
    /// header and data.
    pub payload: Vec<u8>,
    /// Checksum handling.
    pub csum: PlainCsum,
}

impl PlainSpec {
    /// A TCP segment over IPv4 (header with data offset 5 and `flags`, then `data`) whose
    /// checksum the stack leaves to the device (`CHECKSUM_PARTIAL`, offset 16).
    pub fn tcp_ipv4_partial(src: [u8; 4], dst: [u8; 4], flags: u8, data: &[u8]) -> Self {
        let mut payload = vec![0u8; 20];
        payload[0..2].copy_from_slice(&40000u16.to_be_bytes());
        payload[2..4].copy_from_slice(&80u16.to_be_bytes());
        payload[4..8].copy_from_slice(&0x1234_5678u32.to_be_bytes());
        payload[12] = 5 << 4;
        payload[13] = flags;
        payload[14..16].copy_from_slice(&65535u16.to_be_bytes());
        payload.extend_from_slice(data);
        Self {
            dst_mac: [0x02, 0, 0, 0, 0, 0x02],
            src_mac: [0x02, 0, 0, 0, 0, 0x01],
            vlan: Vec::new(),
            l3: PlainL3::Ipv4 {
                src,
                dst,
                id: 1,
                tos: 0,
                ttl: 64,
                df: true,
                protocol: IPPROTO_TCP,
            },
            payload,
            csum: PlainCsum::Partial { offset: 16 },
        }
    }

    /// Offset of the network header in the frame.
    pub fn l3_offset(&self) -> usize {
        ETH_HEADER_LEN + VLAN_TAG_LEN * self.vlan.len()
    }

    /// Offset of the payload in the frame.
    pub fn l4_offset(&self) -> usize {
        self.l3_offset()
            + match self.l3 {
                PlainL3::Ipv4 { .. } => IPV4_MIN_HEADER_LEN,
                PlainL3::Ipv6 { .. } => IPV6_HEADER_LEN,
                PlainL3::Raw { .. } => 0,
            }
    }

    /// Frame length.
    pub fn frame_len(&self) -> usize {
        self.l4_offset() + self.payload.len()
    }

    /// The checksum-offload request this packet's `sk_buff` carries, if any.
    pub fn csum_request(&self) -> Option<CsumOffload> {
        match self.csum {
            PlainCsum::None | PlainCsum::Full { .. } => None,
            PlainCsum::Partial { offset } => Some(CsumOffload {
                start: self.l4_offset() as u16,
                offset,
            }),
            PlainCsum::Raw { start, offset, .. } => Some(CsumOffload { start, offset }),
        }
    }

    /// Checks that the frame can be emitted.
    pub fn validate(&self) -> Result<(), SpecError> {
        match self.l3 {
            PlainL3::Ipv4 { .. } => {
                let tot = IPV4_MIN_HEADER_LEN + self.payload.len();
                if tot > IPV4_MAX_TOTAL_LEN {
                    return Err(SpecError::TotalLengthTooLarge(tot));
                }
            }
            PlainL3::Ipv6 { flow_label, .. } => {
                if flow_label > 0xF_FFFF {
                    return Err(SpecError::FlowLabel(flow_label));
                }
                if self.payload.len() > IPV6_MAX_PAYLOAD_LEN {
                    return Err(SpecError::PayloadLengthTooLarge(self.payload.len()));
                }
            }
            PlainL3::Raw { .. } => {}
        }
        match self.csum {
            PlainCsum::None => {}
            PlainCsum::Full { offset } | PlainCsum::Partial { offset } => {
                if usize::from(offset) + 2 > self.payload.len() {
                    return Err(SpecError::CsumOutside {
                        start: 0,
                        offset: offset.into(),
                        len: self.payload.len(),
                        within: "L4 payload",
                    });
                }
            }
            PlainCsum::Raw { start, offset, .. } => {
                let len = self.frame_len();
                if usize::from(start) >= len || usize::from(start) + usize::from(offset) + 2 > len {
                    return Err(SpecError::CsumOutside {
                        start: start.into(),
                        offset: offset.into(),
                        len,
                        within: "frame",
                    });
                }
            }
        }
        Ok(())
    }

    /// The pseudo-header sum (protocol, payload length, addresses) for IP, 0 for raw frames.
    fn pseudo_sum(&self) -> Checksum {
        let mut sum = Checksum::new();
        let len = self.payload.len();
        match self.l3 {
            PlainL3::Ipv4 {
                src, dst, protocol, ..
            } => add_ipv4_pseudo_header(&mut sum, src, dst, protocol, len as u16),
            PlainL3::Ipv6 {
                src,
                dst,
                next_header,
                ..
            } => add_ipv6_pseudo_header(&mut sum, src, dst, next_header, len as u32),
            PlainL3::Raw { .. } => {}
        }
        sum
    }

    /// Builds the frame.
    pub fn try_frame(&self) -> Result<Vec<u8>, SpecError> {
        self.validate()?;
        let mut f = Vec::with_capacity(self.frame_len());
        let ethertype = match self.l3 {
            PlainL3::Ipv4 { .. } => ETHERTYPE_IPV4,
            PlainL3::Ipv6 { .. } => ETHERTYPE_IPV6,
            PlainL3::Raw { ethertype } => ethertype,
        };
        push_ethernet(&mut f, &self.dst_mac, &self.src_mac, &self.vlan, ethertype);
        let l3 = f.len();
        match self.l3 {
            PlainL3::Ipv4 {
                src,
                dst,
                id,
                tos,
                ttl,
                df,
                protocol,
            } => {
                f.push(0x45);
                f.push(tos);
                f.extend_from_slice(
                    &((IPV4_MIN_HEADER_LEN + self.payload.len()) as u16).to_be_bytes(),
                );
                f.extend_from_slice(&id.to_be_bytes());
                f.extend_from_slice(&(if df { IPV4_DF } else { 0 }).to_be_bytes());
                f.push(ttl);
                f.push(protocol);
                f.extend_from_slice(&[0, 0]);
                f.extend_from_slice(&src);
                f.extend_from_slice(&dst);
                let c = internet_checksum(&f[l3..]);
                f[l3 + 10..l3 + 12].copy_from_slice(&c.to_be_bytes());
            }
            PlainL3::Ipv6 {
                traffic_class,
                flow_label,
                hop_limit,
                src,
                dst,
                next_header,
            } => push_ipv6_header(
                &mut f,
                traffic_class,
                flow_label,
                self.payload.len() as u16,
                next_header,
                hop_limit,
                &src,
                &dst,
            ),
            PlainL3::Raw { .. } => {}
        }
        let l4 = f.len();
        f.extend_from_slice(&self.payload);
        match self.csum {
            PlainCsum::None => {}
            PlainCsum::Full { offset } => {
                let at = l4 + usize::from(offset);
                f[at..at + 2].fill(0);
                let mut sum = self.pseudo_sum();
                sum.add_bytes(&f[l4..]);
                let mangle_zero = matches!(
                    self.l3,
                    PlainL3::Ipv4 {
                        protocol: IPPROTO_UDP | IPPROTO_UDPLITE | IPPROTO_TCP,
                        ..
                    } | PlainL3::Ipv6 {
                        next_header: IPPROTO_UDP | IPPROTO_UDPLITE | IPPROTO_TCP,
                        ..
                    }
                );
                let c = match sum.checksum() {
                    0 if mangle_zero => 0xFFFF,
                    c => c,
                };
                f[at..at + 2].copy_from_slice(&c.to_be_bytes());
            }
            PlainCsum::Partial { offset } => {
                let at = l4 + usize::from(offset);
                let seed = self.pseudo_sum().folded();
                f[at..at + 2].copy_from_slice(&seed.to_be_bytes());
            }
            PlainCsum::Raw {
                start,
                offset,
                seed,
            } => {
                let at = usize::from(start) + usize::from(offset);
                f[at..at + 2].copy_from_slice(&seed.to_be_bytes());
            }
        }
        Ok(f)
    }

    /// [`Self::try_frame`] for a spec known to be valid.
    ///
    /// # Panics
    /// If the spec is invalid (see [`SpecError`]).
    pub fn frame(&self) -> Vec<u8> {
        match self.try_frame() {
            Ok(f) => f,
            Err(e) => panic!("invalid PlainSpec: {e}"),
        }
    }
}

/// Any packet the stack can hand the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketSpec {
    /// A UDP datagram over IPv4.
    Udp4(DatagramSpec),
    /// A UDP datagram over IPv6.
    Udp6(Ipv6DatagramSpec),
    /// Anything else.
    Plain(PlainSpec),
}

impl PacketSpec {
    /// The frame as the spec builds it.
    pub fn try_frame(&self) -> Result<Vec<u8>, SpecError> {
        match self {
            Self::Udp4(s) => s.try_frame(),
            Self::Udp6(s) => s.try_frame(),
            Self::Plain(s) => s.try_frame(),
        }
    }

    /// [`Self::try_frame`] for a valid spec.
    ///
    /// # Panics
    /// If the spec is invalid.
    pub fn frame(&self) -> Vec<u8> {
        match self.try_frame() {
            Ok(f) => f,
            Err(e) => panic!("invalid PacketSpec: {e}"),
        }
    }

    /// Offset of the network header.
    pub fn l3_offset(&self) -> usize {
        match self {
            Self::Udp4(s) => s.l3_offset(),
            Self::Udp6(s) => s.l3_offset(),
            Self::Plain(s) => s.l3_offset(),
        }
    }

    /// Offset of the transport header (UDP for datagrams, the payload for plain packets).
    pub fn l4_offset(&self) -> usize {
        match self {
            Self::Udp4(s) => s.l4_offset(),
            Self::Udp6(s) => s.l4_offset(),
            Self::Plain(s) => s.l4_offset(),
        }
    }

    /// The UDP check-field mode of a datagram; `None` for a plain packet.
    pub fn udp_csum(&self) -> Option<UdpCsum> {
        match self {
            Self::Udp4(s) => Some(s.udp_csum),
            Self::Udp6(s) => Some(s.udp_csum),
            Self::Plain(_) => None,
        }
    }
}

/// One packet and the offloads the stack asks of the device: everything needed to build its
/// `sk_buff` ([`Self::skb`]) and the frames Linux would send for it ([`Self::golden`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxPacket {
    /// The packet.
    pub spec: PacketSpec,
    /// UFO at this MTU (IP packet bytes). Only for UDP datagrams; `None`: sent as one frame.
    pub ufo_mtu: Option<u32>,
    /// IPv6 fragment identification (`skb_shinfo(skb)->ip6_frag_id`) for an IPv6 UFO datagram;
    /// carried in the `sk_buff` for any packet, used only there.
    pub ip6_frag_id: u32,
    /// VLAN tag the device inserts (`skb_vlan_tag_present`), TPID 0x8100.
    pub vlan_insert: Option<u16>,
    /// USO (`UDP_SEGMENT`: `SKB_GSO_UDP_L4`) with this `gso_size`. Only for UDP datagrams,
    /// never with `ufo_mtu`; `Some(0)` only in error tests (Linux never makes one).
    pub uso_gso_size: Option<u16>,
}

impl TxPacket {
    /// A packet with no offload beyond what its spec asks for.
    pub fn plain(spec: PacketSpec) -> Self {
        Self {
            spec,
            ufo_mtu: None,
            ip6_frag_id: 0,
            vlan_insert: None,
            uso_gso_size: None,
        }
    }

    /// A USO super-frame: `spec` (a UDP datagram) with `gso_size`, as `UDP_SEGMENT` makes it.
    pub fn uso(spec: PacketSpec, gso_size: u16) -> Self {
        Self {
            uso_gso_size: Some(gso_size),
            ..Self::plain(spec)
        }
    }

    /// True when the device segments or fragments the datagram (UFO or USO): its checksum is
    /// then always the device's to complete.
    fn offloaded(&self) -> bool {
        self.ufo_mtu.is_some() || self.uso_gso_size.is_some()
    }

    /// The `CHECKSUM_PARTIAL` request of the `sk_buff`: for a UFO or USO datagram whose spec asks
    /// for a checksum (Full or Seed) the UDP check field (the frame then holds the seed, see
    /// [`Self::skb_frame`]); for a non-UFO datagram only a Seed spec; for a plain packet its
    /// [`PlainSpec::csum_request`].
    pub fn csum_request(&self) -> Option<CsumOffload> {
        let udp_field = |l4: usize| CsumOffload {
            start: l4 as u16,
            offset: 6,
        };
        match (&self.spec, self.offloaded()) {
            (PacketSpec::Plain(p), _) => p.csum_request(),
            (s, true) => match s.udp_csum() {
                Some(UdpCsum::None) | None => None,
                Some(_) => Some(udp_field(s.l4_offset())),
            },
            (s, false) => match s.udp_csum() {
                Some(UdpCsum::Seed) => Some(udp_field(s.l4_offset())),
                _ => None,
            },
        }
    }

    /// The bytes of the `sk_buff` (a UFO or USO datagram with a checksum carries the seed over
    /// its full UDP length, as `udp_send_skb` leaves it for `CHECKSUM_PARTIAL`).
    pub fn skb_frame(&self) -> Result<Vec<u8>, SpecError> {
        match (&self.spec, self.offloaded()) {
            (PacketSpec::Udp4(s), true) if s.udp_csum == UdpCsum::Full => {
                s.with_csum(UdpCsum::Seed).try_frame()
            }
            (PacketSpec::Udp6(s), true) if s.udp_csum == UdpCsum::Full => {
                s.with_csum(UdpCsum::Seed).try_frame()
            }
            (s, _) => s.try_frame(),
        }
    }

    /// The `sk_buff` with its bytes spread per `layout` (see [`skb_build::from_tx_packet`]).
    pub fn skb(&self, layout: FragLayout) -> Result<Skb, BuildError> {
        skb_build::from_tx_packet(self, layout)
    }

    /// What the golden model is asked to do for this packet.
    pub fn golden_request(&self) -> GoldenRequest {
        GoldenRequest {
            ufo_mtu: self.ufo_mtu,
            ip6_frag_id: self.ip6_frag_id,
            csum: self.csum_request().map(Into::into),
            vlan_insert: self.vlan_insert,
            uso_gso_size: self.uso_gso_size,
        }
    }

    /// The frames Linux sends for this packet on a device without UFO, checksum or VLAN
    /// offload ([`ufo_golden::wire_output`] of [`Self::skb_frame`]).
    pub fn golden(&self) -> Result<Vec<Vec<u8>>, PacketGoldenError> {
        let frame = self.skb_frame()?;
        Ok(ufo_golden::wire_output(&frame, &self.golden_request())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::ones_sum;

    #[test]
    fn layout_and_lengths() {
        let spec = DatagramSpec {
            vlan: vec![0x0123, 0x0456],
            ip_options: vec![0x01, 0x01, 0x01, 0x00],
            payload: vec![0xAA; 5],
            ..Default::default()
        };
        let f = spec.frame();
        assert_eq!(spec.l3_offset(), 22);
        assert_eq!(spec.l4_offset(), 22 + 24);
        assert_eq!(f.len(), 22 + 24 + 8 + 5);
        assert_eq!(&f[12..14], &[0x81, 0x00]);
        assert_eq!(&f[14..16], &[0x01, 0x23]);
        assert_eq!(&f[16..18], &[0x81, 0x00]);
        assert_eq!(&f[18..20], &[0x04, 0x56]);
        assert_eq!(&f[20..22], &[0x08, 0x00]);
        assert_eq!(f[22], 0x46, "version 4, IHL 6");
        assert_eq!(u16::from_be_bytes([f[24], f[25]]), 24 + 8 + 5);
        assert_eq!(ones_sum(&f[22..46]), 0xFFFF, "valid IPv4 header checksum");
        assert_eq!(u16::from_be_bytes([f[50], f[51]]), 13, "UDP length");
    }

    #[test]
    fn check_field_modes() {
        let spec = DatagramSpec {
            payload: b"hi".to_vec(),
            src_port: 1234,
            dst_port: 5678,
            ..Default::default()
        };
        // Hand-computed in checksum::tests::udp_pseudo_header_by_hand.
        let full = spec.frame();
        assert_eq!(&full[40..42], &[0x68, 0x6e]);
        let seed = spec.with_csum(UdpCsum::Seed).frame();
        assert_eq!(&seed[40..42], &[0x14, 0x1e]);
        let none = spec.with_csum(UdpCsum::None).frame();
        assert_eq!(&none[40..42], &[0, 0]);
        assert_eq!(full[..40], seed[..40]);
        assert_eq!(full[42..], none[42..]);
    }

    #[test]
    fn df_flag() {
        let f = DatagramSpec {
            df: true,
            ..Default::default()
        }
        .frame();
        assert_eq!(&f[20..22], &[0x40, 0x00]);
    }

    #[test]
    fn invalid_specs_are_refused() {
        let bad = DatagramSpec {
            ip_options: vec![1, 1, 1],
            ..Default::default()
        };
        assert_eq!(bad.try_frame(), Err(SpecError::OptionsNotWordAligned(3)));
        let bad = DatagramSpec {
            ip_options: vec![1; 44],
            ..Default::default()
        };
        assert_eq!(bad.try_frame(), Err(SpecError::OptionsTooLong(44)));
        let bad = DatagramSpec {
            payload: vec![0; 65535 - 28 + 1],
            ..Default::default()
        };
        assert_eq!(bad.try_frame(), Err(SpecError::TotalLengthTooLarge(65536)));
        let max = DatagramSpec {
            payload: vec![0; 65535 - 28],
            ..Default::default()
        };
        assert_eq!(max.frame().len(), 14 + 65535);
    }

    #[test]
    fn ipv6_layout_and_chain() {
        let spec = Ipv6DatagramSpec {
            vlan: vec![9],
            traffic_class: 0xab,
            flow_label: 0x12345,
            hop_limit: 7,
            ext_headers: vec![
                Ipv6ExtHeader::options(Ipv6ExtKind::HopByHop, &[5, 2, 0, 0]),
                Ipv6ExtHeader::options(Ipv6ExtKind::DestOptions, &[0x1e, 1, 0xaa]),
                Ipv6ExtHeader::routing(0, 2, &[[1; 16], [2; 16]]),
                Ipv6ExtHeader::options(Ipv6ExtKind::DestOptions, &[]),
            ],
            payload: vec![0x55; 3],
            ..Default::default()
        };
        let f = spec.frame();
        let l3 = 18;
        assert_eq!(spec.l3_offset(), l3);
        assert_eq!(&f[16..18], &[0x86, 0xdd]);
        // version 6, class 0xab, flow 0x12345: 0x6ab12345
        assert_eq!(&f[l3..l3 + 4], &[0x6a, 0xb1, 0x23, 0x45]);
        assert_eq!(spec.ext_len(), 8 + 8 + 40 + 8);
        assert_eq!(
            u16::from_be_bytes([f[l3 + 4], f[l3 + 5]]) as usize,
            64 + 8 + 3
        );
        assert_eq!(f[l3 + 6], 0, "first: Hop-by-Hop");
        assert_eq!(f[l3 + 7], 7);
        // Chain: HBH -> 60, Dest -> 43, Routing -> 60, Dest -> 17; lengths (n/8 - 1).
        let e = l3 + 40;
        assert_eq!((f[e], f[e + 1]), (60, 0));
        assert_eq!((f[e + 8], f[e + 9]), (43, 0));
        assert_eq!((f[e + 16], f[e + 17]), (60, 4));
        assert_eq!(&f[e + 18..e + 20], &[0, 2], "routing type, segments left");
        assert_eq!((f[e + 56], f[e + 57]), (17, 0));
        // PadN filled the options to 8 bytes: 5 2 0 0 | 1 0
        assert_eq!(&f[e + 2..e + 8], &[5, 2, 0, 0, 1, 0]);
        // 0x1e 1 0xaa | Pad1
        assert_eq!(&f[e + 10..e + 16], &[0x1e, 1, 0xaa, 1, 1, 0]);
        assert_eq!(spec.l4_offset(), e + 64);
        assert_eq!(spec.unfragmentable_len(), 40 + 8 + 8 + 40);
        assert_eq!(f.len(), spec.l4_offset() + 11);
    }

    #[test]
    fn ipv6_checksum_modes_use_the_final_destination() {
        use crate::checksum::udp_ipv6_checksum;
        let home = [9u8; 16];
        let spec = Ipv6DatagramSpec {
            ext_headers: vec![Ipv6ExtHeader::routing(2, 1, &[home])],
            final_dst: Some(home),
            payload: b"hello".to_vec(),
            ..Default::default()
        };
        let l4 = spec.l4_offset();
        let full = spec.frame();
        let mut zero = full.clone();
        zero[l4 + 6..l4 + 8].fill(0);
        let c = udp_ipv6_checksum(spec.src_ip, home, &zero[l4..]);
        assert_eq!(&full[l4 + 6..l4 + 8], &c.to_be_bytes());
        assert_ne!(c, udp_ipv6_checksum(spec.src_ip, spec.dst_ip, &zero[l4..]));
        let seed = spec.with_csum(UdpCsum::Seed).frame();
        assert_eq!(
            !crate::checksum::ones_sum(&seed[l4..]),
            c,
            "seed completes to Full"
        );
        assert_eq!(
            &spec.with_csum(UdpCsum::None).frame()[l4 + 6..l4 + 8],
            &[0, 0]
        );
    }

    #[test]
    fn ipv6_invalid_specs_are_refused() {
        let bad = Ipv6DatagramSpec {
            ext_headers: vec![Ipv6ExtHeader {
                kind: Ipv6ExtKind::HopByHop,
                body: vec![0; 5],
            }],
            ..Default::default()
        };
        assert_eq!(
            bad.try_frame(),
            Err(SpecError::ExtHeaderNotAligned {
                index: 0,
                body_len: 5
            })
        );
        let bad = Ipv6DatagramSpec {
            flow_label: 0x10_0000,
            ..Default::default()
        };
        assert_eq!(bad.try_frame(), Err(SpecError::FlowLabel(0x10_0000)));
        let bad = Ipv6DatagramSpec {
            ext_headers: vec![Ipv6ExtHeader::options(Ipv6ExtKind::HopByHop, &[0; 2047])],
            ..Default::default()
        };
        assert!(matches!(
            bad.try_frame(),
            Err(SpecError::ExtHeaderTooLong { .. })
        ));
        let max = Ipv6DatagramSpec {
            payload: vec![0; 65535 - 8],
            ..Default::default()
        };
        assert_eq!(max.frame().len(), 14 + 40 + 65535);
    }

    #[test]
    fn plain_tcp_partial_and_full() {
        let p = PlainSpec::tcp_ipv4_partial([10, 0, 0, 1], [10, 0, 0, 2], 0x18, b"abc");
        let f = p.frame();
        assert_eq!(p.l4_offset(), 34);
        assert_eq!(f[23], IPPROTO_TCP);
        assert_eq!(ones_sum(&f[14..34]), 0xFFFF, "IPv4 header checksum");
        // Seed: 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 0x0006 + 23 (0x17) = 0x1420.
        assert_eq!(&f[50..52], &[0x14, 0x20]);
        assert_eq!(
            p.csum_request(),
            Some(CsumOffload {
                start: 34,
                offset: 16
            })
        );
        let full = PlainSpec {
            csum: PlainCsum::Full { offset: 16 },
            ..p.clone()
        };
        let ff = full.frame();
        assert_eq!(full.csum_request(), None);
        // A complete TCP checksum: pseudo-header + segment sums to 0xFFFF.
        let mut s = Checksum::new();
        add_ipv4_pseudo_header(&mut s, [10, 0, 0, 1], [10, 0, 0, 2], 6, 23);
        s.add_bytes(&ff[34..]);
        assert_eq!(s.folded(), 0xFFFF);
        // Outside the payload: refused.
        let bad = PlainSpec {
            csum: PlainCsum::Partial { offset: 22 },
            ..p
        };
        assert!(matches!(
            bad.try_frame(),
            Err(SpecError::CsumOutside { .. })
        ));
    }
}
