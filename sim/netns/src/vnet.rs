//! `struct virtio_net_hdr_v1` (include/uapi/linux/virtio_net.h), little-endian, as a TAP device
//! with `IFF_VNET_HDR`, `TUNSETVNETHDRSZ` 12 and `TUNSETVNETLE` puts it before every frame.

/// Bytes of the header: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset,
/// num_buffers.
pub const VNET_HDR_LEN: usize = 12;

/// `VIRTIO_NET_HDR_F_NEEDS_CSUM`: sum from `csum_start` to the end, store at
/// `csum_start + csum_offset` (the skb is `CHECKSUM_PARTIAL`).
pub const F_NEEDS_CSUM: u8 = 1;

/// `gso_type` without the ECN bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GsoType {
    /// `VIRTIO_NET_HDR_GSO_NONE`: one frame.
    None,
    /// `VIRTIO_NET_HDR_GSO_TCPV4`.
    TcpV4,
    /// `VIRTIO_NET_HDR_GSO_UDP` (UFO, gone from the kernel's transmit path since 4.14).
    Udp,
    /// `VIRTIO_NET_HDR_GSO_TCPV6`.
    TcpV6,
    /// `VIRTIO_NET_HDR_GSO_UDP_L4`: a USO super-frame (`SKB_GSO_UDP_L4`).
    UdpL4,
    /// Any other value.
    Other(u8),
}

impl GsoType {
    fn from_byte(b: u8) -> GsoType {
        match b & 0x7F {
            0 => GsoType::None,
            1 => GsoType::TcpV4,
            3 => GsoType::Udp,
            4 => GsoType::TcpV6,
            5 => GsoType::UdpL4,
            n => GsoType::Other(n),
        }
    }
}

/// A parsed `virtio_net_hdr_v1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VirtioNetHdr {
    /// `VIRTIO_NET_HDR_F_*` bits.
    pub flags: u8,
    /// `VIRTIO_NET_HDR_GSO_*`, with the ECN bit 0x80.
    pub gso_type: u8,
    /// Bytes of headers (Ethernet to the end of L4) in a GSO frame.
    pub hdr_len: u16,
    /// Payload bytes per segment of a GSO frame.
    pub gso_size: u16,
    /// Where checksumming starts, bytes from the frame start.
    pub csum_start: u16,
    /// Where the checksum goes, bytes from `csum_start`.
    pub csum_offset: u16,
    /// Receive buffers used (mergeable buffers only; 0 here).
    pub num_buffers: u16,
}

impl VirtioNetHdr {
    /// Reads the header from the first 12 bytes of `b`; `None` if `b` is shorter.
    pub fn parse(b: &[u8]) -> Option<VirtioNetHdr> {
        let le = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        (b.len() >= VNET_HDR_LEN).then(|| VirtioNetHdr {
            flags: b[0],
            gso_type: b[1],
            hdr_len: le(2),
            gso_size: le(4),
            csum_start: le(6),
            csum_offset: le(8),
            num_buffers: le(10),
        })
    }

    /// The 12 bytes on the wire.
    pub fn to_bytes(&self) -> [u8; VNET_HDR_LEN] {
        let mut b = [0u8; VNET_HDR_LEN];
        b[0] = self.flags;
        b[1] = self.gso_type;
        for (i, v) in [
            self.hdr_len,
            self.gso_size,
            self.csum_start,
            self.csum_offset,
            self.num_buffers,
        ]
        .into_iter()
        .enumerate()
        {
            b[2 + 2 * i..4 + 2 * i].copy_from_slice(&v.to_le_bytes());
        }
        b
    }

    /// The GSO type.
    pub fn gso(&self) -> GsoType {
        GsoType::from_byte(self.gso_type)
    }

    /// Whether the frame asks for checksum offload.
    pub fn needs_csum(&self) -> bool {
        self.flags & F_NEEDS_CSUM != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_fields() {
        // A USO super-frame header as this kernel hands it (docs/verification.md, "Live mode").
        let wire = [1, 5, 42, 0, 0xE8, 0x03, 34, 0, 6, 0, 0, 0];
        let h = VirtioNetHdr::parse(&wire).unwrap();
        assert_eq!(h.gso(), GsoType::UdpL4);
        assert!(h.needs_csum());
        assert_eq!(
            (h.hdr_len, h.gso_size, h.csum_start, h.csum_offset),
            (42, 1000, 34, 6)
        );
        assert_eq!(h.to_bytes(), wire);
        assert_eq!(VirtioNetHdr::parse(&wire[..11]), None);
        assert_eq!(
            VirtioNetHdr::parse(&[0, 0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
                .unwrap()
                .gso(),
            GsoType::TcpV4
        );
    }
}
