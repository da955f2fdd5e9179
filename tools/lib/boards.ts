/** Boards: boards/<name>/board.json (facts) next to boards/<name>/board.ts (composition). */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoPath } from "./paths.ts";
import { UserError } from "./errors.ts";
import { targetFor, type Target } from "./targets.ts";
import { checkMaxJobMs } from "./job-budget.ts";

export interface Board {
  name: string;
  description: string;
  arch: string;
  soc: string;
  loadAddress: number;
  /** Room reserved for the image above loadAddress; the heap starts right after it. */
  imageMax: number;
  ramEnd: number;
  /** The main stack in bytes (board.json stackSize, else defaultStackSize for the arch). */
  stackSize: number;
  /** Optional JS heap limit in bytes (default: RAM above the image and stacks). */
  memoryLimit?: number;
  /** Optional per-job execution budget in ms (tools/lib/job-budget.ts; default none). */
  maxJobMs?: number;
  /** C console for panics; txRegister is where the first output byte is stored (bench). A
      console in I/O port space, which the bench's TCG plugin cannot see being written, names
      txMark instead: the first output byte is the first execution of the native function
      `symbol` after the first execution of `after` (bench boot_insns). */
  earlyConsole: { driver: string; base: string; txRegister: string; txMark?: { symbol: string; after: string } };
  /** consoleSerial: which of the machine's serial ports is the console (QEMU numbers them in
      -serial order; default 0). The ports before it get `-serial null`. */
  qemu: { machine: string; args?: string[]; consoleSerial?: number };
  /** "binary": the raw memory image from loadAddress (objcopy -O binary); "elf": the ELF itself,
      debug info stripped, for loaders that read program headers and notes (PVH VMMs). */
  image: { name: string; format: "binary" | "elf" };
  /** How `npm run flash` writes the boot medium (tools/lib/flash/); without it the board cannot
      be flashed. "rpi-boot": the Raspberry Pi's FAT boot partition (kernel.img + config.txt);
      "imx": the i.MX boot ROM's image over USB serial download, or 1 KiB into an SD card. */
  flash?: { kind: "rpi-boot" } | { kind: "imx" };
  /** An i.MX boot image (IVT + DCD in front of the binary image) made with u-boot-tools'
      `mkimage -T imximage` from boards/<name>/<config> (tools/lib/imx-image.ts); "imx" flashing
      writes or loads it. */
  imxImage?: { name: string; config: string };
  /** What the MMU maps (everything else faults): RAM cached, GPU-shared memory uncached, devices. */
  memoryMap: MemoryRegion[];
  /** boards/<name>/board.ts, bundled before the app. */
  module: string;
  /** boards/<name>/loop.ts if present: the event loop's drivers, a unit evaluated on first use. */
  loopModule?: string;
  target: Target;
}

export interface MemoryRegion {
  base: number;
  size: number;
  type: "ram" | "uncached" | "device";
}

const boardsDir = repoPath("boards");

function parseMemoryMap(board: string, v: unknown): MemoryRegion[] {
  if (!Array.isArray(v) || v.length === 0) throw new Error(`boards/${board}/board.json: memoryMap must be a non-empty list`);
  return v.map((r: Record<string, unknown>, i) => {
    const type = r.type;
    if (type !== "ram" && type !== "uncached" && type !== "device") {
      throw new Error(`boards/${board}/board.json: memoryMap[${i}].type must be ram, uncached or device`);
    }
    return { base: parseAddress(board, `memoryMap[${i}].base`, r.base), size: parseAddress(board, `memoryMap[${i}].size`, r.size), type };
  });
}

/** The board the commands that boot or measure firmware use when given no --board (README). */
export const DEFAULT_BOARD = "pizero";

export function boardNames(): string[] {
  return readdirSync(boardsDir)
    .filter((n) => existsSync(path.join(boardsDir, n, "board.json")))
    .sort();
}

function parseAddress(board: string, field: string, v: unknown): number {
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new Error(`boards/${board}/board.json: ${field} must be an address, got ${JSON.stringify(v)}`);
  }
  return n;
}

/**
 * The main stack when board.json names none: about 3,000 frames of a small recursive JS function
 * on every arch (test/fixtures/stack/depth.ts), as QuickJS's interpreter frame differs in size —
 * ~350 bytes on 32-bit ARM, ~600 on x86-64, ~1,300 on RV64 (docs/build-pipeline.md, "Stacks").
 * The simulator's limit (tools/sim/run.ts STACK_LIMIT) matches the same depth.
 */
const defaultStackSize: Record<string, number> = {
  armv6: 0x100000,
  armv7: 0x100000,
  "linux-arm": 0x100000,
  amd64: 0x200000,
  "linux-amd64": 0x200000,
  riscv64: 0x400000,
  "linux-riscv64": 0x400000,
};

/** A stack is whole 4 KiB pages (the guard page below it is one) and at least 64 KiB. */
function parseStackSize(board: string, arch: string, v: unknown): number {
  if (v === undefined) {
    const d = defaultStackSize[arch];
    if (d === undefined) throw new Error(`boards/${board}/board.json: stackSize is required for arch '${arch}'`);
    return d;
  }
  const n = parseAddress(board, "stackSize", v);
  if (n % 4096 !== 0 || n < 0x10000) {
    throw new Error(`boards/${board}/board.json: stackSize must be a multiple of 4096 and at least 65536, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function loadBoard(name: string): Board {
  const file = path.join(boardsDir, name, "board.json");
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name) || !existsSync(file)) {
    throw new UserError(`unknown board '${name}'. Known boards: ${boardNames().join(", ")} (npm run boards)`);
  }
  const j = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> & Omit<Board, "loadAddress" | "imageMax" | "ramEnd" | "memoryMap">;
  return {
    ...j,
    name,
    loadAddress: parseAddress(name, "loadAddress", j.loadAddress),
    imageMax: parseAddress(name, "imageMax", j.imageMax),
    ramEnd: parseAddress(name, "ramEnd", j.ramEnd),
    stackSize: parseStackSize(name, j.arch, j.stackSize),
    memoryMap: parseMemoryMap(name, j.memoryMap),
    maxJobMs: j.maxJobMs === undefined ? undefined : checkMaxJobMs(j.maxJobMs, `boards/${name}/board.json maxJobMs`),
    module: path.join(boardsDir, name, "board.ts"),
    loopModule: existsSync(path.join(boardsDir, name, "loop.ts")) ? path.join(boardsDir, name, "loop.ts") : undefined,
    target: targetFor(j.arch),
  };
}
