/**
 * What the SD card layer (drivers/sd/sd-card.ts) needs from a host controller: issue one command,
 * with or without a data transfer, and set the bus clock and width. The SDHCI (drivers/sd/sdhci.ts)
 * and the i.MX uSDHC (drivers/sd/imx-usdhc.ts) implement it. Response kinds are the SD Physical
 * Layer Simplified Specification's (4.9): R1, R1b (busy on DAT0), R2 (136 bits: CID/CSD), R3
 * (OCR, no CRC), R6 (published RCA), R7 (card interface condition).
 */
/** Card status error bits (Physical Layer 4.10.1: bits 31-26, 24-19, 16, 3): a data command answered with one moves no data. */
export const CARD_STATUS_ERRORS = 0xfdf9_0008;

export type SdResponse = "none" | "r1" | "r1b" | "r2" | "r3" | "r6" | "r7";

/** A data phase: `blocks` blocks of `blockSize` bytes to or from `buffer` (at `offset`). */
export interface SdData {
  readonly write: boolean;
  readonly blocks: number;
  readonly blockSize: number;
  readonly buffer: Uint8Array;
  readonly offset: number;
  /** Stop a multi-block transfer with CMD12 issued by the controller (auto-CMD12). */
  readonly autoStop: boolean;
}

export interface SdHost {
  /** The controller's name in errors, e.g. "Sdhci@0x20300000". */
  readonly name: string;
  /** Resets the controller, powers the card, identification clock (<= 400 kHz). Throws BlockDeviceError ENOMEDIUM when the slot reports no card. */
  reset(): void;
  /**
   * Issues command `index` (`label` names it in errors: "CMD17", "ACMD41") and returns the
   * response: one word (R1, R3, R6, R7), four for R2 (bits 127:8 of the response, word 0 lowest),
   * none for "none". A missing response or data is a BlockDeviceError ETIMEDOUT, a CRC, index or
   * end-bit error EIO; both name the command and the controller's status registers.
   */
  command(label: string, index: number, arg: number, response: SdResponse, data?: SdData): Uint32Array;
  /** Sets the card clock to at most `hz`. */
  setClock(hz: number): void;
  /** The most 512-byte blocks one data command may move (a DMA bounce buffer's size); absent: the 65535 of the block counter. Read after reset(). */
  readonly maxBlocks?: number;
  /** The controller and slot have DAT1-3 (a 4-bit data bus). */
  readonly busWidth4: boolean;
  /** Switches the host to the 4-bit data bus (after ACMD6 switched the card). */
  setBusWidth4(): void;
  /** The slot's write-protect switch is on. */
  writeProtected(): boolean;
}
