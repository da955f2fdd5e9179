/**
 * Runs fuzz cases (cases.ts): builds each input from its recipe, runs JSON.parse, JSON.stringify or
 * a RegExp operation in try/catch, and describes the outcome in one line. The same code runs in
 * the firmware (bundled by the generated app, app.ts) and in Node (oracle.ts), so the two lines
 * of a case differ only where the engines do. QuickJS-safe ES2020 only, and nothing here may
 * recurse with the depth of an input: deep values are built and fingerprinted with loops.
 */
import type { Case, Replacer, Reviver, Space, Text, Val } from "./cases.ts";
import { fingerprint } from "./hash.ts";

/** Result lines start with this, so that other console output cannot be mistaken for one. */
export const LINE_PREFIX = "@fz";
/** The last line of a run that got through all its cases. */
export const DONE = "done";

export function buildText(t: Text): string {
  const n = t.n ?? 0;
  const s = (t.head ?? "") + (t.pre ?? "").repeat(n) + t.core + (t.post ?? "").repeat(n);
  return t.cut === undefined ? s : s.slice(0, t.cut);
}

function boxed(k: "n" | "s" | "b" | "big", s: string): unknown {
  switch (k) {
    case "n":
      return new Number(Number(s));
    case "s":
      return new String(s);
    case "b":
      return new Boolean(s === "true");
    case "big":
      return Object(BigInt(s));
  }
}

function deepValue(n: number, unit: string, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < n; i++) {
    const inner = v;
    if (unit === "a" || (unit === "ao" && i % 2 === 0)) v = [inner];
    else if (unit === "tj") v = { toJSON: () => [inner] };
    else v = { k: inner };
  }
  return v;
}

function cycle(at: number, arr: boolean): unknown {
  const root: Record<string, unknown> | unknown[] = arr ? [] : {};
  let cur = root;
  for (let i = 0; i < at; i++) {
    const next: Record<string, unknown> | unknown[] = arr ? [] : {};
    if (Array.isArray(cur)) cur.push(next);
    else cur.c = next;
    cur = next;
  }
  if (Array.isArray(cur)) cur.push(root);
  else cur.back = root;
  return root;
}

/** The value a recipe describes. Recipes other than "deep" and "cyc" are a few levels deep. */
export function buildValue(v: Val): unknown {
  switch (v.t) {
    case "v":
      return v.v;
    case "num":
      return Number(v.s);
    case "u":
      return undefined;
    case "fn":
      return function f() {};
    case "sym":
      return Symbol("s");
    case "big":
      return BigInt(v.s);
    case "a":
      return v.items.map(buildValue);
    case "sp": {
      const a: unknown[] = new Array(v.len);
      for (const [i, x] of v.at) a[i] = buildValue(x);
      return a;
    }
    case "o": {
      const o: Record<string | symbol, unknown> = {};
      for (const [k, x] of v.e) o[k] = buildValue(x);
      if (v.symKey) o[Symbol("k")] = 1;
      return o;
    }
    case "tj": {
      const r = v.r;
      return v.key ? { toJSON: (key: string) => `key:${key}` } : { toJSON: () => buildValue(r) };
    }
    case "tjThrow":
      return {
        toJSON: () => {
          throw new RangeError("toJSON refused");
        },
      };
    case "deep":
      return deepValue(v.n, v.unit, buildValue(v.leaf));
    case "cyc":
      return cycle(v.at, v.arr);
    case "date":
      return new Date(v.ms === null ? NaN : v.ms);
    case "box":
      return boxed(v.k, v.s);
    case "u8":
      return new Uint8Array(v.items);
    case "map":
      return new Map([[1, 2]]);
  }
}

type ReplacerFn = (this: unknown, key: string, value: unknown) => unknown;

function replacerFn(name: string): ReplacerFn {
  switch (name) {
    case "upper":
      return (_k, v) => (typeof v === "string" ? v.toUpperCase() : v);
    case "dropA":
      return (k, v) => (k === "a" ? undefined : v);
    case "double":
      return (_k, v) => (typeof v === "number" ? v * 2 : v);
    case "undefRoot":
      return (k, v) => (k === "" ? undefined : v);
    case "nullAll":
      return (k, v) => (k === "" ? v : null);
    case "keyed":
      return function (k, v) {
        return typeof v === "string" ? `${k}${Array.isArray(this) ? "#" : "="}${v}` : v;
      };
    case "throwDeep":
      return (_k, v) => {
        if (typeof v === "number" && v > 100) throw new RangeError("replacer refused");
        return v;
      };
    default:
      return (_k, v) => v;
  }
}

function buildReplacer(r: Replacer | undefined): ReplacerFn | Array<string | number> | undefined {
  if (r === undefined) return undefined;
  return "fn" in r ? replacerFn(r.fn) : r.list;
}

function buildSpace(s: Space | undefined): unknown {
  if (s === undefined || typeof s !== "object") return s;
  return typeof s.box === "number" ? new Number(s.box) : new String(s.box);
}

type ReviverFn = (this: unknown, key: string, value: unknown) => unknown;

function reviver(name: Reviver): ReviverFn {
  switch (name) {
    case "dropNum":
      return (_k, v) => (typeof v === "number" ? undefined : v);
    case "upper":
      return (_k, v) => (typeof v === "string" ? v.toUpperCase() : v);
    case "deleteAll":
      return (k, v) => (k === "" ? v : undefined);
    case "throw":
      return (_k, v) => {
        if (typeof v === "string" && v.length > 3) throw new RangeError("reviver refused");
        return v;
      };
    case "keys": {
      // The order the reviver sees keys in, and whether its holder is an array (ES2020 24.5.1.1).
      const seen: string[] = [];
      return function (k, v) {
        seen.push(Array.isArray(this) ? `#${k}` : k);
        return k === "" ? [v, seen.join(",")] : v;
      };
    }
    default:
      return (_k, v) => v;
  }
}

/** What replace's callback returns: its arguments, the input string left out (it is long). */
function replaceCallback(input: string): (...args: unknown[]) => string {
  return (...args) =>
    "<" +
    args
      .map((a) =>
        a === input
          ? "$"
          : typeof a === "object" && a !== null
            ? Object.keys(a)
                .map((k) => `${k}=${String((a as Record<string, unknown>)[k])}`)
                .join(",")
            : String(a),
      )
      .join("|") +
    ">";
}

const MAX_EXEC_LOOP = 200;

/**
 * A match result as data: its elements, index, input and groups. Read out by name because the
 * order of those own properties differs: ES2020 21.2.5.2.2 RegExpBuiltinExec creates index and
 * input first, groups last, and QuickJS 2021 creates groups first — a harmless deviation that
 * would otherwise mark every match result as different.
 */
function matchData(m: RegExpMatchArray | null): unknown {
  return m === null ? null : { elements: Array.from(m), index: m.index, input: m.input, groups: m.groups };
}

function regexOp(c: Extract<Case, { k: "re" }>): unknown {
  const re = new RegExp(buildText(c.src), c.fl);
  if (c.lastIndex !== undefined) re.lastIndex = c.lastIndex;
  const s = buildText(c.input);
  switch (c.op) {
    case "exec":
      return [matchData(re.exec(s)), re.lastIndex];
    case "all": {
      const out: unknown[] = [];
      for (let i = 0; i < MAX_EXEC_LOOP; i++) {
        const m = re.exec(s);
        out.push(matchData(m));
        if (m === null || !(re.global || re.sticky)) break;
        if (m[0] === "") re.lastIndex++;
      }
      return [out, re.lastIndex];
    }
    case "test":
      return [re.test(s), re.lastIndex];
    case "match": {
      const m = s.match(re);
      return [re.global ? m : matchData(m), re.lastIndex];
    }
    case "matchAll": {
      const out: unknown[] = [];
      for (const m of s.matchAll(re)) out.push(matchData(m));
      return [out, re.lastIndex];
    }
    case "replace":
      return [s.replace(re, c.rs ?? ""), re.lastIndex];
    case "replaceFn":
      return [s.replace(re, replaceCallback(s)), re.lastIndex];
    case "split":
      return s.split(re, c.lim);
    case "search":
      return [s.search(re), re.lastIndex];
  }
}

function operate(c: Case): unknown {
  switch (c.k) {
    case "parse": {
      const text = buildText(c.text);
      return c.rev === undefined ? JSON.parse(text) : JSON.parse(text, reviver(c.rev));
    }
    case "str":
      // The overloads take a function or an array; ours is either, decided at run time.
      return JSON.stringify(buildValue(c.v), buildReplacer(c.rep) as (string | number)[] | undefined, buildSpace(c.sp) as string | number);
    case "re":
      return regexOp(c);
  }
}

/** Printable ASCII only, and short: the line must survive the UART and stay one line. */
function clean(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?").slice(0, 60);
}

/** Whether an error message says the stack (or recursion) ran out: V8's "Maximum call stack size
    exceeded", QuickJS's "stack overflow", SpiderMonkey's "too much recursion". */
export const isStackMessage = (m: string): boolean => /stack|recursion/i.test(m);

/**
 * One case's outcome: `ok <fingerprint>` for a result, `err <constructor name> <s|-> <message>`
 * for an exception (`s`: the message is about the stack).
 */
export function runCase(c: Case): string {
  try {
    return `ok ${fingerprint(operate(c))}`;
  } catch (e) {
    const name = e instanceof Error ? e.name : `thrown-${typeof e}`;
    const message = e instanceof Error ? e.message : String(e);
    return `err ${clean(name)} ${isStackMessage(message) ? "s" : "-"} ${clean(message)}`;
  }
}

/** Runs `cases` (case i numbered `indices[i]`), one `@fz <index> <outcome>` line each, then `@fz done`. */
export function runCases(cases: Case[], indices: number[], emit: (line: string) => void): void {
  for (let i = 0; i < cases.length; i++) emit(`${LINE_PREFIX} ${indices[i]} ${runCase(cases[i])}`);
  emit(`${LINE_PREFIX} ${DONE} ${cases.length}`);
}
