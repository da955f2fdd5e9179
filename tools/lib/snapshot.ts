/**
 * The engine snapshot (engine/src/snapshot.h): the build links the board's engine in snapshot
 * mode, boots it once under QEMU, and keeps the state it saves. It depends only on the engine
 * objects and the board's memory layout, never on the app, so it is cached beside the engine
 * build and made once per board setting.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_DMA_SIZE, type Board } from "./boards.ts";
import type { EngineLibrary } from "./engine.ts";
import { UserError } from "./errors.ts";
import { link } from "./link.ts";
import { runQemu } from "./qemu.ts";

/** The snapshot file, or null for targets that start without one (Target.linux: their executable
    has no channel to save a file through, docs/boards/linux.md). */
export async function engineSnapshot(board: Board, engine: EngineLibrary, progress?: (line: string) => void): Promise<string | null> {
  if (board.target.linux) return null;
  const layout = [board.loadAddress, board.imageMax, board.ramEnd, board.stackSize, board.qemu.machine, ...(board.dmaSize === DEFAULT_DMA_SIZE ? [] : [board.dmaSize])];
  const key = createHash("sha256").update(JSON.stringify(layout)).digest("hex").slice(0, 12);
  const file = path.join(engine.dir, `snapshot-${key}.bin`);
  if (existsSync(file)) return file;
  await mkdir(engine.dir, { recursive: true });
  progress?.(`engine ${board.name}: snapshot (booting the engine once under QEMU ${board.qemu.machine})`);
  const work = await mkdtemp(path.join(engine.dir, "snapshot-"));
  try {
    const maker = await link(board, engine, null, work, { snapshotMode: true, elfName: "snapshot-maker.elf" });
    // Semihosting, or the device in qemuHostSaveArgs, writes snapshot.bin into QEMU's working directory.
    const r = await runQemu({
      board,
      elf: maker.elf,
      timeoutS: 60,
      input: "",
      onOutput: () => {},
      cwd: work,
      extraArgs: board.target.qemuHostSaveArgs,
    });
    const saved = path.join(work, "snapshot.bin");
    if (r.code !== 0 || !existsSync(saved)) {
      throw new UserError(`making the engine snapshot for ${board.name} failed (exit ${r.code}):\n${r.output}${r.stderr}`);
    }
    await rename(saved, file);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return file;
}
