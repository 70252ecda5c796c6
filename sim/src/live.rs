//! `ufo-sim live`: the simulated NIC as a Linux network device. Two network namespaces stand
//! for two hosts on one Ethernet segment:
//!
//! - the sender's `nic0` is a TAP device opened with `IFF_VNET_HDR` and the offloads of
//!   [`offloads`] (`TUNSETOFFLOAD`): what the kernel transmits on it arrives here with a
//!   `virtio_net_hdr` ([`ufo_netns::VirtioNetHdr`]) and becomes an skb for the driver model
//!   ([`case_from_packet`]): the RTL sends it, the golden model checks every frame;
//! - the receiver's `nic0` is a plain TAP device: the RTL's frames are written into it, as if
//!   they came off the wire. What the receiver sends back (TCP acknowledgements, ICMP) goes
//!   straight to the sender's device ([`Plumbing`]'s return path): the engine transmits only.
//!
//! Both namespaces are named (`ip netns exec NAME ...` reaches them) and deleted when the
//! [`Plumbing`] is dropped, on an error, a panic or Ctrl-C as well.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use thiserror::Error;
use ufo_driver::skb::CsumOffload;
use ufo_driver::skb_build::{from_frame, BuildError, FragLayout};
use ufo_golden::GoldenError;
use ufo_netns::{GsoType, NetError, Netns, Tap, VirtioNetHdr, VNET_HDR_LEN};
use ufo_testbench::case::{Case, Expect, Fault};

use crate::netcfg;

/// The device name in both namespaces.
pub const NIC: &str = "nic0";
/// MTU of both devices.
pub const MTU: u32 = 1500;
/// The sender's MAC, IPv4 and IPv6 addresses.
pub const SENDER_MAC: [u8; 6] = [0x02, 0x75, 0x66, 0x6f, 0x10, 0x01];
/// The sender's IPv4 address (in 198.18.10.0/24, RFC 2544's benchmarking range).
pub const SENDER_IPV4: [u8; 4] = [198, 18, 10, 1];
/// The sender's IPv6 address (in fd75:666f:10::/64).
pub const SENDER_IPV6: [u8; 16] = [
    0xfd, 0x75, 0x66, 0x6f, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
];
/// The receiver's MAC address.
pub const RECEIVER_MAC: [u8; 6] = [0x02, 0x75, 0x66, 0x6f, 0x10, 0x02];
/// The receiver's IPv4 address.
pub const RECEIVER_IPV4: [u8; 4] = [198, 18, 10, 2];
/// The receiver's IPv6 address.
pub const RECEIVER_IPV6: [u8; 16] = [
    0xfd, 0x75, 0x66, 0x6f, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
];

/// Whether the sender's device offers USO (the engine segments since issue 9): with it, the
/// kernel hands `UDP_SEGMENT` sends over as super-frames and `live --check` fails if none came.
/// See [`uso_skb`].
pub const USO_AVAILABLE: bool = true;

/// Makes `skb` a USO super-frame of `gso_size` (`SKB_GSO_UDP_L4`): the driver model writes
/// USO descriptors for it, the golden model segments it as `__udp_gso_segment`.
fn uso_skb(skb: &mut ufo_driver::skb::Skb, gso_size: u16) -> Result<(), LiveError> {
    skb.uso_gso_size = Some(gso_size);
    Ok(())
}

/// `TUNSETOFFLOAD` flags for the sender's device: checksum offload, and USO for IPv4 and IPv6
/// when `uso` (the kernel hands USO super-frames only with both).
pub fn offloads(uso: bool) -> libc::c_uint {
    let mut f = libc::TUN_F_CSUM;
    if uso {
        f |= libc::TUN_F_USO4 | libc::TUN_F_USO6;
    }
    f
}

/// A packet the sender's device handed over that cannot become an skb for the engine.
#[derive(Debug, Error)]
pub enum LiveError {
    /// Shorter than the virtio header plus an Ethernet header.
    #[error("{0}-byte packet: shorter than the virtio_net_hdr and an Ethernet header")]
    Short(usize),
    /// A GSO type this device never offered (TSO) or USO while the engine has none.
    #[error("gso_type {0:?} (gso_size {1}): not offered by this device")]
    Gso(GsoType, u16),
    /// Checksum offload positions outside the frame.
    #[error("csum_start {start} + csum_offset {offset} outside the {len}-byte frame")]
    CsumPosition {
        /// csum_start
        start: u16,
        /// csum_offset
        offset: u16,
        /// frame length
        len: usize,
    },
    /// The skb builder refused the frame.
    #[error("skb: {0}")]
    Build(#[from] BuildError),
    /// The golden model refused the frame.
    #[error("golden model: {0}")]
    Golden(#[from] GoldenError),
}

/// What the kernel asked of the device for one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketKind {
    /// Sent as it is (no offload).
    Plain,
    /// Checksum offload (`VIRTIO_NET_HDR_F_NEEDS_CSUM`).
    Csum,
    /// A USO super-frame (`VIRTIO_NET_HDR_GSO_UDP_L4`).
    Uso,
}

/// The skb the driver model hands the engine for one packet read from the sender's device
/// (`virtio_net_hdr` first), as a case whose expectation is the golden model's frames.
/// `n` numbers the packets of the run.
pub fn case_from_packet(packet: &[u8], n: u64) -> Result<(Case, PacketKind), LiveError> {
    let hdr = VirtioNetHdr::parse(packet).ok_or(LiveError::Short(packet.len()))?;
    let frame = &packet[VNET_HDR_LEN..];
    if frame.len() < 14 {
        return Err(LiveError::Short(packet.len()));
    }
    let kind = match hdr.gso() {
        GsoType::None if hdr.needs_csum() => PacketKind::Csum,
        GsoType::None => PacketKind::Plain,
        GsoType::UdpL4 => PacketKind::Uso,
        other => return Err(LiveError::Gso(other, hdr.gso_size)),
    };
    let csum = hdr.needs_csum().then_some(CsumOffload {
        start: hdr.csum_start,
        offset: hdr.csum_offset,
    });
    // The head holds the headers up to the checksum field (as a driver's skb: the payload in
    // pages), or the whole of a short frame without offload.
    let head_len = match csum {
        Some(c) => {
            let end = usize::from(c.start) + usize::from(c.offset) + 2;
            if end > frame.len() {
                return Err(LiveError::CsumPosition {
                    start: c.start,
                    offset: c.offset,
                    len: frame.len(),
                });
            }
            end.max(usize::from(hdr.hdr_len)).min(frame.len())
        }
        None => frame.len().min(128),
    };
    let mut skb = from_frame(frame, head_len, FragLayout::SeedPages)?;
    skb.csum = csum;
    if kind == PacketKind::Uso {
        uso_skb(&mut skb, hdr.gso_size)?;
    }
    let expected = skb.golden()?;
    let case = Case {
        name: format!("packet-{n}"),
        origin: format!("{NIC} packet {n} ({kind:?}, {} bytes)", frame.len()),
        skb,
        fault: Fault::None,
        expect: Expect::Frames(expected),
        ipv6_final_dst: None,
    };
    Ok((case, kind))
}

/// The two namespaces, their devices and the return path from the receiver to the sender.
pub struct Plumbing {
    /// The sender's namespace ("the host with the NIC").
    pub sender: Netns,
    /// The receiver's namespace ("the host on the other end of the wire").
    pub receiver: Netns,
    /// The sender's device: what the kernel transmits, with a `virtio_net_hdr`.
    pub nic: Tap,
    /// The receiver's device: where the RTL's frames go.
    pub wire: Tap,
    stop: Arc<AtomicBool>,
    returned: Arc<AtomicU64>,
    return_path: Option<JoinHandle<Result<(), NetError>>>,
}

impl Plumbing {
    /// Creates the namespaces `PREFIX-tx` and `PREFIX-rx` with their devices, addresses
    /// (198.18.10.1 and .2/24, fd75:666f:10::1 and ::2/64), static neighbour entries and the
    /// sysctls of [`netcfg::quiet_host`]; the sender's device with the given offloads.
    pub fn create(prefix: &str, offload: libc::c_uint) -> Result<Plumbing, NetError> {
        let sender = Netns::named(&format!("{prefix}-tx"))?;
        let receiver = Netns::named(&format!("{prefix}-rx"))?;
        let nic = sender.run(|| Tap::create(NIC, true))??;
        nic.set_offload(offload)?;
        let wire = receiver.run(|| Tap::create(NIC, false))??;
        let hosts = [
            (&sender, SENDER_MAC, SENDER_IPV4, SENDER_IPV6),
            (&receiver, RECEIVER_MAC, RECEIVER_IPV4, RECEIVER_IPV6),
        ];
        for (i, (ns, mac, v4, v6)) in hosts.iter().enumerate() {
            let (_, peer_mac, peer_v4, peer_v6) = hosts[1 - i];
            netcfg::quiet_host(ns)?;
            ns.ip("link set lo up")?;
            ns.ip(&format!(
                "link set {NIC} address {} mtu {MTU} up",
                netcfg::mac_text(*mac)
            ))?;
            netcfg::add_addresses(ns, NIC, (*v4, 24), (*v6, 64))?;
            netcfg::add_neighbours(ns, NIC, peer_v4, peer_v6, peer_mac)?;
            netcfg::wait_for_ipv6(ns, *v6)?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let returned = Arc::new(AtomicU64::new(0));
        let return_path = {
            let (from, to) = (wire.try_clone()?, nic.try_clone()?);
            let (stop, returned) = (stop.clone(), returned.clone());
            std::thread::Builder::new()
                .name("return-path".into())
                .spawn(move || return_frames(&from, &to, &stop, &returned))
                .map_err(|e| NetError::io("spawn the return path", e))?
        };
        Ok(Plumbing {
            sender,
            receiver,
            nic,
            wire,
            stop,
            returned,
            return_path: Some(return_path),
        })
    }

    /// Frames the receiver sent back so far.
    pub fn returned(&self) -> u64 {
        self.returned.load(Ordering::SeqCst)
    }

    /// The namespaces' names.
    pub fn names(&self) -> (String, String) {
        let name = |ns: &Netns| ns.name().unwrap_or_default().to_string();
        (name(&self.sender), name(&self.receiver))
    }

    /// Stops the return path; the namespaces go when the value is dropped.
    pub fn stop(&mut self) -> Result<(), NetError> {
        self.stop.store(true, Ordering::SeqCst);
        match self.return_path.take() {
            Some(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            None => Ok(()),
        }
    }
}

impl Drop for Plumbing {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            eprintln!("warning: return path: {e}");
        }
    }
}

/// The return path: every frame the receiver sends goes to the sender's device (with an empty
/// `virtio_net_hdr`: no offload asked), until `stop`.
fn return_frames(
    from: &Tap,
    to: &Tap,
    stop: &AtomicBool,
    returned: &AtomicU64,
) -> Result<(), NetError> {
    let mut buf = vec![0u8; VNET_HDR_LEN + (1 << 16)];
    while !stop.load(Ordering::SeqCst) {
        if let Some(n) = from.recv(&mut buf[VNET_HDR_LEN..], Duration::from_millis(50))? {
            buf[..VNET_HDR_LEN].fill(0);
            to.send(&buf[..VNET_HDR_LEN + n])?;
            returned.fetch_add(1, Ordering::SeqCst);
        }
    }
    Ok(())
}

/// Counts of what the sender's device handed over.
#[derive(Debug, Default, Clone, Copy)]
pub struct PacketCounts {
    /// Without offload.
    pub plain: u64,
    /// With checksum offload.
    pub csum: u64,
    /// USO super-frames.
    pub uso: u64,
    /// That could not be handed to the engine.
    pub refused: u64,
}

/// The packets the sender's device hands over, as cases for the runner: it waits for the next
/// one (polling `done` and Ctrl-C every 50 ms) and ends when `done` says so and the device has
/// been quiet for `quiet`. With one packet in flight in the runner, it is asked for the next
/// packet only when the engine has sent everything before it, so waiting here never holds a
/// frame back.
pub struct NicInput<'a> {
    nic: &'a Tap,
    buf: Vec<u8>,
    done: Box<dyn Fn() -> bool + 'a>,
    quiet: Duration,
    /// What came so far.
    pub counts: PacketCounts,
    next: u64,
}

impl<'a> NicInput<'a> {
    /// Reads `nic` until `done()` holds and nothing came for `quiet`.
    pub fn new(nic: &'a Tap, done: Box<dyn Fn() -> bool + 'a>, quiet: Duration) -> Self {
        NicInput {
            nic,
            buf: vec![0u8; VNET_HDR_LEN + (1 << 17)],
            done,
            quiet,
            counts: PacketCounts::default(),
            next: 0,
        }
    }
}

impl Iterator for NicInput<'_> {
    type Item = Result<Case, ufo_testbench::case::UnbuiltCase>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut quiet_since: Option<std::time::Instant> = None;
        loop {
            if ufo_netns::interrupt::interrupted() {
                return None;
            }
            let n = match self.nic.recv(&mut self.buf, Duration::from_millis(50)) {
                Ok(Some(n)) => n,
                Ok(None) => {
                    if (self.done)() {
                        let since = *quiet_since.get_or_insert_with(std::time::Instant::now);
                        if since.elapsed() >= self.quiet {
                            return None;
                        }
                    }
                    continue;
                }
                Err(e) => {
                    eprintln!("{NIC}: {e}");
                    return None;
                }
            };
            quiet_since = None;
            self.next += 1;
            match case_from_packet(&self.buf[..n], self.next) {
                Ok((case, kind)) => {
                    match kind {
                        PacketKind::Plain => self.counts.plain += 1,
                        PacketKind::Csum => self.counts.csum += 1,
                        PacketKind::Uso => self.counts.uso += 1,
                    }
                    return Some(Ok(case));
                }
                Err(e) => {
                    self.counts.refused += 1;
                    eprintln!("{NIC} packet {}: not sent: {e}", self.next);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TCP SYN as this kernel hands it: checksum offload at the TCP check field.
    #[test]
    fn checksum_offload_packet_becomes_a_csum_skb() {
        let mut frame = vec![0u8; 74];
        frame[12..14].copy_from_slice(&[0x08, 0x00]);
        frame[14] = 0x45;
        frame[16..18].copy_from_slice(&60u16.to_be_bytes());
        frame[22] = 64;
        frame[23] = 6;
        frame[26..30].copy_from_slice(&SENDER_IPV4);
        frame[30..34].copy_from_slice(&RECEIVER_IPV4);
        frame[46] = 0xA0; // data offset 10 words
        let hdr = VirtioNetHdr {
            flags: 1,
            csum_start: 34,
            csum_offset: 16,
            ..Default::default()
        };
        let mut packet = hdr.to_bytes().to_vec();
        packet.extend_from_slice(&frame);
        let (case, kind) = case_from_packet(&packet, 1).unwrap();
        assert_eq!(kind, PacketKind::Csum);
        assert_eq!(
            case.skb.csum,
            Some(CsumOffload {
                start: 34,
                offset: 16
            })
        );
        assert_eq!(case.skb.to_bytes(), frame);
        assert!(matches!(case.expect, Expect::Frames(ref f) if f.len() == 1));

        let mut bad = packet.clone();
        bad[8] = 200; // csum_offset past the frame
        assert!(matches!(
            case_from_packet(&bad, 2),
            Err(LiveError::CsumPosition { .. })
        ));
        let mut tso = packet.clone();
        tso[1] = 1;
        assert!(matches!(
            case_from_packet(&tso, 3),
            Err(LiveError::Gso(GsoType::TcpV4, _))
        ));
        assert!(matches!(
            case_from_packet(&packet[..20], 4),
            Err(LiveError::Short(20))
        ));
    }
}
