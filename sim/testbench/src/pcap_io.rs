//! pcap files: the wire output of every run (Wireshark opens it) and the input of `replay`.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
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

/// Reads every frame of an Ethernet pcap file.
pub fn read_frames(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = File::open(path).map_err(|e| err(&e))?;
    let mut r = PcapReader::new(BufReader::new(file)).map_err(|e| err(&e))?;
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
        if (pkt.data.len() as u32) < pkt.orig_len {
            return Err(format!(
                "{}: frame {}: captured {} of {} bytes (snap length too small)",
                path.display(),
                frames.len() + 1,
                pkt.data.len(),
                pkt.orig_len
            ));
        }
        frames.push(pkt.data.into_owned());
    }
    Ok(frames)
}
