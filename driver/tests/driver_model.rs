//! The driver model against a fake device: a paged memory plus registers that consume
//! descriptors and write completions as docs/architecture.md says (no fragmentation: it gathers
//! each packet's bytes so the test can compare them with the skb).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use ufo_driver::desc::{flags, regs, Completion, Status, TxDesc, CPL_BYTES, DESC_BYTES};
use ufo_driver::driver::{
    Driver, DriverConfig, DriverError, Host, InitError, RegAccess, RegError, RegFault, TxDone,
    XmitError,
};
use ufo_driver::gen::{random_datagram, GenConfig};
use ufo_driver::packet::{DatagramSpec, PacketSpec, TxPacket, UdpCsum};
use ufo_driver::skb::{CsumOffload, Skb, SkbFrag};
use ufo_driver::skb_build::{from_datagram_ufo, from_frame, FragLayout};

const PAGE: u64 = 4096;
const MAX_DESC: usize = 32;

/// What the fake device saw for one packet.
#[derive(Debug, Clone)]
struct Seen {
    descs: Vec<TxDesc>,
    bytes: Vec<u8>,
}

#[derive(Default)]
struct FakeDevice {
    pages: HashMap<u64, Box<[u8; PAGE as usize]>>,
    id: u32,
    ctrl: u32,
    tx_base: u64,
    cpl_base: u64,
    log2: u32,
    tail: u16,
    head: u16,
    irq_status: u32,
    irq_mask: u32,
    cpl_count: u32,
    /// Packets gathered, in completion order.
    seen: Vec<Seen>,
    /// Added to every desc_count written (a lying device).
    count_skew: u16,
    /// Accesses to this register offset fail so (a broken register bus).
    broken_reg: Option<(u32, RegFault)>,
    /// Completion records (numbered from 0 since the ring reset) whose write the host refuses:
    /// nothing is stored, the device counts it in `ERR_CNT[CPL_WRITE_ERR]` and raises `ERR`.
    refused_cpls: Vec<u32>,
    cpl_write_errors: u32,
}

impl FakeDevice {
    fn new() -> Self {
        Self {
            id: regs::ID_VALUE,
            ..Default::default()
        }
    }

    fn read(&self, addr: u64, len: usize) -> Vec<u8> {
        (0..len as u64)
            .map(|i| {
                let a = addr + i;
                self.pages
                    .get(&(a / PAGE))
                    .map_or(0, |p| p[(a % PAGE) as usize])
            })
            .collect()
    }

    fn write(&mut self, addr: u64, data: &[u8]) {
        for (i, &b) in data.iter().enumerate() {
            let a = addr + i as u64;
            self.pages
                .entry(a / PAGE)
                .or_insert_with(|| Box::new([0; PAGE as usize]))[(a % PAGE) as usize] = b;
        }
    }

    fn desc(&self, index: u16) -> TxDesc {
        let slot = u64::from(index) & ((1 << self.log2) - 1);
        let b = self.read(self.tx_base + slot * DESC_BYTES as u64, DESC_BYTES);
        TxDesc::decode(&b.try_into().unwrap())
    }

    /// Ring reset: both rings start over at slot 0.
    fn ring_reset(&mut self) {
        self.tail = 0;
        self.head = 0;
        self.cpl_count = 0;
    }

    /// Processes up to `max` packets; returns how many completed.
    fn run(&mut self, max: usize) -> usize {
        let mut n = 0;
        while n < max && self.ctrl & regs::CTRL_ENABLE != 0 {
            let avail = self.tail.wrapping_sub(self.head) as usize;
            if avail == 0 {
                break;
            }
            let mut descs = Vec::new();
            let mut status = Status::Ok;
            loop {
                if descs.len() == avail {
                    return n; // chain not complete yet: wait for more descriptors
                }
                let d = self.desc(self.head.wrapping_add(descs.len() as u16));
                descs.push(d);
                let first = descs.len() == 1;
                // Unlike the engine, which leaves a SOP inside a chain for the next packet, this
                // device swallows it: the driver must notice (DriverError::Swallowed).
                if first != d.sop() {
                    status = if first {
                        Status::ChainNoSop
                    } else {
                        Status::ChainSopInside
                    };
                    break;
                }
                if d.eop() {
                    break;
                }
                if descs.len() == MAX_DESC {
                    status = Status::ChainNoEop;
                    break;
                }
            }
            let mut bytes = Vec::new();
            if status == Status::Ok {
                for d in &descs {
                    bytes.extend(self.read(d.buf_addr, usize::from(d.buf_len)));
                }
            }
            let count = descs.len() as u16;
            let size = 1u32 << self.log2;
            let cpl = Completion {
                desc_index: self.head,
                desc_count: count + self.count_skew,
                status,
                flags: u8::from((self.cpl_count / size).is_multiple_of(2)),
                frames: u16::from(status == Status::Ok),
                wire_bytes: bytes.len() as u32,
                reserved: 0,
            };
            let slot = u64::from(self.cpl_count % size);
            if self.refused_cpls.contains(&self.cpl_count) {
                self.cpl_write_errors += 1;
                self.irq_status |= regs::IRQ_ERR;
            } else {
                self.write(self.cpl_base + slot * CPL_BYTES as u64, &cpl.encode());
            }
            self.cpl_count += 1;
            self.head = self.head.wrapping_add(count);
            self.irq_status |= regs::IRQ_CPL | if status.is_error() { regs::IRQ_ERR } else { 0 };
            self.seen.push(Seen { descs, bytes });
            n += 1;
        }
        n
    }
}

impl Host for FakeDevice {
    fn mem_write(&mut self, addr: u64, data: &[u8]) {
        self.write(addr, data);
    }
    fn mem_read(&mut self, addr: u64, len: usize) -> Vec<u8> {
        self.read(addr, len)
    }
    fn reg_write(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        self.check_reg(RegAccess::Write { offset, value })?;
        let lo = |old: u64| (old & !0xFFFF_FFFF) | u64::from(value);
        let hi = |old: u64| (old & 0xFFFF_FFFF) | (u64::from(value) << 32);
        match offset {
            regs::CTRL => {
                self.ctrl = value & regs::CTRL_ENABLE;
                if value & regs::CTRL_SOFT_RESET != 0 {
                    self.ring_reset();
                }
            }
            // ring registers: taken only while quiesced (this device is idle between calls),
            // and then they reset the ring indices
            regs::TX_RING_BASE_LO
            | regs::TX_RING_BASE_HI
            | regs::CPL_RING_BASE_LO
            | regs::CPL_RING_BASE_HI
            | regs::TX_RING_LOG2
                if self.ctrl & regs::CTRL_ENABLE != 0 => {}
            regs::TX_RING_BASE_LO => {
                self.tx_base = lo(self.tx_base);
                self.ring_reset();
            }
            regs::TX_RING_BASE_HI => {
                self.tx_base = hi(self.tx_base);
                self.ring_reset();
            }
            regs::CPL_RING_BASE_LO => {
                self.cpl_base = lo(self.cpl_base);
                self.ring_reset();
            }
            regs::CPL_RING_BASE_HI => {
                self.cpl_base = hi(self.cpl_base);
                self.ring_reset();
            }
            regs::TX_RING_LOG2 => {
                self.log2 = value & 0xF;
                self.ring_reset();
            }
            // TX_TAIL is a ring slot; a write outside the ring or moving the tail back is ignored
            regs::TX_TAIL => {
                let mask = (1u16 << self.log2) - 1;
                let (new, old) = (
                    (value as u16).wrapping_sub(self.head) & mask,
                    self.tail.wrapping_sub(self.head) & mask,
                );
                if value <= u32::from(mask) && new >= old {
                    self.tail = self.head.wrapping_add(new);
                }
            }
            regs::IRQ_STATUS => self.irq_status &= !value,
            regs::IRQ_MASK => self.irq_mask = value,
            _ => {}
        }
        Ok(())
    }
    fn reg_read(&mut self, offset: u32) -> Result<u32, RegError> {
        self.check_reg(RegAccess::Read { offset })?;
        Ok(match offset {
            regs::ID => self.id,
            regs::CONFIG => 64 | ((MAX_DESC as u32) << 16) | ((128 / 8) << 24),
            regs::CTRL => self.ctrl,
            regs::STATUS => regs::STATUS_IDLE,
            regs::TX_HEAD => u32::from(self.head & ((1 << self.log2) - 1)),
            regs::TX_TAIL => u32::from(self.tail & ((1 << self.log2) - 1)),
            regs::IRQ_STATUS => self.irq_status,
            regs::IRQ_MASK => self.irq_mask,
            regs::CPL_HEAD => {
                let size = 1u32 << self.log2;
                let phase = (self.cpl_count / size).is_multiple_of(2);
                (self.cpl_count % size) | if phase { regs::CPL_HEAD_PHASE } else { 0 }
            }
            o if o == regs::err_cnt(regs::event::CPL_WRITE_ERR) => self.cpl_write_errors,
            _ => 0,
        })
    }
}

impl FakeDevice {
    fn check_reg(&self, access: RegAccess) -> Result<(), RegError> {
        let offset = match access {
            RegAccess::Read { offset } | RegAccess::Write { offset, .. } => offset,
        };
        match &self.broken_reg {
            Some((o, fault)) if *o == offset => Err(RegError {
                access,
                fault: fault.clone(),
            }),
            _ => Ok(()),
        }
    }
}

fn config(ring_log2: u8, buf_pages: u64) -> DriverConfig {
    DriverConfig {
        ring_log2,
        tx_ring_base: 0x1_0000_0000, // above 4 GiB: the HI registers matter
        cpl_ring_base: 0x2_0000,
        buf_base: 0x10_0000,
        buf_bytes: buf_pages * PAGE,
        skip_empty_frags: false,
    }
}

fn started(cfg: DriverConfig) -> (Driver, FakeDevice) {
    let mut dev = FakeDevice::new();
    let mut drv = Driver::new(cfg);
    drv.init(&mut dev).unwrap();
    (drv, dev)
}

/// A linear skb of `len` bytes whose content identifies `tag`.
fn linear(len: usize, tag: u64) -> Skb {
    Skb {
        head: (0..len).map(|i| (i as u64 * 3 + tag) as u8).collect(),
        head_align: 2,
        ..Default::default()
    }
}

/// Checks what the device gathered for one completed chain against the skb it came from.
fn check_placement(seen: &Seen, skb: &Skb, tag: u64, skip_empty: bool) {
    assert_eq!(seen.bytes, skb.to_bytes(), "tag {tag}: gathered bytes");
    let frags: Vec<&SkbFrag> = skb
        .frags
        .iter()
        .filter(|f| !(skip_empty && f.data.is_empty()))
        .collect();
    let head_descs = skb.head.len().div_ceil(65535).max(1);
    assert_eq!(seen.descs.len(), head_descs + frags.len(), "tag {tag}");
    assert_eq!(seen.descs[0].buf_addr % PAGE, u64::from(skb.head_align));
    for (d, f) in seen.descs[head_descs..].iter().zip(&frags) {
        assert_eq!(d.buf_addr % PAGE, u64::from(f.page_offset), "tag {tag}");
        assert_eq!(usize::from(d.buf_len), f.data.len());
    }
    for (i, d) in seen.descs.iter().enumerate() {
        assert_eq!(d.cookie, tag);
        assert_eq!(d.sop(), i == 0);
        assert_eq!(d.eop(), i + 1 == seen.descs.len());
        assert_eq!(d.flags & !flags::ALL, 0, "reserved flag bits");
    }
    let first = &seen.descs[0];
    assert_eq!(first.flags & flags::UFO != 0, skb.ufo_size > 0);
    assert_eq!(first.flags & flags::USO != 0, skb.uso_gso_size.is_some());
    assert_eq!(first.ufo_size, skb.uso_gso_size.unwrap_or(skb.ufo_size));
    assert_eq!(first.flags & flags::CSUM != 0, skb.csum.is_some());
    if let Some(c) = skb.csum {
        assert_eq!((first.csum_start, first.csum_offset), (c.start, c.offset));
    }
    assert_eq!(
        first.flags & flags::VLAN_INS != 0,
        skb.vlan_insert.is_some()
    );
    assert_eq!(first.ip6_frag_id, skb.ip6_frag_id);
}

#[test]
fn init_programs_the_device() {
    let (drv, dev) = started(config(6, 64));
    assert_eq!(dev.tx_base, 0x1_0000_0000);
    assert_eq!(dev.cpl_base, 0x2_0000);
    assert_eq!(dev.log2, 6);
    assert_eq!(dev.ctrl, regs::CTRL_ENABLE);
    // completions are polled: only errors and faults interrupt
    assert_eq!(dev.irq_mask, regs::IRQ_ERR | regs::IRQ_FAULT);
    assert_eq!(drv.ring_size(), 64);
    assert_eq!(
        drv.free_slots(),
        63,
        "the ring holds N - 1 posted descriptors"
    );
    assert_eq!(drv.max_desc(), 32);
    assert_eq!(drv.in_flight(), 0);

    let mut bad = FakeDevice::new();
    bad.id = 0x1234_5678;
    assert_eq!(
        Driver::new(config(6, 64)).init(&mut bad),
        Err(InitError::BadId { found: 0x1234_5678 })
    );
    let mut busy = FakeDevice::new();
    busy.log2 = 6;
    busy.head = 5;
    assert_eq!(
        Driver::new(config(6, 64)).init(&mut busy),
        Err(InitError::NotReset(5))
    );
    assert_eq!(
        Driver::new(config(0, 64)).init(&mut FakeDevice::new()),
        Err(InitError::BadRingLog2(0))
    );
    let mut c = config(4, 64);
    c.cpl_ring_base = 0x2_0008;
    assert!(matches!(
        Driver::new(c).init(&mut FakeDevice::new()),
        Err(InitError::Misaligned { .. })
    ));
    let mut uninit = Driver::new(config(4, 64));
    assert_eq!(
        uninit.xmit(&mut FakeDevice::new(), &linear(60, 0), 0),
        Err(XmitError::NotInitialized)
    );
}

#[test]
fn ufo_skb_descriptors_and_placement() {
    let spec = DatagramSpec {
        payload: (0..9000).map(|i| i as u8).collect(),
        ..Default::default()
    };
    for layout in [
        FragLayout::SeedPages,
        FragLayout::Linear,
        FragLayout::Random { seed: 1 },
        FragLayout::Random { seed: 2 },
    ] {
        let mut skb = from_datagram_ufo(&spec, 1500, layout).unwrap();
        skb.ip6_frag_id = 0xabcd_ef01;
        skb.vlan_insert = Some(0x0123);
        let (mut drv, mut dev) = started(config(6, 64));
        drv.xmit(&mut dev, &skb, 77).unwrap();
        assert_eq!(dev.run(10), 1);
        check_placement(&dev.seen[0], &skb, 77, false);
        assert_eq!(dev.seen[0].descs[0].vlan_tci, 0x0123);
        let done = drv.poll(&mut dev);
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].tag, 77);
        assert!(done[0].matches_posted());
        assert_eq!(done[0].completion.status, Status::Ok);
        assert_eq!(drv.in_flight(), 0);
        assert_eq!(drv.free_buffer_pages(), drv.buffer_pages());
        assert!(drv.errors().is_empty());
    }
}

/// A USO super-frame as the kernel builds it for `UDP_SEGMENT`: flag bit 5, `gso_size` in
/// descriptor bytes 12..13, CSUM at the UDP check field, the seed over the full UDP length.
#[test]
fn uso_skb_descriptors() {
    let spec = DatagramSpec {
        payload: (0..20000).map(|i| i as u8).collect(),
        vlan: vec![0x0064],
        udp_csum: UdpCsum::Full,
        ..Default::default()
    };
    let l4 = spec.l4_offset();
    let tx = TxPacket {
        vlan_insert: Some(0x0123),
        ..TxPacket::uso(PacketSpec::Udp4(spec.clone()), 1468)
    };
    for layout in [
        FragLayout::SeedPages,
        FragLayout::Linear,
        FragLayout::Random { seed: 3 },
    ] {
        let skb = tx.skb(layout).unwrap();
        assert_eq!(skb.uso_gso_size, Some(1468));
        assert_eq!(skb.ufo_size, 0);
        assert_eq!(
            skb.csum,
            Some(CsumOffload {
                start: l4 as u16,
                offset: 6
            })
        );
        // The check field holds the seed: the pseudo-header over the full UDP length.
        let bytes = skb.to_bytes();
        assert_eq!(bytes, spec.with_csum(UdpCsum::Seed).frame());
        let (mut drv, mut dev) = started(config(6, 64));
        drv.xmit(&mut dev, &skb, 9).unwrap();
        assert_eq!(dev.run(10), 1);
        check_placement(&dev.seen[0], &skb, 9, false);
        let raw = dev.seen[0].descs[0].encode();
        assert_eq!(
            u16::from_le_bytes([raw[10], raw[11]]) & (1 << 5),
            1 << 5,
            "USO bit"
        );
        assert_eq!(u16::from_le_bytes([raw[12], raw[13]]), 1468, "gso_size");
        assert_eq!(
            u16::from_le_bytes([raw[16], raw[17]]),
            l4 as u16,
            "csum_start"
        );
        assert_eq!(u16::from_le_bytes([raw[18], raw[19]]), 6, "csum_offset");
        assert_eq!(drv.poll(&mut dev).len(), 1);
    }
}

#[test]
fn empty_frags_posted_or_skipped() {
    let skb = Skb {
        head: vec![1; 60],
        head_align: 66,
        frags: vec![
            SkbFrag {
                page_offset: 10,
                data: vec![],
            },
            SkbFrag {
                page_offset: 4095,
                data: vec![2],
            },
            SkbFrag {
                page_offset: 0,
                data: vec![],
            },
        ],
        ..Default::default()
    };
    for skip in [false, true] {
        let mut cfg = config(4, 16);
        cfg.skip_empty_frags = skip;
        let (mut drv, mut dev) = started(cfg);
        drv.xmit(&mut dev, &skb, 5).unwrap();
        dev.run(1);
        assert_eq!(dev.seen[0].descs.len(), if skip { 2 } else { 4 });
        check_placement(&dev.seen[0], &skb, 5, skip);
        assert_eq!(drv.poll(&mut dev).len(), 1);
    }
    // A frag that would cross its page is refused.
    let mut bad = skb.clone();
    bad.frags[1].page_offset = 4096 - 1;
    bad.frags[1].data = vec![1, 2];
    let (mut drv, mut dev) = started(config(4, 16));
    assert!(matches!(
        drv.xmit(&mut dev, &bad, 0),
        Err(XmitError::FragCrossesPage { index: 1, .. })
    ));
}

#[test]
fn head_longer_than_one_descriptor_is_split() {
    let spec = DatagramSpec {
        payload: vec![0xEE; 65535 - 28],
        ..Default::default()
    };
    let skb = from_datagram_ufo(&spec, 1500, FragLayout::Linear).unwrap();
    assert_eq!(skb.head.len(), 65549);
    let (mut drv, mut dev) = started(config(4, 64));
    drv.xmit(&mut dev, &skb, 1).unwrap();
    dev.run(1);
    assert_eq!(dev.seen[0].descs.len(), 2);
    assert_eq!(dev.seen[0].descs[0].buf_len, 65535);
    check_placement(&dev.seen[0], &skb, 1, false);
}

#[test]
fn ring_full_then_reclaimed() {
    // 8 slots (7 usable), 3-buffer skbs: two fit, the third needs 3 of the 1 left.
    let skb = from_frame(&[7u8; 9000], 100, FragLayout::SeedPages).unwrap();
    assert_eq!(skb.buffers(), 4);
    let skb3 = Skb {
        frags: skb.frags[..2].to_vec(),
        ..skb.clone()
    };
    let (mut drv, mut dev) = started(config(3, 64));
    drv.xmit(&mut dev, &skb3, 0).unwrap();
    drv.xmit(&mut dev, &skb3, 1).unwrap();
    assert_eq!(drv.free_slots(), 1);
    assert_eq!(
        drv.xmit(&mut dev, &skb3, 2),
        Err(XmitError::RingFull { needed: 3, free: 1 })
    );
    assert_eq!(drv.tail_index(), 6, "nothing posted by the refused xmit");
    // Completion written but not yet polled: the slots are still held.
    dev.run(1);
    assert_eq!(drv.free_slots(), 1);
    let done = drv.poll(&mut dev);
    assert_eq!(done.iter().map(|d| d.tag).collect::<Vec<_>>(), vec![0]);
    assert_eq!(drv.free_slots(), 4);
    drv.xmit(&mut dev, &skb3, 2).unwrap();
    assert_eq!(drv.in_flight(), 2);
    // An skb with more buffers than the ring can never go.
    let (mut small, mut dev2) = started(config(1, 64));
    assert_eq!(
        small.xmit(&mut dev2, &skb3, 0),
        Err(XmitError::TooManyBuffers { buffers: 3, max: 1 })
    );
}

#[test]
fn too_many_buffers_for_max_desc() {
    let skb = Skb {
        head: vec![0; 64],
        frags: (0..32)
            .map(|i| SkbFrag {
                page_offset: i,
                data: vec![i as u8; 3],
            })
            .collect(),
        ..Default::default()
    };
    let (mut drv, mut dev) = started(config(8, 256));
    assert_eq!(
        drv.xmit(&mut dev, &skb, 0),
        Err(XmitError::TooManyBuffers {
            buffers: 33,
            max: 32
        })
    );
    // With empty frags skipped, the same count of non-empty ones is still too many, but an skb
    // whose extra frags are empty fits.
    let mut cfg = config(8, 256);
    cfg.skip_empty_frags = true;
    let (mut drv, mut dev) = started(cfg);
    let mut sparse = skb.clone();
    for f in &mut sparse.frags[..5] {
        f.data.clear();
    }
    drv.xmit(&mut dev, &sparse, 0).unwrap();
    dev.run(1);
    assert_eq!(dev.seen[0].descs.len(), 28);
}

#[test]
fn buffer_space_busy_too_large_and_rollback() {
    // 8 pages. A 3-frag skb with a one-page head needs 4 pages.
    let skb = from_frame(&[1u8; 100 + 3 * 4096], 100, FragLayout::SeedPages).unwrap();
    let (mut drv, mut dev) = started(config(6, 8));
    drv.xmit(&mut dev, &skb, 0).unwrap();
    drv.xmit(&mut dev, &skb, 1).unwrap();
    assert_eq!(
        drv.xmit(&mut dev, &skb, 2),
        Err(XmitError::NoBufferSpace { needed: 4, free: 0 })
    );
    dev.run(1);
    drv.poll(&mut dev);
    assert_eq!(drv.free_buffer_pages(), 4);
    drv.xmit(&mut dev, &skb, 2).unwrap();
    // Larger than the whole area.
    let huge = from_frame(&vec![1u8; 100 + 8 * 4096], 100, FragLayout::SeedPages).unwrap();
    assert_eq!(
        drv.xmit(&mut dev, &huge, 3),
        Err(XmitError::SkbTooLarge {
            needed: 9,
            capacity: 8
        })
    );
    // An edit that makes the chain too long for the ring gives the pages back.
    dev.run(2);
    drv.poll(&mut dev);
    assert_eq!(drv.free_buffer_pages(), 8);
    let r = drv.xmit_edited(&mut dev, &skb, 4, |d| {
        let extra = d[0];
        d.extend(std::iter::repeat_n(extra, 70));
    });
    assert!(matches!(r, Err(XmitError::TooManyBuffers { .. })));
    assert_eq!(drv.free_buffer_pages(), 8);
    assert_eq!(drv.in_flight(), 0);
}

/// Random skbs through a small ring and a small buffer area, the device completing a random
/// number of packets at a time: ring wrap, PHASE flips, allocator wrap and reclaim.
#[test]
fn long_run_wraps_and_reclaims() {
    let mut rng = ChaCha8Rng::seed_from_u64(0xd21e);
    let mut cfg = config(5, 40);
    cfg.skip_empty_frags = true;
    let (mut drv, mut dev) = started(cfg.clone());
    let gen = GenConfig {
        max_payload: 20000,
        ..Default::default()
    };
    let total = 10_000u64;
    let mut pending: std::collections::VecDeque<(u64, Skb)> = Default::default();
    let (mut next_tag, mut completed, mut busy_ring, mut busy_buf) = (0u64, 0u64, 0, 0);
    let mut phase_flips = 0;
    let mut last_phase = true;
    let mut idle_rounds = 0;
    while completed < total {
        let progress_mark = (next_tag, completed);
        // Post until refused or done.
        while next_tag < total {
            let spec = random_datagram(&mut rng, &gen);
            let layout = match rng.gen_range(0..3) {
                0 => FragLayout::SeedPages,
                1 => FragLayout::Linear,
                _ => FragLayout::Random { seed: rng.gen() },
            };
            let skb = from_datagram_ufo(&spec, 1500, layout).unwrap();
            match drv.xmit(&mut dev, &skb, next_tag) {
                Ok(()) => {
                    pending.push_back((next_tag, skb));
                    next_tag += 1;
                }
                Err(XmitError::RingFull { .. }) => {
                    busy_ring += 1;
                    break;
                }
                Err(XmitError::NoBufferSpace { .. }) => {
                    busy_buf += 1;
                    break;
                }
                Err(e) => panic!("tag {next_tag}: {e}"),
            }
        }
        let before = dev.seen.len();
        dev.run(rng.gen_range(1..=6));
        let done: Vec<TxDone> = drv.poll(&mut dev);
        assert_eq!(
            done.len(),
            dev.seen.len() - before,
            "every completion found"
        );
        for (d, seen) in done.iter().zip(&dev.seen[before..]) {
            let (tag, skb) = pending.pop_front().expect("a completion for a posted skb");
            assert_eq!(d.tag, tag);
            assert!(d.matches_posted(), "{d:?}");
            assert_eq!(d.completion.status, Status::Ok);
            if d.completion.phase() != last_phase {
                phase_flips += 1;
                last_phase = d.completion.phase();
            }
            check_placement(seen, &skb, tag, true);
            completed += 1;
        }
        assert!(drv.errors().is_empty(), "{:?}", drv.errors());
        if (next_tag, completed) == progress_mark {
            idle_rounds += 1;
            assert!(
                idle_rounds < 100,
                "stalled at tag {next_tag}, {completed} completed"
            );
        } else {
            idle_rounds = 0;
        }
        // Keep the fake's memory small: completed packets' records are not needed any more.
        if dev.seen.len() > 1000 {
            dev.seen.clear();
        }
    }
    assert_eq!(drv.in_flight(), 0);
    assert_eq!(drv.free_slots(), drv.ring_size() - 1);
    assert_eq!(drv.free_buffer_pages(), drv.buffer_pages());
    assert_eq!(drv.consumer_index(), dev.head);
    assert!(
        busy_ring > 10 && busy_buf > 10,
        "ring {busy_ring} buf {busy_buf}"
    );
    assert!(phase_flips > 100, "{phase_flips} phase flips");
}

/// A refused completion write leaves its slot with the PHASE of the lap before, the PHASE the
/// next lap waits for: the interrupt handler takes the chain back from `CPL_HEAD`/`TX_HEAD`
/// and must stamp the slot, or `poll` takes the stale record a lap later (posting and polling
/// one packet at a time reaches the slot before the device writes it again).
#[test]
fn refused_completion_writes_are_taken_back_once_over_many_laps() {
    let (mut drv, mut dev) = started(config(3, 16));
    let size = drv.ring_size() as u32;
    dev.refused_cpls = vec![2, 3, 9, 16, 23, 31];
    let laps = 6;
    let (mut lost, mut taken) = (0, 0);
    for tag in 0..u64::from(laps * size) {
        drv.xmit(&mut dev, &linear(60 + tag as usize % 7, tag), tag)
            .unwrap();
        assert_eq!(dev.run(1), 1);
        let mut done = Vec::new();
        if dev.irq_status & regs::IRQ_ERR != 0 {
            let (bits, recovered) = drv.handle_irq(&mut dev).unwrap();
            assert_ne!(bits & regs::IRQ_ERR, 0);
            done.extend(recovered);
        }
        done.extend(drv.poll(&mut dev));
        assert_eq!(
            done.len(),
            1,
            "tag {tag}: exactly its own chain back: {done:?}"
        );
        assert_eq!(done[0].tag, tag);
        assert_eq!(done[0].completion.desc_count, 1);
        lost += usize::from(done[0].lost);
        taken += 1;
        assert!(drv.errors().is_empty(), "tag {tag}: {:?}", drv.errors());
    }
    assert_eq!(lost, dev.refused_cpls.len());
    assert_eq!(taken, laps * size);
    assert_eq!(drv.in_flight(), 0);
    assert_eq!(drv.free_slots(), drv.ring_size() - 1);
}

#[test]
fn malformed_raw_chains_complete_as_errors() {
    let (mut drv, mut dev) = started(config(4, 16));
    // Two descriptors without SOP: the device reports each as its own CHAIN_NO_SOP packet.
    let d = TxDesc {
        buf_addr: 0xdead_0000,
        buf_len: 64,
        ..Default::default()
    };
    drv.raw_post(&mut dev, &[d, d], 10).unwrap();
    assert_eq!(drv.raw_post(&mut dev, &[], 11), Err(XmitError::EmptyChain));
    drv.xmit(&mut dev, &linear(80, 12), 12).unwrap();
    dev.run(10);
    let done = drv.poll(&mut dev);
    let summary: Vec<_> = done
        .iter()
        .map(|d| {
            (
                d.tag,
                d.completion.status,
                d.completion.desc_count,
                d.matches_posted(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (10, Status::ChainNoSop, 1, false),
            (10, Status::ChainNoSop, 1, false),
            (12, Status::Ok, 1, true),
        ]
    );
    assert!(drv.errors().is_empty(), "raw chains may complete partially");
    assert_eq!(drv.in_flight(), 0);
    assert_eq!(drv.free_slots(), 15);
}

#[test]
fn missing_eop_swallows_the_next_chain_and_is_reported() {
    let (mut drv, mut dev) = started(config(4, 16));
    // An xmit whose EOP was edited away, then a one-descriptor packet: the device sees SOP
    // inside the first packet and (unlike the engine) reports both descriptors as one
    // CHAIN_SOP_INSIDE packet.
    drv.xmit_edited(&mut dev, &linear(60, 1), 1, |d| d[0].flags &= !flags::EOP)
        .unwrap();
    drv.xmit(&mut dev, &linear(60, 2), 2).unwrap();
    dev.run(10);
    let done = drv.poll(&mut dev);
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].tag, 1);
    assert_eq!(done[0].completion.status, Status::ChainSopInside);
    assert_eq!(done[0].completion.desc_count, 2);
    let errors = drv.take_errors();
    assert!(
        matches!(
            errors[..],
            [
                DriverError::CompletionMismatch {
                    tag: 1,
                    expected_count: 1,
                    ..
                },
                DriverError::Swallowed { tag: 2, .. }
            ]
        ),
        "{errors:?}"
    );
    assert_eq!(drv.in_flight(), 0);
    assert_eq!(drv.free_buffer_pages(), drv.buffer_pages());
}

#[test]
fn lying_device_is_recorded_not_panicked_on() {
    let (mut drv, mut dev) = started(config(3, 16));
    // desc_count one too many: mismatch, runs past the tail, swallows nothing real.
    dev.count_skew = 1;
    drv.xmit(&mut dev, &linear(60, 0), 0).unwrap();
    dev.run(1);
    let done = drv.poll(&mut dev);
    assert_eq!(done.len(), 1);
    let e = drv.take_errors();
    assert!(
        e.iter()
            .any(|e| matches!(e, DriverError::CompletionMismatch { .. })),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|e| matches!(e, DriverError::BeyondTail { .. })),
        "{e:?}"
    );
    assert_eq!(drv.in_flight(), 0);
    assert_eq!(drv.free_slots(), 7, "never reclaims past the tail");

    // A completion nobody asked for (right PHASE, next slot).
    let bogus = Completion {
        desc_index: 1,
        desc_count: 1,
        status: Status::Ok,
        flags: 1,
        frames: 1,
        wire_bytes: 60,
        reserved: 7,
    };
    dev.write(dev.cpl_base + CPL_BYTES as u64, &bogus.encode());
    assert!(drv.poll(&mut dev).is_empty());
    let e = drv.take_errors();
    assert!(e.contains(&DriverError::ReservedNotZero(bogus)), "{e:?}");
    assert!(e.contains(&DriverError::Unexpected(bogus)), "{e:?}");
}

#[test]
fn irq_ack_clears_what_it_read() {
    let (mut drv, mut dev) = started(config(3, 16));
    drv.raw_post(
        &mut dev,
        &[TxDesc {
            flags: flags::EOP,
            ..Default::default()
        }],
        0,
    )
    .unwrap();
    dev.run(1);
    assert_eq!(drv.ack_irq(&mut dev), Ok(regs::IRQ_CPL | regs::IRQ_ERR));
    assert_eq!(dev.irq_status, 0);
    assert_eq!(drv.ack_irq(&mut dev), Ok(0));
    drv.disable(&mut dev).unwrap();
    assert_eq!(dev.ctrl, 0);
}

#[test]
fn register_faults_are_errors_not_panics() {
    // The ID read of init answers SLVERR.
    let slverr = RegFault::ErrorResponse { resp: 2 };
    let mut dev = FakeDevice::new();
    dev.broken_reg = Some((regs::ID, slverr.clone()));
    let err = Driver::new(config(4, 64)).init(&mut dev).unwrap_err();
    assert_eq!(
        err,
        InitError::Register(RegError {
            access: RegAccess::Read { offset: regs::ID },
            fault: slverr,
        })
    );
    assert_eq!(
        err.to_string(),
        "register read of ID (0x00): error response 2 (SLVERR)"
    );
    // The doorbell of a transmit never completes.
    let (mut drv, mut dev) = started(config(4, 64));
    dev.broken_reg = Some((regs::TX_TAIL, RegFault::NoResponse { cycles: 1000 }));
    let err = drv.xmit(&mut dev, &linear(60, 0), 7).unwrap_err();
    assert_eq!(
        err.to_string(),
        "register write of 0x1 to TX_TAIL (0x1c): no response within 1000 cycles"
    );
    assert!(matches!(err, XmitError::Register(_)));
    // IRQ acknowledge and disable report theirs too.
    dev.broken_reg = Some((regs::IRQ_STATUS, RegFault::NoResponse { cycles: 5 }));
    assert!(drv.ack_irq(&mut dev).is_err());
    dev.broken_reg = Some((regs::CTRL, RegFault::ErrorResponse { resp: 3 }));
    let err = drv.disable(&mut dev).unwrap_err();
    assert!(
        err.to_string().ends_with("error response 3 (DECERR)"),
        "{err}"
    );
}
