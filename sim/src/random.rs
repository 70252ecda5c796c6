//! Random cases from a seeded ChaCha generator. Case `k` of master seed `S` depends on nothing
//! else, so `--seed S --pick k` replays one datagram of a long run on its own.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ufo_driver::gen::{random_datagram, GenConfig};
use ufo_driver::golden;
use ufo_driver::packet::UdpCsum;

use crate::case::{build_skb, Case, Expect, Layout};

/// SplitMix64 step: independent per-case seeds from one master seed.
pub fn mix_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed ^ index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Random IPv4 UFO case number `index` of `seed`, at one of `mtus`.
pub fn random_case(seed: u64, index: u64, mtus: &[u32]) -> Result<Case, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(mix_seed(seed, index));
    let mtu = mtus[rng.gen_range(0..mtus.len())];
    let udp_csum = if rng.gen_bool(0.1) {
        UdpCsum::None
    } else {
        UdpCsum::Full
    };
    let ip_options = rng.gen_bool(0.3);
    let cfg = GenConfig {
        mtu,
        udp_csum,
        ip_options,
        ..GenConfig::default()
    };
    let spec = random_datagram(&mut rng, &cfg);
    let layout = if rng.gen_bool(0.4) {
        Layout::Pages
    } else {
        Layout::Random(rng.gen())
    };
    let origin = format!("seed {seed} index {index} mtu {mtu}");
    let skb = build_skb(&spec, mtu, true, &layout, 0).map_err(|e| format!("{origin}: {e}"))?;
    let frames = golden::wire_frames(&spec.frame(), mtu, udp_csum)
        .map_err(|e| format!("{origin}: golden model: {e}"))?;
    Ok(Case {
        name: format!("random-{index}"),
        origin,
        skb,
        fault: crate::case::Fault::None,
        expect: Expect::Frames(frames),
    })
}
