import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, bootFirmware, build, fixture, type BootOptions } from "./boot.ts";
import { buildEngineLibrary } from "../../tools/lib/engine.ts";
import { engineSnapshot } from "../../tools/lib/snapshot.ts";
import { link } from "../../tools/lib/link.ts";
import { runLinux } from "../../tools/lib/linux.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { runSim } from "../../tools/sim/run.ts";
import type { QemuResult } from "../../tools/lib/qemu.ts";

// Stacks and their guards (docs/build-pipeline.md, "Stacks"): engine recursions that end in a
// catchable stack overflow, a recursion limit that agrees across targets and the simulator, the
// guard page below the stack, and stack traces with the middle elided.
const test = suite("stacks");
const qemuBoards = ["pizero", "usbarmory-mk2", "sifive_u", "microvm"];
const boards = [...qemuBoards, "linux-amd64"];

async function run(app: string, board: string, opts: BootOptions = {}): Promise<QemuResult> {
  if (board === "sim") return runSim({ board: "pizero", app, timeoutS: opts.timeoutS ?? 300, onOutput: () => {} });
  if (board.startsWith("linux-")) {
    const fw = await build(app, { board });
    return runLinux({ board: fw.board, executable: fw.image, timeoutS: opts.timeoutS ?? 300, input: "", mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
  }
  return boot(app, { board, timeoutS: 300, ...opts });
}

const nestedExpected = [
  "JSON.stringify array: InternalError: stack overflow",
  "JSON.stringify object: InternalError: stack overflow",
  "JSON.parse: InternalError: stack overflow",
  "Array.prototype.flat: InternalError: stack overflow",
  "Array.prototype.join: InternalError: stack overflow",
  "RegExp source: SyntaxError: stack overflow",
  "Proxy chain get: InternalError: stack overflow",
  'after: {"a":[1,2,{"b":null}]}',
  "",
].join("\n");

const depths: Record<string, number> = {};

for (const board of boards) {
  test(`${board}: values nested 20,000 deep give a catchable stack overflow and the program goes on`, async () => {
    // Values 200,000 deep are built and walked: longer than a hello world under TCG.
    const r = await run(fixture("stack/nested.ts"), board, { timeoutS: 300 });
    assert.is(r.output, nestedExpected);
    assert.is(r.code, 0);
  });
}

// The simulator's QuickJS runs on Node's own stack, which JSON.stringify of nested.ts overflows
// before quickjs-emscripten's limit is reached (a host RangeError): not run there.
for (const board of [...boards, "sim"]) {

  test(`${board}: a small function recurses at least 2,000 deep`, async () => {
    const r = await run(fixture("stack/depth.ts"), board);
    const m = /^depth (\d+)\n$/.exec(r.output);
    assert.ok(m, r.output);
    depths[board] = Number(m[1]);
    assert.ok(depths[board] >= 2000, `${board}: ${r.output}`);
    assert.is(r.code, 0);
  });

  test(`${board}: an uncaught stack overflow prints the first and last frames and how many were elided`, async () => {
    const r = await run(fixture("stack/uncaught.ts"), board);
    const lines = r.output.split("\n");
    assert.is(lines[0], "recursing");
    assert.is(lines[1], "Uncaught InternalError: stack overflow");
    const frames = lines.slice(2).filter((l) => l !== "");
    assert.is(frames.length, 8 + 1 + 4, r.output);
    for (const l of [...frames.slice(0, 8), ...frames.slice(9, 12)]) assert.match(l, /^ {4}at down \(test\/fixtures\/stack\/uncaught\.ts:4\)$/);
    assert.match(frames[8], /^ {4}\.\.\. \d+ frames elided \.\.\.$/);
    assert.match(frames[12], /^ {4}at <anonymous> \(test\/fixtures\/stack\/uncaught\.ts:7\)$/);
    assert.is(r.code, 1);
  });
}

test("every target and the simulator agree on the recursion limit within a factor of two", () => {
  const values = Object.values(depths);
  assert.is(values.length, boards.length + 1, JSON.stringify(depths));
  assert.ok(Math.max(...values) <= 2 * Math.min(...values), JSON.stringify(depths));
});

// A recursion QuickJS's check does not stop (a JS stack limit linked beyond the stack) runs into
// the guard page below the stack: a CPU fault report, exit 4, never a write below the stack.
const GUARD_LIMIT = 64 * 1024 * 1024;
for (const board of boards) {
  test(`${board}: the guard page below the stack turns an overflow into a fault report, exit 4`, async () => {
    const fw = await build(fixture("stack/guard.ts"), { board });
    const engine = await buildEngineLibrary(fw.board, {});
    const snapshot = await engineSnapshot(fw.board, engine);
    const guarded = await link(fw.board, engine, fw.blob, fw.outDir, { snapshot, jsStackLimit: GUARD_LIMIT, elfName: "guard.elf" });
    const r = board.startsWith("linux-")
      ? await runLinux({ board: fw.board, executable: guarded.image, timeoutS: 120, input: "", onOutput: () => {} })
      : await bootFirmware(fw, { timeoutS: 120 }, guarded.elf);
    assert.match(r.output, /^recursing past the stack\n\ntsmetal: CPU fault: /, r.output);
    assert.match(r.output, /stack overflow: the main stack ran into its guard page/, r.output);
    assert.is(r.code, 4, r.output);
  });
}

test.run();
