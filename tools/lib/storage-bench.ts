/**
 * blk_read_insns_per_kib and fat_write_insns_per_kib for `npm run bench` (tools/commands/bench.ts)
 * on a board with a disk slot under QEMU and a disk unit (tools/lib/disk.ts,
 * soc/<family>/disk-unit.ts): tools/bench/storage.ts on a fresh 16 MiB FAT16 image made by
 * mkfs.vfat, its performance.now() marks counted by the insn-count plugin. Not under -icount:
 * QEMU completes block requests in its I/O thread in real time, and with sleep=off the idle
 * guest's clock would jump to the request's timeout before the disk answered. So these two
 * vary a little run to run (blk_read_insns_per_kib by a few %, with where each completion
 * interrupt lands; fat_write_insns_per_kib by under 1 %), unlike the other figures.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { buildFirmware } from "./build.ts";
import { hasDiskSlot } from "./disk.ts";
import { insnCountQemuArgs, readInsnCount } from "./insn-count.ts";
import { repoPath } from "./paths.ts";
import { runQemu } from "./qemu.ts";
import { requireTool, run } from "./toolchain.ts";
import { UserError } from "./errors.ts";
import { codeSymbols, symbolAddress } from "./symbols.ts";
import type { Board } from "./boards.ts";

const PERFORMANCE_NOW = "js_performance_now";

export interface StorageBenchResult {
  blk_read_insns_per_kib: number;
  fat_write_insns_per_kib: number;
}

/** Whether `board` gets the storage figures: a slot under QEMU and a family disk unit. */
export function storageBenchable(board: Board): boolean {
  return hasDiskSlot(board) && existsSync(repoPath(path.join("soc", board.family, "disk-unit.ts")));
}

export async function storageBench(board: string, plugin: string, tmp: string): Promise<StorageBenchResult> {
  const fw = await buildFirmware({ board, app: repoPath("tools/bench/storage.ts") });
  const perfNow = symbolAddress(await codeSymbols(fw.board, fw.elf), PERFORMANCE_NOW);
  const image = path.join(tmp, "storage.img");
  await run(await requireTool({ command: "mkfs.vfat", debianPackage: "dosfstools" }), ["-C", "-F", "16", image, "16384"], "making the storage bench's image");
  const out = path.join(tmp, "storage.json");
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 300, input: "", disk: image, onOutput: () => {}, extraArgs: insnCountQemuArgs(plugin, out, { hits: [perfNow] }) });
  if (r.code !== 0 || !/bench-storage 262144 bytes/.test(r.output)) throw new UserError(`bench: tools/bench/storage.ts exited with ${r.code}:\n${r.output}${r.stderr}`);
  const m = (await readInsnCount(out)).hits.get(perfNow) ?? [];
  if (m.length !== 5) throw new UserError(`bench: expected performance.now() 5 times in tools/bench/storage.ts, saw ${m.length}`);
  return {
    blk_read_insns_per_kib: Math.round((m[2] - m[1]) / 1024),
    fat_write_insns_per_kib: Math.round((m[4] - m[3] - (m[3] - m[2])) / 256),
  };
}
