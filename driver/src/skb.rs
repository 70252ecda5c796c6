//! The `sk_buff` as a transmit routine sees it: a linear head plus page fragments, with the
//! offload requests the stack attached (`ufo_size`, `ip6_frag_id`, `CHECKSUM_PARTIAL`
//! start/offset, VLAN insertion).

use thiserror::Error;
use ufo_golden::{CsumRequest, GoldenError, GoldenRequest};

/// Page size the fragments live in (4 KiB, as the seed patch's `alloc_pages(..., 0)`).
pub const PAGE_SIZE: u32 = 4096;
/// Most buffers (descriptors) in one packet: the engine's `MAX_DESC` default.
pub const MAX_BUFFERS: usize = 32;
/// `MAX_SKB_FRAGS` with 4 KiB pages in the seed patch's kernel.
pub const MAX_SKB_FRAGS: usize = 18;

/// One page fragment (`skb_frag_t`): `data` sits at `page_offset` within a 4 KiB page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkbFrag {
    /// Byte offset of the data within its page.
    pub page_offset: u32,
    /// The fragment's bytes (`skb_frag_size` of them).
    pub data: Vec<u8>,
}

/// `CHECKSUM_PARTIAL` request: the device sums from `start` to the end and stores the folded,
/// complemented result at `start + offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsumOffload {
    /// Bytes from the frame start to where summing starts (`csum_start`).
    pub start: u16,
    /// Position of the checksum field, bytes from `start` (`csum_offset`).
    pub offset: u16,
}

impl From<CsumOffload> for CsumRequest {
    fn from(c: CsumOffload) -> Self {
        CsumRequest {
            start: c.start,
            offset: c.offset,
        }
    }
}

/// A transmit `sk_buff`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Skb {
    /// Linear part (`skb->data`, `skb_headlen` bytes): all headers, maybe some payload.
    pub head: Vec<u8>,
    /// Byte offset of `skb->data` within its buffer's 4 KiB page (e.g. `NET_SKB_PAD +
    /// NET_IP_ALIGN`); the driver places the head at an address with this remainder.
    pub head_align: u32,
    /// Page fragments (`skb_shinfo(skb)->frags`), in order.
    pub frags: Vec<SkbFrag>,
    /// IP payload bytes per fragment (`skb_shinfo(skb)->ufo_size`); 0 means no UFO.
    pub ufo_size: u16,
    /// IPv6 Fragment identification (`skb_shinfo(skb)->ip6_frag_id`).
    pub ip6_frag_id: u32,
    /// Checksum offload request (`ip_summed == CHECKSUM_PARTIAL`), if any.
    pub csum: Option<CsumOffload>,
    /// VLAN tag to insert (`skb_vlan_tag_present`), if any.
    pub vlan_insert: Option<u16>,
    /// USO: `skb_shinfo(skb)->gso_size` of an `SKB_GSO_UDP_L4` skb (a `UDP_SEGMENT` send), the
    /// UDP payload bytes of every segment but the last. `Some(0)` only in error tests.
    pub uso_gso_size: Option<u16>,
}

/// An `sk_buff` that breaks a limit of the engine or of the page model.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SkbError {
    /// More buffers than the engine takes in one packet.
    #[error("{buffers} buffers (head + frags): more than {max}")]
    TooManyBuffers {
        /// head + frags
        buffers: usize,
        /// the limit
        max: usize,
    },
    /// A fragment starts outside its page or runs past its end.
    #[error("frag {index}: page_offset {page_offset} + length {len} exceeds the 4096-byte page")]
    FragCrossesPage {
        /// which frag
        index: usize,
        /// its page offset
        page_offset: u32,
        /// its length
        len: usize,
    },
    /// `head_align` is an offset within a page.
    #[error("head_align {0} is not below the page size 4096")]
    HeadAlign(u32),
}

impl Skb {
    /// Total length (`skb->len`): head plus all frags.
    pub fn len(&self) -> usize {
        self.head.len() + self.frags.iter().map(|f| f.data.len()).sum::<usize>()
    }

    /// True when the skb holds no bytes at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of buffers the skb occupies: the head plus every frag (empty ones included).
    pub fn buffers(&self) -> usize {
        1 + self.frags.len()
    }

    /// The frame as one contiguous byte string (`skb_linearize`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        out.extend_from_slice(&self.head);
        for f in &self.frags {
            out.extend_from_slice(&f.data);
        }
        out
    }

    /// The golden model's request for this `sk_buff`: its `ip6_frag_id`, `csum` and
    /// `vlan_insert`, and for `ufo_size > 0` the MTU whose fragmentation `ufo_size` stands for
    /// ([`ufo_golden::mtu_for_ufo_size`]).
    pub fn golden_request(&self) -> Result<GoldenRequest, GoldenError> {
        let ufo_mtu = match self.ufo_size {
            0 => None,
            n => Some(ufo_golden::mtu_for_ufo_size(&self.to_bytes(), n)?),
        };
        Ok(GoldenRequest {
            ufo_mtu,
            ip6_frag_id: self.ip6_frag_id,
            csum: self.csum.map(Into::into),
            vlan_insert: self.vlan_insert,
            uso_gso_size: self.uso_gso_size,
        })
    }

    /// The frames Linux sends for this `sk_buff` on a device without UFO, checksum or VLAN
    /// offload ([`ufo_golden::wire_output`]), e.g. for one read back from a capture or edited by
    /// a test. A `ufo_size` below 8 gives [`GoldenError::MtuTooSmall`] /
    /// [`GoldenError::Ipv6MtuTooSmall`] (the engine's `UFO_SIZE`).
    pub fn golden(&self) -> Result<Vec<Vec<u8>>, GoldenError> {
        ufo_golden::wire_output(&self.to_bytes(), &self.golden_request()?)
    }

    /// Checks the page model's and the engine's limits: at most `max_buffers` buffers, each frag
    /// inside one page, `head_align` inside a page.
    pub fn check_limits(&self, max_buffers: usize) -> Result<(), SkbError> {
        if self.buffers() > max_buffers {
            return Err(SkbError::TooManyBuffers {
                buffers: self.buffers(),
                max: max_buffers,
            });
        }
        if self.head_align >= PAGE_SIZE {
            return Err(SkbError::HeadAlign(self.head_align));
        }
        for (index, f) in self.frags.iter().enumerate() {
            if f.page_offset >= PAGE_SIZE
                || f.page_offset as usize + f.data.len() > PAGE_SIZE as usize
            {
                return Err(SkbError::FragCrossesPage {
                    index,
                    page_offset: f.page_offset,
                    len: f.data.len(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Skb {
        Skb {
            head: vec![1, 2, 3],
            head_align: 66,
            frags: vec![
                SkbFrag {
                    page_offset: 0,
                    data: vec![4],
                },
                SkbFrag {
                    page_offset: 100,
                    data: vec![],
                },
                SkbFrag {
                    page_offset: 4090,
                    data: vec![5, 6, 7, 8, 9, 10],
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn flatten_and_len() {
        let s = sample();
        assert_eq!(s.len(), 10);
        assert_eq!(s.to_bytes(), (1..=10).collect::<Vec<u8>>());
        assert_eq!(s.buffers(), 4);
        assert_eq!(s.check_limits(32), Ok(()));
    }

    #[test]
    fn limits() {
        let s = sample();
        assert_eq!(
            s.check_limits(3),
            Err(SkbError::TooManyBuffers { buffers: 4, max: 3 })
        );
        let mut s2 = sample();
        s2.frags[2].page_offset = 4091;
        assert!(matches!(
            s2.check_limits(32),
            Err(SkbError::FragCrossesPage { index: 2, .. })
        ));
        let mut s3 = sample();
        s3.head_align = 4096;
        assert_eq!(s3.check_limits(32), Err(SkbError::HeadAlign(4096)));
    }
}
