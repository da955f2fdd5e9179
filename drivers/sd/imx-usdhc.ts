/**
 * i.MX Ultra Secured Digital Host Controller (uSDHC) driver: the i.MX6UL/ULL's
 * uSDHC1 (0x02190000, the microSD slot of the USB armory Mk II and the EVK) and uSDHC2
 * (0x02194000, the Mk II's eMMC).
 *
 * Follows the i.MX 6UltraLite Applications Processor Reference Manual (IMX6ULRM Rev. 1, 04/2016),
 * chapter 58 "Ultra Secured Digital Host Controller (uSDHC)", where it differs from the SDHCI
 * (drivers/sd/sdhci.ts, whose command and buffer-port sequence it shares): the transfer mode bits
 * live in MIX_CTRL (0x48), not in the low half of CMD_XFR_TYP (0x0C), which only holds the
 * command; PROT_CTRL (0x28) replaces Host Control 1 with the data width in DTW (2:1) and the
 * byte order in EMODE (5:4, little endian 10b), and there is no power control register (the
 * slot's power is a board regulator); SYS_CTRL (0x2C) has the prescaler SDCLKFS (15:8) and
 * divisor DVS (7:4) over the uSDHC clock root instead of the SDHCI's divided clock, INITA (27,
 * 80 clocks before CMD0) and the resets RSTA/RSTC/RSTD (24-26) in the SDHCI's places; bits 3:0
 * are reserved and read 1111b, so they are written back as 1; WTMK_LVL (0x44) sets how many words
 * make the buffer ready, here 128 so that BRR/BWR mean one 512-byte block as on the SDHCI.
 * INT_STATUS, PRES_STATE (CIHB 0, CDIHB 1, BWEN 10, BREN 11, CINST 16, WPSPL 19) and the
 * responses are at the SDHCI's offsets with its bits; after a clock change the driver waits for
 * PRES_STATE.SDSTB (3, SD clock stable) as the RM asks. QEMU's imx_usdhc (hw/sd/sdhci.c) models
 * the same split and reports SDSTB set.
 *
 * DMA (with `dma` given): ADMA2 as the SDHCI's (the same 8-byte descriptors, ADMA_SYS_ADDR 0x58,
 * ADMA_ERR_STATUS 0x54 with ADMADCE, bit 3, for a descriptor error), selected in PROT_CTRL's
 * DMASEL (9:8, 10b) instead of Host Control 1; HOST_CTRL_CAP (0x40) has ADMA support in bit 20
 * (ADMAS; the SDHCI's ADMA1 bit, which Linux's sdhci-esdhc-imx reads as ADMA2 for this reason) and
 * simple DMA in bit 22 (DMAS); a DMA error is INT_STATUS.DMAE (28). BLK_ATT has no SDMA buffer
 * boundary field (its block size is bits 12:0). QEMU's model (hw/sd/sdhci.c, usdhc_write) moves
 * DMASEL to the SDHCI's place, its capabilities are the SDHCI default 0x057834b4 (SDMA, ADMA1 and
 * ADMA2 bits) and it reports an ADMA error at the SDHCI's bit 25, so both are enabled and read.
 */
import type { DmaAllocator } from "hal";
import { defineRegisters, ro, rw, type PolledDeviceOptions } from "../../hal/register.ts";
import { BlockDeviceError } from "../block/block-device.ts";
import { CAP, ID_CLOCK, Sdhci, type SdTransferMode } from "./sdhci.ts";

/** PROT_CTRL (58.8.10): DTW data transfer width, EMODE endian mode. */
export enum PROT_CTRL { DTW = 3 << 1, DTW_4 = 1 << 1, EMODE = 3 << 4, EMODE_LITTLE = 2 << 4, DMASEL = 3 << 8, DMASEL_SIMPLE = 0, DMASEL_ADMA2 = 2 << 8 }
/** HOST_CTRL_CAP: ADMAS (ADMA2 support), DMAS (simple DMA support). */
export enum HOST_CTRL_CAP { ADMAS = 1 << 20, DMAS = 1 << 22 }
/** INT_STATUS / INT_STATUS_EN: DMAE, a DMA error (where the SDHCI has vendor-specific bits). */
export enum USDHC_INT { DMAE = 1 << 28 }
/** SYS_CTRL (58.8.11). */
export enum SYS_CTRL { RESERVED_ONES = 0xf, DVS = 0xf << 4, SDCLKFS = 0xff << 8, DTOCV = 0xf << 16, RSTA = 1 << 24, RSTC = 1 << 25, RSTD = 1 << 26, INITA = 1 << 27 }
/** PRES_STATE (58.8.9): SDSTB, the SD clock is stable. */
export enum PRES_STATE { SDSTB = 1 << 3 }
/** WTMK_LVL (58.8.17): read/write watermarks in words, burst lengths. */
export enum WTMK_LVL { RD_WML = 0xff, RD_BRST_LEN = 0x1f << 8, WR_WML = 0xff << 16, WR_BRST_LEN = 0x1f << 24 }
/** MIX_CTRL (58.8.18): the transfer mode bits, at the SDHCI Transfer Mode's positions. */
export enum MIX_CTRL { DMAEN = 1 << 0, BCEN = 1 << 1, AC12EN = 1 << 2, DTDSEL = 1 << 4, MSBSEL = 1 << 5, MODE = 0xff }

export const USDHC_REGS = defineRegisters({
  CMD_XFR_TYP: rw(0x0c),
  PRES_STATE: ro<PRES_STATE>(0x24),
  PROT_CTRL: rw<PROT_CTRL>(0x28),
  SYS_CTRL: rw<SYS_CTRL>(0x2c),
  WTMK_LVL: rw<WTMK_LVL>(0x44),
  MIX_CTRL: rw<MIX_CTRL>(0x48),
}, { name: "uSDHC" });
export type ImxUsdhcRegisters = ReturnType<typeof USDHC_REGS.at>;

export interface ImxUsdhcOptions extends PolledDeviceOptions {
  /** The uSDHC clock root (default 198 MHz: PLL2 PFD2 396 MHz / 2, the CCM's reset selection, 18.6). */
  readonly rootClockHz?: number;
  readonly busWidth4?: boolean;
  readonly cardDetect?: boolean;
  /** DMA memory (hal `dma`): ADMA2 (or simple DMA) when HOST_CTRL_CAP offers it; without it, PIO. See SdhciOptions. */
  readonly dma?: DmaAllocator;
  /** The bounce buffer's bytes (default 65536). */
  readonly dmaBufferBytes?: number;
  /** hal `barrier.dsb` around DMA transfers (SdhciOptions.barrier). */
  readonly barrier?: () => void;
}

/** Data timeout: SDCLK x 2^27 (DTOCV 1110b), the largest the RM defines. */
const DTOCV_MAX = 0xe << 16;
/** 128 words (512 bytes) per buffer-ready for reads and writes, bursts of 8 words. */
const WATERMARK = 128 | (8 << 8) | (128 << 16) | (8 << 24);

export class ImxUsdhc extends Sdhci {
  readonly usdhc: ImxUsdhcRegisters;
  private readonly rootHz: number;

  constructor(options: ImxUsdhcOptions) {
    super({ base: options.base, bus: options.bus, maxPolls: options.maxPolls, busWidth4: options.busWidth4, cardDetect: options.cardDetect, dma: options.dma, dmaBufferBytes: options.dmaBufferBytes, barrier: options.barrier }, "ImxUsdhc");
    if (options.rootClockHz !== undefined && !(options.rootClockHz > 0)) throw new RangeError(`ImxUsdhc: rootClockHz ${options.rootClockHz} is not positive`);
    this.rootHz = options.rootClockHz ?? 198_000_000;
    this.usdhc = USDHC_REGS.at(options.base, options.bus);
    this.statusNames = { int: "INT_STATUS", pres: "PRES_STATE", adma: "ADMA_ERR_STATUS" };
    this.dmaErrors |= USDHC_INT.DMAE;
    this.statusEnable |= USDHC_INT.DMAE;
    this.sdmaBoundary = 0;
  }

  /** 58.5.x initialisation: RSTA, little-endian PROT_CTRL, watermarks, statuses, card detect, DMA or not, 400 kHz, INITA. */
  override reset(): void {
    if (!this.base) throw new Error(`${this.name}: invalid base address`);
    const u = this.usdhc;
    u.SYS_CTRL.write(SYS_CTRL.RSTA | SYS_CTRL.RESERVED_ONES);
    this.waitFor(() => u.SYS_CTRL.read() & SYS_CTRL.RSTA, 0, "RSTA (software reset for all)");
    u.PROT_CTRL.write(PROT_CTRL.EMODE_LITTLE); // 1-bit bus, no DMA
    u.WTMK_LVL.write(WATERMARK);
    u.MIX_CTRL.write(u.MIX_CTRL.read() & ~MIX_CTRL.MODE);
    this.enableStatus();
    this.checkCard();
    this.chooseTransfer();
    this.setClock(ID_CLOCK);
    u.SYS_CTRL.set(SYS_CTRL.INITA); // 80 SD clocks before CMD0
    this.waitFor(() => u.SYS_CTRL.read() & SYS_CTRL.INITA, 0, "INITA (initialisation clocks)");
  }

  /** SD clock = root / (prescaler x divisor): prescaler 1, 2, 4, ..., 256 (SDCLKFS 0, 1, 2, ..., 0x80), divisor 1-16 (DVS + 1). */
  override setClock(hz: number): void {
    if (!(hz > 0)) throw new BlockDeviceError(`${this.name}: clock ${hz} Hz is not positive`, "EINVAL");
    let pre = 1, div = 1;
    while (this.rootHz / (pre * 16) > hz && pre < 256) pre *= 2;
    while (this.rootHz / (pre * div) > hz && div < 16) div++;
    const u = this.usdhc;
    const sdclkfs = pre === 1 ? 0 : pre >>> 1;
    u.SYS_CTRL.write(SYS_CTRL.RESERVED_ONES | (sdclkfs << 8) | ((div - 1) << 4) | DTOCV_MAX);
    this.waitFor(() => u.PRES_STATE.read() & PRES_STATE.SDSTB, PRES_STATE.SDSTB, "PRES_STATE.SDSTB (SD clock stable)");
  }

  /** ADMAS (bit 20) or the SDHCI's ADMA2 bit (19, which QEMU's model checks) for ADMA2; DMAS (22) for simple DMA. */
  protected override dmaSupport(cap: number): SdTransferMode {
    return cap & (HOST_CTRL_CAP.ADMAS | CAP.ADMA2) ? "adma2" : cap & HOST_CTRL_CAP.DMAS ? "sdma" : "pio";
  }

  /** PROT_CTRL.DMASEL: 00b simple DMA, 10b ADMA2. */
  protected override selectDma(mode: SdTransferMode): void {
    this.usdhc.PROT_CTRL.modify(PROT_CTRL.DMASEL, mode === "adma2" ? PROT_CTRL.DMASEL_ADMA2 : PROT_CTRL.DMASEL_SIMPLE);
  }

  override setBusWidth4(): void {
    this.usdhc.PROT_CTRL.modify(PROT_CTRL.DTW, PROT_CTRL.DTW_4);
  }

  /** MIX_CTRL takes the transfer mode, then CMD_XFR_TYP the command (its low half reserved). */
  protected override issue(mode: number, command: number): void {
    const u = this.usdhc;
    u.MIX_CTRL.write(((u.MIX_CTRL.read() & ~MIX_CTRL.MODE) | mode) >>> 0);
    u.CMD_XFR_TYP.write((command & 0xffff_0000) >>> 0);
  }

  /** No power control register: the slot's supply is the board's. */
  protected override powerOn(): void {}
}
