//! Functional coverage of the stimulus: which kinds of datagram, layout and error the cases of a
//! run exercised, counted only for cases that passed (a bin is covered when a case of its kind
//! was checked and found right). Every bin is listed, so the table names the bins never hit.
//!
//! Groups: fragments per datagram, the last fragment's payload (mod 8 and tiny ones of 1..7
//! bytes), where buffer boundaries fall (inside each header, at the header end, inside a
//! fragment's payload, on a fragment boundary), buffer counts, odd lengths and start
//! alignments, every protocol variant, every error class of the completion status table, and
//! the data width. [`Coverage::to_csv`] / [`Coverage::from_csv`] and [`Coverage::merge`] join
//! runs (widths, shards) into one table.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::rc::Rc;

use thiserror::Error;
use ufo_driver::skb::Skb;

use crate::case::{Case, Expect};
use crate::headers::{self, be16, ETHERTYPE_IPV4, ETHERTYPE_IPV6};

/// The completion status codes and names of the contract (`docs/architecture.md`, ufo_pkg
/// `ST_*`): one error-class bin each.
pub const STATUS_NAMES: [&str; 25] = [
    "OK",
    "CHAIN_NO_SOP",
    "DESC_DMA",
    "DMA_READ",
    "LENGTH_ZERO",
    "HDR_L2",
    "UFO_SIZE",
    "CHAIN_SOP_INSIDE",
    "CHAIN_NO_EOP",
    "DESC_FLAGS",
    "LENGTH_MAX",
    "FRAME_SIZE",
    "HDR_IP",
    "HDR_L4",
    "HDR_LEN",
    "HDR_EXT",
    "HDR_SPAN",
    "CSUM_POS",
    "VLAN_INS",
    "DESC_TIMEOUT",
    "READ_TIMEOUT",
    "USO_GSO_SIZE",
    "USO_SEGMENTS",
    "USO_CSUM",
    "USO_LENGTH",
];

/// Every group and its bins, in table order.
fn all_bins() -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = Vec::new();
    let mut group = |g: &'static str, bins: &[&str]| {
        v.extend(bins.iter().map(|b| (g, (*b).to_string())));
    };
    group(
        "fragments",
        &["1", "2", "3-4", "5-8", "9-16", "17-64", "65+"],
    );
    group(
        "last fragment payload mod 8",
        &["0", "1", "2", "3", "4", "5", "6", "7"],
    );
    group(
        "last fragment payload (bytes)",
        &["1", "2", "3", "4", "5", "6", "7"],
    );
    group(
        "buffer boundary",
        &[
            "inside Ethernet/VLAN header",
            "inside IP header",
            "inside UDP header",
            "at the end of the headers",
            "inside a fragment's payload",
            "on a fragment boundary",
        ],
    );
    group("buffers", &["1", "2", "3-4", "5-16", "17-32"]);
    group(
        "buffer start mod 8",
        &["0", "1", "2", "3", "4", "5", "6", "7"],
    );
    group(
        "lengths",
        &["odd total", "even total", "odd buffer", "empty frag"],
    );
    group(
        "protocol",
        &[
            "IPv4 UFO",
            "IPv4 UFO with options",
            "IPv4 UFO without UDP checksum",
            "IPv6 UFO",
            "IPv6 UFO with extension headers",
            "IPv6 UFO without UDP checksum",
            "IPv4 USO",
            "IPv6 USO",
            "1 VLAN tag in frame",
            "2 VLAN tags in frame",
            "VLAN inserted",
            "checksum offload (plain)",
            "plain (no offload)",
        ],
    );
    group("data width", &["64", "128", "256", "512"]);
    let errors = STATUS_NAMES[1..]
        .iter()
        .enumerate()
        .map(|(i, n)| ("error class", format!("{} {n}", i + 1)));
    v.extend(errors);
    v
}

/// A coverage CSV that cannot be read.
#[derive(Debug, Error)]
pub enum CoverageError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line is not `group,bin,hits` of a known bin.
    #[error("{path}:{line}: {what}")]
    Format {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        what: String,
    },
}

/// Hits per bin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    hits: BTreeMap<(String, String), u64>,
    order: Vec<(String, String)>,
}

impl Default for Coverage {
    fn default() -> Self {
        Self::new()
    }
}

impl Coverage {
    /// Every bin at 0.
    pub fn new() -> Self {
        let order: Vec<(String, String)> = all_bins()
            .into_iter()
            .map(|(g, b)| (g.to_string(), b))
            .collect();
        let hits = order.iter().map(|k| (k.clone(), 0)).collect();
        Self { hits, order }
    }

    /// The bins a case exercises on a model of `data_width` bits (see [`Coverage::count`]).
    pub fn bins_of(case: &Case, data_width: usize) -> Vec<Bin> {
        let mut bins = Vec::new();
        bins.push(("data width", data_width.to_string()));
        layout_bins(&case.skb, &mut bins);
        match &case.expect {
            Expect::Error(status) => {
                let code = usize::from(status.code());
                if (1..STATUS_NAMES.len()).contains(&code) {
                    bins.push(("error class", format!("{code} {}", STATUS_NAMES[code])));
                }
            }
            Expect::ChainErrorThenFrames(frames) => {
                bins.push(("error class", format!("7 {}", STATUS_NAMES[7])));
                frame_bins(&case.skb, frames, &mut bins);
            }
            Expect::Frames(frames) => frame_bins(&case.skb, frames, &mut bins),
        }
        bins
    }

    /// Counts one hit in each of `bins` (from [`Coverage::bins_of`] of a case that passed).
    pub fn count(&mut self, bins: &[Bin]) {
        for (g, b) in bins {
            if let Some(n) = self.hits.get_mut(&(g.to_string(), b.clone())) {
                *n += 1;
            }
        }
    }

    /// Adds another run's hits.
    pub fn merge(&mut self, other: &Coverage) {
        for (k, n) in &other.hits {
            *self.hits.entry(k.clone()).or_insert(0) += n;
        }
    }

    /// Bins with no hit, as `group: bin`.
    pub fn never_hit(&self) -> Vec<String> {
        self.order
            .iter()
            .filter(|k| self.hits[*k] == 0)
            .map(|(g, b)| format!("{g}: {b}"))
            .collect()
    }

    /// `group,bin,hits` lines with a header line.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("group,bin,hits\n");
        for k in &self.order {
            let _ = writeln!(s, "{},{},{}", k.0, k.1, self.hits[k]);
        }
        s
    }

    /// Reads [`Coverage::to_csv`] output; `path` names the file in errors.
    pub fn from_csv(text: &str, path: &str) -> Result<Coverage, CoverageError> {
        let mut c = Coverage::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            let bad = |what: String| CoverageError::Format {
                path: path.to_string(),
                line: i + 1,
                what,
            };
            let mut f = line.rsplitn(2, ',');
            let hits = f.next().unwrap_or("");
            let key = f
                .next()
                .ok_or_else(|| bad("expected group,bin,hits".into()))?;
            let (group, bin) = key
                .split_once(',')
                .ok_or_else(|| bad("expected group,bin,hits".into()))?;
            let hits: u64 = hits
                .parse()
                .map_err(|_| bad(format!("hits '{hits}' is not a count")))?;
            let n = c
                .hits
                .get_mut(&(group.to_string(), bin.to_string()))
                .ok_or_else(|| bad(format!("unknown bin '{group}: {bin}'")))?;
            *n += hits;
        }
        Ok(c)
    }

    /// Reads a coverage CSV file.
    pub fn read(path: &std::path::Path) -> Result<Coverage, CoverageError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CoverageError::Io {
            path: shown.clone(),
            source,
        })?;
        Coverage::from_csv(&text, &shown)
    }

    /// Writes a coverage CSV file.
    pub fn write(&self, path: &std::path::Path) -> Result<(), CoverageError> {
        std::fs::write(path, self.to_csv()).map_err(|source| CoverageError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// The table: every bin with its hits, then the bins never hit.
    pub fn table(&self) -> String {
        let mut s = String::from("functional coverage (cases that passed)\n");
        let mut last = "";
        for k in &self.order {
            if k.0 != last {
                let _ = writeln!(s, "  {}", k.0);
                last = &k.0;
            }
            let n = self.hits[k];
            let mark = if n == 0 { "  <- never hit" } else { "" };
            let _ = writeln!(s, "    {:<34} {n:>10}{mark}", k.1);
        }
        let missed = self.never_hit();
        let _ = writeln!(
            s,
            "{} of {} bins hit; never hit: {}",
            self.order.len() - missed.len(),
            self.order.len(),
            if missed.is_empty() {
                "none".to_string()
            } else {
                missed.join("; ")
            }
        );
        s
    }
}

/// A bin: group and name.
pub type Bin = (&'static str, String);

/// Coverage counted when cases pass, for a run that streams them: the input notes a case's
/// bins by its index as it makes it ([`PassedCases::note`]), the run's outcome settles them
/// ([`PassedCases::settle`]). Clones share the same state (one for the input, one for the sink).
#[derive(Clone, Debug, Default)]
pub struct PassedCases {
    pending: Rc<RefCell<HashMap<usize, Vec<Bin>>>>,
    coverage: Rc<RefCell<Coverage>>,
}

impl PassedCases {
    /// Notes the bins of input case `index` on a model of `data_width` bits.
    pub fn note(&self, index: usize, case: &Case, data_width: usize) {
        let bins = Coverage::bins_of(case, data_width);
        self.pending.borrow_mut().insert(index, bins);
    }

    /// Case `index` finished: its bins count if it passed.
    pub fn settle(&self, index: usize, passed: bool) {
        if let Some(b) = self.pending.borrow_mut().remove(&index) {
            if passed {
                self.coverage.borrow_mut().count(&b);
            }
        }
    }

    /// The coverage so far.
    pub fn coverage(&self) -> Coverage {
        self.coverage.borrow().clone()
    }
}

/// Where the headers of a packet end: link header end (`l3`), the UDP header (`l4`), and the
/// part every fragment repeats (`frag_hdr`). `None` when the headers do not parse.
struct Headers {
    l3: usize,
    l4: usize,
    frag_hdr: usize,
    ipv6: bool,
    options_or_ext: bool,
    tags: usize,
}

fn parse_headers(pkt: &[u8]) -> Option<Headers> {
    let link = headers::link(pkt).ok()?;
    match link.ethertype {
        ETHERTYPE_IPV4 if pkt.len() >= link.l3 + 20 => {
            let ihl = usize::from(pkt[link.l3] & 0xf) * 4;
            Some(Headers {
                l3: link.l3,
                l4: link.l3 + ihl,
                frag_hdr: link.l3 + ihl,
                ipv6: false,
                options_or_ext: ihl > 20,
                tags: link.tags,
            })
        }
        ETHERTYPE_IPV6 => {
            let up = headers::ipv6_upper(pkt, link.l3).ok()?;
            Some(Headers {
                l3: link.l3,
                l4: up.offset,
                frag_hdr: link.l3 + up.unfragmentable,
                ipv6: true,
                options_or_ext: up.offset > link.l3 + 40,
                tags: link.tags,
            })
        }
        _ => None,
    }
}

/// IP payload bytes of one fragment frame (IPv4 total length less the header; IPv6 payload
/// after the Fragment header).
fn fragment_payload(frame: &[u8]) -> Option<usize> {
    let link = headers::link(frame).ok()?;
    match link.ethertype {
        ETHERTYPE_IPV4 if frame.len() >= link.l3 + 20 => {
            let ihl = usize::from(frame[link.l3] & 0xf) * 4;
            usize::from(be16(frame, link.l3 + 2)).checked_sub(ihl)
        }
        ETHERTYPE_IPV6 if frame.len() >= link.l3 + 40 => {
            let up = headers::ipv6_upper(frame, link.l3).ok()?;
            let end = link.l3 + 40 + usize::from(be16(frame, link.l3 + 4));
            // a fragment: the payload follows the 8-byte Fragment header (next header 44)
            let start = if up.protocol == 44 {
                up.offset + 8
            } else {
                up.offset
            };
            end.checked_sub(start)
        }
        _ => None,
    }
}

fn range_bin(n: usize, ranges: &[(usize, usize, &'static str)]) -> Option<String> {
    ranges
        .iter()
        .find(|(lo, hi, _)| (*lo..=*hi).contains(&n))
        .map(|r| r.2.to_string())
}

/// Buffer counts, alignments, lengths, boundaries within the headers, protocol variant.
fn layout_bins(skb: &Skb, bins: &mut Vec<Bin>) {
    let pkt = packet(skb);
    let buffers = 1 + skb.frags.len();
    let ranges = [
        (1, 1, "1"),
        (2, 2, "2"),
        (3, 4, "3-4"),
        (5, 16, "5-16"),
        (17, 32, "17-32"),
    ];
    if let Some(b) = range_bin(buffers, &ranges) {
        bins.push(("buffers", b));
    }
    bins.push(("buffer start mod 8", (skb.head_align % 8).to_string()));
    for f in &skb.frags {
        bins.push(("buffer start mod 8", (f.page_offset % 8).to_string()));
        if f.data.is_empty() {
            bins.push(("lengths", "empty frag".into()));
        }
    }
    let odd = if pkt.len() % 2 == 1 {
        "odd total"
    } else {
        "even total"
    };
    bins.push(("lengths", odd.into()));
    if skb.head.len() % 2 == 1 || skb.frags.iter().any(|f| f.data.len() % 2 == 1) {
        bins.push(("lengths", "odd buffer".into()));
    }

    let Some(h) = parse_headers(&pkt) else {
        return;
    };
    let ufo = skb.ufo_size > 0;
    let udp_csum_off = pkt.len() >= h.l4 + 8 && be16(&pkt, h.l4 + 6) == 0;
    let mut variant = |b: &str| bins.push(("protocol", b.to_string()));
    match (ufo, h.ipv6) {
        _ if skb.uso_gso_size.is_some() => variant(if h.ipv6 { "IPv6 USO" } else { "IPv4 USO" }),
        (true, false) => {
            variant("IPv4 UFO");
            if h.options_or_ext {
                variant("IPv4 UFO with options");
            }
            if udp_csum_off {
                variant("IPv4 UFO without UDP checksum");
            }
        }
        (true, true) => {
            variant("IPv6 UFO");
            if h.options_or_ext {
                variant("IPv6 UFO with extension headers");
            }
            if udp_csum_off {
                variant("IPv6 UFO without UDP checksum");
            }
        }
        (false, _) if skb.csum.is_some() => variant("checksum offload (plain)"),
        (false, _) => variant("plain (no offload)"),
    }
    match h.tags {
        1 => variant("1 VLAN tag in frame"),
        2 => variant("2 VLAN tags in frame"),
        _ => {}
    }
    if skb.vlan_insert.is_some() {
        variant("VLAN inserted");
    }

    // buffer boundaries against the headers
    for at in boundaries(skb) {
        let place = match at {
            b if b < h.l3 => "inside Ethernet/VLAN header",
            b if b < h.l4 => "inside IP header",
            b if b < h.l4 + 8 => "inside UDP header",
            b if b == h.l4 + 8 => "at the end of the headers",
            _ => continue,
        };
        bins.push(("buffer boundary", place.into()));
    }
}

/// Where one buffer ends and the next begins, as packet byte offsets.
fn boundaries(skb: &Skb) -> Vec<usize> {
    let lens = std::iter::once(skb.head.len()).chain(skb.frags.iter().map(|f| f.data.len()));
    let mut at = 0;
    let mut v: Vec<usize> = lens
        .map(|len| {
            at += len;
            at
        })
        .collect();
    v.pop(); // the packet's end
    v
}

/// The packet the skb holds, head and frags in order.
fn packet(skb: &Skb) -> Vec<u8> {
    let mut pkt = skb.head.clone();
    for f in &skb.frags {
        pkt.extend_from_slice(&f.data);
    }
    pkt
}

/// Fragment count, last fragment's payload, boundaries against the fragments.
fn frame_bins(skb: &Skb, frames: &[Vec<u8>], bins: &mut Vec<Bin>) {
    let ranges = [
        (1, 1, "1"),
        (2, 2, "2"),
        (3, 4, "3-4"),
        (5, 8, "5-8"),
        (9, 16, "9-16"),
        (17, 64, "17-64"),
        (65, usize::MAX, "65+"),
    ];
    if let Some(b) = range_bin(frames.len(), &ranges) {
        bins.push(("fragments", b));
    }
    if skb.ufo_size == 0 || frames.len() < 2 {
        return;
    }
    let (Some(first), Some(last)) = (
        fragment_payload(&frames[0]),
        fragment_payload(&frames[frames.len() - 1]),
    ) else {
        return;
    };
    bins.push(("last fragment payload mod 8", (last % 8).to_string()));
    if (1..=7).contains(&last) {
        bins.push(("last fragment payload (bytes)", last.to_string()));
    }
    let Some(h) = parse_headers(&packet(skb)) else {
        return;
    };
    for at in boundaries(skb) {
        if at > h.l4 + 8 && first > 0 {
            let place = if (at - h.frag_hdr) % first == 0 {
                "on a fragment boundary"
            } else {
                "inside a fragment's payload"
            };
            bins.push(("buffer boundary", place.into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trip_and_merge() {
        let mut a = Coverage::new();
        a.count(&[("fragments", "2".into()), ("data width", "64".into())]);
        let b = Coverage::from_csv(&a.to_csv(), "a.csv").unwrap();
        assert_eq!(a, b);
        let mut m = a.clone();
        m.merge(&b);
        assert!(m.to_csv().contains("fragments,2,2\n"));
        assert!(m.never_hit().contains(&"fragments: 1".to_string()));
        assert!(!m.never_hit().contains(&"fragments: 2".to_string()));
    }

    #[test]
    fn bad_csv_names_file_and_line() {
        let e = Coverage::from_csv("group,bin,hits\nfragments,2,x\n", "f.csv").unwrap_err();
        assert_eq!(e.to_string(), "f.csv:2: hits 'x' is not a count");
        let e = Coverage::from_csv("group,bin,hits\nnope,2,1\n", "f.csv").unwrap_err();
        assert_eq!(e.to_string(), "f.csv:2: unknown bin 'nope: 2'");
    }
}
