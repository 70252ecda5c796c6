//! One test case: a datagram, how the driver lays it out in host memory, an optional fault to
//! inject, and what must come out. Test vectors (`testvectors/*.csv`), random generation and
//! pcap replay all produce [`Case`]s; the runner executes them back to back.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use thiserror::Error;
use ufo_driver::checksum::{add_ipv4_pseudo_header, Checksum, IPPROTO_UDP};
use ufo_driver::desc::Status;
use ufo_driver::packet::{
    DatagramSpec, PacketGoldenError, PacketSpec, SpecError, TxPacket, UdpCsum,
};
use ufo_driver::skb::{Skb, SkbFrag};
use ufo_driver::skb_build::{BuildError, FragLayout};

/// Bytes of a page fragment's page.
pub const PAGE_SIZE: usize = 4096;

/// How the datagram's payload is spread over the skb's head and frags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// `skb_append_datato_frags` of the seed patch: fresh 4 KiB pages from offset 0.
    Pages,
    /// The driver crate's random legal split, from this seed.
    Random(u64),
    /// Explicit frag lengths (each in its own page, at offset 0); the rest of the payload
    /// follows in 4 KiB pages.
    Frags(Vec<usize>),
    /// A first frag from this page offset to the page end, then 4 KiB pages.
    Offset(u32),
    /// Everything in the linear head.
    Linear,
}

/// How the UDP payload bytes are chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// Byte i = i mod 256.
    Incrementing,
    /// All zero.
    Zero,
    /// All 0xFF.
    Ones,
    /// Random bytes from this seed.
    Random(u64),
    /// Incrementing, with the first two bytes chosen so that the UDP checksum computes to 0
    /// (which must be sent as 0xFFFF).
    ChecksumZero,
}

/// A fault injected into the descriptor chain or the packet, to test error completions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A correct packet.
    None,
    /// The first descriptor lacks SOP.
    NoSop,
    /// A lone SOP descriptor (no EOP) is posted before the real packet.
    SopInside,
    /// No EOP within the engine's MAX_DESC descriptors.
    NoEop,
    /// The second descriptor's read answers SLVERR.
    DescDma,
    /// A buffer read answers SLVERR.
    DmaErr,
    /// The packet is longer than the engine's buffer.
    TooLong,
    /// Every buffer is empty.
    ZeroLen,
    /// The first buffer ends inside the UDP header.
    HdrSplit,
    /// IP protocol is TCP.
    NotUdp,
    /// The checksum field the `CHECKSUM_PARTIAL` request points at is 0 (USO: the UDP check
    /// field of a super-frame, "checksum disabled"), the request kept.
    CheckZero,
    /// IHL is 4.
    BadIhl,
    /// IP total length one more than the packet holds.
    BadTotLen,
    /// EtherType is ARP.
    NotIpv4,
    /// `ufo_size` is this value.
    UfoSize(u16),
    /// Nothing is changed, but the packet is beyond the engine's documented limits (header
    /// window, extension headers): a legal packet the engine must refuse with an error.
    Limit,
}

/// What the engine must do with a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// One OK completion whose frames equal the golden model's, byte for byte.
    Frames(Vec<Vec<u8>>),
    /// The chain ends in error completions, the first with this status; no frame is sent.
    Error(Status),
    /// A DESC_CHAIN completion for the lone SOP, then the real packet's frames.
    ChainErrorThenFrames(Vec<Vec<u8>>),
}

/// A case that cannot be built from its description.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CaseError {
    /// The driver's skb builder refused the packet.
    #[error("skb: {0}")]
    Skb(#[from] BuildError),
    /// The golden model refused the packet.
    #[error("golden model: {0}")]
    Golden(#[from] PacketGoldenError),
    /// The packet description cannot be emitted.
    #[error("packet: {0}")]
    Spec(#[from] SpecError),
    /// `head_payload` asks for more payload bytes than there are.
    #[error("head_payload {head_payload} is more than the {available} bytes after the headers")]
    HeadPayload {
        /// bytes asked for
        head_payload: usize,
        /// bytes there are
        available: usize,
    },
    /// An explicit frag is longer than a page.
    #[error("frag length {0} is more than a page")]
    FragTooLong(usize),
    /// An explicit page offset lies outside the page.
    #[error("page offset {0} is not inside a page")]
    PageOffset(u32),
    /// `check_zero` needs a checksum request whose field lies in the skb's head.
    #[error("check_zero: no checksum request, or its field is not in the head")]
    CheckOutsideHead,
    /// A header fault needs the IPv4 header at `l3` in the skb's head.
    #[error("the IPv4 header at {l3} is not in the {head_len}-byte head")]
    HeaderOutsideHead {
        /// where the header starts
        l3: usize,
        /// bytes in the head
        head_len: usize,
    },
}

/// A case that could not be built, with its name and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("'{name}' ({origin}): {source}")]
pub struct UnbuiltCase {
    /// The case's name.
    pub name: String,
    /// Where it came from.
    pub origin: String,
    /// Why it cannot be built.
    pub source: CaseError,
}

/// A runnable case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Vector name or `random-<index>`.
    pub name: String,
    /// Where it came from, for messages (`file:line`, `seed S index K`, `frame N`).
    pub origin: String,
    /// The skb the driver hands the device.
    pub skb: Skb,
    /// The fault to inject.
    pub fault: Fault,
    /// The expected outcome.
    pub expect: Expect,
    /// IPv6 pseudo-header destination when a Routing header makes it differ from the
    /// destination address (for the independent reassembly check).
    pub ipv6_final_dst: Option<[u8; 16]>,
}

impl Case {
    /// A case whose expectation is the golden model's output for `tx` (Linux's software path),
    /// computed from the packet description, not from the skb the driver hands the engine.
    pub fn from_tx(
        name: String,
        origin: String,
        tx: &TxPacket,
        layout: &Layout,
        head_payload: usize,
    ) -> Result<Case, CaseError> {
        let skb = build_skb(tx, layout, head_payload)?;
        let frames = tx.golden()?;
        Ok(Case {
            name,
            origin,
            skb,
            fault: Fault::None,
            expect: Expect::Frames(frames),
            ipv6_final_dst: match &tx.spec {
                PacketSpec::Udp6(s) => s.final_dst,
                _ => None,
            },
        })
    }
}

/// Fills `spec.payload` per `pattern` with `len` bytes. Fails only for [`Pattern::ChecksumZero`]
/// on a datagram that cannot be emitted (its checksum needs the whole frame).
pub fn fill_payload(
    spec: &mut DatagramSpec,
    len: usize,
    pattern: &Pattern,
) -> Result<(), SpecError> {
    spec.payload = match pattern {
        Pattern::Incrementing | Pattern::ChecksumZero => (0..len).map(|i| i as u8).collect(),
        Pattern::Zero => vec![0; len],
        Pattern::Ones => vec![0xFF; len],
        Pattern::Random(seed) => {
            let mut rng = ChaCha8Rng::seed_from_u64(*seed);
            (0..len).map(|_| rng.gen()).collect()
        }
    };
    if *pattern == Pattern::ChecksumZero && len >= 2 {
        // Sum with the first two payload bytes zeroed is S0; putting ~S0 there makes the
        // one's-complement sum 0xFFFF, so the checksum (its complement) is 0.
        spec.payload[0] = 0;
        spec.payload[1] = 0;
        let frame = spec.with_csum(UdpCsum::None).try_frame()?;
        let l4 = spec.l4_offset();
        let mut sum = Checksum::new();
        add_ipv4_pseudo_header(
            &mut sum,
            spec.src_ip,
            spec.dst_ip,
            IPPROTO_UDP,
            spec.udp_len() as u16,
        );
        sum.add_bytes(&frame[l4..]);
        let fill = sum.checksum();
        spec.payload[..2].copy_from_slice(&fill.to_be_bytes());
    }
    Ok(())
}

/// The skb the driver model builds for `tx`, with its bytes spread per `layout`: the driver
/// crate's layouts directly, the explicit ones by re-spreading the seed-patch layout's bytes
/// (head = headers + `head_payload` bytes).
pub fn build_skb(tx: &TxPacket, layout: &Layout, head_payload: usize) -> Result<Skb, CaseError> {
    let base = match layout {
        Layout::Random(seed) => FragLayout::Random { seed: *seed },
        Layout::Linear => FragLayout::Linear,
        _ => FragLayout::SeedPages,
    };
    let mut skb = tx.skb(base)?;
    if matches!(layout, Layout::Random(_) | Layout::Linear)
        || (*layout == Layout::Pages && head_payload == 0)
    {
        return Ok(skb);
    }
    // Re-spread the bytes: head = headers + head_payload bytes, then the layout's frags.
    let bytes = skb.to_bytes();
    let head_len = skb.head.len() + head_payload;
    if head_len > bytes.len() {
        return Err(CaseError::HeadPayload {
            head_payload,
            available: bytes.len() - skb.head.len(),
        });
    }
    skb.head = bytes[..head_len].to_vec();
    skb.frags.clear();
    let mut rest = &bytes[head_len..];
    let mut push = |rest: &mut &[u8], page_offset: u32, len: usize| {
        let (a, b) = rest.split_at(len.min(rest.len()));
        skb.frags.push(SkbFrag {
            page_offset,
            data: a.to_vec(),
        });
        *rest = b;
    };
    match layout {
        Layout::Frags(lens) => {
            for &len in lens {
                if len > PAGE_SIZE {
                    return Err(CaseError::FragTooLong(len));
                }
                push(&mut rest, 0, len);
            }
        }
        Layout::Offset(off) => {
            if *off as usize >= PAGE_SIZE {
                return Err(CaseError::PageOffset(*off));
            }
            if !rest.is_empty() {
                push(&mut rest, *off, PAGE_SIZE - *off as usize);
            }
        }
        _ => {}
    }
    while !rest.is_empty() {
        push(&mut rest, 0, PAGE_SIZE);
    }
    Ok(skb)
}

/// Applies a fault that changes the packet's bytes or offload fields (the rest are applied to the
/// descriptor chain by the runner). `l3` is the IPv4 header's offset; the header must be in the
/// skb's head.
pub fn apply_packet_fault(skb: &mut Skb, l3: usize, fault: &Fault) -> Result<(), CaseError> {
    let rewrites_header = matches!(
        fault,
        Fault::NotUdp | Fault::BadIhl | Fault::BadTotLen | Fault::NotIpv4
    );
    if rewrites_header && (l3 < 2 || skb.head.len() < l3 + 20) {
        return Err(CaseError::HeaderOutsideHead {
            l3,
            head_len: skb.head.len(),
        });
    }
    match fault {
        Fault::NotUdp => skb.head[l3 + 9] = 6,
        Fault::BadIhl => skb.head[l3] = 0x44,
        Fault::BadTotLen => {
            let tot = u16::from_be_bytes([skb.head[l3 + 2], skb.head[l3 + 3]]).wrapping_add(1);
            skb.head[l3 + 2..l3 + 4].copy_from_slice(&tot.to_be_bytes());
        }
        Fault::NotIpv4 => skb.head[l3 - 2..l3].copy_from_slice(&0x0806u16.to_be_bytes()),
        Fault::UfoSize(n) => skb.ufo_size = *n,
        Fault::CheckZero => {
            let at = skb
                .csum
                .map(|c| usize::from(c.start) + usize::from(c.offset))
                .filter(|&at| at + 2 <= skb.head.len())
                .ok_or(CaseError::CheckOutsideHead)?;
            skb.head[at..at + 2].fill(0);
        }
        _ => {}
    }
    Ok(())
}
