// A cold engine build says what it builds, for which board and how far (tools/lib/engine.ts
// compileProgress, driven by the pool as each object finishes); without a listener it is silent.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { compileProgress } from "../../../tools/lib/engine.ts";
import { pool } from "../../../tools/lib/toolchain.ts";

const test = suite("engine build progress");

test("a cold compile prints what, for which board, on how many cores, then n/total objects", async () => {
  const lines: string[] = [];
  const files = ["/q/quickjs.c", "/q/libregexp.c", "/r/engine/src/engine.c"];
  const options = compileProgress("engine pizero", files, (l) => lines.push(l), 2);
  await pool(files.map((_, i) => () => new Promise<void>((r) => setTimeout(r, 10 * (3 - i)))), options);
  assert.is(lines[0], "engine pizero: compiling 3 objects on 2 cores (once; cached after)");
  assert.is(lines.length, 4);
  assert.match(lines[1], /^engine pizero: 1\/3 objects \(libregexp\.c\)$/);
  assert.match(lines[2], /^engine pizero: 2\/3 objects \((quickjs|engine)\.c\)$/);
  assert.match(lines[3], /^engine pizero: 3\/3 objects \((quickjs|engine)\.c\)$/);
});

test("no listener: no output, still all cores", () => {
  const o = compileProgress("engine pizero", ["/a.c"], undefined, 4);
  assert.is(o.width, 4);
  assert.is(o.onDone, undefined);
});

test.run();
