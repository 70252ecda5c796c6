//! Writes a short FST trace of reset and a few register accesses, for checking the waveform
//! by eye: `cargo run -p ufo-sim --example trace_demo -- out/demo.fst`, then `gtkwave` it.

use ufo_sim::{Tb, TbConfig};

fn main() -> Result<(), ufo_sim::TbError> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "out/trace_demo.fst".into());
    let mut tb = Tb::new(TbConfig {
        trace: Some(path.clone().into()),
        ..TbConfig::default()
    })?;
    tb.reset(4);
    let id = tb.reg_read(0x00)?;
    tb.reg_write(0x30, 0x3)?;
    let mask = tb.reg_read(0x30)?;
    tb.steps(4);
    println!(
        "ID {id:#010x}, IRQ_MASK {mask:#x}, {} cycles, trace {path}",
        tb.cycle()
    );
    Ok(())
}
