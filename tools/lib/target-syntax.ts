/**
 * What esbuild cannot lower to the engine's level (ES2020 as QuickJS 2021-03-27 parses it):
 * docs/compatibility.md "Syntax". esbuild refuses most such constructs itself, naming them
 * (top-level await outside the app module, string export names); regular expression flags it
 * cannot lower it turns into `new RegExp(source, flags)`, which the engine would reject only at
 * run time with a SyntaxError. This finds those in a bundle and names them at their .ts line.
 * It also refuses what needs Node.js (its modules, and its globals used other than under
 * `typeof`): the firmware has neither, and a library written for Node would otherwise fail at
 * run time, or only on the path that touches them.
 */
import { transform, type Plugin } from "esbuild";
import { readFileSync } from "node:fs";
import { builtinModules, SourceMap } from "node:module";
import path from "node:path";
import { displayPath } from "./paths.ts";

/** Flags QuickJS 2021-03-27's RegExp lacks, with what they are (ECMA-262 22.2.6). */
const UNSUPPORTED_FLAGS: Readonly<Record<string, string>> = {
  d: "the regular expression flag d (match indices, ES2022)",
  v: "the regular expression flag v (set notation, ES2024)",
};

/** esbuild's lowering of a literal /…/flags: new RegExp("…", "flags"), the source a JSON string. */
const LOWERED_REGEXP = /new RegExp\("(?:[^"\\\n]|\\.)*", "([a-z]+)"\)/g;

/**
 * The constructs in bundle `js` (with its source map `map`) that the engine cannot run, one
 * message per occurrence: `file.ts:LINE: <construct> is not supported by the engine ...`.
 */
export function unsupportedSyntax(js: string, map: string): string[] {
  const found: Found[] = [];
  for (const m of js.matchAll(LOWERED_REGEXP)) {
    const bad = [...m[1]].filter((f) => f in UNSUPPORTED_FLAGS);
    if (bad.length === 0) continue;
    const before = js.slice(0, m.index);
    const line = before.split("\n").length - 1;
    found.push({ line, column: m.index - (before.lastIndexOf("\n") + 1), what: bad.map((f) => UNSUPPORTED_FLAGS[f]).join(" and ") });
  }
  return locate(found, map).map((m) => `${m}, and the build cannot lower it: rewrite the expression without it`);
}

interface Found {
  /** 0-based, in the bundle */
  line: number;
  column: number;
  what: string;
}

/** `where: <what> is not supported by the engine (QuickJS 2021-03-27)`, at the .ts line of each. */
function locate(found: readonly Found[], map: string): string[] {
  if (found.length === 0) return [];
  const sm = new SourceMap(JSON.parse(readFileSync(map, "utf8")));
  return found.map(({ line, column, what }) => {
    const e = sm.findEntry(line, column) as { originalSource?: string; originalLine?: number };
    const where = e?.originalSource !== undefined && e.originalLine !== undefined ? `${displayPath(path.resolve(path.dirname(map), e.originalSource.replace(/^file:\/\//, "")))}:${e.originalLine + 1}` : `${path.basename(map, ".map")}:${line + 1}`;
    return `${where}: ${what} is not supported by the engine (QuickJS 2021-03-27)`;
  });
}

/** Node.js's own globals: none exists on the target (Web ones such as TextEncoder or URL do). */
export const NODE_GLOBALS: readonly string[] = ["Buffer", "process", "global", "require", "__dirname", "__filename", "setImmediate", "clearImmediate"];

/**
 * The Node.js globals bundle `js` uses as free variables, each named once at its first use's .ts
 * line; except a name the bundle also tests with `typeof X` somewhere: code that checks for Node
 * before touching it (`typeof process !== "undefined" && process.env.DEBUG`) runs as it would in
 * a browser.
 */
export async function nodeGlobalsUsed(js: string, map: string): Promise<string[]> {
  const marker = (n: string) => `__tsmetal_node_${n}__`;
  // esbuild's define replaces exactly the free references, not properties, locals or strings.
  const define = Object.fromEntries(NODE_GLOBALS.map((n) => [n, marker(n)]));
  const { code } = await transform(js, { format: "esm", define, logLevel: "silent" });
  const used = NODE_GLOBALS.filter((n) => code.includes(marker(n)) && !code.includes(`typeof ${marker(n)}`));
  const lines = js.split("\n");
  const found = used.map((n): Found => {
    const free = new RegExp(`(?<![.\\w$]|typeof )${n}\\b(?!\\s*:)`);
    const line = Math.max(0, lines.findIndex((l) => free.test(l)));
    return { line, column: Math.max(0, lines[line].search(free)), what: `the Node.js global \`${n}\`` };
  });
  return locate(found, map).map((m) => `${m}: the firmware has no Node.js APIs (a library that needs Node does not run on the target; docs/compatibility.md)`);
}

/** Node.js's built-in modules ("fs", "node:crypto", ...): a build error naming the module. */
export function refuseNodeModules(): Plugin {
  const names = new Set(builtinModules);
  return {
    name: "tsmetal-no-node",
    setup(b) {
      b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
        const bare = args.path.replace(/^node:/, "");
        if (!args.path.startsWith("node:") && !names.has(args.path)) return undefined;
        if (!names.has(bare) && !names.has(args.path)) return undefined;
        return { errors: [{ text: `"${args.path}" is a Node.js module: the firmware has no Node.js APIs (a library that needs Node does not run on the target; docs/compatibility.md)` }] };
      });
    },
  };
}
