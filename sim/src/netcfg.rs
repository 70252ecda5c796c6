//! Configuration shared by `kernel-check` and `live`: what makes a namespace a quiet host that
//! accepts what the tests send (sysctls), and its interfaces' addresses. Everything goes through
//! `ip` and `/proc/sys` inside the namespace ([`ufo_netns::Netns`]).

use ufo_netns::{NetError, Netns};

/// Per-namespace sysctls for a test host: no reverse-path filter (the kernel check's sources are
/// not routed), IPv4 source routes accepted (the vectors carry some, completed by
/// `ufo_testbench::retarget`), no duplicate address detection (an address is usable at once) and no IPv6
/// link-local address, router solicitation or router advertisement (the only frames on the
/// devices are the test's), and 64 MiB of IPv4 and IPv6 reassembly memory (the defaults, 4 MiB,
/// hold a few dozen 64 KiB datagrams in pieces).
pub fn quiet_host(ns: &Netns) -> Result<(), NetError> {
    const SETTINGS: &[(&str, &str)] = &[
        ("net/ipv4/ipfrag_high_thresh", "67108864"),
        ("net/ipv4/ipfrag_low_thresh", "50331648"),
        ("net/ipv6/ip6frag_high_thresh", "67108864"),
        ("net/ipv6/ip6frag_low_thresh", "50331648"),
        ("net/ipv4/conf/all/rp_filter", "0"),
        ("net/ipv4/conf/default/rp_filter", "0"),
        ("net/ipv4/conf/all/accept_source_route", "1"),
        ("net/ipv4/conf/default/accept_source_route", "1"),
        ("net/ipv6/conf/all/accept_dad", "0"),
        ("net/ipv6/conf/default/accept_dad", "0"),
        ("net/ipv6/conf/default/addr_gen_mode", "1"),
        ("net/ipv6/conf/default/router_solicitations", "0"),
        ("net/ipv6/conf/default/accept_ra", "0"),
    ];
    for (path, value) in SETTINGS {
        ns.sysctl(path, value)?;
    }
    Ok(())
}

/// An IPv4 address in dotted form.
pub fn ipv4_text(a: [u8; 4]) -> String {
    std::net::Ipv4Addr::from(a).to_string()
}

/// An IPv6 address in its short form.
pub fn ipv6_text(a: [u8; 16]) -> String {
    std::net::Ipv6Addr::from(a).to_string()
}

/// A MAC address as `ip` writes it.
pub fn mac_text(m: [u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Gives `dev` its IPv4 address (`v4/prefix4`) and IPv6 address (`v6/prefix6`, no DAD).
pub fn add_addresses(
    ns: &Netns,
    dev: &str,
    (v4, prefix4): ([u8; 4], u8),
    (v6, prefix6): ([u8; 16], u8),
) -> Result<(), NetError> {
    ns.ip(&format!("addr add {}/{prefix4} dev {dev}", ipv4_text(v4)))?;
    ns.ip(&format!(
        "-6 addr add {}/{prefix6} dev {dev} nodad",
        ipv6_text(v6)
    ))?;
    Ok(())
}

/// Static neighbour entries on `dev`: `v4` and `v6` are at `mac` (no ARP, no ND).
pub fn add_neighbours(
    ns: &Netns,
    dev: &str,
    v4: [u8; 4],
    v6: [u8; 16],
    mac: [u8; 6],
) -> Result<(), NetError> {
    let mac = mac_text(mac);
    ns.ip(&format!(
        "neigh replace {} lladdr {mac} dev {dev} nud permanent",
        ipv4_text(v4)
    ))?;
    ns.ip(&format!(
        "-6 neigh replace {} lladdr {mac} dev {dev} nud permanent",
        ipv6_text(v6)
    ))?;
    Ok(())
}

/// Waits (up to 5 s) until the kernel routes `v6` to this host. A new device's IPv6 addresses
/// start working only when the kernel's link watch has marked the device up (`IF_READY`), up to
/// a second or more after it is set up (link watch events are rate-limited, across namespaces);
/// until then IPv6 drops what arrives for them (`Ip6InAddrErrors`) and cannot send.
pub fn wait_for_ipv6(ns: &Netns, v6: [u8; 16]) -> Result<(), NetError> {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let addr = ipv6_text(v6);
    loop {
        let route = ns.ip(&format!("-6 route show table local {addr}/128"))?;
        if !route.trim().is_empty() {
            return Ok(());
        }
        if std::time::Instant::now() > end {
            return Err(NetError::io(
                format!("IPv6 address {addr}"),
                std::io::Error::other("no local route after 5 s (the device never came up)"),
            ));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
