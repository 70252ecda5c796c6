//! The RTL's register decode against the register map's one source, `regs/ufo_nic.rdl`, through
//! the table generated from it (`ufo_driver::regmap::REGISTERS`), driven through the engine's
//! AXI4-Lite port: every reset value reads back, RW fields take what is written (walking ones,
//! patterns, one byte strobe at a time), RO fields and unmapped offsets ignore writes, no write disturbs another
//! register, and W1C bits set by the engine clear only where a 1 is written. PULSE fields read
//! 0; RW_QUIESCED fields are RW here (the engine is quiesced); RW_CHECKED fields (TX_TAIL) take
//! only writes that keep their rule, which sim/tests/control.rs checks, so the pattern tests
//! leave them alone.

use ufo_driver::desc::{flags, TxDesc};
use ufo_driver::regmap::{self, Access, Register, REGISTERS};
use ufo_sim::bus::{resp, AxilOp};
use ufo_sim::{Tb, TbConfig, DATA_WIDTH, PORTS};

fn bench() -> Tb {
    let mut tb = Tb::new(TbConfig::default()).unwrap();
    tb.reset(8);
    tb
}

/// Reset value the RTL must show: the table's, except CONFIG.DATA_WIDTH, which follows the
/// width the model was built with (the table holds the RDL's default parameter, 64).
fn expected_reset(r: &Register) -> u32 {
    let mut v = r.reset();
    if r.offset == regmap::CONFIG {
        let f = r.field("DATA_WIDTH").expect("CONFIG.DATA_WIDTH");
        v = (v & !f.mask()) | ((DATA_WIDTH as u32) << f.lsb);
    }
    v
}

/// What `r` reads after `written` is written over `before` with byte strobes covering the bits
/// of `strobed` (the other bytes are not written).
fn after_strobed_write(r: &Register, before: u32, written: u32, strobed: u32) -> u32 {
    let written = written & strobed;
    r.fields.iter().fold(0, |v, f| {
        let m = f.mask();
        v | match f.access {
            Access::Rw | Access::RwQuiesced => ((before & !strobed) | written) & m,
            Access::Ro => before & m,
            Access::Rw1c => before & m & !written,
            Access::Pulse => 0,
            Access::RwChecked => unreachable!("{}: RW_CHECKED is not pattern-tested", r.name),
        }
    })
}

/// What `r` reads after `written` is written over `before` (all strobes).
fn after_write(r: &Register, before: u32, written: u32) -> u32 {
    after_strobed_write(r, before, written, u32::MAX)
}

fn assert_all_at_reset(tb: &mut Tb, after: &str) {
    for r in REGISTERS {
        assert_eq!(
            tb.reg_read(r.offset).unwrap(),
            expected_reset(r),
            "{} ({:#04x}) after {after}",
            r.name,
            r.offset
        );
    }
}

#[test]
fn reset_values_match_the_rdl() {
    let mut tb = bench();
    assert!(REGISTERS.len() >= 20, "register table looks truncated");
    assert_eq!(
        regmap::register("CONFIG")
            .and_then(|r| r.field("DATA_WIDTH"))
            .map(|f| f.reset),
        Some(64),
        "the RDL's default DATA_WIDTH"
    );
    assert_all_at_reset(&mut tb, "reset");
    tb.assert_clean();
}

#[test]
fn writes_follow_the_access_types_and_touch_no_other_register() {
    let mut tb = bench();
    let mut patterns = vec![u32::MAX, 0xA5A5_A5A5, 0x5A5A_5A5A, 0x1234_5678, 0];
    patterns.extend((0..32).map(|b| 1u32 << b));
    for r in REGISTERS.iter().filter(|r| r.mask(Access::RwChecked) == 0) {
        for &p in &patterns {
            let before = tb.reg_read(r.offset).unwrap();
            tb.reg_write(r.offset, p).unwrap();
            let got = tb.reg_read(r.offset).unwrap();
            assert_eq!(
                got,
                after_write(r, before, p),
                "{} ({:#04x}): wrote {p:#010x} over {before:#010x}, read {got:#010x}",
                r.name,
                r.offset
            );
        }
        tb.reg_write(r.offset, expected_reset(r)).unwrap();
        assert_all_at_reset(&mut tb, &format!("writes to {}", r.name));
    }
    assert!(
        REGISTERS.iter().any(|r| r.mask(Access::Rw) != 0)
            && REGISTERS.iter().any(|r| r.mask(Access::Ro) != 0),
        "both RW and RO registers were exercised"
    );
    tb.assert_clean();
}

/// A write with byte strobes, through the test bench's AXI4-Lite master.
fn write_strobed(tb: &mut Tb, addr: u32, data: u32, strb: u8) {
    tb.axil.push(AxilOp::Write { addr, data, strb });
    tb.run_until("a strobed register write", 1_000, |tb| !tb.axil.busy())
        .unwrap_or_else(|e| panic!("{e}"));
    let r = tb.axil.pop_result().expect("write response");
    assert_eq!(r.resp, resp::OKAY, "write {addr:#04x} strb {strb:#x}");
}

#[test]
fn byte_strobes_write_only_their_bytes() {
    let mut tb = bench();
    for r in REGISTERS
        .iter()
        .filter(|r| r.mask(Access::Rw) | r.mask(Access::RwQuiesced) != 0)
    {
        for lane in 0..4 {
            let bytes = 0xFFu32 << (8 * lane);
            for (over, data) in [(0, u32::MAX), (u32::MAX, 0)] {
                tb.reg_write(r.offset, over).unwrap();
                let before = tb.reg_read(r.offset).unwrap();
                write_strobed(&mut tb, r.offset, data, 1 << lane);
                assert_eq!(
                    tb.reg_read(r.offset).unwrap(),
                    after_strobed_write(r, before, data, bytes),
                    "{}: {data:#010x} written over {before:#010x} with strobe lane {lane} only",
                    r.name
                );
            }
        }
        tb.reg_write(r.offset, expected_reset(r)).unwrap();
    }
    assert_all_at_reset(&mut tb, "strobed writes");
    tb.assert_clean();
}

#[test]
fn unmapped_offsets_read_zero_and_ignore_writes() {
    let mut tb = bench();
    let addr_bits = PORTS
        .iter()
        .find(|p| p.0 == "s_axil_awaddr")
        .expect("AXI4-Lite address port")
        .1;
    let window = 1u32 << addr_bits;
    let unmapped: Vec<u32> = (0..window)
        .step_by(4)
        .filter(|o| REGISTERS.iter().all(|r| r.offset != *o))
        .collect();
    assert!(!unmapped.is_empty());
    for &o in &unmapped {
        tb.reg_write(o, u32::MAX).unwrap();
        assert_eq!(tb.reg_read(o).unwrap(), 0, "unmapped offset {o:#04x}");
    }
    assert_all_at_reset(&mut tb, "writes to every unmapped offset");
    tb.assert_clean();
}

/// Makes the engine write one error completion and raise FAULT: with READ_TIMEOUT at 1 cycle,
/// the descriptor read times out (DESC_TIMEOUT; the read's late beats are dropped as unsolicited).
fn provoke_error_completion(tb: &mut Tb) {
    let (ring, cpl) = (0x1_0000u64, 0x2_0000u64);
    let desc = TxDesc {
        buf_addr: 0x3_0000,
        buf_len: 64,
        flags: flags::EOP,
        ..TxDesc::default()
    };
    tb.mem.write(ring, &desc.encode());
    tb.reg_write(regmap::TX_RING_BASE_LO, ring as u32).unwrap();
    tb.reg_write(regmap::CPL_RING_BASE_LO, cpl as u32).unwrap();
    tb.reg_write(regmap::TX_RING_LOG2, 2).unwrap();
    tb.reg_write(regmap::IRQ_MASK, u32::MAX).unwrap();
    tb.reg_write(regmap::READ_TIMEOUT, 1).unwrap();
    tb.reg_write(regmap::TX_TAIL, 1).unwrap();
    tb.reg_write(regmap::CTRL, regmap::CTRL_ENABLE).unwrap();
    tb.run_until("the error completion's interrupt", 2_000, |tb| tb.irq())
        .unwrap_or_else(|e| panic!("{e}"));
    tb.steps(500); // the completion write and the late read beats
    assert_eq!(
        tb.reg_read(regmap::TX_HEAD).unwrap(),
        1,
        "descriptor consumed"
    );
}

#[test]
fn w1c_bits_set_by_the_engine_clear_only_where_one_is_written() {
    let mut tb = bench();
    provoke_error_completion(&mut tb);
    let w1c: Vec<&Register> = REGISTERS
        .iter()
        .filter(|r| r.mask(Access::Rw1c) != 0)
        .collect();
    assert!(!w1c.is_empty(), "the RDL has W1C fields");
    for r in &w1c {
        let set = tb.reg_read(r.offset).unwrap();
        for f in r.fields.iter().filter(|f| f.access == Access::Rw1c) {
            assert_ne!(
                set & f.mask(),
                0,
                "{}.{} is not set by an error completion with a timeout: extend this test to set it",
                r.name,
                f.name
            );
        }
        tb.reg_write(r.offset, 0).unwrap();
        assert_eq!(
            tb.reg_read(r.offset).unwrap(),
            set,
            "{}: writing 0 clears nothing",
            r.name
        );
        let mut now = set;
        for f in r.fields.iter().filter(|f| f.access == Access::Rw1c) {
            tb.reg_write(r.offset, f.mask()).unwrap();
            now = after_write(r, now, f.mask());
            assert_eq!(
                tb.reg_read(r.offset).unwrap(),
                now,
                "{}: W1C of {}",
                r.name,
                f.name
            );
        }
        assert_eq!(now & r.mask(Access::Rw1c), 0);
    }
    assert!(!tb.irq(), "irq follows IRQ_STATUS & IRQ_MASK");
    tb.assert_clean();
}
