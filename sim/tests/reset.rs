//! Reset while datagrams are in flight, and the ring reset sequence: the runner injects the
//! reset at a chosen moment, recovers as a driver does (completions already written count, the
//! rings are re-initialised, every packet that did not complete is resent), and every packet is
//! then checked byte for byte as usual.

use ufo_driver::desc::regs;
use ufo_sim::case::Case;
use ufo_sim::random;
use ufo_sim::runner::{
    ResetKind, ResetWhen, RunConfig, RunReport, Runner, ScheduledReset, Traffic,
};

fn runner(seed: u64) -> Runner {
    Runner::new(RunConfig {
        seed,
        trace: None,
        traffic: Traffic::default(),
        max_in_flight: 8,
    })
    .expect("bench starts")
}

fn randoms(seed: u64, n: u64) -> Vec<Case> {
    (0..n)
        .map(|k| random::random_case(seed, k, &[1500, 9000, 576]).unwrap())
        .collect()
}

fn assert_all_passed(report: &RunReport) {
    let failed: Vec<String> = report
        .outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().err().map(|e| e.to_string()))
        .collect();
    assert!(
        failed.is_empty() && report.global_errors.is_empty(),
        "{failed:#?}\n{:#?}",
        report.global_errors
    );
}

fn reset_at(after_cycle: u64, when: ResetWhen, kind: ResetKind) -> ScheduledReset {
    ScheduledReset {
        after_cycle,
        when,
        kind,
    }
}

#[test]
fn rst_n_mid_datagram_with_reads_and_writes_outstanding_then_the_driver_resends() {
    let seed = 31;
    let mut r = runner(seed);
    for at in [3_000, 40_000, 120_000] {
        r.schedule_reset(reset_at(
            at,
            ResetWhen::ReadsAndWritesOutstanding,
            ResetKind::RstN,
        ));
    }
    r.schedule_reset(reset_at(200_000, ResetWhen::MidFrame, ResetKind::RstN));
    let report = r.run(&randoms(seed, 120), |_| {});
    println!("{:#?}", r.resets());
    assert_all_passed(&report);
    let log = r.resets();
    assert_eq!(log.len(), 4, "every reset fired: {log:#?}");
    for rec in &log[..3] {
        assert!(
            rec.reads_outstanding > 0 && rec.writes_outstanding > 0,
            "{rec:?}"
        );
        assert!(rec.resent > 0, "packets were in flight: {rec:?}");
    }
    assert!(log[3].mid_frame);
    // The engine came back clean: idle, counters consistent with the completions since the
    // last reset (checked at the end of the run), no protocol violation.
    assert!(r.tb.mem.idle());
    r.tb.assert_clean();
}

#[test]
fn soft_reset_mid_frame_cuts_the_frame_with_tuser_and_the_driver_resends() {
    assert!(
        regs::register("CTRL")
            .and_then(|c| c.field("SOFT_RESET"))
            .is_some(),
        "this RTL has no CTRL.SOFT_RESET"
    );
    let seed = 32;
    let mut r = runner(seed);
    r.schedule_reset(reset_at(5_000, ResetWhen::MidFrame, ResetKind::Soft));
    // the MAC holding the beat being cut: the abort waits for tready with the beat held
    r.schedule_reset(reset_at(
        50_000,
        ResetWhen::MidFrameStalled,
        ResetKind::Soft,
    ));
    r.schedule_reset(reset_at(
        90_000,
        ResetWhen::ReadsAndWritesOutstanding,
        ResetKind::Soft,
    ));
    let report = r.run(&randoms(seed, 100), |_| {});
    assert_all_passed(&report);
    let log = r.resets();
    assert_eq!(log.len(), 3, "{log:#?}");
    assert!(log[0].mid_frame && log[1].mid_frame);
    // The cut frames ended with TUSER and were dropped, never matched as good frames.
    assert!(
        report.summary.cut_frames >= 2,
        "{}",
        report.summary.cut_frames
    );
    assert!(r.tb.sink.stats().tuser_frames >= 2);
    r.tb.assert_clean();
}

#[test]
fn ring_reset_after_quiesce_drops_nothing_completed_and_the_driver_resends_the_rest() {
    assert!(
        regs::register("CPL_HEAD").is_some(),
        "this RTL has no ring reset (no CPL_HEAD register)"
    );
    let seed = 33;
    let mut r = runner(seed);
    for at in [4_000, 30_000, 80_000] {
        r.schedule_reset(reset_at(
            at,
            ResetWhen::ReadsAndWritesOutstanding,
            ResetKind::Ring,
        ));
    }
    let report = r.run(&randoms(seed, 100), |_| {});
    assert_all_passed(&report);
    let log = r.resets();
    assert_eq!(log.len(), 3, "{log:#?}");
    // Quiesce finishes the packet in flight: nothing is cut, no frame is orphaned.
    assert!(log.iter().all(|rec| rec.orphan_frames == 0), "{log:#?}");
    assert_eq!(report.summary.cut_frames, 0);
    r.tb.assert_clean();
}
