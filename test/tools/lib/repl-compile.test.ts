// The REPL's host-side transform (tools/lib/repl-compile.ts): inputs run as global scripts in a
// Node vm context stand in for the device's realm, so the rewrite's semantics are checked here:
// declarations persisting, top-level await, the completion value, line mapping, refusals.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import vm from "node:vm";
import { compileScript, isIncomplete, rewriteForRepl, tokenize, transformInput } from "../../../tools/lib/repl-compile.ts";

const test = suite("tools/lib/repl-compile");

/** A realm that keeps its globals from input to input, as the device's does. */
function realm(): (source: string) => Promise<unknown> {
  const context = vm.createContext({ setTimeout });
  return async (source) => {
    const s = await transformInput(source, "REPL");
    return await (new vm.Script(s.js).runInContext(context) as Promise<unknown>);
  };
}

test("declarations persist from input to input, and may be declared again", async () => {
  const run = realm();
  assert.is(await run("let a: number = 40, b"), undefined);
  assert.is(await run("a + 2"), 42);
  assert.is(await run("typeof b"), "undefined");
  await run("const { x, y: [z] } = { x: 1, y: [2] }");
  assert.is(await run("x + z"), 3);
  await run("function f(n: number): number { return n * g() }\nfunction g() { return 2 }");
  assert.is(await run("f(a)"), 80);
  await run("class K { v = 3 }");
  assert.is(await run("new K().v"), 3);
  await run("let a = 1");
  assert.is(await run("a"), 1);
  await run("enum Color { Red, Green }");
  assert.is(await run("Color.Green"), 1);
});

test("top-level await, and the last expression's value", async () => {
  const run = realm();
  assert.is(await run("await new Promise<number>((r) => setTimeout(() => r(5), 1))"), 5);
  await run("const v = await Promise.resolve(6)");
  assert.is(await run("v * 7"), 42);
  assert.is(await run("for (let i = 0; i < 2; i++) {}"), undefined);
  // Another realm's object: compared through JSON.
  assert.is(JSON.stringify(await run("{ a: 1 }")), '{"a":1}');
  assert.is(await run("if (true) { 1 }"), undefined);
});

test("a function moved in front of the wrapper still maps to its input line", async () => {
  const s = await transformInput("const a = 1\n\nfunction f() {\n  throw new Error('x')\n}\nf()", "REPL");
  const lines = s.js.split("\n");
  const at = lines.findIndex((l) => l.includes("throw"));
  assert.is(s.inputLine(at + 1), 4);
  assert.is(s.inputLine(lines.findIndex((l) => l.includes("return (f())")) + 1), 6);
});

test("the tokenizer: strings, templates, regexes and comments hide their brackets", () => {
  const t = tokenize("a = `}${ {b: '}'} }` + /[}/]/.test('}') // }\n/* { */ c");
  assert.equal(t.map((x) => `${x.kind}:${x.depth}`), ["ident:0", "punct:0", "tmpl:0", "punct:0", "regex:0", "punct:0", "ident:0", "punct:0", "str:1", "punct:1", "ident:0"]);
  assert.is(t[t.length - 1].text, "c");
  assert.is(t[t.length - 1].line, 1);
});

test("statements spanning lines stay whole", () => {
  const s = rewriteForRepl("const o = {\n  a: 1\n};\nclass C {\n}\no;\n", (l) => l);
  assert.match(s.js, /^var o, C;\n\(async \(\) => \{\n\( o = \{\n {2}a: 1\n\}\);\nC = class C \{\n\};\nreturn \(o\);\n\}\)\(\)\n$/);
});

async function rejects(p: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await p();
  } catch (e) {
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}

test("import and export are refused, with the line; syntax errors name the input's line", async () => {
  await rejects(() => transformInput("\nimport { x } from 'y'\nx", "REPL"), /'import' is not supported in the REPL \(line 2\)/);
  await rejects(() => transformInput("export const a = 1", "REPL"), /'export' is not supported/);
  await rejects(() => transformInput("let = = 2", "REPL3"), /REPL3:1:\d+: /);
  try {
    await transformInput("function f() {", "REPL");
    assert.unreachable();
  } catch (e) {
    assert.ok(isIncomplete((e as Error).message), (e as Error).message);
  }
});

test("compileScript: a one-unit tsmetal image from the host compiler", async () => {
  const image = await compileScript((await transformInput("1 + 1", "REPL")).js, "repl-input-1.js");
  assert.equal([...image.subarray(0, 4)], [...new TextEncoder().encode("TSMB")]);
  assert.is(new DataView(image.buffer, image.byteOffset).getUint32(16, true), 1);
});

test.run();
