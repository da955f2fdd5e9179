/**
 * The protocol stacks run in Node for their tests and on any board: they may import each other
 * and the driver-facing interfaces (drivers/interfaces/) and the @noble/ cryptography packages, but nothing from the HAL ("hal",
 * "tsmetal", hal/), the tools (tools/), drivers themselves, or Node's built-ins.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const repoPath = (rel: string) => path.join(ROOT, rel);

interface Source {
  readonly file: string;
  readonly text: string;
}

/** Every module specifier: static imports and re-exports, `import type`, dynamic import(), require(). */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]);
  return out;
}

function violations(sources: readonly Source[]): string[] {
  const bad: string[] = [];
  for (const { file, text } of sources) {
    for (const spec of specifiers(text)) {
      let reason: string | null = null;
      if (spec === "hal" || spec.startsWith("hal/") || spec === "tsmetal" || spec.startsWith("tsmetal/")) reason = "the HAL";
      else if (spec.startsWith("node:")) reason = "a Node built-in";
      else if (spec.startsWith(".")) {
        const target = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec)).split(path.sep).join("/");
        if (target.startsWith("hal/") || target === "hal") reason = "the HAL";
        else if (target.startsWith("tools/")) reason = "the tools";
        else if (target.startsWith("drivers/") && !target.startsWith("drivers/interfaces/")) reason = "a driver (only drivers/interfaces/ is allowed)";
        // runtime/bytes.ts, the byte helpers, is a leaf (it imports nothing): docs/architecture.md.
        else if (!target.startsWith("stacks/") && !target.startsWith("drivers/interfaces/") && target !== "runtime/bytes.ts") reason = "something outside stacks/, drivers/interfaces/ and runtime/bytes.ts";
      } else if (!spec.startsWith("@noble/")) reason = "a package (only the audited @noble/ cryptography is allowed, as docs/architecture.md says)";
      if (reason) bad.push(`${file} imports ${JSON.stringify(spec)}: ${reason}`);
    }
  }
  return bad;
}

function walk(dir: string): Source[] {
  const out: Source[] = [];
  for (const e of readdirSync(repoPath(dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...walk(rel));
    else if (/\.(ts|js|mjs)$/.test(e.name)) out.push({ file: rel, text: readFileSync(repoPath(rel), "utf8") });
  }
  return out;
}

test("the checker catches each forbidden kind of import", () => {
  const cases = [
    'import { mem } from "hal";',
    'import type { IrqRouter } from "hal";',
    'import { board } from "tsmetal";',
    'import { Serial } from "../../hal/io/serial.ts";',
    'export { x } from "../../tools/lib/paths.ts";',
    'import { Pl011 } from "../../drivers/uart/pl011.ts";',
    'const m = await import("../../hal/register.ts");',
    'import "../../boards/pizero/board.ts";',
    'import { createHash } from "node:crypto";',
    'import x from "some-package";',
    'import { installCrypto } from "../../runtime/crypto.ts";',
  ];
  for (const text of cases) assert.is(violations([{ file: "stacks/net/x.ts", text }]).length, 1, text);
  assert.equal(violations([{ file: "stacks/net/tcp/x.ts", text: 'import type { NetworkInterface } from "../../../drivers/interfaces/network-interface.ts";\nimport { Counters } from "../counters.ts";' }]), []);
});

test("nothing under stacks/ imports the HAL, the tools, a driver or Node", () => {
  const sources = walk("stacks");
  assert.ok(sources.length >= 10, `found only ${sources.length} files under stacks/`);
  assert.equal(violations(sources), []);
});

test.run();
