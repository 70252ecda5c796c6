//! Safe wrapper around the Verilated `ufo_nic_top` model and its C++ shim (`csrc/shim.cpp`).

use std::ffi::{c_char, c_int, CString};
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::Arc;

use thiserror::Error;

use crate::ports::RawPorts;

mod ffi {
    use super::RawPorts;
    use std::ffi::{c_char, c_int};

    /// Opaque `UfoSim` of the shim.
    #[repr(C)]
    pub struct UfoSim {
        _private: [u8; 0],
    }

    pub const GOT_ERROR: c_int = 1;
    pub const GOT_FINISH: c_int = 2;
    pub const DEAD: c_int = 4;

    extern "C" {
        pub fn ufo_sim_new(
            seed: u64,
            trace_path: *const c_char,
            err: *mut c_char,
            err_len: usize,
        ) -> *mut UfoSim;
        pub fn ufo_sim_ports(s: *mut UfoSim, out: *mut RawPorts);
        pub fn ufo_sim_eval(s: *mut UfoSim) -> c_int;
        pub fn ufo_sim_status(s: *const UfoSim) -> c_int;
        pub fn ufo_sim_set_time(s: *mut UfoSim, t: u64);
        pub fn ufo_sim_timeprecision(s: *const UfoSim) -> c_int;
        pub fn ufo_sim_dump(s: *mut UfoSim);
        pub fn ufo_sim_flush(s: *mut UfoSim);
        pub fn ufo_sim_last_error(s: *const UfoSim, buf: *mut c_char, len: usize) -> usize;
        pub fn ufo_sim_messages(s: *const UfoSim, buf: *mut c_char, len: usize) -> usize;
        pub fn ufo_sim_plusarg(s: *mut UfoSim, arg: *const c_char);
        pub fn ufo_sim_free(s: *mut UfoSim);
        pub fn ufo_sim_selftest(s: *mut UfoSim, what: c_int) -> c_int;
        pub fn ufo_sim_record_start(s: *mut UfoSim) -> c_int;
        pub fn ufo_sim_record_data(
            s: *const UfoSim,
            len: *mut usize,
            evals: *mut u64,
            digest: *mut u64,
        ) -> *const u32;
        pub fn ufo_sim_replay(
            s: *mut UfoSim,
            data: *const u32,
            len: usize,
            evals: u64,
            time_step: u64,
            check: c_int,
            digest: *mut u64,
        ) -> i64;
    }
}

/// How to build a [`Model`].
#[derive(Clone, Debug, Default)]
pub struct ModelConfig {
    /// Seed of Verilator's random initialisation of registers (`randReset(2)`): the same seed
    /// gives the same power-up state. 0 is mapped to a fixed non-zero seed (Verilator would
    /// otherwise pick one at random).
    pub seed: u64,
    /// Write an FST waveform to this file. `None`: no tracing, and no tracing cost.
    pub trace: Option<PathBuf>,
}

/// What the simulation runtime reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SimStatus {
    /// An assertion failed, `$stop`/`$error` ran, or a fatal error happened.
    pub got_error: bool,
    /// `$finish` ran (or a fatal error happened).
    pub got_finish: bool,
    /// A fatal runtime error (e.g. no convergence) happened: the model is no longer evaluated.
    pub dead: bool,
}

impl SimStatus {
    fn from_bits(b: c_int) -> Self {
        Self {
            got_error: b & ffi::GOT_ERROR != 0,
            got_finish: b & ffi::GOT_FINISH != 0,
            dead: b & ffi::DEAD != 0,
        }
    }

    /// `true` if anything was reported.
    pub fn any(&self) -> bool {
        self.got_error || self.got_finish || self.dead
    }
}

impl fmt::Display for SimStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if self.got_error {
            parts.push("error (assertion/$stop/$error)");
        }
        if self.got_finish {
            parts.push("$finish");
        }
        if self.dead {
            parts.push("fatal (model dead)");
        }
        if parts.is_empty() {
            parts.push("ok");
        }
        f.write_str(&parts.join(", "))
    }
}

/// Creating the model failed.
#[derive(Clone, Debug, Error)]
pub enum ModelError {
    /// The trace file (or its directory) cannot be created.
    #[error("cannot create the trace file {}: {source}", path.display())]
    Trace {
        /// The file asked for.
        path: PathBuf,
        /// Why not.
        source: Arc<std::io::Error>,
    },
    /// The trace path cannot be passed to the C++ runtime.
    #[error("trace path {} contains a NUL byte", .0.display())]
    TracePathNul(PathBuf),
    /// The Verilator runtime refused to build the model.
    #[error("cannot create the Verilator model: {0}")]
    Runtime(String),
    /// [`Model::start_recording`] on a model already evaluated.
    #[error("recording must start before the first evaluation")]
    RecordingLate,
    /// [`Model::replay`] on a model that is not fresh, or of a malformed recording.
    #[error("replay: the model is not fresh or the recording is malformed")]
    ReplayRefused,
    /// The simulation reported an error during [`Model::replay`].
    #[error("replay: the simulation reported {status}{}", message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    ReplayFailed {
        /// What the runtime reported.
        status: SimStatus,
        /// The fatal error's message, if any.
        message: Option<String>,
    },
}

/// The input values of every evaluation of a model since it was created, kept by the shim
/// ([`Model::start_recording`]); [`Model::replay`] feeds them to a fresh model with nothing else
/// in the loop, which measures what the test bench costs on top of the model itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recording {
    /// Per evaluation: a mask of the changed input words, then those words (see `shim.cpp`).
    words: Vec<u32>,
    /// Evaluations recorded (two per clock cycle).
    pub evals: u64,
    /// Hash of every output word after every evaluation.
    pub digest: u64,
}

impl Recording {
    /// Bytes the recording holds.
    pub fn bytes(&self) -> usize {
        4 * self.words.len()
    }
}

/// The Verilated `ufo_nic_top`. Ports are read and written through typed accessors generated
/// from the model header (`clk()`, `set_clk()`, `m_axis_tdata_bytes()`, ... see
/// [`crate::PORTS`]); they write straight into the model's port storage, and [`Model::eval`]
/// is the only call across the FFI per evaluation.
///
/// Neither `Send` nor `Sync`: Verilator keeps the current context per thread, so a model lives
/// and dies on the thread that made it. Dropping it runs `final`, closes the trace, frees all.
pub struct Model {
    sim: NonNull<ffi::UfoSim>,
    pub(crate) ports: RawPorts,
    trace: Option<PathBuf>,
    time: u64,
    ticks_per_ns: u64,
    status: c_int,
    _not_send_sync: PhantomData<*mut ()>,
}

impl Model {
    /// Builds the model; fails if the runtime refuses or the trace file cannot be created.
    pub fn new(cfg: ModelConfig) -> Result<Model, ModelError> {
        let trace_c = match &cfg.trace {
            Some(p) => {
                let trace_err = |e: std::io::Error| ModelError::Trace {
                    path: p.clone(),
                    source: Arc::new(e),
                };
                if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(trace_err)?;
                }
                // Fail here with a clear message rather than inside the FST writer.
                std::fs::File::create(p).map_err(trace_err)?;
                use std::os::unix::ffi::OsStrExt;
                Some(
                    CString::new(p.as_os_str().as_bytes())
                        .map_err(|_| ModelError::TracePathNul(p.clone()))?,
                )
            }
            None => None,
        };
        // Verilator takes a 31-bit non-zero seed: fold the 64 bits in.
        let folded = (cfg.seed ^ (cfg.seed >> 31) ^ (cfg.seed >> 62)) & 0x7fff_ffff;
        let seed = if folded == 0 { 1 } else { folded };
        let mut err = [0 as c_char; 512];
        // SAFETY: valid C string or null; err buffer of the given length.
        let raw = unsafe {
            ffi::ufo_sim_new(
                seed,
                trace_c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
                err.as_mut_ptr(),
                err.len(),
            )
        };
        let Some(sim) = NonNull::new(raw) else {
            // SAFETY: the shim NUL-terminates within the buffer.
            let msg = unsafe { std::ffi::CStr::from_ptr(err.as_ptr()) };
            return Err(ModelError::Runtime(msg.to_string_lossy().into_owned()));
        };
        let mut ports = RawPorts::null();
        // SAFETY: sim is live; the shim fills every pointer.
        let prec = unsafe {
            ffi::ufo_sim_ports(sim.as_ptr(), &mut ports);
            ffi::ufo_sim_timeprecision(sim.as_ptr())
        };
        // Time is kept in the model's precision unit (1 ps for `timescale 1ns/1ps`).
        let ticks_per_ns = match prec {
            p if p <= -9 => 10u64.pow((-9 - p) as u32),
            _ => 1,
        };
        Ok(Model {
            sim,
            ports,
            trace: cfg.trace,
            time: 0,
            ticks_per_ns,
            status: 0,
            _not_send_sync: PhantomData,
        })
    }

    /// Evaluates the model: combinational logic settles, and clocked logic runs if `clk` rose.
    #[inline]
    pub fn eval(&mut self) {
        // SAFETY: sim is live for self's lifetime.
        self.status |= unsafe { ffi::ufo_sim_eval(self.sim.as_ptr()) };
    }

    /// Sets simulation time in the model's time unit (see [`Model::ticks_per_ns`]).
    #[inline]
    pub fn set_time(&mut self, t: u64) {
        self.time = t;
        // SAFETY: sim is live.
        unsafe { ffi::ufo_sim_set_time(self.sim.as_ptr(), t) }
    }

    /// Current simulation time in the model's time unit.
    #[inline]
    pub fn time(&self) -> u64 {
        self.time
    }

    /// Time units per nanosecond (1000 for the top's `timescale 1ns/1ps`).
    pub fn ticks_per_ns(&self) -> u64 {
        self.ticks_per_ns
    }

    /// Writes the trace at the current time; no-op when not tracing.
    #[inline]
    pub fn dump(&mut self) {
        if self.trace.is_some() {
            // SAFETY: sim is live.
            unsafe { ffi::ufo_sim_dump(self.sim.as_ptr()) }
        }
    }

    /// Flushes the trace file (so far) to disk; no-op when not tracing.
    pub fn flush_trace(&mut self) {
        if self.trace.is_some() {
            // SAFETY: sim is live.
            unsafe { ffi::ufo_sim_flush(self.sim.as_ptr()) }
        }
    }

    /// `true` if this model writes a trace.
    pub fn is_tracing(&self) -> bool {
        self.trace.is_some()
    }

    /// The trace file, if tracing.
    pub fn trace_path(&self) -> Option<&Path> {
        self.trace.as_deref()
    }

    /// `true` once an evaluation reported an error, `$finish` or a fatal error (no FFI call).
    #[inline]
    pub fn failed(&self) -> bool {
        self.status != 0
    }

    /// What the runtime reported so far (sticky).
    pub fn status(&self) -> SimStatus {
        // SAFETY: sim is live.
        let now = unsafe { ffi::ufo_sim_status(self.sim.as_ptr()) };
        SimStatus::from_bits(self.status | now)
    }

    /// Test hook: runs the shim's replacement of Verilator's `vl_finish` twice (`what` 1) or
    /// raises a fatal runtime error (`what` 2), as RTL or the runtime would, to show that
    /// neither ends the process. A fatal error leaves the model dead.
    #[doc(hidden)]
    pub fn selftest_runtime_hooks(&mut self, what: i32) {
        // SAFETY: sim is live.
        self.status |= unsafe { ffi::ufo_sim_selftest(self.sim.as_ptr(), what) };
    }

    /// Starts recording the inputs of every evaluation. Only on a model that has not been
    /// evaluated yet, so that a fresh model built with the same seed replays from the same state.
    pub fn start_recording(&mut self) -> Result<(), ModelError> {
        // SAFETY: sim is live.
        match unsafe { ffi::ufo_sim_record_start(self.sim.as_ptr()) } {
            0 => Ok(()),
            _ => Err(ModelError::RecordingLate),
        }
    }

    /// A copy of what was recorded so far (empty if [`Model::start_recording`] was not called).
    pub fn recording(&self) -> Recording {
        let (mut len, mut evals, mut digest) = (0usize, 0u64, 0u64);
        // SAFETY: sim is live; the returned pointer is valid for len words until the next eval,
        // and is copied before anything else runs.
        let words = unsafe {
            let p = ffi::ufo_sim_record_data(self.sim.as_ptr(), &mut len, &mut evals, &mut digest);
            if len == 0 {
                Vec::new()
            } else {
                std::slice::from_raw_parts(p, len).to_vec()
            }
        };
        Recording {
            words,
            evals,
            digest,
        }
    }

    /// Replays `rec` into this model, which must be fresh (not evaluated yet) and built with
    /// the seed of the recorded one: per evaluation the recorded inputs, the time advanced by
    /// `time_step`, one evaluation, in one C++ loop. With `check`, returns the output digest,
    /// which equals `rec.digest` when the replay reproduced the run.
    pub fn replay(
        &mut self,
        rec: &Recording,
        time_step: u64,
        check: bool,
    ) -> Result<Option<u64>, ModelError> {
        let mut digest = 0u64;
        // SAFETY: sim is live; data points to rec.words.len() words.
        let n = unsafe {
            ffi::ufo_sim_replay(
                self.sim.as_ptr(),
                rec.words.as_ptr(),
                rec.words.len(),
                rec.evals,
                time_step,
                c_int::from(check),
                &mut digest,
            )
        };
        match n {
            -1 => Err(ModelError::ReplayRefused),
            n if n < 0 => Err(ModelError::ReplayFailed {
                status: self.status(),
                message: self.failure_message(),
            }),
            _ => {
                self.time = rec.evals * time_step;
                Ok(check.then_some(digest))
            }
        }
    }

    /// The message of the fatal error that killed the model, if any.
    pub fn fatal_message(&self) -> Option<String> {
        // SAFETY: sim is live; buffer and length as the shim expects.
        self.shim_text(|s, buf, len| unsafe { ffi::ufo_sim_last_error(s, buf, len) })
    }

    /// The assertions that fired (`$error` in the RTL and the protocol checkers of `rtl/sim`),
    /// one line each as the runtime printed them (rule, cycle, instance), if any.
    pub fn assertion_messages(&self) -> Option<String> {
        // SAFETY: sim is live; buffer and length as the shim expects.
        let text = self.shim_text(|s, buf, len| unsafe { ffi::ufo_sim_messages(s, buf, len) })?;
        let failed: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("Assertion failed"))
            .collect();
        Some(if failed.is_empty() {
            text.trim_end().to_owned()
        } else {
            failed.join("\n")
        })
    }

    /// Why the runtime stopped the model: the fatal error, else the assertions that fired.
    pub fn failure_message(&self) -> Option<String> {
        self.fatal_message().or_else(|| self.assertion_messages())
    }

    /// A text the shim copies into a buffer (`get` returns its full length).
    fn shim_text(
        &self,
        get: impl Fn(*const ffi::UfoSim, *mut c_char, usize) -> usize,
    ) -> Option<String> {
        let mut buf = vec![0 as c_char; 4096];
        if get(self.sim.as_ptr(), buf.as_mut_ptr(), buf.len()) == 0 {
            return None;
        }
        // SAFETY: NUL-terminated by the shim within the buffer.
        let s = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
        Some(s.to_string_lossy().into_owned())
    }

    /// Adds a plusarg the RTL's `$test$plusargs` sees from now on, e.g. `+ufo_bus_faults`
    /// (read by the protocol checkers during reset). Fails on a NUL byte.
    pub fn add_plusarg(&mut self, arg: &str) -> Result<(), ModelError> {
        let c = CString::new(arg)
            .map_err(|_| ModelError::Runtime(format!("plusarg {arg:?} contains a NUL byte")))?;
        // SAFETY: sim is live; c is a valid C string for the call.
        unsafe { ffi::ufo_sim_plusarg(self.sim.as_ptr(), c.as_ptr()) };
        Ok(())
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: sim came from ufo_sim_new and is freed once.
        unsafe { ffi::ufo_sim_free(self.sim.as_ptr()) }
    }
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("data_width", &crate::DATA_WIDTH)
            .field("time", &self.time)
            .field("trace", &self.trace)
            .field("status", &self.status())
            .finish()
    }
}
