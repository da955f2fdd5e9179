/**
 * Boards: boards/<name>/board.json, the facts. A board names its SoC family (soc/<family>/), whose
 * board module (soc/<family>/board.ts) and loop unit (soc/<family>/loop-unit.ts) serve every board
 * of the family, with the board's name and board.json's "config" as the build-time module
 * "tsmetal:board" (tools/lib/bundle.ts). A board that needs more composes its own
 * boards/<name>/board.ts or loop.ts, which then take the family's place.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoPath } from "./paths.ts";
import { UserError } from "./errors.ts";
import { targetFor, type Target } from "./targets.ts";
import { checkMaxJobMs } from "./job-budget.ts";
import { heapLayout } from "./heap-layout.ts";

export interface Board {
  name: string;
  description: string;
  arch: string;
  soc: string;
  /** soc/<family>/: the board module and loop unit the board shares with the others of its SoC. */
  family: string;
  /** Values the boards of one family differ by, exported to firmware as "tsmetal:board"'s config. */
  config: Readonly<Record<string, string | number>>;
  loadAddress: number;
  /** Room reserved for the image above loadAddress; the heap starts right after it. */
  imageMax: number;
  ramEnd: number;
  /** The main stack in bytes (board.json stackSize, else defaultStackSize for the arch). */
  stackSize: number;
  /** hal.dma's region in bytes, below the stacks (board.json dmaSize: whole MiB, default 1 MiB;
      a NIC's rings and buffers need about 150 KB, docs/hal.md). */
  dmaSize: number;
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
      -serial order; default 0). The ports before it get `-serial null`. gdbInferior: the gdb
      inferior (QEMU CPU cluster) the firmware runs on when it is not the first (sifive_u: the
      U54s after the E51; tools/lib/gdb.ts). disk: the card slot `--disk` attaches an image to
      (tools/lib/disk.ts); noDisk: why a board without one has none, for --disk's refusal. */
  qemu: { machine: string; args?: string[]; consoleSerial?: number; network?: QemuNetwork; gdbInferior?: number; uefi?: QemuUefi; disk?: QemuDisk; noDisk?: string };
  /** "binary": the raw memory image from loadAddress (objcopy -O binary); "elf": the ELF itself,
      debug info stripped, for loaders that read program headers and notes (PVH VMMs); "efi": a
      PE32+ EFI application carrying the ELF (tools/lib/efi-image.ts). */
  image: { name: string; format: "binary" | "elf" | "efi" };
  /** How `npm run flash` writes the boot medium (tools/lib/flash/); without it the board cannot
      be flashed. "rpi-boot": the Raspberry Pi's FAT boot partition (kernel.img + config.txt);
      "imx": the i.MX boot ROM's image over USB serial download, or 1 KiB into an SD card;
      "uefi": a GPT disk with an EFI system partition (tools/lib/flash/uefi.ts). */
  flash?: { kind: "rpi-boot" } | { kind: "imx" } | { kind: "uefi" };
  /** An i.MX boot image (IVT + DCD in front of the binary image) made with u-boot-tools'
      `mkimage -T imximage` from boards/<name>/<config> (tools/lib/imx-image.ts); "imx" flashing
      writes or loads it. */
  imxImage?: { name: string; config: string };
  /** What the MMU maps (everything else faults): RAM cached, GPU-shared memory uncached, devices. */
  memoryMap: MemoryRegion[];
  /** The board module, bundled before the app: boards/<name>/board.ts if present, else soc/<family>/board.ts. */
  module: string;
  /** The event loop's drivers, a unit evaluated on first use: boards/<name>/loop.ts if present, else
      soc/<family>/loop-unit.ts if the family has one. */
  loopModule?: string;
  target: Target;
}

/** A board QEMU boots through UEFI firmware (uefi-x64): the firmware's code and variable store
    (pflash images from the Debian package named), and the machine that boots the same ELF through
    its PVH note when there is no boot disk beside it (the engine snapshot maker, tools/lib/qemu.ts);
    `args` are QEMU options for the UEFI boot only (devices the firmware finds through UEFI, such
    as a display for the GOP or an RNG for EFI_RNG_PROTOCOL, which the pvhMachine may not take). */
export interface QemuUefi {
  code: string;
  vars: string;
  debianPackage: string;
  pvhMachine: string;
  args?: string[];
}

/**
 * The card slot a board's disk sits in under QEMU (docs/storage.md): "virtio-mmio", a
 * virtio-blk-device on QEMU microvm's virtio-mmio bus (the board's firmware must map QEMU's
 * transports, config.virtioMmioBase 0xfeb00000); "sd", QEMU's `-drive if=sd` (the Raspberry Pi
 * machines' SD controller, the i.MX6UL EVK's uSDHC, sifive_u's SD card on SPI2).
 */
export type QemuDisk = "virtio-mmio" | "sd";

/** QEMU microvm's virtio-mmio transports (QEMU's include/hw/i386/microvm.h: VIRTIO_MMIO_BASE). */
export const QEMU_MICROVM_VIRTIO_MMIO_BASE = 0xfeb0_0000;

/** board.json's qemu.disk and qemu.noDisk, checked: a slot kind tools/lib/disk.ts knows, on a machine that has it. */
export function parseQemuDisk(board: string, qemu: { machine?: unknown; disk?: unknown; noDisk?: unknown }, config: Board["config"]): Pick<Board["qemu"], "disk" | "noDisk"> {
  const where = `boards/${board}/board.json`;
  const { disk, noDisk } = qemu;
  if (noDisk !== undefined && (typeof noDisk !== "string" || noDisk.length === 0)) throw new Error(`${where}: qemu.noDisk must be a non-empty string (why the board has no disk slot)`);
  if (disk === undefined) return { noDisk };
  if (disk !== "virtio-mmio" && disk !== "sd") throw new Error(`${where}: qemu.disk must be "virtio-mmio" or "sd", got ${JSON.stringify(disk)}`);
  if (noDisk !== undefined) throw new Error(`${where}: qemu.disk and qemu.noDisk exclude each other`);
  if (disk === "virtio-mmio") {
    if (typeof qemu.machine !== "string" || qemu.machine.split(",")[0] !== "microvm") throw new Error(`${where}: qemu.disk "virtio-mmio" is QEMU microvm's bus, not ${JSON.stringify(qemu.machine)}'s`);
    if (Number(config.virtioMmioBase) !== QEMU_MICROVM_VIRTIO_MMIO_BASE) throw new Error(`${where}: qemu.disk "virtio-mmio" needs config.virtioMmioBase 0xfeb00000, where QEMU's microvm puts its transports (got ${String(config.virtioMmioBase)})`);
  }
  return { disk };
}

/** How the board's NIC is attached under QEMU (`npm run qemu -- --forward`, tools/lib/forward.ts). */
export interface QemuNetwork {
  /** The -M value to use instead of qemu.machine (microvm: acpi=off, for the command line). */
  machine: string;
  /** The -netdev id the device args name; the CLI adds `-netdev user,id=<netdev>,hostfwd=...`. */
  netdev: string;
  /** The device arguments (e.g. -device virtio-net-device,netdev=n0). */
  args: string[];
}

export interface MemoryRegion {
  base: number;
  size: number;
  type: "ram" | "uncached" | "device";
}

const boardsDir = repoPath("boards");
const socDir = repoPath("soc");

export function parseFamily(board: string, v: unknown): string {
  if (typeof v !== "string" || !/^[a-z0-9][a-z0-9_-]*$/.test(v) || !existsSync(path.join(socDir, v))) {
    const known = readdirSync(socDir).filter((n) => existsSync(path.join(socDir, n, "board.ts")));
    throw new Error(`boards/${board}/board.json: family must name a folder of soc/ (${known.join(", ")}), got ${JSON.stringify(v)}`);
  }
  return v;
}

export function parseConfig(board: string, v: unknown): Board["config"] {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`boards/${board}/board.json: config must be an object`);
  for (const [k, x] of Object.entries(v)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(k) || !(typeof x === "string" || (typeof x === "number" && Number.isFinite(x)))) {
      throw new Error(`boards/${board}/board.json: config.${k} must be a string or a finite number under an identifier`);
    }
  }
  return v as Board["config"];
}

/** boards/<name>/<own> if the board has its own, else soc/<family>/<shared> if the family has one. */
function boardOrFamilyFile(name: string, family: string, own: string, shared: string): string | undefined {
  const mine = path.join(boardsDir, name, own);
  if (existsSync(mine)) return mine;
  const theirs = path.join(socDir, family, shared);
  return existsSync(theirs) ? theirs : undefined;
}

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

/** The DMA region when board.json names none: 1 MiB, what every board had before it was a fact. */
export const DEFAULT_DMA_SIZE = 0x100000;

/** Whole MiB (the linker scripts align the region's end to 1 MiB; ARM maps it in 1 MiB sections), 1 to 256 MiB. */
export function parseDmaSize(board: string, v: unknown): number {
  if (v === undefined) return DEFAULT_DMA_SIZE;
  const n = parseAddress(board, "dmaSize", v);
  if (n % 0x100000 !== 0 || n < 0x100000 || n > 0x10000000) {
    throw new Error(`boards/${board}/board.json: dmaSize must be a whole number of MiB from 0x100000 (1 MiB) to 0x10000000 (256 MiB), got ${JSON.stringify(v)}`);
  }
  return n;
}

export function loadBoard(name: string): Board {
  const file = path.join(boardsDir, name, "board.json");
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name) || !existsSync(file)) {
    throw new UserError(`unknown board '${name}'. Known boards: ${boardNames().join(", ")} (npm run boards)`);
  }
  const j = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> &
    Omit<Board, "loadAddress" | "imageMax" | "ramEnd" | "memoryMap" | "family" | "config" | "dmaSize"> & { dmaSize?: unknown };
  const family = parseFamily(name, j.family);
  const config = parseConfig(name, j.config);
  const module = boardOrFamilyFile(name, family, "board.ts", "board.ts");
  if (!module) throw new Error(`boards/${name}: no board module (boards/${name}/board.ts or soc/${family}/board.ts)`);
  const board: Board = {
    ...j,
    name,
    loadAddress: parseAddress(name, "loadAddress", j.loadAddress),
    imageMax: parseAddress(name, "imageMax", j.imageMax),
    ramEnd: parseAddress(name, "ramEnd", j.ramEnd),
    stackSize: parseStackSize(name, j.arch, j.stackSize),
    dmaSize: parseDmaSize(name, j.dmaSize),
    memoryMap: parseMemoryMap(name, j.memoryMap),
    maxJobMs: j.maxJobMs === undefined ? undefined : checkMaxJobMs(j.maxJobMs, `boards/${name}/board.json maxJobMs`),
    family,
    config,
    qemu: { ...j.qemu, ...parseQemuDisk(name, j.qemu ?? {}, config) },
    module,
    loopModule: boardOrFamilyFile(name, family, "loop.ts", "loop-unit.ts"),
    target: targetFor(j.arch),
  };
  // The linker would place the DMA region over the image otherwise (hal/arch/<arch>/firmware.ld).
  const heap = heapLayout(board);
  if (heap.end <= heap.start) {
    throw new Error(`boards/${name}/board.json: no heap is left between loadAddress + imageMax (0x${heap.start.toString(16)}) and the DMA region (dmaSize 0x${board.dmaSize.toString(16)}) below the stacks`);
  }
  return board;
}
