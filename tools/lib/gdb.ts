/**
 * --gdb [port] for `npm run qemu`: the guest waits halted for a debugger on QEMU's gdbstub
 * (`-S -gdb`), and the command prints the
 * gdb-multiarch line that attaches to it with our helper script (tools/gdb/tsmetal.py, JS frames
 * mapped to .ts lines; docs/debugging.md).
 */
import path from "node:path";
import { repoPath } from "./paths.ts";
import { UserError } from "./errors.ts";
import type { Tool } from "./targets.ts";

export const DEFAULT_GDB_PORT = 1234;
/** The helper script gdb sources. */
export const gdbScript = () => repoPath("tools/gdb/tsmetal.py");

/**
 * `--gdb` takes an optional port, which node:util parseArgs cannot express: a bare `--gdb`
 * (last, or followed by another option) becomes `--gdb=1234`.
 */
export function withGdbDefault(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return [...out, ...argv.slice(i)];
    if (a === "--gdb" && (i + 1 === argv.length || argv[i + 1].startsWith("-"))) out.push(`--gdb=${DEFAULT_GDB_PORT}`);
    else out.push(a);
  }
  return out;
}

/** --gdb's port: a whole number from 1 to 65535. */
export function parseGdbPort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new UserError(`--gdb takes a TCP port from 1 to 65535 (default ${DEFAULT_GDB_PORT}); got '${text}'`);
  return n;
}

/** QEMU system emulation: halted at reset, gdbstub on the loopback port. */
export function gdbQemuArgs(port: number): string[] {
  return ["-S", "-gdb", `tcp:127.0.0.1:${port}`];
}

/** A shell word: as is when plain, else single-quoted. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The gdb-multiarch command line that loads `elf`'s symbols and our helper and attaches to
 * `port`. QEMU's gdbstub shows each CPU cluster as an inferior; when the firmware's CPU is not in
 * the first (`inferior`, board.json qemu.gdbInferior), gdb attaches to it with extended-remote and
 * loads the ELF there only: the first cluster's CPU may not match the ELF (sifive_u's E51 has no
 * FPU, and gdb refuses an lp64d ELF on it: "bfd requires flen 8, but target has flen 0").
 */
export function gdbCommandLine(elf: string, port: number, inferior = 1, script = gdbScript()): string {
  const ex = (cmd: string) => ["-ex", shellWord(cmd)];
  const source = ex(`source ${path.resolve(script)}`);
  const words = inferior === 1
    ? [shellWord(path.resolve(elf)), ...source, ...ex(`target remote :${port}`)]
    : [
        ...source,
        ...ex(`target extended-remote :${port}`),
        ...Array.from({ length: inferior - 1 }, () => ex("add-inferior")).flat(),
        ...ex(`inferior ${inferior}`),
        ...ex(`attach ${inferior}`),
        ...ex(`file ${path.resolve(elf)}`),
      ];
  return ["gdb-multiarch", ...words].join(" ");
}

/** What the command prints before it starts the halted guest. */
export function gdbBanner(elf: string, port: number, how: string, inferior = 1): string {
  return [
    `tsmetal: the firmware waits for a debugger on port ${port} (no timeout unless --timeout); ${how}`,
    `tsmetal: attach with`,
    `  ${gdbCommandLine(elf, port, inferior)}`,
    `tsmetal: then e.g. tsmetal-break-uncaught, continue, bt, tsmetal-bt (docs/debugging.md)`,
    "",
  ].join("\n");
}

/**
 * `npm run linux --gdb` on linux-amd64: the executable runs natively under gdbserver, a separate
 * process that debugs it through ptrace, so the firmware still closes every descriptor it
 * inherited and installs its seccomp filter (docs/debugging.md, "Linux boards").
 */
export const gdbserverTool: Tool = { command: "gdbserver", debianPackage: "gdbserver" };

/** gdbserver starting `executable args` stopped at its first instruction, waiting on the loopback
    port; without a shell in between, so the process gets exactly our descriptors and arguments. */
export function gdbserverArgs(port: number, executable: string, args: readonly string[]): string[] {
  return ["--once", "--no-startup-with-shell", `127.0.0.1:${port}`, executable, ...args];
}

/** How the debugged process ended, from gdbserver's report on its standard error (gdbserver's own
    exit status does not say): "Child exited with status N", "Child terminated with signal = 0xN". */
export function gdbserverChildExit(stderr: string): { code: number | null; signal: number | null } | undefined {
  const exited = /^Child exited with status (\d+)$/m.exec(stderr);
  if (exited) return { code: Number(exited[1]), signal: null };
  const killed = /^Child terminated with signal = (0x[0-9a-f]+|\d+)/m.exec(stderr);
  return killed ? { code: null, signal: Number(killed[1]) } : undefined;
}
