// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_desc_fetch: self-checking unit test of ufo_desc_fetch.
//   - an AXI4 read slave over a byte memory: random ARREADY, random latency and gaps between
//     beats, SLVERR/DECERR on random beats (EXOKAY, which is not an error, on others), and
//     unsolicited beats while no read is outstanding; some error beats flagged r_tmo (as the read
//     guard answers a read that timed out);
//   - a driver writing random descriptors into the ring and advancing TX_TAIL, reusing a slot
//     only after its descriptor was taken, switching ENABLE off and on;
//   - a consumer with random DESC_READY (phases always ready and never ready).
// Checks:
//   - every AR: issued only if ENABLE was high in the cycle it was decided, INCR of at most
//     MAX_BURST beats, beat aligned, inside the ring (at 512 bits: inside the beats the ring
//     touches), never across 4 KiB, whole descriptors; and exactly the block the rules give:
//     from the next index to fetch, min(MAX_BLOCK (and what fits in MAX_BURST beats), descriptors
//     up to TX_TAIL, to the ring end, to the 4 KiB boundary, FIFO space not yet reserved), at
//     512 bits starting and ending on the half-beat of its first and last descriptor;
//   - every descriptor taken once, in ring order, with its index and fields, or with desc_err
//     exactly when a beat that carried it returned an error (and timeout exactly when one of
//     them was flagged r_tmo);
//   - ring reset (quiesced, with the FIFO full): the FIFO is empty the cycle after, and fetching
//     starts again from index 0;
//   - RREADY always high; `unsolicited` exactly for beats with no read outstanding;
//   - reserved space: descriptors fetched and not taken never exceed DEPTH, and with a stalled
//     consumer the FIFO fills up to min(DEPTH, posted);
//   - delivery rate with an always-ready slave and consumer: >= 90% of min(1, R-channel rate)
//     (with DEPTH >= 16 and MAX_READS >= 4; smaller sets only report it).
// Rings of several sizes and bases (32- but not 64-byte aligned, a 4 KiB crossing inside the
// ring); +long: past the 16-bit index wrap.
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_desc_fetch #(
    parameter int DATA_WIDTH = 64,
    parameter int DEPTH      = 32,
    parameter int MAX_BLOCK  = 8,
    parameter int MAX_READS  = 4,
    parameter int MAX_BURST  = 16
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_desc_fetch";
  `include "tb_common.svh"

  localparam int ADDR_WIDTH = 64;
  localparam int BYTES      = DATA_WIDTH / 8;
  localparam int BPD        = (DATA_WIDTH >= 256) ? 1 : 256 / DATA_WIDTH;   // beats per descriptor
  localparam int DPB        = (DATA_WIDTH > 256) ? DATA_WIDTH / 256 : 1;   // descriptors per beat
  localparam int BURST_FIT  = (DPB > 1) ? 2 * MAX_BURST - 1 : MAX_BURST / BPD;
  localparam int BLOCK      = (MAX_BLOCK < BURST_FIT) ? MAX_BLOCK : BURST_FIT;
  localparam logic [63:0] MEM_BASE = 64'h0000_0012_3456_0000;
  localparam int MEM_BYTES  = 16384;

  // ---------------------------------------------------------------- DUT
  logic                  enable = 1'b0;
  logic [63:0]           tx_ring_base = '0;
  logic [3:0]            ring_log2 = '0;
  logic [15:0]           tx_tail = '0;
  logic [ADDR_WIDTH-1:0] ar_addr;
  logic [7:0]            ar_len;
  logic                  ar_valid, ar_ready = 1'b0;
  logic [DATA_WIDTH-1:0] r_data = '0;
  logic [1:0]            r_resp = '0;
  logic                  r_last = 1'b0, r_valid = 1'b0, r_ready, r_tmo = 1'b0;
  logic                  ring_reset = 1'b0;
  logic                  desc_valid, desc_ready = 1'b0, unsolicited;
  ufo_pkg::desc_item_t   desc;

  ufo_desc_fetch #(
      .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .DEPTH(DEPTH), .MAX_BLOCK(MAX_BLOCK),
      .MAX_READS(MAX_READS), .MAX_BURST(MAX_BURST)
  ) dut (
      .clk, .rst_n,
      .enable, .tx_ring_base, .ring_log2, .tx_tail, .ring_reset,
      .ar_addr, .ar_len, .ar_valid, .ar_ready,
      .r_data, .r_resp, .r_last, .r_tmo, .r_valid, .r_ready,
      .desc_valid, .desc_ready, .desc, .unsolicited);

  // ---------------------------------------------------------------- host memory, ring
  logic [7:0]   mem [MEM_BYTES];
  logic [255:0] exp_desc [65536];    // by index
  logic         exp_err [65536];
  logic         exp_tmo [65536];
  logic         err_known [65536];   // the reads that carried it have all been answered

  function automatic int mem_off(input logic [63:0] a);
    return int'(a - MEM_BASE);
  endfunction
  function automatic logic [63:0] ring_lo();
    return {tx_ring_base[63:5], 5'b0};
  endfunction
  function automatic int ring_size();
    return 1 << ring_log2;
  endfunction
  function automatic logic [63:0] desc_addr(input logic [15:0] i);
    return ring_lo() + 64'(32 * (int'(i) & (ring_size() - 1)));
  endfunction

  // ---------------------------------------------------------------- slave
  typedef struct {
    logic [63:0] addr;
    int          beats;
    logic [15:0] first;    // index of the first descriptor
    int          n;        // descriptors
    int          odd;      // DATA_WIDTH 512: the first descriptor is the first beat's upper half
  } burst_t;

  burst_t      bursts [$];          // presented, data not all sent; the head is being answered
  int          n_accepted = 0;      // of those, accepted by the slave
  logic        beat_err [$];        // errors of the head burst's beats sent so far
  logic        beat_tmo [$];        // ... flagged as timeouts
  int          r_beat = 0, r_wait = 0;
  int          slave_fast = 0;      // 1: ARREADY always, beats back to back, no errors
  int          bogus_on = 0;        // send one unsolicited beat when nothing is outstanding
  logic        r_bogus = 1'b0;      // the beat on R is unsolicited
  int          n_bogus = 0, n_err_beats = 0;

  // beat j of burst b was sent with error flag e: the descriptors it completes are known
  function automatic void beat_sent(input burst_t b, input int j, input logic e, input logic t);
    beat_err.push_back(e);
    beat_tmo.push_back(t);
    for (int m = 0; m < b.n; m++) begin
      int last_beat;
      last_beat = (DPB > 1) ? (b.odd + m) / 2 : m * BPD + BPD - 1;
      if (last_beat == j) begin
        logic err, tmo;
        int   i;
        err = 1'b0;
        tmo = 1'b0;
        if (DPB > 1) begin
          err = beat_err[j];
          tmo = beat_tmo[j];
        end else begin
          for (int k = 0; k < BPD; k++) begin
            err |= beat_err[m * BPD + k];
            tmo |= beat_tmo[m * BPD + k];
          end
        end
        i = int'(b.first + 16'(m));
        exp_err[i]   = err;
        exp_tmo[i]   = tmo;
        err_known[i] = 1'b1;
      end
    end
  endfunction

  // ---------------------------------------------------------------- fetch model
  logic [15:0] fetch_m = '0;      // next index the DUT must fetch
  logic [15:0] pop_count = '0;    // descriptors taken
  logic [15:0] tail_prev = '0, pop_prev = '0;
  logic        enable_prev = 1'b0, ar_prev_valid = 1'b0, ar_prev_ready = 1'b0;
  int          n_tmo = 0, n_ring_resets = 0, reset_wait = 0;
  int          n_ar = 0, n_pop = 0, n_err = 0, n_unsol = 0, n_odd_start = 0, n_odd_end = 0;
  int          n_limit_4k = 0, n_limit_end = 0, n_limit_room = 0, n_limit_block = 0;

  // the block the rules give for a read decided with tail t and pop p
  function automatic int expected_block(input logic [15:0] t, input logic [15:0] p, output int why);
    int b, slot, to_4k;
    logic [63:0] a;
    slot  = int'(fetch_m) & (ring_size() - 1);
    a     = desc_addr(fetch_m);
    to_4k = (4096 - int'(a[11:0])) / 32;
    b = BLOCK;                                      why = 0;
    if (int'(16'(t - fetch_m)) < b)           begin b = int'(16'(t - fetch_m));          why = 1; end
    if (ring_size() - slot < b)               begin b = ring_size() - slot;              why = 2; end
    if (to_4k < b)                            begin b = to_4k;                           why = 3; end
    if (DEPTH - int'(16'(fetch_m - p)) < b)   begin b = DEPTH - int'(16'(fetch_m - p));  why = 4; end
    return b;
  endfunction

  // ---------------------------------------------------------------- driver and consumer
  int          consumer_mode = 0;   // 0 random, 1 always ready, 2 never ready
  int          produce_pct = 30;
  int          enable_hold = 0;     // cycles ENABLE stays low

  // post descriptors tail.. and advance TX_TAIL (never more than the ring holds untaken)
  function automatic void produce(input int n);
    int room;
    room = ring_size() - int'(16'(tx_tail - pop_count));
    if (n > room) n = room;
    for (int k = 0; k < n; k++) begin
      logic [255:0] d;
      logic [15:0]  i;
      int           o;
      i = tx_tail + 16'(k);
      for (int w = 0; w < 4; w++) d[64*w +: 64] = rnd64();
      exp_desc[i]  = d;
      err_known[i] = 1'b0;
      o = mem_off(desc_addr(i));
      for (int b = 0; b < 32; b++) mem[o + b] = d[8*b +: 8];
    end
    tx_tail <= tx_tail + 16'(n);
  endfunction

  // ---------------------------------------------------------------- test plan
  typedef enum int { T_DISABLED, T_RANDOM, T_DRAIN, T_FILL, T_RATE, T_UNSOL, T_DONE } step_t;
  step_t step = T_DISABLED;
  int    plan = 0;            // index into the list of rings and runs
  int    step_cycles = 0, target = 0, rate_pops = 0;
  logic  want_long = 1'b0;
  initial want_long = $test$plusargs("long");

  // rings: base offset, log2 size, descriptors to run
  function automatic void configure(input int p);
    unique case (p)
      0: begin tx_ring_base <= MEM_BASE + 64'h120;  ring_log2 <= 4'd3; end   // 32- not 64-aligned
      1: begin tx_ring_base <= MEM_BASE + 64'h400;  ring_log2 <= 4'd1; end   // ring of 2
      2: begin tx_ring_base <= MEM_BASE + 64'h1C20; ring_log2 <= 4'd6; end   // crosses 4 KiB
      3: begin tx_ring_base <= MEM_BASE + 64'h2000; ring_log2 <= 4'd4; end
      4: begin tx_ring_base <= MEM_BASE + 64'h3000; ring_log2 <= 4'd7; end   // 4 KiB, 128 slots
      default: begin tx_ring_base <= MEM_BASE + 64'h0060; ring_log2 <= 4'd5; end
    endcase
  endfunction

  always @(posedge clk) begin
    logic [15:0] pop_before;
    if (!rst_n) begin
      configure(0);
    end else begin
      pop_before = pop_count;
      // ================= checks of this cycle =================
      if (r_ready !== 1'b1) fail("r_ready not high");
      if (r_valid || (desc_valid && desc_ready) || step == T_DISABLED || step == T_UNSOL ||
          step == T_FILL) progress();
      // unsolicited: exactly the beats sent with nothing outstanding
      if (unsolicited !== (r_valid && r_bogus))
        fail($sformatf("unsolicited %b on a beat the bench sent %s", unsolicited, r_bogus ? "unsolicited" : "for a read"));
      if (unsolicited) n_unsol++;
      if (int'(16'(fetch_m - pop_count)) > DEPTH) fail("more descriptors fetched and not taken than DEPTH");

      // a new AR this cycle: decided at the last edge, from that cycle's inputs
      if (ar_valid && (!ar_prev_valid || ar_prev_ready)) begin
        int beats, n, why, odd, units;
        logic [63:0] lo, hi;
        beats = int'(ar_len) + 1;
        lo = ring_lo();
        hi = lo + 64'(32 * ring_size());
        if (DPB > 1) begin
          lo = lo & ~64'h3F;
          hi = (hi + 64'h3F) & ~64'h3F;
        end
        if (!enable_prev) fail("AR issued while ENABLE was low");
        if (beats > MAX_BURST) fail($sformatf("AR of %0d beats, MAX_BURST %0d", beats, MAX_BURST));
        if (ar_addr % BYTES != 0) fail($sformatf("AR address %h not beat aligned", ar_addr));
        if (ar_addr < lo || ar_addr + 64'(beats * BYTES) > hi)
          fail($sformatf("AR %h + %0d beats outside the ring %h..%h", ar_addr, beats, lo, hi));
        if (int'(ar_addr[11:0]) + beats * BYTES > 4096) fail($sformatf("AR %h + %0d beats crosses 4 KiB", ar_addr, beats));
        if (BPD > 1 && (beats % BPD != 0 || (ar_addr - ring_lo()) % 32 != 0)) fail("AR not whole descriptors");
        n = expected_block(tail_prev, pop_prev, why);
        odd = (DPB > 1) ? int'(desc_addr(fetch_m) >> 5) & 1 : 0;
        units = (DPB > 1) ? (odd + n + 1) / 2 : n * BPD;
        if (n <= 0) begin
          fail($sformatf("AR at %h while the rules allow no read (fetch %0d tail %0d taken %0d)",
                         ar_addr, fetch_m, tail_prev, pop_prev));
        end else begin
          if (ar_addr !== ((DPB > 1) ? desc_addr(fetch_m) & ~64'h3F : desc_addr(fetch_m)) || beats != units)
            fail($sformatf("AR %h, %0d beats; expected %0d descriptors from index %0d: %h, %0d beats (tail %0d, taken %0d)",
                           ar_addr, beats, n, fetch_m, desc_addr(fetch_m), units, tail_prev, pop_prev));
          begin
            burst_t b;
            b.addr = ar_addr; b.beats = beats; b.first = fetch_m; b.n = n; b.odd = odd;
            bursts.push_back(b);   // (queued for the slave once accepted: see below)
          end
          fetch_m = fetch_m + 16'(n);
          if (odd != 0) n_odd_start++;
          if (DPB > 1 && (odd + n) % 2 != 0) n_odd_end++;
          unique case (why) 2: n_limit_end++; 3: n_limit_4k++; 4: n_limit_room++; default: if (n == BLOCK) n_limit_block++; endcase
        end
        n_ar++;
      end

      // descriptors taken
      if (desc_valid && desc_ready) begin
        logic [15:0] i;
        i = pop_count;
        if (desc.index !== i) fail($sformatf("desc index %0d, expected %0d", desc.index, i));
        if (!err_known[i]) fail($sformatf("descriptor %0d delivered before its read was answered", i));
        else if (desc.err !== exp_err[i])
          fail($sformatf("descriptor %0d: err %b, expected %b", i, desc.err, exp_err[i]));
        else if (desc.timeout !== exp_tmo[i])
          fail($sformatf("descriptor %0d: timeout %b, expected %b", i, desc.timeout, exp_tmo[i]));
        if (!exp_err[i] &&
            {desc.frag_id, desc.csum_offset, desc.csum_start, desc.vlan_tci, desc.ufo_size,
             desc.flags, desc.buf_len, desc.buf_addr} !== exp_desc[i][191:0])
          fail($sformatf("descriptor %0d: fields %h, expected %h", i,
                         {desc.frag_id, desc.csum_offset, desc.csum_start, desc.vlan_tci, desc.ufo_size,
                          desc.flags, desc.buf_len, desc.buf_addr}, exp_desc[i][191:0]));
        pop_count = pop_count + 16'd1;
        n_pop++;
        if (desc.err) n_err++;
        if (desc.timeout) n_tmo++;
        rate_pops++;
      end

      // ================= slave =================
      // R: the beat of this cycle was taken (r_ready is 1)
      if (r_valid && !r_bogus) begin
        beat_sent(bursts[0], r_beat, r_resp[1], r_tmo);
        if (r_resp[1]) n_err_beats++;
        r_beat++;
        if (r_beat == bursts[0].beats) begin
          beat_err.delete();
          beat_tmo.delete();
          void'(bursts.pop_front());
          n_accepted--;
          r_beat = 0;
          r_wait = slave_fast ? 0 : int'(rnd(4));
        end
      end
      if (r_valid && r_bogus) n_bogus++;
      r_bogus <= 1'b0;
      if (n_accepted > 0 && r_wait == 0 && (slave_fast != 0 || chance(3, 4))) begin
        logic [63:0] a;
        logic        e;
        a = bursts[0].addr + 64'(r_beat * BYTES);
        for (int b = 0; b < BYTES; b++) r_data[8*b +: 8] <= mem[mem_off(a) + b];
        e = slave_fast == 0 && chance(1, 15);
        r_resp  <= e ? (chance(1, 2) ? 2'b10 : 2'b11) : (chance(1, 4) ? 2'b01 : 2'b00);
        r_tmo   <= e && chance(1, 3);
        r_last  <= r_beat == bursts[0].beats - 1;
        r_valid <= 1'b1;
      end else if (bogus_on != 0 && bursts.size() == 0 && !ar_valid && n_accepted == 0) begin
        r_data  <= DATA_WIDTH'(rnd_wide());
        r_resp  <= 2'b00;
        r_last  <= 1'b1;
        r_tmo   <= 1'b0;
        r_valid <= 1'b1;
        r_bogus <= 1'b1;
        bogus_on = 0;
      end else begin
        r_valid <= 1'b0;
        r_data  <= DATA_WIDTH'(rnd_wide());
        r_resp  <= 2'(rnd(4));
        r_last  <= chance(1, 2);
        r_tmo   <= chance(1, 2);
        if (r_wait > 0) r_wait--;
      end
      // AR
      if (ar_valid && ar_ready) n_accepted++;
      ar_ready <= (slave_fast != 0) || chance(2, 3);

      // ================= consumer =================
      desc_ready <= (consumer_mode == 1) || (consumer_mode == 0 && chance(2, 3));

      // ================= remember this cycle's decision inputs =================
      tail_prev     = tx_tail;
      pop_prev      = pop_before;
      enable_prev   = enable;
      ar_prev_valid = ar_valid;
      ar_prev_ready = ar_ready;

      // ================= test plan =================
      step_cycles++;
      unique case (step)
        T_DISABLED: begin
          // nothing is fetched while ENABLE is low
          if (step_cycles == 1) produce(5);
          if (ar_valid || desc_valid) fail("fetched while disabled");
          if (step_cycles == 40) begin
            enable <= 1'b1;
            step = T_RANDOM;
            step_cycles = 0;
            target = n_pop + 600;
          end
        end
        T_RANDOM: begin
          if (chance(produce_pct, 100)) produce(1 + int'(rnd(ring_size())));
          if (step_cycles % 500 == 0) begin
            produce_pct   = chance(1, 3) ? 100 : 5 + int'(rnd(60));
            consumer_mode = chance(1, 4) ? 1 : 0;
          end
          // ENABLE off now and then; reads already issued complete
          if (enable_hold > 0) begin
            enable_hold--;
            if (enable_hold == 0) enable <= 1'b1;
          end else if (chance(1, 150)) begin
            enable <= 1'b0;
            enable_hold = 1 + int'(rnd(30));
          end
          if (n_pop >= target) begin
            step = T_DRAIN;
            step_cycles = 0;
          end
        end
        T_DRAIN: begin
          if (enable_hold > 0) begin enable_hold = 0; enable <= 1'b1; end
          consumer_mode = 0;
          if (pop_count == tx_tail && bursts.size() == 0 && n_accepted == 0 && !ar_valid) begin
            // next ring, or the next kind of step
            plan++;
            step_cycles = 0;
            if (plan == 3) step = T_FILL;
            else if (plan == 5) step = T_RATE;
            else if (plan == 6) step = T_UNSOL;
            else if (plan == 7 && want_long) step = T_RANDOM;
            else if (plan >= 7) step = T_DONE;
            else step = T_RANDOM;
            if (step == T_RANDOM || step == T_RATE) configure(plan == 7 ? 5 : plan % 6);
            target = n_pop + ((plan == 7) ? 70000 : 600);
            slave_fast = (plan == 7) ? 1 : 0;
            consumer_mode = (plan == 7) ? 1 : 0;
          end
          if (step_cycles > 20000) begin
            fail("drain: no progress");
            finish();
          end
        end
        T_FILL: begin
          // a stalled consumer: the FIFO fills to min(DEPTH, posted) and reads stop
          consumer_mode = 2;
          if (step_cycles == 1) produce(ring_size());
          if (step_cycles == 300) begin
            int want;
            want = ring_size() < DEPTH ? ring_size() : DEPTH;
            if (int'(16'(fetch_m - pop_count)) != want)
              fail($sformatf("stalled consumer: %0d descriptors fetched, expected %0d", 16'(fetch_m - pop_count), want));
            enable <= 1'b0;   // quiesce, then reset the ring with the FIFO full
          end
          ring_reset <= 1'b0;
          if (step_cycles > 300 && reset_wait == 0 && !enable && bursts.size() == 0 && n_accepted == 0 &&
              !ar_valid) begin
            ring_reset <= 1'b1;
            reset_wait = 1;
          end else if (reset_wait == 1) begin
            reset_wait = 2;   // the DUT takes the pulse at the next edge
          end else if (reset_wait == 2) begin
            if (desc_valid) fail("ring reset: descriptors left in the FIFO");
            // the model starts over at index 0 with an empty ring
            fetch_m   = '0;
            pop_count = '0;
            tx_tail  <= '0;
            reset_wait = 0;
            n_ring_resets++;
            enable <= 1'b1;
            consumer_mode = 0;
            step = T_DRAIN;
            step_cycles = 0;
          end
        end
        T_RATE: begin
          // always-ready slave and consumer, the ring kept full
          slave_fast = 1;
          consumer_mode = 1;
          produce(ring_size());
          if (step_cycles == 100) rate_pops = 0;
          if (step_cycles == 500) begin
            int per_100;
            per_100 = (DATA_WIDTH >= 256) ? 100 : 100 / BPD;   // descriptors per 100 cycles
            $display("  always-ready slave: %0d descriptors in 400 cycles (R channel and consumer allow %0d)",
                     rate_pops, 4 * per_100);
            // (a small FIFO or few reads in flight cannot cover the read latency)
            if (DEPTH >= 16 && MAX_READS >= 4 && rate_pops * 10 < 4 * per_100 * 9)
              fail("descriptor rate below 90% of the R channel rate");
            slave_fast = 0;
            step = T_DRAIN;
            step_cycles = 0;
          end
        end
        T_UNSOL: begin
          // beats nobody asked for: flagged, dropped, nothing else changes
          enable <= 1'b0;
          if (step_cycles % 20 == 5) bogus_on = 1;
          if (desc_valid) fail("a descriptor appeared after an unsolicited beat");
          if (step_cycles == 200) begin
            enable <= 1'b1;
            step = T_DRAIN;
            step_cycles = 0;
            plan = 6;
          end
        end
        T_DONE: begin
          $display("  %0d ARs, %0d descriptors (%0d with err, %0d timed out, %0d error beats), %0d unsolicited beats, %0d ring resets",
                   n_ar, n_pop, n_err, n_tmo, n_err_beats, n_unsol, n_ring_resets);
          $display("  blocks limited by ring end %0d, 4 KiB %0d, FIFO space %0d, full size %0d; 512-bit upper-half starts %0d, lower-half ends %0d",
                   n_limit_end, n_limit_4k, n_limit_room, n_limit_block, n_odd_start, n_odd_end);
          if (n_err == 0 || n_tmo == 0 || n_ring_resets != 1 || n_unsol < 5 || (BLOCK > 1 && (n_limit_end == 0 || n_limit_4k == 0)) ||
              (DPB > 1 && (n_odd_start == 0 || n_odd_end == 0)))
            fail("scenario not covered");
          finish();
        end
        default: ;
      endcase
    end
  end

endmodule

`default_nettype wire
