//! The golden model's own Internet checksum (RFC 1071), written apart from the packet builders'
//! (`ufo_driver::checksum`) on purpose: a mistake in one shows up as a mismatch against the
//! other instead of hiding in both.
//!
//! Plain word-by-word addition into a `u64`, folded at the end, as RFC 1071 section 4.1 shows;
//! an odd final byte counts as the high byte of a word whose low byte is 0.

/// The folded, uncomplemented one's-complement sum of `data` (bytes paired big-endian from
/// `data[0]`), as `csum_fold` before its final complement.
pub fn ones_sum(data: &[u8]) -> u16 {
    fold(sum_words(data))
}

/// The Internet checksum of `data`: the complement of [`ones_sum`] (e.g. of an IPv4 header whose
/// checksum field is zero).
pub fn internet_checksum(data: &[u8]) -> u16 {
    !ones_sum(data)
}

/// The UDP checksum over the IPv4 pseudo-header (source, destination, zero, protocol 17, UDP
/// length = `udp.len()`) and `udp`, whose check field the caller has zeroed. A result of 0 is
/// sent as 0xFFFF (`CSUM_MANGLED_0`: 0 on the wire means "no checksum").
///
/// `udp` is at most 65535 bytes (the caller took it from a parsed IPv4 packet).
pub fn udp_ipv4_checksum(src: [u8; 4], dst: [u8; 4], udp: &[u8]) -> u16 {
    let pseudo =
        sum_words(&src) + sum_words(&dst) + u64::from(super::IPPROTO_UDP) + udp.len() as u64;
    match !fold(pseudo + sum_words(udp)) {
        0 => 0xFFFF,
        c => c,
    }
}

/// Sum of the big-endian 16-bit words of `data`, not folded.
fn sum_words(data: &[u8]) -> u64 {
    let mut sum = 0u64;
    let mut words = data.chunks_exact(2);
    for w in &mut words {
        sum += (u64::from(w[0]) << 8) | u64::from(w[1]);
    }
    if let [last] = words.remainder() {
        sum += u64::from(*last) << 8;
    }
    sum
}

/// Folds the carries back in until 16 bits remain.
fn fold(mut sum: u64) -> u16 {
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    sum as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(ones_sum(&data), 0xddf2);
        assert_eq!(internet_checksum(&data), 0x220d);
    }

    #[test]
    fn odd_length_and_carries() {
        assert_eq!(ones_sum(&[1, 2, 3]), 0x0402);
        assert_eq!(ones_sum(&[0xff, 0xff, 0x00, 0x01]), 0x0001);
        assert_eq!(ones_sum(&[0xff, 0xff, 0xff, 0xff]), 0xffff);
        assert_eq!(ones_sum(&[]), 0);
        // Enough all-ones words to carry past 32 bits of a naive accumulator.
        assert_eq!(ones_sum(&vec![0xff; 200_000]), 0xffff);
    }

    #[test]
    fn ipv4_header_example() {
        // 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7
        let hdr = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(internet_checksum(&hdr), 0xb861);
    }

    #[test]
    fn udp_by_hand() {
        // 10.0.0.1 -> 10.0.0.2, UDP 1234 -> 5678, length 10, payload "hi": pseudo-header
        // 0x141e, + 0x04d2 + 0x162e + 0x000a + 0x6869 = 0x9791, complement 0x686e.
        let udp = [0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0a, 0x00, 0x00, b'h', b'i'];
        assert_eq!(
            udp_ipv4_checksum([10, 0, 0, 1], [10, 0, 0, 2], &udp),
            0x686e
        );
        // Payload chosen so the sum is 0xFFFF: the checksum 0 goes out as 0xFFFF.
        let mut zero = udp;
        zero[8..].copy_from_slice(&(0xFFFFu16 - 0x2f28).to_be_bytes());
        assert_eq!(
            udp_ipv4_checksum([10, 0, 0, 1], [10, 0, 0, 2], &zero),
            0xFFFF
        );
    }
}
