/** runtime/console.ts writing exactly what Node's console.log would print, through formatArgs. */
import util from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createConsole, installConsole } from "../../runtime/console.ts";
import { formatArgs } from "../../runtime/format/format.ts";

function capture(): { lines: string[]; write: (text: string) => void } {
  const lines: string[] = [];
  return { lines, write: (text: string) => lines.push(text) };
}

test("console methods each write one formatted, newline-terminated line", () => {
  const out = capture();
  const c = createConsole(out.write, formatArgs);
  c.log("a string");
  c.info("x", 42);
  c.warn("%s=%d", "n", 7, { extra: [1] });
  c.error(new Map([["k", 1]]));
  c.debug();
  assert.equal(out.lines, [
    "a string\n",
    "x 42\n",
    `${util.format("%s=%d", "n", 7, { extra: [1] })}\n`,
    "Map(1) { 'k' => 1 }\n",
    "\n",
  ]);
});

test("console output matches Node's console.log for mixed arguments", () => {
  const args: unknown[] = ["status:", { ok: true, list: Array.from({ length: 40 }, (_, i) => i * 3) }, -0, 1n];
  const out = capture();
  createConsole(out.write, formatArgs).log(...args);
  assert.is(out.lines.join(""), `${util.format(...args)}\n`);
});

test("console methods work when detached from the object", () => {
  const out = capture();
  const { log } = createConsole(out.write, formatArgs);
  log("detached", 1);
  assert.equal(out.lines, ["detached 1\n"]);
});

test("installConsole replaces globalThis.console", () => {
  const original = globalThis.console;
  const out = capture();
  try {
    installConsole(out.write, formatArgs);
    assert.is.not(globalThis.console, original);
    globalThis.console.log("installed", [1, 2]);
  } finally {
    globalThis.console = original;
  }
  assert.equal(out.lines, ["installed [ 1, 2 ]\n"]);
});

test.run();
