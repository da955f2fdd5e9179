/**
 * Generates the JS fuzz's cases from a seed (host side). Case i depends only on the seed and i, so
 * a failure is reproduced by its seed and index whatever the iteration count. The mix: JSON texts
 * (valid, mutated into invalid ones, special numbers and strings, deep nesting), values for
 * JSON.stringify (toJSON, replacers, space, BigInt, cycles, sparse arrays, -0, NaN, unicode, deep
 * nesting) and regular expressions with inputs (generate-regex.ts).
 */
import { Rng } from "../rng.ts";
import type { Case, DeepUnit, Replacer, Reviver, Space, Text, Val } from "./cases.ts";
import { regexCase } from "./generate-regex.ts";

export interface GenerateOptions {
  seed: number;
  count: number;
  /** The deepest nesting a case may have (arrays, objects, toJSON chains). */
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 50000;
/** Nesting or input size above which V8 and QuickJS may legitimately disagree about where the
    stack runs out; below it a stack error is a failure like any other. */
export const DEPTH_SENSITIVE = 64;
const COMMON_STRINGIFY_DEPTH = 2000;
/** The deepest value stringified with indentation (output size ~ depth² × indent). */
const MAX_INDENTED_DEPTH = 500;

/** The RNG of case `index`: mixed from the seed and the index, not drawn in sequence. */
export function caseRng(seed: number, index: number): Rng {
  return new Rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0);
}

export function generateCases(o: GenerateOptions): Case[] {
  const maxDepth = Math.max(1, o.maxDepth ?? DEFAULT_MAX_DEPTH);
  return Array.from({ length: o.count }, (_, i) => generateCase(caseRng(o.seed, i), maxDepth));
}

export function generateCase(rng: Rng, maxDepth: number): Case {
  const kind = rng.weighted([
    [20, "parseValid"],
    [18, "parseInvalid"],
    [7, "parseSpecial"],
    [8, "parseDeep"],
    [20, "str"],
    [8, "strDeep"],
    [19, "re"],
  ] as const);
  switch (kind) {
    case "parseValid":
      return { k: "parse", text: { core: jsonText(rng, 0) }, ...reviverMaybe(rng, 0.25) };
    case "parseInvalid":
      return { k: "parse", text: { core: mutate(rng, jsonText(rng, 0)) }, ...reviverMaybe(rng, 0.1) };
    case "parseSpecial":
      return { k: "parse", text: { core: rng.pick(specialTexts(rng)) }, ...reviverMaybe(rng, 0.2) };
    case "parseDeep":
      return parseDeep(rng, maxDepth);
    case "str":
      return { k: "str", v: value(rng, 0, maxDepth), ...replacerMaybe(rng), ...spaceMaybe(rng) };
    case "strDeep": {
      const v = deepVal(rng, maxDepth);
      // Indented output grows with the square of the depth: only shallow enough values get a space.
      const sp = valDepth(v) <= MAX_INDENTED_DEPTH ? spaceMaybe(rng) : {};
      return { k: "str", v, ...(rng.chance(0.2) ? { rep: { fn: rng.pick(["id", "keyed"] as const) } } : {}), ...sp };
    }
    case "re":
      return regexCase(rng);
  }
}

// ---- JSON texts ----

const ws = (rng: Rng): string => (rng.chance(0.7) ? "" : Array.from({ length: rng.int(1, 3) }, () => rng.pick([" ", "\t", "\n", "\r"])).join(""));

const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => String(rng.int(0, 9))).join("");

function numberText(rng: Rng): string {
  return rng.weighted<() => string>([
    [4, () => String(rng.int(-1000, 1000))],
    [1, () => rng.pick(["-0", "0", "-0.0", "0e0", "-0E-0", "1E+2", "1e-2", "0.5"])],
    [3, () => {
      const int = rng.chance(0.3) ? "0" : String(rng.int(1, 9)) + digits(rng, rng.logInt(rng.chance(0.2) ? 400 : 20) - 1);
      const frac = rng.chance(0.5) ? "." + digits(rng, rng.logInt(rng.chance(0.2) ? 400 : 20)) : "";
      const exp = rng.chance(0.4) ? rng.pick(["e", "E"]) + rng.pick(["", "+", "-"]) + String(rng.logInt(rng.chance(0.3) ? 400 : 30)) : "";
      return (rng.chance(0.3) ? "-" : "") + int + frac + exp;
    }],
    [1, () => rng.pick(["1e309", "-1e309", "1e-400", "5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623159e308",
      "2.2250738585072011e-308", "2.2250738585072012e-308", "9007199254740993", "18446744073709551616", "0.1000000000000000055511151231257827",
      "123456789012345678901234567890", "4.9406564584124654e-324", "1e23", "8.41e21", "9.5e-5"])],
  ])();
}

/** Characters strings are made of: ASCII, escapes of every kind, unicode, lone surrogates. */
function stringText(rng: Rng): string {
  const hex = (n: number) => {
    const h = n.toString(16).padStart(4, "0");
    return rng.chance(0.5) ? h : h.toUpperCase();
  };
  const n = rng.int(0, 8);
  let s = '"';
  for (let i = 0; i < n; i++) {
    s += rng.weighted<() => string>([
      [6, () => rng.pick(["a", "b", "k", " ", "0", "Z", "~", "'", "/"])],
      [2, () => rng.pick(['\\"', "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"])],
      [2, () => "\\u" + hex(rng.pick([0, 0x1f, 0x41, 0x7f, 0xe9, 0x2028, 0xfeff, 0xffff, rng.int(0, 0xffff)]))],
      [1, () => "\\u" + hex(rng.int(0xd800, 0xdfff))],
      [1, () => "\\ud83d\\ude00"],
      [2, () => rng.pick(["é", "中", "😀", "\u2028", "\u00a0", "Ω", "ж"])],
      [1, () => String.fromCharCode(rng.int(0xd800, 0xdfff))],
    ])();
  }
  return s + '"';
}

const KEYS = ["a", "b", "k", "", "0", "1", "10", "4294967294", "4294967295", "-1", "__proto__", "é", "a b", "constructor", "toString", "length"];

function keyText(rng: Rng): string {
  return rng.chance(0.8) ? JSON.stringify(rng.pick(KEYS)) : stringText(rng);
}

export function jsonText(rng: Rng, depth: number): string {
  const w = () => ws(rng);
  const kind = depth >= 4 ? rng.int(0, 3) : rng.int(0, 5);
  switch (kind) {
    case 0:
      return rng.pick(["null", "true", "false"]);
    case 1:
      return numberText(rng);
    case 2:
    case 3:
      return stringText(rng);
    case 4: {
      const items = Array.from({ length: rng.int(0, 5) }, () => w() + jsonText(rng, depth + 1) + w());
      return "[" + (items.length ? items.join(",") : w()) + "]";
    }
    default: {
      const members = Array.from({ length: rng.int(0, 5) }, () => w() + keyText(rng) + w() + ":" + w() + jsonText(rng, depth + 1) + w());
      return "{" + (members.length ? members.join(",") : w()) + "}";
    }
  }
}

const BAD_TOKENS = ["01", "-", "1.", ".5", "+1", "1e", "1e+", "0x1F", "Infinity", "-Infinity", "NaN", "undefined", ",", ":", "[", "]", "{", "}", '"',
  "\\", "'a'", "/*x*/", "//x\n", "\u00a0", "\ufeff", "\v", "\f", "\u2028", "\u0000", "tru", "nul", "True", "1 2", '"\\x41"', '"\\u12"', '"\\uZZZZ"',
  "\"\\'\"", '"\\u{41}"', '"a\u0001"', '"a\nb"', "[1,]", '{"a":1,}', "{a:1}", "[,1]", '{"a"}', '{"a" 1}', "\ud800", "--1", "00", "-01", "1.e1"];

/** A text turned (usually) invalid: truncated, a character deleted or replaced, a bad token in. */
export function mutate(rng: Rng, text: string): string {
  const at = rng.int(0, text.length);
  switch (rng.int(0, 4)) {
    case 0:
      return text.slice(0, rng.int(0, Math.max(0, text.length - 1)));
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + rng.pick(BAD_TOKENS) + text.slice(at + 1);
    case 3:
      return text.slice(0, at) + rng.pick(BAD_TOKENS) + text.slice(at);
    default:
      return rng.pick(["", " ", "[]]", "{}{}", "[] x", '"abc', "[1", '{"a":1', "\ufeff[]", "[\u00a0]", "[\v]"]);
  }
}

function specialTexts(rng: Rng): string[] {
  return [
    '"\\ud800"', '"\\udc00x"', '"\\ud83d"', '"x\\ude00"', '"\\uDBFF\\uDFFF"', `"${String.fromCharCode(0xd800)}"`, `["${String.fromCharCode(0xdfff)}a"]`,
    '{"a":1,"a":2}', '{"a":{"b":1},"a":[2]}', '{"__proto__":1}', '{"__proto__":{"x":1}}', '{"__proto__":null,"a":1}',
    '{"b":1,"2":1,"1":1,"a":1,"-1":1,"4294967295":1,"4294967294":1}', '{"":1,"":2}', "[" + numberText(rng) + "]", numberText(rng),
    '"\\u0000\\u001f\\u007f\\u2028\\u2029"', " \t\n\r[ \t\n\r1 \t\n\r] \t\n\r", '{"a":[],"b":{},"c":"","d":0}',
    "[" + Array.from({ length: rng.int(1, 400) }, () => numberText(rng)).join(",") + "]",
    JSON.stringify("x".repeat(rng.int(1, 5000))),
  ];
}

function reviverMaybe(rng: Rng, p: number): { rev?: Reviver } {
  return rng.chance(p) ? { rev: rng.pick(["id", "dropNum", "upper", "deleteAll", "throw", "keys"] as const) } : {};
}

function parseDeep(rng: Rng, maxDepth: number): Case {
  const units: Array<readonly [string, string, number]> = [
    ["[", "]", 1],
    ['{"a":', "}", 1],
    ['[{"k":', "}]", 2],
    ["[ ", " ]", 1],
    ["[0,", "]", 1],
    ['{"a":1,"b":', "}", 1],
  ];
  const [pre, post, levels] = rng.pick(units);
  const n = Math.max(1, Math.floor(rng.logInt(maxDepth) / levels));
  const core = rng.chance(0.7) ? jsonText(rng, 3) : "";
  const text: Text = { pre, n, core: core === "" && pre.endsWith(":") ? "0" : core, post };
  const broken = rng.int(0, 5);
  if (broken === 0) text.cut = rng.int(0, n * (pre.length + post.length));
  if (broken === 1) text.core = mutate(rng, text.core);
  return { k: "parse", text, ...reviverMaybe(rng, 0.3) };
}

// ---- values for JSON.stringify ----

const NUMBERS = ["-0", "0", "NaN", "Infinity", "-Infinity", "1e21", "1e-7", "123.456", "0.1", "5e-324", "1.7976931348623157e308", "-1.5", "42", "1e+300", "0.000001", "4294967296"];
const STRINGS = ["", "a", "\u0000\u001f", '"\\/', "\u2028\u2029", "\ud800", "\udc00", "a\ud800b", "\ud83d\ude00", "é中Ω", "\u007f\u0080", "\b\f\n\r\t", "</script>"];

function leaf(rng: Rng): Val {
  return rng.weighted<() => Val>([
    [3, () => ({ t: "v", v: rng.pick([null, true, false]) })],
    [4, () => ({ t: "num", s: rng.chance(0.5) ? rng.pick(NUMBERS) : numberText(rng) })],
    [4, () => ({ t: "v", v: rng.pick(STRINGS) })],
    [1, () => ({ t: "u" })],
    [1, () => ({ t: "fn" })],
    [1, () => ({ t: "sym" })],
    [0.4, () => ({ t: "big", s: String(rng.int(-99, 99)) })],
    [1, () => ({ t: "date", ms: rng.chance(0.2) ? null : rng.pick([0, -1, 1e12, -62198755200000, 253402300800000, 8.64e15, -8.64e15, rng.int(-1e12, 1e12)]) })],
    [1, () => ({ t: "box", k: rng.pick(["n", "s", "b"] as const), s: rng.pick(["0", "-0", "true", "false", "x", "NaN"]) })],
    [0.3, () => ({ t: "box", k: "big", s: "7" })],
    [0.5, () => ({ t: "u8", items: Array.from({ length: rng.int(0, 4) }, () => rng.int(0, 255)) })],
    [0.5, () => ({ t: "map" })],
  ])();
}

function value(rng: Rng, depth: number, maxDepth: number): Val {
  if (depth >= 4 || rng.chance(0.3)) return leaf(rng);
  return rng.weighted<() => Val>([
    [5, () => ({ t: "a", items: Array.from({ length: rng.int(0, 4) }, () => value(rng, depth + 1, maxDepth)) })],
    [2, () => {
      const len = rng.int(0, 8);
      return { t: "sp", len, at: Array.from({ length: rng.int(0, 2) }, (): [number, Val] => [rng.int(0, Math.max(0, len - 1)), value(rng, depth + 1, maxDepth)]) };
    }],
    [5, () => ({
      t: "o",
      e: Array.from({ length: rng.int(0, 4) }, (): [string, Val] => [rng.pick(KEYS.filter((k) => k !== "__proto__")), value(rng, depth + 1, maxDepth)]),
      ...(rng.chance(0.1) ? { symKey: true } : {}),
    })],
    [2, () => ({ t: "tj", r: value(rng, depth + 1, maxDepth), ...(rng.chance(0.3) ? { key: true } : {}) })],
    [0.3, () => ({ t: "tjThrow" })],
    [0.5, () => ({ t: "cyc", at: rng.int(0, Math.min(maxDepth, 5)), arr: rng.chance(0.5) })],
    [0.5, () => ({ t: "deep", n: rng.int(1, Math.min(maxDepth, 20)), unit: rng.pick(["a", "o", "ao", "tj"] as const), leaf: leaf(rng) })],
  ])();
}

function deepVal(rng: Rng, maxDepth: number): Val {
  const unit = rng.weighted<DeepUnit>([
    [3, "a"],
    [3, "o"],
    [2, "ao"],
    [1, "tj"],
  ]);
  // Mostly up to 2,000 levels: JSON.stringify's cycle check is quadratic in the depth in both
  // engines (QuickJS: Array.prototype.includes over its stack), so a 10,000-deep case costs the
  // target ~10^8 steps; one in five goes up to the full bound.
  const bound = rng.chance(0.8) ? Math.min(maxDepth, COMMON_STRINGIFY_DEPTH) : maxDepth;
  if (rng.chance(0.1)) return { t: "cyc", at: rng.logInt(bound), arr: rng.chance(0.5) };
  return { t: "deep", n: rng.logInt(bound), unit, leaf: leaf(rng) };
}

function replacerMaybe(rng: Rng): { rep?: Replacer } {
  if (!rng.chance(0.3)) return {};
  if (rng.chance(0.6)) return { rep: { fn: rng.pick(["id", "upper", "dropA", "double", "undefRoot", "nullAll", "keyed", "throwDeep"] as const) } };
  return { rep: { list: Array.from({ length: rng.int(0, 4) }, () => (rng.chance(0.2) ? rng.int(0, 10) : rng.pick(KEYS))) } };
}

function spaceMaybe(rng: Rng): { sp?: Space } {
  if (!rng.chance(0.4)) return {};
  return {
    sp: rng.weighted<() => Space>([
      [3, () => rng.int(-2, 12)],
      // Not a fraction below 1: V8 (Node 20) indents with an empty gap there, against ES2020
      // 24.5.2 step 6 (min(10, ToInteger(space)) spaces: none), which QuickJS follows.
      [1, () => rng.pick([3.7, 1.5, 1e9])],
      [3, () => rng.pick(["", "\t", "--", " ", "abcdefghijklmno", "\u00a0", "é"])],
      [1, () => ({ box: rng.chance(0.5) ? rng.int(0, 4) : rng.pick(["xy", "\t"]) })],
    ])(),
  };
}

// ---- what the comparison needs to know ----

function valDepth(v: Val): number {
  switch (v.t) {
    case "a":
      return 1 + Math.max(0, ...v.items.map(valDepth));
    case "sp":
      return 1 + Math.max(0, ...v.at.map(([, x]) => valDepth(x)));
    case "o":
      return 1 + Math.max(0, ...v.e.map(([, x]) => valDepth(x)));
    case "tj":
      return 1 + valDepth(v.r);
    case "deep":
      return v.n * (v.unit === "tj" ? 2 : 1) + valDepth(v.leaf);
    case "cyc":
      return v.at + 1;
    default:
      return 0;
  }
}

const textSize = (t: Text): number => (t.head ?? "").length + t.core.length + (t.n ?? 0) * ((t.pre ?? "").length + (t.post ?? "").length);

/** How deep a case nests (parse, stringify) or how large its regex work is: above
    DEPTH_SENSITIVE, running out of stack is an acceptable outcome. */
export function caseDepth(c: Case): number {
  switch (c.k) {
    case "parse": {
      const unit = (c.text.pre ?? "").replace(/[^[{]/g, "").length;
      return (c.text.n ?? 0) * unit + 4;
    }
    case "str":
      return valDepth(c.v);
    case "re":
      return Math.max((c.src.n ?? 0) * 2, textSize(c.input) > 1000 ? textSize(c.input) : 0);
  }
}

/** A rough cost of running a case on the target, in units of a small case, for splitting runs. */
export function caseCost(c: Case): number {
  switch (c.k) {
    case "parse":
      return 1 + textSize(c.text) / 500;
    case "str": {
      // Quadratic (the cycle check), up to where today's engine runs out of stack (~12,000 levels
      // on pizero): 8,000 levels took ~10 s of QEMU, i.e. ~1,500 units of BOOT_TIMEOUT_PER_COST_S.
      const d = Math.min(valDepth(c.v), 12000);
      return 1 + d / 200 + (d * d) / 43000;
    }
    case "re":
      return 1 + (textSize(c.input) + textSize(c.src)) / 100;
  }
}
