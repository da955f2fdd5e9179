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
  const loop = board.loopModule ? [{ name: "loop", entry: board.loopModule }] : [];
  const efi = familyEfiEntry(board);
  return [...lazyUnits, ...loop, ...(efi ? [{ name: "efi", entry: efi }] : [])];
}

/**
 * The family's "efi" unit (soc/<family>/efi-unit.ts: the UEFI loader's facts and seed) on a board
 * that boots through UEFI firmware (board.json qemu.uefi); the family's other boards carry none.
 */
function familyEfiEntry(board: Board): string | undefined {
  if (!board.qemu.uefi) return undefined;
  const entry = repoPath(path.join("soc", board.family, "efi-unit.ts"));
  return existsSync(entry) ? entry : undefined;
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
 * `network` as a word outside comments: a firmware that never asks for the network carries none of it (bench
 * image_bytes). A name built at run time misses it, and board().network() then says the image
 * has no network unit.
 */
export async function networkUnitUsed(board: Board, mainJs: string): Promise<LazyUnit[]> {
  const entry = familyNetworkEntry(board);
  if (!entry) return [];
  // Outside comments: esbuild's `// io/network.ts` file marker is in every bundle that imports "tsmetal".
  const { code } = await transform(await readFile(mainJs, "utf8"), { format: "esm", minifyWhitespace: true, legalComments: "none", logLevel: "silent" });
  return /\bnetwork\b/.test(code) ? [{ name: "network", entry }] : [];
}

/**
 * The family's display unit (soc/<family>/display-unit.ts: the Canvas on a display found at boot,
 * the PC boards' UEFI GOP framebuffer), for a firmware whose unit "main" names `framebuffer`
 * outside comments, as for the network unit.
 */
function familyDisplayEntry(board: Board): string | undefined {
  const entry = repoPath(path.join("soc", board.family, "display-unit.ts"));
  return existsSync(entry) ? entry : undefined;
}

async function namesFramebuffer(js: string): Promise<boolean> {
  const { code } = await transform(js, { format: "esm", minifyWhitespace: true, legalComments: "none", logLevel: "silent" });
  return /\bframebuffer\b/.test(code);
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

/**
 * The unit "ssh" (io/ssh/unit.ts: stacks/ssh and its cryptography, about as big as "http"): in an
 * image only when a bundle loads it, which the "tsmetal" stub serveSsh does (io/ssh.ts).
 */
export const sshUnit: LazyUnit = { name: "ssh", entry: repoPath("io/ssh/unit.ts") };

/**
 * The unit "storage" (io/storage/unit.ts: stacks/fat and the files API): in an image only when a
 * bundle loads it, which the "tsmetal" stubs files() and mount() do (io/files.ts); with it the
 * family's "disk" unit (soc/<family>/disk-unit.ts), which board().disk() loads.
 */
export const storageUnit: LazyUnit = { name: "storage", entry: repoPath("io/storage/unit.ts") };

function familyDiskEntry(board: Board): string | undefined {
  const entry = repoPath(path.join("soc", board.family, "disk-unit.ts"));
  return existsSync(entry) ? entry : undefined;
}

/**
 * The unit "webcrypto" (runtime/web/crypto/unit.ts: crypto.subtle, randomUUID and seed over
 * @noble/*): in an image only when code uses one of them (usesWebCrypto) or loads it. The main
 * unit of such a firmware starts with WEBCRYPTO_PRELUDE, which defines the three on the global
 * crypto (webCryptoPreludeNeeded).
 */
export const webCryptoUnit: LazyUnit = { name: "webcrypto", entry: repoPath("runtime/web/crypto/unit.ts") };
export const WEBCRYPTO_PRELUDE = repoPath("runtime/web/crypto/prelude.ts");

/**
 * Whether bundled code `js` uses Web Crypto beyond getRandomValues: names `subtle` or
 * `randomUUID` (as a property, a destructured name or a string) or calls `crypto.seed`, outside
 * comments. A name built at run time misses it: crypto.subtle is then undefined.
 */
export async function usesWebCrypto(js: string): Promise<boolean> {
  const { code } = await transform(js, { format: "esm", minifyWhitespace: true, legalComments: "none", logLevel: "silent" });
  return /\b(subtle|randomUUID)\b|\bcrypto\s*\.\s*seed\b/.test(code);
}

/** Whether unit "main" of `bundles` must be bundled again with WEBCRYPTO_PRELUDE: the image has the unit "webcrypto" and main does not load it yet. */
export async function webCryptoPreludeNeeded(bundles: readonly Bundle[]): Promise<boolean> {
  const main = bundles.find((b) => b.unit === "main");
  return main !== undefined && bundles.some((b) => b.unit === webCryptoUnit.name) && !loadsUnit(await readFile(main.js, "utf8"), webCryptoUnit.name);
}

/**
 * The unit "tls" (io/tls/unit.ts: stacks/tls, the TLS 1.3 server, with its @noble cryptography):
 * the http unit loads it for serve({ tls }), so it is in an image only when unit "main" names
 * `tls` outside comments (the option's key): a firmware that serves plain HTTP carries none of it.
 */
export const tlsUnit: LazyUnit = { name: "tls", entry: repoPath("io/tls/unit.ts") };

export async function namesTls(js: string): Promise<boolean> {
  const { code } = await transform(js, { format: "esm", minifyWhitespace: true, legalComments: "none", logLevel: "silent" });
  return /\btls\b/.test(code);
}

/** Whether bundled code loads unit `name` by its literal name: hal.image.load("name"), however esbuild spells the receiver. */
export function loadsUnit(js: string, name: string): boolean {
  return new RegExp(`\\.load\\(\\s*(["'\`])${name}\\1\\s*\\)`).test(js);
}

/**
 * The optional units a firmware needs, from its code (`js`: the bundles so far, unit "main" first):
 * - the web units whose globals it names (webUnitsUsed), and "http" also when code loads it (the
 *   "tsmetal" serve stub does);
 * - "net" when code loads it (the "tsmetal" stubs network/TCP/UDP/Listener/serve, the http unit);
 * - "ssh" when code loads it (the "tsmetal" stub serveSsh);
 * - "tls" when "http" is in and unit "main" names `tls` (serve's option; namesTls);
 * - "webcrypto" when code uses crypto.subtle, randomUUID or seed (usesWebCrypto) or loads it;
 * - the family's "network" unit (board().network()) when unit "main" names `network` or "net" is in:
 *   the net unit takes its NIC from there;
 * - the family's "display" unit (board().framebuffer()) when unit "main" names `framebuffer`.
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
  const ssh = texts.some((t) => loadsUnit(t, "ssh"));
  const tls = present.has("http") && (await namesTls(mainText));
  const webCrypto = texts.some((t) => loadsUnit(t, webCryptoUnit.name)) || (await Promise.all(texts.map(usesWebCrypto))).some(Boolean);
  const storage = texts.some((t) => loadsUnit(t, storageUnit.name));
  const familyDisk = storage ? familyDiskEntry(board) : undefined;
  const familyDisplay = familyDisplayEntry(board);
  const display = familyDisplay !== undefined && (await namesFramebuffer(mainText)) ? [{ name: "display", entry: familyDisplay }] : [];
  return [...display, ...web, ...(webCrypto ? [webCryptoUnit] : []), ...(net ? [netUnit] : []), ...(ssh ? [sshUnit] : []), ...(tls ? [tlsUnit] : []), ...(network && familyNetwork ? [{ name: "network", entry: familyNetwork }] : []), ...(storage ? [storageUnit] : []), ...(familyDisk ? [{ name: "disk", entry: familyDisk }] : [])];
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
