//! `ufo-sim kernel-check`: the Linux kernel as the receiver of the engine's output. In a network
//! namespace of its own, a TAP device stands for the wire: every frame the RTL sends (for the
//! test vectors and a random run, readdressed to this host by [`crate::retarget`] before the
//! engine sees them) is written into it, and UDP sockets in the namespace must receive every
//! datagram intact: Linux reassembles the fragments, checks the IPv4 header and the UDP checksum
//! (IPv4 and IPv6), and strips the VLAN tags (priority tags, see [`crate::retarget`]).
//!
//! The namespace is anonymous: the kernel removes it, its devices and sockets with the process,
//! however it ends.

use std::collections::HashMap;
use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ufo_netns::{NetError, Netns, Tap};
use ufo_testbench::case::Case;
use ufo_testbench::retarget::{
    local_ipv4, local_ipv6, readdress, Family, NotDeliverable, MAX_VLAN_DEPTH, PORT_IPV4, PORT_IPV6,
};

use crate::netcfg;

/// The receiver's TAP device.
pub const TAP_NAME: &str = "ufo0";
/// Its MAC address.
pub const TAP_MAC: [u8; 6] = [0x02, 0x75, 0x66, 0x6f, 0x00, 0x01];
/// Its MTU: above the largest frame of the mix (9000-byte packets, tags).
const TAP_MTU: u32 = 9216;
/// Receive buffer of each socket: all the datagrams of a run could wait in it.
const SOCKET_BUFFER: usize = 256 << 20;

/// The cases of a kernel check, and what the receiver must get.
#[derive(Debug, Default)]
pub struct Prepared {
    /// The readdressed cases, in the order they run.
    pub cases: Vec<Case>,
    /// For each case: what its receiver must get.
    pub expected: Vec<Expected>,
    /// Cases not sent, by reason.
    pub skipped: HashMap<String, usize>,
    /// Datagrams whose options a Linux receiver refuses were replaced.
    pub options_replaced: usize,
}

impl Prepared {
    /// Readdresses every case it can; counts the others by reason.
    pub fn new(cases: impl IntoIterator<Item = Case>) -> Prepared {
        let mut p = Prepared::default();
        for case in cases {
            match readdress(&case, TAP_MAC) {
                Ok(r) => {
                    p.options_replaced += usize::from(r.options_replaced);
                    // A USO super-frame arrives as one datagram per segment: gso_size payload
                    // bytes each, the last shorter (one datagram for a payload that fits one).
                    let pieces: Vec<Vec<u8>> = match case.skb.uso_gso_size {
                        Some(gso) if gso > 0 && r.payload.len() > usize::from(gso) => r
                            .payload
                            .chunks(usize::from(gso))
                            .map(<[u8]>::to_vec)
                            .collect(),
                        _ => vec![r.payload],
                    };
                    for (k, payload) in pieces.into_iter().enumerate() {
                        p.expected.push(Expected {
                            name: format!("'{}' ({}) datagram {k}", case.name, case.origin),
                            family: r.family,
                            vlan_depth: r.vlan_depth,
                            payload,
                        });
                    }
                    p.cases.push(r.case);
                }
                Err(e) => {
                    let reason = match e {
                        NotDeliverable::ErrorCase | NotDeliverable::NotUdp => e.to_string(),
                        other => format!("'{}' ({}): {other}", case.name, case.origin),
                    };
                    *p.skipped.entry(reason).or_default() += 1;
                }
            }
        }
        p
    }
}

/// A datagram the receiver must get.
#[derive(Debug, Clone)]
pub struct Expected {
    /// The case, for messages.
    pub name: String,
    /// IP version.
    pub family: Family,
    /// VLAN tags on the wire.
    pub vlan_depth: usize,
    /// The UDP payload.
    pub payload: Vec<u8>,
}

/// A datagram a socket read.
type Received = (Family, Vec<u8>);

/// The namespace, its TAP device and the sockets that read what the kernel delivers.
pub struct Receiver {
    ns: Netns,
    /// The device the engine's frames are written into.
    pub tap: Tap,
    stop: Arc<AtomicBool>,
    got: Arc<Mutex<Vec<Received>>>,
    readers: Vec<JoinHandle<Result<(), NetError>>>,
}

impl Receiver {
    /// Creates the namespace (sysctls of [`netcfg::quiet_host`]), the TAP device with an IPv4
    /// and an IPv6 address for each VLAN depth, and one UDP socket per IP version with a large
    /// receive buffer, read by its own thread.
    pub fn start() -> Result<Receiver, NetError> {
        let ns = Netns::anonymous()?;
        netcfg::quiet_host(&ns)?;
        let tap = ns.run(|| Tap::create(TAP_NAME, false))??;
        ns.ip(&format!(
            "link set {TAP_NAME} address {} mtu {TAP_MTU} up",
            netcfg::mac_text(TAP_MAC)
        ))?;
        ns.ip("link set lo up")?;
        for depth in 0..=MAX_VLAN_DEPTH {
            netcfg::add_addresses(
                &ns,
                TAP_NAME,
                (local_ipv4(depth), 32),
                (local_ipv6(depth), 128),
            )?;
        }
        for depth in 0..=MAX_VLAN_DEPTH {
            netcfg::wait_for_ipv6(&ns, local_ipv6(depth))?;
        }
        let sockets = ns.run(|| -> Result<[(Family, UdpSocket); 2], NetError> {
            let bind = |addr: String| {
                let s =
                    UdpSocket::bind(&addr).map_err(|e| NetError::io(format!("bind {addr}"), e))?;
                ufo_netns::sockopt::set_recv_buffer(&s, SOCKET_BUFFER)?;
                s.set_read_timeout(Some(Duration::from_millis(50)))
                    .map_err(|e| NetError::io("SO_RCVTIMEO", e))?;
                Ok::<_, NetError>(s)
            };
            let v4 = bind(format!("0.0.0.0:{PORT_IPV4}"))?;
            let v6 = bind(format!("[::]:{PORT_IPV6}"))?;
            ufo_netns::sockopt::accept_zero_udp6_checksum(&v6)?;
            Ok([(Family::Ipv4, v4), (Family::Ipv6, v6)])
        })??;
        let stop = Arc::new(AtomicBool::new(false));
        let got = Arc::new(Mutex::new(Vec::new()));
        let readers = sockets
            .into_iter()
            .map(|(family, sock)| {
                let (stop, got) = (stop.clone(), got.clone());
                std::thread::spawn(move || read_socket(family, &sock, &stop, &got))
            })
            .collect();
        Ok(Receiver {
            ns,
            tap,
            stop,
            got,
            readers,
        })
    }

    /// Datagrams received so far.
    pub fn received(&self) -> usize {
        self.got.lock().map_or(0, |g| g.len())
    }

    /// Waits until `n` datagrams have arrived, or none has for `idle`; then stops the readers
    /// and returns what they read.
    pub fn finish(self, n: usize, idle: Duration) -> Result<Vec<Received>, NetError> {
        let mut last = (self.received(), Instant::now());
        while last.0 < n && last.1.elapsed() < idle {
            std::thread::sleep(Duration::from_millis(20));
            let now = self.received();
            if now != last.0 {
                last = (now, Instant::now());
            }
        }
        self.stop.store(true, Ordering::SeqCst);
        for r in self.readers {
            r.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        }
        let got = std::mem::take(&mut *self.got.lock().unwrap_or_else(|p| p.into_inner()));
        Ok(got)
    }

    /// The kernel's IP and UDP counters in the namespace that tell where datagrams were lost.
    pub fn kernel_counters(&self) -> Result<String, NetError> {
        const WANTED: &[&str] = &[
            "Ip:ReasmOKs",
            "Ip:ReasmFails",
            "Ip:InHdrErrors",
            "Ip:InAddrErrors",
            "Ip:InDiscards",
            "Udp:InDatagrams",
            "Udp:InErrors",
            "Udp:RcvbufErrors",
            "Udp:InCsumErrors",
            "Udp:NoPorts",
            "Ip6ReasmOKs",
            "Ip6ReasmFails",
            "Ip6InHdrErrors",
            "Ip6InAddrErrors",
            "Ip6InDiscards",
            "Udp6InDatagrams",
            "Udp6InErrors",
            "Udp6RcvbufErrors",
            "Udp6InCsumErrors",
            "Udp6NoPorts",
        ];
        let counters = self.ns.run(read_snmp)??;
        Ok(WANTED
            .iter()
            .map(|k| format!("{k} {}", counters.get(*k).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", "))
    }
}

/// Reads datagrams until `stop`.
fn read_socket(
    family: Family,
    sock: &UdpSocket,
    stop: &AtomicBool,
    got: &Mutex<Vec<Received>>,
) -> Result<(), NetError> {
    let mut buf = vec![0u8; 1 << 16];
    while !stop.load(Ordering::SeqCst) {
        match sock.recv(&mut buf) {
            Ok(n) => got
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((family, buf[..n].to_vec())),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(NetError::io(format!("recv ({family:?})"), e)),
        }
    }
    Ok(())
}

/// The calling thread's namespace's `/proc/net/snmp` and `snmp6` counters, as `Ip:ReasmOKs`
/// (snmp: header line, value line) and `Ip6ReasmOKs` (snmp6: name value).
fn read_snmp() -> Result<HashMap<String, u64>, NetError> {
    let read = |f: &str| {
        std::fs::read_to_string(format!("/proc/thread-self/net/{f}"))
            .map_err(|e| NetError::io(format!("read /proc/thread-self/net/{f}"), e))
    };
    let mut map = HashMap::new();
    let snmp = read("snmp")?;
    let lines: Vec<&str> = snmp.lines().collect();
    for pair in lines.chunks(2) {
        if let [names, values] = pair {
            let mut n = names.split_whitespace();
            let mut v = values.split_whitespace();
            if let (Some(group), Some(_)) = (n.next(), v.next()) {
                for (name, value) in n.zip(v) {
                    map.insert(format!("{group}{name}"), value.parse().unwrap_or(0));
                }
            }
        }
    }
    for line in read("snmp6")?.lines() {
        if let Some((name, value)) = line.split_once(char::is_whitespace) {
            map.insert(name.to_string(), value.trim().parse().unwrap_or(0));
        }
    }
    Ok(map)
}

/// What the receiver got compared with what was sent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Datagrams sent, by IP version.
    pub sent: [usize; 2],
    /// Of them, with VLAN tags.
    pub tagged: usize,
    /// Datagrams received intact, by IP version.
    pub received: [usize; 2],
    /// Sent and never received (intact), by IP version.
    pub missing: [usize; 2],
    /// Received but not sent (a corrupted payload), by IP version.
    pub corrupt: [usize; 2],
    /// The cases whose datagram is missing.
    pub missing_names: Vec<String>,
}

impl std::fmt::Display for Delivery {
    /// "sent N UDP datagrams (IPv4 a, IPv6 b) (t with VLAN tags); received intact ..., missing
    /// ..., corrupt ...", each split by IP version.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let split = |x: [usize; 2]| format!("{} (IPv4 {}, IPv6 {})", x[0] + x[1], x[0], x[1]);
        write!(
            f,
            "sent {} UDP datagrams ({} with VLAN tags); received intact {}, missing {}, corrupt {}",
            split(self.sent),
            self.tagged,
            split(self.received),
            split(self.missing),
            split(self.corrupt)
        )
    }
}

impl Delivery {
    /// Matches the received datagrams against the expected ones (as multisets: two datagrams
    /// may carry the same payload).
    pub fn tally(expected: &[Expected], got: Vec<Received>) -> Delivery {
        let ix = |f: Family| usize::from(f == Family::Ipv6);
        let mut d = Delivery::default();
        // The cases of each payload that no datagram has matched yet.
        let mut want: HashMap<(Family, &[u8]), Vec<&str>> = HashMap::new();
        for e in expected.iter().rev() {
            d.sent[ix(e.family)] += 1;
            d.tagged += usize::from(e.vlan_depth > 0);
            want.entry((e.family, e.payload.as_slice()))
                .or_default()
                .push(&e.name);
        }
        for (family, payload) in &got {
            match want
                .get_mut(&(*family, payload.as_slice()))
                .and_then(Vec::pop)
            {
                Some(_) => d.received[ix(*family)] += 1,
                None => d.corrupt[ix(*family)] += 1,
            }
        }
        for e in expected {
            if let Some(names) = want.get_mut(&(e.family, e.payload.as_slice())) {
                if let Some(name) = names.pop() {
                    d.missing[ix(e.family)] += 1;
                    d.missing_names.push(name.to_string());
                }
            }
        }
        d
    }

    /// No datagram lost or corrupted.
    pub fn ok(&self) -> bool {
        self.missing == [0, 0] && self.corrupt == [0, 0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_counts_missing_and_corrupt() {
        let e = |name: &str, family, vlan_depth, payload: &[u8]| Expected {
            name: name.into(),
            family,
            vlan_depth,
            payload: payload.to_vec(),
        };
        let expected = vec![
            e("a", Family::Ipv4, 0, &[1, 2]),
            e("b", Family::Ipv4, 1, &[1, 2]),
            e("c", Family::Ipv6, 0, &[3]),
            e("d", Family::Ipv6, 2, &[]),
        ];
        let got = vec![
            (Family::Ipv4, vec![1, 2]),
            (Family::Ipv6, vec![3]),
            (Family::Ipv6, vec![4]),
        ];
        let d = Delivery::tally(&expected, got);
        assert_eq!(d.sent, [2, 2]);
        assert_eq!(d.tagged, 2);
        assert_eq!(d.received, [1, 1]);
        assert_eq!(d.missing, [1, 1]);
        assert_eq!(d.corrupt, [0, 1]);
        assert_eq!(d.missing_names, ["b", "d"]);
        assert!(!d.ok());
    }
}
