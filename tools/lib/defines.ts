/**
 * --define NAME=VALUE: a string the app reads at build time (a URL to fetch, a host to talk to),
 * as esbuild's `define`: every `NAME` in the app's code becomes the string literal, so the value
 * costs nothing at run time and needs no file system on the board. The app declares it
 * (`declare const FETCH_URL: string;`) and can test `typeof FETCH_URL === "undefined"` for a
 * build that gave none. Names are upper-case identifiers, so a define can never replace a global,
 * a keyword or a variable of the app's own by accident.
 */
import { UserError } from "./errors.ts";

/** NAME → value, as given. */
export type Defines = Readonly<Record<string, string>>;

const NAME = /^[A-Z][A-Z0-9_]*$/;

/** Parses every --define; refuses a spec without `=`, a name that is not upper-case, a name given twice. */
export function parseDefines(specs: readonly string[]): Defines {
  const defines: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const name = eq < 0 ? spec : spec.slice(0, eq);
    if (eq < 0 || !NAME.test(name)) {
      throw new UserError(`--define ${spec}: expected NAME=VALUE with NAME an upper-case identifier (A-Z, 0-9, _; e.g. --define FETCH_URL=http://10.0.2.2:8080/)`);
    }
    if (Object.prototype.hasOwnProperty.call(defines, name)) throw new UserError(`--define: ${name} is defined more than once`);
    defines[name] = spec.slice(eq + 1);
  }
  return defines;
}

/** esbuild's `define` map: each value as a JSON string literal. */
export function esbuildDefines(defines: Defines | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(defines ?? {}).map(([k, v]) => [k, JSON.stringify(v)]));
}
