// Simulation-only sources: protocol checkers bound to ufo_nic_top (read after rtl/ufo_nic.f by
// sim/build.rs, `make lint-verilator` and selftest.sh, which leaves out the bind file; never
// synthesized, not in `make lint`'s Yosys list).
rtl/sim/ufo_handshake_check.sv
rtl/sim/ufo_axi_channels_check.sv
rtl/sim/ufo_axi4_addr_check.sv
rtl/sim/ufo_axis_check.sv
rtl/sim/ufo_axil_check.sv
rtl/sim/ufo_axi4_check.sv
rtl/sim/ufo_ring_check.sv
rtl/sim/ufo_nic_top_bind.sv
