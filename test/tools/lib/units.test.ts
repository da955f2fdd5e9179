import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { networkUnitUsed, webUnits, webUnitsUsed } from "../../../tools/lib/units.ts";
import { loadBoard } from "../../../tools/lib/boards.ts";
import { WEB_GLOBALS } from "../../../runtime/web/web-globals.ts";
import { repoPath } from "../../../tools/lib/paths.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

test("engine/src/web-globals.c defines the same globals from the same units as runtime/web/web-globals.ts", () => {
  const c = readFileSync(repoPath("engine/src/web-globals.c"), "utf8");
  const pairs = [...c.matchAll(/\{ "(\w+)", "(\w+)" \}/g)].map((m) => `${m[1]}:${m[2]}`);
  const expected = Object.entries(WEB_GLOBALS).flatMap(([unit, names]) => names.map((n) => `${n}:${unit}`));
  assert.equal(pairs, expected);
  for (const u of webUnits) assert.ok(readFileSync(u.entry, "utf8").length > 0, u.entry);
});

test("a firmware carries only the web units whose globals its code names", () =>
  inTempDir("tsmetal-units-", async (dir) => {
    const none = writeIn(dir, "a.js", 'console.log("URLs and Events", x.URLish);');
    const url = writeIn(dir, "b.js", "new URL(s);");
    const both = writeIn(dir, "c.js", "const e = new TextEncoder(); const s = AbortSignal.timeout(1);");
    assert.equal((await webUnitsUsed([none])).map((u) => u.name), []);
    assert.equal((await webUnitsUsed([none, url])).map((u) => u.name), ["url"]);
    assert.equal((await webUnitsUsed([both])).map((u) => u.name), ["encoding", "abort"]);
  }));

test("the network unit is in a firmware of a family that has one only when its app names `network`", () =>
  inTempDir("tsmetal-units-", async (dir) => {
    const hello = writeIn(dir, "hello.js", 'console.log("networking", x.networks);');
    const net = writeIn(dir, "net.js", "const nic = board().network();");
    const microvm = loadBoard("microvm");
    assert.equal(await networkUnitUsed(microvm, hello), []);
    assert.equal(await networkUnitUsed(microvm, net), [{ name: "network", entry: repoPath("soc/pc/network-unit.ts") }]);
    // A family without soc/<family>/network-unit.ts has none to add.
    assert.equal(await networkUnitUsed(loadBoard("pizero"), net), []);
  }));

test.run();
