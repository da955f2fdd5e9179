/**
 * The host side of one REPL input (docs/repl.md): TypeScript → JavaScript (esbuild, as the build
 * bundles) → a global script that keeps top-level declarations and allows top-level await →
 * bytecode from tsmc (the host compiler every build uses, same engine source) in a one-unit image.
 *
 * The rewrite works on esbuild's output, whose printer starts every top-level statement on a line
 * of its own at bracket depth 0, so statements are found by a small tokenizer (strings, template
 * literals, comments, regular expressions, brackets) rather than a full parser:
 * - the input runs inside `(async () => { ... })()`, so `await` works at top level; the script's
 *   completion value is that promise, which the device's agent awaits and prints;
 * - `var`/`let`/`const` declarations become assignments (`let x = 1, y` → `(x = 1, y = void 0)`),
 *   their names declared with `var` in front of the wrapper (destructured names are created by the
 *   assignment, in the script's sloppy mode): global object properties, which persist to the next
 *   input and may be declared again (const is not read-only across inputs, nor let block-scoped);
 * - `class C {}` becomes `C = class C {}`, likewise a global;
 * - function declarations move in front of the wrapper, so they are the script's own globals;
 * - a last expression statement becomes the wrapper's return value.
 * `import` and `export` are refused. Each output line remembers the esbuild line it came from, and
 * esbuild's source map takes that to the input's line, for stack traces.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { SourceMap } from "node:module";
import os from "node:os";
import path from "node:path";
import { transform } from "esbuild";
import { buildHostCompiler } from "./engine.ts";
import { run } from "./toolchain.ts";
import { UserError } from "./errors.ts";

interface Token {
  text: string;
  kind: "ident" | "num" | "str" | "tmpl" | "regex" | "punct";
  start: number;
  end: number;
  /** Lines (0-based) of its first and last character. */
  line: number;
  endLine: number;
  /** Bracket depth at it (a closing bracket counts as inside). */
  depth: number;
}

const REGEX_AFTER = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"]);

/** The tokens of `src` (comments and white space dropped). Throws on an unterminated token. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0, line = 0, depth = 0;
  const lineAt = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (src[k] === "\n") line++;
  };
  const push = (kind: Token["kind"], start: number, end: number, startLine: number) =>
    tokens.push({ text: src.slice(start, end), kind, start, end, line: startLine, endLine: line, depth });
  const regexAllowed = () => {
    const p = tokens[tokens.length - 1];
    if (!p) return true;
    if (p.kind === "ident") return REGEX_AFTER.has(p.text);
    if (p.kind === "punct") return p.text !== ")" && p.text !== "]" && p.text !== "}";
    return false;
  };
  // Skips a template literal from its backquote; `${...}` holds nested code, brackets counted.
  const skipTemplate = (k: number): number => {
    for (k++; k < src.length; k++) {
      const c = src[k];
      if (c === "\\") k++;
      else if (c === "`") return k + 1;
      else if (c === "$" && src[k + 1] === "{") k = skipCode(k + 2) - 1;
    }
    throw new UserError("unterminated template literal");
  };
  // Skips nested code up to and including its closing brace.
  const skipCode = (k: number): number => {
    let d = 0;
    for (; k < src.length; k++) {
      const c = src[k];
      if (c === "`") k = skipTemplate(k) - 1;
      else if (c === '"' || c === "'") k = skipString(k) - 1;
      else if (c === "{") d++;
      else if (c === "}" && d-- === 0) return k + 1;
    }
    throw new UserError("unterminated template literal");
  };
  const skipString = (k: number): number => {
    const q = src[k];
    for (k++; k < src.length; k++) {
      if (src[k] === "\\") k++;
      else if (src[k] === q) return k + 1;
      else if (src[k] === "\n") break;
    }
    throw new UserError("unterminated string literal");
  };
  while (i < src.length) {
    const c = src[i];
    const startLine = line;
    if (c === "\n") { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === "/" && src[i + 1] === "/") { while (i < src.length && src[i] !== "\n") i++; continue; }
    if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) throw new UserError("unterminated comment");
      lineAt(i, end + 2);
      i = end + 2;
      continue;
    }
    let end: number;
    let kind: Token["kind"];
    if (/[A-Za-z_$\u0080-\uffff\\#]/.test(c)) {
      end = i + 1;
      while (end < src.length && /[\w$\u0080-\uffff\\]/.test(src[end])) end++;
      kind = "ident";
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      end = i + 1;
      while (end < src.length && /[\w.]/.test(src[end])) end++;
      kind = "num";
    } else if (c === '"' || c === "'") {
      end = skipString(i);
      kind = "str";
    } else if (c === "`") {
      end = skipTemplate(i);
      kind = "tmpl";
    } else if (c === "/" && regexAllowed()) {
      let k = i + 1, cls = false;
      for (; k < src.length && src[k] !== "\n"; k++) {
        if (src[k] === "\\") k++;
        else if (src[k] === "[") cls = true;
        else if (src[k] === "]") cls = false;
        else if (src[k] === "/" && !cls) break;
      }
      if (src[k] !== "/") throw new UserError("unterminated regular expression");
      end = k + 1;
      while (end < src.length && /\w/.test(src[end])) end++;
      kind = "regex";
    } else {
      end = i + 1;
      kind = "punct";
    }
    lineAt(i, end);
    // A closing bracket belongs to the depth inside it: `}` starting a line ends a block, not a statement.
    push(kind, i, end, startLine);
    if (kind === "punct" && (c === "(" || c === "[" || c === "{")) depth++;
    if (kind === "punct" && (c === ")" || c === "]" || c === "}")) depth--;
    i = end;
  }
  return tokens;
}

/** One top-level statement: tokens [from, to). */
interface Statement {
  from: number;
  to: number;
}

function statements(tokens: Token[]): Statement[] {
  const out: Statement[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const first = k === 0 || t.line !== tokens[k - 1].endLine;
    if (first && t.depth === 0) {
      if (out.length) out[out.length - 1].to = k;
      out.push({ from: k, to: tokens.length });
    }
  }
  return out;
}

const STATEMENT_KEYWORDS = new Set(["if", "for", "while", "do", "switch", "try", "return", "throw", "break", "continue", "debugger", "with", "function", "class", "var", "let", "const", "import", "export", "async"]);

/** The transformed input: a global script, and where its lines came from. */
export interface ReplScript {
  js: string;
  /** The input's line (1-based) for a line of `js` (1-based), if it has one. */
  inputLine(line: number): number | undefined;
}

/** Text edits of one statement: insertions at source offsets, and tokens replaced. */
class Edits {
  private readonly edits: Array<{ at: number; end: number; text: string }> = [];
  insert(at: number, text: string): void {
    this.edits.push({ at, end: at, text });
  }
  replace(t: Token, text: string): void {
    this.edits.push({ at: t.start, end: t.end, text });
  }
  apply(src: string, from: number, to: number): string {
    let out = "";
    let pos = from;
    for (const e of this.edits.sort((a, b) => a.at - b.at)) {
      out += src.slice(pos, e.at) + e.text;
      pos = e.end;
    }
    return out + src.slice(pos, to);
  }
}

/** Rewrites esbuild's output `js` (see the file's comment); `mapLine` takes its lines to the input's. */
export function rewriteForRepl(js: string, mapLine: (line: number) => number | undefined): ReplScript {
  const tokens = tokenize(js);
  const stmts = statements(tokens);
  const hoisted: Array<{ text: string; line: number }> = [];
  // Declared names, declared again with var in front of the wrapper: a name read in its own
  // initialiser (esbuild's enums: `var E = ((E2) => ...)(E || {})`) then exists.
  const names = new Set<string>();
  const body: Array<{ text: string; line: number }> = [];
  stmts.forEach((s, index) => {
    const t0 = tokens[s.from], t1 = tokens[s.from + 1], last = tokens[s.to - 1];
    const edits = new Edits();
    const semi = last.text === ";" ? last : undefined;
    const endOffset = last.end;
    const isLast = index === stmts.length - 1;
    if ((t0.text === "import" && t1?.text !== "(" && t1?.text !== ".") || t0.text === "export") {
      throw new UserError(`'${t0.text}' is not supported in the REPL (line ${mapLine(t0.line + 1) ?? "?"}); use the globals, or hal.image.load`);
    }
    const fn = t0.text === "function" || (t0.text === "async" && t1?.text === "function" && t1.line === t0.line);
    if (fn) {
      hoisted.push({ text: js.slice(t0.start, endOffset), line: t0.line });
      return;
    }
    if ((t0.text === "var" || t0.text === "let" || t0.text === "const") && t1 && (t1.kind === "ident" || t1.text === "{" || t1.text === "[")) {
      edits.replace(t0, "(");
      // Declarators: split at commas of the statement's own depth; one without "=" is set to undefined.
      let hasInit = false;
      let name: Token | undefined;
      const endDecl = (k: number) => {
        if (name) names.add(name.text);
        if (!hasInit && name) edits.insert(tokens[k - 1].end, " = void 0");
        hasInit = false;
        name = undefined;
      };
      const stop = semi ? s.to - 1 : s.to;
      for (let k = s.from + 1; k < stop; k++) {
        const t = tokens[k];
        if (t.depth !== 0) continue;
        if (t.text === ",") endDecl(k);
        else if (t.text === "=") hasInit = true;
        else if (t.kind === "ident" && name === undefined && (k === s.from + 1 || tokens[k - 1].text === ",")) name = t;
      }
      endDecl(stop);
      edits.insert(tokens[stop - 1].end, ")");
      if (!semi) edits.insert(tokens[stop - 1].end, ";");
    } else if (t0.text === "class" && t1?.kind === "ident") {
      names.add(t1.text);
      edits.insert(t0.start, `${t1.text} = `);
      if (!semi) edits.insert(endOffset, ";");
    } else if (isLast && !STATEMENT_KEYWORDS.has(t0.text) && t0.text !== "{" && t0.text !== ";" && !(t0.kind === "ident" && t1?.text === ":")) {
      edits.insert(t0.start, "return (");
      if (semi) edits.replace(semi, ");");
      else edits.insert(endOffset, ");");
    }
    body.push({ text: edits.apply(js, t0.start, endOffset), line: t0.line });
  });
  const lines: string[] = [];
  const origin: Array<number | undefined> = [];
  const emit = (text: string, line: number | undefined) => {
    text.split("\n").forEach((l, k) => {
      lines.push(l);
      origin.push(line === undefined ? undefined : line + k);
    });
  };
  if (names.size) emit(`var ${[...names].join(", ")};`, undefined);
  for (const h of hoisted) emit(h.text, h.line);
  emit("(async () => {", undefined);
  for (const b of body) emit(b.text, b.line);
  emit("})()", undefined);
  return {
    js: lines.join("\n") + "\n",
    inputLine: (line) => {
      const o = origin[line - 1];
      return o === undefined ? undefined : mapLine(o + 1);
    },
  };
}

/** Whether esbuild's error means the input stops mid-statement (more lines may complete it). */
export const isIncomplete = (message: string): boolean => /Unexpected end of file|Expected ".*" but found end of file|Unterminated/.test(message);

/** TypeScript or JavaScript source of one input → the global script to compile. */
export async function transformInput(source: string, name: string): Promise<ReplScript> {
  // As Node's REPL: `{ a: 1 }` alone is an object, not a block.
  const candidates = /^\s*\{[\s\S]*\}\s*;?\s*$/.test(source) ? [`(${source.replace(/;\s*$/, "")})`, source] : [source];
  let lastError: unknown;
  for (const candidate of candidates) {
    let r;
    try {
      r = await transform(candidate, {
        loader: "ts",
        format: "esm",
        target: "es2020",
        // Top-level await is the wrapper's (rewriteForRepl), not the engine's.
        supported: { "top-level-await": true },
        sourcemap: "external",
        sourcefile: name,
        logLevel: "silent",
      });
    } catch (e) {
      lastError = e;
      continue;
    }
    const map = new SourceMap(JSON.parse(r.map));
    const codeLines = r.code.split("\n");
    const mapLine = (line: number): number | undefined => {
      const text = codeLines[line - 1];
      if (text === undefined) return undefined;
      // The line's first non-blank column, else its last mapped one (a leading "(" has none).
      for (const column of [text.length - text.trimStart().length, text.length]) {
        const e = map.findEntry(line - 1, column) as { originalLine?: number; generatedLine?: number };
        if (e && e.originalLine !== undefined && e.generatedLine === line - 1) return e.originalLine + 1;
      }
      return undefined;
    };
    return rewriteForRepl(r.code, mapLine);
  }
  const errors = (lastError as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors;
  if (errors?.length) {
    const e = errors[0];
    throw new UserError(`${name}${e.location ? `:${e.location.line}:${e.location.column + 1}` : ""}: ${e.text}`);
  }
  throw lastError;
}

/** Compiles a REPL script with tsmc --script into a one-unit image (engine/src/repl.c checks it). */
export async function compileScript(js: string, scriptName: string): Promise<Uint8Array> {
  const tsmc = await buildHostCompiler();
  const dir = await mkdtemp(path.join(os.tmpdir(), "tsmetal-repl-"));
  try {
    const src = path.join(dir, "input.js"), out = path.join(dir, "input.tsmb");
    await writeFile(src, js);
    await run(tsmc, ["--script", out, "repl", scriptName, src], "compiling the REPL input");
    return new Uint8Array(await readFile(out));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
