/**
 * Register- and descriptor-level model of the i.MX6UL ENET, after QEMU 7.2's hw/net/imx_fec.c
 * (what `npm run qemu` runs) and the i.MX 6ULL Reference Manual (IMX6ULLRM Rev. 1, chapter 22)
 * where QEMU is silent. Offsets, bits and reset values are written out here, not imported from
 * the driver.
 *
 * Registers (32-bit only, as QEMU): EIR 0x004 (write 1 to clear), EIMR 0x008, RDAR 0x010, TDAR
 * 0x014, ECR 0x024 (reset 0xF0000000; RESET bit 0 resets the block, ETHEREN bit 1, EN1588 bit 4),
 * MMFR 0x040, MSCR 0x044 (keeps bits 10:1; QEMU drops HOLDTIME), MIBC 0x064 (reset 0xC0000000),
 * RCR 0x084 (reset 0x05EE0001; keeps 0x07FF033F, QEMU 0x07FF003F: the model also keeps the RM's
 * RMII_MODE and RMII_10T, bits 9:8), TCR 0x0C4, PALR 0x0E4 / PAUR 0x0E8 (the MAC address; PAUR's low half reads 0x8808), OPD 0x0EC
 * (reset 0x00010000), IAUR/IALR/GAUR/GALR 0x118-0x124, TFWR 0x144 (keeps 0x13F), RDSR/TDSR
 * 0x180/0x184 (bits 2:0 dropped), MRBR 0x188 (keeps 0x3FF0), FTRL 0x1B0 (reset 0x7FF).
 *
 * Interrupt: the line is (EIR & EIMR) != 0 over every event bit, reported through `onIrq`.
 *
 * MDIO: a write to MMFR with bit 29 set (OP 10) reads PHY register bits 22:18 of the PHY at bits
 * 27:23 into MMFR's low half, otherwise writes it; EIR.MII (bit 23) sets when done, at once, as
 * QEMU. A PHY address nothing answers at reads 0xFFFF. Unlike QEMU, a frame with ST other than
 * 01 or TA other than 10 is recorded in `guestErrors` and not carried out, and with MSCR.MII_SPEED
 * 0 (no MDC) nothing happens at all: EIR.MII never sets.
 *
 * Descriptors: legacy 8 bytes (u16 length, u16 status, u32 buffer, little-endian), or 32 bytes
 * with ECR.EN1588, from RDSR/TDSR, the next at RDSR/TDSR after one with W (bit 13). Receive
 * (`inject`): only while RDAR is set; otherwise the frame waits in a queue (QEMU's net queue) and
 * is delivered at the next RDAR write that finds an empty descriptor. The frame gets its CRC
 * (the real FCS; QEMU writes its own variant, which no driver checks) and the length counts it;
 * above 2032 bytes (QEMU's ENET_MAX_FRAME_SIZE) it is cut with TR and LG, above RCR.MAX_FL it gets
 * LG; it fills descriptors of MRBR bytes, E (bit 15) cleared, L (bit 11) on the last, which sets
 * EIR.RXF (others RXB). After a frame, RDAR stays set only if the next descriptor is empty.
 * Transmit (a TDAR write with ETHEREN): from the current descriptor while R (bit 15) is set,
 * gathers buffers up to L, hands the frame to `onTransmit` (and `transmitted`), sets EIR.TXF (TXB
 * for every descriptor), clears R. `holdTransmit` makes TDAR writes wait for `releaseTransmit()`
 * (a slow wire). Clearing ETHEREN stops both and rewinds them to RDSR/TDSR.
 */
import type { MemoryBus } from "../memory-bus.ts";
import { DmaNicModel, type DmaNicModelOptions } from "./dma-nic.ts";
import { MiiPhyModel } from "./mii-phy.ts";

const EIR = 0x004, EIMR = 0x008, RDAR = 0x010, TDAR = 0x014, ECR = 0x024, MMFR = 0x040, MSCR = 0x044, MIBC = 0x064;
const RCR = 0x084, TCR = 0x0c4, PALR = 0x0e4, PAUR = 0x0e8, OPD = 0x0ec, IAUR = 0x118, IALR = 0x11c, GAUR = 0x120, GALR = 0x124;
const TFWR = 0x144, RDSR = 0x180, TDSR = 0x184, MRBR = 0x188, FTRL = 0x1b0;
const ECR_RESET = 1 << 0, ECR_ETHEREN = 1 << 1, ECR_EN1588 = 1 << 4;
const INT_BABT = 1 << 29, INT_TXF = 1 << 27, INT_TXB = 1 << 26, INT_RXF = 1 << 25, INT_RXB = 1 << 24, INT_MII = 1 << 23, INT_EBERR = 1 << 22;
const RDAR_ACTIVE = 1 << 24;
const BD_E = 1 << 15, BD_R = 1 << 15, BD_W = 1 << 13, BD_L = 1 << 11, BD_LG = 1 << 5, BD_TR = 1 << 0;
/** Enhanced descriptors: u32 at +8 carries the transmit/receive interrupt option (bit 30). */
const BD_INT = 1 << 30;
const MAX_FRAME_SIZE = 2032;
const MAX_DESC = 1024;

/**
 * `dma`: the memory the rings and buffers live in (FakeDma in host tests, SimDma in the
 * simulator); the PHY and its MDIO address default to a QEMU PHY at address 2, as ENET1 on
 * mcimx6ul-evk.
 */
export type ImxEnetModelOptions = DmaNicModelOptions<MiiPhyModel>;

export interface InjectOptions {
  /** Status bits the MAC adds to the frame's last descriptor (CR 0x4, NO 0x10, OV 0x2, ...). */
  readonly status?: number;
}

/** A queued frame: the status bits InjectOptions asked for go with it. */
interface QueuedFrame {
  readonly frame: Uint8Array;
  readonly status: number;
}

export class ImxEnetModel extends DmaNicModel<MiiPhyModel, QueuedFrame> {
  /** Block resets through ECR.RESET. */
  resets = 0;
  /** Frames cut short because no empty descriptor was left mid-frame (QEMU: "Lost end of frame"). */
  lostEnds = 0;
  private regs = new Map<number, number>();
  private rxDesc = 0;
  private txDesc = 0;

  constructor(bus: MemoryBus, base: number, options: ImxEnetModelOptions) {
    super(options, () => new MiiPhyModel(), 2);
    this.reset();
    this.resets = 0;
    const plain = [EIMR, MIBC, TCR, PALR, IAUR, IALR, GAUR, GALR, FTRL];
    const offsets = [EIR, EIMR, RDAR, TDAR, ECR, MMFR, MSCR, MIBC, RCR, TCR, PALR, PAUR, OPD, IAUR, IALR, GAUR, GALR, TFWR, RDSR, TDSR, MRBR, FTRL];
    this.mapRegisters(bus, base, offsets, (off) => this.reg(off), (off, value) => {
      if (plain.includes(off)) this.regs.set(off, value);
      else this.write(off, value);
    });
  }

  /** A register's value, as the CPU would read it. */
  reg(off: number): number {
    return this.regs.get(off) ?? 0;
  }

  /** The MAC address in PALR/PAUR. */
  get mac(): Uint8Array {
    const l = this.reg(PALR), u = this.reg(PAUR);
    return Uint8Array.of(l >>> 24, (l >>> 16) & 0xff, (l >>> 8) & 0xff, l & 0xff, u >>> 24, (u >>> 16) & 0xff);
  }

  /**
   * A frame from the wire (without CRC). Delivered now if RDAR is set, else queued until it is.
   * Returns whether it was delivered now.
   */
  inject(frame: Uint8Array, options: InjectOptions = {}): boolean {
    const item = { frame: frame.slice(), status: options.status ?? 0 };
    if (this.reg(RDAR) === 0 || this.queue.length !== 0) {
      this.holdBack(item);
      return false;
    }
    this.receive(item.frame, item.status);
    this.update();
    return true;
  }

  /** A system bus error: EIR.EBERR, and the MAC stops (ETHEREN clears, RM ENETx_EIR). */
  busError(): void {
    this.regs.set(EIR, this.reg(EIR) | INT_EBERR);
    this.write(ECR, this.reg(ECR) & ~ECR_ETHEREN);
    this.update();
  }

  private get bdSize(): number {
    return this.reg(ECR) & ECR_EN1588 ? 32 : 8;
  }

  private reset(): void {
    this.resets++;
    this.regs = new Map([[ECR, 0xf000_0000], [MIBC, 0xc000_0000], [RCR, 0x05ee_0001], [OPD, 0x0001_0000], [PAUR, 0x8808], [FTRL, 0x7ff]]);
    this.rxDesc = this.txDesc = 0;
    this.txRequested = false;
  }

  private write(off: number, v: number): void {
    const regs = this.regs;
    switch (off) {
      case EIR:
        regs.set(EIR, (this.reg(EIR) & ~v) >>> 0);
        return;
      case RDAR:
        if (!(this.reg(ECR) & ECR_ETHEREN)) {
          regs.set(RDAR, 0);
          return;
        }
        if (this.reg(RDAR) === 0) this.enableRx(true);
        return;
      case TDAR:
        if (this.reg(ECR) & ECR_ETHEREN) {
          if (this.holdTransmit) {
            this.txRequested = true;
            regs.set(TDAR, RDAR_ACTIVE);
            return;
          }
          this.transmit();
        }
        regs.set(TDAR, 0);
        return;
      case ECR:
        if (v & ECR_RESET) {
          this.reset();
          return;
        }
        regs.set(ECR, v);
        if (!(v & ECR_ETHEREN)) {
          regs.set(RDAR, 0);
          regs.set(TDAR, 0);
          this.rxDesc = this.reg(RDSR);
          this.txDesc = this.reg(TDSR);
          this.txRequested = false;
        }
        return;
      case MMFR:
        regs.set(MMFR, v);
        this.mdio(v);
        return;
      case MSCR:
        regs.set(MSCR, v & 0x7fe);
        return;
      case RCR:
        regs.set(RCR, v & 0x07ff_033f);
        return;
      case PAUR:
        regs.set(PAUR, ((v & 0xffff_0000) | 0x8808) >>> 0);
        return;
      case OPD:
        regs.set(OPD, (v & 0xffff) | 0x0001_0000);
        return;
      case TFWR:
        regs.set(TFWR, v & 0x13f);
        return;
      case RDSR:
        regs.set(RDSR, (v & ~7) >>> 0);
        this.rxDesc = this.reg(RDSR);
        return;
      case TDSR:
        regs.set(TDSR, (v & ~7) >>> 0);
        this.txDesc = this.reg(TDSR);
        return;
      case MRBR:
        regs.set(MRBR, v & 0x3ff0);
        return;
      default:
        regs.set(off, v);
    }
  }

  private mdio(v: number): void {
    if ((this.reg(MSCR) & 0x7e) === 0) return; // no MDC: the frame never goes out
    const st = v >>> 30, op = (v >>> 28) & 3, pa = (v >>> 23) & 0x1f, ra = (v >>> 18) & 0x1f, ta = (v >>> 16) & 3;
    if (st !== 1 || ta !== 2 || (op !== 1 && op !== 2)) {
      this.guestErrors.push(`MMFR 0x${v.toString(16)}: not a clause 22 frame (ST ${st}, OP ${op}, TA ${ta})`);
    } else if (op === 2) {
      const data = pa === this.phyAddress ? this.phy.read(ra) & 0xffff : 0xffff;
      this.regs.set(MMFR, ((v & 0xffff_0000) | data) >>> 0);
    } else if (pa === this.phyAddress) {
      this.phy.write(ra, v & 0xffff);
    }
    this.regs.set(EIR, (this.reg(EIR) | INT_MII) >>> 0);
  }

  /** QEMU imx_eth_enable_rx: RDAR reads set while the current descriptor is empty. */
  private enableRx(flush: boolean): void {
    const empty = (this.readStatus(this.rxDesc) & BD_E) !== 0;
    this.regs.set(RDAR, empty ? RDAR_ACTIVE : 0);
    if (!empty || !flush) return;
    while (this.queue.length !== 0 && this.reg(RDAR) !== 0) {
      const item = this.queue.shift() as QueuedFrame;
      this.receive(item.frame, item.status);
    }
  }

  private receive(frame: Uint8Array, extraStatus: number): void {
    const fcs = crc32(frame);
    const bytes = new Uint8Array(frame.length + 4);
    bytes.set(frame);
    new DataView(bytes.buffer).setUint32(frame.length, fcs, true);
    let size = bytes.length;
    let flags = extraStatus & 0xffff;
    if (size > MAX_FRAME_SIZE) {
      size = MAX_FRAME_SIZE;
      flags |= BD_TR | BD_LG;
    }
    if (size > ((this.reg(RCR) >>> 16) & 0x3fff)) flags |= BD_LG;
    let addr = this.rxDesc;
    let pos = 0;
    while (pos < size) {
      const status = this.readStatus(addr);
      if (!(status & BD_E)) {
        this.lostEnds++;
        break;
      }
      const mrbr = this.reg(MRBR);
      const n = Math.min(size - pos, mrbr);
      if (n === 0) {
        this.guestErrors.push("receive with MRBR 0");
        break;
      }
      const d = this.bd(addr, 8);
      if (d === undefined) break;
      const buf = d.getUint32(4, true);
      const data = this.view(buf, n);
      if (data === undefined) break;
      for (let i = 0; i < n; i++) data.setUint8(i, bytes[pos + i]);
      pos += n;
      let st = status & ~BD_E;
      if (pos === size) {
        st |= flags | BD_L;
        if (this.bdSize === 8 || this.optionBits(addr) & BD_INT) this.regs.set(EIR, (this.reg(EIR) | INT_RXF) >>> 0);
      } else if (this.bdSize === 8 || this.optionBits(addr) & BD_INT) {
        this.regs.set(EIR, (this.reg(EIR) | INT_RXB) >>> 0);
      }
      d.setUint16(0, n, true);
      d.setUint16(2, st & 0xffff, true);
      addr = st & BD_W ? this.reg(RDSR) : addr + this.bdSize;
    }
    this.rxDesc = addr;
    this.enableRx(false);
  }

  protected transmit(): void {
    let addr = this.txDesc;
    let frame: number[] = [];
    for (let n = 0; n < MAX_DESC; n++) {
      const d = this.bd(addr, 8);
      if (d === undefined) break;
      const status = d.getUint16(2, true);
      if (!(status & BD_R)) break;
      let len = d.getUint16(0, true);
      if (frame.length + len > MAX_FRAME_SIZE) {
        len = MAX_FRAME_SIZE - frame.length;
        this.regs.set(EIR, (this.reg(EIR) | INT_BABT) >>> 0);
      }
      const data = len === 0 ? undefined : this.view(d.getUint32(4, true), len);
      if (data !== undefined) for (let i = 0; i < len; i++) frame.push(data.getUint8(i));
      const interrupt = this.bdSize === 8 || (this.optionBits(addr) & BD_INT) !== 0;
      if (status & BD_L) {
        const out = Uint8Array.from(frame);
        this.transmitted.push(out);
        if (this.onTransmit) this.onTransmit(out);
        frame = [];
        if (interrupt) this.regs.set(EIR, (this.reg(EIR) | INT_TXF) >>> 0);
      }
      if (interrupt) this.regs.set(EIR, (this.reg(EIR) | INT_TXB) >>> 0);
      d.setUint16(2, status & ~BD_R, true);
      addr = status & BD_W ? this.reg(TDSR) : addr + this.bdSize;
    }
    this.txDesc = addr;
  }

  private readStatus(addr: number): number {
    const d = this.bd(addr, 4);
    return d === undefined ? 0 : d.getUint16(2, true);
  }

  private optionBits(addr: number): number {
    const d = this.bd(addr, 12);
    return d === undefined ? 0 : d.getUint32(8, true);
  }

  private bd(addr: number, length: number): DataView | undefined {
    return this.view(addr, length);
  }

  protected interruptAsserted(): boolean {
    return (this.reg(EIR) & this.reg(EIMR)) !== 0;
  }
}

let table: Uint32Array | undefined;

/** The Ethernet FCS: CRC-32 (IEEE 802.3 3.2.9), reflected, as the MAC appends it. */
export function crc32(bytes: Uint8Array): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb8_8320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffff_ffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffff_ffff) >>> 0;
}
