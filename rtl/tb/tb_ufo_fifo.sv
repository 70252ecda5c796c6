// Language: SystemVerilog (IEEE 1800-2017), simulation only (Verilator, rtl/tb/tb_main.cpp).
// tb_ufo_fifo: self-checking unit test of ufo_fifo against a queue model.
//   - random push/pop with phases of different push/pop rates (filling up, draining, balanced),
//     a push into a full FIFO only together with a pop (the only legal case)
//   - checks every cycle: head == model front (when not empty), count, full, empty
//   - the FIFO's own assertions (push into full, pop from empty) fail the run if they fire
`default_nettype none
`timescale 1ns / 1ps

module tb_ufo_fifo #(
    parameter int WIDTH  = 8,
    parameter int DEPTH  = 4,
    parameter int N_OPS  = 20000   // cycles of random traffic
) (
    input  logic clk,
    output logic failed
);
  localparam string TB_NAME = "tb_ufo_fifo";
  `include "tb_common.svh"

  localparam int CNT_W = $clog2(DEPTH) + 1;

  logic             push = 1'b0, pop = 1'b0, full, empty;
  logic [WIDTH-1:0] push_data = '0, head;
  logic [CNT_W-1:0] count;

  ufo_fifo #(.WIDTH(WIDTH), .DEPTH(DEPTH)) dut (
      .clk, .rst_n, .push, .push_data, .full, .pop, .head, .empty, .count);

  logic [WIDTH-1:0] model [$];
  int               n_push = 0, n_pop = 0, n_full = 0, n_full_push = 0;
  int unsigned      push_pct = 50, pop_pct = 50;

  // one process per edge: check the outputs against the model (the state before the edge),
  // apply the edge's transfers, then choose the next cycle's push/pop from the new state
  always @(posedge clk) begin
    logic p, q;
    if (rst_n) begin
      if (32'(count) != model.size())
        fail($sformatf("count %0d, model %0d", count, model.size()));
      if (empty !== (model.size() == 0)) fail($sformatf("empty %b with %0d entries", empty, model.size()));
      if (full !== (model.size() == DEPTH)) fail($sformatf("full %b with %0d entries", full, model.size()));
      if (model.size() != 0 && head !== model[0])
        fail($sformatf("head %h, expected %h", head, model[0]));
      if (full) n_full++;
      if (push || pop) progress();
      if (pop) begin
        void'(model.pop_front());
        n_pop++;
      end
      if (push) begin
        model.push_back(push_data);
        n_push++;
        if (full) n_full_push++;
      end

      if (cycle % 500 == 0) begin
        unique case (rnd(4))
          0: begin push_pct = 90; pop_pct = 20; end    // fill
          1: begin push_pct = 20; pop_pct = 90; end    // drain
          2: begin push_pct = 100; pop_pct = 100; end  // saturate
          default: begin push_pct = 50; pop_pct = 50; end
        endcase
      end
      q = model.size() != 0 && rnd(100) < pop_pct;
      p = (model.size() < DEPTH || q) && rnd(100) < push_pct;
      pop       <= q;
      push      <= p;
      push_data <= WIDTH'(rnd_wide());

      if (cycle > N_OPS + RESET_CYCLES) begin
        $display("  %0d pushes, %0d pops, %0d cycles full, %0d pushes while full (with a pop)",
                 n_push, n_pop, n_full, n_full_push);
        if (n_full_push == 0 || n_full < 10) fail("full FIFO not exercised");
        finish();
      end
    end
  end
endmodule

`default_nettype wire
