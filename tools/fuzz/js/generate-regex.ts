/**
 * The JS fuzz's regular-expression cases: patterns grown from a small grammar (literals, classes,
 * \p{} under the u flag, groups, named groups, lookahead and lookbehind, backreferences,
 * quantifiers, alternation), sometimes broken on purpose, with flags, an input, a start lastIndex
 * and an operation (exec, a global or sticky exec loop, test, match, matchAll, replace, split,
 * search); and backtracking-heavy patterns whose input size is bounded so that they finish.
 */
import type { Rng } from "../rng.ts";
import type { Case, RegexOp, Text } from "./cases.ts";

/** Characters whose case mapping and Unicode properties are old enough for both engines' tables. */
const CHARS = ["a", "b", "c", "x", "A", "B", "0", "1", "_", " ", "-", "é", "É", "Ω", "ω", "ж", "Ж", "中", "ſ", "\u212a", "k", "K", "\n", "😀", "\ud800"];
const REPLACEMENTS = ["$&", "$1", "$2", "$<n0>", "$<n1>", "$`", "$'", "$$", "[$1]", "x", "$0", "$01", "$10", "$<zz>", "", "$"];

interface RegexState {
  rng: Rng;
  unicode: boolean;
  groups: number;
  names: string[];
}

const literal = (rng: Rng, unicode: boolean): string => {
  const c = rng.pick(CHARS);
  if (c === "\ud800") return unicode ? "\\u{1F600}" : "\\ud800";
  if (c === "\n") return "\\n";
  return c;
};

function atom(s: RegexState, depth: number): string {
  const { rng } = s;
  const choices: Array<readonly [number, () => string]> = [
    [6, () => literal(rng, s.unicode)],
    [2, () => rng.pick(["\\d", "\\w", "\\s", "\\D", "\\W", "\\S", ".", "[abc]", "[^a]", "[a-c]", "[^\\s]", "[-x]", "[\\w-]", "[é-ж]", "[]", "[^]"])],
  ];
  if (s.unicode) choices.push([1, () => rng.pick(["\\p{L}", "\\p{Lu}", "\\P{L}", "\\p{Script=Greek}", "\\p{Nd}", "[\\u{1F600}-\\u{1F64F}]", "\\u{61}"])]);
  if (depth < 3) {
    choices.push([2, () => {
      s.groups++; // numbered by its opening parenthesis, before the groups inside it
      return `(${alternation(s, depth + 1)})`;
    }]);
    choices.push([1, () => `(?:${alternation(s, depth + 1)})`]);
    choices.push([1, () => {
      const name = `n${s.names.length}`;
      s.names.push(name);
      s.groups++;
      return `(?<${name}>${alternation(s, depth + 1)})`;
    }]);
  }
  if (s.groups > 0) choices.push([1, () => `\\${rng.int(1, s.groups)}`]);
  if (s.names.length > 0) choices.push([1, () => `\\k<${rng.pick(s.names)}>`]);
  return rng.weighted(choices)();
}

function term(s: RegexState, depth: number): string {
  const { rng } = s;
  if (depth < 3 && rng.chance(0.12)) {
    return `(${rng.pick(["?=", "?!", "?<=", "?<!"])}${alternation(s, depth + 1)})`;
  }
  if (rng.chance(0.08)) return rng.pick(["^", "$", "\\b", "\\B"]);
  const a = atom(s, depth);
  // A quantified group with a lookaround inside backtracks exponentially in QuickJS even on short
  // inputs (k*(?<n0>(?<=(?:\1??\k<n0>|1\1{0,3}?0){0,3})|1中)* took 15 s of QEMU on 12 characters):
  // slow, not wrong, so not generated; the catastrophic() patterns cover backtracking with a bound.
  if (!rng.chance(0.35) || /\(\?<?[=!]/.test(a)) return a;
  const q = rng.pick(["*", "+", "?", "{2}", "{1,}", "{0,3}"]);
  return a + q + (rng.chance(0.3) ? "?" : "");
}

function alternation(s: RegexState, depth: number): string {
  const seq = () => Array.from({ length: s.rng.int(1, 3) }, () => term(s, depth)).join("");
  return s.rng.chance(0.25) ? `${seq()}|${seq()}` : seq();
}

const BAD_REGEX = ["(", ")", "[", "{", "\\", "*", "(?<", "(?<n0>a)(?<n0>b)", "\\k<zz>", "\\p{Foo}", "(?", "a{2,1}", "\\u{110000}", "\\c", "+"];

function inputText(rng: Rng): Text {
  const s = Array.from({ length: rng.int(0, 16) }, () => (rng.chance(0.7) ? rng.pick(CHARS) : rng.pick(["a", "b", "ab"]))).join("");
  return { core: s.length ? s : rng.pick(["", "aaa", "ab"]) };
}

/** Backtracking-heavy patterns, each with an input size bound under which it finishes quickly
    on the slowest target (QuickJS's backtracking matcher, interpreted by QEMU). */
function catastrophic(rng: Rng): Pick<Extract<Case, { k: "re" }>, "src" | "input"> {
  return rng.pick<() => Pick<Extract<Case, { k: "re" }>, "src" | "input">>([
    () => ({ src: { core: "(a+)+b" }, input: { pre: "a", n: rng.int(1, 16), core: "c" } }),
    () => ({ src: { core: "(a|aa)+$" }, input: { pre: "a", n: rng.int(1, 22), core: "b" } }),
    () => ({ src: { core: "^(\\w+\\s?)+$" }, input: { pre: "ab ", n: rng.int(1, 12), core: "!" } }),
    () => ({ src: { core: "(x+x+)+y" }, input: { pre: "x", n: rng.int(1, 12), core: "" } }),
    () => {
      const n = rng.int(1, 16);
      return { src: { head: "^", pre: "a?", n, core: "", post: "a" }, input: { pre: "a", n, core: "" } };
    },
    () => ({ src: { core: "a*b" }, input: { pre: "a", n: rng.int(1, 1500), core: "" } }),
    () => ({ src: { core: "(?:a|b)*c" }, input: { pre: "ab", n: rng.logInt(20000), core: rng.pick(["c", ""]) } }),
    () => ({ src: { core: "(a*)*$" }, input: { pre: "a", n: rng.logInt(5000), core: "b" } }),
    () => ({ src: { pre: "(?:", n: rng.logInt(2000), core: "a", post: ")" }, input: { core: "aa" } }),
    () => ({ src: { pre: "(?:a|", n: rng.logInt(2000), core: "b", post: ")" }, input: { core: "xb" } }),
  ])();
}

export function regexCase(rng: Rng): Case {
  const flags = ["g", "i", "m", "s", "u", "y"].filter(() => rng.chance(0.3));
  const unicode = flags.includes("u");
  const op = rng.weighted<RegexOp>([
    [3, "exec"],
    [3, "all"],
    [2, "test"],
    [2, "match"],
    [1, "matchAll"],
    [2, "replace"],
    [1, "replaceFn"],
    [2, "split"],
    [1, "search"],
  ]);
  let fl = flags.join("");
  // Invalid flags ("d" is valid since ES2022, which Node has and QuickJS 2021 has not: not used).
  if (rng.chance(0.03)) fl = rng.pick(["gg", "x", "uu", "Y"]);
  let src: Text;
  let input: Text;
  if (rng.chance(0.15)) {
    ({ src, input } = catastrophic(rng));
  } else {
    const s: RegexState = { rng, unicode, groups: 0, names: [] };
    let core = alternation(s, 0);
    if (rng.chance(0.08)) {
      const at = rng.int(0, core.length);
      core = core.slice(0, at) + rng.pick(BAD_REGEX) + core.slice(at);
    }
    src = { core };
    input = inputText(rng);
  }
  const c: Case = { k: "re", src, fl, op, input };
  if (rng.chance(0.3)) c.lastIndex = rng.pick([0, 1, 2, 5, -1, 1e10, rng.int(0, 30)]);
  if (op === "replace") c.rs = rng.pick(REPLACEMENTS);
  if (op === "split" && rng.chance(0.5)) c.lim = rng.pick([0, 1, 2, 5, 4294967297]);
  return c;
}
