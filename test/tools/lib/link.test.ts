// tools/lib/link.ts passes board.json's dmaSize to the linker scripts (TSM_DMA_SIZE): the hal.dma
// region between __dma_start and __dma_end is that many bytes on every arch, 1 MiB by default.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { link } from "../../../tools/lib/link.ts";
import { buildEngineLibrary } from "../../../tools/lib/engine.ts";
import { loadBoard } from "../../../tools/lib/boards.ts";

/** __dma_end - __dma_start of an ELF, by its symbol table. */
function dmaBytes(nm: string, elf: string): number {
  const syms = execFileSync(nm, [elf], { encoding: "utf8" });
  const at = (name: string) => parseInt(new RegExp(`^([0-9a-f]+) \\w ${name}$`, "m").exec(syms)![1], 16);
  return at("__dma_end") - at("__dma_start");
}

test("the DMA region is board.json dmaSize bytes (default 1 MiB) on amd64, ARM, RISC-V and Linux", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-link-"));
  try {
    for (const name of ["microvm", "pizero", "sifive_u", "linux-amd64"]) {
      const board = loadBoard(name);
      const engine = await buildEngineLibrary(board);
      const plain = await link(board, engine, null, dir, { snapshotMode: true, elfName: `${name}-1m.elf` });
      assert.is(dmaBytes(board.target.nm.command, plain.elf), 0x100000, name);
      const big = await link({ ...board, dmaSize: 0x300000 }, engine, null, dir, { snapshotMode: true, elfName: `${name}-3m.elf` });
      assert.is(dmaBytes(board.target.nm.command, big.elf), 0x300000, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
