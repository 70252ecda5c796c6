//! Tests of the Verilated model and the harness around it: build, port widths, reset and
//! clocking, tracing on and off, timeouts, and the register file's identity.

use std::path::PathBuf;

use ufo_sim::{Model, ModelConfig, Tb, TbConfig, TbError, DATA_BYTES, DATA_WIDTH, PORTS};

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir()
        .join(format!("ufo-sim-test-{}", std::process::id()))
        .join(name)
}

fn port(name: &str) -> (u32, bool) {
    let p = PORTS
        .iter()
        .find(|p| p.0 == name)
        .unwrap_or_else(|| panic!("no port {name}"));
    (p.1, p.2)
}

#[test]
fn port_widths_follow_data_width() {
    assert!(matches!(DATA_WIDTH, 64 | 128 | 256 | 512));
    assert_eq!(DATA_BYTES * 8, DATA_WIDTH);
    for n in ["m_axis_tdata", "m_axi_wdata"] {
        assert_eq!(port(n), (DATA_WIDTH as u32, false), "{n}");
    }
    assert_eq!(port("m_axi_rdata"), (DATA_WIDTH as u32, true));
    assert_eq!(port("m_axis_tkeep"), (DATA_BYTES as u32, false));
    assert_eq!(port("m_axi_wstrb"), (DATA_BYTES as u32, false));
    assert_eq!(port("m_axi_araddr"), (64, false));
    assert_eq!(port("s_axil_awaddr"), (9, true));
    assert_eq!(port("clk"), (1, true));
    assert_eq!(port("irq"), (1, false));
}

#[test]
fn wide_input_bytes_round_trip() {
    let mut m = Model::new(ModelConfig::default()).unwrap();
    let bytes: Vec<u8> = (0..DATA_BYTES as u8)
        .map(|i| i.wrapping_mul(37) ^ 0x5a)
        .collect();
    m.set_m_axi_rdata_bytes(&bytes);
    let mut back = vec![0u8; DATA_BYTES];
    m.m_axi_rdata_bytes(&mut back);
    assert_eq!(back, bytes);
    // Lane 0 is bits 7:0.
    let mut first = [0u8; 1];
    m.m_axi_rdata_bytes(&mut first);
    assert_eq!(first[0], bytes[0]);
    // Narrow inputs drop bits above their width.
    m.set_s_axil_awaddr_u64(0x3_23);
    assert_eq!(m.s_axil_awaddr(), 0x123);
    m.set_m_axi_rresp(0xff);
    assert_eq!(m.m_axi_rresp(), 0x3);
}

#[test]
fn reset_and_clock() {
    let mut tb = Tb::new(TbConfig::default()).unwrap();
    assert!(tb.in_reset());
    assert_eq!(tb.model.rst_n(), 0);
    tb.reset(8);
    assert!(!tb.in_reset());
    assert_eq!(tb.cycle(), 8);
    assert_eq!(tb.model.rst_n(), 1);
    assert_eq!(tb.model.clk(), 0, "a step ends with clk low");
    tb.steps(100);
    assert_eq!(tb.cycle(), 108);
    // 10 ns per cycle in the model's time unit.
    assert_eq!(tb.model.time(), 108 * 10 * tb.model.ticks_per_ns());
    // Idle after reset: nothing on the stream or the bus.
    assert_eq!(tb.model.m_axis_tvalid(), 0);
    assert_eq!(tb.model.m_axi_arvalid(), 0);
    assert_eq!(tb.model.m_axi_awvalid(), 0);
    assert!(!tb.irq());
    tb.assert_clean();
}

/// The `.fst` files in `dir`.
fn fst_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "fst"))
        .collect();
    v.sort();
    v
}

#[test]
fn trace_written_only_when_asked() {
    let dir = temp_path("traces");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let traced = |name: &str, cycles: u64| {
        let path = dir.join(name);
        {
            let mut tb = Tb::new(TbConfig {
                trace: Some(path.clone()),
                ..TbConfig::default()
            })
            .unwrap();
            assert!(tb.model.is_tracing());
            tb.reset(4);
            tb.steps(cycles);
        }
        let bytes = std::fs::read(&path).expect("trace file");
        assert_eq!(bytes[0], 0, "FST files start with a header block (type 0)");
        bytes.len()
    };
    let short = traced("short.fst", 50);
    let long = traced("long.fst", 5000);
    assert!(
        long > short,
        "the trace grows with the simulation: {short} bytes after 50 cycles, {long} after 5000"
    );

    // Without a trace path nothing is written: not where the bench runs, not beside the traces.
    let cwd = std::env::current_dir().unwrap();
    let before = fst_files(&cwd);
    {
        let mut tb = Tb::new(TbConfig::default()).unwrap();
        assert!(!tb.model.is_tracing());
        tb.reset(4);
        tb.steps(5000);
        tb.model.flush_trace();
    }
    assert_eq!(fst_files(&cwd), before);
    assert_eq!(
        fst_files(&dir),
        [dir.join("long.fst"), dir.join("short.fst")]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_until_times_out_naming_the_wait() {
    let mut tb = Tb::new(TbConfig::default()).unwrap();
    tb.reset(4);
    let err = tb
        .run_until("the moon", 50, |_| false)
        .expect_err("cannot happen");
    match &err {
        TbError::Timeout(t) => {
            assert_eq!(t.what, "the moon");
            assert_eq!(t.waited, 50);
            assert_eq!(t.cycle, 54);
        }
        other => panic!("expected a timeout, got {other}"),
    }
    assert!(err.to_string().contains("the moon"));
    assert_eq!(tb.run_until("now", 10, |_| true).unwrap(), 0);
    let c0 = tb.cycle();
    assert_eq!(
        tb.run_until("10 cycles", 20, |t| t.cycle() == c0 + 10)
            .unwrap(),
        10
    );
}

#[test]
fn same_seed_same_power_up_state() {
    // With randReset(2), registers power up from the seed (reset has not been clocked yet):
    // sample the register-driven outputs before reset.
    let snapshot = |seed| {
        let tb = Tb::new(TbConfig {
            seed,
            ..TbConfig::default()
        })
        .unwrap();
        let mut tdata = vec![0u8; DATA_BYTES];
        tb.model.m_axis_tdata_bytes(&mut tdata);
        let mut wdata = vec![0u8; DATA_BYTES];
        tb.model.m_axi_wdata_bytes(&mut wdata);
        (
            tdata,
            wdata,
            tb.model.m_axi_araddr_u64(),
            tb.model.m_axi_awaddr_u64(),
            tb.model.s_axil_rdata(),
        )
    };
    assert_eq!(snapshot(7), snapshot(7), "the same seed, the same state");
    // The seed really decides it: other seeds give other states.
    for other in [8, 9, 1 << 40] {
        assert_ne!(snapshot(7), snapshot(other), "seed 7 against {other}");
    }
}

#[test]
fn models_in_parallel_threads() {
    let handles: Vec<_> = (0..2)
        .map(|i| {
            std::thread::spawn(move || {
                let mut tb = Tb::new(TbConfig {
                    seed: 100 + i,
                    ..TbConfig::default()
                })
                .unwrap();
                tb.reset(4);
                tb.steps(1000);
                tb.assert_clean();
                tb.cycle()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 1004);
    }
}

/// Register file identity (docs/architecture.md, "Registers").
#[test]
fn id_and_config_registers() {
    let mut tb = Tb::new(TbConfig::default()).unwrap();
    tb.reset(8);
    assert_eq!(tb.reg_read(0x00).unwrap(), 0x5546_4F02, "ID");
    let config = tb.reg_read(0x04).unwrap();
    assert_eq!(config & 0xffff, DATA_WIDTH as u32, "CONFIG.DATA_WIDTH");
    assert_eq!((config >> 16) & 0xff, 32, "CONFIG.MAX_DESC");
    assert_eq!(config >> 24, 128 / 8, "CONFIG.HDR_BYTES/8");
    // RW register round trip, RO register ignores writes, unmapped reads 0.
    tb.reg_write(0x30, 0x3).unwrap();
    assert_eq!(tb.reg_read(0x30).unwrap(), 0x3, "IRQ_MASK");
    tb.reg_write(0x00, 0xdead_beef).unwrap();
    assert_eq!(tb.reg_read(0x00).unwrap(), 0x5546_4F02, "ID is read-only");
    assert_eq!(tb.reg_read(0xfc).unwrap(), 0, "unmapped");
    tb.assert_clean();
}

#[test]
fn host_trait_reaches_memory_and_registers() {
    use ufo_driver::driver::Host;
    let mut tb = Tb::new(TbConfig::default()).unwrap();
    tb.reset(4);
    Host::mem_write(&mut tb, 0x1_0000_0ffe, &[1, 2, 3, 4]);
    assert_eq!(Host::mem_read(&mut tb, 0x1_0000_0ffe, 4), vec![1, 2, 3, 4]);
    assert_eq!(Host::reg_read(&mut tb, 0x00), Ok(0x5546_4F02));
    tb.assert_clean();
}

#[test]
fn unwritable_trace_is_an_error_not_a_crash() {
    let err = Model::new(ModelConfig {
        seed: 1,
        trace: Some(std::env::temp_dir()),
    })
    .expect_err("a directory is not a trace file");
    assert!(err.to_string().contains("trace"), "{err}");
}

#[test]
fn finish_and_fatal_do_not_end_the_process() {
    let mut tb = Tb::new(TbConfig::default()).unwrap();
    tb.reset(2);
    // A second $finish: Verilator's own runtime would exit(0) here.
    tb.model.selftest_runtime_hooks(1);
    let st = tb.model.status();
    assert!(st.got_finish && !st.dead, "{st}");
    assert!(matches!(tb.check(), Err(TbError::Sim { .. })));
    // A fatal runtime error: Verilator's own runtime would abort() here.
    tb.model.selftest_runtime_hooks(2);
    assert!(tb.model.status().dead);
    assert!(tb
        .model
        .fatal_message()
        .unwrap()
        .contains("injected fatal error"));
    // A dead model is no longer evaluated, and waits end at once.
    tb.steps(3);
    match tb.run_until("anything", 100, |_| false) {
        Err(TbError::Sim { message, .. }) => assert!(message.unwrap().contains("injected")),
        other => panic!("expected a simulation error, got {other:?}"),
    }
}
