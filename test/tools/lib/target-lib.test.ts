import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { esPreludesNeeded, FIRMWARE_LIB } from "../../../tools/lib/target-lib.ts";
import { repoPath } from "../../../tools/lib/paths.ts";

const libOf = (file: string): string[] => (JSON.parse(readFileSync(repoPath(file), "utf8")) as { compilerOptions: { lib: string[] } }).compilerOptions.lib;

test("tsconfig.firmware.json and the firmware template use the build's target library", () => {
  assert.equal(libOf("tsconfig.firmware.json"), [...FIRMWARE_LIB]);
  assert.equal(libOf("firmware-template/tsconfig.json"), [...FIRMWARE_LIB]);
});

test("no DOM, no Node, and nothing the engine lacks (Intl, SharedArrayBuffer, resizable buffers, the RegExp d flag)", () => {
  for (const lib of FIRMWARE_LIB) assert.not.match(lib, /dom|node|intl|sharedmemory|arraybuffer|regexp|^esnext$|^es202[1-5]$/, lib);
});

test("Array.fromAsync's prelude is added only for code that names fromAsync outside comments", async () => {
  assert.equal(await esPreludesNeeded("await Array.fromAsync(x);"), [repoPath("runtime/es/array-from-async.ts")]);
  assert.equal(await esPreludesNeeded("// Array.fromAsync would do\nArray.from(x);"), []);
});

test("User Timing's prelude is added only for code that names performance and one of its methods outside comments", async () => {
  const userTiming = [repoPath("runtime/web/user-timing.ts")];
  assert.equal(await esPreludesNeeded('performance.mark("a");'), userTiming);
  assert.equal(await esPreludesNeeded("const { measure } = performance;"), userTiming);
  assert.equal(await esPreludesNeeded("performance.getEntriesByType(t);"), userTiming);
  assert.equal(await esPreludesNeeded("const t = performance.now();"), []);
  assert.equal(await esPreludesNeeded("// performance.mark() would do\nconst t = performance.now();"), []);
});

test.run();
