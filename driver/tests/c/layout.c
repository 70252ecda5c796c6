/* Prints every size, offset and constant of the C headers in include/, one per line, for
 * driver/tests/c_layout.rs to compare with the Rust definitions. Compiled as C11 and as C++17
 * with -Wall -Wextra -Werror; a layout slip caught at compile time fails the static asserts in
 * the headers, anything else fails the comparison. */
#include <stdio.h>

#include "ufo_nic_desc.h"
#include "ufo_nic_reglist.h"
#include "ufo_nic_regs.h"

#define SIZE(tag, type) printf("size %s %zu\n", tag, sizeof(type))
#define FIELD(tag, type, field) \
    printf("field %s %s %zu %zu\n", tag, #field, offsetof(type, field), sizeof(((type *)0)->field))
#define CONST(kind, tag, name, value) printf("%s %s %s %lu\n", kind, tag, name, (unsigned long)(value))

int main(void) {
    SIZE("desc", struct ufo_tx_desc);
    FIELD("desc", struct ufo_tx_desc, buf_addr);
    FIELD("desc", struct ufo_tx_desc, buf_len);
    FIELD("desc", struct ufo_tx_desc, flags);
    FIELD("desc", struct ufo_tx_desc, ufo_size);
    FIELD("desc", struct ufo_tx_desc, vlan_tci);
    FIELD("desc", struct ufo_tx_desc, csum_start);
    FIELD("desc", struct ufo_tx_desc, csum_offset);
    FIELD("desc", struct ufo_tx_desc, ip6_frag_id);
    FIELD("desc", struct ufo_tx_desc, cookie);
    CONST("const", "desc", "BYTES", UFO_DESC_BYTES);

    SIZE("cpl", struct ufo_cpl);
    FIELD("cpl", struct ufo_cpl, desc_index);
    FIELD("cpl", struct ufo_cpl, desc_count);
    FIELD("cpl", struct ufo_cpl, status);
    FIELD("cpl", struct ufo_cpl, flags);
    FIELD("cpl", struct ufo_cpl, frames);
    FIELD("cpl", struct ufo_cpl, wire_bytes);
    FIELD("cpl", struct ufo_cpl, reserved);
    CONST("const", "cpl", "BYTES", UFO_CPL_BYTES);

    CONST("flag", "desc", "SOP", UFO_DESC_SOP);
    CONST("flag", "desc", "EOP", UFO_DESC_EOP);
    CONST("flag", "desc", "UFO", UFO_DESC_UFO);
    CONST("flag", "desc", "CSUM", UFO_DESC_CSUM);
    CONST("flag", "desc", "VLAN_INS", UFO_DESC_VLAN_INS);
    CONST("flag", "desc", "USO", UFO_DESC_USO);
    CONST("flag", "desc", "RESERVED", UFO_DESC_RESERVED);
    CONST("flag", "cpl", "PHASE", UFO_CPL_PHASE);

    CONST("status", "cpl", "OK", UFO_CPL_OK);
    CONST("status", "cpl", "CHAIN_NO_SOP", UFO_CPL_CHAIN_NO_SOP);
    CONST("status", "cpl", "DESC_DMA", UFO_CPL_DESC_DMA);
    CONST("status", "cpl", "DMA_READ", UFO_CPL_DMA_READ);
    CONST("status", "cpl", "LENGTH_ZERO", UFO_CPL_LENGTH_ZERO);
    CONST("status", "cpl", "HDR_L2", UFO_CPL_HDR_L2);
    CONST("status", "cpl", "UFO_SIZE", UFO_CPL_UFO_SIZE);
    CONST("status", "cpl", "CHAIN_SOP_INSIDE", UFO_CPL_CHAIN_SOP_INSIDE);
    CONST("status", "cpl", "CHAIN_NO_EOP", UFO_CPL_CHAIN_NO_EOP);
    CONST("status", "cpl", "DESC_FLAGS", UFO_CPL_DESC_FLAGS);
    CONST("status", "cpl", "LENGTH_MAX", UFO_CPL_LENGTH_MAX);
    CONST("status", "cpl", "FRAME_SIZE", UFO_CPL_FRAME_SIZE);
    CONST("status", "cpl", "HDR_IP", UFO_CPL_HDR_IP);
    CONST("status", "cpl", "HDR_L4", UFO_CPL_HDR_L4);
    CONST("status", "cpl", "HDR_LEN", UFO_CPL_HDR_LEN);
    CONST("status", "cpl", "HDR_EXT", UFO_CPL_HDR_EXT);
    CONST("status", "cpl", "HDR_SPAN", UFO_CPL_HDR_SPAN);
    CONST("status", "cpl", "CSUM_POS", UFO_CPL_CSUM_POS);
    CONST("status", "cpl", "VLAN_INS", UFO_CPL_VLAN_INS);
    CONST("status", "cpl", "DESC_TIMEOUT", UFO_CPL_DESC_TIMEOUT);
    CONST("status", "cpl", "READ_TIMEOUT", UFO_CPL_READ_TIMEOUT);
    CONST("status", "cpl", "USO_GSO_SIZE", UFO_CPL_USO_GSO_SIZE);
    CONST("status", "cpl", "USO_SEGMENTS", UFO_CPL_USO_SEGMENTS);
    CONST("status", "cpl", "USO_CSUM", UFO_CPL_USO_CSUM);
    CONST("status", "cpl", "USO_LENGTH", UFO_CPL_USO_LENGTH);

    /* The register map: PeakRDL's header (struct offsets, field macros) for every register and
     * field of the generated list. */
#define UFO_NIC_REG(name, offset)                                                     \
    printf("reg %s 0x%zx 0x%lx\n", #name, offsetof(ufo_nic_t, name), (unsigned long)(offset));
    UFO_NIC_REGISTERS
#undef UFO_NIC_REG
#define UFO_NIC_FIELD(reg, field, access)                                                 \
    printf("regfield %s %s %u %u 0x%lx 0x%lx %s\n", #reg, #field, UFO_NIC__##reg##__##field##_bp, \
           UFO_NIC__##reg##__##field##_bw, (unsigned long)UFO_NIC__##reg##__##field##_bm,    \
           (unsigned long)UFO_NIC__##reg##__##field##_reset, #access);
    UFO_NIC_FIELDS
#undef UFO_NIC_FIELD
    return 0;
}
