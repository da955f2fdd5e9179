/**
 * i.MX6UL/ULL 10/100-Mbps Ethernet MAC (ENET) driver, implementing NetworkInterface.
 *
 * Follows the i.MX 6ULL Applications Processor Reference Manual, IMX6ULLRM Rev. 1 (11/2017),
 * chapter 22 "10/100-Mbps Ethernet MAC (ENET)" (IMX6ULRM Rev. 1 has the same block under the same
 * title): the register descriptions of 22.5 "Memory map/register definition" (cited below by
 * register name), the initialization sequence of the functional description ("User
 * initialization, prior to asserting ECR[ETHEREN]"), the MII management frame of ENETx_MMFR,
 * and the legacy buffer descriptors of 22.6.13. Where QEMU 7.2 (hw/net/imx_fec.c, the model
 * `npm run qemu` boots) differs or leaves something out, the comment says so.
 *
 * The buffer descriptors are the legacy 8-byte ones (ECR.EN1588 clear; with it set, QEMU and the
 * hardware use the 32-byte enhanced ones): u16 data length at +0, u16 status at +2, u32 buffer
 * address at +4, little-endian because ECR.DBSWP is set (ENETx_ECR: without it the MAC reads them
 * big-endian; QEMU ignores DBSWP and always reads them little-endian). Receive status: E (15,
 * empty: the MAC owns it), W (13, wrap: the next descriptor is at RDSR), L (11, last of a frame),
 * and the errors LG (5), NO (4), CR (2), OV (1), TR (0), valid with L. Transmit status: R (15,
 * ready: the MAC owns it), W (13), L (11), TC (10: the MAC appends the CRC; QEMU never does and
 * sends the bytes as they are). The MAC hands back a received frame with its 4-byte CRC included
 * in the length (RCR.CRCFWD clear; QEMU always does so), which this driver strips.
 *
 * Rings: `rxRing` receive and `txRing` transmit descriptors (default 16 each), one 1536-byte
 * buffer each, all allocated once at init() from the DMA allocator (hal `dma`, uncached), the
 * rings and buffers 64-byte aligned: RDSR/TDSR need 8 (QEMU masks bits 2:0; ENETx_RDSR asks for
 * at least 64-bit alignment and recommends 128-bit), receive buffers 16 (MRBR counts in 16 bytes),
 * 64 is the Cortex-A7 cache line, so no buffer shares a line with anything. 1536 holds the
 * largest frame MAX_FL admits (1518 bytes with the CRC), so every accepted frame fits one buffer.
 *
 * Ordering, with uncached DMA memory (the `barrier` option, hal `barrier.dsb` on the target):
 * buffer, length and address are written, then a barrier, then the status word that hands the
 * descriptor over (E or R); a barrier before the doorbell (RDAR, TDAR); after a descriptor is
 * seen handed back, a barrier before its length and data are read.
 *
 * The board calls `onInterrupt()` from the ENET's interrupt line (EIMR enables RXF, TXF and
 * EBERR) and `pollLink()` from a timer (once a second is plenty): the PHY is polled, not
 * interrupt-driven (QEMU models no PHY interrupt line either). Reception stalls when every
 * receive descriptor is full (RDAR clears itself; QEMU then queues the frames it gets) and
 * resumes at the RDAR write that follows returning descriptors.
 *
 * What every descriptor-ring NIC does the same way (link state, send()'s checks, copy, padding
 * and backpressure, the walks over the rings, the counters) is dma-nic.ts's; this file holds the
 * ENET's registers, descriptors and programming sequence.
 */
import { defineRegisters, fieldBits, rw, w1c, type Register } from "../../hal/register.ts";
import { DmaNic, type DmaNicOptions, type DmaNicStats, type RingLayout } from "./dma-nic.ts";
import type { LinkMode, MDIO_FRAME, MdioBus } from "./mii-phy.ts";

/** ENETx_EIR, interrupt events (write 1 to clear), and ENETx_EIMR, their enables (22.5.1, 22.5.2). */
export enum EIR {
  TS_TIMER = 1 << 15, TS_AVAIL = 1 << 16, WAKEUP = 1 << 17, PLR = 1 << 18, UN = 1 << 19, RL = 1 << 20, LC = 1 << 21,
  EBERR = 1 << 22, MII = 1 << 23, RXB = 1 << 24, RXF = 1 << 25, TXB = 1 << 26, TXF = 1 << 27, GRA = 1 << 28,
  BABT = 1 << 29, BABR = 1 << 30, HB = 1 << 31,
}
/** ENETx_RDAR: written when receive descriptors were made empty; reads 1 while the MAC has some. */
export enum RDAR { RDAR = 1 << 24 }
/** ENETx_TDAR: written when transmit descriptors were made ready. */
export enum TDAR { TDAR = 1 << 24 }
/** ENETx_ECR, Ethernet control: RESET self-clears; EN1588 selects enhanced descriptors; DBSWP little-endian ones. */
export enum ECR { RESET = 1 << 0, ETHEREN = 1 << 1, MAGICEN = 1 << 2, SLEEP = 1 << 3, EN1588 = 1 << 4, DBGEN = 1 << 6, DBSWP = 1 << 8 }
/** ENETx_MSCR, MII speed control: MDC = module clock / ((MII_SPEED + 1) * 2); 0 turns MDC off. */
export enum MSCR { MII_SPEED = 0x3f << 1, DIS_PRE = 1 << 7, HOLDTIME = 7 << 8 }
/** ENETx_RCR, receive control. MII_MODE must always be set. */
export enum RCR {
  LOOP = 1 << 0, DRT = 1 << 1, MII_MODE = 1 << 2, PROM = 1 << 3, BC_REJ = 1 << 4, FCE = 1 << 5, RMII_MODE = 1 << 8,
  RMII_10T = 1 << 9, PADEN = 1 << 12, PAUFWD = 1 << 13, CRCFWD = 1 << 14, CFEN = 1 << 15, MAX_FL = 0x3fff << 16, NLC = 1 << 30, GRS = 1 << 31,
}
/** ENETx_TCR, transmit control. FDEN may only change while ECR.ETHEREN is clear. */
export enum TCR { GTS = 1 << 0, FDEN = 1 << 2, TFC_PAUSE = 1 << 3, RFC_PAUSE = 1 << 4, ADDSEL = 7 << 5, ADDINS = 1 << 8, CRCFWD = 1 << 9 }
/** ENETx_PAUR: MAC address bytes 4 and 5 in PADDR2; TYPE reads 0x8808. */
export enum PAUR { TYPE = 0xffff, PADDR2 = 0xffff << 16 }
/** ENETx_TFWR: STRFWD starts a transmission only once the whole frame is in the FIFO (no underrun). */
export enum TFWR { TFWR = 0x3f, STRFWD = 1 << 8 }
/** ENETx_MRBR, receive buffer size, a multiple of 16. */
export enum MRBR { R_BUF_SIZE = 0x3ff << 4 }

/** Registers of one ENET, IMX6ULLRM 22.5. All 32-bit (QEMU refuses other widths). */
export const IMX_ENET_REGS = defineRegisters({
  EIR: w1c<EIR>(0x004),
  EIMR: rw<EIR>(0x008),
  RDAR: rw<RDAR>(0x010),
  TDAR: rw<TDAR>(0x014),
  ECR: rw<ECR>(0x024),
  /** ENETx_MMFR, the MII management frame (IEEE 802.3 22.2.4.5; mii-phy.ts MDIO_FRAME). */
  MMFR: rw<MDIO_FRAME>(0x040),
  MSCR: rw<MSCR>(0x044),
  RCR: rw<RCR>(0x084),
  TCR: rw<TCR>(0x0c4),
  /** MAC address bytes 0-3, byte 0 in bits 31:24. */
  PALR: rw(0x0e4),
  PAUR: rw<PAUR>(0x0e8),
  /** Individual (unicast) and group (multicast) address hash filters; reset values undefined. */
  IAUR: rw(0x118),
  IALR: rw(0x11c),
  GAUR: rw(0x120),
  GALR: rw(0x124),
  TFWR: rw<TFWR>(0x144),
  /** Receive and transmit descriptor ring starts. */
  RDSR: rw(0x180),
  TDSR: rw(0x184),
  MRBR: rw<MRBR>(0x188),
}, { name: "ENET" });

export type ImxEnetRegisters = ReturnType<typeof IMX_ENET_REGS.at>;

/** Legacy buffer descriptor status bits (22.6.13). E (receive) and R (transmit) are both bit 15. */
export enum BD { TR = 1 << 0, OV = 1 << 1, CR = 1 << 2, NO = 1 << 4, LG = 1 << 5, TC = 1 << 10, L = 1 << 11, W = 1 << 13, E = 1 << 15, R = 1 << 15 }

/** The i.MX6UL/ULL ENET module clock (ipg_clk_root, 66 MHz): what MDC is divided from. */
export const IMX6UL_ENET_CLOCK_HZ = 66_000_000;
/** IEEE 802.3 22.2.2.13: MDC at most 2.5 MHz. */
const MDC_MAX_HZ = 2_500_000;
/** IEEE 802.3 22.3.4: MDIO held at least 10 ns after MDC rises. */
const MDIO_HOLD_NS = 10;
/** A descriptor: length, status, buffer address. */
const BD_BYTES = 8;
const BUFFER_BYTES = 1536;
/** Legacy descriptors and one 1536-byte buffer each, 64-byte aligned (see the header); QEMU walks at most 1024 descriptors per doorbell (IMX_MAX_DESC). */
const LAYOUT: RingLayout = { descriptorBytes: BD_BYTES, bufferBytes: BUFFER_BYTES, align: 64, maxRing: 1024 };
/** RCR.MAX_FL: the longest frame accepted, CRC included (1500 + 14 + 4; the reset value). */
const MAX_FRAME = 1518;
const CRC_BYTES = 4;
/** What onInterrupt acknowledges; MII stays for the MDIO path, which polls it. */
const HANDLED = EIR.RXF | EIR.RXB | EIR.TXF | EIR.TXB | EIR.EBERR;

/** Received frames dropped for a descriptor error, by cause (22.6.13, receive status). */
export interface ImxEnetRxErrors {
  /** LG: longer than RCR.MAX_FL, or spread over several buffers. */
  length: number;
  /** NO: not a whole number of octets. */
  alignment: number;
  /** CR: CRC or frame error. */
  crc: number;
  /** OV: the receive FIFO overran (the other bits then mean nothing). */
  overrun: number;
  /** TR: truncated at FTRL (the other bits then mean nothing). */
  truncated: number;
  /** No bytes left once the CRC is taken off. */
  short: number;
}

/**
 * The ENET's counters: busErrors counts EIR.EBERR (the MAC hit a system bus error and stopped);
 * txDropped the frames queued when the MAC was restarted (link mode change, bus error).
 */
export type ImxEnetStats = DmaNicStats;

/** The ENET's options: barrier is hal `barrier.dsb` on the target. */
export interface ImxEnetOptions extends DmaNicOptions {
  /** The bus the PHY is managed on (default: this ENET's own MMFR; on some boards the other ENET's). */
  readonly mdio?: MdioBus;
  /** The ENET module clock, for MDC (default IMX6UL_ENET_CLOCK_HZ). */
  readonly clockHz?: number;
  /** RMII (true, the default: the boards' PHYs) or MII to the PHY. */
  readonly rmii?: boolean;
}

export class ImxEnet extends DmaNic<ImxEnetRegisters> {
  readonly clockHz: number;
  readonly rxErrors: ImxEnetRxErrors = { length: 0, alignment: 0, crc: 0, overrun: 0, truncated: 0, short: 0 };
  readonly stats: ImxEnetStats = { rxFrames: 0, rxBytes: 0, rxUnclaimed: 0, txFrames: 0, txBytes: 0, txBusy: 0, txLinkDown: 0, txDropped: 0, busErrors: 0, restarts: 0 };
  readonly registers: ImxEnetRegisters;
  private readonly rmii: boolean;
  private readonly mscr: number;
  private readonly eir: Register<EIR, "w1c">;
  private readonly rdar: Register<RDAR, "rw">;
  private readonly tdar: Register<TDAR, "rw">;

  constructor(options: ImxEnetOptions) {
    super("ImxEnet", options, LAYOUT, options.mdio);
    this.clockHz = options.clockHz ?? IMX6UL_ENET_CLOCK_HZ;
    this.mscr = mscrFor(this.clockHz);
    this.rmii = options.rmii ?? true;
    const r = (this.registers = IMX_ENET_REGS.at(options.base, options.bus));
    this.eir = r.EIR;
    this.rdar = r.RDAR;
    this.tdar = r.TDAR;
  }

  /**
   * Resets and programs the MAC, allocates and hands the receive ring to it, then finds the PHY (findPhy), resets it
   * and starts auto-negotiation. The link is down until pollLink() sees it come up. May be called
   * again (after an error, say): it starts over with empty rings.
   */
  init(): void {
    const r = this.registers;
    this.prepare(r.EIR.bus);

    // ECR.RESET: a MAC reset, which also clears ETHEREN; it clears itself.
    r.ECR.write(ECR.RESET);
    try {
      r.ECR.waitUntil(ECR.RESET, 0, this.wait);
    } catch (e) {
      throw this.timeout(e, "the MAC did not leave reset");
    }
    // "User initialization (prior to asserting ECR[ETHEREN])", step by step:
    r.EIMR.write(EIR.RXF | EIR.TXF | EIR.EBERR); // 1. the events that raise the line (EIMR)
    r.EIR.write(0xffff_ffff); // 2. clear every event (EIR, write 1 to clear)
    r.TFWR.write(TFWR.STRFWD); // 3. store and forward: no transmit FIFO underrun (TFWR)
    r.IALR.write(0); // 4. no unicast hash matches: only PALR/PAUR's address (IALR, IAUR)
    r.IAUR.write(0);
    r.GALR.write(0); // 5. no multicast hash matches; broadcast still arrives (GALR, GAUR)
    r.GAUR.write(0);
    this.writeMac(); // 6. the station address (PALR, PAUR)
    // 7. OPD keeps its reset value: it is the pause duration of PAUSE frames this MAC never sends.
    this.program(); // 8.-9. RCR, TCR for the assumed mode (100 Mb/s full duplex)
    r.MSCR.write(this.mscr); // 10. MDC and hold time (MSCR)
    this.resetRings(); // 11.-12. empty transmit and receive rings (RDSR, TDSR, MRBR)
    this.initialized = true;
    this.start();

    // The identifier first: an absent PHY reads all ones, which would look like a reset never ending.
    // Not at the configured address, the PHY is looked for at the others (findPhy).
    this.findPhy();
    const phy = this.phy;
    phy.reset();
    phy.startAutoNegotiation();
  }

  /**
   * Acknowledges the receive, transmit and bus error events (EIR, write 1 to clear) before the
   * rings are walked, so a frame arriving meanwhile raises the line again. EBERR: the MAC stopped
   * (ETHEREN cleared itself), and onInterrupt() starts it again with fresh rings.
   */
  protected acknowledge(): boolean {
    const events = this.eir.read() & HANDLED;
    if (events !== 0) this.eir.write(events);
    return (events & EIR.EBERR) !== 0;
  }

  /**
   * One clause 22 management frame (ENETx_MMFR): clear EIR.MII, write the frame, wait for
   * EIR.MII (the frame went out on MDIO and, for a read, the data came back; it is then in MMFR),
   * clear EIR.MII. Needs MSCR programmed: with MII_SPEED 0 there is no MDC and EIR.MII never sets.
   */
  protected mdioTransfer(frame: number): void {
    const eir = this.eir;
    eir.write(EIR.MII);
    this.registers.MMFR.write(frame);
    eir.waitUntil(EIR.MII, 1, this.wait);
    eir.write(EIR.MII);
  }

  protected mdioData(): number {
    return this.registers.MMFR.read();
  }

  protected negotiated(): LinkMode | undefined {
    return this.phy.linkMode();
  }

  /** RCR and TCR change only while ETHEREN is clear: a restart (which drops what was queued). */
  protected applyMode(): void {
    this.restart();
  }

  /** Length, a barrier, then R (with L, TC and W on the last) hands it over; then TDAR. */
  protected handOver(i: number, length: number, last: boolean): void {
    const v = this.txRingView;
    const off = i * BD_BYTES;
    v.setUint16(off, length, true);
    const barrier = this.barrier;
    if (barrier) barrier(); // data and length before R hands the descriptor over
    v.setUint16(off + 2, last ? BD.R | BD.L | BD.TC | BD.W : BD.R | BD.L | BD.TC, true);
    if (barrier) barrier(); // the descriptor before the doorbell
    this.tdar.write(TDAR.TDAR);
  }

  /** R clear: the MAC has finished with it. */
  protected txDone(i: number): boolean {
    return !(this.txRingView.getUint16(i * BD_BYTES + 2, true) & BD.R);
  }

  /** E clear: the MAC has filled it. */
  protected rxFilled(i: number): boolean {
    return !(this.rxRingView.getUint16(i * BD_BYTES + 2, true) & BD.E);
  }

  protected rxTake(i: number): void {
    const v = this.rxRingView;
    const status = v.getUint16(i * BD_BYTES + 2, true);
    const length = v.getUint16(i * BD_BYTES, true);
    if (!(status & BD.L)) {
      // A frame longer than one buffer: its last buffer says why (LG); the rest is dropped.
      this.rxFragment = true;
      return;
    }
    const errors = status & (BD.LG | BD.NO | BD.CR | BD.OV | BD.TR);
    if (errors !== 0 || this.rxFragment) {
      this.rxFragment = false;
      const e = this.rxErrors;
      if (errors & BD.OV) e.overrun++;
      else if (errors & BD.TR) e.truncated++;
      else {
        if (errors & BD.LG || errors === 0) e.length++;
        if (errors & BD.NO) e.alignment++;
        if (errors & BD.CR) e.crc++;
      }
      return;
    }
    if (length <= CRC_BYTES) {
      this.rxErrors.short++;
      return;
    }
    this.deliverFrame(i, length - CRC_BYTES);
  }

  /** E (and W on the last) hands it back empty. */
  protected rxReturn(i: number, last: boolean): void {
    this.rxRingView.setUint16(i * BD_BYTES + 2, last ? BD.E | BD.W : BD.E, true);
  }

  /** RDAR: reception goes on if it stalled on a full ring. */
  protected rxResume(): void {
    const barrier = this.barrier;
    if (barrier) barrier(); // the empty descriptors before the doorbell
    this.rdar.write(RDAR.RDAR);
  }

  /** PALR: bytes 0-3, byte 0 in bits 31:24; PAUR: bytes 4-5 in bits 31:16 (ENETx_PALR, ENETx_PAUR). */
  private writeMac(): void {
    const m = this.mac;
    const r = this.registers;
    r.PALR.write(((m[0] << 24) | (m[1] << 16) | (m[2] << 8) | m[3]) >>> 0);
    r.PAUR.write(((m[4] << 24) | (m[5] << 16)) >>> 0);
  }

  /**
   * RCR: frames up to MAX_FRAME, MII_MODE (always), RMII or MII, RMII_10T at 10 Mb/s, DRT in half
   * duplex (no reception while transmitting), no loopback, no promiscuous mode, no flow control.
   * TCR: FDEN in full duplex. Both only while ETHEREN is clear.
   */
  private program(): void {
    const { speed, fullDuplex } = this.mode;
    let rcr = fieldBits(RCR.MAX_FL, MAX_FRAME) | RCR.MII_MODE;
    if (this.rmii) rcr |= RCR.RMII_MODE;
    if (this.rmii && speed === 10) rcr |= RCR.RMII_10T;
    if (!fullDuplex) rcr |= RCR.DRT;
    const r = this.registers;
    r.RCR.write(rcr);
    r.TCR.write(fullDuplex ? TCR.FDEN : 0);
  }

  /** Empty rings, each descriptor with its buffer's address: receive ones empty (E), transmit ones not ready, W on the last of each. */
  private resetRings(): void {
    const rx = this.rxRingView;
    const tx = this.txRingView;
    for (let i = 0; i < this.rxSize; i++) {
      rx.setUint16(i * BD_BYTES, 0, true);
      rx.setUint16(i * BD_BYTES + 2, i === this.rxSize - 1 ? BD.E | BD.W : BD.E, true);
      rx.setUint32(i * BD_BYTES + 4, this.rxBufferAddr[i], true);
    }
    for (let i = 0; i < this.txSize; i++) {
      tx.setUint16(i * BD_BYTES, 0, true);
      tx.setUint16(i * BD_BYTES + 2, i === this.txSize - 1 ? BD.W : 0, true);
      tx.setUint32(i * BD_BYTES + 4, this.txBufferAddr[i], true);
    }
    this.resetIndexes();
    const r = this.registers;
    r.MRBR.write(BUFFER_BYTES);
    r.RDSR.write(this.rxRingAddr);
    r.TDSR.write(this.txRingAddr);
  }

  /** ETHEREN with little-endian legacy descriptors (DBSWP, EN1588 clear), then RDAR: receive. */
  private start(): void {
    const barrier = this.barrier;
    if (barrier) barrier(); // the rings before the MAC reads them
    this.registers.ECR.write(ECR.DBSWP | ECR.ETHEREN);
    this.rdar.write(RDAR.RDAR);
  }

  /**
   * For stop(): ECR.RESET, which clears ETHEREN ("When this bit is set, it clears the ETHEREN
   * bit", ENETx_ECR); with ETHEREN clear "the uDMA, buffer descriptor, and FIFO control logic
   * are reset" and reception and transmission stop. The interrupt mask goes to 0 first. Waits,
   * bounded, until RESET has cleared itself and ETHEREN reads 0.
   */
  protected halt(): void {
    const r = this.registers;
    r.EIMR.write(0);
    r.ECR.write(ECR.RESET);
    try {
      r.ECR.waitUntil(ECR.RESET | ECR.ETHEREN, 0, this.wait);
    } catch (e) {
      throw this.timeout(e, "the MAC did not stop (ECR.RESET or ETHEREN stayed set)");
    }
  }

  /**
   * Stops the MAC (ETHEREN clear, which resets its descriptor pointers to RDSR/TDSR), drops what
   * was queued, programs RCR/TCR for the current mode and starts again with empty rings.
   */
  protected restart(): void {
    const r = this.registers;
    r.ECR.write(ECR.DBSWP);
    this.countRestart();
    this.program();
    this.resetRings();
    r.EIR.write(HANDLED);
    this.start();
  }
}

/**
 * MSCR for `clockHz`: MII_SPEED = ceil(clock / (2 * 2.5 MHz)) - 1, so that MDC = clock /
 * ((MII_SPEED + 1) * 2) is at most 2.5 MHz (ENETx_MSCR; Linux fec_main.c uses the same formula),
 * HOLDTIME = ceil(clock * 10 ns) - 1 cycles of MDIO hold after MDC.
 */
export function mscrFor(clockHz: number): number {
  const speed = Math.ceil(clockHz / (2 * MDC_MAX_HZ)) - 1;
  if (!(speed >= 1 && speed <= 63)) throw new RangeError(`ImxEnet: MDC cannot be divided from a ${clockHz} Hz module clock (MII_SPEED ${speed} is not 1-63)`);
  const hold = Math.ceil((clockHz * MDIO_HOLD_NS) / 1e9) - 1;
  return fieldBits(MSCR.MII_SPEED, speed) | fieldBits(MSCR.HOLDTIME, hold < 0 ? 0 : hold > 7 ? 7 : hold);
}
