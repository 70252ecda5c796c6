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

/// A fault injected into the descriptor chain or the packet, to test error completions. Each
/// fault has one status it must end in ([`Fault::expected_status`]), given by the contract's
/// table (docs/architecture.md "Status codes"), not by the RTL.
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
    /// Reserved flag bit `bit` (6..=15) set on the SOP descriptor, or with `last` on
    /// the chain's last descriptor.
    ReservedFlag {
        /// the bit
        bit: u8,
        /// on the last descriptor instead of the first
        last: bool,
    },
    /// UFO and USO both set on the SOP descriptor.
    UfoUso,
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
    /// IPv4 header's version field is 6.
    BadIpVersion,
    /// IP total length one more than the packet holds.
    BadTotLen,
    /// UDP length one more than the packet holds.
    BadUdpLen,
    /// EtherType is ARP.
    NotIpv4,
    /// The first IPv4 option (not NOOP) has length 1.
    BadIpOption,
    /// The IPv6 header's next header (UDP, no extension headers) becomes TCP.
    Ipv6NotUdp,
    /// IPv6 payload length one more than the packet holds.
    Ipv6BadPayloadLen,
    /// The IPv6 header's next header (UDP, no extension headers) becomes AH (51): an
    /// extension header the engine does not walk.
    Ipv6Ah,
    /// `ufo_size` is this value.
    UfoSize(u16),
    /// `ufo_size` is MAX_FRAME_LEN: every fragment frame would be longer than MAX_FRAME_LEN.
    UfoSizeOver,
    /// Plain checksum offload whose field lies past the packet's end.
    CsumPos,
    /// VLAN insertion on a plain checksum-offload packet with `csum_start` 10 (below 12).
    VlanInsCsum,
    /// Nothing is changed, but the plain frame is longer than MAX_FRAME_LEN.
    Oversize,
    /// Nothing is changed, but the frame has more than two 802.1Q/802.1ad tags (the engine
    /// parses at most two).
    TooManyTags,
    /// Nothing is changed, but the IPv6 packet has more extension headers than the engine's
    /// documented limit (4).
    TooManyExt,
    /// Nothing is changed, but the headers end beyond the engine's 128-byte header window.
    HdrWindow,
    /// Nothing is changed, but the USO super-frame has `gso_size` 0 (Linux never makes one).
    UsoGsoZero,
    /// Nothing is changed, but the USO super-frame needs more than 128 segments.
    UsoTooMany,
    /// Nothing is changed, but the USO super-frame has no checksum request (`SO_NO_CHECK`).
    UsoCsumOff,
    /// The USO super-frame's `csum_start` is one byte past the UDP header's offset.
    UsoCsumStart,
    /// Nothing is changed, but the USO super-frame is over 65,535 bytes with its Ethernet header.
    UsoTooLong,
    /// A correct packet, with an R beat on this AXI ID that nothing asked for sent while it is
    /// in flight: the engine must drop the beat (and count it) and send the packet intact.
    UnsolicitedR(u32),
    /// A correct packet, with a B response that nothing asked for sent while it is in flight.
    UnsolicitedB,
    /// The packet's completion write answers SLVERR (nothing written): its frames go out, its
    /// completion is lost, the engine counts CPL_WRITE_ERR and still advances its indices.
    CplWriteErr,
    /// A read of one of the packet's descriptors never gets its R beats.
    DescDrop,
    /// A read of the packet's first buffer never gets its R beats.
    BufDrop,
    /// The B response to the packet's completion write never comes.
    CplDrop,
}

impl Fault {
    /// The status the packet's (first) completion must carry.
    pub fn expected_status(&self) -> Status {
        match self {
            Fault::None => Status::Ok,
            Fault::NoSop => Status::ChainNoSop,
            Fault::SopInside => Status::ChainSopInside,
            Fault::NoEop => Status::ChainNoEop,
            Fault::ReservedFlag { .. } | Fault::UfoUso => Status::DescFlags,
            Fault::DescDma => Status::DescDma,
            Fault::DmaErr => Status::DmaRead,
            Fault::TooLong => Status::LengthMax,
            Fault::ZeroLen => Status::LengthZero,
            Fault::HdrSplit | Fault::HdrWindow => Status::HdrSpan,
            Fault::NotUdp | Fault::Ipv6NotUdp => Status::HdrL4,
            Fault::BadIhl | Fault::BadIpVersion => Status::HdrIp,
            Fault::BadTotLen | Fault::BadUdpLen | Fault::Ipv6BadPayloadLen => Status::HdrLen,
            Fault::NotIpv4 | Fault::TooManyTags => Status::HdrL2,
            Fault::BadIpOption | Fault::TooManyExt | Fault::Ipv6Ah => Status::HdrExt,
            Fault::UfoSize(_) | Fault::UfoSizeOver => Status::UfoSize,
            Fault::CsumPos | Fault::UsoCsumStart => Status::CsumPos,
            Fault::VlanInsCsum => Status::VlanIns,
            Fault::Oversize => Status::FrameSize,
            Fault::UsoGsoZero => Status::UsoGsoSize,
            Fault::UsoTooMany => Status::UsoSegments,
            Fault::UsoCsumOff | Fault::CheckZero => Status::UsoCsum,
            Fault::UsoTooLong => Status::UsoLength,
            // Bus faults the engine must absorb: the packet goes out intact.
            Fault::UnsolicitedR(_) | Fault::UnsolicitedB | Fault::CplDrop => Status::Ok,
            // The completion is lost; the frames go out.
            Fault::CplWriteErr => Status::Ok,
            Fault::DescDrop => Status::DescTimeout,
            Fault::BufDrop => Status::ReadTimeout,
        }
    }

    /// The faults that rewrite bytes of an IPv4 UDP header in the skb's head.
    pub fn rewrites_ipv4_header(&self) -> bool {
        matches!(
            self,
            Fault::NotUdp
                | Fault::BadIhl
                | Fault::BadIpVersion
                | Fault::BadTotLen
                | Fault::BadUdpLen
                | Fault::NotIpv4
                | Fault::BadIpOption
        )
    }

    /// Faults of the bus rather than of the packet: the packet itself is correct.
    pub fn is_bus_fault(&self) -> bool {
        matches!(
            self,
            Fault::DescDma
                | Fault::DmaErr
                | Fault::UnsolicitedR(_)
                | Fault::UnsolicitedB
                | Fault::CplWriteErr
                | Fault::DescDrop
                | Fault::BufDrop
                | Fault::CplDrop
        )
    }

    /// Faults that leave the packet's outcome as if nothing happened (the engine must drop the
    /// stray response).
    pub fn is_harmless(&self) -> bool {
        matches!(self, Fault::UnsolicitedR(_) | Fault::UnsolicitedB)
    }

    /// Faults aimed at one read or at the completion slot of the packet: it must be in
    /// flight alone, so that the fault hits it and no other packet.
    pub fn needs_isolation(&self) -> bool {
        matches!(
            self,
            Fault::CplWriteErr | Fault::CplDrop | Fault::DescDrop | Fault::BufDrop
        )
    }
}

/// What the engine must do with a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// One OK completion whose frames equal the golden model's, byte for byte.
    Frames(Vec<Vec<u8>>),
    /// The chain ends in error completions, the first with this status; no frame is sent.
    Error(Status),
    /// A CHAIN_SOP_INSIDE completion for the lone SOP, then the real packet's frames.
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
    /// A header fault needs the IPv4 and UDP headers at `l3` in the skb's head.
    #[error("the IPv4 and UDP headers at {l3} are not in the {head_len}-byte head")]
    HeaderOutsideHead {
        /// where the header starts
        l3: usize,
        /// bytes in the head
        head_len: usize,
    },
    /// The fault cannot be applied to this packet.
    #[error("fault {fault:?} needs {needs}")]
    FaultNotApplicable {
        /// the fault
        fault: Fault,
        /// what the packet lacks
        needs: &'static str,
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

impl Case {
    /// A case for `tx` with `fault` injected. `Fault::None` expects the golden model's frames;
    /// `SopInside` a CHAIN_SOP_INSIDE completion for the lone SOP, then those frames; every other
    /// fault error completions, the first with the fault's status, and no frame.
    pub fn with_fault(
        name: String,
        origin: String,
        tx: &TxPacket,
        layout: &Layout,
        head_payload: usize,
        fault: Fault,
    ) -> Result<Case, CaseError> {
        let mut case = match fault.expected_status() {
            Status::Ok => Case::from_tx(name, origin, tx, layout, head_payload)?,
            Status::ChainSopInside => {
                let mut c = Case::from_tx(name, origin, tx, layout, head_payload)?;
                if let Expect::Frames(frames) = c.expect {
                    c.expect = Expect::ChainErrorThenFrames(frames);
                }
                c
            }
            status => Case {
                name,
                origin,
                skb: build_skb(tx, layout, head_payload)?,
                fault: Fault::None,
                expect: Expect::Error(status),
                ipv6_final_dst: None,
            },
        };
        apply_packet_fault(&mut case.skb, tx.spec.l3_offset(), &fault)?;
        case.fault = fault;
        Ok(case)
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

/// Offset of the next-header byte in the IPv6 header.
const IPV6_NEXT_HEADER: usize = 6;

/// Applies a fault that changes the packet's bytes or offload fields (the rest are applied to the
/// descriptor chain by the runner). `l3` is the IPv4 header's offset; the IPv4 and UDP headers
/// must be in the skb's head.
pub fn apply_packet_fault(skb: &mut Skb, l3: usize, fault: &Fault) -> Result<(), CaseError> {
    let not_applicable = |needs| CaseError::FaultNotApplicable {
        fault: fault.clone(),
        needs,
    };
    let l4 = l3 + 4 * usize::from(skb.head.get(l3).map_or(5, |b| b & 0xF));
    if fault.rewrites_ipv4_header() && (l3 < 2 || skb.head.len() < l4.max(l3 + 20) + 8) {
        return Err(CaseError::HeaderOutsideHead {
            l3,
            head_len: skb.head.len(),
        });
    }
    let add_one = |b: &mut [u8]| {
        let v = u16::from_be_bytes([b[0], b[1]]).wrapping_add(1);
        b.copy_from_slice(&v.to_be_bytes());
    };
    match fault {
        Fault::NotUdp => skb.head[l3 + 9] = 6,
        Fault::BadIhl => skb.head[l3] = 0x44,
        Fault::BadIpVersion => skb.head[l3] = 0x60 | (skb.head[l3] & 0xF),
        Fault::BadTotLen => add_one(&mut skb.head[l3 + 2..l3 + 4]),
        Fault::BadUdpLen => add_one(&mut skb.head[l4 + 4..l4 + 6]),
        Fault::NotIpv4 => skb.head[l3 - 2..l3].copy_from_slice(&0x0806u16.to_be_bytes()),
        Fault::Ipv6NotUdp | Fault::Ipv6Ah | Fault::Ipv6BadPayloadLen => {
            let next = l3 + IPV6_NEXT_HEADER;
            let is_v6_udp = l3 >= 2
                && skb.head.len() > next
                && skb.head[l3 - 2..l3] == [0x86, 0xDD]
                && skb.head[next] == 17;
            if !is_v6_udp {
                return Err(not_applicable("an IPv6 header followed by UDP in the head"));
            }
            match fault {
                Fault::Ipv6BadPayloadLen => add_one(&mut skb.head[l3 + 4..l3 + 6]),
                Fault::Ipv6Ah => skb.head[next] = 51,
                _ => skb.head[next] = 6,
            }
        }
        Fault::UsoCsumStart => match (skb.uso_gso_size, skb.csum.as_mut()) {
            (Some(_), Some(c)) => c.start += 1,
            _ => {
                return Err(not_applicable(
                    "a USO super-frame with its checksum request",
                ))
            }
        },
        Fault::BadIpOption => {
            let first = (l3 + 20..l4).find(|&i| skb.head[i] != 1); // past the NOOPs
            match first {
                Some(i) if skb.head[i] != 0 && i + 1 < l4 => skb.head[i + 1] = 1,
                _ => return Err(not_applicable("an IPv4 option other than NOOP before EOL")),
            }
        }
        // the runner cuts the head in two: one more descriptor
        Fault::HdrSplit if 1 + skb.frags.len() >= ufo_driver::skb::MAX_BUFFERS => {
            return Err(not_applicable("fewer buffers than MAX_DESC"));
        }
        Fault::UfoSize(n) => skb.ufo_size = *n,
        Fault::UfoSizeOver => skb.ufo_size = ufo_driver::desc::MAX_FRAME_LEN_DEFAULT,
        Fault::CsumPos | Fault::VlanInsCsum => {
            let len = u16::try_from(skb.to_bytes().len()).unwrap_or(u16::MAX);
            let plain = skb.ufo_size == 0 && skb.uso_gso_size.is_none();
            let Some(c) = skb.csum.as_mut().filter(|_| plain) else {
                return Err(not_applicable("a plain packet with checksum offload"));
            };
            if *fault == Fault::CsumPos {
                c.offset = len.saturating_sub(c.start).saturating_sub(1);
            } else {
                c.offset = c.offset.saturating_add(c.start - c.start.min(10));
                c.start = c.start.min(10);
                skb.vlan_insert.get_or_insert(0x0123);
            }
        }
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
