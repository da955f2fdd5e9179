/**
 * The "SoC" of the Linux boards (boards/linux-*, docs/boards/linux.md): a host process. Its
 * console is standard output through the native hal.cpu.consoleWrite (hal/arch/linux/
 * host-console.c), and its loop clock the "cpu-timer" counter kind, which the Linux arch serves
 * from CLOCK_MONOTONIC in nanoseconds (hal/arch/linux/monotonic.c). Its peripherals are in the
 * simulated register space npm run linux serves (soc/linux/services.ts, soc/linux/virt-map.ts).
 */
import { clock, cpu } from "hal";

/** hal.cpu as the Linux targets extend it (declared here: no other target has the member). */
type HostCpu = typeof cpu & { readonly consoleWrite?: (text: string) => void };

/** The console's writer: text to the process's standard output, as UTF-8. */
export function hostConsoleWriter(): (text: string) => void {
  const write = (cpu as HostCpu).consoleWrite;
  if (!write) throw new Error("hal.cpu.consoleWrite is missing: the firmware was not built for a linux-* target");
  return write;
}

/** Attaches CLOCK_MONOTONIC (1 GHz ticks) as the event loop's clock. */
export function startHostClock(): void {
  clock.attach({ counter: { kind: "cpu-timer" } });
}
