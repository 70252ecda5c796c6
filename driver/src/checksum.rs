//! Internet checksum (RFC 1071) of the stimulus: the datagram builders, the `sk_buff` builder and
//! the tests use it. The golden model (`ufo-golden`) deliberately has its own.
//!
//! The sum is kept in a `u32` accumulator and folded at the end; bytes are paired big-endian
//! (network order) and an odd final byte is padded with zero. [`Checksum`] carries the byte
//! parity across calls, so data split into odd-length pieces sums the same as when contiguous.

/// IP protocol number of UDP.
pub const IPPROTO_UDP: u8 = 17;

/// Running one's-complement sum over a byte stream that may arrive in pieces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checksum {
    /// Sum of 16-bit words so far, carries not yet folded (folded whenever it nears overflow).
    sum: u64,
    /// The first byte of a word whose second byte has not arrived yet.
    pending: Option<u8>,
}

impl Checksum {
    /// An empty sum.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes that follow everything added so far in the stream.
    pub fn add_bytes(&mut self, data: &[u8]) -> &mut Self {
        let mut rest = data;
        if let Some(hi) = self.pending.take() {
            match rest.split_first() {
                Some((&lo, tail)) => {
                    self.sum += u64::from(u16::from_be_bytes([hi, lo]));
                    rest = tail;
                }
                None => {
                    self.pending = Some(hi);
                    return self;
                }
            }
        }
        let mut words = rest.chunks_exact(2);
        for w in &mut words {
            self.sum += u64::from(u16::from_be_bytes([w[0], w[1]]));
        }
        if let [last] = words.remainder() {
            self.pending = Some(*last);
        }
        // A u64 cannot overflow before 2^48 words; fold anyway so the value stays small.
        self.sum = (self.sum & 0xFFFF_FFFF) + (self.sum >> 32);
        self
    }

    /// Adds one 16-bit word at an even position of the stream (pseudo-header fields).
    ///
    /// # Panics
    /// If an odd number of bytes has been added: a word would then straddle two positions.
    pub fn add_u16(&mut self, word: u16) -> &mut Self {
        assert!(self.pending.is_none(), "add_u16 at an odd stream position");
        self.sum += u64::from(word);
        self
    }

    /// The folded one's-complement sum, NOT complemented (the value a `CHECKSUM_PARTIAL` seed
    /// holds). An odd trailing byte counts as padded with zero.
    pub fn folded(&self) -> u16 {
        let mut s = self.sum;
        if let Some(hi) = self.pending {
            s += u64::from(u16::from_be_bytes([hi, 0]));
        }
        while s > 0xFFFF {
            s = (s & 0xFFFF) + (s >> 16);
        }
        // `s` fits in 16 bits after the loop.
        s as u16
    }

    /// The complemented checksum, as written into IPv4 header or UDP check fields.
    pub fn checksum(&self) -> u16 {
        !self.folded()
    }
}

/// The folded, uncomplemented one's-complement sum of `data`.
pub fn ones_sum(data: &[u8]) -> u16 {
    Checksum::new().add_bytes(data).folded()
}

/// The Internet checksum of `data` (complement of [`ones_sum`]), e.g. an IPv4 header whose
/// checksum field is zero.
pub fn internet_checksum(data: &[u8]) -> u16 {
    !ones_sum(data)
}

/// Adds the IPv4 pseudo-header (source, destination, zero, protocol, length) to a sum.
pub fn add_ipv4_pseudo_header(
    sum: &mut Checksum,
    src: [u8; 4],
    dst: [u8; 4],
    protocol: u8,
    l4_len: u16,
) {
    sum.add_bytes(&src)
        .add_bytes(&dst)
        .add_u16(u16::from(protocol))
        .add_u16(l4_len);
}

/// The folded, uncomplemented IPv4 pseudo-header sum for UDP: what the stack leaves in the UDP
/// check field for `CHECKSUM_PARTIAL` (`~csum_tcpudp_magic(...)` in the kernel).
pub fn udp_ipv4_seed(src: [u8; 4], dst: [u8; 4], udp_len: u16) -> u16 {
    let mut sum = Checksum::new();
    add_ipv4_pseudo_header(&mut sum, src, dst, IPPROTO_UDP, udp_len);
    sum.folded()
}

/// The complete UDP checksum over the IPv4 pseudo-header and `udp` (header + payload, whose
/// check field must be zero or is to be ignored by the caller having zeroed it). A result of 0
/// is returned as 0xFFFF, because 0 on the wire means "no checksum" (RFC 768, `udp_send_skb`'s
/// `CSUM_MANGLED_0`).
///
/// # Panics
/// If `udp` is longer than 65535 bytes (no UDP datagram is).
pub fn udp_ipv4_checksum(src: [u8; 4], dst: [u8; 4], udp: &[u8]) -> u16 {
    // The pseudo-header length is the slice's, as the kernel takes it from skb->len.
    let len = u16::try_from(udp.len()).expect("a UDP datagram is at most 65535 bytes");
    let mut sum = Checksum::new();
    add_ipv4_pseudo_header(&mut sum, src, dst, IPPROTO_UDP, len);
    sum.add_bytes(udp);
    match sum.checksum() {
        0 => 0xFFFF,
        c => c,
    }
}

/// Adds the IPv6 pseudo-header (RFC 8200 section 8.1: source, destination, 32-bit
/// upper-layer length, three zero bytes, next header) to a sum.
pub fn add_ipv6_pseudo_header(
    sum: &mut Checksum,
    src: [u8; 16],
    dst: [u8; 16],
    next_header: u8,
    l4_len: u32,
) {
    sum.add_bytes(&src)
        .add_bytes(&dst)
        .add_u16((l4_len >> 16) as u16)
        .add_u16(l4_len as u16)
        .add_u16(u16::from(next_header));
}

/// The folded, uncomplemented IPv6 pseudo-header sum for UDP: what `udp6_hwcsum_outgoing`
/// leaves in the check field for `CHECKSUM_PARTIAL` (`~csum_ipv6_magic(saddr, daddr, len,
/// IPPROTO_UDP, 0)`). `dst` is the final destination (the last address of a Routing header).
pub fn udp_ipv6_seed(src: [u8; 16], dst: [u8; 16], udp_len: u16) -> u16 {
    let mut sum = Checksum::new();
    add_ipv6_pseudo_header(&mut sum, src, dst, IPPROTO_UDP, u32::from(udp_len));
    sum.folded()
}

/// The complete UDP checksum over the IPv6 pseudo-header and `udp` (check field zero), as
/// `udp_v6_send_skb` computes it: a result of 0 is returned as 0xFFFF (`CSUM_MANGLED_0`).
///
/// # Panics
/// If `udp` is longer than 65535 bytes (no UDP datagram is).
pub fn udp_ipv6_checksum(src: [u8; 16], dst: [u8; 16], udp: &[u8]) -> u16 {
    let len = u16::try_from(udp.len()).expect("a UDP datagram is at most 65535 bytes");
    let mut sum = Checksum::new();
    add_ipv6_pseudo_header(&mut sum, src, dst, IPPROTO_UDP, u32::from(len));
    sum.add_bytes(udp);
    match sum.checksum() {
        0 => 0xFFFF,
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(ones_sum(&data), 0xddf2);
        assert_eq!(internet_checksum(&data), 0x220d);
    }

    #[test]
    fn odd_length_pads_with_zero() {
        // 0x0102 + 0x0300 = 0x0402
        assert_eq!(ones_sum(&[1, 2, 3]), 0x0402);
    }

    #[test]
    fn carries_fold_back() {
        // 0xFFFF + 0x0001 = 0x10000 -> 0x0001; then + 0xFFFF = 0x10000 -> 0x0001.
        assert_eq!(ones_sum(&[0xff, 0xff, 0x00, 0x01]), 0x0001);
        assert_eq!(ones_sum(&[0xff, 0xff, 0x00, 0x01, 0xff, 0xff]), 0x0001);
        // All-ones stays all-ones (negative zero), never folds to 0.
        assert_eq!(ones_sum(&[0xff, 0xff, 0xff, 0xff]), 0xffff);
        assert_eq!(ones_sum(&[]), 0);
    }

    #[test]
    fn parity_carries_across_pieces() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1001).collect();
        let whole = ones_sum(&data);
        for cuts in [
            [1usize, 2],
            [3, 4],
            [7, 500],
            [0, 1000],
            [999, 1000],
            [1, 1],
        ] {
            let mut s = Checksum::new();
            s.add_bytes(&data[..cuts[0]])
                .add_bytes(&data[cuts[0]..cuts[1]])
                .add_bytes(&data[cuts[1]..]);
            assert_eq!(s.folded(), whole, "cuts {cuts:?}");
        }
        // One byte at a time.
        let mut s = Checksum::new();
        for b in &data {
            s.add_bytes(std::slice::from_ref(b));
        }
        assert_eq!(s.folded(), whole);
    }

    #[test]
    fn ipv4_header_example() {
        // A well-known header (Wikipedia "IPv4 header checksum"): 4500 0073 0000 4000 4011
        // [b861] c0a8 0001 c0a8 00c7.
        let hdr = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(internet_checksum(&hdr), 0xb861);
        let mut with = hdr;
        with[10..12].copy_from_slice(&0xb861u16.to_be_bytes());
        assert_eq!(ones_sum(&with), 0xffff, "a valid header sums to all ones");
    }

    #[test]
    fn udp_pseudo_header_by_hand() {
        // src 10.0.0.1, dst 10.0.0.2, UDP length 10:
        // 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 0x0011 + 0x000a = 0x141e
        let seed = udp_ipv4_seed([10, 0, 0, 1], [10, 0, 0, 2], 10);
        assert_eq!(seed, 0x141e);
        // UDP 1234 -> 5678, length 10, check 0, payload "hi" (0x6869):
        // 0x141e + 0x04d2 + 0x162e + 0x000a + 0x6869 = 0x9791; complement 0x686e.
        let udp = [0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0a, 0x00, 0x00, b'h', b'i'];
        assert_eq!(
            udp_ipv4_checksum([10, 0, 0, 1], [10, 0, 0, 2], &udp),
            0x686e
        );
        // Seed plus data sums to the same as the full computation.
        let mut with_seed = udp;
        with_seed[6..8].copy_from_slice(&seed.to_be_bytes());
        assert_eq!(!ones_sum(&with_seed), 0x686e);
    }

    #[test]
    fn zero_result_becomes_ffff() {
        // Pseudo-header 0x141e (as above, length 10) + header words; choose the 2 payload bytes
        // so that the folded sum is 0xFFFF, i.e. the complement is 0.
        let base = [0x04u8, 0xd2, 0x16, 0x2e, 0x00, 0x0a, 0x00, 0x00];
        let partial = 0x141eu32 + 0x04d2 + 0x162e + 0x000a; // 0x2f28
        let need = 0xFFFF - partial; // 0xd0d7
        let mut udp = base.to_vec();
        udp.extend_from_slice(&(need as u16).to_be_bytes());
        assert_eq!(
            Checksum::new()
                .add_bytes(&[10, 0, 0, 1, 10, 0, 0, 2, 0, 17, 0, 10])
                .add_bytes(&udp)
                .checksum(),
            0
        );
        assert_eq!(
            udp_ipv4_checksum([10, 0, 0, 1], [10, 0, 0, 2], &udp),
            0xFFFF
        );
    }

    #[test]
    fn ipv6_pseudo_header_by_hand() {
        // src ::1, dst ::2, length 10, next header 17:
        // 0x0001 + 0x0002 + 0x0000 + 0x000a + 0x0011 = 0x001e
        let mut a = [0u8; 16];
        a[15] = 1;
        let mut b = [0u8; 16];
        b[15] = 2;
        assert_eq!(udp_ipv6_seed(a, b, 10), 0x001e);
        // UDP 1234 -> 5678, length 10, payload "hi":
        // 0x001e + 0x04d2 + 0x162e + 0x000a + 0x6869 = 0x8391; complement 0x7c6e.
        let udp = [0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0a, 0x00, 0x00, b'h', b'i'];
        assert_eq!(udp_ipv6_checksum(a, b, &udp), 0x7c6e);
        // The 32-bit length's high half counts too.
        let mut s = Checksum::new();
        add_ipv6_pseudo_header(&mut s, a, b, 6, 0x0001_0002);
        assert_eq!(s.folded(), 0x0001 + 0x0002 + 0x0001 + 0x0002 + 0x0006);
    }
}
