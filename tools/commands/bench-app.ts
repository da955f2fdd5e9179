/**
 * npm run bench -- --app <entry.ts> [--board B] [--profile N]: the user's own firmware, boot to
 * exit, as JSON (the app must end by itself, within APP_BENCH_TIMEOUT_S):
 *   image_bytes, bytecode_bytes  the boot image and its bytecode
 *   boot_insns       guest instructions to the first console byte (as the hello-world bench's),
 *                    null when the app prints nothing
 *   total_insns      guest instructions of the whole run, exit included
 *   heap_peak_bytes  the allocator's high-water mark at exit, heap_limit_bytes the JS limit
 *                    (read by gdb at tsm_exit: tools/lib/app-bench.ts)
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildFirmware } from "../lib/build.ts";
import { buildInsnCountPlugin, insnCountQemuArgs, readInsnCount } from "../lib/insn-count.ts";
import { buildRoot, displayPath } from "../lib/paths.ts";
import { UserError } from "../lib/errors.ts";
import { runWithHeapAtExit } from "../lib/app-bench.ts";
import { jsProfileArgs, printProfile } from "../lib/js-profile.ts";
import { bootMark } from "./bench.ts";

export interface AppBenchResult {
  board: string;
  app: string;
  image_bytes: number;
  bytecode_bytes: number;
  boot_insns: number | null;
  total_insns: number;
  heap_peak_bytes: number;
  heap_limit_bytes: number;
}

export async function benchApp(boardName: string, app: string, profileTop = 0, write?: (line: string) => void): Promise<AppBenchResult> {
  const fw = await buildFirmware({ board: boardName, app });
  const plugin = await buildInsnCountPlugin(path.join(buildRoot, "host"));
  const tmp = await mkdtemp(path.join(os.tmpdir(), "tsmetal-bench-app-"));
  try {
    const mark = await bootMark(fw);
    const out = path.join(tmp, "insns.json");
    const js = profileTop > 0 ? await jsProfileArgs(fw, path.join(tmp, "jsprofile.txt")) : undefined;
    const { run, heap } = await runWithHeapAtExit(fw, insnCountQemuArgs(plugin, out, {
      ...mark.opts,
      profile: js ? path.join(tmp, "profile.txt") : undefined,
      js,
    }), tmp);
    if (run.code !== 0) throw new UserError(`bench --app: ${displayPath(fw.app)} exited with ${run.code}:\n${run.output}${run.stderr}`);
    const insns = await readInsnCount(out);
    if (js) await printProfile(fw, path.join(tmp, "profile.txt"), js, profileTop, write);
    return {
      board: fw.board.name,
      app: displayPath(fw.app),
      image_bytes: fw.sizes.imageBytes,
      bytecode_bytes: fw.sizes.bytecodeBytes,
      boot_insns: mark.find(insns),
      total_insns: insns.total,
      heap_peak_bytes: heap.peak,
      heap_limit_bytes: heap.limit,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
