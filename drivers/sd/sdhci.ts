/**
 * SD Host Controller (SDHCI) driver, programmed I/O: the Arasan "EMMC" controller of the BCM2835/
 * BCM2836 (peripheral base + 0x300000), which QEMU's raspi machines attach `-drive if=sd` to
 * (docs/storage.md).
 *
 * Follows the SD Host Controller Simplified Specification Version 3.00 (SD Association, 2011):
 * register map (2.1), Present State (2.2.9), Host Control 1 (2.2.11: data transfer width),
 * Power Control (2.2.12), Clock Control (2.2.14, 3.2: internal clock, stable, SD clock, the 10-bit
 * divided clock mode of version 3.00 and the power-of-two divisor before it), Software Reset
 * (2.2.16), the interrupt status/enable registers (2.2.17-2.2.21), command issue (3.7.1.1) and
 * transfers with the buffer data port (3.7.2.1, "not using DMA"). PIO rather than SDMA/ADMA2: the
 * JS side copies every byte into a Uint8Array either way, and DMA would add a DMA-able bounce
 * buffer, cache maintenance and its physical address for one copy saved; QEMU's model has both,
 * so a later DMA mode changes only this file.
 */
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
/** Host Control 1 (0x28), Power Control (0x29). */
export enum HOSTCTL { WIDTH_4 = 1 << 1, POWER_ON = 1 << 8, VOLTS_3V3 = 7 << 9 }
/** Clock Control (0x2C), Timeout Control (0x2E), Software Reset (0x2F). */
export enum CLK {
  INT_EN = 1 << 0, INT_STABLE = 1 << 1, SD_EN = 1 << 2, FREQ_HI = 3 << 6, FREQ = 0xff << 8,
  TIMEOUT = 0xf << 16, RESET_ALL = 1 << 24, RESET_CMD = 1 << 25, RESET_DAT = 1 << 26,
}
/** Normal (low half) and Error (high half) Interrupt Status (2.2.17, 2.2.18). */
export enum INT {
  CMD_DONE = 1 << 0, XFER_DONE = 1 << 1, BUF_WR = 1 << 4, BUF_RD = 1 << 5,
  CMD_TIMEOUT = 1 << 16, CMD_CRC = 1 << 17, CMD_END_BIT = 1 << 18, CMD_INDEX = 1 << 19,
  DATA_TIMEOUT = 1 << 20, DATA_CRC = 1 << 21, DATA_END_BIT = 1 << 22, AUTO_CMD12 = 1 << 24,
  ERRORS = 0xffff << 16,
}
/** Capabilities (2.2.26): base clock for SD clock, MHz (bits 13:8 in 2.00, 15:8 in 3.00). */
export enum CAP { BASE_CLOCK = 0xff << 8, VOLTS_3V3 = 1 << 24 }
/** Host Controller Version (2.2.33), high half of 0xFC: 0 = 1.00, 1 = 2.00, 2 = 3.00. */
export enum VERSION { SPEC = 0xff << 16 }

/** Identification clock: at most 400 kHz (SD Physical Layer 4.2). */
export const ID_CLOCK = 400_000;

export const SDHCI_REGS = defineRegisters({
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
  VERSION: ro<VERSION>(0xfc),
}, { name: "SDHCI" });
export type SdhciRegisters = ReturnType<typeof SDHCI_REGS.at>;

/** The statuses enabled (2.2.19, 2.2.20): command/transfer done, buffer ready, every error. Card interrupts (bit 8) stay off. */
const STATUS_ENABLE = INT.CMD_DONE | INT.XFER_DONE | INT.BUF_WR | INT.BUF_RD | 0x01ff_0000;

export interface SdhciOptions extends PolledDeviceOptions {
  /** Base clock for the SD clock when the Capabilities register reports 0 (the real BCM2835: the EMMC clock from the mailbox). */
  readonly baseClockHz?: number;
  /** DAT1-3 are wired (default true): ACMD6 and a 4-bit bus. */
  readonly busWidth4?: boolean;
  /** The slot's card-detect reaches the controller (default true); without it an empty slot shows as no answer to CMD8/CMD55. */
  readonly cardDetect?: boolean;
}

export function hex(n: number): string { return "0x" + (n >>> 0).toString(16); }

export class Sdhci implements SdHost {
  readonly base: number;
  readonly name: string;
  readonly busWidth4: boolean;
  protected readonly cardDetect: boolean;
  protected readonly regs: SdhciRegisters;
  protected readonly wait?: PollOptions;
  protected readonly baseClockHz?: number;
  /** How errors name the status registers. */
  protected statusNames = { int: "NORINTSTS/ERRINTSTS", pres: "PRNSTS" };

  constructor(options: SdhciOptions, name = "Sdhci") {
    this.base = options.base;
    this.name = `${name}@${hex(options.base)}`;
    this.wait = pollOptions(options.maxPolls);
    if (options.baseClockHz !== undefined && !(options.baseClockHz > 0)) throw new RangeError(`${name}: baseClockHz ${options.baseClockHz} is not positive`);
    this.baseClockHz = options.baseClockHz;
    this.busWidth4 = options.busWidth4 ?? true;
    this.cardDetect = options.cardDetect ?? true;
    this.regs = SDHCI_REGS.at(options.base, options.bus);
  }

  /** Software reset for all (2.2.16), statuses enabled, card detect, power (3.3), 400 kHz clock. */
  reset(): void {
    if (!this.base) throw new Error(`${this.name}: invalid base address`);
    const r = this.regs;
    r.CLK.write(CLK.RESET_ALL);
    this.waitFor(() => r.CLK.read() & CLK.RESET_ALL, 0, "software reset for all");
    this.enableStatus();
    this.checkCard();
    this.powerOn();
    this.setClock(ID_CLOCK);
  }

  /** 2.2.19-2.2.21: statuses on, interrupt signals off (polled), all cleared. */
  protected enableStatus(): void {
    const r = this.regs;
    r.INT_EN.write(STATUS_ENABLE);
    r.INT_SIGNAL.write(0);
    r.INT.write(0xffff_ffff);
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
    // 3.7.1.1: wait for the command line, and the data line for data or a busy response.
    this.waitFor(() => r.PRES.read() & (data || busy ? PRES.CMD_INHIBIT | PRES.DAT_INHIBIT : PRES.CMD_INHIBIT), 0, `${label}: command/data inhibit`);
    r.INT.write(0xffff_ffff);
    let mode = 0;
    if (data) {
      if (data.blocks < 1 || data.blocks > 65535 || data.offset + data.blocks * data.blockSize > data.buffer.length) throw new BlockDeviceError(`${this.name}: ${label}: ${data.blocks} blocks do not fit the block counter or the buffer`, "EINVAL");
      r.BLOCK.write(data.blockSize | (data.blocks << 16));
      mode = CMD.BLKCNT_EN | (data.write ? 0 : CMD.READ) | (data.blocks > 1 ? CMD.MULTI | (data.autoStop ? CMD.AUTO_CMD12 : 0) : 0);
    }
    r.ARG.write(arg);
    const kind = response === "none" ? 0 : response === "r2" ? CMD.RSP_136 | CMD.CRC_CHECK : response === "r3" ? CMD.RSP_48 : busy ? CMD.RSP_48_BUSY | CMD.CRC_CHECK | CMD.INDEX_CHECK : CMD.RSP_48 | CMD.CRC_CHECK | CMD.INDEX_CHECK;
    this.issue(mode, (index << 24) | kind | (data ? CMD.DATA_PRESENT : 0));
    this.waitStatus(label, arg, INT.CMD_DONE);
    r.INT.write(INT.CMD_DONE);
    const resp = response === "none" ? new Uint32Array(0) : response === "r2" ? Uint32Array.of(r.RESP0.read(), r.RESP1.read(), r.RESP2.read(), r.RESP3.read()) : Uint32Array.of(r.RESP0.read());
    if (busy && !data) this.waitFor(() => r.PRES.read() & PRES.DAT_INHIBIT, 0, `${label}: busy (DAT0)`);
    if (data) {
      if (resp[0] & CARD_STATUS_ERRORS) {
        // The card refused (OUT_OF_RANGE, ADDRESS_ERROR, ...) and sends no data: reset the DAT line (3.10.1); the caller reports the status.
        r.CLK.write(((r.CLK.read() & ~(CLK.RESET_ALL | CLK.RESET_CMD)) | CLK.RESET_DAT) >>> 0);
        this.waitFor(() => r.CLK.read() & CLK.RESET_DAT, 0, "DAT line reset");
        r.INT.write(0xffff_ffff);
        return resp;
      }
      this.pio(label, arg, data);
    }
    return resp;
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

  /** Waits for `bit` in the interrupt status or an error; an error resets the CMD and DAT lines (3.10) and throws. */
  private waitStatus(label: string, arg: number, bit: number): void {
    const r = this.regs;
    let st = 0;
    try {
      pollUntil(() => ((st = r.INT.read()) & (bit | INT.ERRORS) ? 1 : 0), 1, () => "", this.wait);
    } catch (e) {
      if (!(e instanceof PollTimeoutError)) throw e;
      this.fail(label, arg, st, `no ${bit === INT.CMD_DONE ? "command complete" : bit === INT.XFER_DONE ? "transfer complete" : "buffer ready"} within ${e.polls} polls`, "ETIMEDOUT");
    }
    if (st & INT.ERRORS) {
      const what = st & INT.CMD_TIMEOUT ? "command timeout" : st & INT.DATA_TIMEOUT ? "data timeout" : st & (INT.CMD_CRC | INT.DATA_CRC) ? "CRC error" : st & INT.AUTO_CMD12 ? "auto-CMD12 error" : "error";
      this.fail(label, arg, st, what, st & (INT.CMD_TIMEOUT | INT.DATA_TIMEOUT) ? "ETIMEDOUT" : "EIO");
    }
  }

  private fail(label: string, arg: number, st: number, what: string, code: "ETIMEDOUT" | "EIO"): never {
    const r = this.regs;
    const pres = r.PRES.read();
    // 3.10.1: error recovery, reset the CMD and DAT lines; statuses cleared for the next command.
    r.CLK.write(((r.CLK.read() & ~(CLK.RESET_ALL | CLK.RESET_CMD | CLK.RESET_DAT)) | CLK.RESET_CMD | CLK.RESET_DAT) >>> 0);
    try {
      this.waitFor(() => r.CLK.read() & (CLK.RESET_CMD | CLK.RESET_DAT), 0, "CMD/DAT line reset");
    } finally {
      r.INT.write(0xffff_ffff);
    }
    throw new BlockDeviceError(`${this.name}: ${label} (argument ${hex(arg)}): ${what}; ${this.statusNames.int} ${hex(st)}, ${this.statusNames.pres} ${hex(pres)}`, code);
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
