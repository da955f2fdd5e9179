/**
 * A generic Ethernet PHY reached over MDIO: the IEEE 802.3 clause 22 management registers every
 * 10/100 PHY has, nothing vendor-specific. Follows IEEE Std 802.3-2018: the management frame
 * (22.2.4.5), the Control register 0 (22.2.4.1, here BMCR), the Status register 1 (22.2.4.2,
 * BMSR), the PHY Identifier registers 2 and 3 (22.2.4.3.1), the Auto-Negotiation advertisement
 * register 4 (28.2.4.1.3, ANAR) and link partner ability register 5 (28.2.4.1.4, ANLPAR) with
 * their technology ability bits (28.2.1.2, Annex 28B.2) and the priority resolution of Annex
 * 28B.3.
 *
 * What it does: reset (BMCR.RESET, self-clearing within 0.5 s, 22.2.4.1.1), identify (the OUI,
 * model and revision), start auto-negotiation advertising what the PHY can do (BMSR abilities),
 * and report the link: BMSR.LINK latches low (22.2.4.2.13), so it reads BMSR twice to get the
 * state now, and resolves speed and duplex from ANAR & ANLPAR once the link is up. No interrupt:
 * the MAC driver polls `linkUp()` from a timer. `findPhy()` finds a PHY that is not at the address
 * a board states (QEMU's i.MX6UL puts ENET2's at 1 where the USB armory Mk II LAN has it at 0).
 */
import { pollUntil, pollOptions, type PollOptions } from "../../hal/poll.ts";
import { fieldBits } from "../../hal/register.ts";

/** A clause 22 management interface (an MDIO master): the MAC's MII management frame register. */
export interface MdioBus {
  /** Register `reg` (0-31) of the PHY at address `phy` (0-31); 0xffff where no PHY drives MDIO. */
  mdioRead(phy: number, reg: number): number;
  /** Writes 16 bits to register `reg` of the PHY at address `phy`. */
  mdioWrite(phy: number, reg: number, value: number): void;
}

/**
 * A clause 22 management frame (22.2.4.5) as a MAC's 32-bit management register holds it, the
 * same in the i.MX ENET's ENETx_MMFR and the Cadence GEM's phy_maint (MAN): ST (31:30), OP (29:28),
 * PHY address (27:23), register address (22:18), TA (17:16), data (15:0).
 */
export enum MDIO_FRAME { DATA = 0xffff, TA = 3 << 16, REG_ADDR = 0x1f << 18, PHY_ADDR = 0x1f << 23, OP = 3 << 28, ST = 3 << 30 }
/** MDIO_FRAME.OP: 01 write, 10 read. */
export enum MDIO_OP { WRITE = 1 << 28, READ = 2 << 28 }
/** ST 01 (clause 22 start of frame) and TA 10 (turnaround), both fixed. */
const ST_CLAUSE_22 = 1 << 30;
const TA_10 = 2 << 16;

/** The frame for `op` on register `reg` of the PHY at `phy`; a RangeError naming `owner` for an argument out of range. */
export function mdioFrame(owner: string, op: MDIO_OP, phy: number, reg: number, value: number): number {
  if (!(phy >>> 0 === phy && phy <= 31)) throw new RangeError(`${owner}: PHY address ${phy} is not 0-31`);
  if (!(reg >>> 0 === reg && reg <= 31)) throw new RangeError(`${owner}: PHY register ${reg} is not 0-31`);
  if (!(value >>> 0 === value && value <= 0xffff)) throw new RangeError(`${owner}: PHY register value ${value} is not 16 bits`);
  return (ST_CLAUSE_22 | op | fieldBits(MDIO_FRAME.PHY_ADDR, phy) | fieldBits(MDIO_FRAME.REG_ADDR, reg) | TA_10 | value) >>> 0;
}

/** The clause 22 register numbers this helper uses (22.2.4, table 22-6). */
export enum MII_REG { BMCR = 0, BMSR = 1, PHYID1 = 2, PHYID2 = 3, ANAR = 4, ANLPAR = 5 }

/** Control register (register 0, 22.2.4.1). */
export enum BMCR {
  SPEED_MSB = 1 << 6, COLLISION_TEST = 1 << 7, DUPLEX = 1 << 8, RESTART_AN = 1 << 9, ISOLATE = 1 << 10,
  POWER_DOWN = 1 << 11, AN_ENABLE = 1 << 12, SPEED_100 = 1 << 13, LOOPBACK = 1 << 14, RESET = 1 << 15,
}

/** Status register (register 1, 22.2.4.2). LINK latches low until read. */
export enum BMSR {
  EXTENDED_CAPABILITY = 1 << 0, JABBER = 1 << 1, LINK = 1 << 2, AN_ABILITY = 1 << 3, REMOTE_FAULT = 1 << 4,
  AN_COMPLETE = 1 << 5, PREAMBLE_SUPPRESSION = 1 << 6, BASE10_HD = 1 << 11, BASE10_FD = 1 << 12,
  BASE100X_HD = 1 << 13, BASE100X_FD = 1 << 14, BASE100_T4 = 1 << 15,
}

/** Advertisement and link partner ability (registers 4 and 5, 28.2.4.1.3-4; bits from 28.2.1.2). */
export enum ANAR {
  SELECTOR = 0x1f, BASE10_HD = 1 << 5, BASE10_FD = 1 << 6, BASE100TX_HD = 1 << 7, BASE100TX_FD = 1 << 8,
  BASE100_T4 = 1 << 9, PAUSE = 1 << 10, ASYM_PAUSE = 1 << 11, REMOTE_FAULT = 1 << 13, ACK = 1 << 14, NEXT_PAGE = 1 << 15,
}

/** Selector field 00001: IEEE Std 802.3 (Annex 28A). */
export const SELECTOR_IEEE_802_3 = 1;
/** Every 10/100 ability this helper advertises unless told otherwise (no PAUSE: the MACs here send none). */
export const ADVERTISE_10_100 = ANAR.BASE10_HD | ANAR.BASE10_FD | ANAR.BASE100TX_HD | ANAR.BASE100TX_FD;
/**
 * BMSR's ability bits 15:11 and ANAR's 9:5 name the same technologies in the same order (100BASE-T4,
 * 100BASE-X FD/HD, 10 Mb/s FD/HD), six bits apart.
 */
const BMSR_TO_ANAR_SHIFT = 6;

/** Speed and duplex of a link. */
export interface LinkMode {
  readonly speed: 10 | 100;
  readonly fullDuplex: boolean;
}

export interface MiiPhyOptions {
  /** The management interface the PHY hangs on (often the MAC's own; on some boards another MAC's). */
  readonly mdio: MdioBus;
  /** The PHY's address on that bus, 0-31 (set by its strapping pins). */
  readonly address: number;
  /** Reads of BMCR before a reset that does not complete gives up (default DEFAULT_MAX_POLLS). */
  readonly maxPolls?: number;
}

export class MiiPhy {
  readonly address: number;
  private readonly mdio: MdioBus;
  private readonly wait?: PollOptions;

  constructor(options: MiiPhyOptions) {
    const a = options.address;
    if (!(a >>> 0 === a && a <= 31)) throw new RangeError(`MiiPhy: PHY address ${a} is not 0-31`);
    this.address = a;
    this.mdio = options.mdio;
    this.wait = pollOptions(options.maxPolls);
  }

  read(reg: number): number {
    return this.mdio.mdioRead(this.address, reg) & 0xffff;
  }

  write(reg: number, value: number): void {
    this.mdio.mdioWrite(this.address, reg, value & 0xffff);
  }

  /**
   * The 32-bit PHY identifier, PHYID1 << 16 | PHYID2 (22.2.4.3.1: OUI bits 3-24, 6-bit model
   * number, 4-bit revision). Throws when nothing answers: an undriven MDIO reads all ones, and
   * all zeros is no identifier either.
   */
  id(): number {
    const id = readIdentifier(this.mdio, this.address);
    if (!answers(id)) throw new Error(`MiiPhy: no PHY answers at address ${this.address} (identifier 0x${id.toString(16).padStart(8, "0")})`);
    return id;
  }

  /** Resets the PHY (BMCR.RESET) and waits until the bit clears, which 22.2.4.1.1 bounds at 0.5 s. */
  reset(): void {
    this.write(MII_REG.BMCR, BMCR.RESET);
    try {
      pollUntil(() => this.read(MII_REG.BMCR) & BMCR.RESET, 0, () => `MiiPhy ${this.address}: BMCR.RESET`, this.wait);
    } catch (e) {
      throw new Error(`MiiPhy: the PHY at address ${this.address} did not leave reset (${(e as Error).message})`);
    }
  }

  /**
   * Advertises `abilities` (ANAR technology bits, default every 10/100 mode) less those BMSR says
   * the PHY lacks (28.2.4.1.3: a PHY advertises only what it can do), then enables and restarts
   * auto-negotiation; the same BMCR write takes the PHY out of isolation, power-down and loopback.
   */
  startAutoNegotiation(abilities: number = ADVERTISE_10_100): void {
    const able = (this.read(MII_REG.BMSR) >>> BMSR_TO_ANAR_SHIFT) & (ANAR.BASE10_HD | ANAR.BASE10_FD | ANAR.BASE100TX_HD | ANAR.BASE100TX_FD | ANAR.BASE100_T4);
    const advertised = abilities & able;
    if (advertised === 0) throw new RangeError(`MiiPhy: the PHY at address ${this.address} can do none of the abilities 0x${abilities.toString(16)}`);
    this.write(MII_REG.ANAR, advertised | (abilities & (ANAR.PAUSE | ANAR.ASYM_PAUSE)) | SELECTOR_IEEE_802_3);
    this.write(MII_REG.BMCR, BMCR.AN_ENABLE | BMCR.RESTART_AN);
  }

  /**
   * Whether the link is up now: BMSR.LINK, read twice because it latches low (22.2.4.2.13: the
   * first read reports a drop since the last read), and, with auto-negotiation on, BMSR.AN_COMPLETE.
   */
  linkUp(): boolean {
    this.read(MII_REG.BMSR);
    const bmsr = this.read(MII_REG.BMSR);
    if (!(bmsr & BMSR.LINK)) return false;
    return (bmsr & BMSR.AN_COMPLETE) !== 0 || (this.read(MII_REG.BMCR) & BMCR.AN_ENABLE) === 0;
  }

  /**
   * The speed and duplex the link runs at: with auto-negotiation the highest common ability of
   * ANAR and ANLPAR by Annex 28B.3 (100BASE-TX full duplex, 100BASE-T4, 100BASE-TX, 10BASE-T full
   * duplex, 10BASE-T), undefined when there is none; without it, BMCR's forced speed and duplex.
   */
  linkMode(): LinkMode | undefined {
    const bmcr = this.read(MII_REG.BMCR);
    if (!(bmcr & BMCR.AN_ENABLE)) return { speed: bmcr & BMCR.SPEED_100 ? 100 : 10, fullDuplex: (bmcr & BMCR.DUPLEX) !== 0 };
    return resolveLinkMode(this.read(MII_REG.ANAR) & this.read(MII_REG.ANLPAR));
  }
}

/** Annex 28B.3 priority resolution of the abilities both ends advertise (ANAR & ANLPAR). */
export function resolveLinkMode(common: number): LinkMode | undefined {
  if (common & ANAR.BASE100TX_FD) return { speed: 100, fullDuplex: true };
  // 100BASE-T4 is half duplex by nature (clause 23).
  if (common & (ANAR.BASE100_T4 | ANAR.BASE100TX_HD)) return { speed: 100, fullDuplex: false };
  if (common & ANAR.BASE10_FD) return { speed: 10, fullDuplex: true };
  if (common & ANAR.BASE10_HD) return { speed: 10, fullDuplex: false };
  return undefined;
}

/** PHYID1 << 16 | PHYID2 of the PHY at `address` (22.2.4.3.1). */
function readIdentifier(mdio: MdioBus, address: number): number {
  return (((mdio.mdioRead(address, MII_REG.PHYID1) & 0xffff) << 16) | (mdio.mdioRead(address, MII_REG.PHYID2) & 0xffff)) >>> 0;
}

/** Whether an identifier is a PHY's: an undriven MDIO is pulled up and reads all ones; all zeros is no identifier either. */
function answers(id: number): boolean {
  return id !== 0xffff_ffff && id !== 0;
}

/** A PHY found on an MDIO bus: its address and identifier. */
export interface FoundPhy {
  readonly address: number;
  readonly id: number;
}

/**
 * Finds the PHY on `mdio`: at `first` when a PHY answers there (the address a board's strapping
 * sets: a board that states it right never scans), else at the lowest address of 0-31 that
 * answers, each of the others read once (registers 2 and 3, 22.2.4.3.1). Undefined when no
 * address answers.
 */
export function findPhy(mdio: MdioBus, first: number): FoundPhy | undefined {
  if (!(first >>> 0 === first && first <= 31)) throw new RangeError(`MiiPhy: PHY address ${first} is not 0-31`);
  const id = readIdentifier(mdio, first);
  if (answers(id)) return { address: first, id };
  for (let address = 0; address <= 31; address++) {
    if (address === first) continue;
    const other = readIdentifier(mdio, address);
    if (answers(other)) return { address, id: other };
  }
  return undefined;
}
