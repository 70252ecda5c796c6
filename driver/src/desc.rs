//! Host-memory formats and register map of `docs/architecture.md`: the 32-byte TX descriptor,
//! the 16-byte completion and the AXI4-Lite register offsets (generated from
//! `regs/ufo_nic.rdl`). All multi-byte fields are little-endian.

use std::fmt;

/// Size of one TX descriptor in bytes.
pub const DESC_BYTES: usize = 32;
/// Size of one completion record in bytes.
pub const CPL_BYTES: usize = 16;

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
}

/// Register byte offsets, reset values and field masks on the AXI4-Lite slave, generated from
/// `regs/ufo_nic.rdl` (see [`crate::regmap`]), with the short names the driver model uses.
pub mod regs {
    pub use crate::regmap::*;

    /// Value of the ID register: "UFO", version 1.
    pub const ID_VALUE: u32 = ID_RESET;
    /// IRQ bit 0 (`IRQ_STATUS` and `IRQ_MASK`): a completion was written.
    pub const IRQ_CPL: u32 = IRQ_STATUS_CPL;
    /// IRQ bit 1: an error completion was written.
    pub const IRQ_ERR: u32 = IRQ_STATUS_ERR;
    const _: () = assert!(IRQ_MASK_CPL == IRQ_CPL && IRQ_MASK_ERR == IRQ_ERR);

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

/// Completion status (byte 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// 0: sent.
    Ok,
    /// 1: bad SOP/EOP chain.
    DescChain,
    /// 2: AXI error reading a descriptor.
    DescDma,
    /// 3: AXI error reading a packet buffer.
    DmaRead,
    /// 4: packet length 0 or larger than the packet buffer.
    Length,
    /// 5: UFO packet with unusable headers.
    Header,
    /// 6: UFO packet with `ufo_size < 8`.
    UfoSize,
    /// 21: USO with `gso_size` 0.
    UsoGsoSize,
    /// 22: USO needing more than 128 segments (`UDP_MAX_SEGMENTS`).
    UsoSegments,
    /// 23: USO without CSUM, or with a zero UDP check field (checksum disabled).
    UsoCsum,
    /// 24: USO super-frame over 65,535 bytes including its Ethernet header.
    UsoLength,
    /// A code the contract does not define (a device bug).
    Unknown(u8),
}

impl Status {
    /// Status from its code.
    pub fn from_code(code: u8) -> Self {
        match code {
            0 => Self::Ok,
            1 => Self::DescChain,
            2 => Self::DescDma,
            3 => Self::DmaRead,
            4 => Self::Length,
            5 => Self::Header,
            6 => Self::UfoSize,
            21 => Self::UsoGsoSize,
            22 => Self::UsoSegments,
            23 => Self::UsoCsum,
            24 => Self::UsoLength,
            c => Self::Unknown(c),
        }
    }

    /// The code written in the completion.
    pub fn code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::DescChain => 1,
            Self::DescDma => 2,
            Self::DmaRead => 3,
            Self::Length => 4,
            Self::Header => 5,
            Self::UfoSize => 6,
            Self::UsoGsoSize => 21,
            Self::UsoSegments => 22,
            Self::UsoCsum => 23,
            Self::UsoLength => 24,
            Self::Unknown(c) => c,
        }
    }

    /// True for every status but OK.
    pub fn is_error(self) -> bool {
        self != Self::Ok
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ok => f.write_str("OK"),
            Self::DescChain => f.write_str("DESC_CHAIN"),
            Self::DescDma => f.write_str("DESC_DMA"),
            Self::DmaRead => f.write_str("DMA_READ"),
            Self::Length => f.write_str("LENGTH"),
            Self::Header => f.write_str("HEADER"),
            Self::UfoSize => f.write_str("UFO_SIZE"),
            Self::UsoGsoSize => f.write_str("USO_GSO_SIZE"),
            Self::UsoSegments => f.write_str("USO_SEGMENTS"),
            Self::UsoCsum => f.write_str("USO_CSUM"),
            Self::UsoLength => f.write_str("USO_LENGTH"),
            Self::Unknown(c) => write!(f, "UNKNOWN({c})"),
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
        assert_eq!(Status::Unknown(9).to_string(), "UNKNOWN(9)");
        assert_eq!(Status::DescChain.to_string(), "DESC_CHAIN");
        assert!(!Status::Ok.is_error());
    }
}
