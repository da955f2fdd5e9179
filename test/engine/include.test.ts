/**
 * The C contract between the engine and the HAL (engine/include/, docs/hal.md "The C contract"):
 * every #include of engine/src, engine/include and hal/ resolved the way the build's -I paths
 * resolve it (cIncludeDirs in tools/lib/engine.ts, for every target), and then
 * - engine/src reaches only engine/src, the contract folder and QuickJS, never hal/;
 * - hal/ reaches only hal/, the contract folder and QuickJS, never engine/src;
 * - the contract reaches nothing of either but the arch's "arch.h" (tsmetal-hooks.h section 1);
 * - no header includes itself through others;
 * - every arch hook (tsm_arch_*, TSM_ARCH_*) used outside its arch folder is declared in the one
 *   hooks header.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoPath } from "../../tools/lib/paths.ts";
import { cIncludeDirs, upstreamDir } from "../../tools/lib/engine.ts";
import { knownArchs, targetFor } from "../../tools/lib/targets.ts";

const rel = (f: string) => path.relative(repoPath(), f);
const under = (f: string, dir: string) => rel(f).startsWith(dir + "/");

function sources(dir: string, exts: string[]): string[] {
  if (!existsSync(repoPath(dir))) return [];
  return readdirSync(repoPath(dir), { recursive: true, encoding: "utf8" })
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .map((f) => repoPath(dir, f))
    .sort();
}

const engineFiles = sources("engine/src", [".c", ".h"]);
const contractFiles = sources("engine/include", [".h"]);
const halFiles = sources("hal", [".c", ".h", ".S", ".inc"]);

interface Include {
  name: string;
  quoted: boolean;
  line: number;
}

function includesOf(file: string): Include[] {
  const out: Include[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, i) => {
      const m = /^\s*#\s*include\s*(["<])([^">]+)[">]/.exec(text);
      if (m) out.push({ name: m[2], quoted: m[1] === '"', line: i + 1 });
    });
  return out;
}

/** GCC's search (GCC manual, "Search Path"): "name" first beside the including file, then each
    -I folder in order; <name> only the -I folders. null: not ours (a system header). */
function resolveInclude(from: string, inc: Include, dirs: string[]): string | null {
  for (const d of inc.quoted ? [path.dirname(from), ...dirs] : dirs) {
    const p = path.resolve(d, inc.name);
    if (existsSync(p)) return p;
  }
  return null;
}

type Side = "engine" | "hal";
const sideOf = (f: string): Side => (under(f, "hal") ? "hal" : "engine");

/** Every include edge of our files, per target, with the -I paths of the side compiling it. */
function edges(): Array<{ arch: string; from: string; inc: Include; to: string | null; side: Side }> {
  const quickjs = upstreamDir;
  const out: Array<{ arch: string; from: string; inc: Include; to: string | null; side: Side }> = [];
  for (const arch of knownArchs()) {
    const dirs = cIncludeDirs(quickjs, targetFor(arch));
    for (const f of engineFiles) for (const inc of includesOf(f)) out.push({ arch, from: f, inc, to: resolveInclude(f, inc, dirs.engine), side: "engine" });
    for (const f of halFiles) for (const inc of includesOf(f)) out.push({ arch, from: f, inc, to: resolveInclude(f, inc, dirs.hal), side: "hal" });
    // The contract is compiled on both sides.
    for (const side of ["engine", "hal"] as const) {
      for (const f of contractFiles) for (const inc of includesOf(f)) out.push({ arch, from: f, inc, to: resolveInclude(f, inc, dirs[side]), side });
    }
  }
  return out;
}

const where = (e: { from: string; inc: Include; to: string | null }) =>
  `${rel(e.from)}:${e.inc.line} #include ${e.inc.quoted ? `"${e.inc.name}"` : `<${e.inc.name}>`} → ${e.to ? rel(e.to) : "(none)"}`;

/** One line per include, with the targets it happens for. */
function describe(list: Array<{ arch: string; from: string; inc: Include; to: string | null }>): string[] {
  const archs = new Map<string, string[]>();
  for (const e of list) archs.set(where(e), [...(archs.get(where(e)) ?? []), e.arch]);
  return [...archs].map(([w, a]) => `${w} [${[...new Set(a)].join(", ")}]`);
}

function allowed(e: { from: string; inc: Include; to: string | null; side: Side }, quickjs: string): boolean {
  if (e.to === null) return !e.inc.quoted; // a system header; a quoted include must be found
  if (e.to.startsWith(quickjs + path.sep) || under(e.to, "engine/include")) return true;
  if (under(e.from, "engine/include")) {
    // The one named arch header (tsmetal-hooks.h, section 1): the arch's own folder's arch.h.
    return e.inc.name === "arch.h" && /^hal\/arch\/[^/]+\/arch\.h$/.test(rel(e.to));
  }
  return sideOf(e.from) === "hal" ? under(e.to, "hal") : under(e.to, "engine/src");
}

test("engine/src includes only its own headers, the contract and QuickJS; hal/ never engine/src", () => {
  const all = edges();
  const bad = describe(all.filter((e) => !allowed(e, upstreamDir)));
  assert.ok(bad.length === 0, `includes across the contract:\n${bad.join("\n")}`);
  // The check has something to look at: both sides reach the contract.
  for (const side of ["engine", "hal"]) {
    assert.ok(all.some((e) => sideOf(e.from) === side && e.to && under(e.to, "engine/include")), `${side} includes the contract`);
  }
});

test("no include cycle", () => {
  const all = edges();
  for (const arch of knownArchs()) {
    const next = new Map<string, string[]>();
    for (const e of all) if (e.arch === arch && e.to) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const state = new Map<string, "open" | "done">();
    const visit = (f: string, trail: string[]): void => {
      if (state.get(f) === "done") return;
      assert.ok(state.get(f) !== "open", `include cycle [${arch}]: ${[...trail, f].map(rel).join(" → ")}`);
      state.set(f, "open");
      for (const t of next.get(f) ?? []) visit(t, [...trail, f]);
      state.set(f, "done");
    };
    for (const f of next.keys()) visit(f, []);
  }
});

/** Code without comments and string literals. */
const code = (f: string) =>
  readFileSync(f, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""');

test("every arch hook used outside its arch folder is declared in engine/include/tsmetal-hooks.h", () => {
  const hooksFile = repoPath("engine/include/tsmetal-hooks.h");
  assert.ok(existsSync(hooksFile), "engine/include/tsmetal-hooks.h exists");
  const declared = new Set(code(hooksFile).match(/\b(?:tsm_arch_\w+|TSM_ARCH_\w+)\b/g));
  const archFolder = /^hal\/arch\/[^/]+\//;
  const users = [...engineFiles, ...halFiles].filter((f) => !archFolder.test(rel(f)));
  const missing: string[] = [];
  for (const f of users) {
    for (const name of new Set(code(f).match(/\b(?:tsm_arch_\w+|TSM_ARCH_\w+)\b/g) ?? [])) {
      if (!declared.has(name)) missing.push(`${name} (${rel(f)})`);
    }
  }
  assert.ok(missing.length === 0, `arch hooks the contract does not document:\n${missing.join("\n")}`);
  assert.ok(declared.has("tsm_arch_wait") && declared.has("tsm_arch_irq_disable"), "the loop's hooks are declared");
});

test("the resolver follows GCC's order: beside the file first, then -I; <> only -I", () => {
  const from = repoPath("engine/src/engine.c");
  const q = (name: string): Include => ({ name, quoted: true, line: 1 });
  assert.is(resolveInclude(from, q("budget.h"), [repoPath("hal/native")]), repoPath("engine/src/budget.h"));
  assert.is(resolveInclude(from, q("hal-module.h"), [repoPath("hal/native")]), repoPath("hal/native/hal-module.h"));
  assert.is(resolveInclude(from, { name: "budget.h", quoted: false, line: 1 }, [repoPath("hal/native")]), null);
  assert.is(resolveInclude(from, q("stdint.h"), [repoPath("engine/include")]), null);
});

test.run();
