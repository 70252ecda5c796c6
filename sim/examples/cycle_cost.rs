//! Measures the cost of one simulated clock cycle, in ns, for the docs.
//!
//! `cargo run --release -p ufo-sim --example cycle_cost [-- CYCLES]`
//!
//! Three cases: the bare model (clock toggles and two evals, no bus models), `Tb::step` with
//! the bus models active and always ready, and `Tb::step` with randomised back-pressure (every
//! ready signal drawn from the ChaCha generator each cycle). The DUT's own share grows with the
//! RTL; rerun when it changes.

use std::hint::black_box;
use std::time::Instant;

use ufo_sim::bus::{AxisSinkConfig, HostMemConfig};
use ufo_sim::{Model, ModelConfig, Tb, TbConfig, DATA_WIDTH};

fn main() {
    let cycles: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("CYCLES must be a number"))
        .unwrap_or(2_000_000);
    println!("DATA_WIDTH {DATA_WIDTH}, {cycles} cycles per case");

    // Bare model: what the C++ side costs through this binding.
    let mut m = Model::new(ModelConfig::default()).expect("model");
    m.zero_inputs();
    let t0 = Instant::now();
    for i in 0..cycles {
        m.set_clk(1);
        m.set_time(2 * i + 1);
        m.eval();
        m.set_clk(0);
        m.set_time(2 * i + 2);
        m.eval();
    }
    report("model only (2 evals)", t0, cycles);
    black_box(m.m_axis_tvalid());
    drop(m);

    let mut tb = Tb::new(TbConfig::default()).expect("bench");
    tb.reset(10);
    let t0 = Instant::now();
    tb.steps(cycles);
    report("Tb::step, bus models always ready", t0, cycles);
    tb.assert_clean();
    drop(tb);

    let mut tb = Tb::new(TbConfig {
        mem: HostMemConfig::slow(),
        axis: AxisSinkConfig {
            tready_prob: 0.5,
            ..AxisSinkConfig::default()
        },
        ..TbConfig::default()
    })
    .expect("bench");
    tb.reset(10);
    let t0 = Instant::now();
    tb.steps(cycles);
    report("Tb::step, random back-pressure", t0, cycles);
    tb.assert_clean();
}

fn report(what: &str, t0: Instant, cycles: u64) {
    let ns = t0.elapsed().as_nanos() as f64 / cycles as f64;
    println!("{what:40} {ns:8.1} ns/cycle");
}
