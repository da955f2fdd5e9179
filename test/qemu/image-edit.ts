/** Boots a fixture with its bytecode image and/or engine snapshot edited (relinked, not rebuilt). */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bootFirmware, build, fixture } from "./boot.ts";
import { buildEngineLibrary } from "../../tools/lib/engine.ts";
import { link } from "../../tools/lib/link.ts";
import { engineSnapshot } from "../../tools/lib/snapshot.ts";
import type { QemuResult } from "../../tools/lib/qemu.ts";

export interface EditOptions {
  app?: string;
  board?: string;
  image?: (image: Buffer) => Buffer | void;
  snapshot?: (snapshot: Buffer) => Buffer | void;
}

/** `name` names the folder (under the fixture's build) the edited firmware is linked in. */
export async function bootEdited(name: string, opts: EditOptions): Promise<QemuResult> {
  const fw = await build(fixture(opts.app ?? "exit-code.ts"), { board: opts.board });
  const dir = path.join(fw.outDir, name);
  mkdirSync(dir, { recursive: true });
  const original = readFileSync(fw.blob);
  const image = opts.image?.(original) ?? original;
  const blob = path.join(dir, "bytecode.tsmb");
  writeFileSync(blob, image);
  const engine = await buildEngineLibrary(fw.board);
  const snapshotFile = await engineSnapshot(fw.board, engine);
  if (!snapshotFile) throw new Error(`${fw.board.name} has no engine snapshot`);
  const snapshotBytes = readFileSync(snapshotFile);
  const snap = opts.snapshot?.(snapshotBytes) ?? snapshotBytes;
  const snapshot = path.join(dir, "snapshot.bin");
  writeFileSync(snapshot, snap);
  const linked = await link(fw.board, engine, blob, dir, { snapshot });
  return bootFirmware(fw, {}, linked.elf);
}
