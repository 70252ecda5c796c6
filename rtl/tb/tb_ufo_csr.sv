// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_csr: self-checking unit test of ufo_csr against a register model that is updated on
// the same clock edges as the register file (docs/architecture.md, "ufo_csr").
//   - an AXI4-Lite master with independent AW, W, B, AR and R processes: AW and W of a write in
//     the same cycle, AW first or W first with random gaps, several writes queued, reads
//     concurrent with writes, random wstrb, random BREADY/RREADY back-pressure;
//   - completion and frame events and the busy input driven at random, including in the same
//     cycle as a write-1-to-clear of IRQ_STATUS (the event wins);
//   - directed steps first: reset values of all 64 offsets, every RW register in every write
//     order, RO and unmapped offsets ignore writes, byte strobes; then a random mix.
// Checks: every read (sampled on the AR handshake edge) against the model, the register
// outputs and irq (a flip-flop set on the same edge as the IRQ_STATUS and IRQ_MASK registers: high
// exactly while IRQ_STATUS & IRQ_MASK != 0) every cycle, B only after both halves of its write, BVALID/RVALID held until ready, responses OKAY.
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_csr #(
    parameter int DATA_WIDTH = 64,    // CONFIG[15:0] under test
    parameter int N_RANDOM   = 20000  // cycles of random traffic
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_csr";
  `include "tb_common.svh"

  localparam int MAX_DESC  = 32;
  localparam int HDR_BYTES = 128;

  // ---------------------------------------------------------------- DUT
  logic [7:0]  awaddr = '0;
  logic        awvalid = 1'b0, awready;
  logic [31:0] wdata = '0;
  logic [3:0]  wstrb = '0;
  logic        wvalid = 1'b0, wready;
  logic [1:0]  bresp;
  logic        bvalid, bready = 1'b0;
  logic [7:0]  araddr = '0;
  logic        arvalid = 1'b0, arready;
  logic [31:0] rdata;
  logic [1:0]  rresp;
  logic        rvalid, rready = 1'b0;
  logic        enable;
  logic [63:0] tx_ring_base, cpl_ring_base;
  logic [3:0]  ring_log2;
  logic [15:0] tx_tail, tx_head;
  logic        irq;
  logic        busy = 1'b0;
  logic        cpl_done = 1'b0;
  logic [7:0]  cpl_status = '0;
  logic [15:0] cpl_desc_count = '0;
  logic        frame_done = 1'b0;
  logic [16:0] frame_bytes = '0;

  ufo_csr #(
      .DATA_WIDTH(DATA_WIDTH), .AXIL_ADDR_WIDTH(8), .MAX_DESC(MAX_DESC), .HDR_BYTES(HDR_BYTES)
  ) dut (
      .clk, .rst_n,
      .s_axil_awaddr(awaddr), .s_axil_awprot(3'b000), .s_axil_awvalid(awvalid),
      .s_axil_awready(awready), .s_axil_wdata(wdata), .s_axil_wstrb(wstrb),
      .s_axil_wvalid(wvalid), .s_axil_wready(wready), .s_axil_bresp(bresp),
      .s_axil_bvalid(bvalid), .s_axil_bready(bready), .s_axil_araddr(araddr),
      .s_axil_arprot(3'b000), .s_axil_arvalid(arvalid), .s_axil_arready(arready),
      .s_axil_rdata(rdata), .s_axil_rresp(rresp), .s_axil_rvalid(rvalid), .s_axil_rready(rready),
      .enable, .tx_ring_base, .ring_log2, .tx_tail, .cpl_ring_base, .tx_head,
      .busy, .cpl_done, .cpl_status, .cpl_desc_count, .frame_done, .frame_bytes, .irq);

  // ---------------------------------------------------------------- register model
  logic        m_enable = 1'b0;
  logic [31:0] m_txb_lo = '0, m_txb_hi = '0, m_cb_lo = '0, m_cb_hi = '0;
  logic [3:0]  m_log2 = '0;
  logic [15:0] m_tail = '0, m_head = '0;
  logic [1:0]  m_irqs = '0, m_mask = '0;
  logic [31:0] m_pkts = '0, m_frames = '0, m_bytes = '0, m_edesc = '0, m_edma = '0,
               m_elen = '0, m_ehdr = '0;

  function automatic logic [31:0] merge(input logic [31:0] o, input logic [31:0] n,
                                        input logic [3:0] s);
    for (int i = 0; i < 4; i++) if (s[i]) o[8*i +: 8] = n[8*i +: 8];
    return o;
  endfunction

  function automatic logic [31:0] model_read(input logic [7:0] a);
    unique case ({a[7:2], 2'b00})
      8'h00: return 32'h55464F01;
      8'h04: return {8'(HDR_BYTES / 8), 8'(MAX_DESC), 16'(DATA_WIDTH)};
      8'h08: return {31'h0, m_enable};
      8'h0C: return {30'h0, !busy && (m_head == m_tail), busy};
      8'h10: return m_txb_lo;
      8'h14: return m_txb_hi;
      8'h18: return {28'h0, m_log2};
      8'h1C: return {16'h0, m_tail};
      8'h20: return {16'h0, m_head};
      8'h24: return m_cb_lo;
      8'h28: return m_cb_hi;
      8'h2C: return {30'h0, m_irqs};
      8'h30: return {30'h0, m_mask};
      8'h40: return m_pkts;
      8'h44: return m_frames;
      8'h48: return m_bytes;
      8'h4C: return m_edesc;
      8'h50: return m_edma;
      8'h54: return m_elen;
      8'h58: return m_ehdr;
      default: return 32'h0;
    endcase
  endfunction

  function automatic void model_write(input logic [7:0] a, input logic [31:0] d, input logic [3:0] s);
    logic [31:0] t;
    unique case ({a[7:2], 2'b00})
      8'h08: if (s[0]) m_enable = d[0];
      8'h10: m_txb_lo = merge(m_txb_lo, d, s);
      8'h14: m_txb_hi = merge(m_txb_hi, d, s);
      8'h18: if (s[0]) m_log2 = d[3:0];
      8'h1C: begin t = merge({16'h0, m_tail}, d, s); m_tail = t[15:0]; end
      8'h24: m_cb_lo = merge(m_cb_lo, d, s);
      8'h28: m_cb_hi = merge(m_cb_hi, d, s);
      8'h2C: if (s[0]) m_irqs = m_irqs & ~d[1:0];
      8'h30: if (s[0]) m_mask = d[1:0];
      default: ;
    endcase
  endfunction

  function automatic void model_cpl(input logic [7:0] st, input logic [15:0] cnt);
    m_head = m_head + cnt;
    m_irqs[0] = 1'b1;
    if (st != 0) m_irqs[1] = 1'b1;
    unique case (st)
      8'd0: m_pkts++;
      8'd1, 8'd2: m_edesc++;
      8'd3: m_edma++;
      8'd4: m_elen++;
      8'd5, 8'd6, 8'd21, 8'd22, 8'd23, 8'd24: m_ehdr++;
      default: ;
    endcase
  endfunction

  // offsets the random traffic uses: every register, unmapped ones, unaligned ones
  localparam int N_OFFSETS = 28;
  localparam logic [N_OFFSETS*8-1:0] OFFSETS = {
      8'h00, 8'h04, 8'h08, 8'h0C, 8'h10, 8'h14, 8'h18, 8'h1C, 8'h20, 8'h24, 8'h28, 8'h2C, 8'h30,
      8'h40, 8'h44, 8'h48, 8'h4C, 8'h50, 8'h54, 8'h58, 8'h34, 8'h3C, 8'h5C, 8'h80, 8'hFC, 8'h11,
      8'h1E, 8'h2D};
  function automatic logic [7:0] offset(input int unsigned i);
    return OFFSETS[8*(N_OFFSETS - 1 - i) +: 8];
  endfunction
  function automatic logic is_rw(input int a);
    return a == 'h08 || a == 'h10 || a == 'h14 || a == 'h18 || a == 'h1C || a == 'h24 ||
           a == 'h28 || a == 'h2C || a == 'h30;
  endfunction

  // ---------------------------------------------------------------- master: request queues
  typedef struct packed {
    logic [7:0]  addr;
    logic [31:0] data;
    logic [3:0]  strb;
    logic [7:0]  delay;   // cycles before it is presented
  } req_t;
  req_t        aw_q [$], w_q [$], ar_q [$];
  int          aw_wait = 0, w_wait = 0, ar_wait = 0;
  logic [7:0]  aw_acc [$];           // accepted AW waiting for its W
  logic [35:0] w_acc [$];            // accepted W (strb, data) waiting for its AW
  logic [31:0] r_exp [$];            // read values as sampled on the AR edges
  int          n_writes = 0, n_b = 0, n_reads = 0, n_r = 0, n_events = 0, n_same_edge = 0;
  int          ready_pct = 60, event_pct = 10;

  // a write: AW and W with independent delays (same cycle, AW first or W first)
  function automatic void write(input logic [7:0] a, input logic [31:0] d, input logic [3:0] s,
                                input int mode);
    req_t r;
    int   gap;
    gap = int'(rnd(4));
    r.addr = a;  r.data = d;  r.strb = s;
    r.delay = 8'(mode == 2 ? gap : 0);
    aw_q.push_back(r);
    r.delay = 8'(mode == 1 ? gap : 0);
    w_q.push_back(r);
  endfunction

  function automatic void read(input logic [7:0] a);
    req_t r;
    r = '0;
    r.addr = a;
    r.delay = 8'(rnd(3));
    ar_q.push_back(r);
  endfunction

  function automatic void read_all();
    for (int a = 0; a < 256; a += 4) read(8'(a));
  endfunction

  // ---------------------------------------------------------------- test plan
  int   step = 0, random_cycles = 0;
  logic irq_exp = 1'b0;
  logic bvalid_hold = 1'b0, rvalid_hold = 1'b0;
  logic [31:0] rdata_prev = '0;

  function automatic logic quiet();
    return aw_q.size() == 0 && w_q.size() == 0 && ar_q.size() == 0 && !awvalid && !wvalid &&
           !arvalid && n_b == n_writes && n_r == n_reads && aw_acc.size() == 0 && w_acc.size() == 0;
  endfunction

  always @(posedge clk) begin
    if (rst_n) begin
      // ================= this cycle against the model (state before this edge) =================
      if (enable !== m_enable) fail("enable output");
      if (tx_ring_base !== {m_txb_hi, m_txb_lo}) fail("tx_ring_base output");
      if (ring_log2 !== m_log2) fail("ring_log2 output");
      if (tx_tail !== m_tail) fail("tx_tail output");
      if (tx_head !== m_head) fail("tx_head output");
      if (cpl_ring_base !== {m_cb_hi, m_cb_lo}) fail("cpl_ring_base output");
      if (irq !== irq_exp) fail($sformatf("irq %b, expected %b", irq, irq_exp));
      if (bvalid) begin
        if (n_b >= n_writes) fail("BVALID before both AW and W of a write were accepted");
        if (bresp !== 2'b00) fail("BRESP not OKAY");
      end
      if (bvalid_hold && !bvalid) fail("BVALID dropped without BREADY");
      if (rvalid_hold && (!rvalid || rdata !== rdata_prev)) fail("R changed without RREADY");
      if (rvalid && rresp !== 2'b00) fail("RRESP not OKAY");
      bvalid_hold = bvalid && !bready;
      rvalid_hold = rvalid && !rready;
      rdata_prev  = rdata;
      if (rvalid && rready) begin
        logic [31:0] e;
        e = r_exp.pop_front();
        if (rdata !== e) fail($sformatf("read %0d: got 0x%08h, expected 0x%08h", n_r, rdata, e));
        n_r++;
      end
      if (bvalid && bready) n_b++;
      if ((bvalid && bready) || (rvalid && rready) || step == 5) progress();

      // ================= this edge =================
      // reads sample the registers before the edge's writes and events
      if (arvalid && arready) begin
        r_exp.push_back(model_read(araddr));
        n_reads++;
      end
      // a write takes effect on the edge its second half is accepted; then the events
      if (awvalid && awready) aw_acc.push_back(awaddr);
      if (wvalid && wready) w_acc.push_back({wstrb, wdata});
      if (aw_acc.size() != 0 && w_acc.size() != 0) begin
        logic [7:0]  a;
        logic [35:0] w;
        a = aw_acc.pop_front();
        w = w_acc.pop_front();
        model_write(a, w[31:0], w[35:32]);
        n_writes++;
        if ({a[7:2], 2'b00} == 8'h2C && w[32] && w[1:0] != 0 && cpl_done) n_same_edge++;
      end
      if (cpl_done) begin
        model_cpl(cpl_status, cpl_desc_count);
        n_events++;
      end
      if (frame_done) begin
        m_frames++;
        m_bytes = m_bytes + {15'h0, frame_bytes};
      end
      irq_exp = |(m_irqs & m_mask);   // irq is the registered AND of the registers' new values

      // ================= master: next cycle =================
      if (awvalid && !awready) begin
        // hold
      end else if (aw_q.size() != 0 && aw_q[0].delay == 0) begin
        req_t r;
        r = aw_q.pop_front();
        awvalid <= 1'b1;
        awaddr  <= r.addr;
      end else begin
        if (aw_q.size() != 0) aw_q[0].delay--;
        awvalid <= 1'b0;
        awaddr  <= 8'(rnd64());
      end
      if (wvalid && !wready) begin
        // hold
      end else if (w_q.size() != 0 && w_q[0].delay == 0) begin
        req_t r;
        r = w_q.pop_front();
        wvalid <= 1'b1;
        wdata  <= r.data;
        wstrb  <= r.strb;
      end else begin
        if (w_q.size() != 0) w_q[0].delay--;
        wvalid <= 1'b0;
        wdata  <= 32'(rnd64());
        wstrb  <= 4'(rnd64());
      end
      if (arvalid && !arready) begin
        // hold
      end else if (ar_q.size() != 0 && ar_q[0].delay == 0) begin
        req_t r;
        r = ar_q.pop_front();
        arvalid <= 1'b1;
        araddr  <= r.addr;
      end else begin
        if (ar_q.size() != 0) ar_q[0].delay--;
        arvalid <= 1'b0;
        araddr  <= 8'(rnd64());
      end
      bready <= rnd(100) < ready_pct;
      rready <= rnd(100) < ready_pct;

      // events (random only in the random mix)
      cpl_done       <= step == 5 && rnd(100) < event_pct;
      cpl_status     <= chance(1, 5) ? 8'(21 + rnd(5)) : 8'(rnd(9));   // USO classes 21..24 and 25 (none)
      cpl_desc_count <= 16'(rnd(chance(1, 8) ? 65536 : 40));
      frame_done     <= step == 5 && rnd(100) < event_pct;
      frame_bytes    <= 17'(rnd64());
      if (step == 5 && chance(1, 50)) busy <= chance(1, 2);

      // ================= plan =================
      unique case (step)
        0: begin   // reset values
          read_all();
          step = 1;
        end
        1: if (quiet()) begin   // every RW register, each write order, full strobes
          for (int mode = 0; mode < 3; mode++) begin
            write(8'h08, 32'hFFFFFFFF, 4'hF, mode);
            write(8'h10, 32'hDEADBEE0 + 32'(mode), 4'hF, mode);
            write(8'h14, 32'h01234567 ^ 32'(mode), 4'hF, mode);
            write(8'h18, 32'hFFFFFFF0 | 32'(mode), 4'hF, mode);
            write(8'h1C, 32'hABCD1234 + 32'(mode), 4'hF, mode);
            write(8'h24, 32'hCAFEF00D - 32'(mode), 4'hF, mode);
            write(8'h28, 32'h76543210 + 32'(mode), 4'hF, mode);
            write(8'h30, 32'h00000003, 4'hF, mode);
            read_all();
          end
          step = 2;
        end
        2: if (quiet()) begin   // RO registers and unmapped offsets ignore writes
          for (int a = 0; a < 256; a += 4) if (!is_rw(a)) write(8'(a), 32'hFFFFFFFF, 4'hF, int'(rnd(3)));
          read_all();
          step = 3;
        end
        3: if (quiet()) begin   // byte strobes
          write(8'h10, 32'h11223344, 4'b0101, 0);
          write(8'h24, 32'h55667788, 4'b1010, 1);
          write(8'h1C, 32'h0000AA00, 4'b0010, 2);
          write(8'h08, 32'h00000000, 4'b1110, 0);   // ENABLE byte not strobed: stays 1
          write(8'h18, 32'h00000005, 4'b0000, 0);   // no strobes: no change
          read_all();
          step = 4;
        end
        4: if (quiet()) step = 5;
        5: begin   // random mix: everything at once
          random_cycles++;
          if (random_cycles % 1000 == 0) begin
            ready_pct = chance(1, 4) ? 100 : 20 + int'(rnd(80));
            event_pct = chance(1, 4) ? 50 : int'(rnd(20));
          end
          if (aw_q.size() < 3 && chance(1, 4)) begin
            logic [7:0]  a;
            logic [31:0] v;
            a = chance(1, 6) ? 8'h2C : offset(rnd(N_OFFSETS));
            v = 32'(rnd64());
            if (a == 8'h1C && chance(1, 2)) v = {16'h0, m_head + 16'(rnd(5))};   // IDLE
            write(a, v, 4'(rnd(16)), int'(rnd(3)));
          end
          if (ar_q.size() < 3 && chance(1, 4)) read(chance(1, 5) ? 8'h0C : offset(rnd(N_OFFSETS)));
          if (random_cycles >= N_RANDOM) begin
            busy <= 1'b0;
            step = 6;
          end
        end
        6: if (quiet() && !cpl_done && !frame_done) begin
          read_all();
          step = 7;
        end
        7: if (quiet()) begin
          $display("  %0d writes, %0d reads, %0d completion events, %0d clears of IRQ_STATUS on an event's edge",
                   n_writes, n_reads, n_events, n_same_edge);
          if (n_same_edge == 0) fail("event and clear on the same edge not covered");
          finish();
        end
        default: ;
      endcase
    end
  end
endmodule

`default_nettype wire
