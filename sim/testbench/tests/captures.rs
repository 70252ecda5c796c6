//! Reading captures: a pcapng file written by Wireshark's `editcap`, pcap round trips, and the
//! errors a bad capture gets.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionBlock;
use pcap_file::pcapng::blocks::simple_packet::SimplePacketBlock;
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::DataLink;
use ufo_testbench::{pcap_io, random};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ufo-captures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// `sim/tests/data/mix-seed16.pcapng` is `ufo-sim capture --seed 16 --count 10` converted by
/// `editcap -F pcapng` (Wireshark 4.0.17) with frame 9 (a 65 KB datagram) left out.
#[test]
fn pcapng_from_editcap_reads_as_the_frames_it_was_made_from() {
    let mut want = random::capture_frames(16, 10)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    want.remove(8);
    let got = pcap_io::read_frames(&data("mix-seed16.pcapng")).unwrap();
    assert_eq!(got.len(), 9);
    assert_eq!(got, want);
}

#[test]
fn pcap_round_trip() {
    let frames = random::capture_frames(3, 6)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let path = scratch("round.pcap");
    pcap_io::write_frames(&path, frames.iter().map(|f| (0, f.as_slice()))).unwrap();
    assert_eq!(pcap_io::read_frames(&path).unwrap(), frames);
}

/// A pcapng file with the given interface link type and blocks written by `write`.
fn pcapng(
    name: &str,
    linktype: DataLink,
    write: impl FnOnce(&mut PcapNgWriter<Vec<u8>>),
) -> PathBuf {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    w.write_pcapng_block(InterfaceDescriptionBlock::new(linktype, 0))
        .unwrap();
    write(&mut w);
    let path = scratch(name);
    std::fs::write(&path, w.into_inner()).unwrap();
    path
}

fn epb(data: &[u8], original_len: u32) -> EnhancedPacketBlock<'_> {
    EnhancedPacketBlock {
        interface_id: 0,
        timestamp: Duration::ZERO,
        original_len,
        data: Cow::Borrowed(data),
        options: vec![],
    }
}

#[test]
fn pcapng_simple_and_enhanced_blocks() {
    let a = vec![0xAAu8; 61];
    let b = vec![0xBBu8; 60];
    let path = pcapng("blocks.pcapng", DataLink::ETHERNET, |w| {
        w.write_pcapng_block(epb(&a, 61)).unwrap();
        // A Simple Packet Block's data is padded to 4 bytes: the reader trims it.
        w.write_pcapng_block(SimplePacketBlock {
            original_len: 61,
            data: Cow::Owned([a.clone(), vec![0; 3]].concat()),
        })
        .unwrap();
        w.write_pcapng_block(epb(&b, 60)).unwrap();
    });
    assert_eq!(pcap_io::read_frames(&path).unwrap(), vec![a.clone(), a, b]);
}

#[test]
fn bad_captures_are_named_errors() {
    let f = vec![0u8; 60];
    let path = pcapng("linux-sll.pcapng", DataLink::LINUX_SLL, |w| {
        w.write_pcapng_block(epb(&f, 60)).unwrap();
    });
    let e = pcap_io::read_frames(&path).unwrap_err().to_string();
    assert!(e.contains("linux-sll.pcapng: frame 1: link type"), "{e}");

    let path = pcapng("snap.pcapng", DataLink::ETHERNET, |w| {
        w.write_pcapng_block(epb(&f, 60)).unwrap();
        w.write_pcapng_block(epb(&f, 1514)).unwrap();
    });
    let e = pcap_io::read_frames(&path).unwrap_err().to_string();
    assert!(e.contains("frame 2: captured 60 of 1514 bytes"), "{e}");

    let path = scratch("text.pcap");
    std::fs::write(&path, "name,mtu\n").unwrap();
    let e = pcap_io::read_frames(&path).unwrap_err().to_string();
    assert!(e.contains("not a pcap or pcapng file"), "{e}");

    let path = scratch("empty.pcap");
    std::fs::write(&path, "").unwrap();
    assert!(pcap_io::read_frames(&path)
        .unwrap_err()
        .to_string()
        .contains("not a pcap or pcapng file"));

    // A pcapng file cut inside a block.
    let whole = std::fs::read(data("mix-seed16.pcapng")).unwrap();
    let path = scratch("cut.pcapng");
    std::fs::write(&path, &whole[..whole.len() - 10]).unwrap();
    let e = pcap_io::read_frames(&path).unwrap_err().to_string();
    assert!(e.contains("cut.pcapng: block before frame 9"), "{e}");

    let e = pcap_io::read_frames(Path::new("/nonexistent/x.pcapng"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("/nonexistent/x.pcapng"), "{e}");
}
