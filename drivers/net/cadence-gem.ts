/**
 * Cadence GEM (Gigabit Ethernet MAC) driver, implementing NetworkInterface: the Ethernet
 * controller of the SiFive FU540 (QEMU's sifive_u: at 0x10090000, PLIC source 53).
 *
 * Follows the Zynq-7000 SoC Technical Reference Manual, Xilinx UG585 v1.11 (September 27, 2016),
 * which documents the same Cadence IP: chapter 16 "Gigabit Ethernet Controller" for the DMA
 * controller and its buffer descriptors (table 16-2, receive; table 16-3, transmit) and the
 * programming guide of 16.3 ("Initialize the Controller", "Configure the Controller",
 * "Configure the PHY", "Configure the Buffer Descriptors", "Configure Interrupts", "Enable the
 * Controller", transmitting and receiving frames: cited below by those titles), and appendix B
 * (module "gem") for the registers, cited below by their appendix B names. The FU540-C000 Manual v1p0 (SiFive) places the block
 * and its interrupt. Where QEMU 7.2 (hw/net/cadence_gem.c, the model `npm run qemu` boots)
 * differs or leaves something out, the comment says so.
 *
 * Descriptors are the two-word ones (DMACFG addr64, bit 30, clear): a 32-bit buffer address,
 * then a control/status word, little-endian (DMACFG bits 6 and 7 clear). Receive (table 16-2):
 * word 0 holds the buffer address in 31:2, WRAP (bit 1: the next descriptor is at RBQB) and
 * OWNERSHIP (bit 0: set by the MAC once the buffer holds data; the CPU clears it to hand the
 * buffer back); word 1 the length (12:0), SOF (14) and EOF (15). Transmit (table 16-3): word 0 the
 * buffer address; word 1 the length (13:0), LAST (15), WRAP (30) and USED (31: clear hands the
 * descriptor to the MAC, which sets it again in the frame's first descriptor once sent), with
 * the error bits 29 (retry limit), 27 (bus error mid-frame) and 26 (late collision).
 * 64-bit descriptors (four words, the upper address halves in word 2 and in TBQPH/RBQPH) exist
 * on the FU540's GEM and QEMU models them (its DESCONF6 bit 23 says so); they are not needed:
 * every DMA buffer is checked to lie below 4 GiB (the FU540's DDR starts at 0x80000000).
 *
 * Frames arrive without their FCS (NCFGR FCS_REMOVE) in one 1536-byte buffer each (DMACFG
 * RX_BUF_SIZE 24 x 64 bytes; frames above 1518 bytes are dropped by the MAC). The receive buffer
 * offset (NCFGR bits 15:14) stays 0: QEMU applies it to every buffer of a frame, not only the
 * first, and does not shorten the buffer by it. The MAC appends the FCS on transmit (word 1 bit
 * 16 clear; QEMU sends the bytes as they are). No copy-all, broadcast accepted, no hash filter:
 * the MAC takes frames for SA1B/SA1T and broadcast.
 *
 * Interrupt status: QEMU's ISR clears on read (its DESCONF "irq_read_clear" bit reads 1); a GEM
 * built without it clears ISR bits written with 1. The driver reads designcfg_debug1 at init and
 * writes back what it read only on the latter, as Linux's macb driver does.
 *
 * Rings: `rxRing` receive and `txRing` transmit descriptors (default 16 each), one 1536-byte
 * buffer each, all allocated once at init() from the DMA allocator (hal `dma`), 64-byte aligned.
 * The transmit ring has 16 bytes of slack after it: QEMU rewrites 24 bytes from a frame's first
 * descriptor when it sets USED, which for the last descriptor reaches past the ring.
 *
 * Ordering, with the `barrier` option (hal `barrier` on the target): buffer and length written,
 * a barrier, then the word that hands the descriptor over (word 1 with USED clear, word 0 with
 * OWNERSHIP clear); a barrier before NCR.TSTART; after a descriptor is seen handed back, a
 * barrier before its length and data are read.
 *
 * QEMU re-reads the receive descriptor it stalled on (every descriptor full: RSR.BNA) only when
 * NCR is written with RXEN set, and only then delivers the frames it queued meanwhile; so after
 * returning descriptors while RSR.BNA is set, the driver writes NCR again with the same value (on
 * the hardware, a write that changes nothing). QEMU offers every queued frame at that write and
 * drops those that find no free descriptor, as a full ring on the hardware drops them. The MAC
 * passes on no frame with a bad FCS, so receive descriptors carry no error bits; QEMU reports a
 * frame shorter than 60 bytes with length 60 (the bytes after it are the buffer's old ones).
 *
 * The board calls `onInterrupt()` from the GEM's interrupt line and `pollLink()` from a timer:
 * the PHY is polled (QEMU's PHY has no interrupt line). The MAC runs at 10 or 100 Mb/s: the
 * driver withdraws the PHY's 1000BASE-T advertisement, since gigabit on the FU540 also needs its
 * GEMGXL management block (at 0x100A0000) to switch the transmit clock, a block of its own.
 *
 * What every descriptor-ring NIC does the same way (link state, send()'s checks, copy, padding
 * and backpressure, the walks over the rings, the counters) is dma-nic.ts's; this file holds the
 * GEM's registers, descriptors and programming sequence.
 */
import { defineRegisters, fieldBits, fieldValue, ro, rw, w1c, wo, type Register } from "../../hal/register.ts";
import { DmaNic, type DmaNicOptions, type DmaNicStats, type RingLayout } from "./dma-nic.ts";
import { BMCR, BMSR, MII_REG, resolveLinkMode, type LinkMode, type MDIO_FRAME } from "./mii-phy.ts";

/** net_ctrl (NCR): enables and the transmit start. */
export enum NCR {
  LOOPBACK_LOCAL = 1 << 1, RX_EN = 1 << 2, TX_EN = 1 << 3, MGMT_PORT_EN = 1 << 4, CLEAR_STAT_REGS = 1 << 5,
  TX_START = 1 << 9, TX_HALT = 1 << 10,
}
/** net_cfg (NCFGR). */
export enum NCFGR {
  SPEED = 1 << 0, FULL_DUPLEX = 1 << 1, COPY_ALL = 1 << 4, NO_BROADCAST = 1 << 5, MULTI_HASH_EN = 1 << 6, UNI_HASH_EN = 1 << 7,
  RX_1536_BYTE_FRAMES = 1 << 8, GIGE_EN = 1 << 10, PAUSE_EN = 1 << 13, RX_BUF_OFF = 3 << 14, LEN_ERR_FRAME_DISC = 1 << 16,
  FCS_REMOVE = 1 << 17, MDC_CLK_DIV = 7 << 18, DBUS_WIDTH = 3 << 21, IGNORE_RX_FCS = 1 << 26,
}
/** net_status (NSR): PHY_MGMT_IDLE is set while no MDIO frame is under way. */
export enum NSR { PHY_MGMT_IDLE = 1 << 2 }
/** dma_cfg (DMACFG). RX_BUF_SIZE counts 64 bytes; bits 28-30 are the GEM GXL's extended and 64-bit descriptors. */
export enum DMACFG {
  AHB_FIXED_BURST_LEN = 0x1f, AHB_ENDIAN_SWP_MGMT = 1 << 6, AHB_ENDIAN_SWP_PKT = 1 << 7, RX_PKTBUF_MEMSZ_SEL = 3 << 8,
  TX_PKTBUF_MEMSZ_SEL = 1 << 10, CSUM_GEN_OFFLOAD_EN = 1 << 11, RX_BUF_SIZE = 0xff << 16, RX_BD_EXT = 1 << 28,
  TX_BD_EXT = 1 << 29, ADDR64 = 1 << 30,
}
/** tx_status (TSR), write 1 to clear. */
export enum TSR {
  USED_BIT_READ = 1 << 0, COLLISION = 1 << 1, RETRY_LIMIT = 1 << 2, TX_GO = 1 << 3, AHB_ERR = 1 << 4, TX_COMPLETE = 1 << 5,
  UNDERRUN = 1 << 6, LATE_COLLISION = 1 << 7, HRESP_NOT_OK = 1 << 8,
}
/** rx_status (RSR), write 1 to clear. BNA: a descriptor still owned by the CPU was read (ring full). */
export enum RSR { BNA = 1 << 0, FRAME_RECD = 1 << 1, RX_OVERRUN = 1 << 2, HRESP_NOT_OK = 1 << 3 }
/** intr_status / intr_en / intr_dis / intr_mask (ISR, IER, IDR, IMR). */
export enum INT {
  MGMT_DONE = 1 << 0, RX_COMPLETE = 1 << 1, RX_USED_READ = 1 << 2, TX_USED_READ = 1 << 3, TX_UNDERRUN = 1 << 4,
  RETRY_EX_LATE_COLLISION = 1 << 5, TX_CORRUPT_AHB_ERR = 1 << 6, TX_COMPLETE = 1 << 7, LINK_CHANGE = 1 << 9,
  RX_OVERRUN = 1 << 10, HRESP_NOT_OK = 1 << 11,
}
/** designcfg_debug1 (DCFG1): whether ISR clears on read, and the data bus width (1: 32, 2: 64, 4: 128 bits). */
export enum DCFG1 { IRQ_READ_CLEAR = 1 << 23, DMA_BUS_WIDTH = 7 << 25 }

/** GEM registers (UG585 appendix B, module gem). All 32-bit. */
export const CADENCE_GEM_REGS = defineRegisters({
  NCR: rw<NCR>(0x000),
  NCFGR: rw<NCFGR>(0x004),
  NSR: ro<NSR>(0x008),
  DMACFG: rw<DMACFG>(0x010),
  TSR: w1c<TSR>(0x014),
  /** rx_qbar / tx_qbar: the receive and transmit descriptor lists (bits 1:0 read 0). */
  RBQB: rw(0x018),
  TBQB: rw(0x01c),
  RSR: w1c<RSR>(0x020),
  /** Clears on read (QEMU) or by writing 1s (a GEM without irq_read_clear). */
  ISR: rw<INT>(0x024),
  IER: wo<INT>(0x028),
  IDR: wo<INT>(0x02c),
  IMR: ro<INT>(0x030),
  /** phy_maint (MAN): an IEEE 802.3 clause 22 management frame (22.2.4.5; mii-phy.ts MDIO_FRAME). */
  MAN: rw<MDIO_FRAME>(0x034),
  /** hash_bot / hash_top: the 64-bit hash filter. */
  HRB: rw(0x080),
  HRT: rw(0x084),
  /** spec_addr1_bot: MAC address bytes 0-3, byte 0 in bits 7:0. */
  SA1B: rw(0x088),
  /** spec_addr1_top: bytes 4-5 in bits 15:0; writing it enables the address filter. */
  SA1T: rw(0x08c),
  DCFG1: ro<DCFG1>(0x280),
}, { name: "GEM" });

export type CadenceGemRegisters = ReturnType<typeof CADENCE_GEM_REGS.at>;

/** Receive descriptor bits (table 16-2): word 0 and word 1. */
export enum RX_W0 { OWNERSHIP = 1 << 0, WRAP = 1 << 1 }
export enum RX_W1 { LENGTH = 0x1fff, SOF = 1 << 14, EOF = 1 << 15 }
/** Transmit descriptor word 1 (table 16-3). */
export enum TX_W1 {
  LENGTH = 0x3fff, LAST = 1 << 15, NO_CRC = 1 << 16, LATE_COLLISION = 1 << 26, AHB_ERR = 1 << 27, RETRY_LIMIT = 1 << 29,
  WRAP = 1 << 30, USED = 1 << 31,
}

/**
 * The GEM's pclk on the FU540: the device tree QEMU builds for sifive_u (hw/riscv/sifive_u.c)
 * names the PRCI's GEMGXL PLL as pclk, which runs at 125 MHz (the gigabit transmit clock).
 */
export const FU540_GEM_PCLK_HZ = 125_000_000;
/** IEEE 802.3 22.2.2.13: MDC at most 2.5 MHz. */
const MDC_MAX_HZ = 2_500_000;
/** net_cfg mdc_clk_div: the pclk divisor each value selects. */
const MDC_DIVISORS = [8, 16, 32, 48, 64, 96, 128, 224];
const BD_BYTES = 8;
/** What QEMU's write-back of a first transmit descriptor (24 bytes) reaches past the last one. */
const TX_RING_SLACK = 16;
const BUFFER_BYTES = 1536;
/** Two-word descriptors and one 1536-byte buffer each, 64-byte aligned, with QEMU's write-back slack. */
const LAYOUT: RingLayout = { descriptorBytes: BD_BYTES, bufferBytes: BUFFER_BYTES, align: 64, maxRing: 1024, txSlack: TX_RING_SLACK };
const HEADER_BYTES = 14;
/** 1000BASE-T control (register 9, IEEE 802.3 40.5.1.1): bits 9:8 advertise 1000BASE-T full and half duplex. */
const MII_1000BASET_CONTROL = 9;
/** BMSR bit 8 (22.2.4.2.16): register 15 holds the extended (1000 Mb/s) abilities. */
const BMSR_EXTENDED_STATUS = 1 << 8;
/** The events onInterrupt() handles (IER). */
const HANDLED = INT.RX_COMPLETE | INT.TX_COMPLETE | INT.TX_CORRUPT_AHB_ERR | INT.RX_OVERRUN | INT.HRESP_NOT_OK;
/** "Initialize the Controller", step 4: disable every interrupt (bit 8 is reserved). */
const ALL_INTERRUPTS = 0x07ff_feff;

/** Received frames dropped at the descriptor, by cause. */
export interface CadenceGemRxErrors {
  /** Spread over several buffers (no SOF or no EOF in one descriptor): longer than a buffer. */
  fragmented: number;
  /** A length below the 14-byte header or above the MTU's 1514 bytes. */
  length: number;
}

/**
 * The GEM's counters. busErrors counts ISR hresp_not_ok and tx_corrupt_ahb_err (a DMA bus error;
 * QEMU: a frame above the size limit); txDropped the frames queued when the MAC was restarted
 * after one.
 */
export interface CadenceGemStats extends DmaNicStats {
  /** ISR rx_overrun: frames the MAC lost for want of bus bandwidth. */
  rxOverruns: number;
  /** Sent frames whose descriptor came back with an error bit (retry limit, bus error, late collision). */
  txErrors: number;
}

/** The GEM's options: phyAddress is 0 on sifive_u; barrier is hal `barrier` on the target. */
export interface CadenceGemOptions extends DmaNicOptions {
  /** The GEM's pclk, which MDC is divided from (default FU540_GEM_PCLK_HZ). */
  readonly clockHz?: number;
}

export class CadenceGem extends DmaNic<CadenceGemRegisters> {
  readonly clockHz: number;
  readonly rxErrors: CadenceGemRxErrors = { fragmented: 0, length: 0 };
  readonly stats: CadenceGemStats = {
    rxFrames: 0, rxBytes: 0, rxUnclaimed: 0, rxOverruns: 0, txFrames: 0, txBytes: 0, txBusy: 0, txLinkDown: 0, txErrors: 0, txDropped: 0, busErrors: 0, restarts: 0,
  };
  readonly registers: CadenceGemRegisters;
  private readonly mdcDiv: number;
  private readonly ncr: Register<NCR, "rw">;
  private readonly isr: Register<INT, "rw">;
  private readonly rsr: Register<RSR, "w1c">;
  /** NCFGR less speed and duplex, as init() worked it out. */
  private ncfgr = 0;
  /** Whether ISR bits are cleared by writing them back (designcfg_debug1 irq_read_clear clear). */
  private isrWriteClear = false;

  constructor(options: CadenceGemOptions) {
    super("CadenceGem", options, LAYOUT);
    this.clockHz = options.clockHz ?? FU540_GEM_PCLK_HZ;
    this.mdcDiv = mdcClockDivFor(this.clockHz);
    const r = (this.registers = CADENCE_GEM_REGS.at(options.base, options.bus));
    this.ncr = r.NCR;
    this.isr = r.ISR;
    this.rsr = r.RSR;
  }

  /**
   * Programs the MAC by UG585 16.3, hands it the rings and enables it, then finds the PHY (findPhy), resets it and
   * starts auto-negotiation. The link is down until pollLink() sees it come up. May be called
   * again (after an error, say): it starts over with empty rings and the same DMA memory.
   */
  init(): void {
    const r = this.registers;
    this.prepare(r.NCR.bus);

    // 16.3 "Initialize the Controller":
    r.NCR.write(0); // 1. receive, transmit and MDIO off
    r.NCR.write(NCR.CLEAR_STAT_REGS); // 2. statistics to zero
    r.RSR.write(0x0f); // 3. every receive and transmit status bit (write 1 to clear)
    r.TSR.write(0xff);
    r.IDR.write(ALL_INTERRUPTS); // 4. every interrupt disabled
    const dcfg1 = r.DCFG1.read();
    this.isrWriteClear = (dcfg1 & DCFG1.IRQ_READ_CLEAR) === 0;
    this.ackInterrupts(this.isr.read()); //    and nothing left pending
    r.RBQB.write(0); // 5. no descriptor lists yet
    r.TBQB.write(0);
    // 16.3 "Configure the Controller":
    // 1. NCFGR: FCS removed, 1518-byte frames, no copy-all, broadcast on, no hash filters, receive
    //    buffer offset 0, MDC divided to at most 2.5 MHz, the bus width the design has.
    this.ncfgr = NCFGR.FCS_REMOVE | fieldBits(NCFGR.MDC_CLK_DIV, this.mdcDiv) | fieldBits(NCFGR.DBUS_WIDTH, dbusWidth(dcfg1));
    this.program();
    r.HRB.write(0);
    r.HRT.write(0);
    this.writeMac(); // 2. the station address (spec_addr1_bot, then _top, which enables it)
    // 3. DMACFG: 1536-byte receive buffers, full packet buffers, INCR16 bursts, little-endian
    //    descriptors and data, no checksum offload (slirp and the stack check every checksum
    //    themselves), two-word descriptors (addr64 and the extended ones clear).
    r.DMACFG.write(
      fieldBits(DMACFG.RX_BUF_SIZE, BUFFER_BYTES / 64) | fieldBits(DMACFG.RX_PKTBUF_MEMSZ_SEL, 3) | DMACFG.TX_PKTBUF_MEMSZ_SEL | fieldBits(DMACFG.AHB_FIXED_BURST_LEN, 0x10),
    );
    r.NCR.write(NCR.MGMT_PORT_EN); // 4. the MDIO port on
    this.resetRings(); // "Configure the Buffer Descriptors": the lists, RBQB and TBQB
    r.IER.write(HANDLED); // "Configure Interrupts": the ones handled
    this.initialized = true;
    this.start(); // "Enable the Controller": receive and transmit on

    // "Configure the PHY": the identifier first (an absent PHY reads all ones); not at the
    // configured address, the PHY is looked for at the others (findPhy).
    this.findPhy();
    const phy = this.phy;
    phy.reset();
    // 10/100 only (see the header): no 1000BASE-T advertisement where the PHY has one.
    if (phy.read(MII_REG.BMSR) & BMSR_EXTENDED_STATUS) phy.write(MII_1000BASET_CONTROL, 0);
    phy.startAutoNegotiation();
  }

  /**
   * Takes the interrupt status (reading ISR clears it; see the header for a GEM without
   * irq_read_clear) and counts receive overruns. hresp_not_ok stopped the DMA: onInterrupt()
   * starts it again on fresh rings (as Linux's macb does); tx_corrupt_ahb_err alone is counted.
   */
  protected acknowledge(): boolean {
    const status = this.isr.read();
    this.ackInterrupts(status);
    if (status & INT.RX_OVERRUN) this.stats.rxOverruns++;
    if (status & INT.HRESP_NOT_OK) return true;
    if (status & INT.TX_CORRUPT_AHB_ERR) this.stats.busErrors++;
    return false;
  }

  /**
   * One clause 22 management frame through phy_maint ("Configure the PHY"): wait for NSR.PHY_MGMT_IDLE, write
   * the frame, wait for idle again (the frame went out and, for a read, the data came back); the
   * data is then in MAN. Needs NCR.MGMT_PORT_EN, which init() sets. QEMU's NSR always reads idle
   * and answers a read when MAN is read.
   */
  protected mdioTransfer(frame: number): void {
    const r = this.registers;
    r.NSR.waitUntil(NSR.PHY_MGMT_IDLE, 1, this.wait);
    r.MAN.write(frame);
    r.NSR.waitUntil(NSR.PHY_MGMT_IDLE, 1, this.wait);
  }

  protected mdioData(): number {
    return this.registers.MAN.read();
  }

  /**
   * The mode the PHY runs at: with auto-negotiation complete, the best of ANAR & ANLPAR (Annex
   * 28B.3). QEMU's PHY clears BMCR's auto-negotiation enable once negotiation completes, so BMCR
   * alone (what MiiPhy.linkMode() reads) would report a forced 10 Mb/s half-duplex link there.
   */
  protected negotiated(): LinkMode | undefined {
    const phy = this.phy;
    if (phy.read(MII_REG.BMSR) & BMSR.AN_COMPLETE) return resolveLinkMode(phy.read(MII_REG.ANAR) & phy.read(MII_REG.ANLPAR));
    const bmcr = phy.read(MII_REG.BMCR);
    if (bmcr & BMCR.AN_ENABLE) return undefined;
    return { speed: bmcr & BMCR.SPEED_100 ? 100 : 10, fullDuplex: (bmcr & BMCR.DUPLEX) !== 0 };
  }

  /** NCFGR may change while the MAC runs. */
  protected applyMode(): void {
    this.program();
  }

  /** One word carries length, LAST, WRAP and USED clear: the handoff (table 16-3); then NCR.TSTART. */
  protected handOver(i: number, length: number, last: boolean): void {
    const barrier = this.barrier;
    if (barrier) barrier(); // the data before the descriptor hands it over
    this.txRingView.setUint32(i * BD_BYTES + 4, last ? length | TX_W1.LAST | TX_W1.WRAP : length | TX_W1.LAST, true);
    if (barrier) barrier(); // the descriptor before TSTART
    this.ncr.write(this.ncrRunning() | NCR.TX_START);
  }

  /** USED set again: sent, with an error bit if the retry limit, a bus error or a late collision ended it. */
  protected txDone(i: number): boolean {
    const w1 = this.txRingView.getUint32(i * BD_BYTES + 4, true);
    if (!(w1 & TX_W1.USED)) return false;
    if (w1 & (TX_W1.RETRY_LIMIT | TX_W1.AHB_ERR | TX_W1.LATE_COLLISION)) this.stats.txErrors++;
    return true;
  }

  protected rxFilled(i: number): boolean {
    return (this.rxRingView.getUint32(i * BD_BYTES, true) & RX_W0.OWNERSHIP) !== 0;
  }

  protected rxTake(i: number): void {
    const status = this.rxRingView.getUint32(i * BD_BYTES + 4, true);
    if (!(status & RX_W1.EOF)) {
      this.rxFragment = true; // a frame longer than one buffer: dropped up to its end
      return;
    }
    if (!(status & RX_W1.SOF) || this.rxFragment) {
      this.rxFragment = false;
      this.rxErrors.fragmented++;
      return;
    }
    const length = status & RX_W1.LENGTH;
    if (length < HEADER_BYTES || length > HEADER_BYTES + this.mtu) {
      this.rxErrors.length++;
      return;
    }
    this.deliverFrame(i, length);
  }

  /** Word 1 cleared, a barrier, then word 0 with OWNERSHIP clear hands it back. */
  protected rxReturn(i: number, last: boolean): void {
    const v = this.rxRingView;
    const off = i * BD_BYTES;
    v.setUint32(off + 4, 0, true);
    const barrier = this.barrier;
    if (barrier) barrier();
    v.setUint32(off, last ? this.rxBufferAddr[i] | RX_W0.WRAP : this.rxBufferAddr[i], true);
  }

  protected rxResume(): void {
    if (!(this.rsr.read() & RSR.BNA)) return;
    // The MAC found the list full: clear BNA and make it read the descriptor again (QEMU).
    this.rsr.write(RSR.BNA);
    const barrier = this.barrier;
    if (barrier) barrier();
    this.ncr.write(this.ncrRunning());
  }

  /** spec_addr1_bot: bytes 0-3, byte 0 in bits 7:0; spec_addr1_top: bytes 4-5 in bits 15:0. */
  private writeMac(): void {
    const m = this.mac;
    const r = this.registers;
    r.SA1B.write((m[0] | (m[1] << 8) | (m[2] << 16) | (m[3] << 24)) >>> 0);
    r.SA1T.write(m[4] | (m[5] << 8));
  }

  /** NCFGR for the current mode: SPEED at 100 Mb/s, FULL_DUPLEX in full duplex. */
  private program(): void {
    const { speed, fullDuplex } = this.mode;
    let v = this.ncfgr;
    if (speed === 100) v |= NCFGR.SPEED;
    if (fullDuplex) v |= NCFGR.FULL_DUPLEX;
    this.registers.NCFGR.write(v);
  }

  /**
   * Empty lists ("Configure the Buffer Descriptors"): every receive descriptor owned by the MAC
   * (OWNERSHIP clear) and every transmit descriptor owned by the CPU (USED set), each with its
   * buffer's address, WRAP on the last of each; then RBQB and TBQB, which also put the MAC's
   * current descriptors back at the start.
   */
  private resetRings(): void {
    const rx = this.rxRingView;
    const tx = this.txRingView;
    const lastRx = this.rxSize - 1;
    for (let i = 0; i <= lastRx; i++) {
      rx.setUint32(i * BD_BYTES + 4, 0, true);
      rx.setUint32(i * BD_BYTES, i === lastRx ? this.rxBufferAddr[i] | RX_W0.WRAP : this.rxBufferAddr[i], true);
    }
    const lastTx = this.txSize - 1;
    for (let i = 0; i <= lastTx; i++) {
      tx.setUint32(i * BD_BYTES, this.txBufferAddr[i], true);
      tx.setUint32(i * BD_BYTES + 4, i === lastTx ? (TX_W1.USED | TX_W1.WRAP) >>> 0 : TX_W1.USED >>> 0, true);
    }
    this.resetIndexes();
    const r = this.registers;
    r.RBQB.write(this.rxRingAddr);
    r.TBQB.write(this.txRingAddr);
  }

  /** What NCR holds while running: MDIO, receive and transmit on. */
  private ncrRunning(): number {
    return NCR.MGMT_PORT_EN | NCR.RX_EN | NCR.TX_EN;
  }

  private start(): void {
    const barrier = this.barrier;
    if (barrier) barrier(); // the lists before the MAC reads them
    this.ncr.write(this.ncrRunning());
  }

  /**
   * For stop(): every interrupt disabled (IDR), then net_ctrl with rx_en and tx_en clear (and the
   * MDIO port off). UG585 appendix B, net_ctrl: with rx_en clear "frame reception will stop
   * immediately and the receive pipeline will be cleared"; with tx_en clear "transmission will
   * stop immediately, the transmit pipeline and control registers will be cleared". Waits,
   * bounded, until tx_status tx_go ("transmit go", clear once transmission has halted) reads 0.
   */
  protected halt(): void {
    const r = this.registers;
    r.IDR.write(ALL_INTERRUPTS);
    this.ncr.write(0);
    try {
      r.TSR.waitUntil(TSR.TX_GO, 0, this.wait);
    } catch (e) {
      throw this.timeout(e, "transmission did not halt (tx_status tx_go stayed set)");
    }
  }

  /** Stops receive and transmit, drops what was queued, and starts again on empty lists. */
  protected restart(): void {
    this.ncr.write(NCR.MGMT_PORT_EN);
    this.countRestart();
    this.registers.RSR.write(0x0f);
    this.registers.TSR.write(0xff);
    this.resetRings();
    this.start();
  }

  private ackInterrupts(status: number): void {
    if (this.isrWriteClear && status !== 0) this.isr.write(status);
  }
}

/**
 * net_cfg mdc_clk_div for `clockHz`: the smallest divisor (8, 16, 32, 48, 64, 96, 128, 224) that
 * keeps MDC at or below 2.5 MHz. Throws for a clock too fast for the largest.
 */
export function mdcClockDivFor(clockHz: number): number {
  if (!(clockHz > 0 && Number.isFinite(clockHz))) throw new RangeError(`CadenceGem: pclk ${clockHz} Hz is not a clock rate`);
  const i = MDC_DIVISORS.findIndex((d) => clockHz / d <= MDC_MAX_HZ);
  if (i < 0) throw new RangeError(`CadenceGem: MDC cannot be divided from a ${clockHz} Hz pclk (above 224 x 2.5 MHz)`);
  return i;
}

/** net_cfg dbus_width from designcfg_debug1's dma_bus_width (1: 32 bits, 2: 64, 4: 128), as Linux's macb_dbw(). */
function dbusWidth(dcfg1: number): number {
  switch (fieldValue(DCFG1.DMA_BUS_WIDTH, dcfg1)) {
    case 4: return 2;
    case 2: return 1;
    default: return 0;
  }
}
