//! The C headers for driver writers (`include/`) against the Rust definitions: compiles
//! `tests/c/layout.c` as C11 and as C++17 (warnings are errors; the headers' static asserts
//! run), runs both, and compares every size, offset, flag, status code and register line they
//! print with the same lines built from `desc.rs` and the register table.
//!
//! Descriptor and completion offsets on the Rust side are found by encoding: each field set to
//! all ones in an otherwise zero record shows which bytes it occupies.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use ufo_driver::desc::{flags, Completion, Status, TxDesc, CPL_BYTES, CPL_FLAG_PHASE, DESC_BYTES};
use ufo_driver::regmap::{Access, REGISTERS};

/// Byte range (offset, size) that differs between `base` and `probe`.
fn span(base: &[u8], probe: &[u8]) -> (usize, usize) {
    let changed: Vec<usize> = (0..base.len()).filter(|&i| base[i] != probe[i]).collect();
    let first = *changed.first().expect("field changes no byte");
    let last = *changed.last().unwrap();
    assert_eq!(
        changed.len(),
        last - first + 1,
        "field bytes not contiguous"
    );
    (first, last - first + 1)
}

fn rust_lines() -> BTreeSet<String> {
    let mut out = BTreeSet::new();

    // Destructured so that a new field fails to compile until it is listed here.
    let TxDesc {
        buf_addr: _,
        buf_len: _,
        flags: _,
        ufo_size: _,
        vlan_tci: _,
        csum_start: _,
        csum_offset: _,
        ip6_frag_id: _,
        cookie: _,
    } = TxDesc::default();
    type SetDesc = fn(&mut TxDesc);
    let desc_fields: [(&str, SetDesc); 9] = [
        ("buf_addr", |d| d.buf_addr = u64::MAX),
        ("buf_len", |d| d.buf_len = u16::MAX),
        ("flags", |d| d.flags = u16::MAX),
        ("ufo_size", |d| d.ufo_size = u16::MAX),
        ("vlan_tci", |d| d.vlan_tci = u16::MAX),
        ("csum_start", |d| d.csum_start = u16::MAX),
        ("csum_offset", |d| d.csum_offset = u16::MAX),
        ("ip6_frag_id", |d| d.ip6_frag_id = u32::MAX),
        ("cookie", |d| d.cookie = u64::MAX),
    ];
    let base = TxDesc::default().encode();
    out.insert(format!("size desc {}", base.len()));
    out.insert(format!("const desc BYTES {DESC_BYTES}"));
    for (name, set) in desc_fields {
        let mut d = TxDesc::default();
        set(&mut d);
        let (off, size) = span(&base, &d.encode());
        out.insert(format!("field desc {name} {off} {size}"));
    }

    let zero = Completion {
        desc_index: 0,
        desc_count: 0,
        status: Status::Ok,
        flags: 0,
        frames: 0,
        wire_bytes: 0,
        reserved: 0,
    };
    type SetCpl = fn(&mut Completion);
    let cpl_fields: [(&str, SetCpl); 7] = [
        ("desc_index", |c| c.desc_index = u16::MAX),
        ("desc_count", |c| c.desc_count = u16::MAX),
        ("status", |c| c.status = Status::Unknown(u8::MAX)),
        ("flags", |c| c.flags = u8::MAX),
        ("frames", |c| c.frames = u16::MAX),
        ("wire_bytes", |c| c.wire_bytes = u32::MAX),
        ("reserved", |c| c.reserved = u32::MAX),
    ];
    let base = zero.encode();
    out.insert(format!("size cpl {}", base.len()));
    out.insert(format!("const cpl BYTES {CPL_BYTES}"));
    for (name, set) in cpl_fields {
        let mut c = zero;
        set(&mut c);
        let (off, size) = span(&base, &c.encode());
        out.insert(format!("field cpl {name} {off} {size}"));
    }

    let desc_flags = [
        ("SOP", flags::SOP),
        ("EOP", flags::EOP),
        ("UFO", flags::UFO),
        ("CSUM", flags::CSUM),
        ("VLAN_INS", flags::VLAN_INS),
        ("USO", flags::USO),
        ("RESERVED", flags::RESERVED),
    ];
    assert_eq!(
        desc_flags.iter().fold(0, |a, (_, f)| a | f),
        u16::MAX,
        "a descriptor flag is missing from this test"
    );
    for (name, bit) in desc_flags {
        out.insert(format!("flag desc {name} {bit}"));
    }
    out.insert(format!("flag cpl PHASE {CPL_FLAG_PHASE}"));

    for code in 0..=u8::MAX {
        let s = Status::from_code(code);
        if !matches!(s, Status::Unknown(_)) {
            out.insert(format!("status cpl {s} {code}"));
        }
    }

    for r in REGISTERS {
        out.insert(format!("reg {} {:#x} {:#x}", r.name, r.offset, r.offset));
        // the fields of a register array (NAME[i]) are listed once, as PeakRDL's NAMEX macros
        let field_reg = match r.name.split_once('[') {
            Some((base, _)) => format!("{base}X"),
            None => r.name.to_string(),
        };
        for f in r.fields {
            let access = match f.access {
                Access::Ro => "RO",
                Access::Rw => "RW",
                Access::Rw1c => "RW1C",
                Access::Pulse => "PULSE",
                Access::RwQuiesced => "RW_QUIESCED",
                Access::RwChecked => "RW_CHECKED",
            };
            out.insert(format!(
                "regfield {} {} {} {} {:#x} {:#x} {access}",
                field_reg,
                f.name,
                f.lsb,
                f.width,
                f.mask(),
                f.reset
            ));
        }
    }
    out
}

/// Compiles `tests/c/layout.c` with `compiler` and `args` into `dir`, runs it, returns its lines.
fn c_lines(compiler: &str, args: &[&str], exe: &Path) -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(compiler)
        .args(args)
        .args(["-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
        .arg(root.join("include"))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/layout.c"))
        .arg("-o")
        .arg(exe)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler} (a C/C++ compiler is needed): {e}"));
    assert!(
        out.status.success(),
        "{compiler} {args:?} failed on tests/c/layout.c:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(exe).output().expect("run the layout program");
    assert!(run.status.success(), "{} failed", exe.display());
    String::from_utf8(run.stdout)
        .expect("ASCII output")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ufo-c-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn compare(what: &str, c: &BTreeSet<String>, rust: &BTreeSet<String>) {
    let only_c: Vec<&String> = c.difference(rust).collect();
    let only_rust: Vec<&String> = rust.difference(c).collect();
    assert!(
        only_c.is_empty() && only_rust.is_empty(),
        "{what} headers and Rust definitions differ\n  only in C: {only_c:#?}\n  only in Rust: {only_rust:#?}"
    );
}

#[test]
fn c_headers_match_the_rust_definitions() {
    let dir = temp_dir();
    let rust = rust_lines();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".to_owned());
    let c = c_lines(&cc, &["-std=c11"], &dir.join("layout_c"));
    compare("C11", &c, &rust);
    let cpp = c_lines(&cxx, &["-x", "c++", "-std=c++17"], &dir.join("layout_cpp"));
    compare("C++17", &cpp, &rust);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_comparison_catches_a_wrong_offset() {
    // The check itself can fail: a C layout that differs in one field is reported.
    let rust = rust_lines();
    let mut c = rust.clone();
    assert!(c.remove("field desc cookie 24 8"));
    c.insert("field desc cookie 28 8".to_owned());
    let caught = std::panic::catch_unwind(|| compare("test", &c, &rust));
    assert!(caught.is_err());
}

/// The RTL's `ufo_pkg::ST_*` constants against [`Status`]: every code, every name.
#[test]
fn rtl_status_codes_match() {
    let pkg = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rtl/ufo_pkg.sv");
    let text = std::fs::read_to_string(&pkg).unwrap_or_else(|e| panic!("{}: {e}", pkg.display()));
    let mut rtl = BTreeSet::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("localparam logic [7:0] ST_") else {
            continue;
        };
        let Some((name, value)) = rest.split_once('=') else {
            continue;
        };
        // only the numbered codes (the transitional aliases name another constant)
        if let Some(code) = value.trim().strip_prefix("8'd") {
            let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
            let code: u8 = digits
                .parse()
                .unwrap_or_else(|e| panic!("ST_{}: {e}", name.trim()));
            rtl.insert((code, name.trim().to_string()));
        }
    }
    let rust: BTreeSet<(u8, String)> = Status::ALL
        .iter()
        .map(|s| (s.code(), s.name().to_string()))
        .collect();
    assert_eq!(rtl, rust, "ufo_pkg.sv ST_* and desc.rs Status differ");
}
