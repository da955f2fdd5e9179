import { parseArgs } from "node:util";
import { buildFirmware, type BuildOptions, type Firmware } from "../lib/build.ts";
import { displayPath } from "../lib/paths.ts";
import { UserError } from "../lib/errors.ts";

export const buildOptions = {
  board: { type: "string" },
  app: { type: "string" },
  out: { type: "string" },
  "enable-eval": { type: "boolean", default: false },
  "memory-limit": { type: "string" },
} as const;

/** What the commands that build (build, qemu, linux, flash) take from their build options. */
export function firmwareOptions(
  board: string,
  values: { app?: string; out?: string; "enable-eval"?: boolean; "memory-limit"?: string },
  log?: BuildOptions["log"],
): BuildOptions {
  return { board, app: values.app, out: values.out, enableEval: values["enable-eval"], memoryLimit: parseByteSize(values["memory-limit"]), log };
}

/** --memory-limit 512k / 4m / 1048576 → bytes. */
export function parseByteSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new UserError(`--memory-limit takes bytes, e.g. 262144, 512k or 4m; got '${text}'`);
  return Number(m[1]) * ({ "": 1, k: 1024, m: 1024 * 1024 }[m[2].toLowerCase()] ?? 1);
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
  const { values } = parseArgs({ args: argv, options: buildOptions, strict: true });
  if (!values.board) throw new UserError("build needs --board <name> (npm run boards lists them)");
  const fw = await buildFirmware(firmwareOptions(values.board, values, (l) => console.error(l)));
  console.log(describeSizes(fw));
  return 0;
}
