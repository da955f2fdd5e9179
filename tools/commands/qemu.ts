import { parseArgs } from "node:util";
import { buildFirmware } from "../lib/build.ts";
import { runQemu } from "../lib/qemu.ts";
import { loadLineMapper } from "../lib/source-map.ts";
import { UserError } from "../lib/errors.ts";
import { buildOptions, parseByteSize } from "./build.ts";

export async function qemuCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...buildOptions, timeout: { type: "string", default: "60" } },
    strict: true,
  });
  const timeoutS = Number(values.timeout);
  if (!(timeoutS > 0)) throw new UserError(`--timeout must be a positive number of seconds, got '${values.timeout}'`);
  const fw = await buildFirmware({
    board: values.board ?? "pizero",
    app: values.app,
    out: values.out,
    enableEval: values["enable-eval"],
    memoryLimit: parseByteSize(values["memory-limit"]),
  });
  const r = await runQemu({
    board: fw.board,
    elf: fw.elf,
    timeoutS,
    mapLine: loadLineMapper(fw.bundles),
  });
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  if (r.timedOut) console.error(`tsmetal: QEMU did not finish within ${timeoutS} s (--timeout); stopped it`);
  return r.code;
}
