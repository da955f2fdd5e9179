/**
 * The JS fuzz's cases: small JSON-able recipes, not the inputs themselves. The host generates them
 * (generate.ts), and the same runner (runner.ts) turns them into inputs and runs them both in Node
 * (the oracle) and in the firmware, so a 50,000-deep value costs a few bytes of image, not 100 KB.
 */

/** A string: `head`, `pre` repeated `n` times, `core`, `post` repeated `n` times, then cut to
    `cut` UTF-16 code units when given (a truncated text). */
export interface Text {
  head?: string;
  pre?: string;
  n?: number;
  core: string;
  post?: string;
  cut?: number;
}

/** How a deep value nests: arrays, objects, alternating, or objects whose toJSON returns the
    next level wrapped in an array. */
export type DeepUnit = "a" | "o" | "ao" | "tj";

/** A value recipe for JSON.stringify. */
export type Val =
  | { t: "v"; v: null | boolean | string }
  /** A number from its spelling, so that -0, NaN and Infinity survive being embedded. */
  | { t: "num"; s: string }
  | { t: "u" }
  | { t: "fn" }
  | { t: "sym" }
  | { t: "big"; s: string }
  | { t: "a"; items: Val[] }
  /** A sparse array: length `len`, elements only at the given indices. */
  | { t: "sp"; len: number; at: Array<[number, Val]> }
  | { t: "o"; e: Array<[string, Val]>; symKey?: boolean }
  /** An object whose toJSON returns `r`, or (`key`) the key it was called with. */
  | { t: "tj"; r: Val; key?: boolean }
  /** An object whose toJSON throws a RangeError. */
  | { t: "tjThrow" }
  | { t: "deep"; n: number; unit: DeepUnit; leaf: Val }
  /** Nested `at` levels, the innermost pointing back at the outermost: a cycle. */
  | { t: "cyc"; at: number; arr: boolean }
  /** new Date(ms); `ms` null is an invalid date. */
  | { t: "date"; ms: number | null }
  | { t: "box"; k: "n" | "s" | "b" | "big"; s: string }
  | { t: "u8"; items: number[] }
  | { t: "map" };

/** JSON.stringify's second argument: a function by name, or a property list. */
export type Replacer =
  | { fn: "id" | "upper" | "dropA" | "double" | "undefRoot" | "nullAll" | "keyed" | "throwDeep" }
  | { list: Array<string | number> };

/** JSON.stringify's third argument; `box` wraps it as new Number / new String. */
export type Space = number | string | { box: number | string };

/** JSON.parse's reviver, by name. */
export type Reviver = "id" | "dropNum" | "upper" | "deleteAll" | "throw" | "keys";

export type RegexOp = "exec" | "all" | "test" | "match" | "matchAll" | "replace" | "replaceFn" | "split" | "search";

export type Case =
  | { k: "parse"; text: Text; rev?: Reviver }
  | { k: "str"; v: Val; rep?: Replacer; sp?: Space }
  /** `lastIndex` is set before the operation; `rs` is replace's string; `lim` split's limit. */
  | { k: "re"; src: Text; fl: string; op: RegexOp; input: Text; lastIndex?: number; rs?: string; lim?: number };
