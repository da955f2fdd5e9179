/**
 * The API reference, docs/api/*.md, generated from the public typings (tools/docs/declarations.ts):
 * one page per subject, each symbol with its JSDoc, its declaration and its members' JSDoc.
 * `npm run docs` writes the pages; test/tools/docs/api.test.ts regenerates them and fails when the
 * committed ones differ or an exported symbol has no doc comment.
 */
import type { Declaration, ModuleExports, PublicTypings } from "./declarations.ts";
import { UserError } from "../lib/errors.ts";

interface Page {
  readonly file: string;
  readonly title: string;
  readonly intro: string;
  /** The module the symbols come from (a key of PublicTypings.modules). */
  readonly module: string;
  /** The symbols on the page, in order; absent: every export of the module, in declaration order. */
  readonly symbols?: readonly string[];
}

/** How the reference is split. An export of "tsmetal" that no page lists goes on OTHER_PAGE. */
export const pages: readonly Page[] = [
  {
    file: "board.md",
    title: "board() and board info",
    module: "tsmetal",
    intro: 'The services of the board the firmware was built for: `import { board } from "tsmetal"`. Optional services are what some boards lack ([boards](../boards/)).',
    symbols: ["board", "BoardServices", "BoardInfo", "OpenSerialOptions", "OpenDigitalOptions", "registerBoard", "serialOpener"],
  },
  {
    file: "serial.md",
    title: "Serial",
    module: "tsmetal",
    intro: "ECMA-419 Serial over the console UART, from `board().openSerial()`, and the driver interface it runs on.",
    symbols: ["Serial", "SerialFormat", "SerialOptions", "SerialReadableCallback", "SerialOverflows", "DEFAULT_SERIAL_BUFFER_SIZE", "SerialPort", "SerialRxErrors"],
  },
  {
    file: "digital.md",
    title: "Digital",
    module: "tsmetal",
    intro: "ECMA-419 Digital: a GPIO pin, from `board().openDigital({ pin, mode })`, and the driver interface it runs on.",
    symbols: ["Digital", "DigitalPort"],
  },
  {
    file: "line-reader.md",
    title: "The line reader",
    module: "tsmetal",
    intro: "Line editing over a Serial (echo, backspace, a prompt), and the byte ring Serial buffers input in.",
    symbols: ["LineReader", "LineReaderOptions", "ByteRing"],
  },
  {
    file: "canvas.md",
    title: "Canvas",
    module: "tsmetal",
    intro: "Drawing on the display, from `board().framebuffer()` (boards with a display), and the surface a display driver offers.",
    symbols: ["Canvas", "RGB", "Surface"],
  },
  {
    file: "watchdog.md",
    title: "The watchdog",
    module: "tsmetal",
    intro: "`board().watchdog`, on boards that have one: a starved watchdog resets the board (under QEMU: exit 6).",
    symbols: ["Watchdog"],
  },
  {
    file: "network.md",
    title: "The network API",
    module: "tsmetal",
    intro: "`network()`, `serve()` and the ECMA-419 sockets, loaded on first use on boards with a NIC ([networking](../networking.md)).",
    symbols: ["network", "Network", "NetworkOptions", "StaticIpv4", "serve", "ServeOptions", "Handler", "HttpServer", "TCP", "UDP", "Listener"],
  },
  { file: "hal.md", title: 'The "hal" module', module: "hal", intro: 'The native module `import { mmio, irq, ... } from "hal"`: the hardware boundary ([hal](../hal.md)).' },
  {
    file: "register-api.md",
    title: "The register API",
    module: "hal/register",
    intro: "`hal/register.ts`, what drivers describe their registers with ([register API](../register-api.md), [writing a driver](../writing-a-driver.md)).",
  },
  { file: "globals.md", title: "Globals", module: "globals", intro: "What every firmware has without importing it, besides ES2020: console, timers, crypto and the web globals (loaded on first use)." },
];

/** Where the exports of "tsmetal" that no page above lists are documented, in declaration order. */
const OTHER_PAGE = { file: "tsmetal-more.md", title: 'More of "tsmetal"', module: "tsmetal", intro: 'The other exports of `"tsmetal"`.' } as const;

const kindWord = { function: "function", class: "class", interface: "interface", type: "type", const: "constant", enum: "enum", namespace: "namespace" } as const;

/** Markdown for one symbol: heading, where it is declared, its doc, the declaration, its members. */
function renderSymbol(name: string, decls: readonly Declaration[]): string {
  const out = [`## ${name}`, "", decls.map((d) => `${kindWord[d.kind]} · [${d.source}](../../${d.source})`).filter((v, i, a) => a.indexOf(v) === i).join("; ")];
  for (const doc of decls.map((d) => d.doc).filter((d, i, a) => d && a.indexOf(d) === i)) out.push("", doc);
  out.push("", "```ts", ...decls.map((d) => d.text.replace(/^export (declare )?/, "").replace(/^declare /, "")), "```");
  const documented = decls.flatMap((d) => d.members).filter((m) => m.doc);
  if (documented.length) {
    out.push("");
    for (const m of documented) out.push(`- \`${m.text.replace(/;$/, "")}\`: ${m.doc.replace(/\s*\n\s*/g, " ")}`);
  }
  return out.join("\n");
}

export const GENERATED_NOTE = "<!-- Generated by `npm run docs` (tools/docs/api.ts) from the typings; edit the JSDoc, not this page. -->";

function renderPage(page: Page, exports: ModuleExports): string {
  const names = page.symbols ?? [...exports.keys()];
  const body = names.map((n) => {
    const decls = exports.get(n);
    if (!decls) throw new UserError(`tools/docs/api.ts: page ${page.file} lists ${n}, which "${page.module}" does not export`);
    return renderSymbol(n, decls);
  });
  // GitHub's heading anchors: lower case, a repeated one gets -1, -2, ... (mmio after Mmio).
  const seen = new Map<string, number>();
  const anchor = (n: string) => {
    const slug = n.toLowerCase();
    const k = seen.get(slug) ?? 0;
    seen.set(slug, k + 1);
    return k ? `${slug}-${k}` : slug;
  };
  const toc = names.map((n) => `[${n}](#${anchor(n)})`).join(" · ");
  return [`# ${page.title}`, "", GENERATED_NOTE, "", page.intro, "", toc, "", body.join("\n\n"), ""].join("\n");
}

function renderIndex(all: readonly Page[]): string {
  return [
    "# API reference",
    "",
    GENERATED_NOTE,
    "",
    'What a firmware imports from `"tsmetal"` and `"hal"`, and the globals it has, generated from the',
    "typings (`io/index.ts`, `hal/hal.d.ts`, `hal/register.ts`, `runtime/globals.d.ts`) with the TypeScript",
    "compiler's declaration output. Boards: [docs/boards](../boards/).",
    "",
    ...all.map((p) => `- [${p.title}](${p.file})`),
    "",
  ].join("\n");
}

/** Names exported without a doc comment (none of their declarations has one), as "module: name". */
export function undocumented(typings: PublicTypings): string[] {
  const out: string[] = [];
  for (const [module, exports] of typings.modules) {
    for (const [name, decls] of exports) if (!decls.some((d) => d.doc)) out.push(`${module}: ${name} (${decls[0].source})`);
  }
  return out;
}

/** The pages by file name (README.md is the index). */
export function renderApiPages(typings: PublicTypings): Map<string, string> {
  const listed = new Set(pages.filter((p) => p.module === "tsmetal").flatMap((p) => p.symbols ?? []));
  const others = [...(typings.modules.get("tsmetal")?.keys() ?? [])].filter((n) => !listed.has(n));
  const all = others.length ? [...pages, { ...OTHER_PAGE, symbols: others }] : pages;
  const out = new Map<string, string>([["README.md", renderIndex(all)]]);
  for (const page of all) {
    const exports = typings.modules.get(page.module);
    if (!exports) throw new UserError(`tools/docs/api.ts: no module "${page.module}" in the typings`);
    out.set(page.file, renderPage(page, exports));
  }
  return out;
}
