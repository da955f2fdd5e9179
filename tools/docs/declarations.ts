/**
 * The public typings as the TypeScript compiler sees them: tsc emits the declaration files of the
 * public TypeScript entry points (--declaration --emitDeclarationOnly, the compiler's own
 * declaration output), and the compiler API (typescript/unstable/sync, TypeScript 7) parses
 * those and the hand-written .d.ts files. Each top-level declaration comes back with its JSDoc and
 * its text as the declaration file has it; tools/docs/api.ts renders them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { $ } from "zx";
import { API } from "typescript/unstable/sync";
import type { Node, SourceFile, Statement } from "typescript/unstable/ast";
import {
  isClassDeclaration,
  isEnumDeclaration,
  isExportDeclaration,
  isFunctionDeclaration,
  isIdentifier,
  isInterfaceDeclaration,
  isModuleBlock,
  isModuleDeclaration,
  isNamedExports,
  isStringLiteral,
  isTypeAliasDeclaration,
  isVariableStatement,
} from "typescript/unstable/ast/is";
import { repoPath, repoRoot } from "../lib/paths.ts";
import { tscScript } from "../lib/packages.ts";
import { UserError } from "../lib/errors.ts";

export type DeclarationKind = "function" | "class" | "interface" | "type" | "const" | "enum" | "namespace";

export interface Member {
  /** The member as the declaration file writes it, without its JSDoc. */
  readonly text: string;
  readonly doc: string;
}

export interface Declaration {
  readonly name: string;
  readonly kind: DeclarationKind;
  /** The JSDoc's text without the comment markers; "" when there is none. */
  readonly doc: string;
  /** The declaration without its JSDoc; a class or interface without its private members. */
  readonly text: string;
  /** A class's or interface's public members, in order. */
  readonly members: readonly Member[];
  /** The source file it comes from, relative to the repository (io/serial.ts, hal/hal.d.ts). */
  readonly source: string;
}

/** A module's exports by name (a name that is both a value and a type has two declarations). */
export type ModuleExports = ReadonlyMap<string, readonly Declaration[]>;

export interface PublicTypings {
  /** "tsmetal" (io/index.ts), "hal/register" (hal/register.ts), "hal" (hal/hal.d.ts), "globals" (runtime/globals.d.ts). */
  readonly modules: ReadonlyMap<string, ModuleExports>;
}

/** The TypeScript entry points whose declaration output is read, by module name. */
const emitted = { tsmetal: "io/index.ts", "hal/register": "hal/register.ts" } as const;
/** Hand-written declaration files, read as they are. */
const ambient = { hal: "hal/hal.d.ts", globals: "runtime/globals.d.ts" } as const;

/** A JSDoc comment's text: markers and leading asterisks gone, lines joined as written. */
export function docText(comment: string): string {
  return comment
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((l) => l.replace(/^\s*\* ?/, "").trimEnd())
    .join("\n")
    .trim();
}

const jsDocOf = (node: Node, file: SourceFile): string => {
  const docs = node.jsDoc ?? [];
  return docs.length ? docText(file.text.slice(docs[docs.length - 1].getStart(file), docs[docs.length - 1].end)) : "";
};

/** The node's text without its JSDoc; later lines lose the indentation of the node's own line. */
function textOf(node: Node, file: SourceFile): string {
  const start = node.getStart(file);
  const column = start - (file.text.lastIndexOf("\n", start - 1) + 1);
  const lines = file.text.slice(start, node.end).split("\n");
  return lines.map((l, i) => (i === 0 ? l : l.slice(Math.min(column, /^ */.exec(l)![0].length)))).join("\n");
}

const isPrivate = (text: string): boolean => /^(?:(?:static|readonly|protected)\s+)*(?:private|protected)\b|^#/.test(text);

/** A class or interface: its header line, public members and closing brace. */
function classLike(node: Node & { readonly members: readonly Node[] }, file: SourceFile): { text: string; members: Member[] } {
  const members: Member[] = [];
  for (const m of node.members) {
    const text = file.text.slice(m.getStart(file), m.end).trim();
    if (!isPrivate(text)) members.push({ text: text.replace(/\s*\n\s*/g, " "), doc: jsDocOf(m, file) });
  }
  const whole = file.text.slice(node.getStart(file), node.end);
  const header = whole.slice(0, whole.indexOf("{") + 1);
  return { text: [header, ...members.map((m) => `    ${m.text}`), "}"].join("\n"), members };
}

function declarationsOf(statement: Statement, file: SourceFile, source: string): Declaration[] {
  const doc = jsDocOf(statement, file);
  const base = { doc, source, members: [] as Member[] };
  const named = (n: Node): string | undefined => {
    const id = (n as Node & { readonly name?: Node }).name;
    return id && isIdentifier(id) ? id.text : undefined;
  };
  if (isClassDeclaration(statement) || isInterfaceDeclaration(statement)) {
    const name = named(statement);
    if (!name) return [];
    return [{ ...base, name, kind: isClassDeclaration(statement) ? "class" : "interface", ...classLike(statement, file) }];
  }
  const kind: DeclarationKind | undefined = isFunctionDeclaration(statement)
    ? "function"
    : isTypeAliasDeclaration(statement)
      ? "type"
      : isEnumDeclaration(statement)
        ? "enum"
        : isModuleDeclaration(statement)
          ? "namespace"
          : undefined;
  if (kind) {
    const name = named(statement);
    return name ? [{ ...base, name, kind, text: textOf(statement, file) }] : [];
  }
  if (isVariableStatement(statement)) {
    const text = textOf(statement, file);
    return statement.declarationList.declarations.flatMap((d) => (isIdentifier(d.name) ? [{ ...base, name: d.name.text, kind: "const" as const, text }] : []));
  }
  return [];
}

const add = (map: Map<string, Declaration[]>, d: Declaration) => map.set(d.name, [...(map.get(d.name) ?? []), d]);

/** Path of the source a declaration file was emitted from (out/io/serial.d.ts → io/serial.ts). */
const sourceOf = (outDir: string, dts: string): string => path.relative(outDir, dts).replace(/\.d\.ts$/, ".ts");

/**
 * Reads the exports of an emitted module: its own exported declarations, and what it re-exports
 * from other emitted modules by name (export { A, B } from "./x.ts"), followed to their file.
 */
function moduleExports(program: { getSourceFile(f: string): SourceFile | undefined }, outDir: string, dts: string, seen = new Set<string>()): Map<string, Declaration[]> {
  const file = program.getSourceFile(dts);
  if (!file) throw new UserError(`tools/docs: the declaration output has no ${dts}`);
  if (seen.has(dts)) return new Map();
  seen.add(dts);
  const out = new Map<string, Declaration[]>();
  const local = new Map<string, Declaration[]>();
  for (const s of file.statements) for (const d of declarationsOf(s, file, sourceOf(outDir, dts))) add(local, d);
  for (const s of file.statements) {
    const exported = (s as Node & { readonly modifiers?: readonly Node[] }).modifiers?.some((m) => file.text.slice(m.getStart(file), m.end) === "export");
    if (exported) for (const d of declarationsOf(s, file, sourceOf(outDir, dts))) add(out, d);
    if (isExportDeclaration(s) && s.exportClause && isNamedExports(s.exportClause)) {
      const from = s.moduleSpecifier && isStringLiteral(s.moduleSpecifier)
        ? moduleExports(program, outDir, path.resolve(path.dirname(dts), s.moduleSpecifier.text.replace(/\.ts$/, ".d.ts")), new Set(seen))
        : local;
      for (const e of s.exportClause.elements) {
        const original = e.propertyName && isIdentifier(e.propertyName) ? e.propertyName.text : e.name.text;
        const found = from.get(original);
        if (!found) throw new UserError(`tools/docs: ${sourceOf(outDir, dts)} exports ${original}, whose declaration was not found`);
        for (const d of found) add(out, { ...d, name: e.name.text });
      }
    }
  }
  return out;
}

/** The declarations of `declare module "hal" { ... }` or a global script's top level. */
function ambientExports(file: SourceFile, source: string): Map<string, Declaration[]> {
  const out = new Map<string, Declaration[]>();
  for (const s of file.statements) {
    if (isModuleDeclaration(s) && s.body && isModuleBlock(s.body)) {
      for (const inner of s.body.statements) for (const d of declarationsOf(inner, file, source)) add(out, d);
    } else for (const d of declarationsOf(s, file, source)) add(out, d);
  }
  return out;
}

/** Emits the declarations into a temporary folder and reads every public module's exports. */
export async function readPublicTypings(): Promise<PublicTypings> {
  const work = await mkdtemp(path.join(os.tmpdir(), "tsmetal-docs-"));
  try {
    const outDir = path.join(work, "out");
    const emitConfig = path.join(work, "tsconfig.emit.json");
    await writeFile(
      emitConfig,
      JSON.stringify({
        extends: repoPath("tsconfig.base.json"),
        compilerOptions: { lib: ["es2020"], types: [], noEmit: false, declaration: true, emitDeclarationOnly: true, outDir, rootDir: repoRoot },
        files: [...Object.values(emitted), ...Object.values(ambient), "soc/board-facts.d.ts"].map((f) => repoPath(f)),
      }),
    );
    const r = await $({ nothrow: true, quiet: true })`${process.execPath} ${tscScript()} -p ${emitConfig} --pretty false`;
    if (r.exitCode !== 0) throw new UserError(`tools/docs: the typings do not compile:\n${r.stdout}${r.stderr}`);

    const dts = (f: string) => path.join(outDir, f.replace(/\.ts$/, ".d.ts"));
    const readConfig = path.join(work, "tsconfig.read.json");
    await writeFile(
      readConfig,
      JSON.stringify({
        compilerOptions: { lib: ["es2020"], types: [], noEmit: true, skipLibCheck: true, module: "esnext", moduleResolution: "bundler", allowImportingTsExtensions: true, strict: true },
        files: [...Object.values(emitted).map(dts), ...Object.values(ambient).map((f) => repoPath(f)), repoPath("soc/board-facts.d.ts")],
      }),
    );
    const api = new API({ cwd: work });
    try {
      const program = api.updateSnapshot({ openProject: readConfig }).getProject(readConfig)?.program;
      if (!program) throw new UserError("tools/docs: the TypeScript API opened no project");
      const modules = new Map<string, ModuleExports>();
      for (const [name, src] of Object.entries(emitted)) modules.set(name, moduleExports(program, outDir, dts(src)));
      for (const [name, src] of Object.entries(ambient)) {
        const file = program.getSourceFile(repoPath(src));
        if (!file) throw new UserError(`tools/docs: the TypeScript API did not load ${src}`);
        modules.set(name, ambientExports(file, src));
      }
      return { modules };
    } finally {
      api.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
