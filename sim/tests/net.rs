//! The Linux kernel as receiver (`kernel-check`) and live mode (`live --check`), where this
//! machine lets them run (root and /dev/net/tun; otherwise each test says SKIPPED and passes:
//! `make kernel-check` and `make live-check` say so loudly too). Each check is also shown to
//! fail: a datagram damaged on the way is reported missing or corrupt.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use ufo_sim::case::Expect;
use ufo_sim::kernel::{Delivery, Prepared, Receiver};
use ufo_sim::random::random_case;
use ufo_sim::retarget::Family;

fn available() -> bool {
    match ufo_netns::check_available() {
        Ok(()) => true,
        Err(why) => {
            eprintln!("SKIPPED (needs root and /dev/net/tun): {why}");
            false
        }
    }
}

/// `ufo-sim <args> --out <out>` from the repository root: its status and stdout (both printed).
fn ufo_sim(args: &[&str], out: &Path) -> (Output, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ufo-sim"))
        .args(args)
        .arg("--out")
        .arg(out)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("ufo-sim runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("{text}");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    (out, text)
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ufo-net-{}-{name}", std::process::id()))
}

/// `ufo-sim live --check --seed 3` in the namespaces `<prefix>-tx` and `<prefix>-rx`, with the
/// options `extra`; pass or fail, the namespaces are gone afterwards.
fn live_check(prefix: &str, extra: &[&str]) -> (Output, String) {
    let args = ["live", "--check", "--seed", "3", "--name", prefix];
    let result = ufo_sim(&[&args[..], extra].concat(), &scratch("live"));
    for side in ["tx", "rx"] {
        let ns = format!("/run/netns/{prefix}-{side}");
        assert!(!Path::new(&ns).exists(), "{ns} left behind");
    }
    result
}

/// The golden frames of readdressed random datagrams, written straight into the receiver's TAP
/// device: all arrive; one with a payload byte changed is dropped by the kernel (its UDP
/// checksum fails: missing); one with two payload words swapped passes the checksum and is
/// caught by the payload comparison (corrupt).
#[test]
fn kernel_receiver_counts_missing_and_corrupt_datagrams() {
    if !available() {
        return;
    }
    // USO super-frames left out: one case, one expected datagram (indexes below line up).
    let cases = (0..80)
        .map(|k| random_case(11, k, &[576, 1500]).unwrap())
        .filter(|c| c.skb.uso_gso_size.is_none());
    let prepared = Prepared::new(cases);
    let frames: Vec<Vec<Vec<u8>>> = prepared
        .cases
        .iter()
        .map(|c| match &c.expect {
            Expect::Frames(f) | Expect::ChainErrorThenFrames(f) => f.clone(),
            Expect::Error(_) => unreachable!("error cases are not prepared"),
        })
        .collect();
    // Two untagged IPv4 datagrams of several fragments whose second fragment can be damaged.
    let damageable: Vec<usize> = (0..frames.len())
        .filter(|&i| {
            let e = &prepared.expected[i];
            e.family == Family::Ipv4
                && e.vlan_depth == 0
                && frames[i].len() >= 2
                && prepared.cases[i].skb.csum.is_some()
        })
        .collect();
    assert!(
        damageable.len() >= 2,
        "the seed has fragmented IPv4 datagrams"
    );
    let (dropped, swapped) = (damageable[0], damageable[1]);

    let run = |damage: bool| -> Delivery {
        let rx = Receiver::start().unwrap();
        for (i, datagram) in frames.iter().enumerate() {
            for (k, f) in datagram.iter().enumerate() {
                let mut f = f.clone();
                if damage && k == 1 {
                    let p = 14 + usize::from(f[14] & 0x0F) * 4;
                    if i == dropped {
                        f[p] ^= 0x01;
                    } else if i == swapped {
                        // Swapping 16-bit words keeps the one's-complement sum.
                        let q = (p..f.len() - 3)
                            .step_by(2)
                            .find(|&q| f[q..q + 2] != f[q + 2..q + 4])
                            .expect("two different words");
                        f.swap(q, q + 2);
                        f.swap(q + 1, q + 3);
                    }
                }
                rx.tap.send(&f).unwrap();
            }
        }
        let got = rx
            .finish(prepared.expected.len(), Duration::from_secs(1))
            .unwrap();
        Delivery::tally(&prepared.expected, got)
    };
    let clean = run(false);
    assert!(clean.ok(), "{clean:?}");
    assert_eq!(clean.received, clean.sent);
    let damaged = run(true);
    assert_eq!(damaged.missing, [2, 0], "{damaged:?}");
    assert_eq!(damaged.corrupt, [1, 0], "{damaged:?}");
}

#[test]
fn kernel_check_command_delivers_every_datagram() {
    if !available() {
        return;
    }
    let out = scratch("kc");
    let (o, text) = ufo_sim(&["kernel-check", "--seed", "5", "--count", "150"], &out);
    assert!(o.status.success());
    let line = text
        .lines()
        .find(|l| l.starts_with("kernel-check: ") && l.contains(" frames into "))
        .expect("the kernel-check line");
    assert!(
        line.contains("missing 0 (IPv4 0, IPv6 0), corrupt 0"),
        "{line}"
    );
    assert!(out.join("wire.pcap").exists());
}

/// `live --check` passes and removes its namespaces; with a frame of the wire dropped on
/// purpose (a hidden test hook) it fails and counts the datagram missing.
#[test]
fn live_check_passes_cleans_up_and_catches_a_lost_frame() {
    if !available() {
        return;
    }
    let prefix = format!("ufo-live-test-{}", std::process::id());
    let (o, text) = live_check(&prefix, &[]);
    assert!(o.status.success());
    assert!(text.contains("removed (and their devices with them)"));
    for kind in [
        "UDP_SEGMENT  512 IPv6",
        "UDP fragmented IPv4",
        "TCP stream IPv6",
    ] {
        let row = text
            .lines()
            .find(|l| l.trim_start().starts_with(kind))
            .unwrap_or_else(|| panic!("no row {kind}"));
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(cols[n - 4], cols[n - 5], "{row}: intact = expected");
        assert_eq!(&cols[n - 3..n - 1], ["0", "0"], "{row}");
    }

    let (o, text) = live_check(&prefix, &["--drop-udp-frame", "5"]);
    assert!(!o.status.success());
    assert!(text.contains("live-check FAILED"));
    let missing: usize = text
        .lines()
        .filter(|l| l.trim_end().ends_with("(datagrams)"))
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            cols[cols.len() - 3].parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(missing, 1, "one datagram lost with its frame");
}
