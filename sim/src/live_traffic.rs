//! The traffic of `ufo-sim live --check`: a seeded mix sent from real sockets in the sender's
//! namespace and checked by sockets in the receiver's namespace.
//!
//! - UDP with `UDP_SEGMENT` at several `gso_size` values, IPv4 and IPv6: each send is cut into
//!   datagrams of `gso_size` bytes (by the device when it offers USO, else by the kernel);
//!   lengths of one segment, exact multiples, a 1-byte tail and random lengths.
//! - Large UDP without it: the kernel fragments the datagram in software (plain frames).
//! - Small UDP: one datagram with checksum offload.
//! - TCP, IPv4 and IPv6: a byte stream (checksum offload; the acknowledgements come back by
//!   the return path).
//!
//! Every datagram the receiver must get (a whole send, or one segment of a `UDP_SEGMENT` send)
//! starts with a 12-byte header (`UFOL`, message id, segment number, kind) and carries bytes
//! drawn from the seed for that message and segment, so the receiver checks each one on its own.
//! The sender sends one message at a time and waits until its datagrams arrived (or 5 s passed),
//! so no queue on the way overflows.

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ufo_netns::NetError;

use crate::live::{Plumbing, RECEIVER_IPV4, RECEIVER_IPV6};
use crate::random::mix_seed;

/// UDP port of the receiver's sockets.
pub const UDP_PORT: u16 = 9100;
/// TCP port of the receiver's listeners.
pub const TCP_PORT: u16 = 9101;
/// Bytes of the header that names a datagram.
pub const HEADER: usize = 12;
const MAGIC: &[u8; 4] = b"UFOL";
/// How long the sender waits for one message's datagrams.
const UDP_WAIT: Duration = Duration::from_secs(5);
/// How long the sender waits for the receiver to read a TCP stream.
const TCP_WAIT: Duration = Duration::from_secs(60);

/// A kind of traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// UDP with `UDP_SEGMENT` at this `gso_size`.
    UdpGso {
        /// IPv6 (else IPv4)
        v6: bool,
        /// segment payload bytes
        gso: u16,
    },
    /// UDP longer than the MTU, without `UDP_SEGMENT`: fragmented by the kernel.
    UdpFrag {
        /// IPv6
        v6: bool,
    },
    /// UDP that fits one frame.
    UdpSmall {
        /// IPv6
        v6: bool,
    },
    /// A TCP byte stream.
    Tcp {
        /// IPv6
        v6: bool,
    },
}

impl Kind {
    fn v6(self) -> bool {
        match self {
            Kind::UdpGso { v6, .. }
            | Kind::UdpFrag { v6 }
            | Kind::UdpSmall { v6 }
            | Kind::Tcp { v6 } => v6,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ip = if self.v6() { "IPv6" } else { "IPv4" };
        match self {
            Kind::UdpGso { gso, .. } => write!(f, "UDP_SEGMENT {gso:>4} {ip}"),
            Kind::UdpFrag { .. } => write!(f, "UDP fragmented {ip}"),
            Kind::UdpSmall { .. } => write!(f, "UDP one frame {ip}"),
            Kind::Tcp { .. } => write!(f, "TCP stream {ip}"),
        }
    }
}

/// One send (UDP) or one stream (TCP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// Numbers the messages of a run from 0.
    pub id: u32,
    /// What it is.
    pub kind: Kind,
    /// Payload bytes of the send, or of the stream.
    pub len: usize,
}

impl Message {
    /// The lengths of the datagrams the receiver must get (none for TCP).
    pub fn datagrams(&self) -> Vec<usize> {
        match self.kind {
            Kind::UdpGso { gso, .. } => {
                let gso = usize::from(gso);
                (0..self.len.div_ceil(gso))
                    .map(|k| gso.min(self.len - k * gso))
                    .collect()
            }
            Kind::UdpFrag { .. } | Kind::UdpSmall { .. } => vec![self.len],
            Kind::Tcp { .. } => Vec::new(),
        }
    }
}

/// `gso_size` values of the mix (the largest: a full 1500-byte frame).
const GSO_SIZES_V4: [u16; 4] = [100, 512, 1000, 1472];
const GSO_SIZES_V6: [u16; 4] = [100, 512, 1000, 1452];
/// Most segments of one `UDP_SEGMENT` send (`UDP_MAX_SEGMENTS`).
const MAX_SEGMENTS: usize = 128;
/// Largest UDP payload of the mix (below IPv4's 65507).
const MAX_UDP: usize = 60_000;
/// Bytes of each TCP stream.
const TCP_BYTES: usize = 256 * 1024;

/// The messages of seed `seed`, in the order they are sent.
pub fn plan(seed: u64) -> Vec<Message> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut kinds_lens: Vec<(Kind, usize)> = Vec::new();
    for v6 in [false, true] {
        let sizes = if v6 { GSO_SIZES_V6 } else { GSO_SIZES_V4 };
        for gso in sizes {
            let g = usize::from(gso);
            let most = MAX_SEGMENTS.min(MAX_UDP / g);
            let kind = Kind::UdpGso { v6, gso };
            // one segment, an exact multiple, a 1-byte tail, a random length
            kinds_lens.push((kind, g));
            kinds_lens.push((kind, g * rng.gen_range(2..=most)));
            kinds_lens.push((kind, g * rng.gen_range(1..most) + 1));
            kinds_lens.push((kind, rng.gen_range(g + 1..=g * most)));
        }
        let frag_min = if v6 { 1453 } else { 1473 };
        for _ in 0..4 {
            kinds_lens.push((Kind::UdpFrag { v6 }, rng.gen_range(frag_min..=30_000)));
            kinds_lens.push((Kind::UdpSmall { v6 }, rng.gen_range(HEADER..=1400)));
        }
        kinds_lens.push((Kind::Tcp { v6 }, TCP_BYTES));
    }
    kinds_lens
        .into_iter()
        .enumerate()
        .map(|(id, (kind, len))| Message {
            id: id as u32,
            kind,
            len,
        })
        .collect()
}

/// The bytes of datagram `seg` of message `id`: the header, then bytes from the seed.
pub fn datagram_bytes(seed: u64, id: u32, seg: u16, len: usize) -> Vec<u8> {
    let mut b = vec![0u8; len.max(HEADER)];
    b[..4].copy_from_slice(MAGIC);
    b[4..8].copy_from_slice(&id.to_be_bytes());
    b[8..10].copy_from_slice(&seg.to_be_bytes());
    ChaCha8Rng::seed_from_u64(mix_seed(seed, (u64::from(id) << 16) | u64::from(seg)))
        .fill_bytes(&mut b[HEADER..]);
    b
}

/// The bytes of a TCP stream.
fn stream_bytes(seed: u64, id: u32, len: usize) -> Vec<u8> {
    let mut b = vec![0u8; len];
    ChaCha8Rng::seed_from_u64(mix_seed(seed, u64::from(id) << 16)).fill_bytes(&mut b);
    b
}

/// Whether `frame` carries the UDP header of a datagram of the mix (to [`UDP_PORT`]).
pub fn is_mix_udp(frame: &[u8]) -> bool {
    let Ok((ethertype, l3)) = crate::headers::ethertype(frame) else {
        return false;
    };
    let l4 = match ethertype {
        crate::headers::ETHERTYPE_IPV4 if frame.len() > l3 + 20 => {
            let unfragmented = crate::headers::be16(frame, l3 + 6) & 0x1FFF == 0;
            (frame[l3 + 9] == 17 && unfragmented).then(|| l3 + usize::from(frame[l3] & 0xF) * 4)
        }
        crate::headers::ETHERTYPE_IPV6 => crate::headers::ipv6_upper(frame, l3)
            .ok()
            .filter(|u| u.protocol == 17)
            .map(|u| u.offset),
        _ => None,
    };
    l4.is_some_and(|l4| frame.len() >= l4 + 4 && crate::headers::be16(frame, l4 + 2) == UDP_PORT)
}

/// What the receiver saw.
#[derive(Debug, Default)]
struct Seen {
    /// Datagrams received intact: (message, segment).
    intact: HashSet<(u32, u16)>,
    /// Datagrams that did not match what was sent, by message (`u32::MAX`: unreadable).
    corrupt: BTreeMap<u32, usize>,
    /// TCP streams: message id -> bytes read and whether they matched.
    streams: BTreeMap<u32, (usize, bool)>,
}

/// Shared between the sender's and the receiver's threads.
#[derive(Default)]
struct Tracker {
    seen: Mutex<Seen>,
    changed: Condvar,
}

impl Tracker {
    fn update(&self, f: impl FnOnce(&mut Seen)) {
        f(&mut self.seen.lock().unwrap_or_else(|p| p.into_inner()));
        self.changed.notify_all();
    }

    /// Waits until `ready` holds, `limit` passed or `stop` is set.
    fn wait(&self, limit: Duration, stop: &AtomicBool, ready: impl Fn(&Seen) -> bool) {
        let end = Instant::now() + limit;
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        while !ready(&seen) {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() || stop.load(Ordering::SeqCst) {
                return;
            }
            seen = self
                .changed
                .wait_timeout(seen, left.min(Duration::from_millis(100)))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

/// The counts of one kind.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct KindCount {
    /// Sends (UDP) or streams (TCP).
    pub messages: usize,
    /// Datagrams the receiver must get (TCP: bytes of the streams).
    pub expected: usize,
    /// Received intact (TCP: bytes that arrived and matched).
    pub intact: usize,
    /// Never received (TCP: bytes short or wrong).
    pub missing: usize,
    /// Received but different from what was sent.
    pub corrupt: usize,
}

/// The result of a run of the mix.
#[derive(Debug, Default)]
pub struct Report {
    /// Counts per kind.
    pub kinds: BTreeMap<Kind, KindCount>,
    /// Datagrams no message accounts for.
    pub unknown: usize,
    /// Errors of the sender's or receiver's threads.
    pub errors: Vec<String>,
}

impl std::fmt::Display for Report {
    /// A table of the counts per kind, then what named no message and the threads' errors.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "  {:<24} {:>8} {:>10} {:>10} {:>8} {:>8}",
            "kind", "sends", "expected", "intact", "missing", "corrupt"
        )?;
        for (kind, c) in &self.kinds {
            let unit = match kind {
                Kind::Tcp { .. } => "bytes",
                _ => "datagrams",
            };
            writeln!(
                f,
                "  {:<24} {:>8} {:>10} {:>10} {:>8} {:>8}  ({unit})",
                kind.to_string(),
                c.messages,
                c.expected,
                c.intact,
                c.missing,
                c.corrupt
            )?;
        }
        if self.unknown > 0 {
            writeln!(f, "  {} datagrams named no message", self.unknown)?;
        }
        for e in &self.errors {
            writeln!(f, "  error: {e}")?;
        }
        Ok(())
    }
}

impl Report {
    /// Every datagram and byte intact, no error.
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
            && self.unknown == 0
            && self
                .kinds
                .values()
                .all(|c| c.missing == 0 && c.corrupt == 0 && c.intact == c.expected)
    }
}

/// The mix running: the sender's and the receiver's threads.
pub struct Traffic {
    seed: u64,
    plan: Vec<Message>,
    tracker: Arc<Tracker>,
    sender_done: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    threads: Vec<(String, JoinHandle<Result<(), NetError>>)>,
}

fn io(what: &str) -> impl Fn(std::io::Error) -> NetError + '_ {
    move |e| NetError::io(what, e)
}

impl Traffic {
    /// Binds the receiver's sockets, then starts the sender.
    pub fn start(net: &Plumbing, seed: u64) -> Result<Traffic, NetError> {
        let plan = plan(seed);
        let tracker = Arc::new(Tracker::default());
        let stop = Arc::new(AtomicBool::new(false));
        let sender_done = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        let udp = |addr: SocketAddr| -> Result<UdpSocket, NetError> {
            let s = UdpSocket::bind(addr).map_err(io("bind the receiver's UDP socket"))?;
            ufo_netns::sockopt::set_recv_buffer(&s, 64 << 20)?;
            s.set_read_timeout(Some(Duration::from_millis(50)))
                .map_err(io("SO_RCVTIMEO"))?;
            Ok(s)
        };
        // The receiver's own addresses (a wildcard IPv6 socket would also take IPv4).
        let ip4 = IpAddr::V4(RECEIVER_IPV4.into());
        let ip6 = IpAddr::V6(RECEIVER_IPV6.into());
        let (udp4, udp6, tcp4, tcp6) = net.receiver.run(|| {
            Ok::<_, NetError>((
                udp(SocketAddr::new(ip4, UDP_PORT))?,
                udp(SocketAddr::new(ip6, UDP_PORT))?,
                TcpListener::bind(SocketAddr::new(ip4, TCP_PORT)).map_err(io("listen"))?,
                TcpListener::bind(SocketAddr::new(ip6, TCP_PORT)).map_err(io("listen"))?,
            ))
        })??;
        for (name, sock) in [("udp4-rx", udp4), ("udp6-rx", udp6)] {
            let (tracker, stop) = (tracker.clone(), stop.clone());
            let h = std::thread::spawn(move || receive_udp(&sock, seed, &tracker, &stop));
            threads.push((name.to_string(), h));
        }
        for (name, listener) in [("tcp4-rx", tcp4), ("tcp6-rx", tcp6)] {
            let (tracker, stop) = (tracker.clone(), stop.clone());
            let plan = plan.clone();
            let h =
                std::thread::spawn(move || receive_tcp(&listener, seed, &plan, &tracker, &stop));
            threads.push((name.to_string(), h));
        }
        let h = {
            let (tracker, done, plan) = (tracker.clone(), sender_done.clone(), plan.clone());
            let stop = stop.clone();
            net.sender.spawn("sender", move || {
                let r = send_all(seed, &plan, &tracker, &stop);
                done.store(true, Ordering::SeqCst);
                r
            })?
        };
        threads.push((
            "sender".to_string(),
            std::thread::spawn(move || {
                h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?
            }),
        ));
        Ok(Traffic {
            seed,
            plan,
            tracker,
            sender_done,
            stop,
            threads,
        })
    }

    /// A flag that turns true when the sender has sent everything and waited for it.
    pub fn sender_done(&self) -> Arc<AtomicBool> {
        self.sender_done.clone()
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Stops the threads and counts what arrived. A thread still blocked a second later (a TCP
    /// send after Ctrl-C) is left to end with the process, and reported.
    pub fn finish(self) -> Report {
        self.stop.store(true, Ordering::SeqCst);
        let mut report = Report::default();
        let end = Instant::now() + Duration::from_secs(1);
        for (name, h) in self.threads {
            while !h.is_finished() && Instant::now() < end {
                std::thread::sleep(Duration::from_millis(10));
            }
            if !h.is_finished() {
                report
                    .errors
                    .push(format!("{name}: still running when stopped"));
                continue;
            }
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => report.errors.push(format!("{name}: {e}")),
                Err(_) => report.errors.push(format!("{name}: panicked")),
            }
        }
        let seen = self.tracker.seen.lock().unwrap_or_else(|p| p.into_inner());
        for m in &self.plan {
            let c = report.kinds.entry(m.kind).or_default();
            c.messages += 1;
            if let Kind::Tcp { .. } = m.kind {
                c.expected += m.len;
                match seen.streams.get(&m.id) {
                    Some((n, true)) if *n == m.len => c.intact += m.len,
                    _ => c.missing += m.len,
                }
                continue;
            }
            for seg in 0..m.datagrams().len() {
                c.expected += 1;
                if seen.intact.contains(&(m.id, seg as u16)) {
                    c.intact += 1;
                } else {
                    c.missing += 1;
                }
            }
            c.corrupt += seen.corrupt.get(&m.id).copied().unwrap_or(0);
        }
        report.unknown = seen.corrupt.get(&u32::MAX).copied().unwrap_or(0);
        report
    }
}

/// The sender: every message in turn, each waited for.
fn send_all(
    seed: u64,
    plan: &[Message],
    tracker: &Tracker,
    stop: &AtomicBool,
) -> Result<(), NetError> {
    for m in plan {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let v6 = m.kind.v6();
        let (ip, any) = if v6 {
            (
                IpAddr::V6(RECEIVER_IPV6.into()),
                IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            )
        } else {
            (
                IpAddr::V4(RECEIVER_IPV4.into()),
                IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            )
        };
        if let Kind::Tcp { .. } = m.kind {
            let mut s = TcpStream::connect_timeout(&SocketAddr::new(ip, TCP_PORT), UDP_WAIT)
                .map_err(io("TCP connect"))?;
            s.set_write_timeout(Some(TCP_WAIT))
                .map_err(io("TCP stream"))?;
            s.write_all(&m.id.to_be_bytes()).map_err(io("TCP send"))?;
            s.write_all(&stream_bytes(seed, m.id, m.len))
                .map_err(io("TCP send"))?;
            s.shutdown(std::net::Shutdown::Write)
                .map_err(io("TCP shutdown"))?;
            tracker.wait(TCP_WAIT, stop, |seen| seen.streams.contains_key(&m.id));
            continue;
        }
        let sock = UdpSocket::bind(SocketAddr::new(any, 0)).map_err(io("bind a sender socket"))?;
        ufo_netns::sockopt::set_send_buffer(&sock, 4 << 20)?;
        let lens = m.datagrams();
        let mut buf = Vec::with_capacity(m.len);
        for (seg, len) in lens.iter().enumerate() {
            buf.extend(datagram_bytes(seed, m.id, seg as u16, *len));
        }
        if let Kind::UdpGso { gso, .. } = m.kind {
            ufo_netns::sockopt::set_udp_segment(&sock, gso)?;
        }
        sock.send_to(&buf, SocketAddr::new(ip, UDP_PORT))
            .map_err(|e| NetError::io(format!("send {} ({} bytes)", m.kind, buf.len()), e))?;
        let n = lens.len();
        tracker.wait(UDP_WAIT, stop, |seen| {
            (0..n).all(|seg| seen.intact.contains(&(m.id, seg as u16)))
        });
    }
    Ok(())
}

/// A receiver's UDP socket: checks every datagram against the bytes its header names.
fn receive_udp(
    sock: &UdpSocket,
    seed: u64,
    tracker: &Tracker,
    stop: &AtomicBool,
) -> Result<(), NetError> {
    let mut buf = vec![0u8; 1 << 16];
    while !stop.load(Ordering::SeqCst) {
        let n = match sock.recv(&mut buf) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(e) => return Err(NetError::io("UDP receive", e)),
        };
        let d = &buf[..n];
        let named = (n >= HEADER && &d[..4] == MAGIC).then(|| {
            (
                u32::from_be_bytes([d[4], d[5], d[6], d[7]]),
                u16::from_be_bytes([d[8], d[9]]),
            )
        });
        tracker.update(|seen| match named {
            Some((id, seg)) if datagram_bytes(seed, id, seg, n) == d => {
                seen.intact.insert((id, seg));
            }
            Some((id, _)) => *seen.corrupt.entry(id).or_default() += 1,
            None => *seen.corrupt.entry(u32::MAX).or_default() += 1,
        });
    }
    Ok(())
}

/// A receiver's TCP listener: reads each connection to its end and compares it with the
/// stream its first 4 bytes (the message id) name.
fn receive_tcp(
    listener: &TcpListener,
    seed: u64,
    plan: &[Message],
    tracker: &Tracker,
    stop: &AtomicBool,
) -> Result<(), NetError> {
    listener.set_nonblocking(true).map_err(io("TCP listener"))?;
    while !stop.load(Ordering::SeqCst) {
        let mut conn = match listener.accept() {
            Ok((c, _)) => c,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            Err(e) => return Err(NetError::io("TCP accept", e)),
        };
        conn.set_nonblocking(false).map_err(io("TCP stream"))?;
        conn.set_read_timeout(Some(TCP_WAIT))
            .map_err(io("TCP stream"))?;
        let mut data = Vec::new();
        conn.read_to_end(&mut data).map_err(io("TCP receive"))?;
        let id = data
            .get(..4)
            .map_or(u32::MAX, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        let body = data.get(4..).unwrap_or_default();
        let want = plan
            .iter()
            .find(|m| m.id == id)
            .map(|m| stream_bytes(seed, id, m.len));
        let intact = want.as_deref() == Some(body);
        tracker.update(|seen| {
            seen.streams.insert(id, (body.len(), intact));
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_covers_every_kind_within_linux_limits() {
        let p = plan(5);
        assert_eq!(p, plan(5), "a seed gives one plan");
        let kinds: HashSet<Kind> = p.iter().map(|m| m.kind).collect();
        assert_eq!(kinds.len(), 2 * (4 + 3));
        for m in &p {
            if let Kind::UdpGso { gso, .. } = m.kind {
                let n = m.datagrams().len();
                assert!((1..=MAX_SEGMENTS).contains(&n), "{m:?}");
                assert!(m.len <= MAX_UDP, "{m:?}");
                assert_eq!(m.datagrams().iter().sum::<usize>(), m.len);
                assert!(m.datagrams()[..n - 1]
                    .iter()
                    .all(|l| *l == usize::from(gso)));
            }
        }
        assert!(p
            .iter()
            .any(|m| matches!(m.kind, Kind::UdpGso { gso: 512, .. }) && m.len % 512 == 1));
    }

    #[test]
    fn datagram_bytes_name_themselves() {
        let d = datagram_bytes(9, 7, 3, 100);
        assert_eq!(&d[..4], MAGIC);
        assert_eq!(u32::from_be_bytes([d[4], d[5], d[6], d[7]]), 7);
        assert_eq!(u16::from_be_bytes([d[8], d[9]]), 3);
        assert_ne!(d, datagram_bytes(9, 7, 4, 100));
        assert_ne!(d, datagram_bytes(10, 7, 3, 100));
    }
}
