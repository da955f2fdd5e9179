/**
 * SD Host Controller (SDHCI) driver: the Arasan "EMMC" controller of the BCM2835/BCM2836
 * (peripheral base + 0x300000), which QEMU's raspi machines attach `-drive if=sd` to
 * (docs/storage.md), and the base of the i.MX uSDHC driver (imx-usdhc.ts).
 *
 * Follows the SD Host Controller Simplified Specification Version 3.00 (SD Association, 2011):
 * register map (2.1), Present State (2.2.9), Host Control 1 (2.2.11: data transfer width, DMA
 * select), Power Control (2.2.12), Clock Control (2.2.14, 3.2: internal clock, stable, SD clock,
 * the 10-bit divided clock mode of version 3.00 and the power-of-two divisor before it), Software
 * Reset (2.2.16), the interrupt status/enable registers (2.2.17-2.2.21), command issue (3.7.1.1)
 * and the data transfers: with the buffer data port (3.7.2.1, "not using DMA"), with SDMA (3.7.2.2)
 * and with ADMA2 (3.7.2.3, the descriptor table of 1.13.4). Which one is chosen at reset() from the
 * Capabilities register (2.2.26: ADMA2 bit 19, SDMA bit 22) when the caller gave DMA memory:
 * ADMA2, else SDMA, else the buffer port. DMA moves the data through one bounce buffer in hal.dma
 * (the bytes end in a JS Uint8Array either way; a Uint8Array.set is a memcpy, where the buffer port
 * costs a register access per word), so one data command moves at most that buffer (maxBlocks).
 */
import type { DmaAllocator } from "hal";
import { defineRegisters, ro, rw, w1c, type PolledDeviceOptions } from "../../hal/register.ts";
import { pollOptions, pollUntil, PollTimeoutError, type PollOptions } from "../../hal/poll.ts";
import { BlockDeviceError } from "../block/block-device.ts";
import { CARD_STATUS_ERRORS, type SdData, type SdHost, type SdResponse } from "./sd-host.ts";

/** Transfer Mode (2.2.5, low half of 0x0C) and Command (2.2.6, high half). */
export enum CMD {
  DMA_EN = 1 << 0, BLKCNT_EN = 1 << 1, AUTO_CMD12 = 1 << 2, READ = 1 << 4, MULTI = 1 << 5,
  RSP_136 = 1 << 16, RSP_48 = 2 << 16, RSP_48_BUSY = 3 << 16, CRC_CHECK = 1 << 19, INDEX_CHECK = 1 << 20, DATA_PRESENT = 1 << 21,
  INDEX = 0x3f << 24,
}
/** Present State (2.2.9). */
export enum PRES { CMD_INHIBIT = 1 << 0, DAT_INHIBIT = 1 << 1, BUF_WR_EN = 1 << 10, BUF_RD_EN = 1 << 11, CARD_INSERTED = 1 << 16, WRITE_ENABLED = 1 << 19 }
/** Host Control 1 (0x28: data width 1, DMA select 4:3), Power Control (0x29). */
export enum HOSTCTL { WIDTH_4 = 1 << 1, DMA_SELECT = 3 << 3, DMA_SDMA = 0, DMA_ADMA2 = 2 << 3, POWER_ON = 1 << 8, VOLTS_3V3 = 7 << 9 }
/** Block Size (2.2.2, 0x04): the SDMA buffer boundary (14:12), 7 = 512 KiB. */
export enum BLOCK { SDMA_BOUNDARY_512K = 7 << 12 }
/** Clock Control (0x2C), Timeout Control (0x2E), Software Reset (0x2F). */
export enum CLK {
  INT_EN = 1 << 0, INT_STABLE = 1 << 1, SD_EN = 1 << 2, FREQ_HI = 3 << 6, FREQ = 0xff << 8,
  TIMEOUT = 0xf << 16, RESET_ALL = 1 << 24, RESET_CMD = 1 << 25, RESET_DAT = 1 << 26,
}
/** Normal (low half) and Error (high half) Interrupt Status (2.2.17, 2.2.18). */
export enum INT {
  CMD_DONE = 1 << 0, XFER_DONE = 1 << 1, DMA = 1 << 3, BUF_WR = 1 << 4, BUF_RD = 1 << 5,
  CMD_TIMEOUT = 1 << 16, CMD_CRC = 1 << 17, CMD_END_BIT = 1 << 18, CMD_INDEX = 1 << 19,
  DATA_TIMEOUT = 1 << 20, DATA_CRC = 1 << 21, DATA_END_BIT = 1 << 22, AUTO_CMD12 = 1 << 24, ADMA = 1 << 25,
  ERRORS = 0xffff << 16,
}
/** Capabilities (2.2.26): base clock for SD clock, MHz (bits 13:8 in 2.00, 15:8 in 3.00); ADMA2, SDMA. */
export enum CAP { BASE_CLOCK = 0xff << 8, ADMA2 = 1 << 19, SDMA = 1 << 22, VOLTS_3V3 = 1 << 24 }
/** ADMA Error Status (2.2.30, 0x54): the state the ADMA stopped in (ST_STOP 0, ST_FDS 1, ST_TFR 3), length mismatch. */
export enum ADMA_ERR { STATE = 3, LENGTH_MISMATCH = 1 << 2, DESCRIPTOR = 1 << 3 }
/** Host Controller Version (2.2.33), high half of 0xFC: 0 = 1.00, 1 = 2.00, 2 = 3.00. */
export enum VERSION { SPEC = 0xff << 16 }
/** An ADMA2 descriptor's attributes (1.13.4, Table 1-10): valid, end, interrupt, action (Act2:Act1) tran 10b, link 11b. */
export enum ADMA2 { VALID = 1 << 0, END = 1 << 1, INT = 1 << 2, ACT_TRAN = 2 << 4, ACT_LINK = 3 << 4 }

/** Identification clock: at most 400 kHz (SD Physical Layer 4.2). */
export const ID_CLOCK = 400_000;
/** Bytes per ADMA2 descriptor: a 16-bit length field (1.13.4), so 32 KiB keeps every length a power of two and never 0 (which 3.00 reads as 65536, 2.00 does not). */
export const ADMA2_CHUNK = 0x8000;
/** The bounce buffer's default size: 64 KiB, 128 blocks per data command. */
export const DMA_BUFFER_BYTES = 0x1_0000;

export const SDHCI_REGS = defineRegisters({
  SDMA_ADDR: rw(0x00), // SDMA System Address (2.2.1)
  BLOCK: rw(0x04), // Block Size 15:0, Block Count 31:16
  ARG: rw(0x08),
  CMD: rw<CMD>(0x0c),
  RESP0: ro(0x10), RESP1: ro(0x14), RESP2: ro(0x18), RESP3: ro(0x1c),
  DATA: rw(0x20),
  PRES: ro<PRES>(0x24),
  HOSTCTL: rw<HOSTCTL>(0x28),
  CLK: rw<CLK>(0x2c),
  INT: w1c<INT>(0x30),
  INT_EN: rw<INT>(0x34),
  INT_SIGNAL: rw<INT>(0x38),
  CAP: ro<CAP>(0x40),
  ADMA_ERR: ro<ADMA_ERR>(0x54),
  ADMA_ADDR: rw(0x58), // ADMA System Address (2.2.31), low 32 bits
  VERSION: ro<VERSION>(0xfc),
}, { name: "SDHCI" });
export type SdhciRegisters = ReturnType<typeof SDHCI_REGS.at>;

/** How data moves: the buffer data port, SDMA or ADMA2. */
export type SdTransferMode = "pio" | "sdma" | "adma2";

/** The statuses enabled (2.2.19, 2.2.20): command/transfer done, DMA interrupt, buffer ready, every error up to ADMA (bit 25). Card interrupts (bit 8) stay off. */
const STATUS_ENABLE = INT.CMD_DONE | INT.XFER_DONE | INT.DMA | INT.BUF_WR | INT.BUF_RD | 0x03ff_0000;

export interface SdhciOptions extends PolledDeviceOptions {
  /** Base clock for the SD clock when the Capabilities register reports 0 (the real BCM2835: the EMMC clock from the mailbox). */
  readonly baseClockHz?: number;
  /** DAT1-3 are wired (default true): ACMD6 and a 4-bit bus. */
  readonly busWidth4?: boolean;
  /** The slot's card-detect reaches the controller (default true); without it an empty slot shows as no answer to CMD8/CMD55. */
  readonly cardDetect?: boolean;
  /**
   * DMA memory (hal `dma`, mapped uncached): with it, data moves by ADMA2 or SDMA when the
   * Capabilities register offers them; without it, or when it offers neither, through the buffer
   * data port. The bounce buffer and the descriptor table are allocated by the first reset() that
   * chooses DMA.
   */
  readonly dma?: DmaAllocator;
  /** Bytes of the bounce buffer: the most one data command moves by DMA (default 65536; a multiple of 512 up to 16 MiB). */
  readonly dmaBufferBytes?: number;
  /** What the controller's bus master sees a physical address as: physical + this (BCM2835: the VideoCore alias 0x40000000, BCM2836 0xC0000000; default 0). */
  readonly dmaBusAlias?: number;
  /**
   * Orders memory against the registers around a DMA transfer (hal `barrier.dsb`; none in host
   * tests): the CPU's stores to the bounce buffer and the descriptors are complete before the
   * command that starts the transfer, and its loads of the buffer happen after the transfer
   * complete status was read (Normal memory may be read speculatively; ARM ARM A3.5, A3.8).
   */
  readonly barrier?: () => void;
}

export function hex(n: number): string { return "0x" + (n >>> 0).toString(16); }

/** The DMA memory once allocated: the bounce buffer and the ADMA2 table, with their bus addresses. */
interface DmaArea {
  readonly bytes: Uint8Array;
  readonly busAddr: number;
  readonly table: DataView;
  readonly tableBusAddr: number;
}

export class Sdhci implements SdHost {
  readonly base: number;
  readonly name: string;
  readonly busWidth4: boolean;
  protected readonly cardDetect: boolean;
  protected readonly regs: SdhciRegisters;
  protected readonly wait?: PollOptions;
  protected readonly baseClockHz?: number;
  /** How errors name the status registers. */
  protected statusNames = { int: "NORINTSTS/ERRINTSTS", pres: "PRNSTS", adma: "ADMAERR" };
  /** Error statuses that mean the DMA failed (the uSDHC adds its own). */
  protected dmaErrors: number = INT.ADMA;
  /** The statuses enabled at reset (the uSDHC adds its DMA error). */
  protected statusEnable: number = STATUS_ENABLE;
  /** The SDMA buffer boundary bits of the Block Size register (none on the uSDHC). */
  protected sdmaBoundary: number = BLOCK.SDMA_BOUNDARY_512K;
  private readonly dma?: DmaAllocator;
  private readonly dmaBufferBytes: number;
  private readonly dmaBusAlias: number;
  private readonly barrier?: () => void;
  private area?: DmaArea;
  private mode: SdTransferMode = "pio";

  constructor(options: SdhciOptions, name = "Sdhci") {
    this.base = options.base;
    this.name = `${name}@${hex(options.base)}`;
    this.wait = pollOptions(options.maxPolls);
    if (options.baseClockHz !== undefined && !(options.baseClockHz > 0)) throw new RangeError(`${name}: baseClockHz ${options.baseClockHz} is not positive`);
    this.baseClockHz = options.baseClockHz;
    this.busWidth4 = options.busWidth4 ?? true;
    this.cardDetect = options.cardDetect ?? true;
    this.regs = SDHCI_REGS.at(options.base, options.bus);
    const bytes = options.dmaBufferBytes ?? DMA_BUFFER_BYTES;
    if (!(Number.isSafeInteger(bytes) && bytes >= 512 && bytes <= 0x100_0000 && bytes % 512 === 0)) throw new RangeError(`${name}: dmaBufferBytes ${bytes} is not a multiple of 512 from 512 to 16 MiB`);
    const alias = options.dmaBusAlias ?? 0;
    if (!(Number.isSafeInteger(alias) && alias >= 0 && alias < 0x1_0000_0000)) throw new RangeError(`${name}: dmaBusAlias ${alias} is not a 32-bit address`);
    this.dma = options.dma;
    this.dmaBufferBytes = bytes;
    this.dmaBusAlias = alias;
    this.barrier = options.barrier;
  }

  /** How data moves, as reset() chose from the Capabilities register ("pio" before reset() and without `dma`). */
  get transferMode(): SdTransferMode {
    return this.mode;
  }

  /** The most 512-byte blocks one data command moves: the bounce buffer with DMA, the block counter's 65535 without. */
  get maxBlocks(): number {
    return this.mode === "pio" ? 65535 : this.dmaBufferBytes / 512;
  }

  /** Software reset for all (2.2.16), statuses enabled, card detect, power (3.3), DMA or not, 400 kHz clock. */
  reset(): void {
    if (!this.base) throw new Error(`${this.name}: invalid base address`);
    const r = this.regs;
    r.CLK.write(CLK.RESET_ALL);
    this.waitFor(() => r.CLK.read() & CLK.RESET_ALL, 0, "software reset for all");
    this.enableStatus();
    this.checkCard();
    this.powerOn();
    this.chooseTransfer();
    this.setClock(ID_CLOCK);
  }

  /** 2.2.19-2.2.21: statuses on, interrupt signals off (polled), all cleared. */
  protected enableStatus(): void {
    const r = this.regs;
    r.INT_EN.write(this.statusEnable >>> 0);
    r.INT_SIGNAL.write(0);
    r.INT.write(0xffff_ffff);
  }

  /** What the Capabilities register offers: ADMA2 (bit 19) before SDMA (bit 22); the uSDHC reads its own bits. */
  protected dmaSupport(cap: number): SdTransferMode {
    return cap & CAP.ADMA2 ? "adma2" : cap & CAP.SDMA ? "sdma" : "pio";
  }

  /** Host Control 1's DMA select (2.2.11, bits 4:3): 00b SDMA, 10b 32-bit ADMA2. */
  protected selectDma(mode: SdTransferMode): void {
    this.regs.HOSTCTL.modify(HOSTCTL.DMA_SELECT, mode === "adma2" ? HOSTCTL.DMA_ADMA2 : HOSTCTL.DMA_SDMA);
  }

  /** After a reset: the transfer mode from the capabilities, the DMA memory on first use, the controller's DMA select. */
  protected chooseTransfer(): void {
    this.mode = this.dma ? this.dmaSupport(this.regs.CAP.read()) : "pio";
    if (this.mode === "pio") return;
    if (!this.area) this.area = this.allocate(this.dma!);
    this.selectDma(this.mode);
  }

  /**
   * The bounce buffer (4 KiB aligned: SDMA's boundary never falls inside a block) and the ADMA2
   * table, one 8-byte descriptor per 32 KiB (8-byte aligned, 1.13.4), below 4 GiB as the
   * controller's 32-bit addresses need.
   */
  private allocate(dma: DmaAllocator): DmaArea {
    const data = dma.alloc(this.dmaBufferBytes, 4096);
    const table = dma.alloc(Math.ceil(this.dmaBufferBytes / ADMA2_CHUNK) * 8, 8);
    const busAddr = data.addr + this.dmaBusAlias, tableBusAddr = table.addr + this.dmaBusAlias;
    if (data.addr % 4096 !== 0 || table.addr % 8 !== 0 || busAddr + this.dmaBufferBytes > 0x1_0000_0000 || tableBusAddr + table.buffer.byteLength > 0x1_0000_0000) {
      throw new RangeError(`${this.name}: DMA memory at ${hex(data.addr)}/${hex(table.addr)} is not aligned or not below 4 GiB as the controller sees it`);
    }
    return { bytes: new Uint8Array(data.buffer, 0, this.dmaBufferBytes), busAddr, table: new DataView(table.buffer), tableBusAddr };
  }

  writeProtected(): boolean {
    return (this.regs.PRES.read() & PRES.WRITE_ENABLED) === 0;
  }

  setBusWidth4(): void {
    this.regs.HOSTCTL.set(HOSTCTL.WIDTH_4);
  }

  /** 3.2.1: SD clock off, divisor, internal clock on, wait stable, SD clock on. */
  setClock(hz: number): void {
    const r = this.regs;
    const spec = (r.VERSION.read() & VERSION.SPEC) >>> 16;
    const capMHz = ((r.CAP.read() & CAP.BASE_CLOCK) >>> 8) & (spec >= 2 ? 0xff : 0x3f);
    const baseHz = capMHz ? capMHz * 1_000_000 : this.baseClockHz;
    if (!baseHz) throw new BlockDeviceError(`${this.name}: the Capabilities register gives no base clock; pass baseClockHz`, "EIO");
    let div: number; // the 10-bit field value; SD clock = base / (2 * div), div 0 = base
    if (spec >= 2) {
      div = baseHz <= hz ? 0 : Math.ceil(baseHz / (2 * hz));
      if (div > 0x3ff) div = 0x3ff;
    } else {
      div = 0; // 2.00: one bit set, base / (2 * div) for div 1, 2, 4, ..., 128
      while (div < 0x80 && baseHz / (div ? 2 * div : 1) > hz) div = div ? div * 2 : 1;
    }
    const freq = ((div & 0xff) << 8) | ((div >>> 8) << 6);
    r.CLK.write(freq | (0xe << 16)); // timeout: TMCLK x 2^27, the largest (2.2.15)
    r.CLK.write(freq | (0xe << 16) | CLK.INT_EN);
    this.waitFor(() => r.CLK.read() & CLK.INT_STABLE, CLK.INT_STABLE, "internal clock stable");
    r.CLK.write(freq | (0xe << 16) | CLK.INT_EN | CLK.SD_EN);
  }

  command(label: string, index: number, arg: number, response: SdResponse, data?: SdData): Uint32Array {
    const r = this.regs;
    const busy = response === "r1b";
    const dma = data !== undefined && this.mode !== "pio";
    if (data) this.checkData(label, data, dma);
    // 3.7.1.1: wait for the command line, and the data line for data or a busy response.
    this.waitFor(() => r.PRES.read() & (data || busy ? PRES.CMD_INHIBIT | PRES.DAT_INHIBIT : PRES.CMD_INHIBIT), 0, `${label}: command/data inhibit`);
    r.INT.write(0xffff_ffff);
    let mode = 0;
    if (data) {
      mode = CMD.BLKCNT_EN | (data.write ? 0 : CMD.READ) | (data.blocks > 1 ? CMD.MULTI | (data.autoStop ? CMD.AUTO_CMD12 : 0) : 0);
      if (dma) {
        this.dmaPrepare(data);
        mode |= CMD.DMA_EN;
      }
      r.BLOCK.write((data.blockSize | (this.mode === "sdma" ? this.sdmaBoundary : 0) | (data.blocks << 16)) >>> 0);
    }
    r.ARG.write(arg);
    const kind = response === "none" ? 0 : response === "r2" ? CMD.RSP_136 | CMD.CRC_CHECK : response === "r3" ? CMD.RSP_48 : busy ? CMD.RSP_48_BUSY | CMD.CRC_CHECK | CMD.INDEX_CHECK : CMD.RSP_48 | CMD.CRC_CHECK | CMD.INDEX_CHECK;
    if (dma && this.barrier) this.barrier(); // the buffer and descriptors are in memory before the command starts the DMA
    this.issue(mode, (index << 24) | kind | (data ? CMD.DATA_PRESENT : 0));
    this.waitStatus(label, arg, INT.CMD_DONE);
    r.INT.write(INT.CMD_DONE);
    const resp = response === "none" ? new Uint32Array(0) : response === "r2" ? Uint32Array.of(r.RESP0.read(), r.RESP1.read(), r.RESP2.read(), r.RESP3.read()) : Uint32Array.of(r.RESP0.read());
    if (busy && !data) this.waitFor(() => r.PRES.read() & PRES.DAT_INHIBIT, 0, `${label}: busy (DAT0)`);
    if (data) {
      if (resp[0] & CARD_STATUS_ERRORS) {
        // The card refused (OUT_OF_RANGE, ADDRESS_ERROR, ...) and sends no data: reset the DAT line (3.10.1; it stops the DMA too); the caller reports the status.
        r.CLK.write(((r.CLK.read() & ~(CLK.RESET_ALL | CLK.RESET_CMD)) | CLK.RESET_DAT) >>> 0);
        this.waitFor(() => r.CLK.read() & CLK.RESET_DAT, 0, "DAT line reset");
        r.INT.write(0xffff_ffff);
        return resp;
      }
      if (dma) this.dmaFinish(label, arg, data);
      else this.pio(label, arg, data);
    }
    return resp;
  }

  /** The data phase's numbers, before anything reaches the controller: whole blocks that fit the block counter, the caller's buffer and, for DMA, the bounce buffer. */
  private checkData(label: string, d: SdData, dma: boolean): void {
    const bad = (why: string): never => { throw new BlockDeviceError(`${this.name}: ${label}: ${why}`, "EINVAL"); };
    if (!(Number.isSafeInteger(d.blockSize) && d.blockSize >= 4 && d.blockSize <= 2048 && (d.blockSize & 3) === 0)) bad(`block size ${d.blockSize} is not a multiple of 4 from 4 to 2048`);
    if (!(Number.isSafeInteger(d.blocks) && Number.isSafeInteger(d.offset) && d.blocks >= 1 && d.blocks <= 65535 && d.offset >= 0 && d.offset + d.blocks * d.blockSize <= d.buffer.length)) {
      bad(`${d.blocks} blocks do not fit the block counter or the buffer`);
    }
    if (dma && d.blocks * d.blockSize > this.dmaBufferBytes) bad(`${d.blocks * d.blockSize} bytes do not fit the DMA buffer of ${this.dmaBufferBytes}`);
  }

  /**
   * Before the command: a write's data into the bounce buffer; for ADMA2 the descriptors over it,
   * 32 KiB each, the last one with End (3.7.2.3 (1)-(2)), and the table's address; for SDMA the
   * buffer's address (3.7.2.2 (1)). The buffer is uncached memory (hal.dma): nothing to clean.
   */
  private dmaPrepare(d: SdData): void {
    const a = this.area!, r = this.regs;
    const bytes = d.blocks * d.blockSize;
    if (d.write) a.bytes.set(d.buffer.subarray(d.offset, d.offset + bytes));
    if (this.mode === "sdma") {
      r.SDMA_ADDR.write(a.busAddr >>> 0);
      return;
    }
    const t = a.table;
    for (let done = 0, at = 0; done < bytes; at += 8) {
      const n = Math.min(bytes - done, ADMA2_CHUNK);
      done += n;
      t.setUint32(at, ((n << 16) | ADMA2.ACT_TRAN | ADMA2.VALID | (done === bytes ? ADMA2.END : 0)) >>> 0, true);
      t.setUint32(at + 4, (a.busAddr + done - n) >>> 0, true);
    }
    r.ADMA_ADDR.write(a.tableBusAddr >>> 0);
  }

  /**
   * After the command: transfer complete, or an error (ADMA error included). SDMA stops at each
   * buffer boundary with a DMA interrupt, and the address register then holds the next address:
   * writing it back resumes (3.7.2.2 (12)-(14)). Then a read's data out of the bounce buffer
   * (uncached: nothing to invalidate; the barrier keeps the loads after the status read).
   */
  private dmaFinish(label: string, arg: number, d: SdData): void {
    const r = this.regs;
    const bytes = d.blocks * d.blockSize;
    // One stop per 4 KiB at most (the smallest boundary, 2.2.2); more is a controller gone wrong.
    for (let stops = 0; ; stops++) {
      const st = this.waitStatus(label, arg, INT.XFER_DONE | INT.DMA);
      if (st & INT.XFER_DONE) break;
      if (stops > bytes / 4096) this.fail(label, arg, st, `${stops} DMA interrupts for ${bytes} bytes`, "EIO");
      r.INT.write(INT.DMA);
      r.SDMA_ADDR.write(r.SDMA_ADDR.read());
    }
    r.INT.write(INT.XFER_DONE | INT.DMA);
    if (this.barrier) this.barrier();
    if (!d.write) d.buffer.set(this.area!.bytes.subarray(0, bytes), d.offset);
  }

  /**
   * 3.7.2.1: per block, buffer ready, clear it, 128 words through the buffer data port; then
   * transfer complete. The port's words are little-endian bytes (2.2.8) and every target here is
   * little-endian, so an aligned buffer moves a word per store through a Uint32Array view.
   */
  private pio(label: string, arg: number, d: SdData): void {
    const r = this.regs, data = r.DATA, buf = d.buffer;
    const ready = d.write ? INT.BUF_WR : INT.BUF_RD;
    const wordsPerBlock = d.blockSize >>> 2;
    const aligned = ((buf.byteOffset + d.offset) & 3) === 0;
    const words = aligned ? new Uint32Array(buf.buffer, buf.byteOffset + d.offset, wordsPerBlock * d.blocks) : undefined;
    let o = d.offset, w = 0;
    for (let b = 0; b < d.blocks; b++) {
      this.waitStatus(label, arg, ready);
      r.INT.write(ready); // before the data: the last word read makes the next block ready
      if (words !== undefined) {
        const end = w + wordsPerBlock;
        if (d.write) for (; w < end; w++) data.write(words[w]);
        else for (; w < end; w++) words[w] = data.read();
        continue;
      }
      const end = o + d.blockSize;
      if (d.write) {
        for (; o < end; o += 4) data.write((buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16) | (buf[o + 3] << 24)) >>> 0);
      } else {
        for (; o < end; o += 4) {
          const v = data.read();
          buf[o] = v; buf[o + 1] = v >>> 8; buf[o + 2] = v >>> 16; buf[o + 3] = v >>> 24;
        }
      }
    }
    this.waitStatus(label, arg, INT.XFER_DONE);
    r.INT.write(INT.XFER_DONE);
  }

  /** Issues the command: Transfer Mode and Command in one 32-bit write (the write of the command's upper byte starts it). */
  protected issue(mode: number, command: number): void {
    this.regs.CMD.write((mode | command) >>> 0);
  }

  protected powerOn(): void {
    const r = this.regs;
    if (!(r.CAP.read() & CAP.VOLTS_3V3)) throw new BlockDeviceError(`${this.name}: the controller does not supply 3.3 V (CAP ${hex(r.CAP.read())})`, "EIO");
    r.HOSTCTL.write(HOSTCTL.VOLTS_3V3 | HOSTCTL.POWER_ON); // 3.3: voltage, then bus power; 1-bit bus
  }

  protected checkCard(): void {
    if (!this.cardDetect) return;
    const pres = this.regs.PRES.read();
    if (!(pres & PRES.CARD_INSERTED)) throw new BlockDeviceError(`${this.name}: no card in the slot (${this.statusNames.pres} ${hex(pres)})`, "ENOMEDIUM");
  }

  /** Waits for one of `bits` in the interrupt status or an error and returns the status; an error resets the CMD and DAT lines (3.10) and throws. */
  private waitStatus(label: string, arg: number, bits: number): number {
    const r = this.regs;
    let st = 0;
    try {
      pollUntil(() => ((st = r.INT.read()) & (bits | INT.ERRORS) ? 1 : 0), 1, () => "", this.wait);
    } catch (e) {
      if (!(e instanceof PollTimeoutError)) throw e;
      this.fail(label, arg, st, `no ${bits === INT.CMD_DONE ? "command complete" : bits & INT.XFER_DONE ? "transfer complete" : "buffer ready"} within ${e.polls} polls`, "ETIMEDOUT");
    }
    if (st & INT.ERRORS) {
      const what = st & this.dmaErrors ? (this.mode === "adma2" ? "ADMA error" : "DMA error") : st & INT.CMD_TIMEOUT ? "command timeout" : st & INT.DATA_TIMEOUT ? "data timeout" : st & (INT.CMD_CRC | INT.DATA_CRC) ? "CRC error" : st & INT.AUTO_CMD12 ? "auto-CMD12 error" : "error";
      this.fail(label, arg, st, what, st & (INT.CMD_TIMEOUT | INT.DATA_TIMEOUT) ? "ETIMEDOUT" : "EIO");
    }
    return st;
  }

  /** The ADMA Error Status for an error message: its value, the state it stopped in (2.2.30), a length mismatch, and the uSDHC's descriptor error (ADMADCE, bit 3; reserved on the SDHCI). */
  private admaStatus(): string {
    const v = this.regs.ADMA_ERR.read();
    const state = ["ST_STOP: after a transfer", "ST_FDS: fetching a descriptor", "state 2", "ST_TFR: transferring data"][v & ADMA_ERR.STATE];
    return `, ${this.statusNames.adma} ${hex(v)} (${state}${v & ADMA_ERR.LENGTH_MISMATCH ? ", length mismatch" : ""}${v & ADMA_ERR.DESCRIPTOR ? ", descriptor error" : ""})`;
  }

  private fail(label: string, arg: number, st: number, what: string, code: "ETIMEDOUT" | "EIO"): never {
    const r = this.regs;
    const pres = r.PRES.read();
    const adma = this.mode === "adma2" && st & this.dmaErrors ? this.admaStatus() : "";
    // 3.10.1: error recovery, reset the CMD and DAT lines (the DAT reset stops the DMA, 2.2.16); statuses cleared for the next command.
    r.CLK.write(((r.CLK.read() & ~(CLK.RESET_ALL | CLK.RESET_CMD | CLK.RESET_DAT)) | CLK.RESET_CMD | CLK.RESET_DAT) >>> 0);
    try {
      this.waitFor(() => r.CLK.read() & (CLK.RESET_CMD | CLK.RESET_DAT), 0, "CMD/DAT line reset");
    } finally {
      r.INT.write(0xffff_ffff);
    }
    throw new BlockDeviceError(`${this.name}: ${label} (argument ${hex(arg)}): ${what}; ${this.statusNames.int} ${hex(st)}, ${this.statusNames.pres} ${hex(pres)}${adma}`, code);
  }

  protected waitFor(probe: () => number, expected: number, what: string): void {
    try {
      pollUntil(probe, expected, () => what, this.wait);
    } catch (e) {
      if (e instanceof PollTimeoutError) throw new BlockDeviceError(`${this.name}: ${what}: ${e.message}`, "ETIMEDOUT");
      throw e;
    }
  }
}
