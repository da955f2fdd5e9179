import { buildFirmware, type BuildOptions, type Firmware } from "../lib/build.ts";
import { displayPath } from "../lib/paths.ts";
import { UserError } from "../lib/errors.ts";
import { loadBoard } from "../lib/boards.ts";
import { checkMemoryLimit } from "../lib/heap-layout.ts";
import { checkAppFile, checkOutDir, parseOptions } from "../lib/options.ts";
import { parseMaxJobMs } from "../lib/job-budget.ts";
import { parseDefines } from "../lib/defines.ts";

export const buildOptions = {
  board: { type: "string" },
  app: { type: "string" },
  out: { type: "string" },
  "enable-eval": { type: "boolean", default: false },
  "memory-limit": { type: "string" },
  "max-job-ms": { type: "string" },
  define: { type: "string", multiple: true },
} as const;

/**
 * What the commands that build (build, qemu, linux, flash) take from their build options, each
 * checked before anything is built: the board, --memory-limit against its heap, --app, --out.
 */
export function firmwareOptions(
  board: string,
  values: { app?: string; out?: string; "enable-eval"?: boolean; "memory-limit"?: string; "max-job-ms"?: string; define?: string[] },
  log?: BuildOptions["log"],
): BuildOptions {
  const memoryLimit = parseByteSize(values["memory-limit"]);
  if (memoryLimit !== undefined) checkMemoryLimit(loadBoard(board), memoryLimit, `--memory-limit ${values["memory-limit"]}`);
  if (values.app !== undefined) checkAppFile(values.app);
  if (values.out !== undefined) checkOutDir(values.out);
  const maxJobMs = parseMaxJobMs(values["max-job-ms"]);
  const defines = parseDefines(values.define ?? []);
  // A cold build's progress (tools/lib/engine.ts) goes to stderr whichever command builds.
  const progress = (line: string) => void process.stderr.write(`${line}\n`);
  return { board, app: values.app, out: values.out, enableEval: values["enable-eval"], memoryLimit, maxJobMs, defines, log, progress };
}

/** --memory-limit 512k / 4m / 1g / 1048576 → bytes (at least 1; the board's heap bounds it). */
export function parseByteSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)([kKmMgG]?)$/.exec(text);
  const bytes = m ? Number(m[1]) * { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[m[2].toLowerCase() as "" | "k" | "m" | "g"] : NaN;
  if (!(bytes >= 1)) throw new UserError(`--memory-limit takes a number of bytes of at least 1, e.g. 262144, 512k or 4m; got '${text}'`);
  return bytes;
}

export function describeSizes(fw: Firmware): string {
  const s = fw.sizes;
  return [
    `${displayPath(fw.elf)}: text+rodata ${s.text} B, data ${s.data} B, bss ${s.bss} B`,
    `${displayPath(fw.image)}: ${s.imageBytes} B (bytecode ${s.bytecodeBytes} B)`,
    ...(fw.imxImage ? [`${displayPath(fw.imxImage)}: i.MX boot image (IVT, DCD, ${displayPath(fw.image)})`] : []),
  ].join("\n");
}

export async function buildCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, buildOptions);
  if (!values.board) throw new UserError("build needs --board <name> (npm run boards lists them)");
  const fw = await buildFirmware(firmwareOptions(values.board, values, (l) => console.error(l)));
  console.log(describeSizes(fw));
  return 0;
}
