/**
 * Model of the PHY QEMU 7.2 puts behind each i.MX ENET (hw/net/imx_fec.c imx_phy_*; the same
 * register behaviour as its LAN9118 PHY): IEEE 802.3 clause 22 registers with QEMU's values,
 * written out here rather than imported from the driver.
 *
 * - BMCR (0): reset 0x3000 (100 Mb/s, auto-negotiation on). A write with bit 15 resets the PHY;
 *   otherwise it keeps bits 0x7980, and bit 12 (auto-negotiation enable) completes
 *   auto-negotiation at once (BMSR bit 5), unless `autonegPending` holds it back.
 * - BMSR (1): reset 0x7809 (100BASE-X FD/HD, 10 FD/HD, auto-negotiation ability, extended
 *   capability), with 0x0024 (link, auto-negotiation complete) while the link is up. Link status
 *   latches low as IEEE 802.3 22.2.4.2.13 says (QEMU does not latch): after the link went down,
 *   the next read reports it down even if it came back.
 * - PHYID1/2 (2, 3): 0x0007, 0xC0D1. ANAR (4): reset 0x01E1; a write keeps bits 0x2D7F and sets
 *   0x0080, as QEMU. ANLPAR (5): 0x0F71 while auto-negotiation is complete. ANER (6): 1.
 * - 29, 30: interrupt source (read clears) and mask, as QEMU; everything else reads 0.
 */

/** The registers BMCR bit 15 resets, with their reset values (see above). */
const RESET_STATE = {
  /** BMCR (0). */
  control: 0x3000,
  /** BMSR (1) without the link and auto-negotiation bits, which come from the model's state. */
  status: 0x7809,
  /** ANAR (4). */
  advertise: 0x01e1,
  /** 30. */
  intMask: 0,
  /** 29, cleared by reading. */
  intSource: 0,
};

export class MiiPhyModel {
  /** Resets through BMCR bit 15. */
  resets = 0;
  /** Register writes, in order, for tests. */
  readonly writes: { reg: number; value: number }[] = [];
  /**
   * While true, auto-negotiation does not complete (a real PHY takes seconds; QEMU none):
   * `completeAutoneg()` finishes it.
   */
  autonegPending = false;
  /** Reads of BMCR that still show the reset bit after a reset (a PHY's reset time). */
  resetReads = 0;
  private regs = { ...RESET_STATE };
  private linked = true;
  private latchedDown = false;
  private resetPending = 0;
  private anComplete = false;

  constructor(options: { link?: boolean; autonegPending?: boolean; resetReads?: number } = {}) {
    this.linked = options.link ?? true;
    this.autonegPending = options.autonegPending ?? false;
    this.resetReads = options.resetReads ?? 0;
    this.reset();
    this.resets = 0;
  }

  read(reg: number): number {
    switch (reg) {
      case 0:
        if (this.resetPending > 0) {
          this.resetPending--;
          return this.regs.control | 0x8000;
        }
        return this.regs.control;
      case 1: {
        let v = this.regs.status;
        if (this.linked && !this.latchedDown) v |= 0x0004;
        if (this.anComplete && this.linked) v |= 0x0020;
        this.latchedDown = false;
        return v;
      }
      case 2: return 0x0007;
      case 3: return 0xc0d1;
      case 4: return this.regs.advertise;
      case 5: return this.anComplete && this.linked ? 0x0f71 : 0;
      case 6: return 1;
      case 29: {
        const v = this.regs.intSource;
        this.regs.intSource = 0;
        return v;
      }
      case 30: return this.regs.intMask;
      default: return 0;
    }
  }

  write(reg: number, value: number): void {
    this.writes.push({ reg, value });
    switch (reg) {
      case 0:
        if (value & 0x8000) {
          this.reset();
          this.resetPending = this.resetReads;
          return;
        }
        this.regs.control = value & 0x7980;
        if (value & 0x1000 && !this.autonegPending) this.anComplete = true;
        if (!(value & 0x1000)) this.anComplete = false;
        return;
      case 4:
        this.regs.advertise = (value & 0x2d7f) | 0x80;
        return;
      case 30:
        this.regs.intMask = value & 0xff;
        return;
      default:
    }
  }

  /** The cable: link up or down (QEMU's link_down of the NIC's peer). */
  setLink(up: boolean): void {
    if (this.linked && !up) {
      this.latchedDown = true;
      this.regs.intSource |= 0x10; // PHY_INT_DOWN
    }
    if (!this.linked && up) this.regs.intSource |= 0xc0; // ENERGYON, AUTONEG_COMPLETE
    this.linked = up;
  }

  /** Finishes a pending auto-negotiation (see `autonegPending`). */
  completeAutoneg(): void {
    this.autonegPending = false;
    if (this.regs.control & 0x1000) this.anComplete = true;
  }

  private reset(): void {
    this.resets++;
    this.regs = { ...RESET_STATE };
    // QEMU's reset leaves auto-negotiation complete while the link is up (status |= 0x24).
    this.anComplete = !this.autonegPending;
  }
}
