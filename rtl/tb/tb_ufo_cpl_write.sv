// Language: SystemVerilog (IEEE 1800-2017), simulation only (Icarus -g2012).
// tb_ufo_cpl_write: self-checking unit test of ufo_cpl_write.
//   - an AXI4 write slave over a byte memory: random AWREADY/WREADY (independent), random B
//     delay, SLVERR/DECERR injected on random responses (the record is then not stored)
//   - a requester with random gaps; fields held while valid && !ready
//   - checks: AW fields (id 0, INCR, full size, len, cache 0011, address of slot j), AW/W held
//     stable until ready, WLAST, strobes exactly the 16 record bytes, memory image after every
//     completion (record contents incl. PHASE over several laps, nothing else touched),
//     cpl_done one cycle after each B with the request's status/desc_count, cpl_write_err
//     exactly for error responses, rings of several sizes (+long: the 16-bit j wrap).
// Prints "PASS" or "FAIL: ..." lines; exits through $finish (pass) or $fatal (fail).
// Plusargs: +seed=N (default 1), +long.
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_cpl_write #(
    parameter int DATA_WIDTH = 64    // AXI data width under test
);
  localparam int ADDR_WIDTH = 64;
  localparam int ID_WIDTH   = 4;
  localparam int BYTES      = DATA_WIDTH / 8;
  localparam int BEATS      = (DATA_WIDTH >= 128) ? 1 : 128 / DATA_WIDTH;
  localparam logic [63:0] MEM_BASE = 64'hFFFF_FFF0_0000_0000;
  localparam int MEM_BYTES  = 4352;   // covers every ring placed below

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
    if (errors > 20) $fatal(1, "FAIL tb_ufo_cpl_write: too many errors");
  endtask

  // DUT signals
  logic [63:0]           cpl_ring_base = '0;
  logic [3:0]            ring_log2 = '0;
  logic                  req_valid = 1'b0, req_ready;
  logic [15:0]           req_desc_index = '0, req_desc_count = '0, req_frames = '0;
  logic [7:0]            req_status = '0;
  logic [31:0]           req_wire_bytes = '0;
  logic [ID_WIDTH-1:0]   awid;
  logic [ADDR_WIDTH-1:0] awaddr;
  logic [7:0]            awlen;
  logic [2:0]            awsize, awprot;
  logic [1:0]            awburst;
  logic                  awlock;
  logic [3:0]            awcache;
  logic                  awvalid, awready = 1'b0;
  logic [DATA_WIDTH-1:0] wdata;
  logic [BYTES-1:0]      wstrb;
  logic                  wlast, wvalid, wready = 1'b0;
  logic [ID_WIDTH-1:0]   bid = '0;
  logic [1:0]            bresp = '0;
  logic                  bvalid = 1'b0, bready;
  logic                  cpl_done, cpl_write_err;
  logic [7:0]            cpl_status;
  logic [15:0]           cpl_desc_count;

  ufo_cpl_write #(.DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH)) dut (
      .clk(clk), .rst_n(rst_n), .cpl_ring_base(cpl_ring_base), .ring_log2(ring_log2),
      .req_valid(req_valid), .req_ready(req_ready), .req_desc_index(req_desc_index),
      .req_desc_count(req_desc_count), .req_status(req_status), .req_frames(req_frames),
      .req_wire_bytes(req_wire_bytes),
      .m_axi_awid(awid), .m_axi_awaddr(awaddr), .m_axi_awlen(awlen), .m_axi_awsize(awsize),
      .m_axi_awburst(awburst), .m_axi_awlock(awlock), .m_axi_awcache(awcache),
      .m_axi_awprot(awprot), .m_axi_awvalid(awvalid), .m_axi_awready(awready),
      .m_axi_wdata(wdata), .m_axi_wstrb(wstrb), .m_axi_wlast(wlast), .m_axi_wvalid(wvalid),
      .m_axi_wready(wready), .m_axi_bid(bid), .m_axi_bresp(bresp), .m_axi_bvalid(bvalid),
      .m_axi_bready(bready),
      .cpl_done(cpl_done), .cpl_status(cpl_status), .cpl_desc_count(cpl_desc_count),
      .cpl_write_err(cpl_write_err)
  );

  // ---------------------------------------------------------------------------------------
  // Memory, expected image, expected records
  // ---------------------------------------------------------------------------------------
  logic [7:0]   mem [MEM_BYTES];
  logic [7:0]   exp_mem [MEM_BYTES];
  logic [127:0] exp_rec [65536];     // by completion number (mod 2^16)
  logic [63:0]  exp_at [65536];      // record address
  logic         exp_berr [65536];    // B error injected
  int           n_req = 0, n_aw = 0, n_b = 0, n_done = 0, n_berr = 0;

  function automatic int mem_off(input logic [63:0] a);
    return int'(a - MEM_BASE);
  endfunction

  // ---------------------------------------------------------------------------------------
  // AXI4 write slave
  // ---------------------------------------------------------------------------------------
  int                    fast = 0;   // 1: always ready, no delays
  logic [63:0]           aw_q [16];
  int                    aw_wr = 0, aw_rd = 0;
  logic [DATA_WIDTH-1:0] w_data_q [64];
  logic [BYTES-1:0]      w_strb_q [64];
  logic                  w_last_q [64];
  int                    w_wr = 0, w_rd = 0;
  int                    b_pending = 0, b_wait = 0;
  logic                  b_err_q [16];
  int                    b_wr = 0, b_rd = 0;

  always @(posedge clk) begin
    if (!rst_n) begin
      awready <= 1'b0;
      wready  <= 1'b0;
      bvalid  <= 1'b0;
    end else begin
      if (awvalid && awready) begin
        logic [63:0] e;
        e = exp_at[n_aw % 65536];
        if (n_aw >= n_req) fail("AW before the request was taken");
        if (awaddr !== e) fail($sformatf("AW %0d: address %h, expected %h", n_aw, awaddr, e));
        if (awid !== '0) fail("AWID not 0");
        if (awlen !== 8'(BEATS - 1)) fail($sformatf("AWLEN %0d", awlen));
        if (awsize !== 3'($clog2(BYTES))) fail($sformatf("AWSIZE %0d", awsize));
        if (awburst !== 2'b01) fail("AWBURST not INCR");
        if (awcache !== 4'b0011 || awlock !== 1'b0 || awprot !== 3'b000) fail("AWCACHE/LOCK/PROT");
        aw_q[aw_wr % 16] = awaddr;
        aw_wr++;
        n_aw++;
      end
      if (wvalid && wready) begin
        w_data_q[w_wr % 64] = wdata;
        w_strb_q[w_wr % 64] = wstrb;
        w_last_q[w_wr % 64] = wlast;
        w_wr++;
      end
      // a complete burst: store it, schedule B
      if (aw_rd < aw_wr && w_wr - w_rd >= BEATS) begin
        logic [63:0] a, lane0;
        logic        berr;
        a = aw_q[aw_rd % 16];
        aw_rd++;
        berr = (rnd(8) == 0);
        lane0 = a & ~64'(BYTES - 1);
        for (int k = 0; k < BEATS; k++) begin
          logic [DATA_WIDTH-1:0] d;
          logic [BYTES-1:0]      s;
          d = w_data_q[w_rd % 64];
          s = w_strb_q[w_rd % 64];
          if (w_last_q[w_rd % 64] !== (k == BEATS - 1)) fail("WLAST wrong");
          for (int b = 0; b < BYTES; b++) begin
            logic [63:0] ba;
            ba = lane0 + 64'(k * BYTES + b);
            if (s[b] && (ba < a || ba >= a + 16)) fail($sformatf("strobe outside the record, lane %0d", b));
            if (!s[b] && ba >= a && ba < a + 16) fail($sformatf("record byte not strobed, lane %0d", b));
            if (s[b] && !berr) mem[mem_off(ba)] = d[8*b +: 8];
          end
          w_rd++;
        end
        b_err_q[b_wr % 16] = berr;
        b_wr++;
      end
      // B
      if (bvalid && bready) begin
        bvalid <= 1'b0;
        b_rd++;
        n_b++;
        b_wait = fast ? 0 : int'(rnd(4));
      end else if (!bvalid && b_rd < b_wr) begin
        if (b_wait > 0) b_wait--;
        else begin
          bvalid <= 1'b1;
          bresp  <= b_err_q[b_rd % 16] ? ((rnd(2) == 0) ? 2'b10 : 2'b11) : 2'b00;
          bid    <= '0;
          exp_berr[n_b % 65536] = b_err_q[b_rd % 16];
        end
      end
      awready <= fast ? 1'b1 : (rnd(3) == 0);
      wready  <= fast ? 1'b1 : (rnd(3) == 0);
    end
  end

  // ---------------------------------------------------------------------------------------
  // Protocol and completion checks
  // ---------------------------------------------------------------------------------------
  logic                  aw_hold = 1'b0, w_hold = 1'b0, b_fire_prev = 1'b0, done_prev = 1'b0;
  logic [ADDR_WIDTH-1:0] aw_prev;
  logic [DATA_WIDTH-1:0] w_prev_data;
  logic [BYTES-1:0]      w_prev_strb;
  always @(posedge clk) begin
    if (rst_n) begin
      if (aw_hold && (!awvalid || awaddr !== aw_prev)) fail("AW changed before AWREADY");
      if (w_hold && (!wvalid || wdata !== w_prev_data || wstrb !== w_prev_strb))
        fail("W changed before WREADY");
      if (cpl_done !== b_fire_prev) fail("cpl_done not exactly one cycle after the B handshake");
      if (cpl_done && done_prev) fail("cpl_done longer than one cycle");
      if (cpl_done) begin
        logic [127:0] e;
        logic [63:0]  at;
        e = exp_rec[n_done % 65536];
        at = exp_at[n_done % 65536];
        if (cpl_status !== e[39:32]) fail("cpl_status");
        if (cpl_desc_count !== e[31:16]) fail("cpl_desc_count");
        if (cpl_write_err !== exp_berr[n_done % 65536]) fail("cpl_write_err");
        if (!exp_berr[n_done % 65536]) for (int b = 0; b < 16; b++) exp_mem[mem_off(at) + b] = e[8*b +: 8];
        else n_berr++;
        if (n_done % 256 == 0 || fast == 0)
          for (int i = 0; i < MEM_BYTES; i++)
            if (mem[i] !== exp_mem[i]) begin
              fail($sformatf("memory byte 0x%0h: %h, expected %h (completion %0d)", i, mem[i],
                             exp_mem[i], n_done));
              i = MEM_BYTES;
            end
        n_done++;
      end else if (cpl_write_err) fail("cpl_write_err without cpl_done");
    end
    aw_hold     <= awvalid && !awready;
    aw_prev     <= awaddr;
    w_hold      <= wvalid && !wready;
    w_prev_data <= wdata;
    w_prev_strb <= wstrb;
    b_fire_prev <= bvalid && bready;
    done_prev   <= cpl_done;
  end

  // ---------------------------------------------------------------------------------------
  // Requester
  // ---------------------------------------------------------------------------------------
  task automatic request;
    logic [15:0] di, dc, fr;
    logic [7:0]  st;
    logic [31:0] wb;
    logic [15:0] j, slot;
    logic        hs;
    di = $random(seed); dc = $random(seed); fr = $random(seed); wb = $random(seed);
    st = 8'(rnd(7));
    j = 16'(n_req);
    slot = j & ((16'h1 << ring_log2) - 16'h1);
    exp_at[j]  = {cpl_ring_base[63:4], 4'b0} + 64'(16 * slot);
    exp_rec[j] = {32'h0, wb, fr, 7'h0, ~j[ring_log2], st, dc, di};
    req_valid <= 1'b1;
    req_desc_index <= di; req_desc_count <= dc; req_status <= st; req_frames <= fr;
    req_wire_bytes <= wb;
    do begin
      @(posedge clk);
      hs = req_ready;
    end while (!hs);
    n_req++;
    req_valid <= 1'b0;
    req_desc_index <= 'x; req_desc_count <= 'x; req_status <= 'x; req_frames <= 'x;
    req_wire_bytes <= 'x;
    if (!fast) repeat (rnd(4)) @(posedge clk);
  endtask

  task automatic drain;
    int guard;
    guard = 0;
    while (n_done < n_req) begin
      @(posedge clk);
      guard++;
      if (guard > 1000) $fatal(1, "FAIL tb_ufo_cpl_write: hang");
    end
    repeat (3) @(posedge clk);
  endtask

  task automatic configure(input logic [63:0] base, input logic [3:0] lg);
    cpl_ring_base <= base;
    ring_log2 <= lg;
    @(posedge clk);
  endtask

  initial begin
    int n_long, c0, r0;
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    n_long = $test$plusargs("long") ? 66000 : 0;
    $display("tb_ufo_cpl_write DATA_WIDTH=%0d seed=%0d", DATA_WIDTH, seed);
    for (int i = 0; i < MEM_BYTES; i++) begin
      mem[i] = 8'(i * 7);
      exp_mem[i] = 8'(i * 7);
    end
    repeat (3) @(posedge clk);
    rst_n <= 1'b1;
    @(posedge clk);

    // ring of 4 at a 16- (not 32/64-) byte aligned base: 10 laps
    configure(MEM_BASE + 64'h1F0, 4'd2);
    repeat (40) request;
    drain;
    // ring of 2, 64-byte aligned
    configure(MEM_BASE + 64'h400, 4'd1);
    repeat (30) request;
    drain;
    // ring of 32 with low base bits set (ignored: must be treated as 16-byte aligned)
    configure(MEM_BASE + 64'h80F, 4'd5);
    repeat (100) request;
    drain;
    // ring of 8 ending at the 4 KiB boundary
    configure(MEM_BASE + 64'h1000 - 64'h80, 4'd3);
    repeat (60) request;
    drain;

    // fast slave, back-to-back requests: cycles per completion
    fast = 1;
    c0 = 0;
    r0 = n_req;
    fork
      repeat (50) request;
      while (n_req < r0 + 50) begin @(posedge clk); c0++; end
    join
    drain;
    $display("  fast slave: 50 completions in %0d cycles", c0);

    if (n_long > 0) begin
      configure(MEM_BASE + 64'h100, 4'd6);
      repeat (n_long) request;
      drain;
      $display("  j wrap passed: %0d completions", n_done);
    end
    fast = 0;
    repeat (50) request;
    drain;

    $display("  %0d completions, %0d with a B error", n_done, n_berr);
    if (n_berr == 0) fail("no B error was injected");
    if (n_done != n_req) fail("completion count");
    if (errors == 0) $display("PASS tb_ufo_cpl_write DATA_WIDTH=%0d", DATA_WIDTH);
    else $fatal(1, "FAIL tb_ufo_cpl_write DATA_WIDTH=%0d: %0d errors", DATA_WIDTH, errors);
    $finish;
  end
endmodule

`default_nettype wire
