/**
 * Register-level model of an SD Host Controller (SD Host Controller Simplified Specification
 * 3.00) with programmed I/O, in two variants: the standard SDHCI (the BCM2835 Arasan, as QEMU's
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
 */
import type { MemoryBus } from "../memory-bus.ts";
import type { SdCardModel } from "./sd-card.ts";

export interface SdhciModelOptions {
  readonly variant?: "sdhci" | "usdhc";
  /** Capabilities (default 0x052134b4, QEMU's BCM2835_SDHC_CAPAREG). */
  readonly cap?: number;
}

const CMD_DONE = 1, XFER_DONE = 2, BUF_WR = 1 << 4, BUF_RD = 1 << 5, CMD_TIMEOUT = 1 << 16, DATA_TIMEOUT = 1 << 20, ERR = 1 << 15;

export class SdhciModel {
  card: SdCardModel | undefined;
  /** Commands the controller sent, e.g. [17, 0x800]. */
  readonly sent: Array<[number, number]> = [];
  hostctl = 0;
  clk = 0;
  /** Words moved through the data port. */
  dataWords = 0;
  private readonly usdhc: boolean;
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
    const cap = o.cap ?? 0x0521_34b4;
    const reg = (off: number, read: () => number, write: (v: number) => void) => { bus.onRead(base + off, read); bus.onWrite(base + off, write); };
    reg(0x04, () => this.blksize | (this.blkcnt << 16), (v) => { this.blksize = v & 0xfff; this.blkcnt = v >>> 16; });
    reg(0x08, () => this.arg, (v) => { this.arg = v; });
    reg(0x0c, () => this.mode | (this.cmd << 16), (v) => this.issue(this.usdhc ? this.mode : v & 0xffff, v >>> 16));
    for (let i = 0; i < 4; i++) reg(0x10 + 4 * i, () => this.resp[i], () => {});
    reg(0x20, () => this.readData(), (v) => this.writeData(v));
    reg(0x24, () => this.present() | (this.usdhc ? 1 << 3 : 0), () => {}); // uSDHC: SDSTB, clock stable (as QEMU's)
    reg(0x28, () => this.hostctl, (v) => { this.hostctl = v; });
    reg(0x2c, () => this.clk, (v) => {
      if (v & (1 << 24)) this.resetAll();
      if (v & (1 << 26)) { this.reading = this.writing = false; this.count = 0; }
      this.clk = (v & 0x00ff_ffff & ~2) | (v & 1 ? 2 : 0); // internal clock stable at once; resets and INITA self-clear
    });
    reg(0x30, () => this.readStatus(), (v) => { this.status &= ~v; });
    reg(0x34, () => this.enable, (v) => { this.enable = v; this.status &= v; });
    reg(0x38, () => this.signal, (v) => { this.signal = v; });
    reg(0x40, () => cap, () => {});
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
    return (inserted | wp | (this.reading || this.writing ? 2 : 0) | (this.reading && this.count < this.buffer.length ? 1 << 11 : 0) | (this.writing ? 1 << 10 : 0)) >>> 0;
  }

  private raise(bits: number): void { this.status = (this.status | (bits & this.enable)) >>> 0; }

  private resetAll(): void {
    this.blksize = this.blkcnt = this.arg = this.mode = this.cmd = this.status = this.enable = this.signal = this.hostctl = 0;
    this.resp = [0, 0, 0, 0];
    this.reading = this.writing = false;
  }

  private issue(mode: number, cmd: number): void {
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
    if (cmd & (1 << 5) && this.card?.transferring) {
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

  /** Makes the next data phase time out instead of moving data (DTOE). */
  dataTimeout(): void { this.raise(DATA_TIMEOUT); }
}
