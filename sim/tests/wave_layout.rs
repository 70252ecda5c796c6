//! The committed GTKWave layout (`sim/wave/ufo_nic.gtkw`) names only signals that a trace of the
//! model really has: GTKWave drops a missing signal without a word, so a renamed register would
//! silently vanish from every engineer's view. The test writes a short FST trace, reads its
//! hierarchy block (Verilator's FST writer compresses it with LZ4) and checks every `TOP.` line
//! of the layout, range included, against it, and the parser state's legend against the RTL's
//! enum. The layout spells DATA_WIDTH 64 ranges, the width `cargo test` builds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ufo_sim::{Tb, TbConfig};

const LAYOUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/wave/ufo_nic.gtkw");
const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

// FST block types (fstapi.h) and hierarchy record tags.
const FST_BL_HIER_LZ4: u8 = 6;
const FST_BL_HIER_LZ4DUO: u8 = 7;
const FST_ST_GEN_ATTRBEGIN: u8 = 252;
const FST_ST_GEN_ATTREND: u8 = 253;
const FST_ST_VCD_SCOPE: u8 = 254;
const FST_ST_VCD_UPSCOPE: u8 = 255;
const FST_MT_ENUMTABLE: u8 = 7;

fn u64_be(b: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// The uncompressed hierarchy block of an FST file.
fn hierarchy(fst: &[u8]) -> Vec<u8> {
    let mut at = 0;
    while at + 9 <= fst.len() {
        let kind = fst[at];
        let len = u64_be(fst, at + 1) as usize; // counts its own 8 bytes
        let body = &fst[at + 9..at + 1 + len];
        match kind {
            FST_BL_HIER_LZ4 => {
                let size = u64_be(body, 0) as usize;
                return lz4_flex::block::decompress(&body[8..], size).expect("LZ4 hierarchy");
            }
            FST_BL_HIER_LZ4DUO => {
                let size = u64_be(body, 0) as usize;
                let once = u64_be(body, 8) as usize;
                let inner = lz4_flex::block::decompress(&body[16..], once).expect("LZ4 (outer)");
                return lz4_flex::block::decompress(&inner, size).expect("LZ4 (inner)");
            }
            _ => at += 1 + len,
        }
    }
    panic!("no LZ4 hierarchy block in the trace (a gzip one would need another reader)");
}

fn cstr(b: &[u8], at: &mut usize) -> String {
    let end = b[*at..].iter().position(|&c| c == 0).expect("NUL") + *at;
    let s = String::from_utf8_lossy(&b[*at..end]).into_owned();
    *at = end + 1;
    s
}

fn varint(b: &[u8], at: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let c = b[*at];
        *at += 1;
        v |= u64::from(c & 0x7F) << shift;
        if c & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
}

/// Every variable of the hierarchy as `scope.scope.name[msb:lsb]` (GTKWave's spelling).
/// and the names of the enumeration tables (attribute FST_MT_ENUMTABLE) among them.
fn signal_names(hier: &[u8]) -> BTreeSet<String> {
    let (mut names, mut scope, mut at) = (BTreeSet::new(), Vec::<String>::new(), 0);
    while at < hier.len() {
        let tag = hier[at];
        at += 1;
        match tag {
            FST_ST_VCD_SCOPE => {
                at += 1; // scope type
                scope.push(cstr(hier, &mut at));
                cstr(hier, &mut at); // component
            }
            FST_ST_VCD_UPSCOPE => {
                scope.pop();
            }
            FST_ST_GEN_ATTRBEGIN => {
                let subtype = hier[at + 1];
                at += 2; // attribute type and subtype
                let name = cstr(hier, &mut at);
                varint(hier, &mut at);
                if subtype == FST_MT_ENUMTABLE && !name.is_empty() {
                    // "type_name count literal... value...": keep the type's name
                    let ty = name.split(' ').next().unwrap_or_default();
                    names.insert(format!("enum {ty}"));
                }
            }
            FST_ST_GEN_ATTREND => {}
            _ => {
                at += 1; // direction
                let name = cstr(hier, &mut at).replace(' ', "");
                varint(hier, &mut at); // length
                varint(hier, &mut at); // alias
                names.insert(format!("{}.{name}", scope.join(".")));
            }
        }
    }
    names
}

fn trace_signals(path: &Path) -> BTreeSet<String> {
    {
        let mut tb = Tb::new(TbConfig {
            trace: Some(path.to_path_buf()),
            ..TbConfig::default()
        })
        .expect("traced bench");
        tb.reset(4);
        tb.steps(20);
    }
    let bytes = std::fs::read(path).expect("trace file");
    signal_names(&hierarchy(&bytes))
}

#[test]
fn every_signal_of_the_gtkwave_layout_is_in_a_trace() {
    assert_eq!(
        ufo_sim::DATA_WIDTH,
        64,
        "the layout spells DATA_WIDTH 64 ranges"
    );
    let dir: PathBuf = std::env::temp_dir().join(format!("ufo-wave-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let names = trace_signals(&dir.join("layout.fst"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        names.contains("TOP.ufo_nic_top.clk"),
        "the hierarchy reader found {} signals but not the clock",
        names.len()
    );

    let layout = std::fs::read_to_string(LAYOUT).expect("layout");
    let wanted: Vec<&str> = layout.lines().filter(|l| l.starts_with("TOP.")).collect();
    assert!(
        wanted.len() > 40,
        "the layout names {} signals",
        wanted.len()
    );
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| !names.contains(*w))
        .collect();
    assert!(
        missing.is_empty(),
        "{} signals of {LAYOUT} are not in the trace: {missing:?}",
        missing.len()
    );

    // the parser state's legend spells the RTL's enum in order
    let rtl = std::fs::read_to_string(Path::new(REPO).join("rtl/ufo_hdr_parse.sv")).unwrap();
    let body = rtl.split("typedef enum").nth(1).expect("state enum");
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    let states: Vec<String> = body
        .split(',')
        .map(|n| n.trim().trim_start_matches("S_").to_string())
        .collect();
    let legend: String = states
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{i} {n}"))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        layout.contains(&format!(
            "-Parser (names from the enum table; legend) {legend}\n"
        )),
        "the layout's parser state legend must read: {legend}"
    );
    // ... and the waveform shows the names: Verilator writes the enum's table into the FST, and
    // the layout displays the state with GTKWave's enum flag (bit 32) in binary, the table's radix
    assert!(
        names.contains("enum ufo_hdr_parse.state_e"),
        "no enum table for the parser state in the trace"
    );
    assert!(
        layout.contains("@100000028\nTOP.ufo_nic_top.u_parse.state_q[3:0]\n"),
        "the parser state must be shown through its enum table (flags @100000028)"
    );
}

#[test]
fn a_renamed_signal_would_be_caught() {
    let dir: PathBuf = std::env::temp_dir().join(format!("ufo-wave-neg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let names = trace_signals(&dir.join("neg.fst"));
    let _ = std::fs::remove_dir_all(&dir);
    // the old sequencer's state, and a range that is wrong by a bit
    assert!(!names.contains("TOP.ufo_nic_top.u_ctrl.state_q[2:0]"));
    assert!(!names.contains("TOP.ufo_nic_top.u_parse.state_q[2:0]"));
    assert!(names.contains("TOP.ufo_nic_top.u_parse.state_q[3:0]"));
}
