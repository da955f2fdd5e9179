// tools/docs/api.ts renders the declarations the compiler emitted (tools/docs/declarations.ts):
// what a page shows of a class (public members with their docs, no private ones), a symbol that
// is both a value and a type under one heading, and exports no page lists on a page of their own.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { renderApiPages, undocumented } from "../../../tools/docs/api.ts";
import { docText, readPublicTypings, type Declaration, type PublicTypings } from "../../../tools/docs/declarations.ts";

const test = suite("API reference rendering");

const typings = readPublicTypings();
typings.catch(() => undefined);

test("a JSDoc comment loses its markers and leading asterisks", () => {
  assert.is(docText("/**\n   * Line one\n   * line two.\n   */"), "Line one\nline two.");
  assert.is(docText("/** One line. */"), "One line.");
});

test("Serial's page: its doc, its public members with their docs, none of its private ones", async () => {
  const t = await typings;
  const serial = t.modules.get("tsmetal")!.get("Serial")!;
  assert.is(serial[0].kind, "class");
  assert.is(serial[0].source, "io/serial.ts");
  assert.not.match(serial[0].text, /private|\bring\b/);
  const page = renderApiPages(t).get("serial.md")!;
  assert.match(page, /^## Serial\n\nclass · \[io\/serial\.ts\]\(\.\.\/\.\.\/io\/serial\.ts\)\n\n\S/m);
  assert.match(page, /^- `read\(count\?: number\): number \| ArrayBuffer \| undefined`: /m);
  assert.match(page, /^ {4}close\(\): void;$/m);
});

test("the hal module and the globals come from their hand-written declaration files", async () => {
  const t = await typings;
  assert.equal(t.modules.get("hal")!.get("mmio")!.map((d) => d.source), ["hal/hal.d.ts"]);
  assert.equal(t.modules.get("globals")!.get("TextEncoder")!.map((d) => d.kind), ["interface", "const"]);
  assert.match(renderApiPages(t).get("globals.md")!, /^## TextEncoder\n\ninterface · \[runtime\/globals\.d\.ts\][^\n]*\n/m);
});

const decl = (name: string, doc: string): Declaration => ({ name, kind: "function", doc, text: `export declare function ${name}(): void;`, members: [], source: "io/x.ts" });

test("an export of tsmetal that no page lists goes on the page of the others; an undocumented one is named", async () => {
  const t = await typings;
  const tsmetal = new Map(t.modules.get("tsmetal")!);
  tsmetal.set("frobnicate", [decl("frobnicate", "")]);
  const changed: PublicTypings = { modules: new Map([...t.modules, ["tsmetal", tsmetal]]) };
  const pages = renderApiPages(changed);
  assert.match(pages.get("tsmetal-more.md")!, /^## frobnicate\n/m);
  assert.match(pages.get("README.md")!, /\(tsmetal-more\.md\)/);
  assert.ok(undocumented(changed).includes("tsmetal: frobnicate (io/x.ts)"));
});

test.run();
