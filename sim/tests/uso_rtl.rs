//! USO through the RTL: super-frames posted with the USO descriptor flag (bit 5), gso_size in
//! `ufo_size`, CSUM at the UDP check field; every segment checked byte for byte against an
//! independent segmentation written here from the kernel's rules (`__udp_gso_segment`,
//! `inet_gso_segment`, `ipv6_gso_segment`: headers copied, IPv4 total length / id + n / header
//! checksum, IPv6 payload length, UDP length and the segment's own checksum), and the error
//! classes 21..24, 17 and 9. Each test prints its seed.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ufo_driver::checksum::{internet_checksum, udp_ipv4_checksum, udp_ipv6_checksum};
use ufo_driver::desc::flags;
use ufo_driver::driver::{Driver, DriverConfig};
use ufo_driver::packet::{DatagramSpec, Ipv6DatagramSpec, Ipv6ExtHeader, Ipv6ExtKind, UdpCsum};
use ufo_driver::skb::CsumOffload;
use ufo_driver::skb_build::{from_frame, FragLayout};
use ufo_sim::{Tb, TbConfig};

/// Descriptor flag bit 5 (docs/architecture.md, "USO").
const FLAG_USO: u16 = 1 << 5;

/// One super-frame and how it is posted.
#[derive(Clone, Debug)]
struct Uso {
    frame: Vec<u8>,
    l3: usize,
    l4: usize,
    v6: Option<([u8; 16], [u8; 16])>,
    gso: u16,
    vlan_ins: Option<u16>,
    layout: FragLayout,
}

fn v4(payload: usize, gso: u16, seed: u64) -> Uso {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let spec = DatagramSpec {
        ip_id: rng.gen(),
        df: true,
        payload: (0..payload).map(|_| rng.gen()).collect(),
        src_port: rng.gen(),
        dst_port: rng.gen(),
        udp_csum: UdpCsum::Seed,
        ..Default::default()
    };
    let l3 = spec.l3_offset();
    Uso {
        frame: spec.frame(),
        l3,
        l4: spec.l4_offset(),
        v6: None,
        gso,
        vlan_ins: None,
        layout: FragLayout::Random { seed },
    }
}

fn v6(payload: usize, gso: u16, seed: u64, ext: Vec<Ipv6ExtHeader>) -> Uso {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let spec = Ipv6DatagramSpec {
        payload: (0..payload).map(|_| rng.gen()).collect(),
        src_port: rng.gen(),
        dst_port: rng.gen(),
        ext_headers: ext,
        udp_csum: UdpCsum::Seed,
        ..Default::default()
    };
    Uso {
        frame: spec.frame(),
        l3: spec.l3_offset(),
        l4: spec.l4_offset(),
        v6: Some((spec.src_ip, spec.pseudo_dst())),
        gso,
        vlan_ins: None,
        layout: FragLayout::Random { seed },
    }
}

/// The segments, from the kernel's rules, computed independently of the RTL's arithmetic.
fn expected(u: &Uso) -> Vec<Vec<u8>> {
    let hdr = &u.frame[..u.l4 + 8];
    let payload = &u.frame[u.l4 + 8..];
    let pieces: Vec<&[u8]> = if payload.is_empty() {
        vec![payload]
    } else {
        payload.chunks(usize::from(u.gso)).collect()
    };
    let id = u16::from_be_bytes([u.frame[u.l3 + 4], u.frame[u.l3 + 5]]);
    let mut out = Vec::new();
    for (n, piece) in pieces.iter().enumerate() {
        let mut s = hdr.to_vec();
        s.extend_from_slice(piece);
        let udp_len = (8 + piece.len()) as u16;
        s[u.l4 + 4..u.l4 + 6].copy_from_slice(&udp_len.to_be_bytes());
        s[u.l4 + 6..u.l4 + 8].fill(0);
        let csum = match u.v6 {
            None => {
                let tot = (s.len() - u.l3) as u16;
                s[u.l3 + 2..u.l3 + 4].copy_from_slice(&tot.to_be_bytes());
                s[u.l3 + 4..u.l3 + 6].copy_from_slice(&id.wrapping_add(n as u16).to_be_bytes());
                s[u.l3 + 10..u.l3 + 12].fill(0);
                let ip = internet_checksum(&s[u.l3..u.l4]);
                s[u.l3 + 10..u.l3 + 12].copy_from_slice(&ip.to_be_bytes());
                let src = s[u.l3 + 12..u.l3 + 16].try_into().unwrap();
                let dst = s[u.l3 + 16..u.l3 + 20].try_into().unwrap();
                udp_ipv4_checksum(src, dst, &s[u.l4..])
            }
            Some((src, dst)) => {
                let plen = (s.len() - u.l3 - 40) as u16;
                s[u.l3 + 4..u.l3 + 6].copy_from_slice(&plen.to_be_bytes());
                udp_ipv6_checksum(src, dst, &s[u.l4..])
            }
        };
        s[u.l4 + 6..u.l4 + 8].copy_from_slice(&csum.to_be_bytes());
        if let Some(tci) = u.vlan_ins {
            let tag = [0x81, 0x00, (tci >> 8) as u8, tci as u8];
            s.splice(12..12, tag);
        }
        out.push(s);
    }
    out
}

/// What came back for one posted packet: completion status code and the frames sent (with the
/// edges of their first and last beats).
struct Result1 {
    status: u8,
    frames: Vec<Vec<u8>>,
    beats: Vec<(u64, u64)>,
}

type Edit = fn(&mut [ufo_driver::desc::TxDesc]);

/// Posts every packet (edit: a change to the chain before posting) with up to `in_flight` in
/// the engine, returns each one's completion and frames in order.
fn run(seed: u64, pkts: &[(Uso, Edit)], in_flight: usize) -> Vec<Result1> {
    run_with(
        TbConfig {
            seed,
            ..TbConfig::default()
        },
        pkts,
        in_flight,
    )
}

fn run_with(cfg: TbConfig, pkts: &[(Uso, Edit)], in_flight: usize) -> Vec<Result1> {
    println!("seed {}, DATA_WIDTH {}", cfg.seed, ufo_sim::DATA_WIDTH);
    let mut tb = Tb::new(cfg).expect("bench");
    tb.reset(10);
    let mut drv = Driver::new(DriverConfig::default());
    drv.init(&mut tb).expect("driver init");
    let mut results: Vec<Option<Result1>> = (0..pkts.len()).map(|_| None).collect();
    let mut next = 0;
    let mut outstanding = 0;
    let mut idle = 0;
    while results.iter().any(Option::is_none) {
        while next < pkts.len() && outstanding < in_flight {
            let (u, edit) = &pkts[next];
            let mut skb = from_frame(&u.frame, u.l4 + 8, u.layout).expect("skb");
            skb.ufo_size = u.gso; // the driver sets UFO for it: moved to USO below
            skb.csum = Some(CsumOffload {
                start: u.l4 as u16,
                offset: 6,
            });
            skb.vlan_insert = u.vlan_ins;
            let posted = drv.xmit_edited(&mut tb, &skb, next as u64, |d| {
                d[0].flags = (d[0].flags & !flags::UFO) | FLAG_USO;
                if skb.ufo_size == 0 {
                    d[0].ufo_size = 0;
                }
                edit(d);
            });
            if posted.is_err() {
                break;
            }
            next += 1;
            outstanding += 1;
        }
        tb.steps(64);
        if let Some(e) = tb.sim_error() {
            panic!("simulation: {e}");
        }
        let done = drv.poll(&mut tb);
        idle = if done.is_empty() { idle + 64 } else { 0 };
        assert!(idle < 400_000, "no completion for 400,000 cycles");
        for d in done {
            let frames: Vec<_> = (0..d.completion.frames)
                .map(|_| tb.sink.pop_frame().expect("frame for the completion"))
                .collect();
            results[d.tag as usize] = Some(Result1 {
                status: d.completion.status.code(),
                beats: frames
                    .iter()
                    .map(|f| (f.first_cycle, f.last_cycle))
                    .collect(),
                frames: frames.into_iter().map(|f| f.data).collect(),
            });
            outstanding -= 1;
        }
    }
    assert!(
        tb.sink.pop_frame().is_none(),
        "frames beyond the completions"
    );
    assert!(drv.take_errors().is_empty());
    tb.assert_clean();
    results.into_iter().map(Option::unwrap).collect()
}

fn no_edit(_: &mut [ufo_driver::desc::TxDesc]) {}

fn check_frames(pkts: &[(Uso, Edit)], res: &[Result1]) {
    for (i, ((u, _), r)) in pkts.iter().zip(res).enumerate() {
        let want = expected(u);
        assert_eq!(
            r.status,
            0,
            "packet {i} (gso {}, {} bytes): status",
            u.gso,
            u.frame.len()
        );
        assert_eq!(r.frames.len(), want.len(), "packet {i}: segments");
        for (k, (g, w)) in r.frames.iter().zip(&want).enumerate() {
            if g != w {
                let at = g
                    .iter()
                    .zip(w)
                    .position(|(a, b)| a != b)
                    .unwrap_or(g.len().min(w.len()));
                panic!(
                    "packet {i} (gso {}, {} bytes) segment {k}: first difference at byte {at} (got {} bytes, want {})\n got  {:02x?}\n want {:02x?}",
                    u.gso,
                    u.frame.len(),
                    g.len(),
                    w.len(),
                    &g[at.saturating_sub(4)..(at + 8).min(g.len())],
                    &w[at.saturating_sub(4)..(at + 8).min(w.len())]
                );
            }
        }
    }
}

#[test]
fn segments_match_the_kernel_rules() {
    let seed = 9001;
    let mut pkts: Vec<(Uso, Edit)> = Vec::new();
    let cases: &[(usize, u16)] = &[
        (1472 * 3, 1472),     // exact multiple
        (1472 * 3 + 1, 1472), // 1-byte tail
        (1473, 1472),         // gso_size + 1
        (100, 1472),          // one segment
        (0, 1472),            // empty payload: one segment of headers
        (1472 * 44, 1472),    // a 64 KiB super-frame
        (999, 37),            // odd gso_size: odd segments start at odd offsets
        (120, 1),             // the tiniest segments
        (640, 5),
        (700, 63),
        (1000, 64),
        (1000, 65),
        (128 * 7, 7), // the most segments
    ];
    for (i, &(p, g)) in cases.iter().enumerate() {
        pkts.push((v4(p, g, seed + i as u64), no_edit));
        pkts.push((v6(p, g, seed + 100 + i as u64, Vec::new()), no_edit));
    }
    // IPv4 options, VLAN tags in the frame and inserted, IPv6 extension headers
    let mut o = v4(5000, 1200, 7);
    let spec = DatagramSpec {
        ip_options: vec![0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00],
        vlan: vec![5, 6],
        payload: o.frame[o.l4 + 8..].to_vec(),
        udp_csum: UdpCsum::Seed,
        ..Default::default()
    };
    o.frame = spec.frame();
    o.l3 = spec.l3_offset();
    o.l4 = spec.l4_offset();
    pkts.push((o, no_edit));
    let mut ins = v4(3000, 1000, 8);
    ins.vlan_ins = Some(0x2345);
    pkts.push((ins, no_edit));
    let mut ins6 = v6(3001, 333, 9, Vec::new());
    ins6.vlan_ins = Some(0x0fed);
    pkts.push((ins6, no_edit));
    let ext = vec![
        Ipv6ExtHeader::options(Ipv6ExtKind::HopByHop, &[1, 4, 0, 0, 0, 0]),
        Ipv6ExtHeader::options(Ipv6ExtKind::DestOptions, &[1, 4, 0, 0, 0, 0]),
    ];
    pkts.push((v6(4000, 1400, 10, ext), no_edit));
    let res = run(seed, &pkts, 8);
    check_frames(&pkts, &res);
}

/// Back-to-back 64 KiB super-frames (MTU 1500) with an ideal host at read latency 1 and 250
/// and an always-ready MAC: checked byte for byte; the stream efficiency (beats the frames need
/// / cycles from the first beat of the second packet to the last beat) is printed, not
/// asserted (the line-rate figures are `make bench`'s).
#[test]
fn back_to_back_64k_super_frames() {
    let seed = 4242;
    let pkts: Vec<(Uso, Edit)> = (0..8)
        .map(|i| {
            if i < 4 {
                (v4(65535 - 14 - 20 - 8, 1472, seed + i), no_edit as Edit)
            } else {
                (
                    v6(65535 - 14 - 40 - 8, 1452, seed + i, Vec::new()),
                    no_edit as Edit,
                )
            }
        })
        .collect();
    for latency in [1, 250] {
        let mut cfg = TbConfig {
            seed,
            ..TbConfig::default()
        };
        cfg.mem.read_latency = latency;
        cfg.mem.r_gap_prob = 0.0;
        cfg.mem.ar_accept_prob = 1.0;
        cfg.mem.reorder_prob = 0.0;
        cfg.mem.max_reads = 256;
        cfg.axis.tready_prob = 1.0;
        let res = run_with(cfg, &pkts, 8);
        check_frames(&pkts, &res);
        let w = ufo_sim::DATA_BYTES;
        let start = res[0].beats.last().unwrap().1;
        let later: Vec<(usize, (u64, u64))> = res[1..]
            .iter()
            .flat_map(|r| {
                r.frames
                    .iter()
                    .map(|f| f.len())
                    .zip(r.beats.iter().copied())
            })
            .collect();
        let beats: u64 = later.iter().map(|(len, _)| len.div_ceil(w) as u64).sum();
        let end = later.iter().map(|(_, b)| b.1).max().unwrap();
        println!(
            "read latency {latency}: {} segments after the first packet, stream efficiency {:.2}%",
            later.len(),
            100.0 * beats as f64 / (end - start) as f64
        );
    }
}

#[test]
fn refused_super_frames_complete_with_their_class() {
    let seed = 77;
    fn gso0(d: &mut [ufo_driver::desc::TxDesc]) {
        d[0].ufo_size = 0;
    }
    fn no_csum(d: &mut [ufo_driver::desc::TxDesc]) {
        d[0].flags &= !flags::CSUM;
    }
    fn csum_pos(d: &mut [ufo_driver::desc::TxDesc]) {
        d[0].csum_start += 2;
    }
    fn with_ufo(d: &mut [ufo_driver::desc::TxDesc]) {
        d[0].flags |= flags::UFO;
    }
    let mut zero_check = v4(3000, 1000, 3);
    let l4 = zero_check.l4;
    zero_check.frame[l4 + 6..l4 + 8].fill(0);
    let big = v6(65535 - 14 - 40 - 8 + 20, 1452, 4, Vec::new());
    let pkts: Vec<(Uso, Edit)> = vec![
        (v4(3000, 1000, 1), gso0),
        (v4(3000, 1000, 1), no_csum),
        (v4(3000, 1000, 1), csum_pos),
        (zero_check, no_edit),
        (v4(129 * 10, 10, 2), no_edit),
        (big, no_edit),
        (v4(3000, 1000, 1), with_ufo),
        (v4(128 * 10, 10, 5), no_edit), // good again: 128 segments
    ];
    let res = run(seed, &pkts, 3);
    let codes: Vec<u8> = res.iter().map(|r| r.status).collect();
    assert_eq!(codes, vec![21, 23, 17, 23, 22, 24, 9, 0]);
    for r in &res[..7] {
        assert!(r.frames.is_empty());
    }
    check_frames(&pkts[7..], &res[7..]);
}
