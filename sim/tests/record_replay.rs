//! The input recording of the binding and its bare replay (the simulator-speed baseline of
//! `ufo-sim bench`): a replay of a real run reproduces its outputs, and a replay that cannot be
//! faithful is refused with an error, not run.

use ufo_driver::desc::regs;
use ufo_sim::{Model, ModelConfig, Tb, TbConfig};

/// A short run: reset, register accesses (`value` written to a ring base and read back).
fn recorded_run(seed: u64, value: u32) -> (ufo_sim::Recording, u64) {
    let mut tb = Tb::new(TbConfig {
        seed,
        record_inputs: true,
        ..TbConfig::default()
    })
    .unwrap();
    tb.reset(8);
    assert_eq!(tb.reg_read(regs::ID).unwrap(), regs::ID_VALUE);
    tb.reg_write(regs::TX_RING_BASE_LO, value).unwrap();
    assert_eq!(tb.reg_read(regs::TX_RING_BASE_LO).unwrap(), value);
    tb.steps(200);
    tb.assert_clean();
    (tb.model.recording(), tb.half_period())
}

fn fresh(seed: u64) -> Model {
    Model::new(ModelConfig { seed, trace: None }).unwrap()
}

#[test]
fn replay_reproduces_the_recorded_outputs() {
    let (rec, step) = recorded_run(5, 0x1000);
    assert!(rec.evals > 400, "two evaluations per cycle: {}", rec.evals);
    let digest = fresh(5).replay(&rec, step, true).expect("replay");
    assert_eq!(digest, Some(rec.digest));
    // Without the check the replay runs the same loop and reports no digest.
    assert_eq!(fresh(5).replay(&rec, step, false).expect("replay"), None);
}

#[test]
fn the_digest_sees_the_outputs() {
    // The same run but another value read back on the register bus: another digest, so a replay
    // that went wrong would not match.
    let (a, step) = recorded_run(5, 0x1000);
    let (b, _) = recorded_run(5, 0x2000);
    assert_ne!(a.digest, b.digest);
    assert_eq!(
        fresh(5).replay(&b, step, true).expect("replay"),
        Some(b.digest)
    );
}

#[test]
fn replay_refuses_a_used_model_and_recording_starts_only_fresh() {
    let (rec, step) = recorded_run(5, 0x1000);
    let mut used = fresh(5);
    used.eval();
    assert!(used.replay(&rec, step, true).is_err());
    assert!(used.start_recording().is_err());
    // An empty recording replays nothing.
    let empty = fresh(5).recording();
    assert_eq!(empty.evals, 0);
    assert_eq!(fresh(5).replay(&empty, step, false).expect("empty"), None);
}
