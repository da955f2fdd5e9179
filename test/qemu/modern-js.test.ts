import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, build, fixture } from "./boot.ts";
import { nodeOutput } from "../support/node-output.ts";
import { modernJsOutput } from "../support/modern-js-output.ts";
import { runLinux } from "../../tools/lib/linux.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";

// ES2021-ES2024 on the target (issue 18, docs/compatibility.md): the library (engine/patches/0016,
// 0017, 0019; runtime/es/), the syntax the build lowers, atob/btoa/structuredClone/WeakRef, top-level
// await, reportError, and the @noble/* packages with their published vectors.
const test = suite("modern JavaScript prints what Node prints");

const BOARDS = ["pizero", "sifive_u", "microvm", "usbarmory-mk2", "linux-amd64"];

const run = async (app: string, board: string) => {
  if (!board.startsWith("linux-")) return boot(app, { board, timeoutS: 120 });
  const fw = await build(app, { board });
  return runLinux({ board: fw.board, executable: fw.image, timeoutS: 60, input: "", mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
};

let expected: string;
let noble: string;
test.before(async () => {
  expected = await modernJsOutput(fixture("modern-js.ts"));
  noble = await nodeOutput(fixture("noble.ts"));
});

for (const board of BOARDS) {
  test(`${board}: the ES2021-ES2024 library, syntax and globals print Node's output`, async () => {
    const r = await run(fixture("modern-js.ts"), board);
    assert.fixture(r.output, expected);
    assert.is(r.code, 0);
  });

  test(`${board}: @noble/hashes, curves and ciphers pass their RFC vectors with no shim`, async () => {
    const r = await run(fixture("noble.ts"), board);
    assert.fixture(r.output, noble);
    assert.not.match(r.output, /FAIL/);
    assert.is(r.code, 0);
  });
}

for (const board of ["pizero", "linux-amd64"]) {
  test(`${board}: top-level await runs the app after its imports; a rejection is reported with its line, exit 1`, async () => {
    const r = await run(fixture("top-level-await.ts"), board);
    assert.match(r.output, /^dep evaluated\napp starts after dep ready\nawaited 42\nfor await 1\nfor await 2\na job queued before the rejection runs\nUncaught \(in promise\) RangeError: rejected at the top level\n/);
    assert.match(r.output, /test\/fixtures\/top-level-await\.ts:15/);
    assert.not.match(r.output, /never printed/);
    assert.is(r.code, 1);
  });
}

test("pizero: reportError lets the caller go on, then reports the error as uncaught, exit 1", async () => {
  const r = await run(fixture("report-error.ts"), "pizero");
  assert.match(r.output, /^still running\nUncaught RangeError: reported, not thrown\n/);
  assert.match(r.output, /test\/fixtures\/report-error\.ts:4/);
  assert.is(r.code, 1);
});

test.run();
