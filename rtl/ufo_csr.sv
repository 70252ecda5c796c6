// Language: SystemVerilog (IEEE 1800-2017), synthesizable subset.
// ufo_csr: AXI4-Lite slave register file of the UFO transmit engine (docs/architecture.md,
// "Registers"; the map's one source is regs/ufo_nic.rdl). One outstanding write and one
// outstanding read; AW and W may arrive in any order or in the same cycle; wstrb is honoured per
// byte; every response is OKAY.
// Besides the registers it keeps the engine's control rules (docs/architecture.md, "Control"):
// TX_TAIL writes out of the ring or moving the tail back are ignored; ring base and size take
// writes only while quiesced (ENABLE clear and the engine idle) and then reset the ring indices
// (ring_reset); CTRL.SOFT_RESET resets the datapath (soft_reset); the ERR_CNT counters count
// completions by status code and the events without a completion.
//
// Timing: a write takes effect on the clock edge where its second half (AW or W) is accepted,
// BVALID rises on the next cycle. A read is sampled on the AR handshake edge, RVALID rises on
// the next cycle. All outputs are driven by flip-flops (ready signals through one gate from
// flip-flops only, no combinational path from any input).
// Status codes come from ufo_pkg (compile ufo_pkg.sv first; referenced as ufo_pkg::ST_*, not
// imported, because Yosys 0.23 does not parse `import` inside a module).
`default_nettype none
`timescale 1ns / 1ps

module ufo_csr #(
    // AXI4 data width of the engine, reported in CONFIG[15:0]: 64, 128, 256 or 512
    parameter int DATA_WIDTH      = 64,
    // AXI4-Lite address width: 9 (512-byte register file) .. 32; higher offsets are unmapped
    parameter int AXIL_ADDR_WIDTH = 9,
    // most descriptors per packet, reported in CONFIG[23:16]: 1..255
    parameter int MAX_DESC        = 32,
    // header window in bytes, reported in CONFIG[31:24] as HDR_BYTES/8: multiple of 8, 8..2040
    parameter int HDR_BYTES       = 128
) (
    input  wire logic                       clk,
    input  wire logic                       rst_n,

    // AXI4-Lite slave: register access
    input  wire logic [AXIL_ADDR_WIDTH-1:0] s_axil_awaddr,
    input  wire logic [2:0]                 s_axil_awprot,
    input  wire logic                       s_axil_awvalid,
    output      logic                       s_axil_awready,
    input  wire logic [31:0]                s_axil_wdata,
    input  wire logic [3:0]                 s_axil_wstrb,
    input  wire logic                       s_axil_wvalid,
    output      logic                       s_axil_wready,
    output      logic [1:0]                 s_axil_bresp,
    output      logic                       s_axil_bvalid,
    input  wire logic                       s_axil_bready,
    input  wire logic [AXIL_ADDR_WIDTH-1:0] s_axil_araddr,
    input  wire logic [2:0]                 s_axil_arprot,
    input  wire logic                       s_axil_arvalid,
    output      logic                       s_axil_arready,
    output      logic [31:0]                s_axil_rdata,
    output      logic [1:0]                 s_axil_rresp,
    output      logic                       s_axil_rvalid,
    input  wire logic                       s_axil_rready,

    // Configuration and control outputs
    output      logic                       enable,         // CTRL.ENABLE
    output      logic                       soft_reset,     // pulse: CTRL.SOFT_RESET was written 1
    output      logic                       ring_reset,     // pulse: the rings were reconfigured
    output      logic [63:0]                tx_ring_base,   // TX_RING_BASE_HI:LO as written
    output      logic [3:0]                 ring_log2,      // TX_RING_LOG2[3:0]
    output      logic [15:0]                tx_tail,        // producer index, free-running
    output      logic [63:0]                cpl_ring_base,  // CPL_RING_BASE_HI:LO as written
    output      logic                       fault,          // STATUS.FAULT
    output      logic [31:0]                read_timeout,   // READ_TIMEOUT
    output      logic [15:0]                max_frame_len,  // MAX_FRAME_LEN

    // Engine status
    input  wire logic                       engine_idle,    // no packet in flight, no bus transaction
    input  wire logic                       fault_set,      // pulse: a bus response timed out

    // Completion events (from ufo_cpl_write)
    input  wire logic                       cpl_done,       // 1-cycle pulse: a completion record was written
    input  wire logic [7:0]                 cpl_status,     // its status code, valid with cpl_done
    input  wire logic [15:0]                cpl_desc_count, // its descriptor count, valid with cpl_done
    input  wire logic                       cpl_write_err,  // its write got SLVERR/DECERR
    input  wire logic                       cpl_write_tmo,  // its write's response never came

    // Bus events (from the guards)
    input  wire logic                       unsolicited_r,  // pulse: an R beat was dropped
    input  wire logic                       unsolicited_b,  // pulse: a B was dropped

    // Frame events (from the stream output)
    input  wire logic                       frame_done,     // 1-cycle pulse per frame sent
    input  wire logic [16:0]                frame_bytes,    // that frame's length in bytes

    // Interrupt: level, high while IRQ_STATUS & IRQ_MASK != 0
    output      logic                       irq
);

  // ---------------------------------------------------------------------------------------
  // Parameter checks
  // ---------------------------------------------------------------------------------------
  initial begin
    if (DATA_WIDTH != 64 && DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin
      $error("ufo_csr: DATA_WIDTH must be 64, 128, 256 or 512 (got %0d)", DATA_WIDTH);
      $finish;
    end
    if (AXIL_ADDR_WIDTH < 9 || AXIL_ADDR_WIDTH > 32) begin
      $error("ufo_csr: AXIL_ADDR_WIDTH must be 9..32 (got %0d)", AXIL_ADDR_WIDTH);
      $finish;
    end
    if (MAX_DESC < 1 || MAX_DESC > 255) begin
      $error("ufo_csr: MAX_DESC must be 1..255 (got %0d)", MAX_DESC);
      $finish;
    end
    if (HDR_BYTES % 8 != 0 || HDR_BYTES < 8 || HDR_BYTES > 2040) begin
      $error("ufo_csr: HDR_BYTES must be a multiple of 8 in 8..2040 (got %0d)", HDR_BYTES);
      $finish;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Constants
  // ---------------------------------------------------------------------------------------
  localparam logic [31:0] ID_VALUE     = 32'h55464F02;
  localparam logic [31:0] CONFIG_VALUE = {8'(HDR_BYTES / 8), 8'(MAX_DESC), 16'(DATA_WIDTH)};

  // register byte offsets
  localparam logic [31:0] REG_ID              = 32'h00;
  localparam logic [31:0] REG_CONFIG          = 32'h04;
  localparam logic [31:0] REG_CTRL            = 32'h08;
  localparam logic [31:0] REG_STATUS          = 32'h0C;
  localparam logic [31:0] REG_TX_RING_BASE_LO = 32'h10;
  localparam logic [31:0] REG_TX_RING_BASE_HI = 32'h14;
  localparam logic [31:0] REG_TX_RING_LOG2    = 32'h18;
  localparam logic [31:0] REG_TX_TAIL         = 32'h1C;
  localparam logic [31:0] REG_TX_HEAD         = 32'h20;
  localparam logic [31:0] REG_CPL_RING_BASE_LO = 32'h24;
  localparam logic [31:0] REG_CPL_RING_BASE_HI = 32'h28;
  localparam logic [31:0] REG_IRQ_STATUS      = 32'h2C;
  localparam logic [31:0] REG_IRQ_MASK        = 32'h30;
  localparam logic [31:0] REG_CPL_HEAD        = 32'h34;
  localparam logic [31:0] REG_READ_TIMEOUT    = 32'h38;
  localparam logic [31:0] REG_MAX_FRAME_LEN   = 32'h3C;
  localparam logic [31:0] REG_CNT_PKTS        = 32'h40;
  localparam logic [31:0] REG_CNT_FRAMES      = 32'h44;
  localparam logic [31:0] REG_CNT_BYTES       = 32'h48;
  localparam logic [31:0] REG_ERR_CNT         = 32'h100;   // ERR_CNT[0..NUM_CNT-1]

  localparam int NUM_CNT = 48;   // completion status codes 0..31, then events 32..47
  // events (counter index - 32)
  localparam int EV_TAIL_RANGE    = 0;
  localparam int EV_TAIL_BACK     = 1;
  localparam int EV_UNSOLICITED_R = 2;
  localparam int EV_UNSOLICITED_B = 3;
  localparam int EV_CPL_WRITE_ERR = 4;
  localparam int EV_CPL_TIMEOUT   = 5;
  localparam int EV_RING_CFG_BUSY = 6;

  localparam logic [31:0] READ_TIMEOUT_RESET  = 32'd65536;
  localparam logic [15:0] MAX_FRAME_LEN_RESET = 16'd9022;   // 9000 + 14 + two VLAN tags

  // IRQ_STATUS / IRQ_MASK bits
  localparam int IRQ_CPL   = 0;
  localparam int IRQ_ERR   = 1;
  localparam int IRQ_FAULT = 2;

  localparam logic [1:0] RESP_OKAY = 2'b00;

  // Byte-masked register update: bytes whose strobe is set take the new value.
  function automatic logic [31:0] strb_merge(input logic [31:0] old_val, input logic [31:0] new_val,
                                             input logic [3:0] strb);
    logic [31:0] r;
    r = old_val;
    for (int i = 0; i < 4; i++) begin
      if (strb[i]) r[8*i +: 8] = new_val[8*i +: 8];
    end
    strb_merge = r;   // (not `return`: Yosys 0.23 does not take it)
  endfunction

  // Zero-extend a bus address to 32 bits with the byte-in-word bits cleared.
  function automatic logic [31:0] word_addr(input logic [AXIL_ADDR_WIDTH-1:0] a);
    logic [31:0] r;
    r = '0;
    r[AXIL_ADDR_WIDTH-1:0] = a;
    r[1:0] = 2'b00;
    word_addr = r;
  endfunction

  // ---------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------
  // AXI4-Lite channel control (reset)
  logic        aw_held_q, aw_held_d;   // AW accepted, waiting for W
  logic        w_held_q, w_held_d;     // W accepted, waiting for AW
  logic        bvalid_q, bvalid_d;
  logic        rvalid_q, rvalid_d;
  // AXI4-Lite holding registers (datapath, qualified by the flags above: not reset)
  logic [AXIL_ADDR_WIDTH-1:0] awaddr_q, awaddr_d;
  logic [31:0] wdata_q, wdata_d;
  logic [3:0]  wstrb_q, wstrb_d;
  logic [31:0] rdata_q, rdata_d;

  // registers (reset)
  logic        enable_q, enable_d;
  logic        soft_reset_q, soft_reset_d;
  logic        ring_reset_q, ring_reset_d;
  logic        fault_q, fault_d;
  logic [31:0] tx_base_lo_q, tx_base_lo_d;
  logic [31:0] tx_base_hi_q, tx_base_hi_d;
  logic [3:0]  ring_log2_q, ring_log2_d;
  logic [15:0] tx_tail_q, tx_tail_d;   // free-running: head + descriptors posted
  logic [15:0] tx_head_q, tx_head_d;   // free-running
  logic [15:0] cpl_idx_q, cpl_idx_d;   // completion records written, free-running
  logic [31:0] cpl_base_lo_q, cpl_base_lo_d;
  logic [31:0] cpl_base_hi_q, cpl_base_hi_d;
  logic [2:0]  irq_status_q, irq_status_d;
  logic [2:0]  irq_mask_q, irq_mask_d;
  logic        irq_q, irq_d;
  logic [31:0] read_timeout_q, read_timeout_d;
  logic [15:0] max_frame_q, max_frame_d;
  logic [31:0] cnt_pkts_q, cnt_pkts_d;
  logic [31:0] cnt_frames_q, cnt_frames_d;
  logic [31:0] cnt_bytes_q, cnt_bytes_d;
  (* mem2reg *) logic [31:0] err_cnt_q [NUM_CNT];   // ERR_CNT[i]: flip-flops, indexed as an array

  // ---------------------------------------------------------------------------------------
  // AXI4-Lite handshakes
  // ---------------------------------------------------------------------------------------
  assign s_axil_awready = !aw_held_q && !bvalid_q;
  assign s_axil_wready  = !w_held_q && !bvalid_q;
  assign s_axil_bresp   = RESP_OKAY;
  assign s_axil_bvalid  = bvalid_q;
  assign s_axil_arready = !rvalid_q;
  assign s_axil_rdata   = rdata_q;
  assign s_axil_rresp   = RESP_OKAY;
  assign s_axil_rvalid  = rvalid_q;

  logic                       aw_fire, w_fire, ar_fire, do_write;
  logic [AXIL_ADDR_WIDTH-1:0] wr_addr;
  logic [31:0]                wr_data;
  logic [3:0]                 wr_strb;
  logic [31:0]                rd_word;

  assign aw_fire = s_axil_awvalid && s_axil_awready;
  assign w_fire  = s_axil_wvalid && s_axil_wready;
  assign ar_fire = s_axil_arvalid && s_axil_arready;
  // both halves of a write are present (held from an earlier cycle or arriving now)
  assign do_write = (aw_held_q || aw_fire) && (w_held_q || w_fire);
  assign wr_addr  = aw_held_q ? awaddr_q : s_axil_awaddr;
  assign wr_data  = w_held_q ? wdata_q : s_axil_wdata;
  assign wr_strb  = w_held_q ? wstrb_q : s_axil_wstrb;

  // ring geometry and the indices as the driver sees them (ring slots)
  logic [15:0] ring_mask, tail_slot, head_slot, cpl_slot;
  logic        cpl_phase;
  assign ring_mask = (16'h1 << ring_log2_q) - 16'h1;
  assign tail_slot = tx_tail_q & ring_mask;
  assign head_slot = tx_head_q & ring_mask;
  assign cpl_slot  = cpl_idx_q & ring_mask;
  assign cpl_phase = !cpl_idx_q[ring_log2_q];   // PHASE of the next record (1 on the first lap)

  // new values of the narrow RW registers if written (byte strobes applied)
  logic        wr_enable, wr_soft_reset;
  logic [3:0]  wr_ring_log2;
  logic [15:0] wr_tail, new_off, old_off;
  logic [2:0]  wr_irq_clear;   // IRQ_STATUS bits written with 1
  logic [2:0]  wr_irq_mask;
  assign wr_enable     = wr_strb[0] ? wr_data[0] : enable_q;
  assign wr_soft_reset = wr_strb[0] && wr_data[1];
  assign wr_ring_log2  = wr_strb[0] ? wr_data[3:0] : ring_log2_q;
  assign wr_tail       = {wr_strb[1] ? wr_data[15:8] : tail_slot[15:8],
                          wr_strb[0] ? wr_data[7:0] : tail_slot[7:0]};
  assign wr_irq_clear  = wr_strb[0] ? wr_data[2:0] : 3'b000;
  assign wr_irq_mask   = wr_strb[0] ? wr_data[2:0] : irq_mask_q;
  // descriptors posted after the head, after and before this write (both < ring size)
  assign new_off = (wr_tail - tx_head_q) & ring_mask;
  assign old_off = (tx_tail_q - tx_head_q) & ring_mask;

  logic quiesced;
  assign quiesced = !enable_q && engine_idle;

  // read multiplexer (current register values)
  logic [31:0] err_cnt_off;
  assign err_cnt_off = word_addr(s_axil_araddr) - REG_ERR_CNT;
  always_comb begin
    rd_word = 32'h0;
    unique case (word_addr(s_axil_araddr))
      REG_ID:               rd_word = ID_VALUE;
      REG_CONFIG:           rd_word = CONFIG_VALUE;
      REG_CTRL:             rd_word = {31'h0, enable_q};
      REG_STATUS:           rd_word = {29'h0, fault_q, engine_idle && (!enable_q || tx_head_q == tx_tail_q),
                                       !engine_idle};
      REG_TX_RING_BASE_LO:  rd_word = tx_base_lo_q;
      REG_TX_RING_BASE_HI:  rd_word = tx_base_hi_q;
      REG_TX_RING_LOG2:     rd_word = {28'h0, ring_log2_q};
      REG_TX_TAIL:          rd_word = {16'h0, tail_slot};
      REG_TX_HEAD:          rd_word = {16'h0, head_slot};
      REG_CPL_RING_BASE_LO: rd_word = cpl_base_lo_q;
      REG_CPL_RING_BASE_HI: rd_word = cpl_base_hi_q;
      REG_IRQ_STATUS:       rd_word = {29'h0, irq_status_q};
      REG_IRQ_MASK:         rd_word = {29'h0, irq_mask_q};
      REG_CPL_HEAD:         rd_word = {15'h0, cpl_phase, cpl_slot};
      REG_READ_TIMEOUT:     rd_word = read_timeout_q;
      REG_MAX_FRAME_LEN:    rd_word = {16'h0, max_frame_q};
      REG_CNT_PKTS:         rd_word = cnt_pkts_q;
      REG_CNT_FRAMES:       rd_word = cnt_frames_q;
      REG_CNT_BYTES:        rd_word = cnt_bytes_q;
      default: begin
        if (err_cnt_off < 32'(4 * NUM_CNT)) rd_word = err_cnt_q[err_cnt_off[7:2]];
      end
    endcase
  end

  // ---------------------------------------------------------------------------------------
  // Next-state logic
  // ---------------------------------------------------------------------------------------
  logic [NUM_CNT-1:0] count;    // counters to increment this cycle
  logic [15:0]        events;   // events 32.. this cycle

  always_comb begin
    // channel control
    aw_held_d = aw_held_q;
    w_held_d  = w_held_q;
    bvalid_d  = bvalid_q;
    rvalid_d  = rvalid_q;
    awaddr_d  = awaddr_q;
    wdata_d   = wdata_q;
    wstrb_d   = wstrb_q;
    rdata_d   = rdata_q;

    // registers
    enable_d       = enable_q;
    soft_reset_d   = 1'b0;
    ring_reset_d   = 1'b0;
    fault_d        = fault_q;
    tx_base_lo_d   = tx_base_lo_q;
    tx_base_hi_d   = tx_base_hi_q;
    ring_log2_d    = ring_log2_q;
    tx_tail_d      = tx_tail_q;
    tx_head_d      = tx_head_q;
    cpl_idx_d      = cpl_idx_q;
    cpl_base_lo_d  = cpl_base_lo_q;
    cpl_base_hi_d  = cpl_base_hi_q;
    irq_status_d   = irq_status_q;
    irq_mask_d     = irq_mask_q;
    read_timeout_d = read_timeout_q;
    max_frame_d    = max_frame_q;
    cnt_pkts_d     = cnt_pkts_q;
    cnt_frames_d   = cnt_frames_q;
    cnt_bytes_d    = cnt_bytes_q;
    events         = '0;

    // write channel
    if (aw_fire) awaddr_d = s_axil_awaddr;
    if (w_fire) begin
      wdata_d = s_axil_wdata;
      wstrb_d = s_axil_wstrb;
    end
    if (do_write) begin
      aw_held_d = 1'b0;
      w_held_d  = 1'b0;
      bvalid_d  = 1'b1;
    end else begin
      aw_held_d = aw_held_q || aw_fire;
      w_held_d  = w_held_q || w_fire;
    end
    if (bvalid_q && s_axil_bready) bvalid_d = 1'b0;

    // completion events
    if (cpl_done) begin
      tx_head_d = tx_head_q + cpl_desc_count;
      cpl_idx_d = cpl_idx_q + 16'd1;
      if (cpl_status == ufo_pkg::ST_OK) cnt_pkts_d = cnt_pkts_q + 32'd1;
    end
    events[EV_UNSOLICITED_R] = unsolicited_r;
    events[EV_UNSOLICITED_B] = unsolicited_b;
    events[EV_CPL_WRITE_ERR] = cpl_done && cpl_write_err;
    events[EV_CPL_TIMEOUT]   = cpl_done && cpl_write_tmo;

    // register writes (RO and unmapped offsets ignore writes)
    if (do_write) begin
      unique case (word_addr(wr_addr))
        REG_CTRL: begin
          enable_d     = wr_enable;
          soft_reset_d = wr_soft_reset;
        end
        REG_TX_RING_BASE_LO, REG_TX_RING_BASE_HI, REG_TX_RING_LOG2, REG_CPL_RING_BASE_LO,
        REG_CPL_RING_BASE_HI: begin
          if (!quiesced) begin
            events[EV_RING_CFG_BUSY] = 1'b1;
          end else begin
            ring_reset_d = 1'b1;
            tx_tail_d    = '0;
            tx_head_d    = '0;
            cpl_idx_d    = '0;
            unique case (word_addr(wr_addr))
              REG_TX_RING_BASE_LO:  tx_base_lo_d  = strb_merge(tx_base_lo_q, wr_data, wr_strb);
              REG_TX_RING_BASE_HI:  tx_base_hi_d  = strb_merge(tx_base_hi_q, wr_data, wr_strb);
              REG_TX_RING_LOG2:     ring_log2_d   = wr_ring_log2;
              REG_CPL_RING_BASE_LO: cpl_base_lo_d = strb_merge(cpl_base_lo_q, wr_data, wr_strb);
              default:              cpl_base_hi_d = strb_merge(cpl_base_hi_q, wr_data, wr_strb);
            endcase
          end
        end
        REG_TX_TAIL: begin
          if (32'(wr_tail) > 32'(ring_mask))  events[EV_TAIL_RANGE] = 1'b1;
          else if (new_off < old_off)          events[EV_TAIL_BACK]  = 1'b1;
          else                                 tx_tail_d = tx_tail_q + (new_off - old_off);
        end
        REG_IRQ_STATUS:    irq_status_d   = irq_status_q & ~wr_irq_clear;
        REG_IRQ_MASK:      irq_mask_d     = wr_irq_mask;
        REG_READ_TIMEOUT:  read_timeout_d = strb_merge(read_timeout_q, wr_data, wr_strb);
        REG_MAX_FRAME_LEN: max_frame_d    = 16'(strb_merge({16'h0, max_frame_q}, wr_data, wr_strb));
        default: ;
      endcase
    end

    // interrupt bits (after the RW1C clear: a new event wins over a clear in the same cycle)
    if (cpl_done) begin
      irq_status_d[IRQ_CPL] = 1'b1;
      if (cpl_status != ufo_pkg::ST_OK) irq_status_d[IRQ_ERR] = 1'b1;
    end
    if (events != '0) irq_status_d[IRQ_ERR] = 1'b1;
    if (fault_set) begin
      fault_d                 = 1'b1;
      irq_status_d[IRQ_FAULT] = 1'b1;
    end

    // soft reset: the datapath restarts from slot 0 with no fault (configuration stays)
    if (soft_reset_q) begin
      tx_tail_d = '0;
      tx_head_d = '0;
      cpl_idx_d = '0;
      fault_d   = 1'b0;
    end

    // frame events
    if (frame_done) begin
      cnt_frames_d = cnt_frames_q + 32'd1;
      cnt_bytes_d  = cnt_bytes_q + {15'h0, frame_bytes};
    end

    irq_d = |(irq_status_d & irq_mask_d);

    // read channel
    if (ar_fire) begin
      rvalid_d = 1'b1;
      rdata_d  = rd_word;
    end else if (rvalid_q && s_axil_rready) begin
      rvalid_d = 1'b0;
    end
  end

  // ERR_CNT: completions by status code (1..31; OK is CNT_PKTS), then the events; saturating
  always_comb begin
    count = '0;
    if (cpl_done && cpl_status != 8'd0 && cpl_status < 8'd32) count[6'(cpl_status[4:0])] = 1'b1;
    count[NUM_CNT-1:32] = events;
  end

  always_ff @(posedge clk) begin
    for (int i = 0; i < NUM_CNT; i++) begin
      if (!rst_n)                                err_cnt_q[i] <= '0;
      else if (count[i] && err_cnt_q[i] != '1)   err_cnt_q[i] <= err_cnt_q[i] + 32'd1;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      aw_held_q      <= 1'b0;
      w_held_q       <= 1'b0;
      bvalid_q       <= 1'b0;
      rvalid_q       <= 1'b0;
      enable_q       <= 1'b0;
      soft_reset_q   <= 1'b0;
      ring_reset_q   <= 1'b0;
      fault_q        <= 1'b0;
      tx_base_lo_q   <= 32'h0;
      tx_base_hi_q   <= 32'h0;
      ring_log2_q    <= 4'h0;
      tx_tail_q      <= 16'h0;
      tx_head_q      <= 16'h0;
      cpl_idx_q      <= 16'h0;
      cpl_base_lo_q  <= 32'h0;
      cpl_base_hi_q  <= 32'h0;
      irq_status_q   <= 3'b000;
      irq_mask_q     <= 3'b000;
      irq_q          <= 1'b0;
      read_timeout_q <= READ_TIMEOUT_RESET;
      max_frame_q    <= MAX_FRAME_LEN_RESET;
      cnt_pkts_q     <= 32'h0;
      cnt_frames_q   <= 32'h0;
      cnt_bytes_q    <= 32'h0;
    end else begin
      aw_held_q      <= aw_held_d;
      w_held_q       <= w_held_d;
      bvalid_q       <= bvalid_d;
      rvalid_q       <= rvalid_d;
      enable_q       <= enable_d;
      soft_reset_q   <= soft_reset_d;
      ring_reset_q   <= ring_reset_d;
      fault_q        <= fault_d;
      tx_base_lo_q   <= tx_base_lo_d;
      tx_base_hi_q   <= tx_base_hi_d;
      ring_log2_q    <= ring_log2_d;
      tx_tail_q      <= tx_tail_d;
      tx_head_q      <= tx_head_d;
      cpl_idx_q      <= cpl_idx_d;
      cpl_base_lo_q  <= cpl_base_lo_d;
      cpl_base_hi_q  <= cpl_base_hi_d;
      irq_status_q   <= irq_status_d;
      irq_mask_q     <= irq_mask_d;
      irq_q          <= irq_d;
      read_timeout_q <= read_timeout_d;
      max_frame_q    <= max_frame_d;
      cnt_pkts_q     <= cnt_pkts_d;
      cnt_frames_q   <= cnt_frames_d;
      cnt_bytes_q    <= cnt_bytes_d;
    end
  end

  // datapath holding registers: no reset (qualified by aw_held_q / w_held_q / rvalid_q)
  always_ff @(posedge clk) begin
    awaddr_q <= awaddr_d;
    wdata_q  <= wdata_d;
    wstrb_q  <= wstrb_d;
    rdata_q  <= rdata_d;
  end

  // ---------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------
  assign enable        = enable_q;
  assign soft_reset    = soft_reset_q;
  assign ring_reset    = ring_reset_q;
  assign tx_ring_base  = {tx_base_hi_q, tx_base_lo_q};
  assign ring_log2     = ring_log2_q;
  assign tx_tail       = tx_tail_q;
  assign cpl_ring_base = {cpl_base_hi_q, cpl_base_lo_q};
  assign fault         = fault_q;
  assign read_timeout  = read_timeout_q;
  assign max_frame_len = max_frame_q;
  assign irq           = irq_q;

  // AXPROT carries no meaning for this register file. (Named unused_* so that Verilator's
  // default --unused-regexp accepts it without a waiver.)
  logic unused_prot;
  assign unused_prot = ^{1'b0, s_axil_awprot, s_axil_arprot, err_cnt_off[31:8], err_cnt_off[1:0]};

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n && ((tx_tail_q - tx_head_q) & ring_mask) != (tx_tail_q - tx_head_q))
      $error("%m: more descriptors posted than the ring holds at %0t", $time);
  end
`endif

endmodule

`default_nettype wire
