import { suite } from "uvu";
import * as assert from "uvu/assert";
import { elideFrames, hideRuntimeFrames } from "../../../tools/sim/stack-trace.ts";

// The simulator's stack traces in the target's shape (engine/src/report.c print_stack).
const test = suite("simulator stack trace elision");
const frames = (n: number) => Array.from({ length: n }, (_, i) => `    at f${i} (src/main.ts:${i + 1})`);

test("a short stack is printed whole", () => {
  const stack = frames(13).join("\n") + "\n";
  assert.is(elideFrames(stack), stack);
});

test("a long stack keeps the first 8 and the last 4 frames and counts the rest", () => {
  const all = frames(3000);
  const out = elideFrames(all.join("\n") + "\n").split("\n");
  assert.equal(out, [...all.slice(0, 8), "    ... 2988 frames elided ...", ...all.slice(2996), ""]);
});

test("without a trailing newline none is added", () => {
  const out = elideFrames(frames(20).join("\n"));
  assert.ok(!out.endsWith("\n"));
  assert.match(out, /\.\.\. 8 frames elided \.\.\./);
});

test("the guest runtime's frames are hidden, and the Reflect call through which it called the firmware", () => {
  const stack = [
    "    at f (firmware.js:2)",
    "    at apply (native)",
    "    at apply (tsmetal-sim-runtime.js:40)",
    "    at <anonymous> (firmware.js:4)",
    "    at apply (native)",
    "    at g (firmware.js:9)",
    "",
  ].join("\n");
  assert.is(hideRuntimeFrames(stack), ["    at f (firmware.js:2)", "    at <anonymous> (firmware.js:4)", "    at apply (native)", "    at g (firmware.js:9)", ""].join("\n"));
});

test.run();
