//! Captures: pcap files are the wire output of every run (Wireshark opens them); `replay` reads
//! pcap and pcapng.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::Path;
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::pcapng::{Block, PcapNgReader};
use pcap_file::{DataLink, TsResolution};

use crate::CLOCK_PERIOD_NS;

/// Writes Ethernet frames with their cycle as the timestamp (10 ns per cycle).
pub fn write_frames<'a>(
    path: &Path,
    frames: impl IntoIterator<Item = (u64, &'a [u8])>,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
    }
    let file = File::create(path).map_err(|e| err(&e))?;
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        ts_resolution: TsResolution::NanoSecond,
        // tcpdump's default: a 65535-byte IPv4 datagram plus its Ethernet header is longer
        // than the old 65535 default.
        snaplen: 262_144,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(BufWriter::new(file), header).map_err(|e| err(&e))?;
    for (cycle, data) in frames {
        let ts = Duration::from_nanos(cycle * CLOCK_PERIOD_NS);
        w.write_packet(&PcapPacket::new(ts, data.len() as u32, data))
            .map_err(|e| err(&e))?;
    }
    Ok(())
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
pub fn read_frames(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let mut file = BufReader::new(File::open(path).map_err(|e| err(&e))?);
    let head = file.fill_buf().map_err(|e| err(&e))?;
    let magic: [u8; 4] = head
        .get(..4)
        .and_then(|m| m.try_into().ok())
        .unwrap_or_default();
    if magic == PCAPNG_MAGIC {
        read_pcapng(file, path)
    } else if PCAP_MAGICS.contains(&magic) {
        read_pcap(file, path)
    } else {
        Err(format!(
            "{}: not a pcap or pcapng file (starts with {magic:02x?})",
            path.display()
        ))
    }
}

fn read_pcap(file: BufReader<File>, path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let mut r = PcapReader::new(file).map_err(|e| format!("{}: {e}", path.display()))?;
    if r.header().datalink != DataLink::ETHERNET {
        return Err(format!(
            "{}: link type {:?}, only Ethernet captures are supported",
            path.display(),
            r.header().datalink
        ));
    }
    let mut frames = Vec::new();
    while let Some(pkt) = r.next_packet() {
        let pkt =
            pkt.map_err(|e| format!("{}: frame {}: {e}", path.display(), frames.len() + 1))?;
        frames.push(whole_frame(
            path,
            frames.len() + 1,
            pkt.data.into_owned(),
            pkt.orig_len,
        )?);
    }
    Ok(frames)
}

/// The packets of every section of a pcapng file: Enhanced, Simple and (obsolete) Packet
/// Blocks, each from an Ethernet interface; other blocks are skipped.
fn read_pcapng(file: BufReader<File>, path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let mut r = PcapNgReader::new(file).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut frames = Vec::new();
    while let Some(block) = r.next_block() {
        let n = frames.len() + 1;
        let block =
            block.map_err(|e| format!("{}: block before frame {n}: {e}", path.display()))?;
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
            .ok_or_else(|| {
                format!(
                    "{}: frame {n}: interface {interface} has no Interface Description Block",
                    path.display()
                )
            })?;
        if linktype != DataLink::ETHERNET {
            return Err(format!(
                "{}: frame {n}: link type {linktype:?}, only Ethernet captures are supported",
                path.display()
            ));
        }
        frames.push(whole_frame(path, n, data, orig_len)?);
    }
    Ok(frames)
}

/// `data` if it is the whole frame of `orig_len` bytes.
fn whole_frame(path: &Path, n: usize, data: Vec<u8>, orig_len: u32) -> Result<Vec<u8>, String> {
    if (data.len() as u64) < u64::from(orig_len) {
        return Err(format!(
            "{}: frame {n}: captured {} of {orig_len} bytes (snap length too small)",
            path.display(),
            data.len()
        ));
    }
    Ok(data)
}
