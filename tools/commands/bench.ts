/**
 * npm run bench -- --board <name> [--json]: deterministic figures for a hello world.
 *   image_bytes      the loadable boot image (kernel.img etc.)
 *   boot_insns       guest instructions from reset to the first console store of main.ts's first
 *                    statement (QEMU TCG plugin tools/plugin/insn-count.c); for a console in I/O
 *                    port space, which the plugin cannot see, board.json earlyConsole.txMark
 *                    names the native port-write function instead (bootMark below); on a UEFI
 *                    board from the payload's entry, not reset (docs/boards/uefi-x64.md)
 *   total_insns      guest instructions of the whole run, exit included
 *   heap_peak_bytes  the engine allocator's high-water mark at the end of hello world
 *   idle_insns_per_s guest instructions per second of guest time while a 1 s timer is waited
 *                    for (tools/bench/loop.ts; the CPU sleeps, so this is small)
 *   irq_latency_insns guest instructions from the arch's interrupt entry, for the interrupt
 *                    that ends that wait, to the timer callback's first statement
 * and, for a board with a network device under QEMU (board.json qemu.network), only there,
 *   tcp_rx_insns_per_kib, tcp_tx_insns_per_kib, http_insns_per_request, http_image_growth_bytes
 *                    (tools/lib/net-bench.ts), and ssh_kex_insns: the server's side of one SSH key
 *                    exchange (tools/lib/ssh-bench.ts), and tls_handshake_insns, tls_insns_per_kib,
 *                    tls_connection_heap_bytes: stacks/tls's server (tools/lib/tls-bench.ts)
 * and, for a board with a disk slot under QEMU and a disk unit (microvm), blk_read_insns_per_kib
 *                    and fat_write_insns_per_kib (tools/lib/storage-bench.ts)
 * The loop figures run under -icount shift=0,sleep=off: guest time is instruction-driven and
 * skips ahead while the CPU sleeps, so they are deterministic and the run takes no real second.
 * --profile N prints the N C functions and the N JS functions (with their .ts lines) that executed
 * the most instructions (to stderr; tools/lib/js-profile.ts, docs/debugging.md#profiling).
 * --app <entry.ts> measures that app instead, boot to exit (tools/commands/bench-app.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { checkAppFile, parseCount, parseOptions } from "../lib/options.ts";
import { buildFirmware } from "../lib/build.ts";
import { buildInsnCountPlugin, insnCountQemuArgs, readInsnCount, type InsnCount } from "../lib/insn-count.ts";
import { buildRoot, repoPath } from "../lib/paths.ts";
import { runQemu } from "../lib/qemu.ts";
import { UserError } from "../lib/errors.ts";
import { codeSymbols, symbolAddress } from "../lib/symbols.ts";
import type { Firmware } from "../lib/build.ts";
import { DEFAULT_BOARD } from "../lib/boards.ts";
import { jsProfileArgs, printProfile } from "../lib/js-profile.ts";
import { netBench, type NetBenchResult, type NetBenchSizes } from "../lib/net-bench.ts";
import { sshKexInsns } from "../lib/ssh-bench.ts";
import { deployFigures } from "../lib/deploy-bench.ts";
import { deployHttpFigures } from "../lib/deploy-http-bench.ts";
import { tlsBench, type TlsBenchResult } from "../lib/tls-bench.ts";
import { storageBench, storageBenchable, type StorageBenchResult } from "../lib/storage-bench.ts";

export interface BenchResult {
  board: string;
  image_bytes: number;
  bytecode_bytes: number;
  boot_insns: number;
  total_insns: number;
  heap_peak_bytes: number;
  heap_limit_bytes: number;
  /** null for a board without an event loop yet (no loop unit). */
  idle_insns_per_s: number | null;
  irq_latency_insns: number | null;
}

/** With a network device under QEMU the network figures too; without one they are absent. */
export type BenchFigures = BenchResult & Partial<NetBenchResult> & { ssh_kex_insns?: number } & Partial<TlsBenchResult> & Partial<StorageBenchResult>;

/** The native function behind performance.now(), whose executions the loop bench marks. */
const PERFORMANCE_NOW = "js_performance_now";

/** Runs `fw` under QEMU without input, with `extraArgs` (the counting plugin); its console output, or an error naming `what` unless it exits 0. */
async function runMeasured(fw: Firmware, what: string, extraArgs: string[]): Promise<string> {
  // OVMF's start-up under the counting plugin and -icount takes minutes of TCG time on its own.
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: fw.board.qemu.uefi ? 900 : 120, input: "", onOutput: () => {}, extraArgs });
  if (r.code !== 0) throw new UserError(`${what} exited with ${r.code}:\n${r.output}${r.stderr}`);
  return r.output;
}

async function loopFigures(boardName: string, plugin: string, tmp: string): Promise<{ idle: number; latency: number }> {
  const fw: Firmware = await buildFirmware({ board: boardName, app: repoPath("tools/bench/loop.ts") });
  const symbols = await codeSymbols(fw.board, fw.elf);
  const irqEntry = symbolAddress(symbols, fw.board.target.irqEntrySymbol);
  const perfNow = symbolAddress(symbols, PERFORMANCE_NOW);
  const out = path.join(tmp, "loop.json");
  const output = await runMeasured(fw, "bench loop firmware", [
    "-icount", "shift=0,sleep=off", ...insnCountQemuArgs(plugin, out, { hits: [irqEntry, perfNow] }),
  ]);
  const times = /bench-loop (\S+) (\S+)/.exec(output);
  if (!times) throw new UserError(`bench loop firmware printed no times:\n${output}`);
  const insns = await readInsnCount(out);
  const perf = insns.hits.get(perfNow) ?? [];
  const irqs = insns.hits.get(irqEntry) ?? [];
  if (perf.length !== 2) throw new UserError(`bench: expected performance.now() twice, saw ${perf.length} calls`);
  const wake = irqs.filter((n) => n < perf[1]).pop();
  if (wake === undefined || wake < perf[0]) throw new UserError("bench: no interrupt ended the 1 s wait");
  const seconds = (Number(times[2]) - Number(times[1])) / 1000;
  return { idle: Math.round((perf[1] - perf[0]) / seconds), latency: perf[1] - wake };
}

/**
 * Where the first console byte is, for the plugin: the first store to earlyConsole.txRegister,
 * or, for a console in port space (board.json earlyConsole.txMark), the first execution of the
 * port-write function after the first port read. The 16550 driver reads LSR.THRE before every
 * byte it sends and its init only writes, so that is the first byte's THR write.
 */
export async function bootMark(fw: Firmware): Promise<{ opts: { store?: number; hits?: number[] }; find: (insns: InsnCount) => number | null }> {
  // A UEFI board counts from the EFI entry point, efi_main of BOOTX64.EFI, not the machine's
  // reset: the UEFI firmware's own start-up is not tsmetal's boot; the loader is
  // (docs/boards/uefi-x64.md). OVMF loads the image at its link address (tools/lib/efi-image.ts).
  if (fw.board.qemu.uefi) return fromEntry(await bootMarkFromReset(fw), symbolAddress(await codeSymbols(fw.board, fw.image), "efi_main"));
  return bootMarkFromReset(fw);
}

type BootMark = { opts: { store?: number; hits?: number[] }; find: (insns: InsnCount) => number | null };

/** `mark` counted from the first execution of `entry` (the EFI entry point). */
function fromEntry(mark: BootMark, entry: number): BootMark {
  return {
    opts: { ...mark.opts, hits: [...(mark.opts.hits ?? []), entry] },
    find: (insns) => {
      const start = insns.hits.get(entry)?.[0];
      if (start === undefined) throw new UserError(`bench: the entry point at 0x${entry.toString(16)} never ran: the UEFI firmware loaded BOOTX64.EFI elsewhere than its link address`);
      const at = mark.find(insns);
      return at === null ? null : at - start;
    },
  };
}

async function bootMarkFromReset(fw: Firmware): Promise<BootMark> {
  const mark = fw.board.earlyConsole.txMark;
  if (!mark) return { opts: { store: Number(fw.board.earlyConsole.txRegister) }, find: (insns) => insns.storeMark };
  const symbols = await codeSymbols(fw.board, fw.elf);
  const write = symbolAddress(symbols, mark.symbol), after = symbolAddress(symbols, mark.after);
  return {
    opts: { hits: [write, after] },
    find: (insns) => {
      const first = insns.hits.get(after)?.[0];
      return first === undefined ? null : (insns.hits.get(write) ?? []).find((n) => n > first) ?? null;
    },
  };
}

/** `netSizes` shrinks the network figures' transfers (the tests); `npm run bench` takes the defaults. */
export async function bench(boardName: string, profileTop = 0, netSizes?: NetBenchSizes): Promise<BenchFigures> {
  const fw = await buildFirmware({ board: boardName, app: repoPath("tools/bench/hello.ts") });
  const plugin = await buildInsnCountPlugin(path.join(buildRoot, "host"));
  const tmp = await mkdtemp(path.join(os.tmpdir(), "tsmetal-bench-"));
  const mark = await bootMark(fw);
  try {
    const out = path.join(tmp, "insns.json");
    const js = profileTop > 0 ? await jsProfileArgs(fw, path.join(tmp, "jsprofile.txt")) : undefined;
    const output = await runMeasured(fw, "bench firmware", insnCountQemuArgs(plugin, out, {
      ...mark.opts,
      profile: profileTop > 0 ? path.join(tmp, "profile.txt") : undefined,
      js,
    }));
    const heap = /bench-heap (\d+) (\d+)/.exec(output);
    if (!heap) throw new UserError(`bench firmware printed no heap figures:\n${output}`);
    const insns = await readInsnCount(out);
    if (js) await printProfile(fw, path.join(tmp, "profile.txt"), js, profileTop);
    const bootInsns = mark.find(insns);
    if (bootInsns === null) throw new UserError("bench: the firmware never wrote to its console");
    const loop = fw.board.loopModule ? await loopFigures(boardName, plugin, tmp) : { idle: null, latency: null };
    const network = fw.board.qemu.network ? await netBench(boardName, plugin, tmp, fw.sizes.imageBytes, netSizes) : {};
    const ssh = fw.board.qemu.network ? { ssh_kex_insns: await sshKexInsns(boardName, plugin, tmp) } : {};
    const tls = fw.board.qemu.network ? await tlsBench(boardName, plugin, tmp) : {};
    const storage = storageBenchable(fw.board) ? await storageBench(boardName, plugin, tmp) : {};
    return {
      board: fw.board.name,
      image_bytes: fw.sizes.imageBytes,
      bytecode_bytes: fw.sizes.bytecodeBytes,
      boot_insns: bootInsns,
      total_insns: insns.total,
      heap_peak_bytes: Number(heap[1]),
      heap_limit_bytes: Number(heap[2]),
      idle_insns_per_s: loop.idle,
      irq_latency_insns: loop.latency,
      ...network,
      ...ssh,
      ...tls,
      ...storage,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export const benchOptions = {
  board: { type: "string", default: DEFAULT_BOARD },
  json: { type: "boolean", default: false },
  profile: { type: "string" },
  app: { type: "string" },
  deploy: { type: "boolean", default: false },
} as const;

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, benchOptions);
  const profileTop = values.profile === undefined ? 0 : parseCount("profile", values.profile);
  if (values.app !== undefined) {
    // Imported here: bench-app.ts imports this module's bootMark.
    const { benchApp } = await import("./bench-app.ts");
    console.log(JSON.stringify(await benchApp(values.board, checkAppFile(values.app), profileTop)));
    return 0;
  }
  const measured = await bench(values.board, profileTop);
  // deploy_insns on request: it builds an updatable firmware of its own (docs/updates.md).
  // deploy_http_insns too on a board with a network device (tools/lib/deploy-http-bench.ts).
  const result = values.deploy ? { ...measured, ...(await deployFigures(values.board)), ...(await deployHttpFigures(values.board)) } : measured;
  if (values.json) {
    console.log(JSON.stringify(result));
  } else {
    // One column wider than the longest key: a board without the network keys prints as before.
    const width = Math.max(...Object.keys(result).map((k) => k.length)) + 1;
    for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(width)} ${v}`);
  }
  return 0;
}
