/**
 * An SD memory card in SPI mode at the byte level (SD Physical Layer Simplified Specification
 * 9.00, chapter 7), for the SPI controller models: command frames (7.3.1.1; the CRC7 of CMD0 and
 * CMD8 is checked, a bad one answers R1 0x08), R1/R3/R7/R2 (7.3.2) one byte after the frame,
 * ACMD41 idle for `busyPolls` attempts, CMD58's OCR with CCS, CMD9's CSD as a data block, CMD17/
 * CMD18 data tokens with CMD12 interrupting a multi-block read, CMD24/CMD25 data and stop tokens
 * answered with the data response 0x05 and two busy bytes. SDSC addresses are bytes. Unselected,
 * it answers 0xFF and ignores its input.
 */
import type { SpiDeviceModel } from "../spi/sifive-spi.ts";

export interface SdSpiCardModelOptions {
  readonly sdhc?: boolean;
  /** A version 1.x card: CMD8 is an illegal command. */
  readonly v1?: boolean;
  readonly busyPolls?: number;
  /** Never answers this command (no R1 within Ncr). */
  readonly silent?: number;
  /** No card: nothing ever drives DO. */
  readonly absent?: boolean;
}

const BLOCK = 512;

export class SdSpiCardModel implements SpiDeviceModel {
  readonly image: Uint8Array;
  /** Commands as "CMD17:800", ACMDs prefixed "A". */
  readonly commands: string[] = [];
  private readonly o: SdSpiCardModelOptions;
  private readonly out: number[] = [];
  private frame: number[] = [];
  private idle = true;
  private app = false;
  private busy: number;
  private mode: "cmd" | "read" | "write" = "cmd";
  private addr = 0;
  private multi = false;
  private data: number[] | null = null;

  constructor(image: Uint8Array, o: SdSpiCardModelOptions = {}) {
    this.image = image;
    this.o = o;
    this.busy = o.busyPolls ?? 2;
  }

  transfer(tx: number, selected: boolean): number {
    if (!selected || this.o.absent) return 0xff;
    const reply = this.out.length ? this.out.shift()! : 0xff;
    if (this.mode === "write") { this.writeByte(tx); return reply; }
    if (this.frame.length || (tx & 0xc0) === 0x40) {
      this.frame.push(tx);
      if (this.frame.length === 6) { const f = this.frame; this.frame = []; this.execute(f); }
    } else if (this.mode === "read" && this.out.length < 4) {
      this.queueBlock();
    }
    return reply;
  }

  private r1(): number { return this.idle ? 1 : 0; }

  private execute(f: number[]): void {
    const index = f[0] & 0x3f, arg = ((f[1] << 24) | (f[2] << 16) | (f[3] << 8) | f[4]) >>> 0;
    const app = this.app;
    this.app = false;
    this.commands.push(`${app ? "A" : ""}CMD${index}${arg ? ":" + arg.toString(16) : ""}`);
    if (index === 12 && this.mode === "read") {
      this.out.length = 0;
      this.mode = "cmd";
      this.out.push(0xff, 0xff, 0x00, 0x00, 0xff); // stuff byte, Ncr, R1, busy
      return;
    }
    if (index === this.o.silent) return;
    if ((index === 0 || index === 8) && crc(f) !== f[5]) { this.out.push(0xff, 0x08 | this.r1()); return; }
    const r = (...bytes: number[]) => this.out.push(0xff, ...bytes);
    if (app) {
      if (index === 41) {
        if (this.busy-- <= 0) this.idle = false;
        r(this.r1());
      } else r(0x04 | this.r1());
      return;
    }
    switch (index) {
      case 0: this.idle = true; r(0x01); return;
      case 8: if (this.o.v1) r(0x05); else r(this.r1(), 0, 0, arg >>> 8 & 0xf, arg & 0xff); return;
      case 55: this.app = true; r(this.r1()); return;
      case 58: r(this.r1(), (this.idle ? 0 : 0x80) | (this.o.sdhc ? 0x40 : 0), 0xff, 0x80, 0); return;
      case 9: r(this.r1(), 0xff, 0xfe, ...this.csd(), 0xff, 0xff); return;
      case 16: r(this.r1()); return;
      case 13: r(this.r1(), 0); return;
      case 17: case 18: case 24: case 25: {
        const a = this.o.sdhc ? arg : arg / BLOCK;
        if (a >= this.image.length / BLOCK || a !== Math.floor(a)) { r(0x40 | this.r1()); return; } // parameter error
        this.addr = a;
        this.multi = index === 18 || index === 25;
        r(0);
        if (index <= 18) { this.mode = "read"; this.queueBlock(); } else { this.mode = "write"; this.data = null; }
        return;
      }
      default: r(0x04 | this.r1());
    }
  }

  private queueBlock(): void {
    if (this.addr >= this.image.length / BLOCK) { this.out.push(0x08); this.mode = "cmd"; return; } // out-of-range error token
    this.out.push(0xff, 0xfe, ...this.image.subarray(this.addr * BLOCK, (this.addr + 1) * BLOCK), 0xff, 0xff);
    this.addr++;
    if (!this.multi) this.mode = "cmd";
  }

  private writeByte(tx: number): void {
    if (this.data === null) {
      if (tx === 0xfe || tx === 0xfc) this.data = [];
      else if (tx === 0xfd && this.multi) { this.out.push(0xff, 0x00, 0x00); this.mode = "cmd"; }
      return;
    }
    this.data.push(tx);
    if (this.data.length < BLOCK + 2) return;
    this.image.set(this.data.slice(0, BLOCK), this.addr * BLOCK);
    this.addr++;
    this.data = null;
    this.out.push(0x05, 0x00, 0x00);
    if (!this.multi) this.mode = "cmd";
  }

  /** CSD (5.3) as 16 bytes, most significant first: v2.0 C_SIZE at 69:48, v1.0 READ_BL_LEN 9, C_SIZE_MULT 7, C_SIZE 73:62. */
  private csd(): number[] {
    const bytes = new Array<number>(16).fill(0);
    const put = (hi: number, lo: number, v: number) => { for (let n = lo; n <= hi; n++) if (Math.floor(v / 2 ** (n - lo)) % 2) bytes[15 - (n >> 3)] |= 1 << (n & 7); };
    const blocks = this.image.length / BLOCK;
    if (this.o.sdhc) { put(127, 126, 1); put(69, 48, blocks / 1024 - 1); } else { put(83, 80, 9); put(49, 47, 7); put(73, 62, blocks / 512 - 1); }
    return bytes;
  }
}

/** CRC7 with the end bit (4.5), written out here independently of the driver. */
function crc(f: number[]): number {
  let c = 0;
  for (let i = 0; i < 40; i++) {
    const bit = (f[i >> 3] >> (7 - (i & 7))) & 1;
    const top = (c >> 6) & 1;
    c = (c << 1) & 0x7f;
    if (bit ^ top) c ^= 0x09;
  }
  return (c << 1) | 1;
}
