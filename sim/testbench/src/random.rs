//! Random cases from a seeded ChaCha generator. Case `k` of master seed `S` depends on nothing
//! else, so `--seed S --pick k` replays one datagram of a long run on its own.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ufo_driver::gen::{random_packet, MixConfig, MixWeights};

use thiserror::Error;
use ufo_driver::packet::SpecError;

use crate::case::{Case, Layout, UnbuiltCase};

/// SplitMix64 step: independent per-case seeds from one master seed.
pub fn mix_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed ^ index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Random case number `index` of `seed`: a packet of the whole mix (IPv4 and IPv6 UFO with
/// options, extension headers and VLAN tags, plain checksum offload, pass-through), UFO
/// datagrams at one of `mtus`.
pub fn random_case(seed: u64, index: u64, mtus: &[u32]) -> Result<Case, UnbuiltCase> {
    let mut rng = ChaCha8Rng::seed_from_u64(mix_seed(seed, index));
    let cfg = MixConfig {
        mtus: mtus.to_vec(),
        // USO super-frames join the regression's mix (MixWeights::with_uso) once the RTL
        // segments (issue 9); the golden model's side is tested with them already
        // (sim/testbench/tests/golden_uso.rs).
        weights: MixWeights::default(),
        ..MixConfig::default()
    };
    let tx = random_packet(&mut rng, &cfg);
    let layout = if rng.gen_bool(0.4) {
        Layout::Pages
    } else {
        Layout::Random(rng.gen())
    };
    let name = format!("random-{index}");
    let origin = format!("seed {seed} index {index}");
    Case::from_tx(name.clone(), origin.clone(), &tx, &layout, 0).map_err(|source| UnbuiltCase {
        name,
        origin,
        source,
    })
}

/// A capture frame the generator could not emit (a generator bug).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("seed {seed} frame {index}: {source}")]
pub struct CaptureError {
    /// The master seed.
    pub seed: u64,
    /// The frame's index.
    pub index: u64,
    /// Why it cannot be emitted.
    pub source: SpecError,
}

/// `count` unfragmented frames of the whole mix as a capture on the sending host shows them:
/// the bytes of each packet's skb (UFO datagrams whole, checksum seeds in place; a tag the
/// device would insert is not there, as the host never saw it). Generated one at a time.
pub fn capture_frames(
    seed: u64,
    count: u64,
) -> impl Iterator<Item = Result<Vec<u8>, CaptureError>> {
    let cfg = MixConfig {
        vlan_insert_probability: 0.0,
        ..MixConfig::default()
    };
    (0..count).map(move |k| {
        let mut rng = ChaCha8Rng::seed_from_u64(mix_seed(seed, k));
        random_packet(&mut rng, &cfg)
            .skb_frame()
            .map_err(|source| CaptureError {
                seed,
                index: k,
                source,
            })
    })
}
