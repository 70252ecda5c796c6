//! Test datagrams: a plain description of one UDP-over-IPv4 datagram in an Ethernet II frame
//! ([`DatagramSpec`]) that emits the frame bytes, in the spirit of smoltcp's `Repr` types.

use crate::checksum::{internet_checksum, udp_ipv4_checksum, udp_ipv4_seed, IPPROTO_UDP};
use thiserror::Error;

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
    /// IPv4 destination address.
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
}
