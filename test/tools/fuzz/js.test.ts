import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Case } from "../../../tools/fuzz/js/cases.ts";
import { caseDepth, DEPTH_SENSITIVE, generateCases } from "../../../tools/fuzz/js/generate.ts";
import { oracle } from "../../../tools/fuzz/js/oracle.ts";
import { runCase } from "../../../tools/fuzz/js/runner.ts";
import { fingerprint } from "../../../tools/fuzz/js/hash.ts";
import { judge, judgeBoot, type IndexedCase } from "../../../tools/fuzz/js/compare.ts";
import { appSource } from "../../../tools/fuzz/js/app.ts";

const asJson = (x: unknown) => JSON.stringify(x);

/** How many levels a case's repeated nesting has (a parse text's repetitions, a deep value's n). */
function nesting(c: Case): number {
  if (c.k === "parse") return (c.text.n ?? 0) * (c.text.pre?.startsWith("[{") ? 2 : 1);
  if (c.k === "str") return c.v.t === "deep" || c.v.t === "cyc" ? (c.v.t === "deep" ? c.v.n : c.v.at) : 0;
  return 0;
}

test("the same seed gives the same cases, and case i does not depend on how many there are", () => {
  const a = generateCases({ seed: 7, count: 120 });
  assert.is(asJson(generateCases({ seed: 7, count: 120 })), asJson(a));
  assert.is(asJson(generateCases({ seed: 7, count: 30 })), asJson(a.slice(0, 30)));
  const b = generateCases({ seed: 8, count: 120 });
  assert.ok(a.filter((c, i) => asJson(c) !== asJson(b[i])).length > 100, "another seed gives other cases");
});

test("the cases cover parse, stringify and regexps, deep nesting up to the bound, and the special inputs", () => {
  const cases = generateCases({ seed: 3, count: 1500 });
  const text = cases.map(asJson).join("\n");
  const kinds = new Set(cases.map((c) => c.k));
  assert.equal([...kinds].sort(), ["parse", "re", "str"]);
  const levels = cases.map(nesting);
  assert.ok(Math.max(...levels) > 10000, `deepest case ${Math.max(...levels)}`);
  assert.ok(Math.max(...levels) <= 50000, "nothing beyond the depth bound");
  for (const needle of ['"t":"big"', '"t":"cyc"', '"t":"sp"', '"t":"tj"', '"s":"-0"', '"s":"NaN"', '"rev":"keys"', '"rep":{"fn"', '"rep":{"list"', '"sp":', "(?<n0>", "(?<=", "\\\\k<n0>", '"fl":"', '"lastIndex":', "(a+)+b", "__proto__", "\\ud800"]) {
    assert.ok(text.includes(needle), `no case has ${needle}`);
  }
  assert.ok(cases.some((c) => c.k === "re" && c.fl.includes("u")) && cases.some((c) => c.k === "re" && c.fl.includes("y")), "u and y flags");
  const shallow = generateCases({ seed: 3, count: 1500, maxDepth: 20 });
  assert.ok(Math.max(...shallow.map(nesting)) <= 20, "maxDepth bounds the nesting");
});

test("the oracle (a worker with a large stack) agrees with the runner in this process, deep stringify included", async () => {
  // Depth 2,000 at most: V8's JSON.stringify is quadratic in the depth (its cycle check).
  const cases = generateCases({ seed: 11, count: 150, maxDepth: 2000 });
  const expected = await oracle(cases);
  assert.is(expected.length, cases.length);
  let compared = 0;
  for (const [i, c] of cases.entries()) {
    if (caseDepth(c) > DEPTH_SENSITIVE) continue; // this process's stack is the default one
    assert.is(judge(c, expected[i], runCase(c)), undefined, `case ${i} ${asJson(c)}`);
    compared++;
  }
  assert.ok(compared > 100);
  // 30,000 levels: a result (V8's default stack would throw RangeError here), fingerprinted without recursion.
  const [deep] = await oracle([{ k: "str", v: { t: "deep", n: 30000, unit: "ao", leaf: { t: "num", s: "1" } } }]);
  assert.match(deep, /^ok [0-9a-f]{8}:\d+$/);
});

test("a deliberately wrong result is reported as a failure", async () => {
  const cases = generateCases({ seed: 5, count: 200 }).filter((c) => c.k === "str" && caseDepth(c) < DEPTH_SENSITIVE);
  const expected = await oracle(cases);
  const real = JSON.stringify;
  // A broken engine: stringify results one character longer.
  JSON.stringify = ((...args: Parameters<typeof real>) => {
    const s = real(...args);
    return s === undefined ? s : `${s} `;
  }) as typeof real;
  let wrong: string[];
  try {
    wrong = cases.map(runCase);
  } finally {
    JSON.stringify = real;
  }
  const verdicts = cases.map((c, i) => judge(c, expected[i], wrong[i]));
  const results = expected.filter((l) => l.startsWith("ok ") && !l.endsWith(":1")).length;
  assert.ok(results > 10, `${results} cases with a string result`);
  assert.ok(verdicts.filter((v) => v?.startsWith("wrong result")).length >= results - 1, verdicts.join("\n"));
});

const deepCase: Case = { k: "str", v: { t: "deep", n: 30000, unit: "a", leaf: { t: "v", v: null } } };
const shallowCase: Case = { k: "str", v: { t: "a", items: [{ t: "v", v: "x" }] } };

test("judge: same result or error class passes; a wrong one, another class or a shallow stack error fails", () => {
  assert.is(judge(shallowCase, "ok 0123abcd:12", "ok 0123abcd:12"), undefined);
  assert.match(judge(shallowCase, "ok 0123abcd:12", "ok 0123abce:12") ?? "", /^wrong result/);
  assert.is(judge(shallowCase, "err TypeError - Do not know how to serialize a BigInt", "err TypeError - bigint"), undefined);
  assert.match(judge(shallowCase, "err TypeError - x", "err SyntaxError - x") ?? "", /threw SyntaxError/);
  assert.match(judge(shallowCase, "ok 0123abcd:12", "err InternalError s stack overflow") ?? "", /Node returns a result/);
  assert.match(judge(shallowCase, "err TypeError - cyclic", "ok 0123abcd:12") ?? "", /returned a result, Node throws TypeError/);
  assert.match(judge(shallowCase, "ok 0123abcd:12", "garbage") ?? "", /garbled/);
  assert.ok(caseDepth(deepCase) > DEPTH_SENSITIVE);
  assert.is(judge(deepCase, "ok 0123abcd:12", "err InternalError s stack overflow"), undefined);
  assert.is(judge(deepCase, "ok 0123abcd:12", "err RangeError s Maximum call stack size exceeded"), undefined);
  assert.ok(judge(deepCase, "ok 0123abcd:12", "err SyntaxError s stack overflow"), "a stack limit is not a syntax error");
  assert.ok(judge(deepCase, "ok 0123abcd:12", "err InternalError - out of memory"), "only a stack error is excused");
  assert.ok(judge(deepCase, "ok 0123abcd:12", "ok 99999999:12"), "a wrong deep result still fails");
});

test("judgeBoot: a crash, a hang or a bad exit after the last case are failures naming the case", () => {
  const cases: IndexedCase[] = [10, 11, 12].map((index) => ({ index, c: shallowCase }));
  const expected = new Map([10, 11, 12].map((i) => [i, "ok 0123abcd:12"]));
  const lines = (...idx: number[]) => idx.map((i) => `@fz ${i} ok 0123abcd:12`).join("\n");
  const good = judgeBoot(cases, expected, { output: `${lines(10, 11, 12)}\n@fz done 3\n`, code: 0, timedOut: false, stderr: "" }, 30);
  assert.equal([good.failures, good.passed, good.missing], [[], 3, undefined]);

  const crash = judgeBoot(cases, expected, { output: `${lines(10)}\nData abort at 0x1c000000\n`, code: 4, timedOut: false, stderr: "" }, 30);
  assert.is(crash.missing?.index, 11);
  assert.is(crash.failures.length, 1);
  assert.is(crash.failures[0][0], 11);
  assert.match(crash.failures[0][1], /exit 4.*Data abort/);

  const hang = judgeBoot(cases, expected, { output: lines(10, 11), code: 124, timedOut: true, stderr: "" }, 30);
  assert.is(hang.missing?.index, 12);
  assert.match(hang.failures[0][1], /hung: no result within 30 s/);

  const badExit = judgeBoot(cases, expected, { output: `${lines(10, 11, 12)}\n@fz done 3\nUncaught Error: late`, code: 1, timedOut: false, stderr: "" }, 30);
  assert.equal(badExit.failures.map(([i]) => i), [12]);
  assert.match(badExit.failures[0][1], /exited 1.*Uncaught Error: late/);
});

test("fingerprints tell -0, holes, null prototypes and key order apart, and survive 100,000 levels", () => {
  const fp = (v: unknown) => fingerprint(v);
  assert.is.not(fp(-0), fp(0));
  assert.is.not(fp([, 1]), fp([undefined, 1]));
  assert.is.not(fp({ a: 1, b: 2 }), fp({ b: 2, a: 1 }));
  assert.is.not(fp(Object.assign(Object.create(null), { a: 1 })), fp({ a: 1 }));
  assert.is.not(fp("1"), fp(1));
  let deep: unknown = 0;
  for (let i = 0; i < 100000; i++) deep = i % 2 ? [deep] : { k: deep };
  assert.match(fp(deep), /^[0-9a-f]{8}:\d+$/);
});

test("the firmware app embeds the cases as ASCII", () => {
  const src = appSource([{ index: 40, c: { k: "parse", text: { core: '"\ud800\u2028é"' } } }, { index: 42, c: { k: "str", v: { t: "u" } } }], 9);
  assert.ok(/^[\x00-\x7f]*$/.test(src.replace(/^import .*$/gm, "")), src);
  assert.match(src, /\\ud800\\u2028\\u00e9/);
  assert.match(src, /runCases\(cases, \[40,42\],/);
});

test.run();
