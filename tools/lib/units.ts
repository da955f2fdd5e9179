/**
 * Image units loaded on demand (hal.image.load): runtime code that many firmwares never run,
 * kept out of the boot path. Each is bundled on its own (with "hal" external) and compiled into
 * the same image as the firmware.
 */
import { transform } from "esbuild";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { repoPath } from "./paths.ts";
import type { Board } from "./boards.ts";
import type { Bundle } from "./bundle.ts";
import { WEB_GLOBALS } from "../../runtime/web/web-globals.ts";

export interface LazyUnit {
  /** Name passed to hal.image.load(). */
  name: string;
  /** Module whose exports the namespace holds. */
  entry: string;
}

export const lazyUnits: LazyUnit[] = [
  // Node-style formatting of anything but primitives (runtime/firmware-console.ts loads it).
  { name: "format", entry: repoPath("runtime/format/format.ts") },
];

/**
 * The units of a firmware for `board`: the shared ones, and the board's "loop" unit when it has
 * one (soc/<family>/loop-unit.ts, or the board's own boards/<name>/loop.ts): its clock and
 * interrupt drivers, which the engine evaluates the first time timers, the clock or interrupts are
 * used (docs/event-loop.md).
 */
export function unitsFor(board: Board): LazyUnit[] {
  return board.loopModule ? [...lazyUnits, { name: "loop", entry: board.loopModule }] : lazyUnits;
}

/**
 * The web globals' units (runtime/web/web-globals.ts says which globals each defines):
 * engine/src/web-globals.c defines a global the first time it is looked up, from the unit's export
 * of the same name; the simulator's guest runtime (tools/sim/guest/runtime.ts) does the same.
 */
export const webUnits: readonly LazyUnit[] = Object.keys(WEB_GLOBALS).map((name) => ({ name, entry: repoPath(`runtime/web/${name}.ts`) }));

/**
 * The web units a firmware needs: those one of whose globals the bundled code (`jsFiles`: the
 * firmware and its other units) names (globalsNamed). An image carries only these (about 37 KB
 * of bytecode for encoding, url and abort; http is about 100 KB); a global whose unit is not in
 * the image is a ReferenceError naming the unit at its first use, which only a name built at run
 * time could reach.
 */
export async function webUnitsUsed(jsFiles: readonly string[]): Promise<LazyUnit[]> {
  const names = Object.values(WEB_GLOBALS).flat();
  const named = new Set<string>();
  for (const f of jsFiles) for (const g of await globalsNamed(await readFile(f, "utf8"), names)) named.add(g);
  return webUnits.filter((u) => WEB_GLOBALS[u.name].some((g) => named.has(g)));
}

/**
 * Which of `names` bundled code `js` names as globals: as a variable that no declaration binds
 * (esbuild's define replaces exactly those, so not a property `x.fetch`, a local `function
 * fetch`, a comment or a word in a message), as `globalThis.name`, or as a whole string literal
 * ("TextEncoder" in globalThis, Object.getOwnPropertyDescriptor(globalThis, "URL")). A word in a
 * comment or message must not count: the net unit's "socket or fetch" would bring in http.
 */
export async function globalsNamed(js: string, names: readonly string[]): Promise<string[]> {
  const marker = (n: string) => `__tsmetal_global_${n}__`;
  const define = Object.fromEntries(names.flatMap((n) => [[n, marker(n)], [`globalThis.${n}`, marker(n)]]));
  const { code } = await transform(js, { format: "esm", define, logLevel: "silent" });
  return names.filter((n) => code.includes(marker(n)) || new RegExp(`(["'\`])${n}\\1`).test(js));
}

/**
 * The family's network unit (soc/<family>/network-unit.ts: the NIC driver and its discovery,
 * loaded by board().network()), for a firmware whose app bundle (`mainJs`, unit "main") names
 * `network` as a word: a firmware that never asks for the network carries none of it (bench
 * image_bytes). A name built at run time misses it, and board().network() then says the image
 * has no network unit.
 */
export async function networkUnitUsed(board: Board, mainJs: string): Promise<LazyUnit[]> {
  const entry = familyNetworkEntry(board);
  return entry && /\bnetwork\b/.test(await readFile(mainJs, "utf8")) ? [{ name: "network", entry }] : [];
}

function familyNetworkEntry(board: Board): string | undefined {
  const entry = repoPath(path.join("soc", board.family, "network-unit.ts"));
  return existsSync(entry) ? entry : undefined;
}

/**
 * The unit "net" (io/net/unit.ts): the board's default network (stacks/net over board().network(),
 * DHCP, DNS) and the ECMA-419 socket classes. The "tsmetal" stubs (io/network.ts) and the web unit
 * "http" reach it only through hal.image.load("net"), so it is in an image only when a bundle
 * holds that call.
 */
export const netUnit: LazyUnit = { name: "net", entry: repoPath("io/net/unit.ts") };

/** Whether bundled code loads unit `name` by its literal name: hal.image.load("name"), however esbuild spells the receiver. */
export function loadsUnit(js: string, name: string): boolean {
  return new RegExp(`\\.load\\(\\s*(["'\`])${name}\\1\\s*\\)`).test(js);
}

/**
 * The optional units a firmware needs, from its code (`js`: the bundles so far, unit "main" first):
 * - the web units whose globals it names (webUnitsUsed), and "http" also when code loads it (the
 *   "tsmetal" serve stub does);
 * - "net" when code loads it (the "tsmetal" stubs network/TCP/UDP/Listener/serve, the http unit);
 * - the family's "network" unit (board().network()) when unit "main" names `network` or "net" is in:
 *   the net unit takes its NIC from there.
 */
export async function unitsWanted(board: Board, js: readonly { unit: string; js: string }[]): Promise<LazyUnit[]> {
  const texts = await Promise.all(js.map((b) => readFile(b.js, "utf8")));
  const web = await webUnitsUsed(js.map((b) => b.js));
  const http = webUnits.find((u) => u.name === "http");
  if (http && !web.includes(http) && texts.some((t) => loadsUnit(t, "http"))) web.push(http);
  const present = new Set(js.map((b) => b.unit));
  const net = present.has("net") || texts.some((t) => loadsUnit(t, "net"));
  const familyNetwork = familyNetworkEntry(board);
  const mainText = texts[js.findIndex((b) => b.unit === "main")] ?? "";
  const network = familyNetwork !== undefined && (net || /\bnetwork\b/.test(mainText));
  return [...web, ...(net ? [netUnit] : []), ...(network && familyNetwork ? [{ name: "network", entry: familyNetwork }] : [])];
}

/**
 * Bundles the optional units (unitsWanted) of a firmware whose bundles so far are `bundles` (unit
 * "main", the shared units, the loop unit), until no bundle asks for another: a unit added may
 * name or load more (the http unit loads "net" and names URL, "net" needs "network"). Returns
 * the added bundles; `bundleOne` bundles a unit (the simulator substitutes some entries).
 */
export async function optionalUnits(board: Board, bundles: readonly Bundle[], bundleOne: (unit: LazyUnit) => Promise<Bundle>): Promise<Bundle[]> {
  const added: Bundle[] = [];
  for (;;) {
    const all = [...bundles, ...added];
    const have = new Set(all.map((b) => b.unit));
    const missing = (await unitsWanted(board, all)).filter((u) => !have.has(u.name));
    if (missing.length === 0) return added;
    added.push(...(await Promise.all(missing.map(bundleOne))));
  }
}
