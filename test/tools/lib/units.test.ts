import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { loadsUnit, namesTls, networkUnitUsed, optionalUnits, unitsFor, usesWebCrypto, WEBCRYPTO_PRELUDE, webCryptoPreludeNeeded, webUnits, webUnitsUsed } from "../../../tools/lib/units.ts";
import { bundle, bundleUnit } from "../../../tools/lib/bundle.ts";
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
    // Words in comments and messages, properties and local names are not the globals.
    const words = writeIn(dir, "d.js", '/** for the sockets and fetch */\nx.fetch(); const m = "a socket or fetch"; function f() { class Response {} return new Response(); }');
    assert.equal((await webUnitsUsed([words])).map((u) => u.name), []);
    const named = writeIn(dir, "e.js", 'const a = "TextEncoder" in globalThis; const r = globalThis.Response; typeof fetch;');
    assert.equal((await webUnitsUsed([named])).map((u) => u.name), ["encoding", "http"]);
  }));

test("the network unit is in a firmware of a family that has one only when its app names `network`", () =>
  inTempDir("tsmetal-units-", async (dir) => {
    const hello = writeIn(dir, "hello.js", 'console.log("networking", x.networks);');
    const net = writeIn(dir, "net.js", "const nic = board().network();");
    const microvm = loadBoard("microvm");
    assert.equal(await networkUnitUsed(microvm, hello), []);
    // esbuild's file marker for the "tsmetal" module is a comment, not a use of the network.
    const marker = writeIn(dir, "marker.js", '// io/network.ts\nvar network_exports = {};\n// examples/app.ts\nconsole.log("hi");');
    assert.equal(await networkUnitUsed(microvm, marker), []);
    assert.equal(await networkUnitUsed(microvm, net), [{ name: "network", entry: repoPath("soc/pc/network-unit.ts") }]);
    // A family without soc/<family>/network-unit.ts has none to add.
    assert.equal(await networkUnitUsed(loadBoard("pizero"), net), []);
  }));

test("a bundle loads a unit only by its literal name", () => {
  assert.ok(loadsUnit('import_hal.image.load("net").defaultNetwork()', "net"));
  assert.ok(loadsUnit("image.load( 'http' )", "http"));
  assert.not.ok(loadsUnit('image.load("network")', "net"));
  assert.not.ok(loadsUnit('image.load("net" + x)', "net"));
  assert.not.ok(loadsUnit('const net = "net"; load(net)', "net"));
});

/** The units a firmware of `app` (source text) gets on `board`, beyond main and the shared ones, as the build picks them. */
async function unitsOfApp(board: string, app: string): Promise<string[]> {
  return inTempDir("tsmetal-units-app-", async (dir) => {
    const b = loadBoard(board);
    const main = writeIn(dir, "main.ts", app);
    const bundles = [await bundle(b, main, dir), ...(await Promise.all(unitsFor(b).map((u) => bundleUnit(b, u.name, u.entry, dir))))];
    return (await optionalUnits(b, bundles, (u) => bundleUnit(b, u.name, u.entry, dir))).map((u) => u.unit).sort();
  });
}

test("the efi unit (the UEFI loader's facts and seed) is in a UEFI board's image only", () => {
  const names = (board: string) => unitsFor(loadBoard(board)).map((u) => u.name);
  assert.ok(names("uefi-x64").includes("efi"));
  for (const board of ["microvm", "firecracker", "cloud-hypervisor", "pizero"]) assert.not.ok(names(board).includes("efi"), board);
});

test("the display unit (the PC family's GOP canvas) comes only with an app that names `framebuffer`", async () => {
  const display = async (board: string, app: string) => (await unitsOfApp(board, app)).includes("display");
  assert.is(await display("uefi-x64", 'import { board } from "tsmetal";\nconsole.log(board().name); // no framebuffer here'), false);
  assert.is(await display("uefi-x64", 'import { board } from "tsmetal";\nboard().framebuffer!().fill(0);'), true);
  // A family without soc/<family>/display-unit.ts draws from its board module (the Pi's).
  assert.is(await display("pizero", 'import { board } from "tsmetal";\nboard().framebuffer!().fill(0);'), false);
});

test("the network API brings in its units: nothing, fetch(, new TCP(, serve(, network(", async () => {
  assert.equal(await unitsOfApp("microvm", 'console.log("fetching Responses", x.Headers_);'), []);
  // The http unit loads "net" and names URL, TextEncoder, AbortController...; "net" needs the family's "network".
  const http = ["abort", "encoding", "http", "net", "network", "url"];
  assert.equal(await unitsOfApp("microvm", 'fetch("http://10.0.2.2/").then((r) => console.log(r.status));'), http);
  assert.equal(await unitsOfApp("microvm", 'import { serve } from "tsmetal";\nserve({ port: 80 }, () => new Response("hi"));'), http);
  const net = ["net", "network"];
  assert.equal(await unitsOfApp("microvm", 'import { TCP } from "tsmetal";\nnew TCP({ address: "10.0.2.2", port: 80, onReadable() {} });'), net);
  assert.equal(await unitsOfApp("microvm", 'import { network } from "tsmetal";\nnetwork().then((n) => console.log(n.address));'), net);
  // board().network() alone: the NIC, no stack.
  assert.equal(await unitsOfApp("microvm", 'import { board } from "tsmetal";\nconsole.log(board().network!().mtu);'), ["network"]);
  // A family without a NIC unit: "net" still comes, and says there is no network when used.
  assert.equal(await unitsOfApp("pizero", 'import { TCP } from "tsmetal";\nnew TCP({ address: "10.0.2.2", port: 80, onReadable() {} });'), ["net"]);
});

test("serve({ tls }) brings in the unit tls; plain serve(), a comment or a word in a message does not", async () => {
  const http = ["abort", "encoding", "http", "net", "network", "url"];
  assert.equal(await unitsOfApp("microvm", 'import { serve } from "tsmetal";\nserve({ port: 443, tls: { cert: "c", key: "k" } }, () => new Response("hi"));'), [...http, "tls"].sort());
  assert.equal(await unitsOfApp("microvm", 'import { serve } from "tsmetal";\n// tls later\nserve({ port: 80 }, () => new Response("tlsx"));'), http);
  assert.ok(await namesTls("const o = { tls: 1 };"));
  assert.not.ok(await namesTls("/* tls */ const s = \"mtls\";"));
});

test("serveSsh brings in the unit ssh (and net, network, and encoding for its TextEncoder); the shell's command table alone does not", async () => {
  assert.equal(await unitsOfApp("microvm", 'import { serveSsh } from "tsmetal";\nserveSsh({ hostKey: "k", authorizedKeys: "", commands: {} });'), ["encoding", "net", "network", "ssh"]);
  assert.not.ok((await unitsOfApp("microvm", 'import { commandShell } from "tsmetal";\n// serveSsh later\ncommandShell({}).run("ssh", console.log);')).includes("ssh"));
});

test("crypto.subtle, randomUUID and crypto.seed bring in the unit webcrypto (and abort, for DOMException); getRandomValues and a comment do not", async () => {
  assert.equal(await unitsOfApp("microvm", "// subtle randomUUID\ncrypto.getRandomValues(new Uint8Array(4));"), []);
  const webcrypto = ["abort", "webcrypto"];
  assert.equal(await unitsOfApp("microvm", 'crypto.subtle.digest("SHA-256", new Uint8Array(1));'), webcrypto);
  assert.equal(await unitsOfApp("microvm", "const { randomUUID } = crypto;\nconsole.log(randomUUID());"), webcrypto);
  assert.equal(await unitsOfApp("microvm", "crypto.seed(new Uint8Array(32));"), webcrypto);
  assert.ok(await usesWebCrypto("const s = globalThis.crypto.subtle;"));
  assert.not.ok(await usesWebCrypto("/* crypto.subtle */ const subtlety = 1; cpu.seedRandom(1, 2);"));
});

test("the main unit of a firmware with the unit webcrypto is bundled again with the prelude that defines crypto.subtle", () =>
  inTempDir("tsmetal-units-prelude-", async (dir) => {
    const b = loadBoard("microvm");
    const main = writeIn(dir, "main.ts", 'crypto.subtle.digest("SHA-256", new Uint8Array(1));');
    const bundles = [await bundle(b, main, dir)];
    bundles.push(...(await optionalUnits(b, bundles, (u) => bundleUnit(b, u.name, u.entry, dir))));
    assert.ok(await webCryptoPreludeNeeded(bundles));
    bundles[0] = await bundle(b, main, dir, undefined, [WEBCRYPTO_PRELUDE]);
    assert.not.ok(await webCryptoPreludeNeeded(bundles));
    const plain = [await bundle(b, writeIn(dir, "plain.ts", "console.log(1);"), dir)];
    assert.not.ok(await webCryptoPreludeNeeded(plain));
  }));

test.run();
