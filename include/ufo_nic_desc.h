/* ufo-nic host-memory formats for driver writers: the TX descriptor (32 bytes), the completion
 * record (16 bytes), their flag bits and the completion status codes (docs/architecture.md).
 * The register map is in ufo_nic_regs.h, generated from regs/ufo_nic.rdl.
 *
 * Every multi-byte field is little-endian in host memory: on a big-endian CPU convert with
 * htole16/htole32/htole64 (Linux: cpu_to_le16...) when writing a descriptor and le16toh...
 * when reading a completion. The structs need no packing: every field sits at its natural
 * alignment, and the static asserts below hold on every ABI with 1-, 2-, 4- and 8-byte
 * integer alignment at most.
 *
 * Hand-written; driver/tests/c_layout.rs compiles driver/tests/c/layout.c against it and
 * compares every size, offset and constant with the Rust definitions (driver/src/desc.rs). */
#ifndef UFO_NIC_DESC_H
#define UFO_NIC_DESC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#define UFO_NIC_STATIC_ASSERT static_assert
#else
#define UFO_NIC_STATIC_ASSERT _Static_assert
#endif

/* TX descriptor: ring slot i at TX_RING_BASE + 32 * i; the ring base is 32-byte aligned. */
#define UFO_DESC_BYTES 32u

struct ufo_tx_desc {
    uint64_t buf_addr;    /* byte address of the buffer; any alignment */
    uint16_t buf_len;     /* buffer length in bytes; 0 allowed (skipped) */
    uint16_t flags;       /* UFO_DESC_* */
    uint16_t ufo_size;    /* SOP only: largest fragmentable payload per fragment (UFO), or
                           * gso_size, the UDP payload of every segment but the last (USO) */
    uint16_t vlan_tci;    /* SOP only: 802.1Q TCI inserted with UFO_DESC_VLAN_INS */
    uint16_t csum_start;  /* SOP only, plain packets with UFO_DESC_CSUM: from the frame start */
    uint16_t csum_offset; /* SOP only: checksum field position, from csum_start */
    uint32_t ip6_frag_id; /* SOP only: IPv6 Fragment header identification */
    uint64_t cookie;      /* ignored by the device: the driver's own word */
};

/* Descriptor flags (ufo_tx_desc.flags); other bits are reserved, write 0 on every descriptor. */
#define UFO_DESC_SOP      (1u << 0) /* first buffer of a packet */
#define UFO_DESC_EOP      (1u << 1) /* last buffer of a packet */
#define UFO_DESC_UFO      (1u << 2) /* fragment the UDP datagram with ufo_size */
#define UFO_DESC_CSUM     (1u << 3) /* complete the checksum (UFO: the UDP checksum) */
#define UFO_DESC_VLAN_INS (1u << 4) /* insert vlan_tci as an 802.1Q tag */
#define UFO_DESC_USO      (1u << 5) /* UDP segmentation: ufo_size holds gso_size; needs CSUM at
                                     * the UDP check field (csum_start = UDP header offset,
                                     * csum_offset = 6) */
/* Bits no descriptor of a chain may set: the packet completes with UFO_CPL_DESC_FLAGS. */
#define UFO_DESC_RESERVED 0xffc0u

/* Completion: slot j at CPL_RING_BASE + 16 * j; the ring base is 16-byte aligned. */
#define UFO_CPL_BYTES 16u

struct ufo_cpl {
    uint16_t desc_index; /* index of the packet's first descriptor */
    uint16_t desc_count; /* descriptors the packet consumed */
    uint8_t status;      /* enum ufo_cpl_status */
    uint8_t flags;       /* UFO_CPL_PHASE */
    uint16_t frames;     /* frames sent for the packet (0 on error) */
    uint32_t wire_bytes; /* bytes sent for the packet */
    uint32_t reserved;   /* 0 */
};

/* Completion flags (ufo_cpl.flags). */
#define UFO_CPL_PHASE (1u << 0) /* 1 on the first lap of the ring, toggling every lap */

/* Completion status codes (ufo_cpl.status); see docs/architecture.md "Status codes". */
enum ufo_cpl_status {
    UFO_CPL_OK = 0,                  /* sent */
    UFO_CPL_CHAIN_NO_SOP = 1,        /* first descriptor without SOP (consumed alone) */
    UFO_CPL_DESC_DMA = 2,            /* SLVERR/DECERR on a descriptor read */
    UFO_CPL_DMA_READ = 3,            /* SLVERR/DECERR on a buffer read */
    UFO_CPL_LENGTH_ZERO = 4,         /* packet total length 0 */
    UFO_CPL_HDR_L2 = 5,              /* not Ethernet II (+ up to two tags) + IPv4/IPv6 */
    UFO_CPL_UFO_SIZE = 6,            /* ufo_size < 8, or a fragment would exceed MAX_FRAME_LEN */
    UFO_CPL_CHAIN_SOP_INSIDE = 7,    /* SOP inside a chain (the descriptors before it) */
    UFO_CPL_CHAIN_NO_EOP = 8,        /* no EOP within MAX_DESC descriptors */
    UFO_CPL_DESC_FLAGS = 9,          /* reserved flag bits set, or UFO and USO both set */
    UFO_CPL_LENGTH_MAX = 10,         /* total length > the engine's buffer limit */
    UFO_CPL_FRAME_SIZE = 11,         /* plain frame (VLAN insertion included) > MAX_FRAME_LEN */
    UFO_CPL_HDR_IP = 12,             /* IP version wrong for the EtherType, IHL < 5 */
    UFO_CPL_HDR_L4 = 13,             /* not UDP (UFO/USO) */
    UFO_CPL_HDR_LEN = 14,            /* IP total/payload or UDP length disagrees with the packet */
    UFO_CPL_HDR_EXT = 15,            /* malformed IPv4 options / IPv6 extension-header chain */
    UFO_CPL_HDR_SPAN = 16,           /* headers beyond the first buffer or the header window */
    UFO_CPL_CSUM_POS = 17,           /* checksum position outside the packet / window */
    UFO_CPL_VLAN_INS = 18,           /* VLAN insertion on a packet < 14 bytes or csum_start < 12 */
    UFO_CPL_DESC_TIMEOUT = 19,       /* descriptor read response never came (engine FAULT) */
    UFO_CPL_READ_TIMEOUT = 20,       /* buffer read response never came (engine FAULT) */
    UFO_CPL_USO_GSO_SIZE = 21,       /* USO with gso_size 0 */
    UFO_CPL_USO_SEGMENTS = 22,       /* USO needing more than 128 segments */
    UFO_CPL_USO_CSUM = 23,           /* USO without CSUM, or a zero UDP check field */
    UFO_CPL_USO_LENGTH = 24,         /* USO super-frame over 65,535 bytes */
};

UFO_NIC_STATIC_ASSERT(sizeof(struct ufo_tx_desc) == UFO_DESC_BYTES, "descriptor is 32 bytes");
UFO_NIC_STATIC_ASSERT(offsetof(struct ufo_tx_desc, buf_len) == 8, "descriptor layout");
UFO_NIC_STATIC_ASSERT(offsetof(struct ufo_tx_desc, ip6_frag_id) == 20, "descriptor layout");
UFO_NIC_STATIC_ASSERT(offsetof(struct ufo_tx_desc, cookie) == 24, "descriptor layout");
UFO_NIC_STATIC_ASSERT(sizeof(struct ufo_cpl) == UFO_CPL_BYTES, "completion is 16 bytes");
UFO_NIC_STATIC_ASSERT(offsetof(struct ufo_cpl, status) == 4, "completion layout");
UFO_NIC_STATIC_ASSERT(offsetof(struct ufo_cpl, wire_bytes) == 8, "completion layout");

#undef UFO_NIC_STATIC_ASSERT

#ifdef __cplusplus
}
#endif

#endif /* UFO_NIC_DESC_H */
