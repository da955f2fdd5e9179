/**
 * Makes the promises that async functions and `new Promise` create visible to the simulator's
 * rejection tracking (tools/sim/guest/rejections.ts). The target's engine hears of every rejected
 * promise nobody handles from QuickJS's host rejection tracker (engine/src/rejections.c);
 * quickjs-emscripten has no such hook and makes an async function's promise inside the engine,
 * where no JS runs. So the simulator rewrites each bundle it evaluates (never the firmware image):
 * - an async function or arrow (not a generator) becomes `__tsmetalAsync(fn, name)`: a Proxy
 *   whose call tracks the returned promise (a declaration is rewrapped at the top of its scope, so
 *   calls before it, hoisted, go through the Proxy too); `name` keeps the name the function had
 *   from its place (`const g = async () => ...` is "g" in stack traces);
 * - the async methods of a class or object literal are wrapped the same way once it exists
 *   (`__tsmetalAsyncMethods`); private (#) and computed ones are not;
 * - `new Promise(...)` and `Promise.all/allSettled/any/race(...)` become `__tsmetalTrack(...)`.
 * Only text is inserted, never a line break, so the bundle's lines (and its source map, which
 * the simulator reads by line) stay as they are. The Proxy's and helpers' frames are the guest
 * runtime's and are not shown in stack traces (tools/sim/stack-trace.ts).
 *
 * Parsed by the TypeScript compiler's own parser through its API (typescript/unstable/sync, as
 * tools/docs/declarations.ts uses it), not a hand-written scanner, which would have to tell
 * regular expressions from division and find where an arrow's expression body ends. The API
 * runs the compiler as a child process; one serves every bundle of a run, over a virtual file
 * system (the bundle is never written to disk). Parentheses are looked through, as in the ESTree
 * form (ECMA-262 NamedEvaluation names `x = (async () => {})` "x" too).
 */
import { API } from "typescript/unstable/sync";
import { createVirtualFileSystem } from "typescript/unstable/fs";
import { ModifierFlags, NodeFlags, SyntaxKind, type Block, type Node, type SourceFile, type Statement } from "typescript/unstable/ast";
import {
  isBigIntLiteral,
  isBinaryExpression,
  isBindingElement,
  isBlock,
  isCallExpression,
  isClassDeclaration,
  isClassExpression,
  isExpressionStatement,
  isFunctionDeclaration,
  isIdentifier,
  isMethodDeclaration,
  isNewExpression,
  isNumericLiteral,
  isObjectLiteralExpression,
  isParameterDeclaration,
  isParenthesizedExpression,
  isPrivateIdentifier,
  isPropertyAccessExpression,
  isPropertyAssignment,
  isPropertyDeclaration,
  isShorthandPropertyAssignment,
  isStringLiteral,
  isVariableDeclaration,
} from "typescript/unstable/ast/is";

/** The compiler's API, started on first use and kept for the process (its child is unreferenced and ended at exit). */
let compiler: { api: API; writeFile: (path: string, text: string) => void; removeFile: (path: string) => void } | undefined;
let parses = 0;

/** The bundle is not valid JavaScript (the compiler itself is fine). */
class BundleSyntaxError extends Error {}

/** Parses `source` as a module; throws, with the compiler's first syntax error, if it is not valid JavaScript. */
function parseModule(source: string, use: (file: SourceFile) => void): void {
  if (!compiler) {
    const fs = createVirtualFileSystem({});
    const { writeFile, removeFile } = fs;
    if (!writeFile || !removeFile) throw new Error("typescript/unstable/fs made a virtual file system that cannot be written");
    compiler = { api: new API({ cwd: "/", fs }), writeFile, removeFile };
  }
  const { api, writeFile, removeFile } = compiler;
  // A folder of its own per bundle: the compiler keeps what it read by path across snapshots.
  const dir = `/tsmetal-sim-${process.pid}/${parses++}`;
  const config = `${dir}/tsconfig.json`, bundle = `${dir}/bundle.mjs`;
  // noLib/noResolve: nothing but the bundle's syntax is wanted; .mjs and moduleDetection: parsed as a module, as esbuild wrote it.
  writeFile(config, JSON.stringify({ compilerOptions: { allowJs: true, noLib: true, noResolve: true, types: [], moduleDetection: "force" }, files: ["bundle.mjs"] }));
  writeFile(bundle, source);
  try {
    const snapshot = api.updateSnapshot({ openProjects: [config] });
    try {
      const program = snapshot.getProject(config)?.program;
      const file = program?.getSourceFile(bundle);
      if (!program || !file) throw new Error("the TypeScript API did not load the bundle");
      // The parser recovers from errors; a tree made of guesses must not be rewritten.
      const error = program.getSyntacticDiagnostics(bundle)[0];
      if (error) throw new BundleSyntaxError(`line ${source.slice(0, error.pos).split("\n").length}: ${error.text}`);
      use(file);
    } finally {
      snapshot.dispose();
      api.updateSnapshot({ closeProjects: [config] }).dispose();
    }
  } catch (e) {
    // A compiler that failed once is not trusted with the next bundle.
    if (!(e instanceof BundleSyntaxError)) {
      compiler = undefined;
      try {
        api.close();
      } catch {
        // Its process is gone already; the error that told of it is the one to report.
      }
    }
    throw e;
  } finally {
    removeFile(config);
    removeFile(bundle);
  }
}

/**
 * Parentheses, and the type casts the compiler makes of a JSDoc `@type`/`@satisfies` before a
 * parenthesized expression (in JavaScript, the only source of these kinds): no node in ESTree.
 */
const isTransparent = (n: Node): n is Node & { readonly expression: Node } =>
  isParenthesizedExpression(n) || n.kind === SyntaxKind.AsExpression || n.kind === SyntaxKind.SatisfiesExpression;
/** The node a parenthesized (or JSDoc-cast) expression stands for. */
const unparenthesized = (n: Node): Node => (isTransparent(n) ? unparenthesized(n.expression) : n);
const isPromise = (n: Node): boolean => {
  const e = unparenthesized(n);
  return isIdentifier(e) && e.text === "Promise";
};
const isAsyncFunction = (n: Node & { readonly modifierFlags: ModifierFlags; readonly asteriskToken?: Node }): boolean =>
  (n.modifierFlags & ModifierFlags.Async) !== 0 && n.asteriskToken === undefined;
const identifierText = (n: Node | undefined): string | undefined => (n && isIdentifier(n) ? n.text : undefined);

/** A property's name as a string (a number as JavaScript prints it); undefined if computed. */
function keyText(name: Node): string | undefined {
  if (isIdentifier(name) || isStringLiteral(name)) return name.text;
  if (isPrivateIdentifier(name)) return name.text.startsWith("#") ? name.text : `#${name.text}`;
  if (isNumericLiteral(name)) return String(Number(name.text));
  if (isBigIntLiteral(name)) return String(BigInt(name.text.replace(/n$/, "")));
  return undefined;
}

/** The name a function defined at `node` gets from where it stands (ECMA-262 NamedEvaluation), if any. */
function inferredName(node: Node, parent: Node | undefined): string | undefined {
  if (!parent) return undefined;
  /** Whether `slot` holds the function, parenthesized or not. */
  const holds = (slot: Node | undefined): boolean => slot !== undefined && unparenthesized(slot) === node;
  if (isVariableDeclaration(parent) || isParameterDeclaration(parent) || isBindingElement(parent)) return holds(parent.initializer) ? identifierText(parent.name) : undefined;
  if (isBinaryExpression(parent)) {
    const assigning = [SyntaxKind.EqualsToken, SyntaxKind.BarBarEqualsToken, SyntaxKind.AmpersandAmpersandEqualsToken, SyntaxKind.QuestionQuestionEqualsToken];
    return holds(parent.right) && assigning.includes(parent.operatorToken.kind) ? identifierText(unparenthesized(parent.left)) : undefined;
  }
  if (isShorthandPropertyAssignment(parent)) return holds(parent.objectAssignmentInitializer) ? identifierText(parent.name) : undefined;
  if (isPropertyAssignment(parent) || isPropertyDeclaration(parent)) return holds(parent.initializer) ? keyText(parent.name) : undefined;
  return undefined;
}

/** A function body's directive prologue (ECMA-262 14.1.1); a plain block has none. */
const hasPrologue = (scope: SourceFile | Block): boolean =>
  !isBlock(scope) ||
  [SyntaxKind.FunctionDeclaration, SyntaxKind.FunctionExpression, SyntaxKind.ArrowFunction, SyntaxKind.MethodDeclaration, SyntaxKind.Constructor, SyntaxKind.GetAccessor, SyntaxKind.SetAccessor].includes(scope.parent.kind);

/** The bundle with its async functions and promise constructions tracked; `source` unchanged if it has none. */
export function trackAsync(source: string): string {
  // Text to insert by position: rewraps of hoisted declarations first, then openers in visiting
  // order (outer first), closers inner first.
  const hoisted = new Map<number, string[]>();
  const openers = new Map<number, string[]>();
  const closers = new Map<number, string[]>();
  const append = (map: Map<number, string[]>, pos: number, text: string) => map.set(pos, [...(map.get(pos) ?? []), text]);
  const close = (pos: number, text: string) => closers.set(pos, [text, ...(closers.get(pos) ?? [])]);
  parseModule(source, (file) => {
    const wrap = (n: Node, before: string, after: string) => {
      append(openers, n.getStart(file), before);
      close(n.end, after);
    };
    /** Where statements go at the top of a scope: after `{` and the directive prologue. */
    const topOf = (scope: SourceFile | Block): number => {
      let pos = isBlock(scope) ? scope.getStart(file) + 1 : 0;
      if (!hasPrologue(scope)) return pos;
      for (const s of scope.statements as readonly Statement[]) {
        if (!isExpressionStatement(s) || !isStringLiteral(s.expression)) break;
        pos = s.end;
      }
      return pos;
    };
    const methodNames = (members: readonly Node[], isStatic: boolean): string[] =>
      members.flatMap((m) => {
        if (!isMethodDeclaration(m) || ((m.modifierFlags & ModifierFlags.Static) !== 0) !== isStatic || !isAsyncFunction(m) || isPrivateIdentifier(m.name)) return [];
        const name = keyText(m.name);
        return name === undefined ? [] : [name];
      });

    /** `parent` is the nearest enclosing node that is not transparent (parentheses, JSDoc casts). */
    const visit = (node: Node, parent: Node | undefined, scope: SourceFile | Block): void => {
      if (isFunctionDeclaration(node)) {
        if (isAsyncFunction(node) && node.name) {
          const name = node.name.text;
          append(hoisted, topOf(scope), `${isBlock(scope) ? " " : ""}${name} = __tsmetalAsync(${name}); `);
        }
      } else if (node.kind === SyntaxKind.FunctionExpression || node.kind === SyntaxKind.ArrowFunction) {
        const fn = node as Node & { readonly modifierFlags: ModifierFlags; readonly asteriskToken?: Node; readonly name?: Node };
        if (isAsyncFunction(fn)) {
          const name = fn.name ? undefined : inferredName(node, parent);
          wrap(node, "__tsmetalAsync(", name === undefined ? ")" : `, ${JSON.stringify(name)})`);
        }
      } else if (isClassDeclaration(node) || isClassExpression(node)) {
        const proto = methodNames(node.members, false), statics = methodNames(node.members, true);
        if (proto.length || statics.length) {
          const lists = `${JSON.stringify(proto)}, ${JSON.stringify(statics)}`;
          if (isClassDeclaration(node) && node.name) close(node.end, `; __tsmetalAsyncMethods(${node.name.text}, ${lists});`);
          else if (isClassExpression(node)) {
            const name = node.name ? undefined : inferredName(node, parent);
            wrap(node, "__tsmetalAsyncMethods(", `, ${lists}${name === undefined ? "" : `, ${JSON.stringify(name)}`})`);
          }
        }
      } else if (isObjectLiteralExpression(node)) {
        const names = methodNames(node.properties, false);
        if (names.length) wrap(node, "__tsmetalAsyncMethods(", `, ${JSON.stringify(names)}, [])`);
      } else if (isNewExpression(node)) {
        if (isPromise(node.expression)) wrap(node, "__tsmetalTrack(", ")");
      } else if (isCallExpression(node)) {
        const callee = unparenthesized(node.expression);
        if (isPropertyAccessExpression(callee) && isPromise(callee.expression) && isIdentifier(callee.name) && ["all", "allSettled", "any", "race"].includes(callee.name.text)) {
          wrap(node, "__tsmetalTrack(", ")");
        }
      }
      // Function declarations are hoisted to the top of the nearest block or function body.
      const inner = isBlock(node) ? node : scope;
      const childParent = isTransparent(node) ? parent : node;
      // Nodes the compiler made from JSDoc comments (NodeFlags.Reparsed) are not code.
      node.forEachChild((child) => {
        if ((child.flags & NodeFlags.Reparsed) === 0) visit(child, childParent, inner);
      });
    };
    visit(file, undefined, file);
  });
  if (hoisted.size === 0 && openers.size === 0 && closers.size === 0) return source;
  const positions = [...new Set([...hoisted.keys(), ...openers.keys(), ...closers.keys()])].sort((a, b) => a - b);
  let out = "", last = 0;
  for (const pos of positions) {
    out += source.slice(last, pos) + (closers.get(pos) ?? []).join("") + (hoisted.get(pos) ?? []).join("") + (openers.get(pos) ?? []).join("");
    last = pos;
  }
  return out + source.slice(last);
}
