//! Random cases from a seeded ChaCha generator. Case `k` of master seed `S` depends on nothing
//! else, so `--seed S --pick k` replays one datagram of a long run on its own.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ufo_driver::gen::{random_packet, MixConfig, MixWeights};

use thiserror::Error;
use ufo_driver::packet::{PacketSpec, SpecError, TxPacket};

use crate::case::{Case, CaseError, Fault, Layout, UnbuiltCase};

/// Share of random cases (`random_case`) that carry a fault: the mix of malformed chains and
/// headers the engine must refuse with their own status, between the good packets.
pub const FAULT_PROBABILITY: f64 = 0.08;

/// SplitMix64 step: independent per-case seeds from one master seed.
pub fn mix_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed ^ index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Random case number `index` of `seed`: a packet of the whole mix (IPv4 and IPv6 UFO with
/// options, extension headers and VLAN tags, plain checksum offload, pass-through), UFO
/// datagrams at one of `mtus`; one in [`FAULT_PROBABILITY`] carries a fault that fits it
/// ([`random_fault`]), named in the case's origin.
pub fn random_case(seed: u64, index: u64, mtus: &[u32]) -> Result<Case, UnbuiltCase> {
    random_case_with(seed, index, mtus, FAULT_PROBABILITY)
}

/// [`random_case`] without faults: the same packet, always correct.
pub fn random_valid_case(seed: u64, index: u64, mtus: &[u32]) -> Result<Case, UnbuiltCase> {
    random_case_with(seed, index, mtus, 0.0)
}

fn random_case_with(
    seed: u64,
    index: u64,
    mtus: &[u32],
    fault_probability: f64,
) -> Result<Case, UnbuiltCase> {
    let mut rng = ChaCha8Rng::seed_from_u64(mix_seed(seed, index));
    let cfg = MixConfig {
        mtus: mtus.to_vec(),
        // UFO, plain, checksum-offload, pass-through and USO super-frames.
        weights: MixWeights::with_uso(),
        ..MixConfig::default()
    };
    let tx = random_packet(&mut rng, &cfg);
    let layout = if rng.gen_bool(0.4) {
        Layout::Pages
    } else {
        Layout::Random(rng.gen())
    };
    // The fault is drawn from its own generator: the packet is the same with or without it.
    let mut fault_rng = ChaCha8Rng::seed_from_u64(mix_seed(seed ^ FAULT_SALT, index));
    let fault = if fault_rng.gen_bool(fault_probability) {
        random_fault(&mut fault_rng, &tx)
    } else {
        Fault::None
    };
    let name = format!("random-{index}");
    let origin = format!("seed {seed} index {index}");
    let build = |fault: Fault| {
        let origin = match fault {
            Fault::None => origin.clone(),
            ref f => format!("{origin}, fault {f:?}"),
        };
        Case::with_fault(name.clone(), origin, &tx, &layout, 0, fault)
    };
    // A fault the packet's bytes cannot take (its headers not all in the head, no IPv4
    // option to break) leaves it a good packet.
    let case = match build(fault) {
        Err(CaseError::HeaderOutsideHead { .. } | CaseError::FaultNotApplicable { .. }) => {
            build(Fault::None)
        }
        other => other,
    };
    case.map_err(|source| UnbuiltCase {
        name,
        origin,
        source,
    })
}

/// Salt of the fault generator's seeds.
const FAULT_SALT: u64 = 0xFA17_FA17_FA17_FA17;

/// A fault `tx` can carry: chain faults for every packet; header faults for UFO datagrams
/// (IPv4 or IPv6 header rewrites by version; a rewrite the packet cannot take leaves it good);
/// checksum-position faults for plain checksum offload.
pub fn random_fault(rng: &mut impl Rng, tx: &TxPacket) -> Fault {
    let ufo = tx.ufo_mtu.is_some();
    let mut kinds = vec![
        Fault::NoSop,
        Fault::SopInside,
        Fault::NoEop,
        Fault::ReservedFlag {
            bit: rng.gen_range(6..=15),
            last: rng.gen(),
        },
        Fault::UfoUso,
        Fault::DescDma,
        Fault::DmaErr,
        Fault::TooLong,
        Fault::ZeroLen,
    ];
    if ufo {
        kinds.extend([Fault::UfoSize(rng.gen_range(1..8)), Fault::UfoSizeOver]);
        // the cut is placed from the checksum start (the UDP header)
        if tx.csum_request().is_some() {
            kinds.push(Fault::HdrSplit);
        }
        if matches!(tx.spec, PacketSpec::Udp4(_)) {
            kinds.extend([
                Fault::NotUdp,
                Fault::BadIhl,
                Fault::BadIpVersion,
                Fault::BadTotLen,
                Fault::BadUdpLen,
                Fault::NotIpv4,
                Fault::BadIpOption,
            ]);
        } else {
            kinds.extend([Fault::Ipv6NotUdp, Fault::Ipv6Ah, Fault::Ipv6BadPayloadLen]);
        }
    } else if tx.csum_request().is_some() {
        kinds.extend([Fault::CsumPos, Fault::VlanInsCsum]);
    }
    kinds.swap_remove(rng.gen_range(0..kinds.len()))
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
