/**
 * An SD memory card in SPI mode on an SpiBus (drivers/interfaces/spi-bus.ts), as a BlockDevice of
 * 512-byte blocks: QEMU's sifive_u has one (ssi-sd) on the FU540's SPI2.
 *
 * Follows the SD Physical Layer Simplified Specification Version 9.00, chapter 7 "SPI Mode":
 * power-up with at least 74 clocks and CS high (7.2.1, 6.4.1), CMD0 with CS asserted selects SPI
 * mode (7.2.1), CMD0 and CMD8 carry a valid CRC7 (7.2.2: CRC is off otherwise, so data CRCs are
 * sent as 0xFFFF and not checked), CMD8 (7.2.1: an illegal-command R1 is a version 1.x card),
 * ACMD41 with HCS until R1 leaves the idle state (1 s, 4.2.3.1), CMD58 for the OCR's CCS (7.3.1.3),
 * CMD9's CSD as a data block (7.2.6), CMD16 for SDSC, the command frame (7.3.1.1), R1/R2/R3/R7
 * (7.3.2), data tokens 0xFE/0xFC/0xFD, data-error and data-response tokens (7.3.3), CMD18 ended by
 * CMD12 with its stuff byte and busy (7.2.3, 7.5.2.3), CMD25 ended by the stop tran token and busy
 * (7.2.4), CMD13 after writes (7.3.2.3). Ncr (at most 8 bytes before a response, 7.5.4) bounds
 * response waits; data token and busy waits are bounded by poll counts.
 */
import { BlockDeviceError, type BlockDevice } from "../block/block-device.ts";
import { checkRead, checkWrite } from "../block/bounds.ts";
import type { SpiBus } from "../interfaces/spi-bus.ts";
import { csdBlocks } from "./sd-card.ts";

const BLOCK = 512;
/** R1 bits (7.3.2.1): in idle state 0, illegal command 2; the error bits 1-6. */
const R1_IDLE = 0x01, R1_ILLEGAL = 0x04, R1_ERRORS = 0x7e;
const TOKEN_START = 0xfe, TOKEN_MULTI_WRITE = 0xfc, TOKEN_STOP = 0xfd;

/** CRC7 of a command frame's first five bytes (4.5: G(x) = x^7 + x^3 + 1), as the frame's last byte with the end bit. */
export function crc7Byte(frame: ArrayLike<number>): number {
  let crc = 0;
  for (let i = 0; i < 5; i++) {
    let b = frame[i];
    for (let k = 0; k < 8; k++) {
      crc <<= 1;
      if ((b ^ crc) & 0x80) crc ^= 0x09;
      b <<= 1;
    }
  }
  return ((crc & 0x7f) << 1) | 1;
}

export interface SdSpiCardOptions {
  readonly spi: SpiBus;
  /** Data clock after initialisation (default 25 MHz). */
  readonly clockHz?: number;
  /** ACMD41 attempts before giving up (default 100,000); with `now`, also the spec's 1 s. */
  readonly maxInitPolls?: number;
  readonly now?: () => number;
  /** Bytes read waiting for a data token or the end of busy (default 1,000,000). */
  readonly maxWaitBytes?: number;
}

export interface SdSpiCardInfo {
  readonly highCapacity: boolean;
  readonly csdVersion: number;
  readonly blockCount: number;
}

function hex(n: number): string { return "0x" + (n >>> 0).toString(16); }

export class SdSpiCard implements BlockDevice {
  readonly blockSize = BLOCK;
  readonly readOnly = false;
  private readonly spi: SpiBus;
  private readonly o: SdSpiCardOptions;
  private card: SdSpiCardInfo | undefined;
  private readonly frame = new Uint8Array(6);

  constructor(options: SdSpiCardOptions) {
    this.spi = options.spi;
    this.o = options;
    for (const [name, v] of [["maxInitPolls", options.maxInitPolls], ["maxWaitBytes", options.maxWaitBytes]] as const) {
      if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) throw new RangeError(`SdSpiCard: ${name} ${v} is not a positive integer`);
    }
  }

  get info(): SdSpiCardInfo {
    if (!this.card) throw new Error("SdSpiCard: init() first");
    return this.card;
  }
  get blockCount(): number { return this.info.blockCount; }

  /** 7.2.1: power-up clocks, CMD0, CMD8, ACMD41, CMD58, CMD9, CMD16 (SDSC), then the data clock. */
  init(): SdSpiCardInfo {
    const spi = this.spi;
    spi.setClock(400_000);
    spi.idle(10); // 80 clocks, CS high
    let r1 = 0xff;
    for (let i = 0; i < 10 && r1 !== R1_IDLE; i++) r1 = this.command("CMD0", 0, 0, 0);
    if (r1 !== R1_IDLE) throw new BlockDeviceError(`${spi.name}: no card answered CMD0 with the idle state (R1 ${hex(r1)})`, "ENOMEDIUM");
    // CMD8: R7 echoes the check pattern; an illegal-command R1 is a version 1.x card.
    const r7 = new Uint8Array(4);
    r1 = this.command("CMD8", 8, 0x1aa, 4, r7);
    const v2 = !(r1 & R1_ILLEGAL);
    if (v2) {
      if (r1 & R1_ERRORS) throw this.r1Error("CMD8", 0x1aa, r1);
      if ((r7[2] & 0xf) !== 1 || r7[3] !== 0xaa) throw new BlockDeviceError(`${spi.name}: CMD8 echoed ${hex(((r7[2] & 0xf) << 8) | r7[3])}, not 0x1aa`, "EIO");
    }
    const limit = this.o.maxInitPolls ?? 100_000, start = this.o.now?.();
    for (let i = 0; ; i++) {
      r1 = this.command("CMD55", 55, 0, 0);
      if (r1 & R1_ERRORS) throw this.r1Error("CMD55 (before ACMD41)", 0, r1);
      r1 = this.command("ACMD41", 41, v2 ? 0x4000_0000 : 0, 0);
      if (r1 & R1_ERRORS) throw this.r1Error("ACMD41", v2 ? 0x4000_0000 : 0, r1);
      if (!(r1 & R1_IDLE)) break;
      if (i + 1 >= limit || (start !== undefined && this.o.now!() - start > 1000)) throw new BlockDeviceError(`${spi.name}: ACMD41: the card stayed in the idle state (R1 ${hex(r1)}) after ${i + 1} attempts`, "ETIMEDOUT");
    }
    let highCapacity = false;
    if (v2) {
      const ocr = new Uint8Array(4);
      r1 = this.command("CMD58", 58, 0, 4, ocr);
      if (r1 & R1_ERRORS) throw this.r1Error("CMD58", 0, r1);
      highCapacity = (ocr[0] & 0x40) !== 0; // OCR bit 30, CCS
    }
    // CSD as a 16-byte data block (7.2.6).
    const csd = new Uint8Array(16);
    this.readCommand("CMD9", 9, 0, csd, 0, 1, 16);
    const words = [0, 1, 2, 3].map((w) => {
      const lo = 14 - 4 * w; // byte 15 is the CRC; byte 14 holds bits 15:8
      return ((csd[lo] | (csd[lo - 1] << 8) | (csd[lo - 2] << 16) | ((lo - 3 >= 0 ? csd[lo - 3] : 0) << 24)) >>> 0);
    });
    const { version, blocks } = csdBlocks(words);
    if (!highCapacity) {
      r1 = this.command("CMD16", 16, BLOCK, 0);
      if (r1 & R1_ERRORS) throw this.r1Error("CMD16", BLOCK, r1);
    }
    spi.setClock(this.o.clockHz ?? 25_000_000);
    return (this.card = { highCapacity, csdVersion: version, blockCount: blocks });
  }

  async read(lba: number, count: number, into?: Uint8Array): Promise<Uint8Array> {
    const { highCapacity } = this.info;
    const buf = checkRead(this, this.spi.name, lba, count, into);
    const addr = highCapacity ? lba : lba * BLOCK;
    if (count === 1) this.readCommand("CMD17", 17, addr, buf, 0, 1, BLOCK);
    else this.readCommand("CMD18", 18, addr, buf, 0, count, BLOCK);
    return buf;
  }

  async write(lba: number, data: Uint8Array): Promise<void> {
    const { highCapacity } = this.info;
    const count = checkWrite(this, this.spi.name, lba, data);
    const addr = highCapacity ? lba : lba * BLOCK;
    const spi = this.spi;
    const label = count === 1 ? "CMD24" : "CMD25";
    spi.select();
    try {
      const r1 = this.send(label, count === 1 ? 24 : 25, addr);
      if (r1 !== 0) throw this.r1Error(label, addr, r1);
      spi.transfer(0xff); // Nwr: at least one byte before the token (7.5.3)
      for (let b = 0; b < count; b++) {
        spi.transfer(count === 1 ? TOKEN_START : TOKEN_MULTI_WRITE);
        spi.send(data, b * BLOCK, BLOCK);
        spi.transfer(0xff); spi.transfer(0xff); // CRC16, not checked in SPI mode (7.2.2)
        const resp = this.waitByte((v) => v !== 0xff, `${label} data response (block ${b})`, 16) & 0x1f;
        if (resp !== 0x05) throw new BlockDeviceError(`${spi.name}: ${label} (argument ${hex(addr)}) block ${b}: data response ${hex(resp)} (${resp === 0x0b ? "CRC error" : resp === 0x0d ? "write error" : "not accepted"})`, "EIO");
        this.waitNotBusy(`${label} block ${b}`);
      }
      if (count > 1) {
        spi.transfer(TOKEN_STOP);
        spi.transfer(0xff);
        this.waitNotBusy(`${label} stop token`);
      }
    } finally {
      spi.deselect();
    }
    // CMD13 (R2): any error in the programming shows here (7.3.2.3).
    const r2 = new Uint8Array(1);
    const r1 = this.command("CMD13", 13, 0, 1, r2);
    if (r1 & R1_ERRORS || r2[0]) throw new BlockDeviceError(`${spi.name}: CMD13 after ${label}: R2 ${hex((r1 << 8) | r2[0])}`, "EIO");
  }

  /** Writes are programmed before write() returns (busy is waited out, 7.2.4). */
  async flush(): Promise<void> { this.info; }

  /** A command that returns `blocks` data blocks of `size` bytes into `buf` at `offset`; CMD12 after several. */
  private readCommand(label: string, index: number, arg: number, buf: Uint8Array, offset: number, blocks: number, size: number): void {
    const spi = this.spi;
    spi.select();
    try {
      const r1 = this.send(label, index, arg);
      if (r1 !== 0) throw this.r1Error(label, arg, r1);
      for (let b = 0; b < blocks; b++) {
        const token = this.waitByte((v) => v !== 0xff, `${label} data token (block ${b})`, this.o.maxWaitBytes ?? 1_000_000);
        if (token !== TOKEN_START) throw new BlockDeviceError(`${spi.name}: ${label} (argument ${hex(arg)}) block ${b}: data error token ${hex(token)} (${token & 8 ? "out of range" : token & 4 ? "card ECC failed" : token & 2 ? "CC error" : "error"})`, "EIO");
        spi.receive(buf, offset + b * size, size);
        spi.transfer(0xff); spi.transfer(0xff); // CRC16
      }
      if (blocks > 1) {
        this.frameOut(12, 0);
        spi.transfer(0xff); // the stuff byte after CMD12 (7.5.2.3)
        const r = this.waitByte((v) => !(v & 0x80), "CMD12 response", 8);
        if (r & R1_ERRORS) throw this.r1Error("CMD12", 0, r);
        this.waitNotBusy("CMD12");
      }
    } finally {
      spi.deselect();
    }
  }

  /** Selects, sends a command, reads R1 and `extra` response bytes, deselects. */
  private command(label: string, index: number, arg: number, extra: number, out?: Uint8Array): number {
    const spi = this.spi;
    spi.select();
    try {
      const r1 = this.send(label, index, arg, index === 0);
      for (let i = 0; i < extra; i++) {
        const v = spi.transfer(0xff);
        if (out) out[i] = v;
      }
      return r1;
    } finally {
      spi.deselect();
    }
  }

  /** The 6-byte frame (7.3.1.1), then R1 within Ncr; a missing one is ETIMEDOUT naming the command. */
  private send(label: string, index: number, arg: number, idleOk = false): number {
    this.frameOut(index, arg);
    let r1 = 0xff;
    for (let i = 0; i < 8 && r1 & 0x80; i++) r1 = this.spi.transfer(0xff);
    if (r1 & 0x80) {
      if (idleOk) return r1;
      throw new BlockDeviceError(`${this.spi.name}: ${label} (argument ${hex(arg)}): no response within 8 bytes (last ${hex(r1)})`, "ETIMEDOUT");
    }
    return r1;
  }

  private frameOut(index: number, arg: number): void {
    const f = this.frame;
    f[0] = 0x40 | index; f[1] = arg >>> 24; f[2] = arg >>> 16; f[3] = arg >>> 8; f[4] = arg;
    f[5] = crc7Byte(f);
    this.spi.transfer(0xff);
    for (let i = 0; i < 6; i++) this.spi.transfer(f[i]);
  }

  private waitByte(done: (v: number) => boolean, what: string, max: number): number {
    let v = 0xff;
    for (let i = 0; i < max; i++) {
      v = this.spi.transfer(0xff);
      if (done(v)) return v;
    }
    throw new BlockDeviceError(`${this.spi.name}: ${what}: nothing within ${max} bytes (last ${hex(v)})`, "ETIMEDOUT");
  }

  private waitNotBusy(what: string): void {
    this.waitByte((v) => v === 0xff, `${what}: the card stayed busy`, this.o.maxWaitBytes ?? 1_000_000);
  }

  private r1Error(label: string, arg: number, r1: number): BlockDeviceError {
    const names = ["idle", "erase reset", "illegal command", "command CRC error", "erase sequence error", "address error", "parameter error"].filter((_, i) => r1 & (1 << i));
    return new BlockDeviceError(`${this.spi.name}: ${label} (argument ${hex(arg)}): R1 ${hex(r1)} (${names.join(", ")})`, "EIO");
  }
}
