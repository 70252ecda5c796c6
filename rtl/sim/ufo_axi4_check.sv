// Language: SystemVerilog (IEEE 1800-2017), simulation only (see ufo_handshake_check.sv).
// ufo_axi4_check: AXI4 rules of the engine's master port, and the engine invariants visible on
// it and on the completion ring registers (TX_HEAD against TX_TAIL: ufo_ring_check).
//   Engine (master) side, always checked:
//     AR/AW/W valid held and payload stable until ready (ufo_axi_channels_check); every burst
//     INCR, AxSIZE the full beat, within one 4 KiB page (ufo_axi4_addr_check, once per address
//     channel); each W burst has AWLEN + 1 beats with WLAST on the last only.
//   Host (slave) side, checked when the bench asks (`+ufo_host_checks` plusarg, read during
//   reset; off by default because the fuzz injects unsolicited beats on purpose):
//     R/B valid held and payload stable until ready; an R beat only on an ID with a read
//     outstanding, ARLEN + 1 beats per burst (in order per ID) with RLAST on the last only;
//     a B only for a write whose AW and last W beat were both taken.
//   Engine invariants (the write channel carries only completion records, ufo_cpl_write):
//     completion k goes to slot k mod ring size of the completion ring, one write per
//     completion; completion k+1 starts at the descriptor after the last one of completion k
//     (one completion per packet: no descriptor skipped or completed twice). The numbering
//     restarts at rst_n, at `ring_reset` (ring reset or soft reset: writes issued before it
//     are not checked) and when the ring base or size changes.
// A violation is an $error "[<rule>] ... at cycle N".
`default_nettype none
`timescale 1ns / 1ps

module ufo_axi4_check #(
    parameter int DATA_WIDTH = 64,
    parameter int ADDR_WIDTH = 64,
    parameter int ID_WIDTH   = 4,
    parameter int MAX_READS  = 1024,  // read bursts outstanding per ID the checker can track
    parameter int MAX_WRITES = 64,    // write bursts whose AW and W are not both complete
    parameter bit CPL_CHECKS = 1'b1,  // the engine's completion-index invariants
    localparam int KEEP_WIDTH = DATA_WIDTH / 8
) (
    input wire logic                  clk,
    input wire logic                  rst_n,
    // AR
    input wire logic [ID_WIDTH-1:0]   arid,
    input wire logic [ADDR_WIDTH-1:0] araddr,
    input wire logic [7:0]            arlen,
    input wire logic [2:0]            arsize,
    input wire logic [1:0]            arburst,
    input wire logic                  arlock,
    input wire logic [3:0]            arcache,
    input wire logic [2:0]            arprot,
    input wire logic                  arvalid,
    input wire logic                  arready,
    // R
    input wire logic [ID_WIDTH-1:0]   rid,
    input wire logic [DATA_WIDTH-1:0] rdata,
    input wire logic [1:0]            rresp,
    input wire logic                  rlast,
    input wire logic                  rvalid,
    input wire logic                  rready,
    // AW
    input wire logic [ID_WIDTH-1:0]   awid,
    input wire logic [ADDR_WIDTH-1:0] awaddr,
    input wire logic [7:0]            awlen,
    input wire logic [2:0]            awsize,
    input wire logic [1:0]            awburst,
    input wire logic                  awlock,
    input wire logic [3:0]            awcache,
    input wire logic [2:0]            awprot,
    input wire logic                  awvalid,
    input wire logic                  awready,
    // W
    input wire logic [DATA_WIDTH-1:0] wdata,
    input wire logic [KEEP_WIDTH-1:0] wstrb,
    input wire logic                  wlast,
    input wire logic                  wvalid,
    input wire logic                  wready,
    // B
    input wire logic [ID_WIDTH-1:0]   bid,
    input wire logic [1:0]            bresp,
    input wire logic                  bvalid,
    input wire logic                  bready,
    // engine registers
    input wire logic [63:0]           cpl_ring_base,
    input wire logic [3:0]            ring_log2,
    input wire logic                  ring_reset   // the completion index restarts at 0 (ring
                                                   // reset or soft reset): from the next AW on
);
  localparam int NID      = 1 << ID_WIDTH;
  localparam int RPW      = $clog2(MAX_READS);
  localparam int WPW      = $clog2(MAX_WRITES);
  localparam int CPL_BYTES = 16;

  logic [63:0] cycle_q;   // rising edges since time 0, as the Rust test bench counts them
  initial cycle_q = 64'd0;
  logic [63:0] cycle;
  assign cycle = cycle_q + 64'd1;
  always_ff @(posedge clk) cycle_q <= cycle_q + 64'd1;

  // The host side's rules are off while the bench breaks them on purpose.
  logic host_checks_q;
  initial host_checks_q = 1'b1;
  always_ff @(posedge clk) begin
    if (!rst_n) host_checks_q <= $test$plusargs("ufo_host_checks") != 0;
  end

  // ---------------------------------------------------------------- handshakes, bursts
  ufo_axi_channels_check #(
      .NAME("axi4"),
      .AW_WIDTH(ID_WIDTH + ADDR_WIDTH + 8 + 3 + 2 + 1 + 4 + 3),
      .W_WIDTH(DATA_WIDTH + KEEP_WIDTH + 1),
      .B_WIDTH(ID_WIDTH + 2),
      .AR_WIDTH(ID_WIDTH + ADDR_WIDTH + 8 + 3 + 2 + 1 + 4 + 3),
      .R_WIDTH(ID_WIDTH + DATA_WIDTH + 2 + 1)
  ) u_channels (
      .clk, .rst_n, .cycle, .slave_enable(host_checks_q),
      .awvalid, .awready, .aw({awid, awaddr, awlen, awsize, awburst, awlock, awcache, awprot}),
      .wvalid, .wready, .w({wdata, wstrb, wlast}),
      .bvalid, .bready, .b({bid, bresp}),
      .arvalid, .arready, .ar({arid, araddr, arlen, arsize, arburst, arlock, arcache, arprot}),
      .rvalid, .rready, .r({rid, rdata, rresp, rlast}));

  ufo_axi4_addr_check #(.NAME("axi4.ar"), .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH)) u_ar (
      .clk, .rst_n, .cycle, .addr(araddr), .len(arlen), .size(arsize), .burst(arburst),
      .valid(arvalid), .ready(arready));
  ufo_axi4_addr_check #(.NAME("axi4.aw"), .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH)) u_aw (
      .clk, .rst_n, .cycle, .addr(awaddr), .len(awlen), .size(awsize), .burst(awburst),
      .valid(awvalid), .ready(awready));

  logic ar_fire, aw_fire, w_fire, r_fire, b_fire;
  assign ar_fire = arvalid && arready;
  assign aw_fire = awvalid && awready;
  assign w_fire  = wvalid && wready;
  assign r_fire  = rvalid && rready;
  assign b_fire  = bvalid && bready;

  // ---------------------------------------------------------------- reads: ARLEN + 1 beats
  // per ID a queue of the outstanding bursts' ARLEN (read data of one ID comes back in order)
  logic [7:0]   rlen_q [NID * MAX_READS];
  logic [RPW:0] rwr_q  [NID];
  logic [RPW:0] rrd_q  [NID];
  logic [7:0]   rbeat_q[NID];

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      for (int i = 0; i < NID; i++) begin
        rwr_q[i]   <= '0;
        rrd_q[i]   <= '0;
        rbeat_q[i] <= '0;
      end
    end else begin
      // The read bookkeeping retires bursts on RLAST, which only the host-side checks follow
      // (with them off, injected unsolicited beats are legal and the queue is not kept).
      if (ar_fire && host_checks_q) begin
        if (rwr_q[arid] - rrd_q[arid] == (RPW+1)'(MAX_READS))
          $error("[axi4.check_capacity] more than %0d reads outstanding on ID %0d at cycle %0d",
                 MAX_READS, arid, cycle);
        rlen_q[int'(arid) * MAX_READS + int'(rwr_q[arid][RPW-1:0])] <= arlen;
        rwr_q[arid] <= rwr_q[arid] + 1'b1;
      end
      if (r_fire && host_checks_q) begin
        if (rwr_q[rid] == rrd_q[rid]) begin
          $error("[axi4.r_solicited] R beat on ID %0d with no read outstanding at cycle %0d", rid, cycle);
        end else begin
          if (rlast && rbeat_q[rid] != rlen_q[int'(rid) * MAX_READS + int'(rrd_q[rid][RPW-1:0])])
            $error("[axi4.rlast] RLAST on beat %0d of a read of ARLEN %0d (ID %0d) at cycle %0d",
                   rbeat_q[rid], rlen_q[int'(rid) * MAX_READS + int'(rrd_q[rid][RPW-1:0])], rid, cycle);
          if (!rlast && rbeat_q[rid] == rlen_q[int'(rid) * MAX_READS + int'(rrd_q[rid][RPW-1:0])])
            $error("[axi4.rlast] no RLAST on the last beat of a read of ARLEN %0d (ID %0d) at cycle %0d",
                   rbeat_q[rid], rid, cycle);
          if (rlast) begin
            rrd_q[rid]   <= rrd_q[rid] + 1'b1;
            rbeat_q[rid] <= '0;
          end else begin
            rbeat_q[rid] <= rbeat_q[rid] + 1'b1;
          end
        end
      end
    end
  end

  // ---------------------------------------------------------------- writes: AW paired with W
  // AW number n and W burst number n are the same write (AXI4 keeps them in order); whichever
  // comes second completes the pair, checked the cycle after.
  logic [ID_WIDTH-1:0]   awq_id   [MAX_WRITES];
  logic [ADDR_WIDTH-1:0] awq_addr [MAX_WRITES];
  logic [7:0]            awq_len  [MAX_WRITES];
  logic [8:0]            wq_beats [MAX_WRITES];
  logic [DATA_WIDTH-1:0] wq_first [MAX_WRITES];   // first beat (the record's index and count)
  logic [WPW:0]          aw_n_q, w_n_q, chk_n_q;
  logic [8:0]            wbeat_q;
  logic [15:0]           b_owed_q [NID];

  logic                  pair;
  logic [WPW-1:0]        ci;
  assign pair = chk_n_q != aw_n_q && chk_n_q != w_n_q;
  assign ci   = chk_n_q[WPW-1:0];

  // the record's first bytes in the first W beat: at its byte lane, or byte 0 below 128 bits
  function automatic logic [31:0] record_head(input logic [DATA_WIDTH-1:0] data,
                                              input logic [5:0] addr);
    int lane;
    lane = (KEEP_WIDTH >= CPL_BYTES) ? int'(addr) % KEEP_WIDTH : 0;
    return data[8*lane +: 32];
  endfunction

  // engine invariants
  logic [15:0] cpl_k_q;          // completions since reset / ring reset
  logic        have_prev_q;
  logic [WPW:0] old_left_q;      // writes issued before the last restart, not yet checked
  logic        old_write;        // the write checked now belongs to the old numbering
  assign old_write = old_left_q != '0;
  logic [15:0] next_desc_q;      // first descriptor the next completion must report
  logic [63:0] base_q;
  logic [3:0]  log2_q;
  logic [15:0] ring_mask;
  logic [ADDR_WIDTH-1:0] exp_addr;
  logic [31:0] rec_head;
  logic [15:0] rec_index, rec_count;
  assign ring_mask = 16'((17'h1 << ring_log2) - 17'h1);
  assign exp_addr  = ADDR_WIDTH'({cpl_ring_base[63:4], 4'h0}) + ADDR_WIDTH'({cpl_k_q & ring_mask, 4'h0});
  assign rec_head  = record_head(wq_first[ci], awq_addr[ci][5:0]);
  assign rec_index = rec_head[15:0];
  assign rec_count = rec_head[31:16];

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      aw_n_q      <= '0;
      w_n_q       <= '0;
      chk_n_q     <= '0;
      wbeat_q     <= '0;
      cpl_k_q     <= '0;
      have_prev_q <= 1'b0;
      old_left_q  <= '0;
      for (int i = 0; i < NID; i++) b_owed_q[i] <= '0;
    end else begin
      if (aw_fire) begin
        if (aw_n_q - chk_n_q == (WPW+1)'(MAX_WRITES))
          $error("[axi4.check_capacity] more than %0d AW ahead of their data at cycle %0d", MAX_WRITES, cycle);
        awq_id[aw_n_q[WPW-1:0]]   <= awid;
        awq_addr[aw_n_q[WPW-1:0]] <= awaddr;
        awq_len[aw_n_q[WPW-1:0]]  <= awlen;
        aw_n_q <= aw_n_q + 1'b1;
      end
      if (w_fire) begin
        // the burst's AW is known: WLAST exactly on beat AWLEN
        if (w_n_q != aw_n_q && !wlast && wbeat_q == 9'(awq_len[w_n_q[WPW-1:0]]))
          $error("[axi4.wlast] no WLAST on the last beat of a write of AWLEN %0d at cycle %0d",
                 awq_len[w_n_q[WPW-1:0]], cycle);
        if (wbeat_q == 9'd0) wq_first[w_n_q[WPW-1:0]] <= wdata;
        if (wlast) begin
          if (w_n_q - chk_n_q == (WPW+1)'(MAX_WRITES))
            $error("[axi4.check_capacity] more than %0d W bursts ahead of their AW at cycle %0d",
                   MAX_WRITES, cycle);
          wq_beats[w_n_q[WPW-1:0]] <= wbeat_q + 9'd1;
          w_n_q   <= w_n_q + 1'b1;
          wbeat_q <= '0;
        end else begin
          wbeat_q <= wbeat_q + 9'd1;
        end
      end

      if (pair) begin
        chk_n_q <= chk_n_q + 1'b1;
        if (wq_beats[ci] != 9'(awq_len[ci]) + 9'd1)
          $error("[axi4.wlast] write of AWLEN %0d had %0d W beats (WLAST early or late) at cycle %0d",
                 awq_len[ci], wq_beats[ci], cycle);
        // a write issued before a restart belongs to the old numbering: not checked
        if (CPL_CHECKS && !old_write && awq_addr[ci] != exp_addr)
          $error("[engine.cpl_slot] completion %0d written at %h, expected slot %0d at %h at cycle %0d",
                 cpl_k_q, awq_addr[ci], cpl_k_q & ring_mask, exp_addr, cycle);
        if (CPL_CHECKS && !old_write && have_prev_q && ((rec_index ^ next_desc_q) & ring_mask) != 16'h0)
          $error("[engine.one_completion_per_packet] completion %0d reports descriptor %0d, expected %0d (a descriptor skipped or completed twice) at cycle %0d",
                 cpl_k_q, rec_index & ring_mask, next_desc_q & ring_mask, cycle);
        if (CPL_CHECKS && rec_count == 16'h0)
          $error("[engine.one_completion_per_packet] completion %0d covers 0 descriptors at cycle %0d",
                 cpl_k_q, cycle);
        if (old_write) begin
          old_left_q  <= old_left_q - 1'b1;
        end else begin
          cpl_k_q     <= cpl_k_q + 16'd1;
          have_prev_q <= 1'b1;
          next_desc_q <= rec_index + rec_count;
        end
      end

      // B only for a write whose AW and data are both complete (the pair checked this cycle
      // counts already)
      for (int i = 0; i < NID; i++) begin
        logic [15:0] owed;
        owed = b_owed_q[i] + 16'(pair && int'(awq_id[ci]) == i);
        if (b_fire && host_checks_q && int'(bid) == i) begin
          if (owed == 16'h0)
            $error("[axi4.b_solicited] B on ID %0d with no write whose AW and last W beat were taken at cycle %0d",
                   bid, cycle);
          else
            owed = owed - 16'h1;
        end
        b_owed_q[i] <= owed;
      end

      if (ring_reset || cpl_ring_base != base_q || ring_log2 != log2_q) begin
        cpl_k_q     <= '0;
        have_prev_q <= 1'b0;
        old_left_q  <= aw_n_q + (WPW+1)'(aw_fire) - chk_n_q - (WPW+1)'(pair);
      end
    end
    base_q <= cpl_ring_base;
    log2_q <= ring_log2;
  end

endmodule

`default_nettype wire
