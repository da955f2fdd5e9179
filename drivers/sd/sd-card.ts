/**
 * An SD memory card in SD mode behind a host controller (drivers/sd/sd-host.ts), as a BlockDevice
 * of 512-byte blocks.
 *
 * Follows the SD Specifications Part 1, Physical Layer Simplified Specification Version 9.00
 * (SD Association, 2022): card identification (4.2: CMD0, CMD8, ACMD41 with HCS and its 1 s busy
 * loop, CMD2, CMD3), the CSD (5.3: capacity from CSD version 1.0 and 2.0), CMD7 to the transfer
 * state, CMD16 on SDSC (4.3.2; SDHC/SDXC blocks are fixed at 512 bytes), ACMD6 for the 4-bit bus
 * (4-bit is mandatory for SD memory cards, 3.1, so the SCR is not read), multi-block transfers
 * (CMD18/CMD25 stopped by CMD12, 4.3.3/4.3.4), CMD13 until the card has programmed its blocks,
 * and SDSC byte addressing vs SDHC/SDXC block addressing (4.3.14). Card status error bits: 4.10.1.
 */
import { BlockDeviceError, type BlockDevice } from "../block/block-device.ts";
import { checkRead, checkWrite } from "../block/bounds.ts";
import { pollUntil, type PollOptions } from "../../hal/poll.ts";
import { CARD_STATUS_ERRORS, type SdHost } from "./sd-host.ts";

const BLOCK = 512;
/** CMD8 argument: VHS 0001b (2.7-3.6 V) and the check pattern 0xAA (4.3.13). */
const IF_COND = 0x1aa;
/** OCR (5.1): busy (power-up done) 31, CCS 30; HCS in ACMD41's argument is bit 30 too. */
const OCR_BUSY = 0x8000_0000, OCR_CCS = 0x4000_0000, ACMD41_HCS = 0x4000_0000;
/** The 3.2-3.4 V window of the OCR (bits 20 and 21), what the hosts here supply. */
const OCR_VOLTAGE = 0x0030_0000;
/** Card status (4.10.1): CURRENT_STATE 12:9, READY_FOR_DATA 8. */
const STATUS_ERRORS = CARD_STATUS_ERRORS, STATUS_STATE = 0xf << 9, STATUS_READY = 1 << 8;
const STATE_TRAN = 4 << 9;

export interface SdCardOptions {
  readonly host: SdHost;
  /** Data clock after identification (default 25 MHz, default speed, 4.3.1). */
  readonly clockHz?: number;
  /** ACMD41 attempts before giving up (default 100,000); with `now`, also the spec's 1 s (4.2.3.1). */
  readonly maxInitPolls?: number;
  /** A millisecond clock for the 1 s ACMD41 limit. */
  readonly now?: () => number;
  /** Polls of CMD13 after a write before the card counts as stuck (default 100,000). */
  readonly maxBusyPolls?: number;
  /** Blocks per CMD18/CMD25 at most (default 65535, the SDHCI block counter's limit; less when the host's maxBlocks is less). */
  readonly maxBlocksPerCommand?: number;
}

/** The card's identity and geometry once bring-up is done. */
export interface SdCardInfo {
  /** High or extended capacity (block-addressed). */
  readonly highCapacity: boolean;
  /** CSD_STRUCTURE: 0 for version 1.0, 1 for 2.0. */
  readonly csdVersion: number;
  readonly rca: number;
  readonly blockCount: number;
  /** The CID register, bits 127:8 as four words (word 0 lowest). */
  readonly cid: readonly number[];
  readonly busWidth: 1 | 4;
}

/** The card's capacity in 512-byte blocks from the CSD as the host returns it (bits 127:8, word 0 = bits 39:8). */
export function csdBlocks(csd: ArrayLike<number>): { version: number; blocks: number } {
  // bit(n) of the CSD: the host's words hold CSD bits n at word bit (n - 8).
  const bits = (hi: number, lo: number): number => {
    let v = 0;
    for (let n = hi; n >= lo; n--) v = v * 2 + ((csd[(n - 8) >>> 5] >>> ((n - 8) & 31)) & 1);
    return v;
  };
  const version = bits(127, 126);
  if (version === 0) {
    // 5.3.2: capacity = (C_SIZE + 1) * 2^(C_SIZE_MULT + 2) * 2^READ_BL_LEN bytes.
    const cSize = bits(73, 62), mult = bits(49, 47), readBlLen = bits(83, 80);
    if (readBlLen < 9 || readBlLen > 11) throw new BlockDeviceError(`SdCard: CSD v1.0 READ_BL_LEN ${readBlLen} is not 9, 10 or 11`, "EIO");
    return { version, blocks: (cSize + 1) * 2 ** (mult + 2) * 2 ** (readBlLen - 9) };
  }
  if (version === 1) return { version, blocks: (bits(69, 48) + 1) * 1024 }; // 5.3.3: (C_SIZE + 1) * 512 KiB
  throw new BlockDeviceError(`SdCard: CSD_STRUCTURE ${version} is not 0 (SDSC) or 1 (SDHC/SDXC)`, "EIO");
}

export class SdCard implements BlockDevice {
  readonly blockSize = BLOCK;
  /** The host controller the card is behind (what it chose at reset, e.g. Sdhci.transferMode). */
  readonly host: SdHost;
  private readonly o: SdCardOptions;
  private card: SdCardInfo | undefined;
  private ro = false;

  constructor(options: SdCardOptions) {
    this.host = options.host;
    this.o = options;
    for (const [name, v] of [["maxInitPolls", options.maxInitPolls], ["maxBusyPolls", options.maxBusyPolls], ["maxBlocksPerCommand", options.maxBlocksPerCommand]] as const) {
      if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) throw new RangeError(`SdCard: ${name} ${v} is not a positive integer`);
    }
    if (options.maxBlocksPerCommand !== undefined && options.maxBlocksPerCommand > 65535) throw new RangeError(`SdCard: maxBlocksPerCommand ${options.maxBlocksPerCommand} is above 65535`);
  }

  /** The card after init(). */
  get info(): SdCardInfo {
    if (!this.card) throw new Error("SdCard: init() first");
    return this.card;
  }
  get blockCount(): number { return this.info.blockCount; }
  get readOnly(): boolean { this.info; return this.ro; }

  /** Card identification and selection (4.2, 4.3); throws BlockDeviceError naming the command. */
  init(): SdCardInfo {
    const h = this.host;
    h.reset(); // ENOMEDIUM when the slot's card detect says empty
    h.command("CMD0", 0, 0, "none"); // GO_IDLE_STATE
    // CMD8 (4.3.13): a version 2.00+ card echoes the argument; no answer is a version 1.x card or none.
    let v2 = false;
    try {
      const r7 = h.command("CMD8", 8, IF_COND, "r7")[0];
      if ((r7 & 0xfff) !== IF_COND) throw new BlockDeviceError(`SdCard: CMD8 echoed 0x${(r7 & 0xfff).toString(16)}, not 0x1aa (voltage not accepted or a bad check pattern)`, "EIO");
      v2 = true;
    } catch (e) {
      if (!(e instanceof BlockDeviceError) || e.code !== "ETIMEDOUT") throw e;
    }
    // ACMD41 until the card leaves busy (4.2.3.1: at most 1 s); HCS only for a 2.00 card.
    let ocr = 0;
    const arg = (v2 ? ACMD41_HCS : 0) | OCR_VOLTAGE;
    const wait: PollOptions = this.o.now ? { maxPolls: this.o.maxInitPolls ?? 100_000, timeoutMs: 1000, now: this.o.now } : { maxPolls: this.o.maxInitPolls ?? 100_000 };
    try {
      pollUntil(() => {
        this.appCommand(0, v2 ? "ACMD41" : "ACMD41 (after CMD8 gave no answer)");
        ocr = h.command("ACMD41", 41, arg, "r3")[0];
        return ocr & OCR_BUSY ? 1 : 0;
      }, 1, () => `${h.name}: ACMD41 OCR busy bit`, wait);
    } catch (e) {
      if (e instanceof BlockDeviceError && e.code === "ETIMEDOUT" && !v2) {
        throw new BlockDeviceError(`${h.name}: no card answered CMD8 or CMD55 (${e.message})`, "ENOMEDIUM");
      }
      if (e instanceof BlockDeviceError) throw e;
      throw new BlockDeviceError(`${h.name}: ACMD41: the card stayed busy (OCR 0x${(ocr >>> 0).toString(16)}): ${(e as Error).message}`, "ETIMEDOUT");
    }
    const highCapacity = v2 && (ocr & OCR_CCS) !== 0;
    const cid = Array.from(h.command("CMD2", 2, 0, "r2")); // ALL_SEND_CID
    const rca = h.command("CMD3", 3, 0, "r6")[0] >>> 16; // SEND_RELATIVE_ADDR
    const csd = h.command("CMD9", 9, rca << 16, "r2"); // SEND_CSD
    const { version, blocks } = csdBlocks(csd);
    if (highCapacity !== (version === 1)) throw new BlockDeviceError(`${h.name}: OCR CCS ${highCapacity ? 1 : 0} disagrees with CSD_STRUCTURE ${version}`, "EIO");
    h.setClock(this.o.clockHz ?? 25_000_000);
    this.checkStatus("CMD7", h.command("CMD7", 7, rca << 16, "r1b")[0]); // SELECT_CARD: to transfer state
    if (!highCapacity) this.checkStatus("CMD16", h.command("CMD16", 16, BLOCK, "r1")[0]); // SET_BLOCKLEN
    let busWidth: 1 | 4 = 1;
    if (h.busWidth4) {
      this.appCommand(rca, "ACMD6");
      this.checkStatus("ACMD6", h.command("ACMD6", 6, 2, "r1")[0]); // SET_BUS_WIDTH 4 bits
      h.setBusWidth4();
      busWidth = 4;
    }
    this.ro = h.writeProtected();
    return (this.card = { highCapacity, csdVersion: version, rca, blockCount: blocks, cid, busWidth });
  }

  async read(lba: number, count: number, into?: Uint8Array): Promise<Uint8Array> {
    this.info;
    const buf = checkRead(this, this.host.name, lba, count, into);
    this.transfer(false, lba, count, buf);
    return buf;
  }

  async write(lba: number, data: Uint8Array): Promise<void> {
    this.info;
    this.transfer(true, lba, checkWrite(this, this.host.name, lba, data), data);
  }

  /** Writes are durable once CMD13 reports the transfer state (each write waits for it); SD cards have no cache flush in SD mode without the performance extension. */
  async flush(): Promise<void> {
    this.info;
  }

  private transfer(write: boolean, lba: number, count: number, buf: Uint8Array): void {
    const h = this.host, card = this.info;
    const max = Math.min(this.o.maxBlocksPerCommand ?? 65535, h.maxBlocks ?? 65535);
    for (let done = 0; done < count; ) {
      const n = Math.min(count - done, max);
      const addr = card.highCapacity ? lba + done : (lba + done) * BLOCK; // 4.3.14
      const multi = n > 1;
      const index = write ? (multi ? 25 : 24) : (multi ? 18 : 17);
      const label = `CMD${index}`;
      const r1 = h.command(label, index, addr, "r1", { write, blocks: n, blockSize: BLOCK, buffer: buf, offset: done * BLOCK, autoStop: multi })[0];
      this.checkStatus(label, r1);
      if (write) this.waitProgrammed(label);
      done += n;
    }
  }

  /** CMD13 until the card is back in the transfer state and ready for data (4.3.4: programming). */
  private waitProgrammed(after: string): void {
    const h = this.host, rca = this.info.rca;
    let status = 0;
    try {
      pollUntil(() => {
        status = h.command("CMD13", 13, rca << 16, "r1")[0];
        this.checkStatus(`CMD13 after ${after}`, status);
        return (status & (STATUS_STATE | STATUS_READY)) === (STATE_TRAN | STATUS_READY) ? 1 : 0;
      }, 1, () => `${h.name}: CMD13 after ${after}`, { maxPolls: this.o.maxBusyPolls ?? 100_000 });
    } catch (e) {
      if (e instanceof BlockDeviceError) throw e;
      throw new BlockDeviceError(`${h.name}: the card stayed busy after ${after} (card status 0x${(status >>> 0).toString(16)})`, "ETIMEDOUT");
    }
  }

  private appCommand(rca: number, forWhat: string): void {
    const r1 = this.host.command(`CMD55 (before ${forWhat})`, 55, rca << 16, "r1")[0];
    if (!(r1 & (1 << 5))) throw new BlockDeviceError(`${this.host.name}: CMD55 before ${forWhat}: APP_CMD not set in card status 0x${(r1 >>> 0).toString(16)}`, "EIO");
  }

  private checkStatus(label: string, status: number): void {
    if (status & STATUS_ERRORS) {
      throw new BlockDeviceError(`${this.host.name}: ${label}: card status 0x${(status >>> 0).toString(16)} has error bits 0x${((status & STATUS_ERRORS) >>> 0).toString(16)}`, "EIO");
    }
  }
}
