//! Test vectors: CSV files read with serde + csv (format in `testvectors/README.md`). Every
//! error names the file, the line and the field.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;
use ufo_driver::desc::Status;
use ufo_driver::packet::{
    DatagramSpec, Ipv6DatagramSpec, Ipv6ExtHeader, Ipv6ExtKind, PacketSpec, PlainSpec, SpecError,
    TxPacket, UdpCsum,
};
use ufo_driver::skb_build::BuildError;

use crate::case::{fill_payload, Case, CaseError, Fault, Layout, Pattern};

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
    #[serde(default)]
    gso_size: String,
}

/// A vector file that cannot be used: where, and what is wrong.
#[derive(Debug, Error)]
#[error("{}:{line}{}: {problem}", file.display(), field.as_ref().map_or(String::new(), |f| format!(": field '{f}'")))]
pub struct VectorError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line (0 when the file itself failed).
    pub line: u64,
    /// The column, when one is at fault.
    pub field: Option<String>,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong with a vector file or row.
#[derive(Debug, Error)]
pub enum Problem {
    /// The path does not exist.
    #[error("no such file or directory")]
    Missing,
    /// A directory cannot be listed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The CSV reader or the row's deserialisation failed.
    #[error("{0}")]
    Csv(#[from] csv::Error),
    /// One field's value is wrong.
    #[error(transparent)]
    Field(#[from] FieldError),
}

/// A field value the loader cannot use.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FieldError {
    /// Not a number.
    #[error("'{text}': {source}")]
    Number {
        /// the value
        text: String,
        /// why it is not a number
        source: std::num::ParseIntError,
    },
    /// A number outside the allowed range.
    #[error("'{text}': expected {range}")]
    Range {
        /// the value
        text: String,
        /// what is allowed
        range: &'static str,
    },
    /// Not one of the known words.
    #[error("'{text}': expected {expected}")]
    Unknown {
        /// the value
        text: String,
        /// what is allowed
        expected: &'static str,
    },
    /// Not an even number of hex digits.
    #[error("'{0}': expected an even number of hex digits")]
    Hex(String),
    /// A value only IPv4 UDP rows take.
    #[error("'{0}' is for IPv4 UDP rows")]
    Ipv4UdpOnly(String),
    /// The packet would be longer than its length field allows.
    #[error("{payload} payload bytes: {what} over 65535")]
    TooLong {
        /// the `payload` column
        payload: usize,
        /// which length field
        what: &'static str,
    },
    /// `expect` is not the status the `fault` column's fault ends in.
    #[error(
        "'{expect}': fault '{fault}' ends in {derived} (docs/architecture.md \"Status codes\")"
    )]
    ExpectMismatch {
        /// the `expect` column
        expect: String,
        /// the `fault` column
        fault: String,
        /// the status the fault ends in
        derived: Status,
    },
    /// The packet description cannot be emitted.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The case cannot be built.
    #[error(transparent)]
    Case(#[from] CaseError),
}

/// The `.csv` files of `path` (a file, or a directory read in name order).
pub fn vector_files(path: &Path) -> Result<Vec<PathBuf>, VectorError> {
    let err = |problem: Problem| VectorError {
        file: path.to_path_buf(),
        line: 0,
        field: None,
        problem,
    };
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| err(e.into()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect();
        files.sort();
        Ok(files)
    } else if path.exists() {
        Ok(vec![path.to_path_buf()])
    } else {
        Err(err(Problem::Missing))
    }
}

/// Reads every case of one CSV file.
pub fn load_file(file: &Path) -> Result<Vec<Case>, VectorError> {
    let rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .map_err(|e| VectorError {
            file: file.to_path_buf(),
            line: 0,
            field: None,
            problem: e.into(),
        })?;
    load(rdr, file)
}

/// Reads every case of CSV text; `file` names it in errors.
pub fn load_str(text: &str, file: &Path) -> Result<Vec<Case>, VectorError> {
    let rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    load(rdr, file)
}

fn load<R: std::io::Read>(mut rdr: csv::Reader<R>, file: &Path) -> Result<Vec<Case>, VectorError> {
    let headers = rdr.headers().cloned().map_err(|e| VectorError {
        file: file.to_path_buf(),
        line: 1,
        field: None,
        problem: e.into(),
    })?;
    let mut cases = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| VectorError {
            file: file.to_path_buf(),
            line: e.position().map_or(0, |p| p.line()),
            field: None,
            problem: e.into(),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let at = |field: &str| {
            let field = Some(field.to_string());
            move |e: FieldError| VectorError {
                file: file.to_path_buf(),
                line,
                field,
                problem: e.into(),
            }
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
            VectorError {
                file: file.to_path_buf(),
                line,
                field: Some(field),
                problem: e.into(),
            }
        })?;
        let origin = format!("{}:{line}", file.display());
        cases.push(row_to_case(&row, &origin).map_err(|(field, e)| at(field)(e))?);
    }
    Ok(cases)
}

/// A field error and the column it belongs to.
type RowError = (&'static str, FieldError);

/// Tags a field error with its column.
fn col<T, E: Into<FieldError>>(field: &'static str, r: Result<T, E>) -> Result<T, RowError> {
    r.map_err(|e| (field, e.into()))
}

/// The column a case-building error belongs to.
fn case_error_column(e: &CaseError) -> &'static str {
    match e {
        CaseError::Skb(BuildError::MtuTooSmall { .. } | BuildError::MtuTooLarge { .. }) => "mtu",
        CaseError::HeadPayload { .. } => "head_payload",
        _ => "layout",
    }
}

/// The longest IP packet the 16-bit length fields allow.
const MAX_IP_LEN: usize = 65535;

fn row_to_case(row: &Row, origin: &str) -> Result<Case, RowError> {
    let layout = col("layout", parse_layout(&row.layout))?;
    let pattern = col("pattern", parse_pattern(&row.pattern))?;
    let fault = col("fault", parse_fault(&row.fault))?;
    let ip_id = col("ip_id", parse_u16(&row.ip_id))?;
    let ufo = col("ufo", parse_bool(row.ufo))?;
    let df = col("df", parse_bool(row.df))?;
    let expect_status = col("expect", parse_status(&row.expect))?;
    // The expected status comes from the fault, by the contract's table; the column restates
    // it, so a row whose author expected something else is caught here.
    if expect_status != fault.expected_status() {
        return Err((
            "expect",
            FieldError::ExpectMismatch {
                expect: row.expect.clone(),
                fault: row.fault.clone(),
                derived: fault.expected_status(),
            },
        ));
    }
    if !(68..=65535).contains(&row.mtu) {
        return Err((
            "mtu",
            FieldError::Range {
                text: row.mtu.to_string(),
                range: "68..65535",
            },
        ));
    }
    // Checked before any payload is allocated: a typo such as 9e9 must not allocate gigabytes.
    if row.payload > MAX_IP_LEN {
        return Err((
            "payload",
            FieldError::TooLong {
                payload: row.payload,
                what: "IP packet length",
            },
        ));
    }
    // Plain packets: `full` asks the device for the checksum (the frame carries the seed),
    // `sw` carries the checksum software computed and asks nothing.
    let udp_csum = match (row.udp_csum.as_str(), ufo) {
        ("full", true) | ("sw", false) => UdpCsum::Full,
        ("full", false) => UdpCsum::Seed,
        ("none", _) => UdpCsum::None,
        (other, _) => {
            return Err((
                "udp_csum",
                FieldError::Unknown {
                    text: other.to_string(),
                    expected: "full, none, or sw (plain only)",
                },
            ))
        }
    };
    let vlan = col("vlan", parse_list(&row.vlan, parse_u16))?;
    let vlan_insert = if row.vlan_insert.is_empty() {
        None
    } else {
        Some(col("vlan_insert", parse_u16(&row.vlan_insert))?)
    };
    let uso_gso_size = if row.gso_size.is_empty() {
        None
    } else {
        if ufo {
            return Err((
                "gso_size",
                FieldError::Unknown {
                    text: row.gso_size.clone(),
                    expected: "nothing with ufo 1: UFO and USO never mix",
                },
            ));
        }
        Some(col("gso_size", parse_u16(&row.gso_size))?)
    };
    // USO asks the device for the checksum (`full`), or is refused without it (`none`).
    let udp_csum = match (uso_gso_size, row.udp_csum.as_str()) {
        (Some(_), "full") => UdpCsum::Full,
        (Some(_), "sw") => {
            return Err((
                "udp_csum",
                FieldError::Unknown {
                    text: row.udp_csum.clone(),
                    expected: "full or none with gso_size",
                },
            ))
        }
        _ => udp_csum,
    };
    let ip6_frag_id = if row.frag_id.is_empty() {
        0x1234_5678
    } else {
        col("frag_id", parse_u32(&row.frag_id))?
    };
    let ip_options = col("ip_options", parse_hex(&row.ip_options))?;
    let mut pattern_spec = DatagramSpec {
        dst_mac: [0x02, 0x00, 0x00, 0x00, 0x00, 0x02],
        src_mac: [0x02, 0x00, 0x00, 0x00, 0x00, 0x01],
        vlan: vlan.clone(),
        src_ip: [192, 0, 2, 1],
        dst_ip: [198, 51, 100, 7],
        ip_id,
        tos: 0,
        ttl: 64,
        df,
        ip_options,
        src_port: 40000,
        dst_port: 9,
        payload: Vec::new(),
        udp_csum,
    };
    let ip = row.ip.unwrap_or(4);
    let is_ipv4_udp = ip == 4 && matches!(row.proto.as_str(), "" | "udp");
    if !is_ipv4_udp {
        if !pattern_spec.ip_options.is_empty() {
            return Err((
                "ip_options",
                FieldError::Ipv4UdpOnly(row.ip_options.clone()),
            ));
        }
        if pattern == Pattern::ChecksumZero {
            return Err(("pattern", FieldError::Ipv4UdpOnly(row.pattern.clone())));
        }
        if fault.rewrites_ipv4_header() {
            return Err(("fault", FieldError::Ipv4UdpOnly(row.fault.clone())));
        }
    }
    if ip == 4 && !row.ext.is_empty() {
        return Err((
            "ext",
            FieldError::Unknown {
                text: row.ext.clone(),
                expected: "nothing: extension headers are for IPv6 rows",
            },
        ));
    }
    let spec = match (ip, row.proto.as_str()) {
        (4, "" | "udp") => {
            col("ip_options", pattern_spec.validate())?;
            if pattern_spec.ip_header_len() + 8 + row.payload > MAX_IP_LEN {
                return Err((
                    "payload",
                    FieldError::TooLong {
                        payload: row.payload,
                        what: "IPv4 total length",
                    },
                ));
            }
            col(
                "pattern",
                fill_payload(&mut pattern_spec, row.payload, &pattern),
            )?;
            PacketSpec::Udp4(pattern_spec)
        }
        (6, "" | "udp") => {
            let ext_headers = col("ext", parse_ext(&row.ext))?;
            let ext_len: usize = ext_headers.iter().map(Ipv6ExtHeader::len).sum();
            if ext_len + 8 + row.payload > MAX_IP_LEN {
                return Err((
                    "payload",
                    FieldError::TooLong {
                        payload: row.payload,
                        what: "IPv6 payload length",
                    },
                ));
            }
            col(
                "pattern",
                fill_payload(&mut pattern_spec, row.payload, &pattern),
            )?;
            let final_dst = ext_headers
                .iter()
                .rev()
                .filter(|h| h.kind == Ipv6ExtKind::Routing)
                .find_map(|h| h.body.get(h.body.len().checked_sub(16)?..))
                .and_then(|a| <[u8; 16]>::try_from(a).ok());
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
            col("ext", spec6.validate())?;
            PacketSpec::Udp6(spec6)
        }
        (4, "tcp") if !ufo => {
            if 20 + 20 + row.payload > MAX_IP_LEN {
                return Err((
                    "payload",
                    FieldError::TooLong {
                        payload: row.payload,
                        what: "IPv4 total length",
                    },
                ));
            }
            col(
                "pattern",
                fill_payload(&mut pattern_spec, row.payload, &pattern),
            )?;
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
            return Err((
                "proto",
                FieldError::Unknown {
                    text: p.to_string(),
                    expected: "udp, or tcp (IPv4, ufo 0)",
                },
            ))
        }
        (n, _) => {
            return Err((
                "ip",
                FieldError::Range {
                    text: n.to_string(),
                    range: "4 or 6",
                },
            ))
        }
    };
    let tx = TxPacket {
        spec,
        ufo_mtu: ufo.then_some(row.mtu),
        ip6_frag_id,
        vlan_insert,
        uso_gso_size,
    };
    let name = row.name.clone();
    let built = |e: CaseError| (case_error_column(&e), FieldError::Case(e));
    let case = Case::with_fault(
        name,
        origin.to_string(),
        &tx,
        &layout,
        row.head_payload,
        fault,
    )
    .map_err(|e| match e {
        e @ (CaseError::HeaderOutsideHead { .. } | CaseError::FaultNotApplicable { .. }) => {
            ("fault", FieldError::Case(e))
        }
        e => built(e),
    })?;
    Ok(case)
}

fn parse_bool(n: u8) -> Result<bool, FieldError> {
    match n {
        0 => Ok(false),
        1 => Ok(true),
        n => Err(FieldError::Range {
            text: n.to_string(),
            range: "0 or 1",
        }),
    }
}

fn parse_list<T>(s: &str, f: fn(&str) -> Result<T, FieldError>) -> Result<Vec<T>, FieldError> {
    s.split('/').filter(|x| !x.is_empty()).map(f).collect()
}

fn number<T: std::str::FromStr<Err = std::num::ParseIntError>>(s: &str) -> Result<T, FieldError> {
    s.parse().map_err(|source| FieldError::Number {
        text: s.to_string(),
        source,
    })
}

fn parse_u32(s: &str) -> Result<u32, FieldError> {
    match s.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).map_err(|source| FieldError::Number {
            text: s.to_string(),
            source,
        }),
        None => number(s),
    }
}

fn parse_u16(s: &str) -> Result<u16, FieldError> {
    u16::try_from(parse_u32(s)?).map_err(|_| FieldError::Range {
        text: s.to_string(),
        range: "0..65535",
    })
}

fn parse_hex(s: &str) -> Result<Vec<u8>, FieldError> {
    let digits = s.strip_prefix("0x").unwrap_or(s).as_bytes();
    if !digits.len().is_multiple_of(2) || !digits.iter().all(u8::is_ascii_hexdigit) {
        return Err(FieldError::Hex(s.to_string()));
    }
    let nibble = |d: u8| (d as char).to_digit(16).unwrap_or(0) as u8;
    Ok(digits
        .chunks(2)
        .map(|p| nibble(p[0]) << 4 | nibble(p[1]))
        .collect())
}

/// Longest skippable option `hop:N`/`dest:N` can carry: type, length byte, 255 data bytes.
const MAX_TLV: usize = 2 + 255;
/// Most addresses of a Routing header: its length byte counts 8-byte units after the first 8
/// bytes, so 8 + 16 K <= 8 + 255 * 8.
const MAX_ROUTE_ADDRS: usize = 127;

/// IPv6 extension headers: `hop`, `dest` (options headers padded to 8 bytes; `hop:N` /
/// `dest:N` carry an N-byte skippable TLV, N from 2 to 257), `route:K` (Routing type 0 with K
/// addresses, 1 to 127, the last one the final destination), separated by `/`, in wire order.
fn parse_ext(s: &str) -> Result<Vec<Ipv6ExtHeader>, FieldError> {
    let mut out = Vec::new();
    for item in s.split('/').filter(|x| !x.is_empty()) {
        let (kind, arg) = item.split_once(':').unwrap_or((item, ""));
        let n: Option<usize> = if arg.is_empty() {
            None
        } else {
            Some(number(arg)?)
        };
        let range = |range| FieldError::Range {
            text: item.to_string(),
            range,
        };
        out.push(match kind {
            "hop" | "dest" => {
                let k = if kind == "hop" {
                    Ipv6ExtKind::HopByHop
                } else {
                    Ipv6ExtKind::DestOptions
                };
                // an unknown option whose type's top bits say "skip" (RFC 8200 4.2): 0x1E
                let tlv = match n {
                    None => Vec::new(),
                    Some(n @ 2..=MAX_TLV) => {
                        let mut t = vec![0x1E, (n - 2) as u8];
                        t.resize(n, 0xA5);
                        t
                    }
                    Some(_) => return Err(range("an option length N from 2 to 257")),
                };
                Ipv6ExtHeader::options(k, &tlv)
            }
            "route" => {
                let k = match n {
                    None => 1,
                    Some(k @ 1..=MAX_ROUTE_ADDRS) => k,
                    Some(_) => return Err(range("K from 1 to 127 addresses")),
                };
                let addrs: Vec<[u8; 16]> = (1..=k as u8)
                    .map(|i| {
                        [
                            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, i,
                        ]
                    })
                    .collect();
                Ipv6ExtHeader::routing(0, k as u8, &addrs)
            }
            _ => {
                return Err(FieldError::Unknown {
                    text: item.to_string(),
                    expected: "hop, dest, route with optional :N",
                })
            }
        });
    }
    Ok(out)
}

fn parse_layout(s: &str) -> Result<Layout, FieldError> {
    let (kind, arg) = s.split_once(':').unwrap_or((s, ""));
    match kind {
        "pages" => Ok(Layout::Pages),
        "linear" => Ok(Layout::Linear),
        "random" => number(arg).map(Layout::Random),
        "offset" => number(arg).map(Layout::Offset),
        "frags" => arg
            .split('/')
            .map(number)
            .collect::<Result<Vec<_>, _>>()
            .map(Layout::Frags),
        _ => Err(FieldError::Unknown {
            text: s.to_string(),
            expected: "pages, linear, random:SEED, offset:N or frags:L1/L2/...",
        }),
    }
}

fn parse_pattern(s: &str) -> Result<Pattern, FieldError> {
    match s.split_once(':') {
        Some(("random", seed)) => number(seed).map(Pattern::Random),
        _ => match s {
            "inc" => Ok(Pattern::Incrementing),
            "zero" => Ok(Pattern::Zero),
            "ff" => Ok(Pattern::Ones),
            "csum0" => Ok(Pattern::ChecksumZero),
            _ => Err(FieldError::Unknown {
                text: s.to_string(),
                expected: "inc, zero, ff, csum0 or random:SEED",
            }),
        },
    }
}

fn parse_fault(s: &str) -> Result<Fault, FieldError> {
    if let Some(n) = s.strip_prefix("ufo_size:") {
        return parse_u16(n).map(Fault::UfoSize);
    }
    for (prefix, last) in [("reserved_flag:", false), ("reserved_flag_last:", true)] {
        if let Some(n) = s.strip_prefix(prefix) {
            return match number::<u8>(n)? {
                bit @ 6..=15 => Ok(Fault::ReservedFlag { bit, last }),
                _ => Err(FieldError::Range {
                    text: s.to_string(),
                    range: "a reserved flag bit, 6 to 15 (bit 5 is USO: ufo_uso)",
                }),
            };
        }
    }
    Ok(match s {
        "none" | "" => Fault::None,
        "no_sop" => Fault::NoSop,
        "sop_inside" => Fault::SopInside,
        "no_eop" => Fault::NoEop,
        "ufo_uso" => Fault::UfoUso,
        "desc_dma" => Fault::DescDma,
        "dma_err" => Fault::DmaErr,
        "too_long" => Fault::TooLong,
        "zero_len" => Fault::ZeroLen,
        "hdr_split" => Fault::HdrSplit,
        "not_udp" => Fault::NotUdp,
        "bad_ihl" => Fault::BadIhl,
        "bad_ip_version" => Fault::BadIpVersion,
        "bad_tot_len" => Fault::BadTotLen,
        "bad_udp_len" => Fault::BadUdpLen,
        "not_ipv4" => Fault::NotIpv4,
        "bad_ip_option" => Fault::BadIpOption,
        "v6_not_udp" => Fault::Ipv6NotUdp,
        "v6_ah" => Fault::Ipv6Ah,
        "v6_bad_plen" => Fault::Ipv6BadPayloadLen,
        "ufo_size_over" => Fault::UfoSizeOver,
        "csum_pos" => Fault::CsumPos,
        "vlan_ins_csum" => Fault::VlanInsCsum,
        "oversize" => Fault::Oversize,
        "too_many_tags" => Fault::TooManyTags,
        "too_many_ext" => Fault::TooManyExt,
        "hdr_window" => Fault::HdrWindow,
        "check_zero" => Fault::CheckZero,
        "uso_gso_zero" => Fault::UsoGsoZero,
        "uso_too_many" => Fault::UsoTooMany,
        "uso_csum_off" => Fault::UsoCsumOff,
        "uso_csum_start" => Fault::UsoCsumStart,
        "uso_too_long" => Fault::UsoTooLong,
        _ => {
            return Err(FieldError::Unknown {
                text: s.to_string(),
                expected: "none, no_sop, sop_inside, no_eop, reserved_flag:N, \
                           reserved_flag_last:N, ufo_uso, desc_dma, dma_err, too_long, zero_len, \
                           hdr_split, not_udp, bad_ihl, bad_ip_version, bad_tot_len, bad_udp_len, \
                           not_ipv4, bad_ip_option, v6_not_udp, v6_ah, v6_bad_plen, ufo_size:N, ufo_size_over, csum_pos, \
                           vlan_ins_csum, oversize, too_many_tags, too_many_ext, hdr_window, check_zero, uso_gso_zero, \
                           uso_too_many, uso_csum_off, uso_csum_start or uso_too_long",
            })
        }
    })
}

/// A status by its contract name in lower case (`chain_no_sop`).
fn parse_status(s: &str) -> Result<Status, FieldError> {
    Status::ALL
        .iter()
        .copied()
        .find(|st| st.name().eq_ignore_ascii_case(s))
        .ok_or_else(|| FieldError::Unknown {
            text: s.to_string(),
            expected: "a status name of docs/architecture.md in lower case: ok, chain_no_sop, \
                       desc_dma, dma_read, length_zero, hdr_l2, ufo_size, chain_sop_inside, \
                       chain_no_eop, desc_flags, length_max, frame_size, hdr_ip, hdr_l4, \
                       hdr_len, hdr_ext, hdr_span, csum_pos, vlan_ins, desc_timeout, \
                       read_timeout, uso_gso_size, uso_segments, uso_csum or uso_length",
        })
}
