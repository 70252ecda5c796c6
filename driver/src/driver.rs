//! The driver model: what a Linux driver for the engine would do, against any [`Host`] (the sim
//! test bench's memory and register models, or a fake device in tests).
//!
//! Transmit: copy the skb's head and frags into host buffers placed like the real ones (head at
//! its `head_align` within a page, each frag at its `page_offset` within its own page), write one
//! descriptor per buffer, ring the `TX_TAIL` doorbell. Completion: read the completion ring by its
//! PHASE bit, check each completion against what was posted, reclaim descriptor slots and
//! buffers.

use crate::desc::{flags, regs, Completion, Status, TxDesc, CPL_BYTES, CPL_FLAG_PHASE, DESC_BYTES};
use crate::skb::{Skb, PAGE_SIZE};
use std::collections::VecDeque;
use thiserror::Error;

/// Longest buffer one descriptor describes (`buf_len` is 16 bits); longer heads are split.
pub const MAX_BUF_LEN: usize = u16::MAX as usize;

/// Memory and registers as the driver sees them. The sim test bench implements this over its
/// AXI memory model and AXI4-Lite master. Memory is the host's own and cannot fail; a register
/// access crosses a bus to the device and can (no answer, or an error answer).
pub trait Host {
    /// Writes host memory (the device reads it by DMA).
    fn mem_write(&mut self, addr: u64, data: &[u8]);
    /// Reads host memory (the device writes completions there).
    fn mem_read(&mut self, addr: u64, len: usize) -> Vec<u8>;
    /// Writes a 32-bit device register at a byte offset.
    fn reg_write(&mut self, offset: u32, value: u32) -> Result<(), RegError>;
    /// Reads a 32-bit device register at a byte offset.
    fn reg_read(&mut self, offset: u32) -> Result<u32, RegError>;
}

/// A register access as the driver issued it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegAccess {
    /// A read of the register at this byte offset.
    Read {
        /// byte offset
        offset: u32,
    },
    /// A write of `value` to the register at this byte offset.
    Write {
        /// byte offset
        offset: u32,
        /// value written
        value: u32,
    },
}

impl std::fmt::Display for RegAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Read { offset } => write!(f, "read of {} ({offset:#04x})", regs::name(*offset)),
            Self::Write { offset, value } => write!(
                f,
                "write of {value:#x} to {} ({offset:#04x})",
                regs::name(*offset)
            ),
        }
    }
}

/// Why a register access failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegFault {
    /// The bus transaction did not complete within the host's time limit.
    #[error("no response within {cycles} cycles")]
    NoResponse {
        /// how long the host waited
        cycles: u64,
    },
    /// The device answered with an error response (AXI `SLVERR` 2, `DECERR` 3).
    #[error("error response {resp} ({})", if *resp == 3 { "DECERR" } else { "SLVERR" })]
    ErrorResponse {
        /// `BRESP`/`RRESP`
        resp: u8,
    },
    /// The device model stopped (a simulation runtime error) during the access.
    #[error("the device stopped: {0}")]
    DeviceStopped(String),
}

/// A register access that failed; the device is not usable after it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("register {access}: {fault}")]
pub struct RegError {
    /// What was attempted.
    pub access: RegAccess,
    /// What went wrong.
    pub fault: RegFault,
}

/// Where the driver's rings and buffers live, and how it builds chains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverConfig {
    /// log2 of the ring size in descriptors (1..=15); the completion ring has as many entries.
    pub ring_log2: u8,
    /// Descriptor ring base address, 32-byte aligned.
    pub tx_ring_base: u64,
    /// Completion ring base address, 16-byte aligned.
    pub cpl_ring_base: u64,
    /// Start of the packet-buffer area (rounded up to a 4 KiB page).
    pub buf_base: u64,
    /// Size of the packet-buffer area in bytes (whole pages are used).
    pub buf_bytes: u64,
    /// Leave empty frags out of the chain (as the Xframe driver does) instead of posting
    /// zero-length descriptors.
    pub skip_empty_frags: bool,
}

impl Default for DriverConfig {
    /// 1024-entry rings at 0x1_0000 / 0x2_0000 (deep enough to keep 1 µs of small packets in
    /// flight at 512 bits), 4 MiB of buffers at 0x10_0000.
    fn default() -> Self {
        Self {
            ring_log2: 10,
            tx_ring_base: 0x1_0000,
            cpl_ring_base: 0x2_0000,
            buf_base: 0x10_0000,
            buf_bytes: 4 << 20,
            skip_empty_frags: false,
        }
    }
}

/// [`Driver::init`] failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InitError {
    /// The ID register did not read "UFO" v2.
    #[error("ID register reads {found:#010x}, expected {:#010x}", regs::ID_VALUE)]
    BadId {
        /// what it read
        found: u32,
    },
    /// `ring_log2` outside 1..=15.
    #[error("ring_log2 {0} outside 1..=15")]
    BadRingLog2(u8),
    /// A ring base is not aligned as the device requires.
    #[error("{what} base {addr:#x} is not {align}-byte aligned")]
    Misaligned {
        /// which ring
        what: &'static str,
        /// its base
        addr: u64,
        /// required alignment
        align: u64,
    },
    /// The buffer area holds no whole page.
    #[error("buffer area {base:#x}+{bytes:#x} holds no whole 4 KiB page")]
    NoBufferPages {
        /// configured base
        base: u64,
        /// configured size
        bytes: u64,
    },
    /// TX_HEAD is not 0: the device is not fresh out of reset.
    #[error("TX_HEAD reads {0}, expected 0 after reset")]
    NotReset(u32),
    /// A register access failed.
    #[error(transparent)]
    Register(#[from] RegError),
}

/// [`Driver::xmit`] or [`Driver::raw_post`] refused a packet; nothing was posted (except for
/// [`XmitError::Register`]: the chain is in the ring, but the doorbell write failed).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum XmitError {
    /// `init` has not succeeded.
    #[error("driver not initialised")]
    NotInitialized,
    /// Not enough free descriptor slots now (`NETDEV_TX_BUSY`): poll and retry.
    #[error("ring full: {needed} descriptors needed, {free} free")]
    RingFull {
        /// descriptors the packet needs
        needed: usize,
        /// free slots
        free: usize,
    },
    /// More buffers than the device takes in one packet (`MAX_DESC`), or than the ring holds.
    #[error("{buffers} buffers: more than the limit {max}")]
    TooManyBuffers {
        /// descriptors the packet needs
        buffers: usize,
        /// the limit
        max: usize,
    },
    /// Not enough free buffer pages now: poll and retry.
    #[error("buffer area busy: {needed} pages needed, {free} free")]
    NoBufferSpace {
        /// pages needed
        needed: usize,
        /// pages free (not necessarily contiguous)
        free: usize,
    },
    /// The skb needs more pages than the whole buffer area has: it can never be sent.
    #[error("skb needs {needed} buffer pages, the area has only {capacity}")]
    SkbTooLarge {
        /// pages needed
        needed: usize,
        /// pages in the area
        capacity: usize,
    },
    /// A frag starts outside its page or runs past its end.
    #[error("frag {index}: page_offset {page_offset} + length {len} exceeds a 4 KiB page")]
    FragCrossesPage {
        /// which frag
        index: usize,
        /// its page offset
        page_offset: u32,
        /// its length
        len: usize,
    },
    /// `head_align` is not inside a page.
    #[error("head_align {0} is not below 4096")]
    HeadAlign(u32),
    /// A chain with no descriptor.
    #[error("empty descriptor chain")]
    EmptyChain,
    /// The doorbell (`TX_TAIL`) write failed.
    #[error(transparent)]
    Register(#[from] RegError),
}

/// [`Driver::quiesce`], [`Driver::ring_reset`] or [`Driver::soft_reset`] failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ControlError {
    /// `init` has not succeeded.
    #[error("driver not initialised")]
    NotInitialized,
    /// STATUS.IDLE did not come within the polls allowed: a chain posted without its end keeps
    /// the engine busy, or a bus response is still awaited (a soft reset or rst_n is next).
    #[error("STATUS.IDLE not set after {polls} polls (STATUS {status:#x})")]
    NotIdle {
        /// polls made
        polls: u32,
        /// the last STATUS read
        status: u32,
    },
    /// A register access failed.
    #[error(transparent)]
    Register(#[from] RegError),
}

/// What [`Driver::ring_reset`] and [`Driver::soft_reset`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restart {
    /// Completions written before the restart (as [`Driver::poll`] returns them).
    pub done: Vec<TxDone>,
    /// Tags of the chains posted and never completed, oldest first: their buffers are free,
    /// the packets were not sent (a soft reset may have cut one on the wire, marked by tuser).
    pub lost: Vec<u64>,
}

/// Something the device did that the driver did not expect; recorded, not panicked on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DriverError {
    /// A completion did not cover exactly the descriptors of one chain posted by `xmit`.
    #[error(
        "completion {completion} for tag {tag}: posted desc {expected_index}+{expected_count}"
    )]
    CompletionMismatch {
        /// tag of the chain holding the completion's first descriptor
        tag: u64,
        /// first descriptor of that chain
        expected_index: u16,
        /// its length
        expected_count: u16,
        /// what the device wrote
        completion: Completion,
    },
    /// A completion did not start at the next unconsumed descriptor.
    #[error("completion {completion}: expected desc_index {expected}")]
    OutOfOrder {
        /// next unconsumed descriptor
        expected: u16,
        /// what the device wrote
        completion: Completion,
    },
    /// A completion covers descriptors that were never posted.
    #[error("completion {completion} runs past the tail {tail}")]
    BeyondTail {
        /// producer index
        tail: u16,
        /// what the device wrote
        completion: Completion,
    },
    /// A chain posted by `xmit` was consumed by a completion that started in an earlier chain,
    /// so it gets no completion of its own.
    #[error("chain with tag {tag} consumed by completion {completion} of an earlier chain")]
    Swallowed {
        /// tag of the swallowed chain
        tag: u64,
        /// the completion that consumed it
        completion: Completion,
    },
    /// A completion arrived with nothing in flight.
    #[error("completion {0} with nothing in flight")]
    Unexpected(Completion),
    /// A completion consumed no descriptor.
    #[error("completion {0} consumed no descriptor")]
    ZeroCount(Completion),
    /// Reserved bytes 12..15 of a completion were not 0.
    #[error("completion {0}: reserved bytes not zero")]
    ReservedNotZero(Completion),
}

/// One completed packet, as [`Driver::poll`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxDone {
    /// Caller's tag of the chain holding the completion's first descriptor.
    pub tag: u64,
    /// The completion record.
    pub completion: Completion,
    /// First descriptor index of that chain as posted.
    pub expected_index: u16,
    /// Descriptors in that chain as posted.
    pub expected_count: u16,
    /// The record never reached memory (its write was refused), found by
    /// [`Driver::recover_lost_completions`]: only `desc_index` and `desc_count` of `completion`
    /// are known (from the records around it and `TX_HEAD`); its status, frames and bytes read 0.
    pub lost: bool,
}

impl TxDone {
    /// True if the completion covers exactly the posted chain.
    pub fn matches_posted(&self) -> bool {
        self.completion.desc_index == self.expected_index
            && self.completion.desc_count == self.expected_count
    }
}

/// Page-granular FIFO allocator over the buffer area. Packets complete in the order they were
/// posted, so buffers are freed in allocation order and a ring of pages suffices.
#[derive(Debug, Clone)]
struct PageRing {
    base: u64,
    pages: usize,
    /// Next page to hand out.
    head: usize,
    /// Oldest page still held.
    tail: usize,
    /// Pages held, including pages skipped at the end when an allocation wrapped.
    used: usize,
}

/// One allocation: `skipped` wasted pages before `start`, then `len` pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PageAlloc {
    start: usize,
    len: usize,
    skipped: usize,
}

impl PageRing {
    fn new(base: u64, bytes: u64) -> Self {
        let page = u64::from(PAGE_SIZE);
        let aligned = base.div_ceil(page) * page;
        let pages = (bytes.saturating_sub(aligned - base) / page) as usize;
        Self {
            base: aligned,
            pages,
            head: 0,
            tail: 0,
            used: 0,
        }
    }

    fn page_addr(&self, page: usize) -> u64 {
        self.base + page as u64 * u64::from(PAGE_SIZE)
    }

    /// `len` contiguous pages, or `None` if they are not free now.
    fn alloc(&mut self, len: usize) -> Option<PageAlloc> {
        if len == 0 || len > self.pages {
            return None;
        }
        if self.used == 0 {
            // Empty: restart at page 0 so that large allocations find room.
            self.head = 0;
            self.tail = 0;
        }
        let free = self.pages - self.used;
        let a = if self.head >= self.tail && self.used < self.pages {
            // Free space is [head, pages) and [0, tail).
            if self.pages - self.head >= len {
                PageAlloc {
                    start: self.head,
                    len,
                    skipped: 0,
                }
            } else if self.tail >= len {
                PageAlloc {
                    start: 0,
                    len,
                    skipped: self.pages - self.head,
                }
            } else {
                return None;
            }
        } else if free >= len {
            // Wrapped: free space is [head, tail).
            PageAlloc {
                start: self.head,
                len,
                skipped: 0,
            }
        } else {
            return None;
        };
        self.used += a.skipped + a.len;
        self.head = (a.start + a.len) % self.pages;
        Some(a)
    }

    /// Frees the oldest allocation, which must be `a`.
    fn free(&mut self, a: PageAlloc) {
        debug_assert_eq!(
            (self.tail + a.skipped) % self.pages,
            a.start,
            "buffers freed out of order"
        );
        self.used -= a.skipped + a.len;
        self.tail = (a.start + a.len) % self.pages;
    }

    /// Undoes the newest allocation, which must be `a`.
    fn rollback(&mut self, a: PageAlloc) {
        self.used -= a.skipped + a.len;
        self.head = (a.start + self.pages - a.skipped) % self.pages;
    }

    fn free_pages(&self) -> usize {
        self.pages - self.used
    }
}

/// A chain of descriptors posted and not yet wholly consumed.
#[derive(Debug, Clone)]
struct Posted {
    tag: u64,
    first: u16,
    count: u16,
    /// Posted by `raw_post`: partial or merged completions are expected, not errors.
    raw: bool,
    /// A completion started inside this chain.
    started: bool,
    alloc: Option<PageAlloc>,
}

/// The driver model; see the module documentation.
#[derive(Debug, Clone)]
pub struct Driver {
    cfg: DriverConfig,
    initialized: bool,
    /// Most descriptors per packet, from the CONFIG register.
    max_desc: usize,
    /// Producer index (next slot to write).
    tail: u16,
    /// Next descriptor the device has not reported consumed.
    cons: u16,
    /// Completions read so far (completion ring slot = this mod size).
    cpl_next: u32,
    /// PHASE value that marks a new completion in the current lap.
    cpl_phase: bool,
    posted: VecDeque<Posted>,
    /// `ERR_CNT[CPL_WRITE_ERR]` when last read: a change means completion records were lost.
    cpl_write_errors: u32,
    pages: PageRing,
    errors: Vec<DriverError>,
}

impl Driver {
    /// A driver for `cfg`; call [`Self::init`] before anything else.
    pub fn new(cfg: DriverConfig) -> Self {
        let pages = PageRing::new(cfg.buf_base, cfg.buf_bytes);
        Self {
            cfg,
            initialized: false,
            max_desc: crate::skb::MAX_BUFFERS,
            tail: 0,
            cons: 0,
            cpl_next: 0,
            cpl_phase: true,
            posted: VecDeque::new(),
            cpl_write_errors: 0,
            pages,
            errors: Vec::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &DriverConfig {
        &self.cfg
    }

    /// Ring size in descriptors (= completion ring entries).
    pub fn ring_size(&self) -> usize {
        1 << self.cfg.ring_log2
    }

    /// Most descriptors per packet, as the device's CONFIG register reported it.
    pub fn max_desc(&self) -> usize {
        self.max_desc
    }

    /// Checks the ID register, programs both rings, clears and unmasks the interrupts and sets
    /// ENABLE. Expects a device fresh out of reset (TX_HEAD 0). Zeroes the completion ring so
    /// that no stale PHASE bit reads as a completion.
    pub fn init(&mut self, host: &mut impl Host) -> Result<(), InitError> {
        let log2 = self.cfg.ring_log2;
        if !(1..=15).contains(&log2) {
            return Err(InitError::BadRingLog2(log2));
        }
        for (what, addr, align) in [
            ("descriptor ring", self.cfg.tx_ring_base, DESC_BYTES as u64),
            ("completion ring", self.cfg.cpl_ring_base, CPL_BYTES as u64),
        ] {
            if addr % align != 0 {
                return Err(InitError::Misaligned { what, addr, align });
            }
        }
        if self.pages.pages == 0 {
            return Err(InitError::NoBufferPages {
                base: self.cfg.buf_base,
                bytes: self.cfg.buf_bytes,
            });
        }
        let id = host.reg_read(regs::ID)?;
        if id != regs::ID_VALUE {
            return Err(InitError::BadId { found: id });
        }
        let head = host.reg_read(regs::TX_HEAD)?;
        if head != 0 {
            return Err(InitError::NotReset(head));
        }
        // CONFIG[23:16] is MAX_DESC; a device reporting 0 gets the contract's default.
        let max_desc = ((host.reg_read(regs::CONFIG)? >> 16) & 0xFF) as usize;
        self.max_desc = if max_desc == 0 {
            crate::skb::MAX_BUFFERS
        } else {
            max_desc
        };

        host.mem_write(
            self.cfg.cpl_ring_base,
            &vec![0; CPL_BYTES * self.ring_size()],
        );
        // The ring registers take writes only while the engine is quiesced (ENABLE clear, idle):
        // true after reset.
        host.reg_write(regs::CTRL, 0)?;
        self.write_rings(host)?;
        host.reg_write(
            regs::IRQ_STATUS,
            regs::IRQ_CPL | regs::IRQ_ERR | regs::IRQ_FAULT,
        )?;
        self.cpl_write_errors = host.reg_read(regs::err_cnt(regs::event::CPL_WRITE_ERR))?;
        // Completions are polled (NAPI-style): only errors and faults interrupt.
        host.reg_write(regs::IRQ_MASK, regs::IRQ_ERR | regs::IRQ_FAULT)?;
        host.reg_write(regs::CTRL, regs::CTRL_ENABLE)?;

        self.restart_rings();
        self.pages = PageRing::new(self.cfg.buf_base, self.cfg.buf_bytes);
        self.initialized = true;
        Ok(())
    }

    /// Programs both rings and their size. While quiesced, the write resets the engine's ring
    /// indices (TX_TAIL, TX_HEAD, CPL_HEAD and its phase) and drops prefetched descriptors.
    fn write_rings(&mut self, host: &mut impl Host) -> Result<(), RegError> {
        let split = |a: u64| (a as u32, (a >> 32) as u32);
        let (lo, hi) = split(self.cfg.tx_ring_base);
        host.reg_write(regs::TX_RING_BASE_LO, lo)?;
        host.reg_write(regs::TX_RING_BASE_HI, hi)?;
        let (lo, hi) = split(self.cfg.cpl_ring_base);
        host.reg_write(regs::CPL_RING_BASE_LO, lo)?;
        host.reg_write(regs::CPL_RING_BASE_HI, hi)?;
        host.reg_write(regs::TX_RING_LOG2, u32::from(self.cfg.ring_log2))
    }

    /// What the registers the driver programs or follows must read once every posted chain has
    /// completed: the configuration it wrote, `TX_TAIL` and `TX_HEAD` at its tail, `CPL_HEAD`
    /// at its next completion slot and PHASE. `(offset, value)` pairs, for a check at the end
    /// of a run.
    pub fn expected_registers(&self) -> Vec<(u32, u32)> {
        let n = self.ring_size() as u32;
        let split = |a: u64| (a as u32, (a >> 32) as u32);
        let (tx_lo, tx_hi) = split(self.cfg.tx_ring_base);
        let (cpl_lo, cpl_hi) = split(self.cfg.cpl_ring_base);
        let phase = if self.cpl_phase {
            regs::CPL_HEAD_PHASE
        } else {
            0
        };
        vec![
            (regs::CTRL, regs::CTRL_ENABLE),
            (regs::TX_RING_BASE_LO, tx_lo),
            (regs::TX_RING_BASE_HI, tx_hi),
            (regs::CPL_RING_BASE_LO, cpl_lo),
            (regs::CPL_RING_BASE_HI, cpl_hi),
            (regs::TX_RING_LOG2, u32::from(self.cfg.ring_log2)),
            (regs::IRQ_MASK, regs::IRQ_ERR | regs::IRQ_FAULT),
            (regs::TX_TAIL, u32::from(self.tail) % n),
            (regs::TX_HEAD, u32::from(self.tail) % n),
            (regs::CPL_HEAD, (self.cpl_next % n) | phase),
        ]
    }

    /// The driver's side of a ring reset: both rings start over at slot 0 and PHASE 1.
    fn restart_rings(&mut self) {
        self.tail = 0;
        self.cons = 0;
        self.cpl_next = 0;
        self.cpl_phase = true;
        self.posted.clear();
    }

    /// Polls STATUS (at most `polls` reads) until IDLE is set; returns the last value.
    fn wait_idle(&mut self, host: &mut impl Host, polls: u32) -> Result<u32, ControlError> {
        let mut status = 0;
        for _ in 0..polls {
            status = host.reg_read(regs::STATUS)?;
            if status & regs::STATUS_IDLE != 0 {
                return Ok(status);
            }
        }
        Err(ControlError::NotIdle { polls, status })
    }

    /// Quiesce: clears ENABLE (the engine finishes the packets it has started, a chain included,
    /// and starts no new one) and waits for STATUS.IDLE (nothing in flight, no bus transaction
    /// outstanding). Completions written meanwhile are for [`Self::poll`].
    pub fn quiesce(&mut self, host: &mut impl Host, polls: u32) -> Result<(), ControlError> {
        if !self.initialized {
            return Err(ControlError::NotInitialized);
        }
        host.reg_write(regs::CTRL, 0)?;
        self.wait_idle(host, polls).map(|_| ())
    }

    /// Ring reset (docs/architecture.md, "Control"): quiesces, reads the completions written,
    /// rewrites the ring registers (which resets the engine's indices and drops the descriptors
    /// it prefetched), zeroes the completion ring and enables again. The chains posted and
    /// never completed come back in [`Restart::lost`] (their buffers are reclaimed: resend them).
    pub fn ring_reset(
        &mut self,
        host: &mut impl Host,
        polls: u32,
    ) -> Result<Restart, ControlError> {
        self.quiesce(host, polls)?;
        self.restart(host)
    }

    /// Soft reset (docs/architecture.md, "Control"): writes CTRL.SOFT_RESET (ENABLE clear), which
    /// drops every packet in flight without a completion and clears STATUS.FAULT, waits for
    /// STATUS.IDLE (the bus responses still outstanding have come or timed out), then restarts
    /// both rings as [`Self::ring_reset`] does. Returns the tags never completed.
    pub fn soft_reset(
        &mut self,
        host: &mut impl Host,
        polls: u32,
    ) -> Result<Restart, ControlError> {
        if !self.initialized {
            return Err(ControlError::NotInitialized);
        }
        host.reg_write(regs::CTRL, regs::CTRL_SOFT_RESET)?;
        self.wait_idle(host, polls)?;
        self.restart(host)
    }

    /// The driver's and the engine's rings start over (engine quiesced): reads the completions
    /// already written (they are still in the ring), reclaims every chain still posted,
    /// programs the rings again and enables.
    fn restart(&mut self, host: &mut impl Host) -> Result<Restart, ControlError> {
        let done = self.poll(host);
        let lost: Vec<u64> = self.posted.iter().map(|p| p.tag).collect();
        for p in std::mem::take(&mut self.posted) {
            if let Some(a) = p.alloc {
                self.pages.free(a);
            }
        }
        host.mem_write(
            self.cfg.cpl_ring_base,
            &vec![0; CPL_BYTES * self.ring_size()],
        );
        self.write_rings(host)?;
        self.restart_rings();
        host.reg_write(regs::CTRL, regs::CTRL_ENABLE)?;
        Ok(Restart { done, lost })
    }

    /// CPL_HEAD: the completion ring slot the engine writes next and the PHASE it will carry.
    pub fn cpl_head(&self, host: &mut impl Host) -> Result<(u16, bool), RegError> {
        let v = host.reg_read(regs::CPL_HEAD)?;
        Ok((
            (v & regs::CPL_HEAD_INDEX_MASK) as u16,
            v & regs::CPL_HEAD_PHASE != 0,
        ))
    }

    /// Clears ENABLE: the device finishes the packet in flight and fetches no more.
    pub fn disable(&mut self, host: &mut impl Host) -> Result<(), RegError> {
        host.reg_write(regs::CTRL, 0)
    }

    /// Reads IRQ_STATUS and clears the bits it found (RW1C); returns them.
    pub fn ack_irq(&mut self, host: &mut impl Host) -> Result<u32, RegError> {
        let s = host.reg_read(regs::IRQ_STATUS)?;
        if s != 0 {
            host.reg_write(regs::IRQ_STATUS, s)?;
        }
        Ok(s)
    }

    /// Posts `skb` as one packet; `tag` comes back in its [`TxDone`] and is also written to every
    /// descriptor's cookie.
    pub fn xmit(&mut self, host: &mut impl Host, skb: &Skb, tag: u64) -> Result<(), XmitError> {
        self.xmit_edited(host, skb, tag, |_| {})
    }

    /// Like [`Self::xmit`], but lets `edit` change the descriptor chain (flags, lengths, extra or
    /// missing descriptors) after the buffers are written and before it is posted: for error
    /// tests on real data. The edited chain may break any rule; only its length is checked
    /// against the free slots.
    pub fn xmit_edited(
        &mut self,
        host: &mut impl Host,
        skb: &Skb,
        tag: u64,
        edit: impl FnOnce(&mut Vec<TxDesc>),
    ) -> Result<(), XmitError> {
        if !self.initialized {
            return Err(XmitError::NotInitialized);
        }
        let skip = self.cfg.skip_empty_frags;
        let frags: Vec<_> = skb
            .frags
            .iter()
            .enumerate()
            .filter(|(_, f)| !(skip && f.data.is_empty()))
            .collect();
        if skb.head_align >= PAGE_SIZE {
            return Err(XmitError::HeadAlign(skb.head_align));
        }
        for &(index, f) in &frags {
            if f.page_offset >= PAGE_SIZE
                || f.page_offset as usize + f.data.len() > PAGE_SIZE as usize
            {
                return Err(XmitError::FragCrossesPage {
                    index,
                    page_offset: f.page_offset,
                    len: f.data.len(),
                });
            }
        }
        let head_descs = skb.head.len().div_ceil(MAX_BUF_LEN).max(1);
        let needed = head_descs + frags.len();
        let limit = self.max_desc.min(self.ring_size() - 1);
        if needed > limit {
            return Err(XmitError::TooManyBuffers {
                buffers: needed,
                max: limit,
            });
        }
        if needed > self.free_slots() {
            return Err(XmitError::RingFull {
                needed,
                free: self.free_slots(),
            });
        }

        // The head takes whole pages from its alignment on; every frag gets a page of its own.
        let page = PAGE_SIZE as usize;
        let head_pages = (skb.head_align as usize + skb.head.len())
            .div_ceil(page)
            .max(1);
        let n_pages = head_pages + frags.len();
        if n_pages > self.pages.pages {
            return Err(XmitError::SkbTooLarge {
                needed: n_pages,
                capacity: self.pages.pages,
            });
        }
        let alloc = self.pages.alloc(n_pages).ok_or(XmitError::NoBufferSpace {
            needed: n_pages,
            free: self.pages.free_pages(),
        })?;

        let mut descs = Vec::with_capacity(needed);
        let head_addr = self.pages.page_addr(alloc.start) + u64::from(skb.head_align);
        host.mem_write(head_addr, &skb.head);
        let mut off = 0;
        loop {
            let len = (skb.head.len() - off).min(MAX_BUF_LEN);
            descs.push(TxDesc {
                buf_addr: head_addr + off as u64,
                buf_len: len as u16,
                cookie: tag,
                ..Default::default()
            });
            off += len;
            if off >= skb.head.len() {
                break;
            }
        }
        for (i, &(_, f)) in frags.iter().enumerate() {
            let addr =
                self.pages.page_addr(alloc.start + head_pages + i) + u64::from(f.page_offset);
            host.mem_write(addr, &f.data);
            descs.push(TxDesc {
                buf_addr: addr,
                // At most 4096: checked against the page above.
                buf_len: f.data.len() as u16,
                cookie: tag,
                ..Default::default()
            });
        }
        let first = &mut descs[0];
        first.flags |= flags::SOP;
        if skb.ufo_size > 0 {
            first.flags |= flags::UFO;
            first.ufo_size = skb.ufo_size;
        }
        if let Some(gso_size) = skb.uso_gso_size {
            first.flags |= flags::USO;
            first.ufo_size = gso_size;
        }
        if let Some(c) = skb.csum {
            first.flags |= flags::CSUM;
            first.csum_start = c.start;
            first.csum_offset = c.offset;
        }
        if let Some(tci) = skb.vlan_insert {
            first.flags |= flags::VLAN_INS;
            first.vlan_tci = tci;
        }
        first.ip6_frag_id = skb.ip6_frag_id;
        if let Some(last) = descs.last_mut() {
            last.flags |= flags::EOP;
        }

        edit(&mut descs);
        if let Err(e) = self.check_chain_fits(descs.len()) {
            self.pages.rollback(alloc);
            return Err(e);
        }
        self.post(host, &descs, tag, false, Some(alloc))
    }

    /// Posts a hand-made descriptor chain as is (buffer addresses, flags and all), for error
    /// tests. No buffers are allocated; the device may report it as several packets, or merge it
    /// with the next chain, and [`Self::poll`] copes with either.
    pub fn raw_post(
        &mut self,
        host: &mut impl Host,
        descs: &[TxDesc],
        tag: u64,
    ) -> Result<(), XmitError> {
        if !self.initialized {
            return Err(XmitError::NotInitialized);
        }
        self.check_chain_fits(descs.len())?;
        self.post(host, descs, tag, true, None)
    }

    fn check_chain_fits(&self, n: usize) -> Result<(), XmitError> {
        if n == 0 {
            return Err(XmitError::EmptyChain);
        }
        if n > self.ring_size() - 1 {
            return Err(XmitError::TooManyBuffers {
                buffers: n,
                max: self.ring_size() - 1,
            });
        }
        if n > self.free_slots() {
            return Err(XmitError::RingFull {
                needed: n,
                free: self.free_slots(),
            });
        }
        Ok(())
    }

    /// Writes the descriptors at the tail (in as few memory writes as the wrap allows) and rings
    /// the doorbell.
    fn post(
        &mut self,
        host: &mut impl Host,
        descs: &[TxDesc],
        tag: u64,
        raw: bool,
        alloc: Option<PageAlloc>,
    ) -> Result<(), XmitError> {
        let mask = self.ring_size() - 1;
        let first = self.tail;
        let mut i = 0;
        while i < descs.len() {
            let slot = usize::from(self.tail.wrapping_add(i as u16)) & mask;
            let run = (descs.len() - i).min(self.ring_size() - slot);
            let bytes: Vec<u8> = descs[i..i + run].iter().flat_map(|d| d.encode()).collect();
            host.mem_write(self.cfg.tx_ring_base + (slot * DESC_BYTES) as u64, &bytes);
            i += run;
        }
        // At most the ring size - 1 (< 32768): checked by check_chain_fits.
        let count = descs.len() as u16;
        self.tail = self.tail.wrapping_add(count);
        // TX_TAIL takes the ring slot (0..N-1), never the free-running index
        self.posted.push_back(Posted {
            tag,
            first,
            count,
            raw,
            started: false,
            alloc,
        });
        host.reg_write(regs::TX_TAIL, u32::from(self.tail) & mask as u32)?;
        Ok(())
    }

    /// Reads every new completion (by PHASE), matches it to the posted chains, reclaims
    /// descriptor slots and buffers of wholly consumed chains. Unexpected device behaviour is
    /// recorded (see [`Self::take_errors`]) and never panics.
    pub fn poll(&mut self, host: &mut impl Host) -> Vec<TxDone> {
        let mut done = Vec::new();
        if !self.initialized {
            return done;
        }
        let size = self.ring_size() as u32;
        // At most one lap per call: no more completions can be outstanding than descriptors,
        // and a device that never flips PHASE must not make this loop forever.
        for _ in 0..size {
            let slot = self.cpl_next % size;
            let addr = self.cfg.cpl_ring_base + u64::from(slot) * CPL_BYTES as u64;
            let raw = host.mem_read(addr, CPL_BYTES);
            let Ok(bytes) = <[u8; CPL_BYTES]>::try_from(raw.as_slice()) else {
                break; // a host that returned a short read: nothing usable
            };
            let c = Completion::decode(&bytes);
            if c.phase() != self.cpl_phase {
                break;
            }
            self.cpl_next = self.cpl_next.wrapping_add(1);
            if slot == size - 1 {
                self.cpl_phase = !self.cpl_phase;
            }
            if let Some(d) = self.account(c) {
                done.push(d);
            }
        }
        done
    }

    /// The interrupt handler (call it while `irq` is high): acknowledges `IRQ_STATUS`; on `ERR`
    /// reads `ERR_CNT[CPL_WRITE_ERR]`, and when it moved since the last look takes the lost
    /// completion records ([`Driver::recover_lost_completions`]). Returns the bits found and
    /// the chains finished.
    pub fn handle_irq(&mut self, host: &mut impl Host) -> Result<(u32, Vec<TxDone>), RegError> {
        let bits = self.ack_irq(host)?;
        if bits & regs::IRQ_ERR == 0 {
            return Ok((bits, Vec::new()));
        }
        let refused = host.reg_read(regs::err_cnt(regs::event::CPL_WRITE_ERR))?;
        if refused == self.cpl_write_errors {
            return Ok((bits, Vec::new()));
        }
        self.cpl_write_errors = refused;
        Ok((bits, self.recover_lost_completions(host)?))
    }

    /// Takes the completion records a refused write lost. A completion write answered
    /// SLVERR/DECERR stores nothing: the slot keeps its old PHASE, so [`Driver::poll`] stops
    /// there for good, while the device counts it (`ERR_CNT[CPL_WRITE_ERR]`, `IRQ_STATUS.ERR`)
    /// and moves on. Reads `CPL_HEAD` and `TX_HEAD` (again, until `CPL_HEAD` reads the same
    /// before and after: both move on the same edge), then walks every slot before `CPL_HEAD`
    /// (each has had its write response): records present are taken as `poll` takes them; a
    /// run of missing ones consumed the descriptors up to the next record's `desc_index`, or
    /// up to `TX_HEAD` at the end, and those chains come back with [`TxDone::lost`] set.
    pub fn recover_lost_completions(
        &mut self,
        host: &mut impl Host,
    ) -> Result<Vec<TxDone>, RegError> {
        if !self.initialized {
            return Ok(Vec::new());
        }
        let ((slot, phase), tx_head) = loop {
            let before = self.cpl_head(host)?;
            let tx_head = (host.reg_read(regs::TX_HEAD)? & regs::TX_HEAD_INDEX_MASK) as u16;
            if self.cpl_head(host)? == before {
                break (before, tx_head);
            }
        };
        let size = self.ring_size() as u32;
        let mut written = (u32::from(slot) + size - self.cpl_next % size) % size;
        if written == 0 && phase != self.cpl_phase {
            written = size;
        }
        let mut done = Vec::new();
        let mut missing = false;
        for _ in 0..written {
            let at = self.cfg.cpl_ring_base + u64::from(self.cpl_next % size) * CPL_BYTES as u64;
            let raw = host.mem_read(at, CPL_BYTES);
            let c = <[u8; CPL_BYTES]>::try_from(raw.as_slice())
                .map(|b| Completion::decode(&b))
                .ok()
                .filter(|c| c.phase() == self.cpl_phase);
            let lap_phase = self.cpl_phase;
            if self.cpl_next % size == size - 1 {
                self.cpl_phase = !self.cpl_phase;
            }
            self.cpl_next = self.cpl_next.wrapping_add(1);
            match c {
                None => {
                    // The slot still holds the PHASE of the lap before, which is the PHASE the
                    // next lap waits for: stamp it with this lap's, or `poll` would take the
                    // stale record a lap from now.
                    let stamp = Completion {
                        desc_index: 0,
                        desc_count: 0,
                        status: Status::Ok,
                        flags: if lap_phase { CPL_FLAG_PHASE } else { 0 },
                        frames: 0,
                        wire_bytes: 0,
                        reserved: 0,
                    };
                    host.mem_write(at, &stamp.encode());
                    missing = true;
                }
                Some(c) => {
                    if std::mem::take(&mut missing) {
                        done.extend(self.reclaim_lost(c.desc_index));
                    }
                    done.extend(self.account(c));
                }
            }
        }
        if missing {
            // TX_HEAD is the ring slot after the last consumed descriptor.
            let n = self.ring_size() as u16;
            let consumed = (tx_head.wrapping_sub(self.cons % n)).wrapping_add(n) % n;
            done.extend(self.reclaim_lost(self.cons.wrapping_add(consumed)));
        }
        Ok(done)
    }

    /// The device consumed the descriptors from `cons` up to `end` under completion records
    /// that were lost: reclaims them chain by chain, one lost [`TxDone`] per chain (part).
    fn reclaim_lost(&mut self, end: u16) -> Vec<TxDone> {
        let mut done = Vec::new();
        while self.cons != end {
            let Some(chain) = self
                .posted
                .iter()
                .find(|p| self.cons.wrapping_sub(p.first) < p.count)
            else {
                break; // past every posted chain: `account` reports what is wrong
            };
            let left_in_chain = chain.count - self.cons.wrapping_sub(chain.first);
            let count = left_in_chain.min(end.wrapping_sub(self.cons));
            let c = Completion {
                desc_index: self.cons,
                desc_count: count,
                status: Status::Ok,
                flags: 0,
                frames: 0,
                wire_bytes: 0,
                reserved: 0,
            };
            let Some(mut d) = self.account(c) else { break };
            d.lost = true;
            done.push(d);
        }
        done
    }

    /// Matches one completion against the posted chains and reclaims what it finished.
    fn account(&mut self, c: Completion) -> Option<TxDone> {
        if c.reserved != 0 {
            self.errors.push(DriverError::ReservedNotZero(c));
        }
        let Some(oldest) = self.posted.front().map(|p| p.first) else {
            self.errors.push(DriverError::Unexpected(c));
            return None;
        };
        if c.desc_index != self.cons {
            self.errors.push(DriverError::OutOfOrder {
                expected: self.cons,
                completion: c,
            });
        }
        if c.desc_count == 0 {
            self.errors.push(DriverError::ZeroCount(c));
        }
        // Positions relative to the oldest unreclaimed descriptor, so wrapping is harmless.
        let outstanding = self.tail.wrapping_sub(oldest);
        let start_rel = c.desc_index.wrapping_sub(oldest);
        let end_rel = u32::from(start_rel) + u32::from(c.desc_count);
        if u32::from(start_rel) >= u32::from(outstanding) || end_rel > u32::from(outstanding) {
            self.errors.push(DriverError::BeyondTail {
                tail: self.tail,
                completion: c,
            });
        }
        // The chain holding the completion's first descriptor names the packet.
        let owner = match self
            .posted
            .iter_mut()
            .find(|p| c.desc_index.wrapping_sub(p.first) < p.count)
        {
            Some(p) => {
                p.started = true;
                Some(p.clone())
            }
            None => self.posted.front().cloned(),
        };
        let done = owner.as_ref().map(|p| TxDone {
            tag: p.tag,
            completion: c,
            expected_index: p.first,
            expected_count: p.count,
            lost: false,
        });
        if let (Some(p), Some(d)) = (&owner, &done) {
            if !p.raw && !d.matches_posted() {
                self.errors.push(DriverError::CompletionMismatch {
                    tag: d.tag,
                    expected_index: d.expected_index,
                    expected_count: d.expected_count,
                    completion: c,
                });
            }
        }

        // Trust the device's account of what it consumed, but never past the tail.
        let consumed_rel = end_rel.min(u32::from(outstanding)) as u16;
        let new_cons = oldest.wrapping_add(consumed_rel);
        if new_cons.wrapping_sub(oldest) > self.cons.wrapping_sub(oldest) {
            self.cons = new_cons;
        }
        let consumed = self.cons.wrapping_sub(oldest);
        while let Some(p) = self.posted.front() {
            let end = p.first.wrapping_add(p.count).wrapping_sub(oldest);
            if end > consumed {
                break;
            }
            if let Some(a) = p.alloc {
                self.pages.free(a);
            }
            if !p.started && !p.raw {
                self.errors.push(DriverError::Swallowed {
                    tag: p.tag,
                    completion: c,
                });
            }
            self.posted.pop_front();
        }
        done
    }

    /// Device misbehaviour recorded since the last call.
    pub fn take_errors(&mut self) -> Vec<DriverError> {
        std::mem::take(&mut self.errors)
    }

    /// Device misbehaviour recorded and not yet taken.
    pub fn errors(&self) -> &[DriverError] {
        &self.errors
    }

    /// Chains posted and not wholly consumed.
    pub fn in_flight(&self) -> usize {
        self.posted.len()
    }

    /// Descriptor slots free for posting: the ring holds at most N - 1 posted descriptors
    /// (TX_TAIL is a slot, and tail == head means empty).
    pub fn free_slots(&self) -> usize {
        self.ring_size() - 1 - usize::from(self.tail.wrapping_sub(self.cons))
    }

    /// Producer index: the first descriptor index of the next chain posted.
    pub fn tail_index(&self) -> u16 {
        self.tail
    }

    /// Consumer index as the completions read so far tell it (TX_HEAD may be ahead).
    pub fn consumer_index(&self) -> u16 {
        self.cons
    }

    /// Buffer pages free now.
    pub fn free_buffer_pages(&self) -> usize {
        self.pages.free_pages()
    }

    /// Buffer pages in the whole area.
    pub fn buffer_pages(&self) -> usize {
        self.pages.pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ring_fifo_and_wrap() {
        let mut r = PageRing::new(0x1001, 10 * 4096);
        assert_eq!(r.base, 0x2000, "base rounded up to a page");
        assert_eq!(r.pages, 9, "the partial first page is lost");
        let a = r.alloc(4).unwrap();
        let b = r.alloc(4).unwrap();
        assert_eq!((a.start, b.start), (0, 4));
        assert!(
            r.alloc(2).is_none(),
            "only 1 page left at the end, none at the start"
        );
        r.free(a);
        let c = r.alloc(3).unwrap();
        assert_eq!(
            (c.start, c.skipped),
            (0, 1),
            "wraps, skipping the last page"
        );
        assert_eq!(r.free_pages(), 1);
        r.free(b);
        r.free(c);
        assert_eq!(r.free_pages(), 9);
        let d = r.alloc(9).unwrap();
        assert_eq!(d.start, 0, "an empty ring restarts at page 0");
        r.rollback(d);
        assert_eq!(r.free_pages(), 9);
        assert!(r.alloc(10).is_none());
    }

    #[test]
    fn page_ring_rollback_after_wrap() {
        let mut r = PageRing::new(0, 8 * 4096);
        let a = r.alloc(6).unwrap();
        let b = r.alloc(1).unwrap();
        assert_eq!(b.start, 6);
        r.free(a);
        let c = r.alloc(3).unwrap(); // skips page 7, takes 0..3
        assert_eq!((c.start, c.skipped), (0, 1));
        assert_eq!(r.free_pages(), 8 - 1 - 4);
        r.rollback(c);
        assert_eq!(r.head, 7);
        assert_eq!(r.free_pages(), 7);
        let d = r.alloc(1).unwrap();
        assert_eq!((d.start, d.skipped), (7, 0));
        r.free(b);
        r.free(d);
        assert_eq!(r.free_pages(), 8);
    }
}
