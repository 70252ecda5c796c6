// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_csr: self-checking unit test of ufo_csr against a register model that is updated on
// the same clock edges as the register file (docs/architecture.md, "ufo_csr").
//   - an AXI4-Lite master with independent AW, W, B, AR and R processes: AW and W of a write in
//     the same cycle, AW first or W first with random gaps, several writes queued, reads
//     concurrent with writes, random wstrb, random BREADY/RREADY back-pressure;
//   - completion, frame, bus and fault events and the engine_idle input driven at random,
//     including in the same cycle as a write-1-to-clear of IRQ_STATUS (the event wins);
//   - directed steps first: reset values of all 128 offsets, every RW register in every write
//     order, RO and unmapped offsets ignore writes, byte strobes, the TX_TAIL rules and ring
//     configuration refused while not quiesced; then a random mix (soft resets, ring resets,
//     rejected writes, every status code and event).
// Checks: every read (sampled on the AR handshake edge) against the model, the register
// outputs, the soft_reset and ring_reset pulses and irq (a flip-flop set on the same edge as the
// IRQ_STATUS and IRQ_MASK registers: high exactly while IRQ_STATUS & IRQ_MASK != 0) every
// cycle, B only after both halves of its write, BVALID/RVALID held until ready, responses OKAY.
// (The ERR_CNT saturation at 2^32 - 1 is not reached here.)
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
  logic [8:0]  awaddr = '0;
  logic        awvalid = 1'b0, awready;
  logic [31:0] wdata = '0;
  logic [3:0]  wstrb = '0;
  logic        wvalid = 1'b0, wready;
  logic [1:0]  bresp;
  logic        bvalid, bready = 1'b0;
  logic [8:0]  araddr = '0;
  logic        arvalid = 1'b0, arready;
  logic [31:0] rdata;
  logic [1:0]  rresp;
  logic        rvalid, rready = 1'b0;
  logic        enable, soft_reset, ring_reset, fault;
  logic [63:0] tx_ring_base, cpl_ring_base;
  logic [3:0]  ring_log2;
  logic [15:0] tx_tail;
  logic [31:0] read_timeout;
  logic [15:0] max_frame_len;
  logic        irq;
  logic        engine_idle = 1'b1, fault_set = 1'b0;
  logic        cpl_done = 1'b0, cpl_write_err = 1'b0, cpl_write_tmo = 1'b0;
  logic [7:0]  cpl_status = '0;
  logic [15:0] cpl_desc_count = '0;
  logic        unsolicited_r = 1'b0, unsolicited_b = 1'b0;
  logic        frame_done = 1'b0;
  logic [16:0] frame_bytes = '0;

  ufo_csr #(
      .DATA_WIDTH(DATA_WIDTH), .AXIL_ADDR_WIDTH(9), .MAX_DESC(MAX_DESC), .HDR_BYTES(HDR_BYTES)
  ) dut (
      .clk, .rst_n,
      .s_axil_awaddr(awaddr), .s_axil_awprot(3'b000), .s_axil_awvalid(awvalid),
      .s_axil_awready(awready), .s_axil_wdata(wdata), .s_axil_wstrb(wstrb),
      .s_axil_wvalid(wvalid), .s_axil_wready(wready), .s_axil_bresp(bresp),
      .s_axil_bvalid(bvalid), .s_axil_bready(bready), .s_axil_araddr(araddr),
      .s_axil_arprot(3'b000), .s_axil_arvalid(arvalid), .s_axil_arready(arready),
      .s_axil_rdata(rdata), .s_axil_rresp(rresp), .s_axil_rvalid(rvalid), .s_axil_rready(rready),
      .enable, .soft_reset, .ring_reset, .tx_ring_base, .ring_log2, .tx_tail, .cpl_ring_base,
      .fault, .read_timeout, .max_frame_len,
      .engine_idle, .fault_set,
      .cpl_done, .cpl_status, .cpl_desc_count, .cpl_write_err, .cpl_write_tmo,
      .unsolicited_r, .unsolicited_b,
      .frame_done, .frame_bytes, .irq);

  // ---------------------------------------------------------------- register model
  localparam int NUM_CNT = 48;
  logic        m_enable = 1'b0, m_fault = 1'b0;
  logic        m_soft = 1'b0, m_ring = 1'b0;   // the pulses the DUT shows this cycle
  logic [31:0] m_txb_lo = '0, m_txb_hi = '0, m_cb_lo = '0, m_cb_hi = '0;
  logic [3:0]  m_log2 = '0;
  logic [15:0] m_tail = '0, m_head = '0, m_cpl = '0;   // free-running
  logic [2:0]  m_irqs = '0, m_mask = '0;
  logic [31:0] m_timeout = 32'd65536;
  logic [15:0] m_maxlen = 16'd9022;
  logic [31:0] m_pkts = '0, m_frames = '0, m_bytes = '0;
  logic [31:0] m_err [NUM_CNT];
  logic [15:0] m_events;        // events of this edge (ERR_CNT[32 + k])
  logic        m_soft_next, m_ring_next;
  initial for (int i = 0; i < NUM_CNT; i++) m_err[i] = '0;
  int          n_ev [NUM_CNT];  // coverage: counts seen per ERR_CNT index
  initial for (int i = 0; i < NUM_CNT; i++) n_ev[i] = 0;
  int          n_soft = 0, n_ring = 0;

  function automatic logic [31:0] merge(input logic [31:0] o, input logic [31:0] n,
                                        input logic [3:0] s);
    for (int i = 0; i < 4; i++) if (s[i]) o[8*i +: 8] = n[8*i +: 8];
    return o;
  endfunction

  function automatic logic [15:0] ring_mask();
    return (16'h1 << m_log2) - 16'h1;
  endfunction

  function automatic logic [31:0] model_read(input logic [8:0] a);
    int unsigned w;
    w = int'({a[8:2], 2'b00});
    if (w >= 'h100 && w < 'h100 + 4 * NUM_CNT) return m_err[(w - 'h100) / 4];
    unique case (w)
      'h00: return 32'h55464F02;
      'h04: return {8'(HDR_BYTES / 8), 8'(MAX_DESC), 16'(DATA_WIDTH)};
      'h08: return {31'h0, m_enable};
      'h0C: return {29'h0, m_fault, engine_idle && (!m_enable || m_head == m_tail), !engine_idle};
      'h10: return m_txb_lo;
      'h14: return m_txb_hi;
      'h18: return {28'h0, m_log2};
      'h1C: return {16'h0, m_tail & ring_mask()};
      'h20: return {16'h0, m_head & ring_mask()};
      'h24: return m_cb_lo;
      'h28: return m_cb_hi;
      'h2C: return {29'h0, m_irqs};
      'h30: return {29'h0, m_mask};
      'h34: return {15'h0, !m_cpl[m_log2], m_cpl & ring_mask()};
      'h38: return m_timeout;
      'h3C: return {16'h0, m_maxlen};
      'h40: return m_pkts;
      'h44: return m_frames;
      'h48: return m_bytes;
      default: return 32'h0;
    endcase
  endfunction

  // a write with the register state before this edge (o_*: snapshot before the edge's events)
  function automatic void model_write(input logic [8:0] a, input logic [31:0] d, input logic [3:0] s,
                                      input logic [15:0] o_tail, input logic [15:0] o_head,
                                      input logic quiesced);
    logic [31:0] t;
    logic [15:0] mask, slot, wt, new_off, old_off;
    mask = ring_mask();
    unique case (int'({a[8:2], 2'b00}))
      'h08: begin
        if (s[0]) m_enable = d[0];
        m_soft_next = s[0] && d[1];
      end
      'h10, 'h14, 'h18, 'h24, 'h28: begin
        if (!quiesced) begin
          m_events[6] = 1'b1;   // RING_CFG_BUSY
        end else begin
          m_ring_next = 1'b1;
          m_tail = '0;
          m_head = '0;
          m_cpl  = '0;
          unique case (int'({a[8:2], 2'b00}))
            'h10: m_txb_lo = merge(m_txb_lo, d, s);
            'h14: m_txb_hi = merge(m_txb_hi, d, s);
            'h18: if (s[0]) m_log2 = d[3:0];
            'h24: m_cb_lo = merge(m_cb_lo, d, s);
            default: m_cb_hi = merge(m_cb_hi, d, s);
          endcase
        end
      end
      'h1C: begin
        slot = o_tail & mask;
        wt = {s[1] ? d[15:8] : slot[15:8], s[0] ? d[7:0] : slot[7:0]};
        new_off = (wt - o_head) & mask;
        old_off = (o_tail - o_head) & mask;
        if (wt > mask)              m_events[0] = 1'b1;   // TAIL_RANGE
        else if (new_off < old_off) m_events[1] = 1'b1;   // TAIL_BACK
        else                        m_tail = o_tail + (new_off - old_off);
      end
      'h2C: if (s[0]) m_irqs = m_irqs & ~d[2:0];
      'h30: if (s[0]) m_mask = d[2:0];
      'h38: m_timeout = merge(m_timeout, d, s);
      'h3C: begin t = merge({16'h0, m_maxlen}, d, s); m_maxlen = t[15:0]; end
      default: ;
    endcase
  endfunction

  function automatic void count(input int i);
    if (m_err[i] != '1) m_err[i]++;
    n_ev[i]++;
  endfunction

  // offsets the random traffic uses: every register, unmapped ones, unaligned ones
  localparam int N_OFFSETS = 34;
  localparam logic [N_OFFSETS*16-1:0] OFFSETS = {
      16'h00, 16'h04, 16'h08, 16'h0C, 16'h10, 16'h14, 16'h18, 16'h1C, 16'h20, 16'h24, 16'h28,
      16'h2C, 16'h30, 16'h34, 16'h38, 16'h3C, 16'h40, 16'h44, 16'h48, 16'h4C, 16'h58, 16'h5C,
      16'h80, 16'hFC, 16'h100, 16'h104, 16'h144, 16'h180, 16'h1BC, 16'h1C0, 16'h1FC, 16'h11,
      16'h1E, 16'h2D};
  function automatic logic [8:0] offset(input int unsigned i);
    return 9'(OFFSETS[16*(N_OFFSETS - 1 - i) +: 16]);
  endfunction
  function automatic logic is_rw(input int a);
    return a == 'h08 || a == 'h10 || a == 'h14 || a == 'h18 || a == 'h1C || a == 'h24 ||
           a == 'h28 || a == 'h2C || a == 'h30 || a == 'h38 || a == 'h3C;
  endfunction
  // ---------------------------------------------------------------- master: request queues
  typedef struct packed {
    logic [8:0]  addr;
    logic [31:0] data;
    logic [3:0]  strb;
    logic [7:0]  delay;   // cycles before it is presented
  } req_t;
  req_t        aw_q [$], w_q [$], ar_q [$];
  int          aw_wait = 0, w_wait = 0, ar_wait = 0;
  logic [8:0]  aw_acc [$];           // accepted AW waiting for its W
  logic [35:0] w_acc [$];            // accepted W (strb, data) waiting for its AW
  logic [31:0] r_exp [$];            // read values as sampled on the AR edges
  int          n_writes = 0, n_b = 0, n_reads = 0, n_r = 0, n_events = 0, n_same_edge = 0;
  int          ready_pct = 60, event_pct = 10;

  // a write: AW and W with independent delays (same cycle, AW first or W first)
  function automatic void write(input logic [8:0] a, input logic [31:0] d, input logic [3:0] s,
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

  function automatic void read(input logic [8:0] a);
    req_t r;
    r = '0;
    r.addr = a;
    r.delay = 8'(rnd(3));
    ar_q.push_back(r);
  endfunction

  function automatic void read_all();
    for (int a = 0; a < 512; a += 4) read(9'(a));
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
      if (soft_reset !== m_soft) fail($sformatf("soft_reset %b, expected %b", soft_reset, m_soft));
      if (ring_reset !== m_ring) fail($sformatf("ring_reset %b, expected %b", ring_reset, m_ring));
      if (tx_ring_base !== {m_txb_hi, m_txb_lo}) fail("tx_ring_base output");
      if (ring_log2 !== m_log2) fail("ring_log2 output");
      if (tx_tail !== m_tail) fail($sformatf("tx_tail output %0d, expected %0d", tx_tail, m_tail));
      if (cpl_ring_base !== {m_cb_hi, m_cb_lo}) fail("cpl_ring_base output");
      if (fault !== m_fault) fail("fault output");
      if (read_timeout !== m_timeout) fail("read_timeout output");
      if (max_frame_len !== m_maxlen) fail("max_frame_len output");
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
      begin
        logic [15:0] o_tail, o_head;
        logic        quiesced;
        o_tail      = m_tail;
        o_head      = m_head;
        quiesced    = !m_enable && engine_idle;
        m_events    = '0;
        m_soft_next = 1'b0;
        m_ring_next = 1'b0;
        // completion (TX_HEAD and CPL_HEAD advance, also on a write error)
        if (cpl_done) begin
          m_head = m_head + cpl_desc_count;
          m_cpl  = m_cpl + 16'd1;
          if (cpl_status == 8'd0) m_pkts++;
          n_events++;
        end
        m_events[2] = unsolicited_r;
        m_events[3] = unsolicited_b;
        m_events[4] = cpl_done && cpl_write_err;
        m_events[5] = cpl_done && cpl_write_tmo;
        // a write takes effect on the edge its second half is accepted
        if (awvalid && awready) aw_acc.push_back(awaddr);
        if (wvalid && wready) w_acc.push_back({wstrb, wdata});
        if (aw_acc.size() != 0 && w_acc.size() != 0) begin
          logic [8:0]  a;
          logic [35:0] w;
          a = aw_acc.pop_front();
          w = w_acc.pop_front();
          model_write(a, w[31:0], w[35:32], o_tail, o_head, quiesced);
          n_writes++;
          if ({a[8:2], 2'b00} == 9'h2C && w[32] && w[2:0] != 0 && (cpl_done || fault_set)) n_same_edge++;
        end
        // interrupt bits after the clear: the event wins
        if (cpl_done) begin
          m_irqs[0] = 1'b1;
          if (cpl_status != 8'd0) m_irqs[1] = 1'b1;
        end
        if (m_events != '0) m_irqs[1] = 1'b1;
        if (fault_set) begin
          m_fault   = 1'b1;
          m_irqs[2] = 1'b1;
        end
        if (m_soft) begin   // the soft reset pulse of this cycle
          m_tail  = '0;
          m_head  = '0;
          m_cpl   = '0;
          m_fault = 1'b0;
          n_soft++;
        end
        if (m_ring) n_ring++;
        if (cpl_done && cpl_status >= 8'd1 && cpl_status <= 8'd31) count(int'(cpl_status));
        for (int k = 0; k < 16; k++) if (m_events[k]) count(32 + k);
        m_soft = m_soft_next;
        m_ring = m_ring_next;
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
        awaddr  <= 9'(rnd64());
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
        araddr  <= 9'(rnd64());
      end
      bready <= rnd(100) < ready_pct;
      rready <= rnd(100) < ready_pct;

      // events (random only in the random mix); a completion never consumes more descriptors
      // than are posted (the engine cannot: the register file checks it)
      cpl_done       <= step == 5 && rnd(100) < event_pct;
      cpl_status     <= 8'(rnd(40));
      cpl_desc_count <= 16'(rnd(32'(m_tail - m_head) + 1));
      cpl_write_err  <= chance(1, 6);
      cpl_write_tmo  <= chance(1, 10);
      unsolicited_r  <= step == 5 && chance(1, 60);
      unsolicited_b  <= step == 5 && chance(1, 60);
      fault_set      <= step == 5 && chance(1, 200);
      frame_done     <= step == 5 && rnd(100) < event_pct;
      frame_bytes    <= 17'(rnd64());
      if (step == 5 && chance(1, 50)) engine_idle <= chance(1, 2);

      // ================= plan =================
      unique case (step)
        0: begin   // reset values
          read_all();
          step = 1;
        end
        1: if (quiet()) begin   // every RW register, each write order, full strobes
          for (int mode = 0; mode < 3; mode++) begin
            write(9'h08, 32'h00000000, 4'hF, mode);              // quiesced: rings may change
            write(9'h10, 32'hDEADBEE0 + 32'(mode), 4'hF, mode);
            write(9'h14, 32'h01234567 ^ 32'(mode), 4'hF, mode);
            write(9'h18, 32'hFFFFFFF4 + 32'(mode), 4'hF, mode);  // 16..64 slots
            write(9'h1C, 32'hABCD0003 + 32'(mode), 4'hF, mode);  // 3..5 posted
            write(9'h1C, 32'h00000002, 4'hF, mode);              // back: TAIL_BACK
            write(9'h1C, 32'h0000FFFF, 4'hF, mode);              // out of the ring: TAIL_RANGE
            write(9'h24, 32'hCAFEF00D - 32'(mode), 4'hF, mode);
            write(9'h28, 32'h76543210 + 32'(mode), 4'hF, mode);
            write(9'h30, 32'h00000007, 4'hF, mode);
            write(9'h38, 32'h12345678 + 32'(mode), 4'hF, mode);
            write(9'h3C, 32'hFFFF0000 + 32'(mode), 4'hF, mode);
            write(9'h08, 32'hFFFFFFFF, 4'hF, mode);              // ENABLE and SOFT_RESET
            write(9'h10, 32'h0BADF00D, 4'hF, mode);              // not quiesced: RING_CFG_BUSY
            read_all();
          end
          step = 2;
        end
        2: if (quiet()) begin   // RO registers and unmapped offsets ignore writes
          for (int a = 0; a < 512; a += 4) if (!is_rw(a)) write(9'(a), 32'hFFFFFFFF, 4'hF, int'(rnd(3)));
          read_all();
          step = 3;
        end
        3: if (quiet()) begin   // byte strobes
          write(9'h08, 32'h00000000, 4'b0001, 0);   // quiesce
          write(9'h10, 32'h11223344, 4'b0101, 0);
          write(9'h24, 32'h55667788, 4'b1010, 1);
          write(9'h1C, 32'h00000A00, 4'b0010, 2);   // slot 0x0A00: outside the ring
          write(9'h1C, 32'h00000007, 4'b0001, 2);
          write(9'h38, 32'h00AB0000, 4'b0100, 0);
          write(9'h08, 32'h00000001, 4'b1110, 0);   // ENABLE byte not strobed: stays 0
          write(9'h18, 32'h00000005, 4'b0000, 0);   // no strobes: no change
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
            logic [8:0]  a;
            logic [31:0] v;
            a = chance(1, 6) ? 9'h2C : offset(rnd(N_OFFSETS));
            v = 32'(rnd64());
            if (a == 9'h1C && chance(3, 4)) v = {16'h0, (m_tail + 16'(rnd(5)) - 16'd1) & ring_mask()};
            if (a == 9'h18 && chance(3, 4)) v = 32'(1 + rnd(8));
            if (a == 9'h08 && chance(1, 2)) v = {31'h0, chance(2, 3)};   // half without a soft reset
            write(a, v, 4'(rnd(16)), int'(rnd(3)));
          end
          if (ar_q.size() < 3 && chance(1, 4)) read(chance(1, 5) ? 9'h0C : offset(rnd(N_OFFSETS)));
          if (random_cycles >= N_RANDOM) begin
            engine_idle <= 1'b1;
            step = 6;
          end
        end
        6: if (quiet() && !cpl_done && !frame_done) begin
          read_all();
          step = 7;
        end
        7: if (quiet()) begin
          int missing;
          missing = 0;
          for (int k = 1; k < 32; k++) if (k <= 39 && n_ev[k] == 0) missing++;
          for (int k = 32; k < 39; k++) if (n_ev[k] == 0) missing++;
          $display("  %0d writes, %0d reads, %0d completion events, %0d clears of IRQ_STATUS on an event's edge",
                   n_writes, n_reads, n_events, n_same_edge);
          $display("  %0d soft resets, %0d ring resets; events TAIL_RANGE %0d TAIL_BACK %0d UNSOL_R %0d UNSOL_B %0d CPL_WRITE_ERR %0d CPL_TIMEOUT %0d RING_CFG_BUSY %0d",
                   n_soft, n_ring, n_ev[32], n_ev[33], n_ev[34], n_ev[35], n_ev[36], n_ev[37], n_ev[38]);
          if (n_same_edge == 0) fail("event and clear on the same edge not covered");
          if (missing != 0 || n_soft < 10 || n_ring < 10) fail("scenario not covered (a counter, soft or ring reset never hit)");
          finish();
        end
        default: ;
      endcase
    end
  end
endmodule

`default_nettype wire
