// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_byte_packer: joins chunks of 0..KEEP_WIDTH bytes (right-justified at lane 0) into full
// KEEP_WIDTH-byte beats; the beat that ends a frame may be partial. Used on both sides of the
// packet buffer: gather DMA (buffers at any byte address and length) and frame reader (header and
// payload ranges at any byte offset). One beat per cycle in and out at full throughput.
`default_nettype none
`timescale 1ns / 1ps

module ufo_byte_packer #(
    parameter int DATA_WIDTH = 64,             // beat width in bits
    localparam int KEEP_WIDTH = DATA_WIDTH / 8,
    localparam int CNT_WIDTH  = $clog2(KEEP_WIDTH) + 1  // holds 0..KEEP_WIDTH
) (
    input  wire logic                  clk,
    input  wire logic                  rst_n,

    // chunk in: bytes [0, in_cnt) of in_data are valid (the rest is ignored)
    input  wire logic [DATA_WIDTH-1:0] in_data,
    input  wire logic [CNT_WIDTH-1:0]  in_cnt,
    input  wire logic                  in_last,   // this chunk ends the frame
    input  wire logic                  in_valid,
    output      logic                  in_ready,

    // beat out: bytes [0, out_cnt) valid; out_cnt == KEEP_WIDTH except on the frame's last beat
    output      logic [DATA_WIDTH-1:0] out_data,
    output      logic [CNT_WIDTH-1:0]  out_cnt,
    output      logic                  out_last,
    output      logic                  out_valid,
    input  wire logic                  out_ready
);
  initial begin
    if (DATA_WIDTH < 64 || (DATA_WIDTH & (DATA_WIDTH - 1)) != 0) begin
      $error("ufo_byte_packer: DATA_WIDTH must be a power of two >= 64");
      $finish;
    end
  end

  localparam int HOLD_CNT_WIDTH = CNT_WIDTH + 1;  // holds 0..2*KEEP_WIDTH-1

  logic [2*DATA_WIDTH-1:0]   hold_q, hold_d;
  logic [HOLD_CNT_WIDTH-1:0] cnt_q, cnt_d;    // valid bytes in hold_q
  logic                      last_q, last_d;  // hold_q holds the end of a frame

  logic                      out_fire, in_fire;
  logic [HOLD_CNT_WIDTH-1:0] cnt_after_out;
  logic [2*DATA_WIDTH-1:0]   hold_after_out;

  assign out_valid = (cnt_q >= HOLD_CNT_WIDTH'(KEEP_WIDTH)) || (last_q && cnt_q != '0);
  assign out_data  = hold_q[DATA_WIDTH-1:0];
  assign out_last  = last_q && cnt_q <= HOLD_CNT_WIDTH'(KEEP_WIDTH);
  assign out_cnt   = (cnt_q >= HOLD_CNT_WIDTH'(KEEP_WIDTH)) ? CNT_WIDTH'(KEEP_WIDTH)
                                                            : cnt_q[CNT_WIDTH-1:0];
  assign out_fire  = out_valid && out_ready;

  // Room for a whole chunk: either fewer than a beat is held, or a beat leaves this cycle.
  // A held frame end blocks the next frame until it has left, so frames never merge.
  assign in_ready  = !last_q && (cnt_q < HOLD_CNT_WIDTH'(KEEP_WIDTH) || out_fire);
  assign in_fire   = in_valid && in_ready;

  // Bytes at and above in_cnt are forced to zero: the hold register relies on every byte above
  // cnt_q being zero so that a chunk can be OR-ed in at any byte position.
  logic [DATA_WIDTH-1:0] in_mask, in_data_masked;
  always_comb begin
    for (int i = 0; i < KEEP_WIDTH; i++) in_mask[8*i +: 8] = (CNT_WIDTH'(i) < in_cnt) ? 8'hFF : 8'h00;
  end
  assign in_data_masked = in_data & in_mask;

  always_comb begin
    hold_after_out = out_fire ? (hold_q >> DATA_WIDTH) : hold_q;
    cnt_after_out  = out_fire ? cnt_q - HOLD_CNT_WIDTH'(out_cnt) : cnt_q;
    hold_d = hold_after_out;
    cnt_d  = cnt_after_out;
    last_d = out_fire && out_last ? 1'b0 : last_q;
    if (in_fire) begin
      hold_d = hold_after_out | ({{DATA_WIDTH{1'b0}}, in_data_masked} << {cnt_after_out, 3'b000});
      cnt_d  = cnt_after_out + HOLD_CNT_WIDTH'(in_cnt);
      last_d = in_last;
    end
  end

  // hold_q is reset too: the zero-above-cnt_q invariant must hold from the first chunk.
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      hold_q <= '0;
      cnt_q  <= '0;
      last_q <= 1'b0;
    end else begin
      hold_q <= hold_d;
      cnt_q  <= cnt_d;
      last_q <= last_d;
    end
  end
endmodule

`default_nettype wire
