// tb_common.svh: included inside every bench module (rtl/tb/tb_*.sv). The bench has the ports
// `input logic clk` (driven by tb_main.cpp) and `output logic failed`, and sets TB_NAME before
// the include. Provides:
//   rst_n     synchronous active-low reset, low for the first RESET_CYCLES cycles
//   cycle     cycles since the start
//   seed      from +seed=N (default 1); rnd(n) is 0..n-1, chance(k, n) is true k times in n,
//             rnd64() / rnd_wide() 64 / 1024 random bits (splitmix64, so a seed gives the same
//             run on every simulator and machine)
//   fail(msg) prints "FAIL: msg (cycle N)" and counts; after 20 failures the bench stops
//   finish()  prints "PASS <bench>" or "FAIL <bench>: N errors" and ends the run
//   progress() tells the watchdog the bench is not hung (WATCHDOG cycles without it fail)
//   gather_buf(addr, len, keep) a host buffer as the gather reads it (ufo_pkg::gather_buf_t)
localparam int RESET_CYCLES = 4;

int unsigned cycle = 0;
logic        rst_n = 1'b0;
always @(posedge clk) begin
  cycle <= cycle + 1;
  rst_n <= cycle + 1 >= RESET_CYCLES;
end

longint unsigned seed = 1;
logic [63:0]     rng_q = 64'h0;

function automatic logic [63:0] rnd64();
  logic [63:0] z;
  rng_q = rng_q + 64'h9E37_79B9_7F4A_7C15;
  z = rng_q;
  z = (z ^ (z >> 30)) * 64'hBF58_476D_1CE4_E5B9;
  z = (z ^ (z >> 27)) * 64'h94D0_49BB_1331_11EB;
  return z ^ (z >> 31);
endfunction

// 1024 random bits: truncate to the width needed
function automatic logic [1023:0] rnd_wide();
  logic [1023:0] w;
  for (int i = 0; i < 16; i++) w[64*i +: 64] = rnd64();
  return w;
endfunction

// uniform in 0..n-1 (n >= 1)
function automatic int unsigned rnd(input int unsigned n);
  logic [63:0] r;
  r = rnd64();
  return int'(r[62:0] % 63'(n));
endfunction

// true with probability num/den
function automatic logic chance(input int unsigned num, input int unsigned den);
  return rnd(den) < num;
endfunction

int errors = 0;
initial failed = 1'b0;

function automatic void fail(input string msg);
  $display("FAIL: %s (cycle %0d)", msg, cycle);
  errors++;
  if (errors >= 20) begin
    $display("FAIL %s: too many errors, stopped", TB_NAME);
    failed = 1'b1;
    $finish;
  end
endfunction

// watchdog: a bench calls progress() whenever something moves; WATCHDOG cycles without it
// (a hang) fail the run
localparam int WATCHDOG = 20000;
int unsigned last_progress = 0;
function automatic void progress();
  last_progress = cycle;
endfunction
always @(posedge clk) begin
  if (cycle - last_progress > WATCHDOG) begin
    last_progress = cycle;
    fail($sformatf("no progress for %0d cycles (hang)", WATCHDOG));
    finish();
  end
end

function automatic void finish();
  if (errors == 0) begin
    $display("PASS %s (%0d cycles)", TB_NAME, cycle);
  end else begin
    $display("FAIL %s: %0d errors", TB_NAME, errors);
    failed = 1'b1;
  end
  $finish;
endfunction

initial begin
  if (!$value$plusargs("seed=%d", seed)) seed = 1;
  rng_q = seed * 64'hD1B5_4A32_D192_ED03;
end

// A host buffer of len (>= 1) bytes at addr as packet assembly hands it to the gather: the beats
// (keep bytes each, keep a power of two) it covers and the lanes of its first and last byte.
function automatic ufo_pkg::gather_buf_t gather_buf(input logic [63:0] addr, input logic [15:0] len,
                                                    input int keep);
  ufo_pkg::gather_buf_t g;
  logic [63:0] last;
  last         = addr + 64'(len) - 64'd1;
  g.first_beat = addr & ~64'(keep - 1);
  g.beats      = 14'(last / 64'(keep) - addr / 64'(keep) + 64'd1);
  g.first_lane = 6'(addr % 64'(keep));
  g.last_lane  = 6'(last % 64'(keep));
  return g;
endfunction
