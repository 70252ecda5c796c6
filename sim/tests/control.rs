//! The engine's control rules end to end, through the RTL's AXI4-Lite port and the driver model
//! (docs/architecture.md, "Control" and "Bus faults"): TX_TAIL writes that leave the ring or
//! move the tail back are ignored and counted; ring registers take writes only while quiesced
//! and then reset the ring indices; a soft reset cuts a frame already on the wire with `tuser`
//! and the driver recovers and resends; a read that never completes ends in DESC_TIMEOUT and
//! FAULT, which the soft reset clears; ENABLE cleared inside a chain lets the chain finish and
//! starts nothing new.

use ufo_driver::desc::{flags, regs, Completion, Status, TxDesc};
use ufo_driver::driver::{Driver, DriverConfig};
use ufo_driver::skb::Skb;
use ufo_driver::skb_build::{from_frame, FragLayout};
use ufo_sim::bus::AxisSinkConfig;
use ufo_sim::{Tb, TbConfig};

use ufo_driver::desc::regs::event::{RING_CFG_BUSY, TAIL_BACK, TAIL_RANGE, UNSOLICITED_R};

const POLLS: u32 = 2_000;

fn bench(tready_prob: f64) -> Tb {
    let mut tb = Tb::new(TbConfig {
        axis: AxisSinkConfig {
            tready_prob,
            ..AxisSinkConfig::default()
        },
        ..TbConfig::default()
    })
    .unwrap();
    tb.reset(8);
    tb
}

fn driver(tb: &mut Tb, ring_log2: u8) -> Driver {
    let mut drv = Driver::new(DriverConfig {
        ring_log2,
        ..DriverConfig::default()
    });
    drv.init(tb).unwrap();
    drv
}

fn err_cnt(tb: &mut Tb, i: usize) -> u32 {
    tb.reg_read(regs::err_cnt(i)).unwrap()
}

/// A plain frame of `len` bytes (no offload), its bytes a function of `seed`.
fn frame(len: usize, seed: u8) -> (Vec<u8>, Skb) {
    let bytes: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect();
    let skb = from_frame(&bytes, len, FragLayout::Linear).unwrap();
    (bytes, skb)
}

/// Runs until the driver has seen `n` completions (more than `max_cycles` fails).
fn complete(tb: &mut Tb, drv: &mut Driver, n: usize, max_cycles: u64) -> Vec<Status> {
    let mut got = Vec::new();
    let start = tb.cycle();
    while got.len() < n {
        assert!(
            tb.cycle() - start < max_cycles,
            "{} of {n} completions",
            got.len()
        );
        tb.steps(50);
        for d in drv.poll(tb) {
            assert!(d.matches_posted(), "{d:?}");
            got.push(d.completion.status);
        }
    }
    assert!(drv.errors().is_empty(), "{:?}", drv.errors());
    got
}

#[test]
fn tail_writes_out_of_the_ring_or_backwards_are_ignored_and_counted() {
    let mut tb = bench(1.0);
    let mut drv = driver(&mut tb, 4); // 16 slots
    tb.reg_write(regs::CTRL, 0).unwrap(); // nothing is fetched meanwhile
    tb.reg_write(regs::IRQ_STATUS, u32::MAX).unwrap();
    tb.reg_write(regs::TX_TAIL, 5).unwrap();
    assert_eq!(tb.reg_read(regs::TX_TAIL).unwrap(), 5);
    tb.reg_write(regs::TX_TAIL, 16).unwrap();
    assert_eq!(
        tb.reg_read(regs::TX_TAIL).unwrap(),
        5,
        "16 is outside the ring"
    );
    assert_eq!(err_cnt(&mut tb, TAIL_RANGE), 1);
    tb.reg_write(regs::TX_TAIL, 4).unwrap();
    assert_eq!(
        tb.reg_read(regs::TX_TAIL).unwrap(),
        5,
        "4 would un-post slot 4"
    );
    assert_eq!(err_cnt(&mut tb, TAIL_BACK), 1);
    tb.reg_write(regs::TX_TAIL, 5).unwrap(); // the same value: no change, no event
    tb.reg_write(regs::TX_TAIL, 15).unwrap();
    assert_eq!(tb.reg_read(regs::TX_TAIL).unwrap(), 15);
    assert_eq!(
        err_cnt(&mut tb, TAIL_RANGE) + err_cnt(&mut tb, TAIL_BACK),
        2
    );
    assert_ne!(tb.reg_read(regs::IRQ_STATUS).unwrap() & regs::IRQ_ERR, 0);
    // the tail is back at the head after a ring reset (quiesced: ENABLE clear, nothing posted
    // was started)
    tb.reg_write(regs::TX_RING_LOG2, 4).unwrap();
    assert_eq!(tb.reg_read(regs::TX_TAIL).unwrap(), 0);
    drop(drv.take_errors());
    tb.assert_clean();
}

#[test]
fn ring_reset_restarts_both_rings_and_traffic_goes_on() {
    let mut tb = bench(1.0);
    let mut drv = driver(&mut tb, 3); // 8 slots: the rings wrap
    let mut sent = Vec::new();
    for k in 0..5u8 {
        let (bytes, skb) = frame(100 + usize::from(k) * 37, k);
        drv.xmit(&mut tb, &skb, u64::from(k)).unwrap();
        sent.push(bytes);
    }
    assert_eq!(complete(&mut tb, &mut drv, 5, 20_000), vec![Status::Ok; 5]);
    tb.steps(200); // the last record's write response: TX_HEAD and CPL_HEAD advance on it
                   // not quiesced: the ring registers refuse writes
    let base = tb.reg_read(regs::TX_RING_BASE_LO).unwrap();
    tb.reg_write(regs::TX_RING_BASE_LO, base + 0x1000).unwrap();
    assert_eq!(tb.reg_read(regs::TX_RING_BASE_LO).unwrap(), base);
    assert_eq!(err_cnt(&mut tb, RING_CFG_BUSY), 1);
    assert_eq!(tb.reg_read(regs::TX_HEAD).unwrap(), 5);
    assert_eq!(
        tb.reg_read(regs::CPL_HEAD).unwrap(),
        5 | regs::CPL_HEAD_PHASE
    );

    let r = drv.ring_reset(&mut tb, POLLS).unwrap();
    assert!(r.lost.is_empty() && r.done.is_empty(), "{r:?}");
    assert_eq!(tb.reg_read(regs::TX_HEAD).unwrap(), 0);
    assert_eq!(drv.cpl_head(&mut tb).unwrap(), (0, true));
    for k in 5..17u8 {
        let (bytes, skb) = frame(64 + usize::from(k) * 13, k);
        drv.xmit(&mut tb, &skb, u64::from(k)).unwrap();
        sent.push(bytes);
        complete(&mut tb, &mut drv, 1, 20_000);
    }
    let frames = tb.sink.take_frames();
    assert_eq!(frames.len(), sent.len());
    for (f, s) in frames.iter().zip(&sent) {
        assert!(!f.tuser);
        assert_eq!(&f.data, s);
    }
    // 12 completions after the reset: slot 4 of the second lap (PHASE 0)
    tb.steps(200);
    assert_eq!(drv.cpl_head(&mut tb).unwrap(), (4, false));
    tb.assert_clean();
}

#[test]
fn soft_reset_cuts_the_frame_on_the_wire_and_the_driver_resends() {
    let mut tb = bench(0.05); // a slow MAC: the frame is still going out when the reset comes
    let mut drv = driver(&mut tb, 6);
    let (big, skb) = frame(9000, 7);
    drv.xmit(&mut tb, &skb, 1).unwrap();
    tb.run_until("the frame's first beats", 50_000, |tb| {
        tb.sink.stats().beats >= 8
    })
    .unwrap();
    assert_eq!(
        tb.sink.stats().frames,
        0,
        "the frame has started, not ended"
    );
    let r = drv.soft_reset(&mut tb, POLLS).unwrap();
    assert_eq!(r.lost, vec![1], "{r:?}");
    tb.steps(200);
    let cut = tb.sink.take_frames();
    assert_eq!(cut.len(), 1, "the started frame ends at once");
    assert!(cut[0].tuser, "and is marked for the MAC to drop");
    assert!(cut[0].data.len() < big.len());
    let n = cut[0].data.len() - 1; // the terminating beat carries one byte
    assert_eq!(cut[0].data[..n], big[..n]);
    assert_eq!(tb.reg_read(regs::TX_HEAD).unwrap(), 0);
    assert_eq!(tb.reg_read(regs::STATUS).unwrap() & regs::STATUS_FAULT, 0);

    // the driver sends it again, and another
    drv.xmit(&mut tb, &skb, 2).unwrap();
    let (small, skb2) = frame(333, 9);
    drv.xmit(&mut tb, &skb2, 3).unwrap();
    assert_eq!(complete(&mut tb, &mut drv, 2, 400_000), vec![Status::Ok; 2]);
    let frames = tb.sink.take_frames();
    assert_eq!(frames.len(), 2);
    assert!(!frames[0].tuser && !frames[1].tuser);
    assert_eq!(frames[0].data, big);
    assert_eq!(frames[1].data, small);
    tb.assert_clean();
}

#[test]
fn a_read_that_never_completes_ends_in_desc_timeout_and_fault_until_soft_reset() {
    let mut tb = bench(1.0);
    let mut drv = driver(&mut tb, 4);
    // a bus slower than the timeout: every descriptor read times out
    tb.reg_write(regs::READ_TIMEOUT, 2).unwrap();
    let (_, skb) = frame(200, 1);
    drv.xmit(&mut tb, &skb, 1).unwrap();
    let got = complete(&mut tb, &mut drv, 1, 20_000);
    assert_eq!(got, vec![Status::from_code(19)], "DESC_TIMEOUT");
    let status = tb.reg_read(regs::STATUS).unwrap();
    assert_ne!(status & regs::STATUS_FAULT, 0, "STATUS {status:#x}");
    assert_ne!(tb.reg_read(regs::IRQ_STATUS).unwrap() & regs::IRQ_FAULT, 0);
    assert_eq!(err_cnt(&mut tb, 19), 1);
    tb.steps(500);
    assert!(
        err_cnt(&mut tb, UNSOLICITED_R) >= 1,
        "the late beats are dropped and counted"
    );

    // FAULT holds new reads: a second packet waits
    let (bytes, skb) = frame(300, 2);
    drv.xmit(&mut tb, &skb, 2).unwrap();
    tb.steps(2_000);
    assert!(drv.poll(&mut tb).is_empty());
    // soft reset, a sane timeout, resend
    tb.reg_write(regs::READ_TIMEOUT, regs::READ_TIMEOUT_RESET)
        .unwrap();
    let r = drv.soft_reset(&mut tb, POLLS).unwrap();
    assert_eq!(r.lost, vec![2]);
    assert_eq!(tb.reg_read(regs::STATUS).unwrap() & regs::STATUS_FAULT, 0);
    drv.xmit(&mut tb, &skb, 3).unwrap();
    assert_eq!(complete(&mut tb, &mut drv, 1, 20_000), vec![Status::Ok]);
    let frames = tb.sink.take_frames();
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].data, bytes);
    tb.assert_clean();
}

#[test]
fn enable_cleared_mid_chain_finishes_the_chain_and_starts_no_other() {
    let mut tb = bench(1.0);
    let (ring, cpl, buf) = (0x1_0000u64, 0x2_0000u64, 0x3_0000u64);
    let data: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
    tb.mem.write(buf, &data);
    let desc = |flags, off: u64, len: u16| TxDesc {
        buf_addr: buf + off,
        buf_len: len,
        flags,
        ..TxDesc::default()
    };
    // a two-descriptor chain, then a one-descriptor packet
    tb.mem.write(ring, &desc(flags::SOP, 0, 100).encode());
    tb.mem
        .write(ring + 32, &desc(flags::EOP, 100, 150).encode());
    tb.mem
        .write(ring + 64, &desc(flags::SOP | flags::EOP, 250, 50).encode());
    tb.reg_write(regs::TX_RING_BASE_LO, ring as u32).unwrap();
    tb.reg_write(regs::CPL_RING_BASE_LO, cpl as u32).unwrap();
    tb.reg_write(regs::TX_RING_LOG2, 3).unwrap();
    tb.reg_write(regs::CTRL, regs::CTRL_ENABLE).unwrap();
    tb.reg_write(regs::TX_TAIL, 1).unwrap(); // only the chain's first descriptor
    tb.steps(300);
    assert_ne!(
        tb.reg_read(regs::STATUS).unwrap() & regs::STATUS_BUSY,
        0,
        "the chain is open"
    );
    tb.reg_write(regs::CTRL, 0).unwrap();
    tb.reg_write(regs::TX_TAIL, 3).unwrap(); // the chain's end and the next packet
    tb.steps(1_000);
    // the chain completed; the next packet did not start; the engine is quiesced
    assert_eq!(tb.reg_read(regs::TX_HEAD).unwrap(), 2);
    let status = tb.reg_read(regs::STATUS).unwrap();
    assert_eq!(
        status & (regs::STATUS_IDLE | regs::STATUS_BUSY),
        regs::STATUS_IDLE
    );
    let c = Completion::decode(&tb.mem.read(cpl, 16).try_into().unwrap());
    assert_eq!((c.desc_index, c.desc_count, c.status), (0, 2, Status::Ok));
    let frames = tb.sink.take_frames();
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].data, data[..250]);
    // enabled again, the next packet goes
    tb.reg_write(regs::CTRL, regs::CTRL_ENABLE).unwrap();
    tb.steps(1_000);
    assert_eq!(tb.reg_read(regs::TX_HEAD).unwrap(), 3);
    assert_eq!(tb.sink.take_frames()[0].data, data[250..]);
    tb.assert_clean();
}
