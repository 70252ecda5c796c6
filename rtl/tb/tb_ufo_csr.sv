// Language: SystemVerilog (IEEE 1800-2017), simulation only (Icarus -g2012).
// tb_ufo_csr: self-checking unit test of ufo_csr against a register model.
//   - reset values, ID, CONFIG for the DATA_WIDTH under test
//   - writes with AW/W in the same cycle, AW first, W first (random gaps), random wstrb,
//     random BREADY/RREADY back-pressure, a read and a write at the same time
//   - RO and unmapped offsets ignore writes, unmapped reads return 0
//   - completion / frame events: TX_HEAD, IRQ_STATUS, counters, irq line with IRQ_MASK,
//     RW1C clear, an event in the same cycle as a clear wins
//   - STATUS.BUSY / IDLE
//   - a random mix of all of the above, checked against the model
// Prints "PASS" or "FAIL: ..." lines; exits through $finish (pass) or $fatal (fail).
// Plusargs: +seed=N (default 1).
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_csr #(
    parameter int DATA_WIDTH = 64,   // CONFIG[15:0] under test
    parameter int N_RANDOM   = 3000  // random operations
);
  localparam int MAX_DESC  = 32;
  localparam int HDR_BYTES = 128;

  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = ~clk;

  integer seed = 1;
  function automatic int unsigned rnd(input int unsigned n);
    rnd = $unsigned($random(seed)) % n;
  endfunction

  int errors = 0;
  task automatic fail(input string msg);
    $display("FAIL: %s (t=%0t)", msg, $time);
    errors++;
  endtask

  // DUT signals
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
      .clk(clk), .rst_n(rst_n),
      .s_axil_awaddr(awaddr), .s_axil_awprot(3'b000), .s_axil_awvalid(awvalid),
      .s_axil_awready(awready), .s_axil_wdata(wdata), .s_axil_wstrb(wstrb),
      .s_axil_wvalid(wvalid), .s_axil_wready(wready), .s_axil_bresp(bresp),
      .s_axil_bvalid(bvalid), .s_axil_bready(bready), .s_axil_araddr(araddr),
      .s_axil_arprot(3'b000), .s_axil_arvalid(arvalid), .s_axil_arready(arready),
      .s_axil_rdata(rdata), .s_axil_rresp(rresp), .s_axil_rvalid(rvalid), .s_axil_rready(rready),
      .enable(enable), .tx_ring_base(tx_ring_base), .ring_log2(ring_log2), .tx_tail(tx_tail),
      .cpl_ring_base(cpl_ring_base), .tx_head(tx_head), .busy(busy), .cpl_done(cpl_done),
      .cpl_status(cpl_status), .cpl_desc_count(cpl_desc_count), .frame_done(frame_done),
      .frame_bytes(frame_bytes), .irq(irq)
  );

  // ---------------------------------------------------------------------------------------
  // Protocol monitor: B only after both AW and W; valid held until ready
  // ---------------------------------------------------------------------------------------
  int n_aw = 0, n_w = 0, n_b = 0;
  logic bvalid_prev = 1'b0, rvalid_prev = 1'b0;
  logic [31:0] rdata_prev;
  always @(posedge clk) begin
    if (rst_n) begin
      if (awvalid && awready) n_aw++;
      if (wvalid && wready) n_w++;
      if (bvalid) begin
        if (n_b >= n_aw || n_b >= n_w) fail("BVALID before both AW and W were accepted");
        if (bresp !== 2'b00) fail("BRESP not OKAY");
      end
      if (bvalid && bready) n_b++;
      if (bvalid_prev && !bvalid) fail("BVALID dropped without BREADY");
      if (rvalid_prev && (!rvalid || rdata !== rdata_prev)) fail("R changed without RREADY");
      if (rvalid && rresp !== 2'b00) fail("RRESP not OKAY");
      bvalid_prev <= bvalid && !bready;
      rvalid_prev <= rvalid && !rready;
      rdata_prev  <= rdata;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Register model
  // ---------------------------------------------------------------------------------------
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

  task automatic model_write(input logic [7:0] a, input logic [31:0] d, input logic [3:0] s);
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
  endtask

  task automatic model_cpl(input logic [7:0] st, input logic [15:0] cnt);
    m_head = m_head + cnt;
    m_irqs[0] = 1'b1;
    if (st != 0) m_irqs[1] = 1'b1;
    case (st)
      8'd0: m_pkts++;
      8'd1, 8'd2: m_edesc++;
      8'd3: m_edma++;
      8'd4: m_elen++;
      8'd5, 8'd6: m_ehdr++;
      default: ;
    endcase
  endtask

  // ---------------------------------------------------------------------------------------
  // Bus tasks (start right after a rising edge; drive with <=, sample at the edge)
  // ---------------------------------------------------------------------------------------
  // mode 0: AW and W together, 1: AW first, 2: W first (gap 0..3 cycles)
  task automatic axil_write(input logic [7:0] a, input logic [31:0] d, input logic [3:0] s,
                            input int mode);
    int gap;
    logic hs;
    gap = rnd(4);
    fork
      begin
        if (mode == 2) repeat (gap) @(posedge clk);
        awaddr <= a; awvalid <= 1'b1;
        do @(posedge clk); while (!awready);
        awvalid <= 1'b0; awaddr <= 8'hxx;
      end
      begin
        if (mode == 1) repeat (gap) @(posedge clk);
        wdata <= d; wstrb <= s; wvalid <= 1'b1;
        do @(posedge clk); while (!wready);
        wvalid <= 1'b0; wdata <= 32'hxxxxxxxx; wstrb <= 4'hx;
      end
    join
    bready <= rnd(2);
    do begin
      @(posedge clk);
      hs = bvalid && bready;
      if (!hs) bready <= rnd(2);
    end while (!hs);
    bready <= 1'b0;
    model_write(a, d, s);
  endtask

  task automatic axil_read(input logic [7:0] a, output logic [31:0] d);
    logic hs;
    araddr <= a; arvalid <= 1'b1;
    do @(posedge clk); while (!arready);
    arvalid <= 1'b0; araddr <= 8'hxx;
    rready <= rnd(2);
    do begin
      @(posedge clk);
      hs = rvalid && rready;
      if (!hs) rready <= rnd(2);
    end while (!hs);
    d = rdata;
    rready <= 1'b0;
  endtask

  // a master that does not wait for B: N writes with independent AW, W and B processes
  task automatic axil_write_pipelined(input int n);
    logic [7:0]  a [8];
    logic [31:0] d [8];
    logic [3:0]  s [8];
    for (int i = 0; i < n; i++) begin
      a[i] = offsets(rnd(13));
      d[i] = $random(seed);
      s[i] = 4'(rnd(16));
    end
    fork
      for (int i = 0; i < n; i++) begin
        repeat (rnd(3)) @(posedge clk);
        awaddr <= a[i]; awvalid <= 1'b1;
        do @(posedge clk); while (!awready);
        awvalid <= 1'b0;
      end
      for (int i = 0; i < n; i++) begin
        repeat (rnd(3)) @(posedge clk);
        wdata <= d[i]; wstrb <= s[i]; wvalid <= 1'b1;
        do @(posedge clk); while (!wready);
        wvalid <= 1'b0;
      end
      for (int i = 0; i < n; i++) begin
        logic hs;
        do begin
          bready <= rnd(2);
          @(posedge clk);
          hs = bvalid && bready;
        end while (!hs);
        bready <= 1'b0;
      end
    join
    for (int i = 0; i < n; i++) model_write(a[i], d[i], s[i]);
  endtask

  task automatic check_read(input logic [7:0] a);
    logic [31:0] d, e;
    axil_read(a, d);
    e = model_read(a);
    if (d !== e) fail($sformatf("read 0x%02h: got 0x%08h, expected 0x%08h", a, d, e));
  endtask

  task automatic check_outputs;
    if (enable !== m_enable) fail("enable output");
    if (tx_ring_base !== {m_txb_hi, m_txb_lo}) fail("tx_ring_base output");
    if (ring_log2 !== m_log2) fail("ring_log2 output");
    if (tx_tail !== m_tail) fail("tx_tail output");
    if (tx_head !== m_head) fail("tx_head output");
    if (cpl_ring_base !== {m_cb_hi, m_cb_lo}) fail("cpl_ring_base output");
    if (irq !== |(m_irqs & m_mask)) fail($sformatf("irq output %b, status %b mask %b", irq, m_irqs, m_mask));
  endtask

  task automatic cpl_event(input logic [7:0] st, input logic [15:0] cnt);
    cpl_done <= 1'b1; cpl_status <= st; cpl_desc_count <= cnt;
    @(posedge clk);
    cpl_done <= 1'b0; cpl_status <= 8'hxx; cpl_desc_count <= 16'hxxxx;
    model_cpl(st, cnt);
  endtask

  task automatic frame_event(input logic [16:0] b);
    frame_done <= 1'b1; frame_bytes <= b;
    @(posedge clk);
    frame_done <= 1'b0; frame_bytes <= 17'hxxxxx;
    m_frames++;
    m_bytes = m_bytes + {15'h0, b};
  endtask

  task automatic check_all_regs;
    for (int a = 0; a < 256; a += 4) check_read(8'(a));
  endtask

  // offsets used by the random test: all registers, some unmapped, some unaligned
  localparam logic [28*8-1:0] OFFSETS = {
      8'h00, 8'h04, 8'h08, 8'h0C, 8'h10, 8'h14, 8'h18, 8'h1C, 8'h20, 8'h24, 8'h28, 8'h2C, 8'h30,
      8'h40, 8'h44, 8'h48, 8'h4C, 8'h50, 8'h54, 8'h58, 8'h34, 8'h3C, 8'h5C, 8'h80, 8'hFC, 8'h11,
      8'h1E, 8'h2D};
  function automatic logic [7:0] offsets(input int unsigned i);
    return OFFSETS[8*(27 - i) +: 8];   // i = 0 is the first in the list
  endfunction

  initial begin
    logic [31:0] d;
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    $display("tb_ufo_csr DATA_WIDTH=%0d seed=%0d", DATA_WIDTH, seed);
    repeat (3) @(posedge clk);
    rst_n <= 1'b1;
    @(posedge clk);

    // reset values
    check_outputs();
    check_all_regs();

    // every RW register, each write mode, full strobes
    for (int mode = 0; mode < 3; mode++) begin
      axil_write(8'h08, 32'hFFFFFFFF, 4'hF, mode);
      axil_write(8'h10, 32'hDEADBEE0 + mode, 4'hF, mode);
      axil_write(8'h14, 32'h01234567 ^ mode, 4'hF, mode);
      axil_write(8'h18, 32'hFFFFFFF0 | mode, 4'hF, mode);
      axil_write(8'h1C, 32'hABCD1234 + mode, 4'hF, mode);
      axil_write(8'h24, 32'hCAFEF00D - mode, 4'hF, mode);
      axil_write(8'h28, 32'h76543210 + mode, 4'hF, mode);
      axil_write(8'h30, 32'h00000003, 4'hF, mode);
      @(posedge clk);
      check_outputs();
      check_all_regs();
    end

    // RO registers and unmapped offsets ignore writes
    for (int a = 0; a < 256; a += 4) begin
      if (!(a == 8'h08 || a == 8'h10 || a == 8'h14 || a == 8'h18 || a == 8'h1C || a == 8'h24 ||
            a == 8'h28 || a == 8'h2C || a == 8'h30))
        axil_write(8'(a), 32'hFFFFFFFF, 4'hF, int'(rnd(3)));
    end
    check_all_regs();

    // byte strobes
    axil_write(8'h10, 32'h11223344, 4'b0101, 0);
    axil_write(8'h24, 32'h55667788, 4'b1010, 1);
    axil_write(8'h1C, 32'h0000AA00, 4'b0010, 2);
    axil_write(8'h08, 32'h00000000, 4'b1110, 0);   // ENABLE byte not strobed: stays 1
    axil_write(8'h18, 32'h00000005, 4'b0000, 0);   // no strobes: no change
    @(posedge clk);
    check_outputs();
    check_all_regs();

    // completion events, IRQ, counters
    axil_write(8'h30, 32'h0, 4'hF, 0);     // mask off
    for (int st = 0; st < 9; st++) cpl_event(8'(st), 16'(st + 1));
    @(posedge clk);
    check_outputs();                        // irq stays low while masked
    if (irq !== 1'b0) fail("irq high while masked");
    check_all_regs();
    axil_write(8'h30, 32'h1, 4'hF, 0);
    @(posedge clk);
    check_outputs();
    if (irq !== 1'b1) fail("irq low with status and mask bit 0");
    axil_write(8'h2C, 32'h1, 4'hF, 1);     // clear bit 0 -> irq low (bit 1 masked)
    @(posedge clk);
    check_outputs();
    if (irq !== 1'b0) fail("irq high after clear");
    axil_write(8'h30, 32'h2, 4'hF, 2);
    @(posedge clk);
    check_outputs();
    if (irq !== 1'b1) fail("irq low with error status and mask bit 1");
    axil_write(8'h2C, 32'h2, 4'h0, 0);     // no strobe: not cleared
    axil_write(8'h2C, 32'h3, 4'hF, 0);
    @(posedge clk);
    check_outputs();
    check_all_regs();

    // an event in the same cycle as the RW1C write that clears it: the event wins
    awaddr <= 8'h2C; awvalid <= 1'b1; wdata <= 32'h3; wstrb <= 4'hF; wvalid <= 1'b1;
    cpl_done <= 1'b1; cpl_status <= 8'd3; cpl_desc_count <= 16'd2;
    @(posedge clk);
    if (!(awready && wready)) fail("AW/W not accepted in the idle state");
    awvalid <= 1'b0; wvalid <= 1'b0; cpl_done <= 1'b0;
    model_write(8'h2C, 32'h3, 4'hF);
    model_cpl(8'd3, 16'd2);
    bready <= 1'b1;
    do @(posedge clk); while (!bvalid);
    bready <= 1'b0;
    @(posedge clk);
    if (m_irqs !== 2'b11) fail("model");
    check_outputs();
    check_all_regs();

    // frames
    frame_event(17'd60);
    frame_event(17'h1FFFF);
    frame_event(17'd1514);
    @(posedge clk);
    check_all_regs();

    // STATUS: busy, head != tail
    busy <= 1'b1;
    @(posedge clk);
    check_read(8'h0C);
    axil_write(8'h1C, {16'h0, m_head}, 4'hF, 0);
    check_read(8'h0C);
    busy <= 1'b0;
    @(posedge clk);
    check_read(8'h0C);
    d = model_read(8'h0C);
    if (d[1] !== 1'b1) fail("STATUS.IDLE not set with head == tail and not busy");

    // a read and a write at the same time
    fork
      axil_write(8'h14, 32'h9ABCDEF0, 4'hF, 0);
      check_read(8'h00);
    join
    check_read(8'h14);

    // random mix
    for (int i = 0; i < N_RANDOM; i++) begin
      unique case (rnd(9))
        0, 1: begin
          logic [7:0] a;
          logic [31:0] v;
          a = offsets(rnd(28));
          v = $random(seed);
          if (a == 8'h1C && rnd(2) == 0) v = {16'h0, m_head + 16'(rnd(5))};
          axil_write(a, v, 4'(rnd(16)), int'(rnd(3)));
        end
        2, 3: check_read(offsets(rnd(28)));
        4: cpl_event(8'(rnd(9)), 16'(rnd(40)));
        5: frame_event(17'($random(seed)));
        6: begin busy <= rnd(2); @(posedge clk); end
        7: begin
          fork
            axil_write(offsets(rnd(13)), $random(seed), 4'hF, int'(rnd(3)));
            check_read(8'h20);
          join
        end
        8: axil_write_pipelined(1 + int'(rnd(8)));
        default: ;
      endcase
      if (rnd(4) == 0) begin
        @(posedge clk);
        check_outputs();
      end
    end
    @(posedge clk);
    check_outputs();
    check_all_regs();

    if (errors == 0) $display("PASS tb_ufo_csr DATA_WIDTH=%0d", DATA_WIDTH);
    else $fatal(1, "FAIL tb_ufo_csr DATA_WIDTH=%0d: %0d errors", DATA_WIDTH, errors);
    $finish;
  end

  initial begin
    #50_000_000;
    $fatal(1, "FAIL tb_ufo_csr: timeout");
  end
endmodule

`default_nettype wire
