import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeDebugExit, targetFor } from "../../../tools/lib/targets.ts";

// hal/arch/amd64/exit.c writes code + 1 to isa-debug-exit; QEMU exits with (value << 1) | 1.
const status = (code: number) => (((code + 1) << 1) | 1) & 0xff;

test("firmware codes 0..126 come back from QEMU's status", () => {
  for (let code = 0; code <= 126; code++) assert.is(decodeDebugExit(status(code)), code, `code ${code}`);
  assert.is(status(0), 3);
  assert.is(status(126), 255);
});

test("QEMU's own failure (status 1) and even statuses are not firmware codes", () => {
  assert.is(decodeDebugExit(1), null);
  for (const s of [2, 4, 124, 254]) assert.is(decodeDebugExit(s), null, `status ${s}`);
});

test("status 0, a reset under -no-reboot (or a triple fault), is the reset exit code 6", () => {
  assert.is(decodeDebugExit(0), 6);
});

test("an unknown architecture has no target", () => {
  assert.throws(() => targetFor("m68k"), /no build target for arch 'm68k'/);
});

test.run();
