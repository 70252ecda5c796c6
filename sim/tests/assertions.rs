//! The protocol checkers bound to the top (rtl/sim) fail a run with the rule and the cycle:
//! an R beat nobody asked for, driven straight onto the model's port, is reported as
//! `[axi4.r_solicited] ... at cycle N` by `Tb::check`; with the host-side rules turned off for
//! a bench that injects such faults on purpose, the same beat passes. (Every rule's own
//! violation test is `rtl/sim/selftest.sh`.)

use ufo_sim::{Tb, TbConfig, TbError};

/// Resets, then drives one R beat on ID 3 with no read outstanding over the bus model's idle R
/// channel for one rising edge.
fn unsolicited_r_beat(host_checks: bool) -> (Tb, u64) {
    let mut tb = Tb::new(TbConfig {
        seed: 5,
        ..TbConfig::default()
    })
    .expect("model");
    if host_checks {
        tb.check_host_side().expect("plusarg");
    }
    tb.reset(8);
    tb.steps(4);
    assert!(
        tb.check().is_ok(),
        "clean before the beat: {:?}",
        tb.check()
    );
    assert_eq!(
        tb.model.m_axi_rready(),
        1,
        "the engine takes R beats when idle"
    );
    tb.model.set_m_axi_rid(3);
    tb.model.set_m_axi_rlast(1);
    tb.model.set_m_axi_rvalid(1);
    tb.step(); // the rising edge sees the beat; the bus models drive R idle again after it
    let edge = tb.cycle();
    tb.steps(2);
    (tb, edge)
}

#[test]
fn unsolicited_read_beat_fails_the_run_naming_rule_and_cycle() {
    let (tb, edge) = unsolicited_r_beat(true);
    let err = tb.check().expect_err("the checker must fire");
    let text = err.to_string();
    assert!(matches!(err, TbError::Sim { .. }), "{text}");
    assert!(
        text.contains(&format!(
            "[axi4.r_solicited] R beat on ID 3 with no read outstanding at cycle {edge}"
        )),
        "the failure names the rule and the cycle: {text}"
    );
    assert!(
        text.contains("u_check_axi4"),
        "and the checker instance: {text}"
    );
}

#[test]
fn host_side_rules_off_by_default_for_benches_that_inject_faults() {
    let (tb, _) = unsolicited_r_beat(false);
    assert!(tb.check().is_ok(), "{:?}", tb.check());
}
