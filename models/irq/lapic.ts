/**
 * Register-level model of the parts of a local APIC the interrupt driver uses (Intel SDM vol. 3,
 * chapter 11, table 11-1): ID, version, TPR, EOI (counted), SVR, LVT LINT0 and LVT error, with
 * their reset values (11.4.7.1: LVT entries masked, SVR 0xff; QEMU and the BIOS leave LINT0 of
 * the bootstrap CPU in ExtINT mode, 0x700). While the APIC is software-disabled (SVR bit 8 clear)
 * the LVT mask bits cannot be cleared (11.4.7.2). Offsets are written out here, not imported.
 */
import type { MemoryBus } from "../memory-bus.ts";

const ID = 0x020, VERSION = 0x030, TPR = 0x080, EOI = 0x0b0, SVR = 0x0f0, LINT0 = 0x350, ERROR = 0x370;
const SVR_ENABLE = 1 << 8, LVT_MASKED = 1 << 16;

export class LocalApicModel {
  /** EOI writes seen. */
  eois = 0;
  tpr = 0;
  svr = 0xff;
  lint0 = 0x700;
  lvtError = LVT_MASKED;

  constructor(bus: MemoryBus, base: number, readonly apicId = 0) {
    bus.onRead(base + ID, () => (this.apicId << 24) >>> 0);
    bus.onRead(base + VERSION, () => 0x0005_0014);
    bus.onRead(base + TPR, () => this.tpr);
    bus.onWrite(base + TPR, (v) => (this.tpr = v & 0xff));
    bus.onRead(base + EOI, () => 0);
    bus.onWrite(base + EOI, () => this.eois++);
    bus.onRead(base + SVR, () => this.svr);
    bus.onWrite(base + SVR, (v) => (this.svr = v & 0x1ff));
    bus.onRead(base + LINT0, () => this.lint0);
    bus.onWrite(base + LINT0, (v) => (this.lint0 = this.lvt(v & 0x1_a7ff)));
    bus.onRead(base + ERROR, () => this.lvtError);
    bus.onWrite(base + ERROR, (v) => (this.lvtError = this.lvt(v & 0x1_00ff)));
  }

  get enabled(): boolean {
    return (this.svr & SVR_ENABLE) !== 0;
  }

  private lvt(v: number): number {
    return this.enabled ? v : v | LVT_MASKED;
  }
}
