//! pcap files: the wire output of every run (Wireshark opens it) and the input of `replay`.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::{DataLink, TsResolution};
use thiserror::Error;

use crate::tb::CLOCK_PERIOD_NS;

/// A pcap file that cannot be read or written.
#[derive(Debug, Error)]
#[error("{}: {problem}", path.display())]
pub struct PcapError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub problem: PcapProblem,
}

/// What went wrong with a pcap file.
#[derive(Debug, Error)]
pub enum PcapProblem {
    /// Opening, creating or writing the file.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The pcap reader or writer.
    #[error("{0}")]
    Format(#[from] pcap_file::PcapError),
    /// One frame of the file is unreadable.
    #[error("frame {frame}: {source}")]
    Frame {
        /// 1-based, as Wireshark numbers them
        frame: usize,
        /// what the reader said
        source: pcap_file::PcapError,
    },
    /// Not an Ethernet capture.
    #[error("link type {0:?}, only Ethernet captures are supported")]
    LinkType(DataLink),
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
            .map_err(|e| self.err(e.into()))?;
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
        let err = self.err_fn();
        self.writer
            .into_writer()
            .flush()
            .map_err(|e| err(e.into()))?;
        Ok(self.frames)
    }

    fn err_fn(&self) -> impl Fn(PcapProblem) -> PcapError {
        let path = self.path.clone();
        move |problem| PcapError {
            path: path.clone(),
            problem,
        }
    }

    fn err(&self, problem: PcapProblem) -> PcapError {
        self.err_fn()(problem)
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

/// Reads every frame of an Ethernet pcap file.
pub fn read_frames(path: &Path) -> Result<Vec<Vec<u8>>, PcapError> {
    let err = |problem: PcapProblem| PcapError {
        path: path.to_path_buf(),
        problem,
    };
    let file = File::open(path).map_err(|e| err(e.into()))?;
    read_from(BufReader::new(file)).map_err(err)
}

/// Reads every frame of an Ethernet pcap from any reader (a file, or bytes in memory).
pub fn read_from(input: impl std::io::Read) -> Result<Vec<Vec<u8>>, PcapProblem> {
    let mut r = PcapReader::new(input)?;
    if r.header().datalink != DataLink::ETHERNET {
        return Err(PcapProblem::LinkType(r.header().datalink));
    }
    let mut frames = Vec::new();
    while let Some(pkt) = r.next_packet() {
        let frame = frames.len() + 1;
        let pkt = pkt.map_err(|source| PcapProblem::Frame { frame, source })?;
        if (pkt.data.len() as u32) < pkt.orig_len {
            return Err(PcapProblem::Truncated {
                frame,
                captured: pkt.data.len(),
                len: pkt.orig_len,
            });
        }
        frames.push(pkt.data.into_owned());
    }
    Ok(frames)
}
