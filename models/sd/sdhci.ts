/**
 * Register-level model of an SD Host Controller (SD Host Controller Simplified Specification
 * 3.00) with programmed I/O, SDMA and ADMA2, in two variants: the standard SDHCI (the BCM2835 Arasan, as QEMU's
 * sysbus-sdhci with capareg 0x052134b4: 52 MHz base clock, 3.3 V, version 3.00) and the i.MX
 * uSDHC (as QEMU's imx_usdhc: the transfer mode in MIX_CTRL 0x48, the command alone in
 * CMD_XFR_TYP 0x0C, PROT_CTRL's DTW at bits 2:1). Offsets: BLOCK 0x04, ARG 0x08, CMD 0x0C,
 * RESP 0x10-0x1C, DATA 0x20, PRES 0x24, HOSTCTL/PROT_CTRL 0x28, CLK/SYS_CTRL 0x2C, INT 0x30,
 * INT_EN 0x34, INT_SIGNAL 0x38, CAP 0x40, WTMK_LVL 0x44, MIX_CTRL 0x48, VERSION 0xFC.
 *
 * Like QEMU's model: a status bit is only set when enabled in INT_EN, a command needs the internal
 * and SD clocks on, a read block reaches the buffer (BUF_RD) two status reads after it is due (a
 * card's access time, so a driver must wait for it), a write asks for one at once (BUF_WR), the
 * last word read or written moves the next block, auto-CMD12 ends a multi-block transfer. No card,
 * or a card that does not answer, is a command timeout. Writes to INT are write-1-to-clear.
 *
 * DMA, as QEMU 7.2's hw/sd/sdhci.c does it, over `dma` memory (without it the Capabilities
 * register offers no DMA: the model has no system bus to master). The Transfer Mode's DMA bit is
 * dropped unless the Capabilities offer SDMA (bit 22); DMA select is Host Control 1 bits 4:3
 * (uSDHC: PROT_CTRL DMASEL 9:8). SDMA moves blocks from the SDMA System Address (0x00) and stops
 * with a DMA interrupt (bit 3) at each buffer boundary (Block Size 14:12; the uSDHC's 512 KiB)
 * until the address register is written (as the spec says, where QEMU skips the stops of a
 * transfer that did not start on a boundary). ADMA2 (needs Capabilities bit 19, on the uSDHC 19 or
 * 20) walks 8-byte descriptors from the ADMA System Address (0x58): tran moves its length, link
 * jumps, a descriptor without Valid is an ADMA error in ST_FDS, a table that ends before the
 * block count (or the block count before a descriptor) a length mismatch in ST_TFR (ADMA Error
 * Status 0x54; the error is bit 25 of the interrupt status on both variants, as in QEMU). The
 * transfer runs when the command is issued; transfer complete follows, with auto-CMD12.
 */
import type { MemoryBus } from "../memory-bus.ts";
import type { DmaMemory } from "../mailbox/bcm2835.ts";
import type { SdCardModel } from "./sd-card.ts";

export interface SdhciModelOptions {
  readonly variant?: "sdhci" | "usdhc";
  /** Capabilities (default QEMU's: 0x052134b4, BCM2835_SDHC_CAPAREG, no DMA; the uSDHC 0x057834b4, SDMA, ADMA1 and ADMA2); the DMA bits only count with `dma`. */
  readonly cap?: number;
  /** The memory DMA reads and writes (FakeDma in tests); without it the controller offers no DMA. */
  readonly dma?: DmaMemory;
}

const CMD_DONE = 1, XFER_DONE = 2, DMA_INT = 1 << 3, BUF_WR = 1 << 4, BUF_RD = 1 << 5, CMD_TIMEOUT = 1 << 16, DATA_TIMEOUT = 1 << 20, ADMA_ERR = 1 << 25, ERR = 1 << 15;
const CAP_ADMA2 = 1 << 19, CAP_ADMA1 = 1 << 20, CAP_SDMA = 1 << 22;
/** Descriptors one ADMA2 walk reads at most: a table that links in a loop ends in an ADMA error, not a hang. */
const MAX_DESCRIPTORS = 4096;

export class SdhciModel {
  card: SdCardModel | undefined;
  /** Commands the controller sent, e.g. [17, 0x800]. */
  readonly sent: Array<[number, number]> = [];
  hostctl = 0;
  clk = 0;
  /** Words moved through the data port. */
  dataWords = 0;
  /** Blocks moved by DMA, and ADMA2 descriptors read. */
  dmaBlocks = 0;
  descriptors = 0;
  /** SDMA System Address, ADMA System Address, ADMA Error Status. */
  sdmaAddr = 0;
  admaAddr = 0;
  admaErr = 0;
  private readonly usdhc: boolean;
  private readonly dma?: DmaMemory;
  private readonly cap: number;
  private boundary = 0;
  /** An SDMA transfer stopped at a buffer boundary (until the address is written), or one that failed (until a DAT reset). */
  private dmaActive = false;
  /** The next descriptor read comes back without Valid (memory gone bad): an ADMA error. */
  private corruptNext = false;
  private blksize = 0;
  private blkcnt = 0;
  private arg = 0;
  private mode = 0;
  private cmd = 0;
  private resp = [0, 0, 0, 0];
  private status = 0;
  private enable = 0;
  private signal = 0;
  private wtmk = 0x0810_0810;
  private buffer: Uint8Array = new Uint8Array(0);
  private count = 0;
  private reading = false;
  /** Status reads until the next read block is in the buffer (a card's access time): a driver that skips waiting for BUF_RD reads zeros. */
  private loadIn = 0;
  private writing = false;

  constructor(bus: MemoryBus, base: number, card: SdCardModel | undefined, o: SdhciModelOptions = {}) {
    this.card = card;
    this.usdhc = o.variant === "usdhc";
    this.dma = o.dma;
    let cap = o.cap ?? (this.usdhc ? 0x0578_34b4 : 0x0521_34b4);
    if (!o.dma) cap &= ~(CAP_ADMA2 | CAP_ADMA1 | CAP_SDMA);
    this.cap = cap >>> 0;
    const reg = (off: number, read: () => number, write: (v: number) => void) => { bus.onRead(base + off, read); bus.onWrite(base + off, write); };
    reg(0x00, () => this.sdmaAddr, (v) => { this.sdmaAddr = v >>> 0; if (this.dmaActive && this.sdmaKind()) this.sdma(); });
    reg(0x04, () => this.blksize | (this.boundary << 12) | (this.blkcnt << 16), (v) => { this.blksize = v & 0xfff; this.boundary = this.usdhc ? 7 : (v >>> 12) & 7; this.blkcnt = v >>> 16; });
    reg(0x08, () => this.arg, (v) => { this.arg = v; });
    reg(0x0c, () => this.mode | (this.cmd << 16), (v) => this.issue(this.usdhc ? this.mode : v & 0xffff, v >>> 16));
    for (let i = 0; i < 4; i++) reg(0x10 + 4 * i, () => this.resp[i], () => {});
    reg(0x20, () => this.readData(), (v) => this.writeData(v));
    reg(0x24, () => this.present() | (this.usdhc ? 1 << 3 : 0), () => {}); // uSDHC: SDSTB, clock stable (as QEMU's)
    reg(0x28, () => this.hostctl, (v) => { this.hostctl = v; });
    reg(0x2c, () => this.clk, (v) => {
      if (v & (1 << 24)) this.resetAll();
      if (v & (1 << 26)) { this.reading = this.writing = this.dmaActive = false; this.count = 0; }
      this.clk = (v & 0x00ff_ffff & ~2) | (v & 1 ? 2 : 0); // internal clock stable at once; resets and INITA self-clear
    });
    reg(0x30, () => this.readStatus(), (v) => { this.status &= ~v; });
    reg(0x34, () => this.enable, (v) => { this.enable = v; this.status &= v; });
    reg(0x38, () => this.signal, (v) => { this.signal = v; });
    reg(0x40, () => this.cap, () => {});
    reg(0x54, () => this.admaErr, (v) => { this.admaErr = v & 0xf; });
    reg(0x58, () => this.admaAddr, (v) => { this.admaAddr = v >>> 0; });
    reg(0xfc, () => 0x0002_0000 | 0x99 << 24, () => {});
    if (this.usdhc) {
      reg(0x44, () => this.wtmk, (v) => { this.wtmk = v; });
      reg(0x48, () => this.mode, (v) => { this.mode = v & 0xff; });
    }
  }

  /** Data width the host selected: 4 when HOSTCTL bit 1 (SDHCI) or PROT_CTRL DTW 01 (uSDHC). */
  get busWidth(): number { return this.hostctl & 2 ? 4 : 1; }

  private present(): number {
    const inserted = this.card ? (1 << 16) | (1 << 17) | (1 << 18) : 1 << 17;
    const wp = this.card && !this.card.writeProtected ? 1 << 19 : 0;
    return (inserted | wp | (this.reading || this.writing || this.dmaActive ? 2 : 0) | (this.reading && this.count < this.buffer.length ? 1 << 11 : 0) | (this.writing ? 1 << 10 : 0)) >>> 0;
  }

  private raise(bits: number): void { this.status = (this.status | (bits & this.enable)) >>> 0; }

  private resetAll(): void {
    this.blksize = this.blkcnt = this.arg = this.mode = this.cmd = this.status = this.enable = this.signal = this.hostctl = 0;
    this.resp = [0, 0, 0, 0];
    this.reading = this.writing = this.dmaActive = false;
    this.sdmaAddr = this.admaAddr = this.admaErr = 0;
  }

  private issue(mode: number, cmd: number): void {
    if (!(this.cap & CAP_SDMA)) mode &= ~1; // QEMU: "DMA can be enabled only if it is supported as indicated by capabilities register"
    this.mode = mode;
    this.cmd = cmd;
    // QEMU: a command needs internal clock, stable and SD clock on (SDHC_CLOCK_IS_ON).
    if ((this.clk & 7) !== 7) return;
    const index = (cmd >>> 8) & 0x3f;
    this.sent.push([index, this.arg]);
    const r = this.card ? this.card.command(index, this.arg) : null;
    const rspType = cmd & 3;
    if (rspType) {
      if (r === null) { this.raise(CMD_TIMEOUT); return; }
      this.resp = rspType === 1 ? [r[0] ?? 0, r[1] ?? 0, r[2] ?? 0, r[3] ?? 0] : [r[0] ?? 0, 0, 0, this.resp[3]];
    }
    this.raise(CMD_DONE);
    if (cmd & (1 << 5) && this.card?.transferring && mode & 1) {
      const kind = this.usdhc ? (this.hostctl >>> 8) & 3 : (this.hostctl >>> 3) & 3;
      if (kind === 0) { this.dmaActive = true; this.sdma(); }
      else if (kind === 2 && this.cap & (this.usdhc ? CAP_ADMA2 | CAP_ADMA1 : CAP_ADMA2)) this.adma2();
      // Other selections (ADMA1, 64-bit ADMA2) move nothing, as QEMU's "Unsupported DMA type".
    } else if (cmd & (1 << 5) && this.card?.transferring) {
      if (mode & (1 << 4)) { this.reading = true; this.nextRead(); } else { this.writing = true; this.count = 0; this.buffer = new Uint8Array(this.blksize); this.raise(BUF_WR); }
    }
  }

  private nextRead(): void {
    this.buffer = new Uint8Array(0);
    this.count = 0;
    this.loadIn = 2;
  }

  private readStatus(): number {
    if (this.reading && this.loadIn > 0 && --this.loadIn === 0) {
      this.buffer = this.card!.readBlock().subarray(0, this.blksize);
      this.raise(BUF_RD);
    }
    return this.status | (this.status >>> 16 ? ERR : 0);
  }

  private readData(): number {
    if (!this.reading || this.count >= this.buffer.length) return 0;
    const b = this.buffer, i = this.count;
    this.count += 4;
    this.dataWords++;
    if (this.count >= b.length) {
      if (this.mode & 2) this.blkcnt--;
      if (!(this.mode & (1 << 5)) || this.blkcnt === 0) this.end(); else this.nextRead();
    }
    return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  }

  private writeData(v: number): void {
    if (!this.writing) return;
    this.dataWords++;
    for (let k = 0; k < 4; k++) this.buffer[this.count++] = (v >>> (8 * k)) & 0xff;
    if (this.count < this.buffer.length) return;
    this.card!.writeBlock(this.buffer);
    this.count = 0;
    if (this.mode & 2) this.blkcnt--;
    if (!(this.mode & (1 << 5)) || this.blkcnt === 0) this.end(); else this.raise(BUF_WR);
  }

  private end(): void {
    if (this.mode & (1 << 5) && this.mode & (1 << 2)) {
      this.sent.push([12, 0]);
      const r = this.card!.command(12, 0);
      this.resp[3] = r ? r[0] : 0;
    }
    this.reading = this.writing = false;
    this.raise(XFER_DONE);
  }

  private sdmaKind(): boolean {
    return (this.usdhc ? (this.hostctl >>> 8) & 3 : (this.hostctl >>> 3) & 3) === 0;
  }

  /** One block between the card and DMA memory at `addr`. */
  private dmaBlock(addr: number): void {
    const n = this.blksize;
    const view = this.dma!.view(addr, n);
    const bytes = new Uint8Array(view.buffer, view.byteOffset, n);
    if (this.mode & (1 << 4)) bytes.set(this.card!.readBlock().subarray(0, n));
    else this.card!.writeBlock(bytes.slice());
    this.dmaBlocks++;
    this.blkcnt--;
  }

  /**
   * SDMA: blocks until the count is done, or a stop with the DMA interrupt at each buffer boundary
   * (2.2.2, 3.7.2.2; QEMU 7.2 stops only when the transfer started on a boundary, a concession to
   * drivers that ignore the interrupt, which would leave the driver's resume path untested here).
   */
  private sdma(): void {
    const boundary = 4096 << this.boundary;
    while (this.blkcnt > 0) {
      this.dmaBlock(this.sdmaAddr);
      this.sdmaAddr = (this.sdmaAddr + this.blksize) >>> 0;
      if (!(this.mode & (1 << 5))) break;
      if (this.blkcnt > 0 && this.sdmaAddr % boundary === 0) { this.raise(DMA_INT); return; }
    }
    this.dmaActive = false;
    this.end();
  }

  /** ADMA2: the descriptor walk (1.13.4), bytes streamed block by block. */
  private adma2(): void {
    const dma = this.dma!;
    let block: Uint8Array | null = null, at = 0;
    const reading = (this.mode & (1 << 4)) !== 0;
    const fail = (state: number, mismatch: boolean) => {
      this.admaErr = state | (mismatch ? 4 : 0);
      this.dmaActive = true;
      this.raise(ADMA_ERR);
    };
    for (let n = 0; n < MAX_DESCRIPTORS; n++) {
      const d = dma.view(this.admaAddr, 8);
      let attr = d.getUint16(0, true) & 0x3f;
      const length = d.getUint16(2, true) || 65536, addr = (d.getUint32(4, true) & ~3) >>> 0;
      this.descriptors++;
      if (this.corruptNext) { this.corruptNext = false; attr &= ~1; }
      if (!(attr & 1)) { fail(1, false); return; } // ST_FDS: a descriptor without Valid
      if (((attr >>> 4) & 3) === 3) { this.admaAddr = addr; continue; } // link
      let left = 0;
      if (((attr >>> 4) & 3) === 2) {
        const v = dma.view(addr, length), mem = new Uint8Array(v.buffer, v.byteOffset, length);
        let o = 0;
        while (o < length && this.blkcnt > 0) {
          if (block === null) { block = reading ? this.card!.readBlock().subarray(0, this.blksize) : new Uint8Array(this.blksize); at = 0; }
          const k = Math.min(length - o, this.blksize - at);
          if (reading) mem.set(block.subarray(at, at + k), o); else block.set(mem.subarray(o, o + k), at);
          o += k; at += k;
          if (at === this.blksize) {
            if (!reading) this.card!.writeBlock(block);
            block = null;
            this.dmaBlocks++;
            this.blkcnt--;
          }
        }
        left = length - o;
      }
      this.admaAddr = (this.admaAddr + 8) >>> 0;
      if (this.blkcnt === 0 || attr & 2) {
        if (left || (attr & 2 && this.blkcnt !== 0)) fail(3, true); // ST_TFR, length mismatch; QEMU ends the transfer all the same
        this.dmaActive = false;
        this.end();
        return;
      }
    }
    fail(1, false);
  }

  /** Makes the next ADMA2 descriptor read come back without its Valid bit (an ADMA error in ST_FDS). */
  corruptNextDescriptor(): void { this.corruptNext = true; }

  /** Makes the next data phase time out instead of moving data (DTOE). */
  dataTimeout(): void { this.raise(DATA_TIMEOUT); }
}
