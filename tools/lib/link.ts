/** Bytecode image + engine objects → firmware.elf and the board's boot image. */
import { writeFile, stat } from "node:fs/promises";
import path from "node:path";
import { repoPath } from "./paths.ts";
import { requireTool, run } from "./toolchain.ts";
import type { Board } from "./boards.ts";
import type { EngineLibrary } from "./engine.ts";
import { checkBootImage } from "./elf-check.ts";
import { makeEfiImage } from "./efi-image.ts";

export interface Linked {
  elf: string;
  image: string;
  sizes: { text: number; data: number; bss: number; imageBytes: number; bytecodeBytes: number };
}

const hex = (n: number) => `0x${n.toString(16)}`;

export interface LinkOptions {
  /** JS heap limit in bytes; 0 or absent: what the board's RAM allows. */
  memoryLimit?: number;
  /** Per-job execution budget in ms (engine/src/budget.h); 0 or absent: board.json maxJobMs, else none. */
  maxJobMs?: number;
  /** JS stack limit in bytes; 0 or absent: the board's stackSize less the engine's reserve
      (engine/src/engine.c). Only test/qemu/stack.test.ts sets it, beyond the stack, so that a
      deep recursion reaches the guard page below the stack instead of QuickJS's check. */
  jsStackLimit?: number;
  /** Engine snapshot to restore at boot (tools/lib/snapshot.ts), or none. */
  snapshot?: string | null;
  /** Build the image that saves the snapshot instead of running an app. */
  snapshotMode?: boolean;
  /** Name of the ELF (default firmware.elf). */
  elfName?: string;
}

async function incbin(cc: string, cflags: string[], section: string, file: string, obj: string): Promise<void> {
  const asm = obj.replace(/\.o$/, ".S");
  await writeFile(asm, `    .section ${section}, "a"\n    .balign 8\n    .incbin ${JSON.stringify(file)}\n`);
  await run(cc, [...cflags, "-c", asm, "-o", obj], `assembling ${path.basename(file)}`);
}

export async function link(
  board: Board,
  engine: EngineLibrary,
  blob: string | null,
  outDir: string,
  opts: LinkOptions = {},
): Promise<Linked> {
  const t = board.target;
  const cc = await requireTool(t.cc);
  const objects = [...engine.objects];
  if (blob) {
    objects.push(path.join(outDir, "bytecode.o"));
    await incbin(cc, t.cflags, ".tsm_bytecode", blob, objects[objects.length - 1]);
  }
  if (opts.snapshot) {
    objects.push(path.join(outDir, "snapshot.o"));
    await incbin(cc, t.cflags, ".tsm_snapshot", opts.snapshot, objects[objects.length - 1]);
  }
  const elf = path.join(outDir, opts.elfName ?? "firmware.elf");
  await run(
    cc,
    [
      ...t.cflags,
      ...t.ldflags,
      `-Wl,--defsym=TSM_LOAD_ADDR=${hex(board.loadAddress)}`,
      `-Wl,--defsym=TSM_IMAGE_MAX=${hex(board.imageMax)}`,
      `-Wl,--defsym=TSM_RAM_END=${hex(board.ramEnd)}`,
      `-Wl,--defsym=TSM_STACK_SIZE=${hex(board.stackSize)}`,
      `-Wl,--defsym=TSM_DMA_SIZE=${hex(board.dmaSize)}`,
      `-Wl,--defsym=tsm_js_stack_limit=${hex(opts.jsStackLimit ?? 0)}`,
      `-Wl,--defsym=tsm_memory_limit=${hex(opts.memoryLimit ?? board.memoryLimit ?? 0)}`,
      `-Wl,--defsym=tsm_max_job_ms=${hex(opts.maxJobMs || board.maxJobMs || 0)}`,
      `-Wl,--defsym=tsm_snapshot_mode_flag=${opts.snapshotMode ? 1 : 0}`,
      "-T",
      repoPath(t.linkerScript),
      `-Wl,-Map=${path.join(outDir, "firmware.map")}`,
      "-o",
      elf,
      ...objects,
      ...t.libs,
    ],
    `linking ${board.name} firmware`,
  );
  // The snapshot maker only ever runs under QEMU, which loads the ELF: it needs no boot image.
  const image = path.join(outDir, board.image.name);
  if (!opts.snapshotMode) {
    if (board.image.format === "efi") {
      // BOOTX64.EFI around the ELF's flat binary, and the GPT disk QEMU boots (tools/lib/efi-image.ts).
      await makeEfiImage(board, elf, outDir);
    } else {
      const format = board.image.format === "elf" ? ["--strip-debug"] : ["-O", "binary"];
      await run(await requireTool(t.objcopy), [...format, elf, image], "making the boot image");
    }
    // The linker checks imageMax against the sections; this checks the file that gets booted.
    checkBootImage(board, image);
  }

  const sizeOut = await run(await requireTool(t.size), ["-A", elf], "reading section sizes");
  const section = (re: RegExp) =>
    sizeOut
      .split("\n")
      .filter((l) => re.test(l.split(/\s+/)[0] ?? ""))
      .reduce((sum, l) => sum + Number(l.split(/\s+/)[1] ?? 0), 0);
  return {
    elf,
    image,
    sizes: {
      text: section(/^\.(text|rodata|ARM\.exidx|init_array)$/),
      data: section(/^\.data$/),
      bss: section(/^\.bss$/),
      imageBytes: opts.snapshotMode ? 0 : (await stat(image)).size,
      bytecodeBytes: blob ? (await stat(blob)).size : 0,
    },
  };
}
