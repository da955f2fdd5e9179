/**
 * The x86 I/O port space as a RegisterBus, through the native `io` object (hal/native/port-io.c),
 * so a driver whose registers sit in port space (the 16550 on COM1) declares them with
 * hal/register.ts like any memory-mapped block and is handed this bus: `at(0x3f8, portIoBus)`.
 * Addresses are port numbers (0..0xffff). Only boards whose CPU has port I/O import it: elsewhere
 * `io` is empty and the first access throws TypeError.
 */
import { io } from "hal";
import type { RegisterBus } from "./register.ts";

// The native functions ignore `this`, so they serve as the bus methods without a wrapper call.
export const portIoBus: RegisterBus = {
  read8: io.in8,
  read16: io.in16,
  read32: io.in32,
  write8: io.out8,
  write16: io.out16,
  write32: io.out32,
};
