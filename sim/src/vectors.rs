//! Test vectors: CSV files read with serde + csv (format in `testvectors/README.md`). Every
//! error names the file, the line and the field.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use ufo_driver::desc::Status;
use ufo_driver::golden;
use ufo_driver::packet::{DatagramSpec, UdpCsum};

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
    let udp_csum = match row.udp_csum.as_str() {
        "full" => UdpCsum::Full,
        "none" => UdpCsum::None,
        other => return Err(at("udp_csum", format!("'{other}': expected full or none"))),
    };
    let vlan = if row.vlan.is_empty() {
        Vec::new()
    } else {
        row.vlan
            .split('/')
            .map(parse_u16)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| at("vlan", m))?
    };
    let ufo = match row.ufo {
        0 => false,
        1 => true,
        n => return Err(at("ufo", format!("{n}: expected 0 or 1"))),
    };
    let expect_status = parse_status(&row.expect).map_err(|m| at("expect", m))?;

    let mut spec = DatagramSpec {
        dst_mac: [0x02, 0x00, 0x00, 0x00, 0x00, 0x02],
        src_mac: [0x02, 0x00, 0x00, 0x00, 0x00, 0x01],
        vlan,
        src_ip: [192, 0, 2, 1],
        dst_ip: [198, 51, 100, 7],
        ip_id,
        tos: 0,
        ttl: 64,
        df: row.df != 0,
        ip_options: Vec::new(),
        src_port: 40000,
        dst_port: 9,
        payload: Vec::new(),
        udp_csum,
    };
    if spec.ip_header_len() + 8 + row.payload > 65535 {
        return Err(at(
            "payload",
            format!("{}: IPv4 total length over 65535", row.payload),
        ));
    }
    fill_payload(&mut spec, row.payload, &pattern);
    let mut skb =
        build_skb(&spec, row.mtu, ufo, &layout, row.head_payload).map_err(|m| at("layout", m))?;
    apply_packet_fault(&mut skb, &spec, &fault);

    let frames = || {
        golden::wire_frames(&spec.frame(), row.mtu, udp_csum)
            .map_err(|e| at("payload", format!("golden model: {e}")))
    };
    let expect = match (&fault, expect_status) {
        (Fault::None, Status::Ok) => Expect::Frames(frames()?),
        (Fault::SopInside, Status::DescChain) => Expect::ChainErrorThenFrames(frames()?),
        (Fault::None, s) => {
            return Err(at(
                "expect",
                format!("{s} without a fault: a correct packet must be ok"),
            ))
        }
        (_, Status::Ok) => return Err(at("expect", "a fault cannot expect ok".into())),
        (_, s) => Expect::Error(s),
    };
    Ok(Case {
        name: row.name.clone(),
        origin: origin.to_string(),
        skb,
        fault,
        expect,
    })
}

fn parse_u16(s: &str) -> Result<u16, String> {
    let r = match s.strip_prefix("0x") {
        Some(hex) => u16::from_str_radix(hex, 16),
        None => s.parse(),
    };
    r.map_err(|e| format!("'{s}': {e}"))
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
        _ => {
            return Err(format!(
                "'{s}': expected none, no_sop, sop_inside, no_eop, desc_dma, dma_err, too_long, \
                 zero_len, hdr_split, not_udp, bad_ihl, bad_tot_len, not_ipv4 or ufo_size:N"
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
