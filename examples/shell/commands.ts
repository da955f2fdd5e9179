/**
 * The shell's commands: one table (io/shell.ts), so that `help` and the dispatcher cannot
 * disagree, run by the serial shell (main.ts) and by SSH sessions (examples/secure-shell). Each
 * prints through the `print` it is given: the UART's console.log, or the SSH channel.
 */
import { cpu, irq, mem, mmio } from "hal";
import { commandShell, helpLines, type Commands } from "tsmetal";

/** A hexadecimal argument, with or without 0x (addresses and register values read best in hex). */
function hex(arg: string | undefined, what: string): number {
  if (arg === undefined || !/^(0x)?[0-9a-f]{1,8}$/i.test(arg)) throw new RangeError(`${what}: expected a hexadecimal number, got ${arg ?? "nothing"}`);
  return parseInt(arg, 16);
}

const word = (v: number) => "0x" + (v >>> 0).toString(16).padStart(8, "0");

export const COMMANDS: Commands = {
  help: {
    usage: "help",
    help: "list the commands",
    run: (_args, print) => helpLines(COMMANDS).forEach((line) => print(line)),
  },
  uptime: {
    usage: "uptime",
    help: "time since the clock started",
    run: (_args, print) => print(`up ${(performance.now() / 1000).toFixed(3)} s`),
  },
  mem: {
    usage: "mem",
    help: "engine heap in use, peak and limit",
    run: (_args, print) => {
      const { used, peak, limit } = mem.stats();
      print(`heap: ${used} bytes in use, peak ${peak}, limit ${limit}`);
    },
  },
  peek: {
    usage: "peek <addr>",
    help: "read a 32-bit register (hex)",
    run: ([addr], print) => {
      const a = hex(addr, "address");
      print(`${word(a)}: ${word(mmio.read32(a))}`);
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
    run: (_args, print) => {
      const counts = irq.counts();
      if (counts.length === 0) print("no interrupts");
      for (const { line, count } of counts) print(`line ${line}: ${count}`);
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

/** The interpreter over the table: shell.run(line, print) returns the exit status. */
export const shell = commandShell(COMMANDS);

/** Runs one command line on the console; errors are printed, never thrown, so the shell keeps going. */
export function execute(line: string): void {
  shell.run(line, (text) => console.log(text));
}
