//! AXI4-Lite master BFM for the DUT's register file.
//!
//! One operation at a time, as a CPU's uncached register access would be. A write raises
//! `AWVALID` and `WVALID` together and lowers each on its own handshake (the slave may take them
//! in either order or together), then waits for B; a read raises `ARVALID`, then waits for R.
//! `BREADY`/`RREADY` are high only while a response is expected, so a response nobody asked for
//! is seen and recorded as a violation.

use std::collections::VecDeque;

use super::{resp, AxilMasterPorts, Violation, ViolationKind};

/// A register operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxilOp {
    /// Write `data` with byte strobes `strb` at byte address `addr`.
    Write {
        /// Byte address.
        addr: u32,
        /// Data.
        data: u32,
        /// Byte strobes (0xF for a full word).
        strb: u8,
    },
    /// Read at byte address `addr`.
    Read {
        /// Byte address.
        addr: u32,
    },
}

/// A finished operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AxilResult {
    /// What was done.
    pub op: AxilOp,
    /// Read data (0 for writes).
    pub data: u32,
    /// `BRESP` / `RRESP`.
    pub resp: u8,
    /// Edge at which the operation started driving.
    pub start_cycle: u64,
    /// Edge of the response handshake.
    pub end_cycle: u64,
}

/// A register-bus fault to inject, to test how the harness reports one: the slave's answer to
/// accesses of one register is lost or turned into an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxilFault {
    /// Accesses to this byte address never complete (the master ignores the response).
    NoResponse {
        /// Register byte address.
        addr: u32,
    },
    /// Accesses to this byte address answer `SLVERR`.
    SlvErr {
        /// Register byte address.
        addr: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    /// Address (and data) phase: which handshakes are done.
    Request {
        aw_done: bool,
        w_done: bool,
        ar_done: bool,
    },
    /// Waiting for B or R.
    Response,
}

/// AXI4-Lite master BFM; see the module documentation.
#[derive(Debug)]
pub struct AxilMaster {
    queue: VecDeque<AxilOp>,
    op: Option<(AxilOp, u64)>,
    phase: Phase,
    // What is on the wires for the coming edge.
    d_awvalid: bool,
    d_wvalid: bool,
    d_arvalid: bool,
    d_bready: bool,
    d_rready: bool,
    results: VecDeque<AxilResult>,
    violations: Vec<Violation>,
    fault: Option<AxilFault>,
}

impl Default for AxilMaster {
    fn default() -> Self {
        Self::new()
    }
}

impl AxilMaster {
    /// An idle master.
    pub fn new() -> Self {
        Self {
            queue: VecDeque::new(),
            op: None,
            phase: Phase::Idle,
            d_awvalid: false,
            d_wvalid: false,
            d_arvalid: false,
            d_bready: false,
            d_rready: false,
            results: VecDeque::new(),
            violations: Vec::new(),
            fault: None,
        }
    }

    /// Injects a register-bus fault from now on (`None`: a faultless bus again).
    pub fn inject_fault(&mut self, fault: Option<AxilFault>) {
        self.fault = fault;
    }

    /// Queues a full-word write.
    pub fn write(&mut self, addr: u32, data: u32) {
        self.queue.push_back(AxilOp::Write {
            addr,
            data,
            strb: 0xf,
        });
    }

    /// Queues a read.
    pub fn read(&mut self, addr: u32) {
        self.queue.push_back(AxilOp::Read { addr });
    }

    /// Queues any operation.
    pub fn push(&mut self, op: AxilOp) {
        self.queue.push_back(op);
    }

    /// `true` while an operation is queued or in flight.
    pub fn busy(&self) -> bool {
        self.op.is_some() || !self.queue.is_empty()
    }

    /// The oldest finished operation.
    pub fn pop_result(&mut self) -> Option<AxilResult> {
        self.results.pop_front()
    }

    /// The newest finished operation.
    pub fn pop_result_back(&mut self) -> Option<AxilResult> {
        self.results.pop_back()
    }

    /// Protocol violations seen on the slave's responses.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Takes the violations seen so far.
    pub fn take_violations(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.violations)
    }

    /// Gives up the operation in flight (its response never came), so the next one can start.
    pub fn abandon(&mut self) {
        self.op = None;
        self.phase = Phase::Idle;
    }

    /// Drops queued and in-flight operations and results (for a DUT reset).
    pub fn reset(&mut self) {
        self.queue.clear();
        self.op = None;
        self.phase = Phase::Idle;
        self.d_awvalid = false;
        self.d_wvalid = false;
        self.d_arvalid = false;
        self.d_bready = false;
        self.d_rready = false;
        self.results.clear();
    }

    fn violation(&mut self, cycle: u64, kind: ViolationKind, what: String) {
        if self.violations.len() < 1000 {
            self.violations.push(Violation {
                cycle,
                kind,
                what: format!("axil: {what}"),
            });
        }
    }

    /// Samples the wires just before rising edge `edge`: handshakes and responses.
    pub fn sample<P: AxilMasterPorts>(&mut self, p: &P, edge: u64) {
        let bvalid = p.bvalid();
        let rvalid = p.rvalid();
        if let Phase::Request {
            mut aw_done,
            mut w_done,
            mut ar_done,
        } = self.phase
        {
            aw_done |= self.d_awvalid && p.awready();
            w_done |= self.d_wvalid && p.wready();
            ar_done |= self.d_arvalid && p.arready();
            let is_write = matches!(self.op, Some((AxilOp::Write { .. }, _)));
            self.phase = if (is_write && aw_done && w_done) || (!is_write && ar_done) {
                Phase::Response
            } else {
                Phase::Request {
                    aw_done,
                    w_done,
                    ar_done,
                }
            };
            // A response may not precede its request's handshakes.
            if bvalid || rvalid {
                let ch = if bvalid { "bvalid" } else { "rvalid" };
                self.violation(
                    edge,
                    ViolationKind::Unexpected,
                    format!("{ch} before the request was accepted"),
                );
            }
            return;
        }
        if self.phase == Phase::Idle {
            if bvalid || rvalid {
                let ch = if bvalid { "bvalid" } else { "rvalid" };
                self.violation(
                    edge,
                    ViolationKind::Unexpected,
                    format!("{ch} with no request outstanding"),
                );
            }
            return;
        }
        // Phase::Response
        let Some((op, start)) = self.op else { return };
        let done = match op {
            AxilOp::Write { .. } => {
                if rvalid {
                    self.violation(
                        edge,
                        ViolationKind::Unexpected,
                        "rvalid during a write".into(),
                    );
                }
                (self.d_bready && bvalid).then(|| (0, p.bresp()))
            }
            AxilOp::Read { .. } => {
                if bvalid {
                    self.violation(
                        edge,
                        ViolationKind::Unexpected,
                        "bvalid during a read".into(),
                    );
                }
                (self.d_rready && rvalid).then(|| (p.rdata(), p.rresp()))
            }
        };
        if let Some((data, mut resp)) = done {
            let addr = match op {
                AxilOp::Write { addr, .. } | AxilOp::Read { addr } => addr,
            };
            match self.fault {
                Some(AxilFault::NoResponse { addr: a }) if a == addr => return,
                Some(AxilFault::SlvErr { addr: a }) if a == addr => resp = resp::SLVERR,
                _ => {}
            }
            self.results.push_back(AxilResult {
                op,
                data,
                resp,
                start_cycle: start,
                end_cycle: edge,
            });
            self.op = None;
            self.phase = Phase::Idle;
        }
    }

    /// Drives the master outputs for rising edge `next_edge`.
    pub fn drive<P: AxilMasterPorts>(&mut self, p: &mut P, next_edge: u64) {
        if self.op.is_none() {
            if let Some(op) = self.queue.pop_front() {
                self.op = Some((op, next_edge));
                self.phase = Phase::Request {
                    aw_done: false,
                    w_done: false,
                    ar_done: false,
                };
                match op {
                    AxilOp::Write { addr, data, strb } => {
                        p.set_awaddr(addr);
                        p.set_wdata(data);
                        p.set_wstrb(strb);
                    }
                    AxilOp::Read { addr } => p.set_araddr(addr),
                }
            }
        }
        let (aw, w, ar, b, r) = match (self.phase, self.op) {
            (
                Phase::Request {
                    aw_done,
                    w_done,
                    ar_done,
                },
                Some((op, _)),
            ) => match op {
                AxilOp::Write { .. } => (!aw_done, !w_done, false, false, false),
                AxilOp::Read { .. } => (false, false, !ar_done, false, false),
            },
            (Phase::Response, Some((AxilOp::Write { .. }, _))) => {
                (false, false, false, true, false)
            }
            (Phase::Response, Some((AxilOp::Read { .. }, _))) => (false, false, false, false, true),
            _ => (false, false, false, false, false),
        };
        self.d_awvalid = aw;
        self.d_wvalid = w;
        self.d_arvalid = ar;
        self.d_bready = b;
        self.d_rready = r;
        p.set_awvalid(aw);
        p.set_wvalid(w);
        p.set_arvalid(ar);
        p.set_bready(b);
        p.set_rready(r);
    }

    /// Checks a result's response code, recording a violation for anything but OKAY.
    pub fn check_okay(&mut self, r: &AxilResult) -> bool {
        if r.resp == resp::OKAY {
            return true;
        }
        self.violation(
            r.end_cycle,
            ViolationKind::ErrorResponse,
            format!("{:?} answered resp {}", r.op, r.resp),
        );
        false
    }
}
