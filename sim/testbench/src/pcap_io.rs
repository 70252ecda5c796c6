//! Captures: pcap files are the wire output of every run (Wireshark opens them), written frame
//! by frame as a run goes ([`PcapStream`]); `replay` reads pcap and pcapng.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::pcapng::{Block, PcapNgReader};
use pcap_file::{DataLink, TsResolution};
use thiserror::Error;

use crate::CLOCK_PERIOD_NS;

/// A capture that cannot be read or written.
#[derive(Debug, Error)]
#[error("{}: {problem}", path.display())]
pub struct PcapError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub problem: PcapProblem,
}

/// What went wrong with a capture.
#[derive(Debug, Error)]
pub enum PcapProblem {
    /// Opening, creating, reading or writing the file.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The pcap or pcapng reader or writer.
    #[error("{0}")]
    Format(#[from] pcap_file::PcapError),
    /// Neither a pcap nor a pcapng file.
    #[error("not a pcap or pcapng file (starts with {0:02x?})")]
    NotACapture([u8; 4]),
    /// A pcap record or pcapng block is unreadable.
    #[error("{where_}: {source}")]
    Block {
        /// `frame N` (pcap) or `block before frame N` (pcapng), frames numbered from 1
        where_: String,
        /// what the reader said
        source: pcap_file::PcapError,
    },
    /// A pcapng packet names an interface that was never described.
    #[error("frame {frame}: interface {interface} has no Interface Description Block")]
    NoInterface {
        /// 1-based
        frame: usize,
        /// the interface id
        interface: u32,
    },
    /// Not an Ethernet capture.
    #[error("{}link type {linktype:?}, only Ethernet captures are supported", frame.map_or(String::new(), |n| format!("frame {n}: ")))]
    LinkType {
        /// the frame (pcapng: per interface), 1-based
        frame: Option<usize>,
        /// its link type
        linktype: DataLink,
    },
    /// A frame was captured shorter than it was on the wire.
    #[error("frame {frame}: captured {captured} of {len} bytes (snap length too small)")]
    Truncated {
        /// 1-based
        frame: usize,
        /// bytes in the file
        captured: usize,
        /// bytes on the wire
        len: u32,
    },
}

/// Writes Ethernet frames one at a time as they come, timestamped by cycle (10 ns per cycle).
pub struct PcapStream {
    path: PathBuf,
    writer: PcapWriter<BufWriter<File>>,
    frames: u64,
}

impl PcapStream {
    /// Creates `path` (and its directory) and writes the file header.
    pub fn create(path: &Path) -> Result<PcapStream, PcapError> {
        let err = |problem: PcapProblem| PcapError {
            path: path.to_path_buf(),
            problem,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| err(e.into()))?;
        }
        let file = File::create(path).map_err(|e| err(e.into()))?;
        let header = PcapHeader {
            datalink: DataLink::ETHERNET,
            ts_resolution: TsResolution::NanoSecond,
            // tcpdump's default: a 65535-byte IPv4 datagram plus its Ethernet header is longer
            // than the old 65535 default.
            snaplen: 262_144,
            ..PcapHeader::default()
        };
        let writer =
            PcapWriter::with_header(BufWriter::new(file), header).map_err(|e| err(e.into()))?;
        Ok(PcapStream {
            path: path.to_path_buf(),
            writer,
            frames: 0,
        })
    }

    /// Appends one frame stamped with `cycle`.
    pub fn write(&mut self, cycle: u64, data: &[u8]) -> Result<(), PcapError> {
        let ts = Duration::from_nanos(cycle.saturating_mul(CLOCK_PERIOD_NS));
        self.writer
            .write_packet(&PcapPacket::new(ts, data.len() as u32, data))
            .map_err(|e| PcapError {
                path: self.path.clone(),
                problem: e.into(),
            })?;
        self.frames += 1;
        Ok(())
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes what is buffered to the file and closes it; returns the frames written.
    pub fn finish(self) -> Result<u64, PcapError> {
        let (path, frames) = (self.path, self.frames);
        self.writer.into_writer().flush().map_err(|e| PcapError {
            path,
            problem: e.into(),
        })?;
        Ok(frames)
    }
}

/// Writes Ethernet frames with their cycle as the timestamp (10 ns per cycle).
pub fn write_frames<'a>(
    path: &Path,
    frames: impl IntoIterator<Item = (u64, &'a [u8])>,
) -> Result<(), PcapError> {
    let mut w = PcapStream::create(path)?;
    for (cycle, data) in frames {
        w.write(cycle, data)?;
    }
    w.finish().map(|_| ())
}

/// First four bytes of a pcapng file (its Section Header Block type).
const PCAPNG_MAGIC: [u8; 4] = [0x0A, 0x0D, 0x0D, 0x0A];
/// pcap magic numbers, microsecond and nanosecond, either byte order.
const PCAP_MAGICS: [[u8; 4]; 4] = [
    [0xA1, 0xB2, 0xC3, 0xD4],
    [0xD4, 0xC3, 0xB2, 0xA1],
    [0xA1, 0xB2, 0x3C, 0x4D],
    [0x4D, 0x3C, 0xB2, 0xA1],
];

/// Reads every frame of an Ethernet capture, pcap or pcapng (Wireshark's and dumpcap's
/// default), told apart by the file's first bytes. Frames are numbered from 1 in errors, as
/// Wireshark numbers them.
pub fn read_frames(path: &Path) -> Result<Vec<Vec<u8>>, PcapError> {
    let err = |problem: PcapProblem| PcapError {
        path: path.to_path_buf(),
        problem,
    };
    let file = File::open(path).map_err(|e| err(e.into()))?;
    read_from(file).map_err(err)
}

/// [`read_frames`] from any reader (a file, or bytes in memory).
pub fn read_from(input: impl Read) -> Result<Vec<Vec<u8>>, PcapProblem> {
    let mut input = BufReader::new(input);
    let head = input.fill_buf()?;
    let magic: [u8; 4] = head
        .get(..4)
        .and_then(|m| m.try_into().ok())
        .unwrap_or_default();
    if magic == PCAPNG_MAGIC {
        read_pcapng(input)
    } else if PCAP_MAGICS.contains(&magic) {
        read_pcap(input)
    } else {
        Err(PcapProblem::NotACapture(magic))
    }
}

fn read_pcap(input: impl Read) -> Result<Vec<Vec<u8>>, PcapProblem> {
    let mut r = PcapReader::new(input)?;
    let linktype = r.header().datalink;
    if linktype != DataLink::ETHERNET {
        return Err(PcapProblem::LinkType {
            frame: None,
            linktype,
        });
    }
    let mut frames = Vec::new();
    while let Some(pkt) = r.next_packet() {
        let n = frames.len() + 1;
        let pkt = pkt.map_err(|source| PcapProblem::Block {
            where_: format!("frame {n}"),
            source,
        })?;
        frames.push(whole_frame(n, pkt.data.into_owned(), pkt.orig_len)?);
    }
    Ok(frames)
}

/// The packets of every section of a pcapng file: Enhanced, Simple and (obsolete) Packet
/// Blocks, each from an Ethernet interface; other blocks are skipped.
fn read_pcapng(input: impl Read) -> Result<Vec<Vec<u8>>, PcapProblem> {
    let mut r = PcapNgReader::new(input)?;
    let mut frames = Vec::new();
    while let Some(block) = r.next_block() {
        let n = frames.len() + 1;
        let block = block.map_err(|source| PcapProblem::Block {
            where_: format!("block before frame {n}"),
            source,
        })?;
        let (interface, orig_len, data) = match block {
            Block::EnhancedPacket(p) => (p.interface_id, p.original_len, p.data.into_owned()),
            Block::Packet(p) => (
                u32::from(p.interface_id),
                p.original_len,
                p.data.into_owned(),
            ),
            Block::SimplePacket(p) => {
                // Interface 0; the block's data runs to its end, padding included.
                let mut data = p.data.into_owned();
                data.truncate(p.original_len as usize);
                (0, p.original_len, data)
            }
            _ => continue,
        };
        let linktype = r
            .interfaces()
            .get(interface as usize)
            .map(|i| i.linktype)
            .ok_or(PcapProblem::NoInterface {
                frame: n,
                interface,
            })?;
        if linktype != DataLink::ETHERNET {
            return Err(PcapProblem::LinkType {
                frame: Some(n),
                linktype,
            });
        }
        frames.push(whole_frame(n, data, orig_len)?);
    }
    Ok(frames)
}

/// `data` if it is the whole frame `n` of `orig_len` bytes.
fn whole_frame(n: usize, data: Vec<u8>, orig_len: u32) -> Result<Vec<u8>, PcapProblem> {
    if (data.len() as u64) < u64::from(orig_len) {
        return Err(PcapProblem::Truncated {
            frame: n,
            captured: data.len(),
            len: orig_len,
        });
    }
    Ok(data)
}
