/**
 * --gdb [port] for `npm run qemu`: the guest waits halted for a debugger on QEMU's gdbstub
 * (`-S -gdb`), and the command prints the
 * gdb-multiarch line that attaches to it with our helper script (tools/gdb/tsmetal.py, JS frames
 * mapped to .ts lines; docs/debugging.md).
 */
import { existsSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
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

/**
 * gdbserver starting `executable args` stopped at its first instruction, speaking the remote
 * protocol on its standard input and output (`stdio`): gdbserver 13.1 ignores the host part of
 * `127.0.0.1:PORT` and would listen on every interface, so `loopbackBridge` offers it on the
 * loopback port instead. gdbserver then gives the firmware /dev/null as standard input and its own
 * standard error as standard output (the console arrives there, with gdbserver's own lines:
 * isGdbserverLine). No shell in between, so the process gets exactly our descriptors and arguments.
 */
export function gdbserverArgs(executable: string, args: readonly string[]): string[] {
  return ["--once", "--no-startup-with-shell", "stdio", executable, ...args];
}

/** gdbserver's own lines on its standard error (13.1's words), not the firmware's console. */
export function isGdbserverLine(line: string): boolean {
  return /^(stdin\/stdout redirected|Process \S+ created; pid = \d+|Remote debugging using stdio|Child exited with status \d+|Child terminated with signal = |Killing process\(es\): |Detaching from process \d+|Remote side has terminated connection|GDBserver exiting|Exiting$)/.test(line);
}

/** How the debugged process ended, from gdbserver's report on its standard error (gdbserver's own
    exit status does not say): "Child exited with status N", "Child terminated with signal = 0xN". */
export function gdbserverChildExit(stderr: string): { code: number | null; signal: number | null } | undefined {
  const exited = /^Child exited with status (\d+)$/m.exec(stderr);
  if (exited) return { code: Number(exited[1]), signal: null };
  const killed = /^Child terminated with signal = (0x[0-9a-f]+|\d+)/m.exec(stderr);
  return killed ? { code: null, signal: Number(killed[1]) } : undefined;
}

/**
 * `npm run linux --gdb` on the boards under qemu-user (linux-arm, linux-riscv64): the emulator's
 * own gdbstub (`-g`), which halts the process before its first instruction until gdb attaches.
 * qemu-user 7.2 would listen on every interface for `-g PORT` (INADDR_ANY), so the stub gets a
 * Unix socket in a private folder instead and `gdbBridge` offers it on the loopback port only.
 *
 * The stub's sockets are descriptors of the emulator, in the one process it shares with the
 * firmware, which otherwise closes everything above fd 5 at boot (hal/arch/linux/boot.c) and so
 * would close them. Here a shell (bash(1), for descriptors above 9) closes every descriptor above 5
 * that the launcher inherited before it becomes the emulator, and the firmware is told so
 * (INHERITED_CLOSED_ARG) and skips its close: what is open above 5 is then the stub's alone.
 */
export const INHERITED_CLOSED_ARG = "--tsm-inherited-closed";

/** The command and arguments: bash closing fds above 5, then exec'ing the emulator with its stub on `socket`. */
export function qemuUserGdbCommand(emulator: string, socket: string, executable: string, args: readonly string[]): [string, string[]] {
  const script = 'for f in /proc/$$/fd/*; do n=${f##*/}; if [ "$n" -gt 5 ]; then eval "exec $n>&-"; fi; done; exec "$@"';
  return ["bash", ["-c", script, "tsmetal-gdb", emulator, "-g", socket, executable, ...args, INHERITED_CLOSED_ARG]];
}

/**
 * Listens on 127.0.0.1:`port` and joins a connection to the stub's Unix `socket` once it exists
 * (one at a time: the stub takes one). Resolves when listening; `exited` says the emulator ended
 * before its socket appeared.
 */
export async function gdbBridge(port: number, socket: string, exited: () => boolean): Promise<{ close(): void }> {
  for (const end = Date.now() + 30_000; !existsSync(socket); ) {
    if (exited()) throw new UserError("the emulator ended before its gdbstub was ready");
    if (Date.now() > end) throw new UserError(`the emulator's gdbstub socket ${socket} did not appear within 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return loopbackBridge(port, (client) => {
    const stub = connect(socket);
    client.pipe(stub).pipe(client);
    const drop = () => {
      client.destroy();
      stub.destroy();
    };
    client.on("error", drop).on("close", drop);
    stub.on("error", drop).on("close", drop);
  });
}

/** gdbserver's protocol on its standard input and output (gdbserverArgs), offered on the loopback port. */
export function stdioBridge(port: number, toStub: Writable, fromStub: Readable): Promise<{ close(): void }> {
  return loopbackBridge(port, (client) => {
    client.pipe(toStub, { end: false });
    const forward = (d: Buffer) => client.write(d);
    fromStub.on("data", forward);
    client.on("error", () => client.destroy());
    // --once: the session is over when gdb leaves, and gdbserver ends when its input does.
    client.on("close", () => {
      client.unpipe(toStub);
      fromStub.off("data", forward);
      toStub.end();
    });
  });
}

/** A TCP server on 127.0.0.1:`port` only, one connection at a time (a stub takes one). */
async function loopbackBridge(port: number, join: (client: Socket) => void): Promise<{ close(): void }> {
  const server = createServer(join);
  server.maxConnections = 1;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "EADDRINUSE" ? new UserError(`--gdb ${port}: the port is in use on 127.0.0.1; give another`) : e),
    );
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return { close: () => server.close() };
}
