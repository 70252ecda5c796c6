// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_axi_rd_mux: self-checking unit test of ufo_axi_rd_mux.
//   - two read masters issuing random bursts (random gaps, random RREADY);
//   - a read slave with random ARREADY that returns the beats of different IDs interleaved
//     beat by beat in random order (in order within an ID), data and RRESP a function of
//     address and beat, plus beats with an ID nobody issued.
// Checks: ARID = port, constant arsize/arburst/arlock/arcache/arprot, AR held stable, per-port
// order, never two grants, round robin when both request, one AR per cycle when the slave is
// always ready, every beat delivered to its own port with the right data / resp / last,
// unknown-ID beats accepted and shown to neither port.
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_axi_rd_mux #(
    parameter int DATA_WIDTH = 64,
    parameter int N_BURSTS   = 600   // bursts per port
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_axi_rd_mux";
  `include "tb_common.svh"

  localparam int ADDR_WIDTH = 64;
  localparam int ID_WIDTH   = 4;
  localparam int BYTES      = DATA_WIDTH / 8;

  // the data and response of beat k of a burst at address a
  function automatic logic [DATA_WIDTH-1:0] beat_data(input logic [63:0] a, input int k);
    logic [DATA_WIDTH-1:0] d;
    for (int i = 0; i < DATA_WIDTH / 32; i++) d[32*i +: 32] = a[31:0] ^ (k * 32'h01000193) ^ i;
    return d;
  endfunction
  function automatic logic [1:0] beat_resp(input logic [63:0] a, input int k);
    return 2'(a[7:0] + 8'(k));
  endfunction
  // the read guard's timeout flag travels with the beat: any function of it will do
  function automatic logic beat_tmo(input logic [63:0] a, input int k);
    return a[8] ^ k[0];
  endfunction

  // ---------------------------------------------------------------- DUT
  logic [ADDR_WIDTH-1:0] s_araddr [2];
  logic [7:0]            s_arlen [2];
  logic                  s_arvalid [2];
  logic                  s_arready [2];
  logic [DATA_WIDTH-1:0] s_rdata [2];
  logic [1:0]            s_rresp [2];
  logic                  s_rlast [2], s_rvalid [2], s_rready [2], s_rtmo [2];
  logic [ID_WIDTH-1:0]   arid, rid = '0;
  logic [ADDR_WIDTH-1:0] araddr;
  logic [7:0]            arlen;
  logic [2:0]            arsize, arprot;
  logic [1:0]            arburst;
  logic                  arlock;
  logic [3:0]            arcache;
  logic                  arvalid, arready = 1'b0;
  logic [DATA_WIDTH-1:0] rdata = '0;
  logic [1:0]            rresp = '0;
  logic                  rlast = 1'b0, rvalid = 1'b0, rready, rtmo = 1'b0;

  ufo_axi_rd_mux #(.DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH)) dut (
      .clk, .rst_n,
      .s0_axi_araddr(s_araddr[0]), .s0_axi_arlen(s_arlen[0]), .s0_axi_arvalid(s_arvalid[0]),
      .s0_axi_arready(s_arready[0]), .s0_axi_rdata(s_rdata[0]), .s0_axi_rresp(s_rresp[0]),
      .s0_axi_rlast(s_rlast[0]), .s0_rtmo(s_rtmo[0]), .s0_axi_rvalid(s_rvalid[0]), .s0_axi_rready(s_rready[0]),
      .s1_axi_araddr(s_araddr[1]), .s1_axi_arlen(s_arlen[1]), .s1_axi_arvalid(s_arvalid[1]),
      .s1_axi_arready(s_arready[1]), .s1_axi_rdata(s_rdata[1]), .s1_axi_rresp(s_rresp[1]),
      .s1_axi_rlast(s_rlast[1]), .s1_rtmo(s_rtmo[1]), .s1_axi_rvalid(s_rvalid[1]), .s1_axi_rready(s_rready[1]),
      .m_axi_arid(arid), .m_axi_araddr(araddr), .m_axi_arlen(arlen), .m_axi_arsize(arsize),
      .m_axi_arburst(arburst), .m_axi_arlock(arlock), .m_axi_arcache(arcache),
      .m_axi_arprot(arprot), .m_axi_arvalid(arvalid), .m_axi_arready(arready),
      .m_axi_rid(rid), .m_axi_rdata(rdata), .m_axi_rresp(rresp), .m_axi_rlast(rlast), .m_rtmo(rtmo),
      .m_axi_rvalid(rvalid), .m_axi_rready(rready));

  // ---------------------------------------------------------------- masters and slave state
  logic [63:0] m_addr [2][N_BURSTS];   // the bursts each port issues, in order
  logic [7:0]  m_len [2][N_BURSTS];
  int          m_issued [2] = '{0, 0}; // ARs accepted by the mux
  int          m_done [2] = '{0, 0};   // bursts fully received
  int          m_beat [2] = '{0, 0};   // beat within the burst being received
  logic [63:0] q_addr [2][$];          // slave: bursts accepted per ID, not fully answered
  logic [7:0]  q_len [2][$];
  int          q_beat [2] = '{0, 0};
  int          q_seen [2] = '{0, 0};   // ARs seen per ID
  int          mode = 1;               // 1: masters always valid, slave always ready; 0: random
  logic        bogus_on = 1'b0;
  int          n_ar = 0, n_bogus = 0, n_interleave = 0, last_rid = 0, n_both = 0, last_grant = -1;
  int          saturated_ar = 0;
  logic                  ar_hold = 1'b0;
  logic [ADDR_WIDTH-1:0] ar_prev_addr = '0;
  logic [ID_WIDTH-1:0]   ar_prev_id = '0;

  initial begin
    for (int p = 0; p < 2; p++) begin
      s_arvalid[p] = 1'b0; s_rready[p] = 1'b0; s_araddr[p] = '0; s_arlen[p] = '0;
    end
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      for (int p = 0; p < 2; p++) begin
        for (int i = 0; i < N_BURSTS; i++) begin
          m_addr[p][i] = {32'h8000_0000 * p, 20'(i), 12'(BYTES * rnd(4096 / BYTES / 2))};
          m_len[p][i]  = 8'(rnd(16));
        end
      end
    end else begin
      // ================= mux checks (this cycle) =================
      if (ar_hold && (!arvalid || araddr !== ar_prev_addr || arid !== ar_prev_id))
        fail("AR changed before ARREADY");
      if (s_arready[0] && s_arready[1]) fail("both ports granted");
      if (s_arvalid[0] && s_arvalid[1] && (s_arready[0] || s_arready[1])) begin
        n_both++;
        if (last_grant >= 0 && s_arready[last_grant]) fail("not round robin");
      end
      if (s_arvalid[0] && s_arready[0]) last_grant = 0;
      if (s_arvalid[1] && s_arready[1]) last_grant = 1;
      if (rvalid && rid > 1) begin
        if (!rready) fail("unknown-ID beat not accepted");
        if (s_rvalid[0] || s_rvalid[1]) fail("unknown-ID beat shown to a port");
      end
      if (rvalid && rid <= 1 && s_rvalid[int'(rid)] !== 1'b1) fail("beat not routed");
      if (rvalid && rid <= 1 && s_rvalid[1 - int'(rid)] !== 1'b0) fail("beat routed to both");
      if ((s_rvalid[0] && s_rready[0]) || (s_rvalid[1] && s_rready[1])) progress();
      ar_hold      = arvalid && !arready;
      ar_prev_addr = araddr;
      ar_prev_id   = arid;

      // ================= masters =================
      for (int p = 0; p < 2; p++) begin
        int i;
        if (s_arvalid[p] && s_arready[p]) m_issued[p]++;
        i = m_issued[p];
        if (s_arvalid[p] && !s_arready[p]) begin
          // hold
        end else if (i < N_BURSTS && (mode == 1 || chance(1, 3))) begin
          s_arvalid[p] <= 1'b1;
          s_araddr[p]  <= m_addr[p][i];
          s_arlen[p]   <= m_len[p][i];
        end else begin
          s_arvalid[p] <= 1'b0;
          s_araddr[p]  <= rnd64();
          s_arlen[p]   <= 8'(rnd64());
        end
        if (s_rvalid[p] && s_rready[p]) begin
          int b, k;
          b = m_done[p];
          k = m_beat[p];
          if (b >= m_issued[p]) begin
            fail($sformatf("port %0d: beat before its AR", p));
          end else begin
            if (s_rdata[p] !== beat_data(m_addr[p][b], k))
              fail($sformatf("port %0d burst %0d beat %0d: wrong data", p, b, k));
            if (s_rresp[p] !== beat_resp(m_addr[p][b], k))
              fail($sformatf("port %0d burst %0d beat %0d: wrong resp", p, b, k));
            if (s_rlast[p] !== (k == int'(m_len[p][b])))
              fail($sformatf("port %0d burst %0d beat %0d: wrong last", p, b, k));
            if (s_rtmo[p] !== beat_tmo(m_addr[p][b], k))
              fail($sformatf("port %0d burst %0d beat %0d: timeout flag not passed on", p, b, k));
            if (k == int'(m_len[p][b])) begin
              m_done[p]++;
              m_beat[p] = 0;
            end else begin
              m_beat[p]++;
            end
          end
        end
        s_rready[p] <= (mode == 1) || chance(3, 4);
      end

      // ================= slave =================
      if (arvalid && arready) begin
        int p;
        p = int'(arid);
        if (arid > 1) begin
          fail($sformatf("ARID %0d", arid));
        end else begin
          if (araddr !== m_addr[p][q_seen[p]] || arlen !== m_len[p][q_seen[p]])
            fail($sformatf("AR of port %0d out of order or corrupted", p));
          q_seen[p]++;
          q_addr[p].push_back(araddr);
          q_len[p].push_back(arlen);
        end
        if (arsize !== 3'($clog2(BYTES)) || arburst !== 2'b01 || arlock !== 1'b0 ||
            arcache !== 4'b0011 || arprot !== 3'b000)
          fail("AR constant fields");
        n_ar++;
      end
      arready <= (mode == 1) || chance(2, 3);

      if (!(rvalid && !rready)) begin
        int p;
        if (rvalid && rid <= 1) begin
          p = int'(rid);
          if (q_beat[p] == int'(q_len[p][0])) begin
            void'(q_addr[p].pop_front());
            void'(q_len[p].pop_front());
            q_beat[p] = 0;
          end else begin
            q_beat[p]++;
          end
        end
        if (rvalid && rid > 1) n_bogus++;
        // an ID with a pending burst (random when both), or a bogus beat
        p = -1;
        if (q_addr[0].size() != 0 && q_addr[1].size() != 0) p = int'(rnd(2));
        else if (q_addr[0].size() != 0) p = 0;
        else if (q_addr[1].size() != 0) p = 1;
        if (bogus_on && chance(1, 20)) begin
          rvalid <= 1'b1;
          rid    <= 4'd5;
          rdata  <= '1;
          rresp  <= 2'b00;
          rlast  <= 1'b1;
        end else if (p >= 0 && (mode == 1 || chance(3, 4))) begin
          rvalid <= 1'b1;
          rid    <= ID_WIDTH'(p);
          rdata  <= beat_data(q_addr[p][0], q_beat[p]);
          rresp  <= beat_resp(q_addr[p][0], q_beat[p]);
          rlast  <= q_beat[p] == int'(q_len[p][0]);
          rtmo   <= beat_tmo(q_addr[p][0], q_beat[p]);
          if (q_beat[p] != 0 && p != last_rid) n_interleave++;
          last_rid = p;
        end else begin
          rvalid <= 1'b0;
          rid    <= ID_WIDTH'(rnd64());
          rdata  <= DATA_WIDTH'(rnd_wide());
          rresp  <= 2'(rnd64());
          rlast  <= chance(1, 2);
        end
      end

      // ================= plan =================
      // saturated first: one AR per cycle, alternating ports
      if (cycle == RESET_CYCLES + 5) saturated_ar = n_ar;
      if (cycle == RESET_CYCLES + 45) begin
        $display("  saturated: %0d ARs in 40 cycles", n_ar - saturated_ar);
        if (n_ar - saturated_ar < 40) fail("less than one AR per cycle when saturated");
        mode = 0;
        bogus_on = 1'b1;
      end
      if (mode == 0 && m_done[0] == N_BURSTS && m_done[1] == N_BURSTS) begin
        bogus_on = 1'b0;
        $display("  %0d ARs, %0d arbitrations with both requesting, %0d interleaved switches, %0d unknown-ID beats",
                 n_ar, n_both, n_interleave, n_bogus);
        if (n_both < 50 || n_interleave < 50 || n_bogus < 5) fail("scenario not covered");
        finish();
      end
    end
  end
endmodule

`default_nettype wire
