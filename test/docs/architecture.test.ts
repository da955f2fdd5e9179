// The import rules of docs/architecture.md ("The house"), checked over every TypeScript file: an
// import may only point at a folder its own folder is allowed to use, so arrows run down.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { repoPath } from "../../tools/lib/paths.ts";

/**
 * What each firmware-side folder may import: repository folders (a path prefix) and bare modules.
 * "hal" is the engine's native module, "tsmetal" the public API (io/index.ts), "tsmetal:board"
 * the build's board facts. Host-side folders (tools/, ci/, test/) may import anything; nothing
 * outside them may import them.
 */
const allowed: Record<string, readonly string[]> = {
  "hal/": ["hal/", "hal"],
  "runtime/": ["runtime/", "hal"],
  // The web unit "http": stacks/http as the Fetch globals (it reaches the network through hal.image.load("net")).
  "runtime/web/http.ts": ["runtime/", "stacks/", "hal"],
  // The web unit "webcrypto": crypto.subtle over the audited @noble/* cryptography.
  "runtime/web/crypto/": ["runtime/", "hal", "@noble/"],
  "drivers/interfaces/": ["drivers/interfaces/"],
  "drivers/": ["drivers/", "hal/", "runtime/", "hal"],
  // stacks/tls (and the other secure stacks) also the audited @noble/* cryptography; every stack
  // the byte helpers of runtime/bytes.ts (a leaf: it imports nothing, so no stack reaches the HAL).
  "stacks/": ["stacks/", "drivers/interfaces/", "@noble/", "runtime/bytes.ts"],
  "io/": ["io/", "drivers/interfaces/", "drivers/video/graphics/", "runtime/", "stacks/", "hal"],
  // The update agent's signature check: Ed25519 from the audited @noble/curves (docs/updates.md).
  "io/update/verify.ts": ["@noble/"],
  "soc/": ["soc/", "drivers/", "io/", "runtime/", "hal/", "hal", "tsmetal:board"],
  "boards/": ["boards/", "soc/", "drivers/", "io/", "runtime/", "hal/", "hal", "tsmetal:board"],
  // models/ run in Node: only the native module's types ("hal" has no value there).
  "models/": ["models/", "hal/register.ts", "hal", "soc/linux/virt-map.ts"],
  // Apps may also bundle the audited @noble/* cryptography packages (package.json dependencies).
  "examples/": ["examples/", "hal", "tsmetal", "@noble/"],
  "firmware-template/": ["firmware-template/", "hal", "tsmetal", "@noble/"],
};

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(repoPath(dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(repoPath(rel)).isDirectory()) out.push(...tsFiles(rel));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** Module specifiers of static imports, re-exports and dynamic imports. */
function specifiers(source: string): string[] {
  const re = /(?:^|[;\s])(?:import|export)\s[^;'"]*?from\s*["']([^"']+)["']|(?:^|[;\s])import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;
  return [...source.matchAll(re)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** The rule of the most specific folder `file` is in (drivers/interfaces/ before drivers/). */
function ruleFor(file: string): readonly string[] | undefined {
  const folder = Object.keys(allowed).filter((f) => file.startsWith(f)).sort((a, b) => b.length - a.length)[0];
  return folder === undefined ? undefined : allowed[folder];
}

/** The repository path or bare module an import names, seen from `file`. */
function target(file: string, spec: string): string {
  if (!spec.startsWith(".")) return spec;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
}

function violations(file: string, source: string): string[] {
  const rule = ruleFor(file);
  if (!rule) return [];
  return specifiers(source)
    .map((spec) => target(file, spec))
    .filter((t) => !rule.some((ok) => (ok.endsWith("/") || ok.endsWith(".ts") ? t.startsWith(ok) : t === ok)))
    .map((t) => `${file} imports ${t}`);
}

test("the checker sees each kind of import and refuses an arrow running up", () => {
  const source = `import { a } from "../../tools/lib/x.ts";\nexport * from "./b.ts";\nimport "../../hal/mmio-bus.ts";\nconst m = await import("../../soc/pc/loop.ts");`;
  assert.equal(specifiers(source), ["../../tools/lib/x.ts", "./b.ts", "../../hal/mmio-bus.ts", "../../soc/pc/loop.ts"]);
  assert.equal(violations("drivers/uart/x.ts", source), ["drivers/uart/x.ts imports tools/lib/x.ts", "drivers/uart/x.ts imports soc/pc/loop.ts"]);
  assert.equal(violations("stacks/net/tcp.ts", `import { irq } from "hal";`), ["stacks/net/tcp.ts imports hal"]);
  assert.equal(violations("drivers/interfaces/x.ts", `import type { R } from "../../hal/register.ts";`), ["drivers/interfaces/x.ts imports hal/register.ts"]);
});

test("every import in the firmware-side folders and models/ runs down (docs/architecture.md)", () => {
  const files = Object.keys(allowed).flatMap((folder) => {
    const dir = folder.replace(/\/$/, "");
    try {
      return tsFiles(dir);
    } catch {
      return []; // a folder not in this checkout (stacks/ before the first stack)
    }
  });
  assert.ok(files.length > 100, `only ${files.length} files found`);
  const bad = [...new Set(files)].flatMap((f) => violations(f, readFileSync(repoPath(f), "utf8")));
  assert.equal(bad, []);
});

test.run();
