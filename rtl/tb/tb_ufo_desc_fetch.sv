// Language: SystemVerilog (IEEE 1800-2017), simulation only (Icarus -g2012).
// tb_ufo_desc_fetch: self-checking unit test of ufo_desc_fetch.
//   - an AXI4 read slave over a byte memory: random ARREADY, random read latency and gaps
//     between beats, SLVERR/DECERR injected on random beats
//   - a driver model writing random descriptors to the ring and advancing TX_TAIL, reusing a
//     slot only after its descriptor was consumed
//   - a consumer with random DESC_READY
//   - checks: AR address/length/alignment per index, AR held stable, no new AR while enable
//     is low, at most DEPTH descriptors issued and not consumed, every descriptor delivered
//     once, in order, with the right index and fields (or desc_err), rings of several sizes,
//     an unaligned-to-64 ring base (upper/lower half at DATA_WIDTH 512), the 16-bit index wrap
//     (+long), and the delivery rate with a fast slave and an always-ready consumer.
// Prints "PASS" or "FAIL: ..." lines; exits through $finish (pass) or $fatal (fail).
// Plusargs: +seed=N (default 1), +long (run past the 16-bit index wrap).
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_desc_fetch #(
    parameter int DATA_WIDTH = 64,   // AXI data width under test
    parameter int DEPTH      = 4     // prefetch depth under test
);
  localparam int ADDR_WIDTH = 64;
  localparam int BYTES      = DATA_WIDTH / 8;
  localparam int BEATS      = (DATA_WIDTH >= 256) ? 1 : 256 / DATA_WIDTH;
  localparam logic [63:0] MEM_BASE = 64'h0000_0012_3456_0000;
  localparam int MEM_BYTES  = 8192;

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
    if (errors > 20) $fatal(1, "FAIL tb_ufo_desc_fetch: too many errors");
  endtask

  // DUT signals
  logic                  enable = 1'b0;
  logic [63:0]           tx_ring_base = '0;
  logic [3:0]            ring_log2 = '0;
  logic [15:0]           tx_tail = '0;
  logic [ADDR_WIDTH-1:0] araddr;
  logic [7:0]            arlen;
  logic                  arvalid, arready = 1'b0;
  logic [DATA_WIDTH-1:0] rdata = '0;
  logic [1:0]            rresp = '0;
  logic                  rlast = 1'b0, rvalid = 1'b0, rready;
  logic                  desc_valid, desc_ready = 1'b0, desc_err;
  logic [15:0]           desc_index, desc_buf_len, desc_flags, desc_ufo_size, desc_vlan_tci;
  logic [15:0]           desc_csum_start, desc_csum_offset;
  logic [63:0]           desc_buf_addr;
  logic [31:0]           desc_frag_id;

  ufo_desc_fetch #(.DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .DEPTH(DEPTH)) dut (
      .clk(clk), .rst_n(rst_n),
      .enable(enable), .tx_ring_base(tx_ring_base), .ring_log2(ring_log2), .tx_tail(tx_tail),
      .m_axi_araddr(araddr), .m_axi_arlen(arlen), .m_axi_arvalid(arvalid),
      .m_axi_arready(arready), .m_axi_rdata(rdata), .m_axi_rresp(rresp), .m_axi_rlast(rlast),
      .m_axi_rvalid(rvalid), .m_axi_rready(rready),
      .desc_valid(desc_valid), .desc_ready(desc_ready), .desc_index(desc_index),
      .desc_buf_addr(desc_buf_addr), .desc_buf_len(desc_buf_len), .desc_flags(desc_flags),
      .desc_ufo_size(desc_ufo_size), .desc_vlan_tci(desc_vlan_tci),
      .desc_csum_start(desc_csum_start), .desc_csum_offset(desc_csum_offset),
      .desc_frag_id(desc_frag_id), .desc_err(desc_err)
  );

  // ---------------------------------------------------------------------------------------
  // Host memory and the expected descriptor of every index
  // ---------------------------------------------------------------------------------------
  logic [7:0]   mem [MEM_BYTES];
  logic [255:0] exp_desc [65536];
  logic         exp_err [65536];

  function automatic int mem_off(input logic [63:0] a);
    return int'(a - MEM_BASE);
  endfunction

  // ---------------------------------------------------------------------------------------
  // AXI4 read slave
  // ---------------------------------------------------------------------------------------
  int          slave_mode = 0;     // 0: random timing, 1: always ready, no gaps
  logic [63:0] q_addr [64];
  int          q_err_beat [64];    // beat returning an error, -1: none
  int          q_wr = 0, q_rd = 0;
  int          beat = 0;
  int          r_wait = 0;         // cycles before the next beat may start
  logic [15:0] ar_count = '0;      // ARs accepted = index of the next one
  logic [15:0] pop_count = '0;     // descriptors consumed

  // expected address of descriptor index i
  function automatic logic [63:0] exp_addr(input logic [15:0] i);
    logic [63:0] a;
    a = {tx_ring_base[63:5], 5'b0} + 64'(32 * (i & ((16'h1 << ring_log2) - 16'h1)));
    if (DATA_WIDTH == 512) a[5:0] = 6'b0;
    return a;
  endfunction

  always @(posedge clk) begin
    if (!rst_n) begin
      arready <= 1'b0;
      rvalid  <= 1'b0;
    end else begin
      // AR
      if (arvalid && arready) begin
        logic [63:0] e;
        e = exp_addr(ar_count);
        if (araddr !== e) fail($sformatf("AR %0d: address %h, expected %h", ar_count, araddr, e));
        if (arlen !== 8'(BEATS - 1)) fail($sformatf("AR arlen %0d", arlen));
        if ((araddr[11:0] + 12'(BEATS * BYTES - 1)) < araddr[11:0]) fail("AR crosses 4 KiB");
        if (araddr % BYTES != 0) fail("AR not aligned to the beat");
        q_addr[q_wr % 64] = araddr;
        if (rnd(12) == 0) begin
          q_err_beat[q_wr % 64] = int'(rnd(BEATS));
          exp_err[ar_count] = 1'b1;
        end else begin
          q_err_beat[q_wr % 64] = -1;
          exp_err[ar_count] = 1'b0;
        end
        q_wr++;
        ar_count <= ar_count + 16'd1;
        if (q_wr - q_rd > DEPTH) fail("more reads in flight than DEPTH");
      end
      arready <= (slave_mode == 1) ? 1'b1 : (rnd(3) != 0);

      // R
      if (rvalid && !rready) begin
        // hold (never happens: rready is constant)
      end else begin
        if (rvalid) begin
          if (beat == BEATS - 1) begin
            beat = 0;
            q_rd++;
            r_wait = (slave_mode == 1) ? 0 : int'(rnd(4));
          end else begin
            beat++;
          end
        end
        if (q_rd < q_wr && r_wait == 0 && (slave_mode == 1 || rnd(4) != 0)) begin
          logic [63:0] a;
          a = q_addr[q_rd % 64] + 64'(beat * BYTES);
          for (int b = 0; b < BYTES; b++) rdata[8*b +: 8] <= mem[mem_off(a) + b];
          rresp  <= (q_err_beat[q_rd % 64] == beat) ? ((rnd(2) == 0) ? 2'b10 : 2'b11)
                                                     : ((rnd(4) == 0) ? 2'b01 : 2'b00);
          rlast  <= (beat == BEATS - 1);
          rvalid <= 1'b1;
        end else begin
          rvalid <= 1'b0;
          rdata  <= 'x;
          rresp  <= 2'bxx;
          rlast  <= 1'bx;
          if (r_wait > 0) r_wait--;
        end
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // Protocol checks
  // ---------------------------------------------------------------------------------------
  // an AR on this cycle is a new one if the previous was accepted or there was none
  logic ar_new, ar_prev_valid = 1'b0, ar_prev_ready = 1'b0;
  assign ar_new = !ar_prev_valid || ar_prev_ready;
  always @(posedge clk) begin
    ar_prev_valid <= arvalid;
    ar_prev_ready <= arready;
  end
  logic                  ar_hold = 1'b0;       // arvalid && !arready on the last edge
  logic [ADDR_WIDTH-1:0] ar_prev_addr;
  logic                  new_ar_ok = 1'b0;     // enable was high the cycle before
  logic                  desc_hold = 1'b0;
  logic [15:0]           desc_prev_index;
  always @(posedge clk) begin
    if (rst_n) begin
      if (rready !== 1'b1) fail("RREADY not high");
      if (ar_hold && (!arvalid || araddr !== ar_prev_addr)) fail("AR changed before ARREADY");
      if (arvalid && !ar_hold && !new_ar_ok && ar_new) fail("new AR while enable was low");
      if (desc_hold && (!desc_valid || desc_index !== desc_prev_index))
        fail("descriptor changed before DESC_READY");
      if (16'(ar_count - pop_count) > 16'(DEPTH))
        fail("more than DEPTH descriptors issued and not consumed");
    end
    ar_hold         <= arvalid && !arready;
    ar_prev_addr    <= araddr;
    new_ar_ok       <= enable;
    desc_hold       <= desc_valid && !desc_ready;
    desc_prev_index <= desc_index;
  end

  // ---------------------------------------------------------------------------------------
  // Consumer
  // ---------------------------------------------------------------------------------------
  int consumer_mode = 0;   // 0: random ready, 1: always ready, 2: never ready
  int n_pop = 0, n_err = 0;
  always @(posedge clk) begin
    if (rst_n && desc_valid && desc_ready) begin
      logic [255:0] e;
      e = exp_desc[pop_count];
      if (desc_index !== pop_count) fail($sformatf("desc_index %0d, expected %0d", desc_index, pop_count));
      if (desc_err !== exp_err[pop_count])
        fail($sformatf("index %0d: desc_err %b, expected %b", pop_count, desc_err, exp_err[pop_count]));
      if (!exp_err[pop_count] &&
          ({desc_frag_id, desc_csum_offset, desc_csum_start, desc_vlan_tci, desc_ufo_size,
            desc_flags, desc_buf_len, desc_buf_addr} !== e[191:0]))
        fail($sformatf("index %0d: fields %h, expected %h", pop_count,
                       {desc_frag_id, desc_csum_offset, desc_csum_start, desc_vlan_tci,
                        desc_ufo_size, desc_flags, desc_buf_len, desc_buf_addr}, e[191:0]));
      pop_count <= pop_count + 16'd1;
      n_pop++;
      if (desc_err) n_err++;
    end
    desc_ready <= (consumer_mode == 1) ? 1'b1 : (consumer_mode == 2) ? 1'b0 : (rnd(3) != 0);
  end

  // ---------------------------------------------------------------------------------------
  // Driver model
  // ---------------------------------------------------------------------------------------
  // write descriptor index i into its ring slot
  task automatic post(input logic [15:0] i);
    logic [255:0] d;
    int o;
    for (int k = 0; k < 8; k++) d[32*k +: 32] = $random(seed);
    exp_desc[i] = d;
    o = mem_off({tx_ring_base[63:5], 5'b0} + 64'(32 * (i & ((16'h1 << ring_log2) - 16'h1))));
    for (int b = 0; b < 32; b++) mem[o + b] = d[8*b +: 8];
  endtask

  // post and publish up to n descriptors, never more than the ring holds unconsumed
  task automatic produce(input int n);
    int room;
    room = (1 << ring_log2) - int'(16'(tx_tail - pop_count));
    if (n > room) n = room;
    for (int k = 0; k < n; k++) post(tx_tail + 16'(k));
    tx_tail <= tx_tail + 16'(n);
    @(posedge clk);
  endtask

  // run until n more descriptors were consumed
  task automatic run(input int n);
    int target, guard;
    target = n_pop + n;
    guard = 0;
    while (n_pop < target) begin
      if (int'(16'(tx_tail - pop_count)) < (1 << ring_log2) && rnd(2) == 0 &&
          int'(16'(tx_tail - pop_count)) + n_pop < target)
        produce(1 + int'(rnd(1 << ring_log2)));
      else
        @(posedge clk);
      if (slave_mode == 0 && rnd(200) == 0) begin
        enable <= 1'b0;
        repeat (rnd(30)) @(posedge clk);
        enable <= 1'b1;
      end
      guard++;
      if (guard > 200 * n + 1000) begin
        fail("run: no progress");
        $fatal(1, "FAIL tb_ufo_desc_fetch: hang");
      end
    end
  endtask

  // wait until everything published was consumed
  task automatic drain;
    int guard;
    guard = 0;
    while (pop_count != tx_tail || q_rd != q_wr) begin
      @(posedge clk);
      guard++;
      if (guard > 100000) $fatal(1, "FAIL tb_ufo_desc_fetch: drain hang");
    end
    repeat (5) @(posedge clk);
  endtask

  // point the engine at a ring (only while it is drained)
  task automatic configure(input logic [63:0] base, input logic [3:0] lg);
    tx_ring_base <= base;
    ring_log2 <= lg;
    @(posedge clk);
  endtask

  initial begin
    int n_long, cycles, pops0;
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    n_long = $test$plusargs("long") ? 70000 : 0;
    $display("tb_ufo_desc_fetch DATA_WIDTH=%0d DEPTH=%0d seed=%0d", DATA_WIDTH, DEPTH, seed);
    for (int i = 0; i < MEM_BYTES; i++) mem[i] = 8'hEE;
    repeat (3) @(posedge clk);
    rst_n <= 1'b1;
    @(posedge clk);

    // ring of 8, base 32- but not 64-byte aligned; nothing is fetched while disabled
    configure(MEM_BASE + 64'h120, 4'd3);
    produce(5);
    repeat (40) @(posedge clk);
    if (arvalid || desc_valid) fail("fetched while disabled");
    enable <= 1'b1;
    run(300);
    drain;

    // back-pressure: consumer stalls, the prefetch fills up and stops
    consumer_mode = 2;
    produce(8);
    repeat (100) @(posedge clk);
    if (16'(ar_count - pop_count) != 16'(DEPTH)) fail("prefetch did not fill to DEPTH");
    consumer_mode = 0;
    drain;

    // ring of 2, 64-byte aligned base
    configure(MEM_BASE + 64'h400, 4'd1);
    run(200);
    drain;

    // ring of 16, base at 0x...fe0 - 0x200 (so slots reach the 4 KiB page end)
    configure(MEM_BASE + 64'h1000 - 64'h200, 4'd4);
    run(400);
    drain;

    // rate with a fast slave and an always-ready consumer
    slave_mode = 1;
    consumer_mode = 1;
    configure(MEM_BASE + 64'h20, 4'd4);
    produce(16);
    repeat (20) @(posedge clk);
    pops0 = n_pop;
    cycles = 0;
    while (cycles < 400) begin
      if (int'(16'(tx_tail - pop_count)) < 12) produce(4);
      else @(posedge clk);
      cycles++;
    end
    $display("  fast slave: %0d descriptors in %0d cycles (%0d beats each)", n_pop - pops0,
             cycles, BEATS);
    if ((n_pop - pops0) * BEATS < cycles * 9 / 10 - 8)
      fail("descriptor rate below 90% of the R channel rate");
    drain;
    slave_mode = 0;
    consumer_mode = 0;

    // past the 16-bit index wrap
    if (n_long > 0) begin
      slave_mode = 1;
      consumer_mode = 1;
      configure(MEM_BASE + 64'h60, 4'd5);
      run(n_long);
      drain;
      slave_mode = 0;
      consumer_mode = 0;
      run(500);
      drain;
      $display("  index wrap passed: %0d descriptors", n_pop);
    end

    $display("  %0d descriptors, %0d with an error", n_pop, n_err);
    if (n_err == 0) fail("no error was injected");
    if (errors == 0) $display("PASS tb_ufo_desc_fetch DATA_WIDTH=%0d DEPTH=%0d", DATA_WIDTH, DEPTH);
    else $fatal(1, "FAIL tb_ufo_desc_fetch DATA_WIDTH=%0d: %0d errors", DATA_WIDTH, errors);
    $finish;
  end
endmodule

`default_nettype wire
