//! Host-memory formats and register map of `docs/architecture.md`: the 32-byte TX descriptor,
//! the 16-byte completion and the AXI4-Lite register offsets (generated from
//! `regs/ufo_nic.rdl`). All multi-byte fields are little-endian.

use std::fmt;

/// Size of one TX descriptor in bytes.
pub const DESC_BYTES: usize = 32;
/// Size of one completion record in bytes.
pub const CPL_BYTES: usize = 16;
/// The longest wire frame the engine sends by default (MAX_FRAME_LEN's reset value: 9000 +
/// 14 + two 802.1Q tags); longer plain frames complete with FRAME_SIZE, UFO packets whose
/// fragments would be longer with UFO_SIZE.
pub const MAX_FRAME_LEN_DEFAULT: u16 = 9022;

/// Descriptor flag bits (`flags`, bytes 10..11).
pub mod flags {
    /// First buffer of a packet.
    pub const SOP: u16 = 1 << 0;
    /// Last buffer of a packet.
    pub const EOP: u16 = 1 << 1;
    /// Fragment the UDP/IPv4 datagram with `ufo_size`.
    pub const UFO: u16 = 1 << 2;
    /// Complete the checksum at `csum_start`/`csum_offset` (for UFO: the UDP checksum).
    pub const CSUM: u16 = 1 << 3;
    /// Insert `vlan_tci` as an 802.1Q tag.
    pub const VLAN_INS: u16 = 1 << 4;
    /// UDP Segmentation Offload (with SOP): cut the UDP datagram into complete datagrams of
    /// `ufo_size` (= `gso_size`) payload bytes; needs CSUM at the UDP check field
    /// (`csum_start` = UDP header offset, `csum_offset` = 6).
    pub const USO: u16 = 1 << 5;
    /// Every defined bit; the rest are reserved and written 0.
    pub const ALL: u16 = SOP | EOP | UFO | CSUM | VLAN_INS | USO;
    /// Bits a descriptor of a chain must not have (any of them: DESC_FLAGS).
    pub const RESERVED: u16 = !ALL;
}

/// Register byte offsets, reset values and field masks on the AXI4-Lite slave, generated from
/// `regs/ufo_nic.rdl` (see [`crate::regmap`]), with the short names the driver model uses.
pub mod regs {
    pub use crate::regmap::*;

    /// Value of the ID register: "UFO", version 2.
    pub const ID_VALUE: u32 = ID_RESET;
    /// IRQ bit 0 (`IRQ_STATUS` and `IRQ_MASK`): a completion was written.
    pub const IRQ_CPL: u32 = IRQ_STATUS_CPL;
    /// IRQ bit 1: an error completion was written, or an event was counted.
    pub const IRQ_ERR: u32 = IRQ_STATUS_ERR;
    /// IRQ bit 2: `STATUS.FAULT` was set (a bus response never came).
    pub const IRQ_FAULT: u32 = IRQ_STATUS_FAULT;
    const _: () =
        assert!(IRQ_MASK_CPL == IRQ_CPL && IRQ_MASK_ERR == IRQ_ERR && IRQ_MASK_FAULT == IRQ_FAULT);
    /// `ERR_CNT[i]`, the counter of completion status code `i` (1..31) or event `i` (32..47).
    pub const fn err_cnt(i: usize) -> u32 {
        ERR_CNT + i as u32 * ERR_CNT_STRIDE
    }

    /// `ERR_CNT` indices of the events without a completion (docs/architecture.md, "Error
    /// classes"; `ufo_csr`'s `EV_*` + 32).
    pub mod event {
        /// `TX_TAIL` written outside the ring.
        pub const TAIL_RANGE: usize = 32;
        /// `TX_TAIL` moved backwards over posted descriptors.
        pub const TAIL_BACK: usize = 33;
        /// An R beat nobody asked for, dropped by the read guard.
        pub const UNSOLICITED_R: usize = 34;
        /// A B nobody asked for, dropped by the write guard.
        pub const UNSOLICITED_B: usize = 35;
        /// A completion write answered SLVERR/DECERR (its record may be lost).
        pub const CPL_WRITE_ERR: usize = 36;
        /// A completion write whose B never came (answered by the guard).
        pub const CPL_TIMEOUT: usize = 37;
        /// A ring register written while not quiesced.
        pub const RING_CFG_BUSY: usize = 38;
    }

    /// The register's name in the map, for messages (`"unmapped"` for other offsets).
    pub fn name(offset: u32) -> &'static str {
        REGISTERS
            .iter()
            .find(|r| r.offset == offset)
            .map_or("unmapped", |r| r.name)
    }
}

/// One TX descriptor (32 bytes in the ring).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TxDesc {
    /// Byte address of the buffer; any alignment.
    pub buf_addr: u64,
    /// Buffer length; 0 allowed (skipped).
    pub buf_len: u16,
    /// [`flags`] bits.
    pub flags: u16,
    /// SOP only: largest IP payload per fragment (UFO), or `gso_size` (USO).
    pub ufo_size: u16,
    /// SOP only: tag to insert with VLAN_INS.
    pub vlan_tci: u16,
    /// SOP only: checksum start, bytes from the frame start.
    pub csum_start: u16,
    /// SOP only: checksum field, bytes from `csum_start`.
    pub csum_offset: u16,
    /// SOP only: IPv6 Fragment identification.
    pub ip6_frag_id: u32,
    /// Ignored by the device; the driver's own word.
    pub cookie: u64,
}

impl TxDesc {
    /// The 32 bytes as they sit in the ring.
    pub fn encode(&self) -> [u8; DESC_BYTES] {
        let mut b = [0u8; DESC_BYTES];
        b[0..8].copy_from_slice(&self.buf_addr.to_le_bytes());
        b[8..10].copy_from_slice(&self.buf_len.to_le_bytes());
        b[10..12].copy_from_slice(&self.flags.to_le_bytes());
        b[12..14].copy_from_slice(&self.ufo_size.to_le_bytes());
        b[14..16].copy_from_slice(&self.vlan_tci.to_le_bytes());
        b[16..18].copy_from_slice(&self.csum_start.to_le_bytes());
        b[18..20].copy_from_slice(&self.csum_offset.to_le_bytes());
        b[20..24].copy_from_slice(&self.ip6_frag_id.to_le_bytes());
        b[24..32].copy_from_slice(&self.cookie.to_le_bytes());
        b
    }

    /// Parses the 32 bytes of a ring slot (for device models and checks).
    pub fn decode(b: &[u8; DESC_BYTES]) -> Self {
        let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let u64_at = |i: usize| u64::from(u32_at(i)) | (u64::from(u32_at(i + 4)) << 32);
        Self {
            buf_addr: u64_at(0),
            buf_len: u16_at(8),
            flags: u16_at(10),
            ufo_size: u16_at(12),
            vlan_tci: u16_at(14),
            csum_start: u16_at(16),
            csum_offset: u16_at(18),
            ip6_frag_id: u32_at(20),
            cookie: u64_at(24),
        }
    }

    /// True if SOP is set.
    pub fn sop(&self) -> bool {
        self.flags & flags::SOP != 0
    }

    /// True if EOP is set.
    pub fn eop(&self) -> bool {
        self.flags & flags::EOP != 0
    }
}

/// Defines [`Status`] from one table: variant, code, contract name, meaning.
macro_rules! statuses {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $name:literal;)*) => {
        /// Completion status (byte 4); codes and names as `docs/architecture.md` "Status codes",
        /// `ufo_pkg::ST_*` and `enum ufo_cpl_status` in `include/ufo_nic_desc.h`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Status {
            $($(#[$doc])* $variant,)*
            /// A code the contract does not define (a device bug).
            Unknown(u8),
        }

        impl Status {
            /// Every defined status, in code order.
            pub const ALL: &'static [Status] = &[$(Status::$variant,)*];

            /// Status from its code.
            pub fn from_code(code: u8) -> Self {
                match code {
                    $($code => Self::$variant,)*
                    c => Self::Unknown(c),
                }
            }

            /// The code written in the completion.
            pub fn code(self) -> u8 {
                match self {
                    $(Self::$variant => $code,)*
                    Self::Unknown(c) => c,
                }
            }

            /// The contract's name (`CHAIN_NO_SOP`), `UNKNOWN` for an undefined code.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                    Self::Unknown(_) => "UNKNOWN",
                }
            }
        }
    };
}

statuses! {
    /// 0: sent.
    Ok = 0, "OK";
    /// 1: the first descriptor of a packet lacks SOP (consumed alone).
    ChainNoSop = 1, "CHAIN_NO_SOP";
    /// 2: SLVERR/DECERR on a descriptor read.
    DescDma = 2, "DESC_DMA";
    /// 3: SLVERR/DECERR on a buffer read.
    DmaRead = 3, "DMA_READ";
    /// 4: packet total length 0.
    LengthZero = 4, "LENGTH_ZERO";
    /// 5: UFO packet that is not Ethernet II (+ up to two tags) + IPv4/IPv6.
    HdrL2 = 5, "HDR_L2";
    /// 6: `ufo_size` below 8, or a fragment would exceed MAX_FRAME_LEN.
    UfoSize = 6, "UFO_SIZE";
    /// 7: a SOP inside a chain (the descriptors before it).
    ChainSopInside = 7, "CHAIN_SOP_INSIDE";
    /// 8: no EOP within MAX_DESC descriptors.
    ChainNoEop = 8, "CHAIN_NO_EOP";
    /// 9: reserved flag bits set on a descriptor of the chain, or UFO and USO together.
    DescFlags = 9, "DESC_FLAGS";
    /// 10: total length above the engine's buffer limit (MAX_FRAME).
    LengthMax = 10, "LENGTH_MAX";
    /// 11: plain packet whose wire frame (VLAN insertion included) exceeds MAX_FRAME_LEN.
    FrameSize = 11, "FRAME_SIZE";
    /// 12: IP version wrong for the EtherType, or IHL below 5.
    HdrIp = 12, "HDR_IP";
    /// 13: UFO/USO packet that is not UDP.
    HdrL4 = 13, "HDR_L4";
    /// 14: IP total/payload length or UDP length disagrees with the packet.
    HdrLen = 14, "HDR_LEN";
    /// 15: malformed IPv4 options or IPv6 extension-header chain (unknown, too many).
    HdrExt = 15, "HDR_EXT";
    /// 16: headers beyond the first buffer or the header window.
    HdrSpan = 16, "HDR_SPAN";
    /// 17: checksum position outside the packet or the header window.
    CsumPos = 17, "CSUM_POS";
    /// 18: VLAN insertion into a packet under 14 bytes, or with a plain `csum_start` below 12.
    VlanIns = 18, "VLAN_INS";
    /// 19: a descriptor read response never came (the engine is in FAULT).
    DescTimeout = 19, "DESC_TIMEOUT";
    /// 20: a buffer read response never came (the engine is in FAULT).
    ReadTimeout = 20, "READ_TIMEOUT";
    /// 21: USO with `gso_size` 0.
    UsoGsoSize = 21, "USO_GSO_SIZE";
    /// 22: USO needing more than 128 segments.
    UsoSegments = 22, "USO_SEGMENTS";
    /// 23: USO without CSUM, or with a zero UDP check field.
    UsoCsum = 23, "USO_CSUM";
    /// 24: USO super-frame over 65,535 bytes including its Ethernet header.
    UsoLength = 24, "USO_LENGTH";
}

impl Status {
    /// True for every status but OK.
    pub fn is_error(self) -> bool {
        self != Self::Ok
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown(c) => write!(f, "UNKNOWN({c})"),
            s => f.write_str(s.name()),
        }
    }
}

/// Completion flag bit 0: 1 on the first lap of the ring, toggling every lap.
pub const CPL_FLAG_PHASE: u8 = 1 << 0;

/// One completion record (16 bytes in the completion ring).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    /// Index of the packet's first descriptor.
    pub desc_index: u16,
    /// Descriptors the packet consumed.
    pub desc_count: u16,
    /// Outcome.
    pub status: Status,
    /// Flags byte (bit 0 PHASE).
    pub flags: u8,
    /// Frames sent for the packet (0 on error).
    pub frames: u16,
    /// Bytes sent for the packet.
    pub wire_bytes: u32,
    /// Bytes 12..15, which must be 0.
    pub reserved: u32,
}

impl Completion {
    /// Parses the 16 bytes of a completion slot.
    pub fn decode(b: &[u8; CPL_BYTES]) -> Self {
        Self {
            desc_index: u16::from_le_bytes([b[0], b[1]]),
            desc_count: u16::from_le_bytes([b[2], b[3]]),
            status: Status::from_code(b[4]),
            flags: b[5],
            frames: u16::from_le_bytes([b[6], b[7]]),
            wire_bytes: u32::from_le_bytes([b[8], b[9], b[10], b[11]]),
            reserved: u32::from_le_bytes([b[12], b[13], b[14], b[15]]),
        }
    }

    /// The 16 bytes as the device writes them (for device models).
    pub fn encode(&self) -> [u8; CPL_BYTES] {
        let mut b = [0u8; CPL_BYTES];
        b[0..2].copy_from_slice(&self.desc_index.to_le_bytes());
        b[2..4].copy_from_slice(&self.desc_count.to_le_bytes());
        b[4] = self.status.code();
        b[5] = self.flags;
        b[6..8].copy_from_slice(&self.frames.to_le_bytes());
        b[8..12].copy_from_slice(&self.wire_bytes.to_le_bytes());
        b[12..16].copy_from_slice(&self.reserved.to_le_bytes());
        b
    }

    /// The PHASE bit.
    pub fn phase(&self) -> bool {
        self.flags & CPL_FLAG_PHASE != 0
    }
}

impl fmt::Display for Completion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "desc {}+{} {} frames {} bytes {} phase {}",
            self.desc_index,
            self.desc_count,
            self.status,
            self.frames,
            self.wire_bytes,
            u8::from(self.phase())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_layout() {
        let d = TxDesc {
            buf_addr: 0x0102_0304_0506_0708,
            buf_len: 0x090a,
            flags: flags::SOP | flags::UFO | flags::CSUM,
            ufo_size: 1480,
            vlan_tci: 0xbeef,
            csum_start: 34,
            csum_offset: 6,
            ip6_frag_id: 0xdead_cafe,
            cookie: 0x1122_3344_5566_7788,
        };
        let b = d.encode();
        assert_eq!(&b[0..8], &[8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(&b[8..10], &[0x0a, 0x09]);
        assert_eq!(&b[10..12], &[0x0d, 0x00]);
        assert_eq!(&b[12..14], &1480u16.to_le_bytes());
        assert_eq!(&b[14..16], &[0xef, 0xbe]);
        assert_eq!(&b[16..20], &[34, 0, 6, 0]);
        assert_eq!(&b[20..24], &[0xfe, 0xca, 0xad, 0xde]);
        assert_eq!(
            &b[24..32],
            &[0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]
        );
        assert_eq!(TxDesc::decode(&b), d);
        assert!(d.sop() && !d.eop());
    }

    #[test]
    fn completion_layout() {
        let b = [
            0x34, 0x12, 3, 0, 6, 1, 2, 0, 0x10, 0x20, 0x30, 0x40, 0, 0, 0, 0,
        ];
        let c = Completion::decode(&b);
        assert_eq!(c.desc_index, 0x1234);
        assert_eq!(c.desc_count, 3);
        assert_eq!(c.status, Status::UfoSize);
        assert!(c.phase());
        assert_eq!(c.frames, 2);
        assert_eq!(c.wire_bytes, 0x4030_2010);
        assert_eq!(c.encode(), b);
        assert_eq!(
            c.to_string(),
            "desc 4660+3 UFO_SIZE frames 2 bytes 1076895760 phase 1"
        );
    }

    #[test]
    fn status_codes_round_trip() {
        for code in 0..=255u8 {
            assert_eq!(Status::from_code(code).code(), code);
        }
        assert_eq!(Status::Unknown(25).to_string(), "UNKNOWN(25)");
        assert_eq!(Status::ChainNoSop.to_string(), "CHAIN_NO_SOP");
        assert_eq!(Status::ALL.len(), 25);
        for (code, s) in Status::ALL.iter().enumerate() {
            assert_eq!(usize::from(s.code()), code);
        }
        assert!(!Status::Ok.is_error());
    }
}
