//! Random test datagrams, biased toward the sizes where fragmentation goes wrong: exact
//! multiples of the fragment size, last fragments of 1..7 bytes, a datagram that just fits or
//! just does not fit the MTU, tiny and empty payloads, and the largest IPv4 datagram.
//!
//! Callers seed a [`rand_chacha::ChaCha8Rng`] themselves, so one printed seed reproduces a run.

use crate::packet::{
    DatagramSpec, UdpCsum, IPV4_MAX_TOTAL_LEN, IPV4_MIN_HEADER_LEN, UDP_HEADER_LEN,
};
use rand::Rng;

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
}
