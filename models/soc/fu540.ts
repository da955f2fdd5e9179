/**
 * The FU540's peripherals as models at their addresses (FU540-C000 Manual v1p0, chapter 5),
 * wired as on the chip: UART0 into PLIC source 4, the firmware hart's M-mode context as the CPU's
 * external interrupt. The simulator's machine for the FU540 family (models/machines.ts).
 */
import { MemoryBus } from "../memory-bus.ts";
import type { SimMachine } from "../machine.ts";
import { SifiveUartModel } from "../uart/sifive.ts";
import { ClintModel } from "../timer/clint.ts";
import { PlicModel } from "../irq/plic.ts";
import { SifivePrciModel } from "../clock/sifive-prci.ts";
import { SifiveOtpModel } from "../otp/sifive-otp.ts";

const CLINT = 0x0200_0000, PLIC = 0x0c00_0000, PRCI = 0x1000_0000, UART0 = 0x1001_0000, OTP = 0x1007_0000;
/** PLIC source of UART0 (10.1) and hart 1's M-mode context. */
const SOURCE_UART0 = 4, HART1_M_CONTEXT = 1;

export interface Fu540MachineOptions {
  /** The board serial number in the OTP fuses (QEMU's default is 1). */
  readonly serial?: number;
}

export class Fu540Machine implements SimMachine {
  readonly bus = new MemoryBus({ logLimit: 0 });
  readonly plic: PlicModel;
  readonly clint: ClintModel;
  readonly uart0: SifiveUartModel;
  readonly prci: SifivePrciModel;
  readonly otp: SifiveOtpModel;
  readonly mapped = [
    { base: CLINT, size: 0x1_0000 },
    { base: PLIC, size: 0x400_0000 },
    { base: PRCI, size: 0x1000 },
    { base: UART0, size: 0x1000 },
    { base: OTP, size: 0x1000 },
  ];
  private eip = false;

  constructor(options: Fu540MachineOptions = {}) {
    this.plic = new PlicModel(this.bus, PLIC, { onIrq: (ctx, level) => { if (ctx === HART1_M_CONTEXT) this.eip = level; } });
    this.clint = new ClintModel(this.bus, CLINT);
    this.uart0 = new SifiveUartModel(this.bus, UART0, { onIrq: (level) => this.plic.setLevel(SOURCE_UART0, level) });
    this.prci = new SifivePrciModel(this.bus, PRCI);
    this.otp = new SifiveOtpModel(this.bus, OTP, { serial: options.serial ?? 1 });
  }

  advance(us: number): void {
    // mtime counts the 1 MHz RTC clock (chapter 9).
    this.clint.advance(us);
  }

  irqAsserted(): boolean {
    return this.eip;
  }

  get console(): SifiveUartModel {
    return this.uart0;
  }
}
