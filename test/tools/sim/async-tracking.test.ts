import { suite } from "uvu";
import * as assert from "uvu/assert";
import { trackAsync } from "../../../tools/sim/async-tracking.ts";

// The simulator's rewrite that hands async functions' and new Promise's promises to its
// rejection tracking (tools/sim/guest/rejections.ts).
const test = suite("simulator async tracking rewrite");
const lines = (s: string) => s.split("\n").length;

test("code without async functions or promise constructions is left as it is", () => {
  const src = "function f(a) {\n  return a / 2 / 3;\n}\nconst re = /async function/g;\nconsole.log(`async ${f(1)}`);\n";
  assert.is(trackAsync(src), src);
});

test("a declaration is rewrapped at the top of its scope, after directives, so hoisted calls are tracked", () => {
  assert.is(trackAsync("f();\nasync function f() {\n  throw 1;\n}\n"), "f = __tsmetalAsync(f); f();\nasync function f() {\n  throw 1;\n}\n");
  assert.is(
    trackAsync('function outer() {\n  "use strict";\n  return g();\n  async function g() {}\n}\n'),
    'function outer() {\n  "use strict"; g = __tsmetalAsync(g); \n  return g();\n  async function g() {}\n}\n',
  );
});

test("async expressions and arrows are wrapped with the name their place gives them", () => {
  assert.is(trackAsync("const g = async () => 1;"), 'const g = __tsmetalAsync(async () => 1, "g");');
  assert.is(trackAsync("x = async function () {};"), 'x = __tsmetalAsync(async function () {}, "x");');
  assert.is(trackAsync("const o = { h: async (a) => a };"), 'const o = { h: __tsmetalAsync(async (a) => a, "h") };');
  assert.is(trackAsync("run(async () => { await 1; }, 2);"), "run(__tsmetalAsync(async () => { await 1; }), 2);");
  assert.is(trackAsync("const n = async function named() {};"), "const n = __tsmetalAsync(async function named() {});");
  // Generators and async generators return no promise.
  const gen = "const a = async function* () {}; function* b() {}";
  assert.is(trackAsync(gen), gen);
});

test("async methods of classes and object literals are wrapped once they exist; private and computed ones are not", () => {
  assert.is(
    trackAsync("class C { async m() {} static async s() {} async #p() {} async [k]() {} n() {} }"),
    'class C { async m() {} static async s() {} async #p() {} async [k]() {} n() {} }; __tsmetalAsyncMethods(C, ["m"], ["s"]);',
  );
  assert.is(trackAsync("const D = class { async m() {} };"), 'const D = __tsmetalAsyncMethods(class { async m() {} }, ["m"], [], "D");');
  assert.is(trackAsync("use({ async get() {}, b: 1 });"), 'use(__tsmetalAsyncMethods({ async get() {}, b: 1 }, ["get"], []));');
});

test("new Promise and the Promise combinators are tracked; nested rewrites close inner first", () => {
  assert.is(trackAsync("new Promise((r) => r(1));"), "__tsmetalTrack(new Promise((r) => r(1)));");
  assert.is(trackAsync("Promise.all([a]); Promise.resolve(b);"), "__tsmetalTrack(Promise.all([a])); Promise.resolve(b);");
  assert.is(
    trackAsync("const f = async () => new Promise(async (r) => r());"),
    'const f = __tsmetalAsync(async () => __tsmetalTrack(new Promise(__tsmetalAsync(async (r) => r()))), "f");',
  );
});

test("no line breaks are added: the bundle's source map still holds by line", () => {
  const src = "async function a() {}\nconst b = async () =>\n  1;\nclass C {\n  async m() {}\n}\nnew Promise(() => {});\n";
  assert.is(lines(trackAsync(src)), lines(src));
});

test("parentheses are looked through, as NamedEvaluation and the ESTree form do", () => {
  assert.is(trackAsync("x = (async () => 1);"), 'x = (__tsmetalAsync(async () => 1, "x"));');
  assert.is(trackAsync("new (Promise)(f); (Promise).race([a]);"), "__tsmetalTrack(new (Promise)(f)); __tsmetalTrack((Promise).race([a]));");
});

test("a declaration in a class static block is rewrapped inside the block", () => {
  assert.is(trackAsync("class A { static { async function f() {} } }"), "class A { static { f = __tsmetalAsync(f);  async function f() {} } }");
});

test("a rewrap goes before an expression wrapped at the same place (a minified body)", () => {
  assert.is(
    trackAsync("function o() {new Promise(r);async function f() {}}"),
    "function o() { f = __tsmetalAsync(f); __tsmetalTrack(new Promise(r));async function f() {}}",
  );
});

test("a bundle that is not valid JavaScript is refused with its line, not rewritten from the parser's guesses", () => {
  assert.throws(() => trackAsync("const a = 1;\nconst = async () => 2;\n"), /^line 2: /);
});

test.run();
