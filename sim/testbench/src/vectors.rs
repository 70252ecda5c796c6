//! Test vectors: CSV files read with serde + csv (format in `testvectors/README.md`). Every
//! error names the file, the line and the field.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use ufo_driver::desc::Status;
use ufo_driver::packet::{
    DatagramSpec, Ipv6DatagramSpec, Ipv6ExtHeader, Ipv6ExtKind, PacketSpec, PlainSpec, TxPacket,
    UdpCsum,
};

use crate::case::{
    apply_packet_fault, build_skb, fill_payload, Case, Expect, Fault, Layout, Pattern,
};

/// One CSV row, as written.
#[derive(Debug, Deserialize)]
struct Row {
    name: String,
    mtu: u32,
    payload: usize,
    layout: String,
    #[serde(default)]
    head_payload: usize,
    pattern: String,
    ip_id: String,
    df: u8,
    #[serde(default)]
    vlan: String,
    udp_csum: String,
    ufo: u8,
    fault: String,
    expect: String,
    #[serde(default)]
    #[allow(dead_code)]
    notes: String,
    // Optional columns (older files without them keep working)
    #[serde(default)]
    ip: Option<u8>,
    #[serde(default)]
    ip_options: String,
    #[serde(default)]
    ext: String,
    #[serde(default)]
    vlan_insert: String,
    #[serde(default)]
    frag_id: String,
    #[serde(default)]
    proto: String,
}

/// A vector file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line (0 when the file itself failed).
    pub line: u64,
    /// The column, when one is at fault.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)?;
        if let Some(field) = &self.field {
            write!(f, ": field '{field}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for VectorError {}

/// The `.csv` files of `path` (a file, or a directory read in name order).
pub fn vector_files(path: &Path) -> Result<Vec<PathBuf>, VectorError> {
    let err = |message: String| VectorError {
        file: path.to_path_buf(),
        line: 0,
        field: None,
        message,
    };
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| err(e.to_string()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect();
        files.sort();
        Ok(files)
    } else if path.exists() {
        Ok(vec![path.to_path_buf()])
    } else {
        Err(err("no such file or directory".into()))
    }
}

/// Reads every case of one CSV file.
pub fn load_file(file: &Path) -> Result<Vec<Case>, VectorError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .map_err(|e| VectorError {
            file: file.to_path_buf(),
            line: 0,
            field: None,
            message: e.to_string(),
        })?;
    let headers = rdr.headers().cloned().unwrap_or_default();
    let mut cases = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| VectorError {
            file: file.to_path_buf(),
            line: e.position().map_or(0, |p| p.line()),
            field: None,
            message: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let at = |field: &str, message: String| VectorError {
            file: file.to_path_buf(),
            line,
            field: Some(field.to_string()),
            message,
        };
        let row: Row = rec.deserialize(Some(&headers)).map_err(|e| {
            let field = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err
                    .field()
                    .and_then(|i| headers.get(i as usize))
                    .unwrap_or("?")
                    .to_string(),
                _ => "?".to_string(),
            };
            at(&field, e.to_string())
        })?;
        cases.push(row_to_case(
            &row,
            &format!("{}:{line}", file.display()),
            &at,
        )?);
    }
    Ok(cases)
}

fn row_to_case(
    row: &Row,
    origin: &str,
    at: &dyn Fn(&str, String) -> VectorError,
) -> Result<Case, VectorError> {
    let layout = parse_layout(&row.layout).map_err(|m| at("layout", m))?;
    let pattern = parse_pattern(&row.pattern).map_err(|m| at("pattern", m))?;
    let fault = parse_fault(&row.fault).map_err(|m| at("fault", m))?;
    let ip_id = parse_u16(&row.ip_id).map_err(|m| at("ip_id", m))?;
    let ufo = match row.ufo {
        0 => false,
        1 => true,
        n => return Err(at("ufo", format!("{n}: expected 0 or 1"))),
    };
    let expect_status = parse_status(&row.expect).map_err(|m| at("expect", m))?;
    // Plain packets: `full` asks the device for the checksum (the frame carries the seed),
    // `sw` carries the checksum software computed and asks nothing.
    let udp_csum = match (row.udp_csum.as_str(), ufo) {
        ("full", true) | ("sw", false) => UdpCsum::Full,
        ("full", false) => UdpCsum::Seed,
        ("none", _) => UdpCsum::None,
        (other, _) => {
            return Err(at(
                "udp_csum",
                format!("'{other}': expected full, none, or sw (plain only)"),
            ))
        }
    };
    let vlan = parse_list(&row.vlan, parse_u16).map_err(|m| at("vlan", m))?;
    let vlan_insert = if row.vlan_insert.is_empty() {
        None
    } else {
        Some(parse_u16(&row.vlan_insert).map_err(|m| at("vlan_insert", m))?)
    };
    let ip6_frag_id = if row.frag_id.is_empty() {
        0x1234_5678
    } else {
        parse_u32(&row.frag_id).map_err(|m| at("frag_id", m))?
    };
    let ip_options = parse_hex(&row.ip_options).map_err(|m| at("ip_options", m))?;
    let mut pattern_spec = DatagramSpec {
        dst_mac: [0x02, 0x00, 0x00, 0x00, 0x00, 0x02],
        src_mac: [0x02, 0x00, 0x00, 0x00, 0x00, 0x01],
        vlan: vlan.clone(),
        src_ip: [192, 0, 2, 1],
        dst_ip: [198, 51, 100, 7],
        ip_id,
        tos: 0,
        ttl: 64,
        df: row.df != 0,
        ip_options,
        src_port: 40000,
        dst_port: 9,
        payload: Vec::new(),
        udp_csum,
    };
    let ip = row.ip.unwrap_or(4);
    let spec = match (ip, row.proto.as_str()) {
        (4, "" | "udp") => {
            if pattern_spec.ip_header_len() + 8 + row.payload > 65535 {
                return Err(at(
                    "payload",
                    format!("{}: IPv4 total length over 65535", row.payload),
                ));
            }
            fill_payload(&mut pattern_spec, row.payload, &pattern);
            PacketSpec::Udp4(pattern_spec)
        }
        (6, "" | "udp") => {
            if pattern == Pattern::ChecksumZero {
                return Err(at("pattern", "csum0 is for IPv4 rows".into()));
            }
            fill_payload(&mut pattern_spec, row.payload, &pattern);
            let ext_headers = parse_ext(&row.ext).map_err(|m| at("ext", m))?;
            let final_dst = ext_headers
                .iter()
                .rev()
                .find(|h| h.kind == Ipv6ExtKind::Routing && h.body.len() >= 22)
                .map(|h| h.body[h.body.len() - 16..].try_into().expect("16 bytes"));
            let spec6 = Ipv6DatagramSpec {
                dst_mac: pattern_spec.dst_mac,
                src_mac: pattern_spec.src_mac,
                vlan,
                traffic_class: 0,
                flow_label: 0x12345,
                hop_limit: 64,
                src_ip: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                dst_ip: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
                ext_headers,
                final_dst,
                src_port: 40000,
                dst_port: 9,
                payload: pattern_spec.payload,
                udp_csum,
            };
            if spec6.payload_len() > 65535 {
                return Err(at(
                    "payload",
                    format!("{}: IPv6 payload length over 65535", row.payload),
                ));
            }
            PacketSpec::Udp6(spec6)
        }
        (4, "tcp") if !ufo => {
            fill_payload(&mut pattern_spec, row.payload, &pattern);
            let mut t = PlainSpec::tcp_ipv4_partial(
                pattern_spec.src_ip,
                pattern_spec.dst_ip,
                0x18,
                &pattern_spec.payload,
            );
            t.vlan = pattern_spec.vlan;
            PacketSpec::Plain(t)
        }
        (4 | 6, p) => {
            return Err(at(
                "proto",
                format!("'{p}': expected udp, or tcp (IPv4, ufo 0)"),
            ))
        }
        (n, _) => return Err(at("ip", format!("{n}: expected 4 or 6"))),
    };
    let tx = TxPacket {
        spec,
        ufo_mtu: ufo.then_some(row.mtu),
        ip6_frag_id,
        vlan_insert,
    };
    let name = row.name.clone();
    let mut case = match (&fault, expect_status) {
        (Fault::None, Status::Ok) | (Fault::SopInside, Status::DescChain) => {
            Case::from_tx(name, origin.to_string(), &tx, &layout, row.head_payload)
                .map_err(|m| at("layout", m))?
        }
        (Fault::None, s) => {
            return Err(at(
                "expect",
                format!("{s} without a fault: a correct packet must be ok"),
            ))
        }
        (_, Status::Ok) => return Err(at("expect", "a fault cannot expect ok".into())),
        (_, s) => {
            let skb = build_skb(&tx, &layout, row.head_payload).map_err(|m| at("layout", m))?;
            Case {
                name,
                origin: origin.to_string(),
                skb,
                fault: Fault::None,
                expect: Expect::Error(s),
                ipv6_final_dst: None,
            }
        }
    };
    if fault == Fault::SopInside {
        let Expect::Frames(frames) = case.expect else {
            unreachable!("from_tx expects frames")
        };
        case.expect = Expect::ChainErrorThenFrames(frames);
    }
    let l3 = 14 + 4 * row.vlan.split('/').filter(|t| !t.is_empty()).count();
    apply_packet_fault(&mut case.skb, l3, &fault);
    case.fault = fault;
    Ok(case)
}

fn parse_list<T>(s: &str, f: fn(&str) -> Result<T, String>) -> Result<Vec<T>, String> {
    s.split('/').filter(|x| !x.is_empty()).map(f).collect()
}

fn parse_u32(s: &str) -> Result<u32, String> {
    let r = match s.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => s.parse(),
    };
    r.map_err(|e| format!("'{s}': {e}"))
}

fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    if !s.len().is_multiple_of(2) {
        return Err(format!("'{s}': an even number of hex digits"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| format!("'{s}': {e}")))
        .collect()
}

/// IPv6 extension headers: `hop`, `dest` (options headers padded to 8 bytes; `hop:N` /
/// `dest:N` carry an N-byte skippable TLV), `route:K` (Routing type 0 with K addresses, the
/// last one the final destination), separated by `/`, in wire order.
fn parse_ext(s: &str) -> Result<Vec<Ipv6ExtHeader>, String> {
    let mut out = Vec::new();
    for item in s.split('/').filter(|x| !x.is_empty()) {
        let (kind, arg) = item.split_once(':').unwrap_or((item, ""));
        let n: usize = if arg.is_empty() {
            0
        } else {
            arg.parse().map_err(|e| format!("'{item}': {e}"))?
        };
        out.push(match kind {
            "hop" | "dest" => {
                let k = if kind == "hop" {
                    Ipv6ExtKind::HopByHop
                } else {
                    Ipv6ExtKind::DestOptions
                };
                // an unknown option whose type's top bits say "skip" (RFC 8200 4.2): 0x1E
                let tlv = if n >= 2 {
                    let mut t = vec![0x1E, (n - 2) as u8];
                    t.resize(n, 0xA5);
                    t
                } else {
                    Vec::new()
                };
                Ipv6ExtHeader::options(k, &tlv)
            }
            "route" => {
                let addrs: Vec<[u8; 16]> = (0..n.max(1))
                    .map(|i| {
                        let mut a = [
                            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0,
                        ];
                        a[15] = i as u8 + 1;
                        a
                    })
                    .collect();
                Ipv6ExtHeader::routing(0, addrs.len() as u8, &addrs)
            }
            _ => {
                return Err(format!(
                    "'{item}': expected hop, dest, route with optional :N"
                ))
            }
        });
    }
    Ok(out)
}

fn parse_u16(s: &str) -> Result<u16, String> {
    u16::try_from(parse_u32(s)?).map_err(|_| format!("'{s}': more than 65535"))
}

fn parse_layout(s: &str) -> Result<Layout, String> {
    let (kind, arg) = s.split_once(':').unwrap_or((s, ""));
    match kind {
        "pages" => Ok(Layout::Pages),
        "linear" => Ok(Layout::Linear),
        "random" => arg
            .parse()
            .map(Layout::Random)
            .map_err(|e| format!("'{s}': {e}")),
        "offset" => arg
            .parse()
            .map(Layout::Offset)
            .map_err(|e| format!("'{s}': {e}")),
        "frags" => arg
            .split('/')
            .map(|x| x.parse::<usize>().map_err(|e| format!("'{s}': '{x}': {e}")))
            .collect::<Result<Vec<_>, _>>()
            .map(Layout::Frags),
        _ => Err(format!(
            "'{s}': expected pages, linear, random:SEED, offset:N or frags:L1/L2/..."
        )),
    }
}

fn parse_pattern(s: &str) -> Result<Pattern, String> {
    match s.split_once(':') {
        Some(("random", seed)) => seed
            .parse()
            .map(Pattern::Random)
            .map_err(|e| format!("'{s}': {e}")),
        _ => match s {
            "inc" => Ok(Pattern::Incrementing),
            "zero" => Ok(Pattern::Zero),
            "ff" => Ok(Pattern::Ones),
            "csum0" => Ok(Pattern::ChecksumZero),
            _ => Err(format!(
                "'{s}': expected inc, zero, ff, csum0 or random:SEED"
            )),
        },
    }
}

fn parse_fault(s: &str) -> Result<Fault, String> {
    if let Some(n) = s.strip_prefix("ufo_size:") {
        return parse_u16(n).map(Fault::UfoSize);
    }
    Ok(match s {
        "none" | "" => Fault::None,
        "no_sop" => Fault::NoSop,
        "sop_inside" => Fault::SopInside,
        "no_eop" => Fault::NoEop,
        "desc_dma" => Fault::DescDma,
        "dma_err" => Fault::DmaErr,
        "too_long" => Fault::TooLong,
        "zero_len" => Fault::ZeroLen,
        "hdr_split" => Fault::HdrSplit,
        "not_udp" => Fault::NotUdp,
        "bad_ihl" => Fault::BadIhl,
        "bad_tot_len" => Fault::BadTotLen,
        "not_ipv4" => Fault::NotIpv4,
        "limit" => Fault::Limit,
        _ => {
            return Err(format!(
                "'{s}': expected none, no_sop, sop_inside, no_eop, desc_dma, dma_err, too_long, \
                 zero_len, hdr_split, not_udp, bad_ihl, bad_tot_len, not_ipv4, limit or ufo_size:N"
            ))
        }
    })
}

fn parse_status(s: &str) -> Result<Status, String> {
    Ok(match s {
        "ok" => Status::Ok,
        "desc_chain" => Status::DescChain,
        "desc_dma" => Status::DescDma,
        "dma_read" => Status::DmaRead,
        "length" => Status::Length,
        "header" => Status::Header,
        "ufo_size" => Status::UfoSize,
        _ => {
            return Err(format!(
                "'{s}': expected ok, desc_chain, desc_dma, dma_read, length, header or ufo_size"
            ))
        }
    })
}
