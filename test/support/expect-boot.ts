/** The commonest QEMU boot test: a firmware's whole console output and its exit code. */
import * as assert from "uvu/assert";
import { boot, type BootOptions } from "../qemu/boot.ts";

/** Boots `app` (test/qemu/boot.ts) and checks that it printed exactly `output` and exited with `code`. */
export async function expectBoot(app: string, opts: BootOptions, output: string, code = 0): Promise<void> {
  const r = await boot(app, opts);
  assert.is(r.output, output);
  assert.is(r.code, code);
}
