/** Bytecode image + engine objects → firmware.elf and the board's boot image. */
import { writeFile, stat } from "node:fs/promises";
import path from "node:path";
import { repoPath } from "./paths.ts";
import { requireTool, run } from "./toolchain.ts";
import type { Board } from "./boards.ts";
import type { EngineLibrary } from "./engine.ts";

export interface Linked {
  elf: string;
  image: string;
  sizes: { text: number; data: number; bss: number; imageBytes: number; bytecodeBytes: number };
}

const hex = (n: number) => `0x${n.toString(16)}`;

export interface LinkOptions {
  /** JS heap limit in bytes; 0 or absent: what the board's RAM allows. */
  memoryLimit?: number;
}

export async function link(
  board: Board,
  engine: EngineLibrary,
  blob: string,
  outDir: string,
  opts: LinkOptions = {},
): Promise<Linked> {
  const t = board.target;
  const cc = await requireTool(t.cc);
  const blobAsm = path.join(outDir, "bytecode.S");
  const blobObj = path.join(outDir, "bytecode.o");
  await writeFile(blobAsm, `    .section .tsm_bytecode, "a"\n    .balign 8\n    .incbin ${JSON.stringify(blob)}\n`);
  await run(cc, [...t.cflags, "-c", blobAsm, "-o", blobObj], "assembling the bytecode image");

  const elf = path.join(outDir, "firmware.elf");
  await run(
    cc,
    [
      ...t.cflags,
      ...t.ldflags,
      `-Wl,--defsym=TSM_LOAD_ADDR=${hex(board.loadAddress)}`,
      `-Wl,--defsym=TSM_RAM_END=${hex(board.ramEnd)}`,
      `-Wl,--defsym=TSM_STACK_SIZE=${hex(board.stackSize)}`,
      `-Wl,--defsym=tsm_memory_limit=${hex(opts.memoryLimit ?? board.memoryLimit ?? 0)}`,
      "-T",
      repoPath(t.linkerScript),
      `-Wl,-Map=${path.join(outDir, "firmware.map")}`,
      "-o",
      elf,
      ...engine.objects,
      blobObj,
      ...t.libs,
    ],
    `linking ${board.name} firmware`,
  );
  const image = path.join(outDir, board.image.name);
  await run(await requireTool(t.objcopy), ["-O", "binary", elf, image], "making the boot image");

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
      imageBytes: (await stat(image)).size,
      bytecodeBytes: (await stat(blob)).size,
    },
  };
}
