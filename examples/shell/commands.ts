/**
 * The shell's commands: one table, so that `help` and the dispatcher cannot disagree. Output goes
 * through console.log, which writes to the same UART the shell reads from.
 */
import { cpu, irq, mem, mmio } from "hal";

export interface Command {
  readonly usage: string;
  readonly help: string;
  readonly run: (args: readonly string[]) => void;
}

/** A hexadecimal argument, with or without 0x (addresses and register values read best in hex). */
function hex(arg: string | undefined, what: string): number {
  if (arg === undefined || !/^(0x)?[0-9a-f]{1,8}$/i.test(arg)) throw new RangeError(`${what}: expected a hexadecimal number, got ${arg ?? "nothing"}`);
  return parseInt(arg, 16);
}

const word = (v: number) => "0x" + (v >>> 0).toString(16).padStart(8, "0");

export const COMMANDS: Record<string, Command> = {
  help: {
    usage: "help",
    help: "list the commands",
    run: () => {
      for (const name of Object.keys(COMMANDS)) console.log(`  ${COMMANDS[name].usage.padEnd(22)} ${COMMANDS[name].help}`);
    },
  },
  uptime: {
    usage: "uptime",
    help: "time since the clock started",
    run: () => console.log(`up ${(performance.now() / 1000).toFixed(3)} s`),
  },
  mem: {
    usage: "mem",
    help: "engine heap in use, peak and limit",
    run: () => {
      const { used, peak, limit } = mem.stats();
      console.log(`heap: ${used} bytes in use, peak ${peak}, limit ${limit}`);
    },
  },
  peek: {
    usage: "peek <addr>",
    help: "read a 32-bit register (hex)",
    run: ([addr]) => {
      const a = hex(addr, "address");
      console.log(`${word(a)}: ${word(mmio.read32(a))}`);
    },
  },
  poke: {
    usage: "poke <addr> <value>",
    help: "write a 32-bit register (hex)",
    run: ([addr, value]) => mmio.write32(hex(addr, "address"), hex(value, "value")),
  },
  irq: {
    usage: "irq",
    help: "interrupts taken per line",
    run: () => {
      const counts = irq.counts();
      if (counts.length === 0) console.log("no interrupts");
      for (const { line, count } of counts) console.log(`line ${line}: ${count}`);
    },
  },
  exit: {
    usage: "exit [code]",
    help: "end the firmware with an exit code (default 0)",
    run: ([code = "0"]) => {
      const n = Number(code);
      if (!/^\d{1,3}$/.test(code) || n > 255) throw new RangeError(`exit code: expected 0-255, got ${code}`);
      cpu.exit(n);
    },
  },
};

/** Runs one command line; errors are printed, never thrown, so the shell keeps going. */
export function execute(line: string): void {
  const [name, ...args] = line.trim().split(/\s+/);
  if (!name) return;
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.log(`unknown command: ${name} (try help)`);
    return;
  }
  try {
    command.run(args);
  } catch (e) {
    console.log(e instanceof Error ? `${e.name}: ${e.message}` : `error: ${String(e)}`);
  }
}
