// tb_guard_plan.svh: the test plan and timeout checks the AXI guard benches share
// (tb_ufo_axi_rd_guard, tb_ufo_axi_wr_guard), included in the bench module after tb_common.svh.
// Phases, three rounds of the first three:
//   P_NORMAL  traffic with the rates new_rates() picks every 300 cycles; cfg_timeout 0 in the
//             first round (nothing times out), timeouts_on from its end;
//   P_DEAD    the slave stops answering (kill_slave): the guard must time out and fault, then a
//             flush (soft reset) and the slave answers again (revive_slave);
//   P_FLUSH   flushes mid-traffic (drained by real responses), one while the slave is dead
//             (drained by timeout); a fault left at the end is flushed before the next round;
//   P_QUIET   no new requests: late and unsolicited responses with nothing outstanding;
//   P_RATE    only with RATE_PHASE: the bench's own (it moves to P_DONE);
//   P_DONE    once quiet() for 50 cycles: report() (figures, scenario coverage) and finish().
// The bench provides: localparam bit RATE_PHASE; functions new_rates(), kill_slave(),
// revive_slave(), faulted() (the guard's fault, as the register file holds it), quiet() (nothing
// outstanding or on offer), report(); and calls plan_step() once a cycle: it returns 1 for a
// flush pulse in the next cycle.
typedef enum int { P_NORMAL, P_DEAD, P_FLUSH, P_QUIET, P_RATE, P_DONE } phase_t;
phase_t phase = P_NORMAL;
int     phase_cycles = 0, rounds = 0;
logic   timeouts_on = 1'b0;   // drive cfg_timeout nonzero
int     n_timeouts = 0, n_drain_timeouts = 0;

function automatic logic plan_step();
  logic flush_next;
  flush_next = 1'b0;
  phase_cycles++;
  unique case (phase)
    P_NORMAL: begin
      if (phase_cycles % 300 == 0) new_rates();
      if (phase_cycles == 2000) begin
        timeouts_on = 1'b1;
        phase = P_DEAD;
        phase_cycles = 0;
      end
    end
    P_DEAD: begin
      if (phase_cycles == 1) kill_slave();
      if (phase_cycles == 600) begin
        if (!faulted()) fail("the slave stopped answering and the guard never faulted");
        flush_next = 1'b1;
        revive_slave();   // (what it dropped was answered by the guard)
      end
      if (phase_cycles == 1200) begin phase = P_FLUSH; phase_cycles = 0; end
    end
    P_FLUSH: begin
      if (phase_cycles % 150 == 75) flush_next = 1'b1;
      if (phase_cycles == 400) kill_slave();
      if (phase_cycles == 425) flush_next = 1'b1;   // drains by timeout
      if (phase_cycles == 700) revive_slave();
      if (phase_cycles == 900) begin
        rounds++;
        phase = (rounds < 3) ? P_NORMAL : P_QUIET;
        phase_cycles = 0;
        if (faulted() && phase == P_NORMAL) flush_next = 1'b1;
      end
    end
    P_QUIET: begin
      if (faulted() && phase_cycles == 10) flush_next = 1'b1;
      if (phase_cycles == 600) begin
        phase = RATE_PHASE ? P_RATE : P_DONE;
        phase_cycles = 0;
      end
    end
    P_RATE: ;
    P_DONE: begin
      if (quiet() && phase_cycles > 50) begin
        report();
        finish();
      end
      if (phase_cycles > 5000) begin fail("never quiet at the end"); finish(); end
    end
    default: ;
  endcase
  return flush_next;
endfunction

// The first made-up response of an answer: only after cfg_timeout cycles without a response
// (`waited`), with a `timeout` pulse exactly when it answers live requests (not a drain).
function automatic void check_answer_start(input string what, input int waited, input logic live);
  if (waited < int'(cfg_timeout)) fail($sformatf("%s timed out after %0d cycles", what, waited));
  if (timeout !== live) fail($sformatf("%s: timeout %b at a made-up answer (live requests %b)", what, timeout, live));
  if (timeout) n_timeouts++; else n_drain_timeouts++;
endfunction

// Liveness: requests outstanding without a response are answered soon after cfg_timeout.
function automatic void check_answered_soon(input string what, input int waited, input logic outstanding);
  if (cfg_timeout != 0 && outstanding && waited > int'(cfg_timeout) + 64)
    fail($sformatf("%s: no response for %0d cycles and no timeout", what, waited));
endfunction
