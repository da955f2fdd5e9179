/**
 * Builds an app unit for an updatable base (docs/updates.md, "Split images"): the app bundled by
 * esbuild into one ES2020 script whose "tsmetal" and "hal" imports are the base's own (the agent
 * publishes them, io/update/agent.ts), compiled by tsmc --script into a one-unit tsmetal image (the
 * same compiler as every build, tools/lib/repl-compile.ts), wrapped in the unit header
 * (io/update/unit.ts) for the base's fingerprints, and signed when a private key is given.
 */
import { build } from "esbuild";
import path from "node:path";
import type { KeyObject } from "node:crypto";
import { compileScript } from "./repl-compile.ts";
import { UserError } from "./errors.ts";
import { attachSignature, encodeUnit, signedMessage } from "../../io/update/unit.ts";
import { signEd25519 } from "./update-keys.ts";
import { APP_API_NAMES } from "../../io/update/api-names.ts";

/** What the app unit is linked against: written by the updatable build (tools/lib/update-base.ts). */
export interface BaseFacts {
  readonly board: string;
  /** The engine fingerprint, 8 hex digits (blob.h). */
  readonly engineFingerprint: string;
  /** 32 hex digits. */
  readonly baseFingerprint: string;
  /** The Ed25519 public key the base verifies with (64 hex digits), or "" for an unsigned base. */
  readonly publicKey: string;
}

// The base's modules, as the agent publishes them on the global object (io/update/agent.ts).
// "tsmetal" with named exports, so that an import the base does not offer is a bundling error
// naming it; "hal" is the engine's native module, whole.
const SHIMS: Record<string, string> = {
  tsmetal: `const api = globalThis[Symbol.for("tsmetal.api")];\n${APP_API_NAMES.map((n) => `export const ${n} = api.${n};`).join("\n")}\n`,
  hal: `module.exports = globalThis[Symbol.for("tsmetal.hal")];`,
};

/** The app's code as one script for the base's engine. */
export async function bundleAppScript(app: string): Promise<string> {
  try {
    const r = await build({
      entryPoints: [path.resolve(app)],
      bundle: true,
      write: false,
      format: "iife",
      platform: "neutral",
      target: "es2020",
      logLevel: "silent",
      legalComments: "none",
      plugins: [
        {
          name: "base-modules",
          setup(b) {
            b.onResolve({ filter: /^(tsmetal|hal)$/ }, (a) => ({ path: a.path, namespace: "base-module" }));
            b.onLoad({ filter: /.*/, namespace: "base-module" }, (a) => ({ contents: SHIMS[a.path], loader: "js" }));
          },
        },
      ],
    });
    return r.outputFiles[0].text;
  } catch (e) {
    const errors = (e as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors;
    const text = errors?.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ""}${m.text}`).join("\n");
    throw new UserError(`bundling the app unit failed:\n${text ?? String(e)}`);
  }
}

const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"));

/** The engine fingerprint a tsmc image carries (blob.h offset 8). */
export function imageFingerprint(image: Uint8Array): number {
  return new DataView(image.buffer, image.byteOffset, image.byteLength).getUint32(8, true);
}

export interface AppUnitOptions {
  readonly app: string;
  readonly version: number;
  readonly base: BaseFacts;
  /** Signs the unit; required when the base has a public key (the device would refuse it). */
  readonly privateKey?: KeyObject;
}

/** The app's bytecode image (one unit of script bytecode). */
export async function compileApp(app: string): Promise<Uint8Array> {
  return compileScript(await bundleAppScript(app), path.basename(app).replace(/\.ts$/, ".js"));
}

/** A complete unit, ready to send. */
export async function buildAppUnit(o: AppUnitOptions): Promise<Uint8Array> {
  const image = await compileApp(o.app);
  const fp = imageFingerprint(image);
  if (fp !== parseInt(o.base.engineFingerprint, 16)) {
    throw new UserError(`this SDK's compiler has engine fingerprint ${fp.toString(16).padStart(8, "0")}, the base runs ${o.base.engineFingerprint}: rebuild the base`);
  }
  return wrapAppImage(image, o);
}

/** Wraps a compiled image in the unit header and signs it. */
export function wrapAppImage(image: Uint8Array, o: Omit<AppUnitOptions, "app">): Uint8Array {
  const unit = encodeUnit(
    { engineFingerprint: imageFingerprint(image), baseFingerprint: fromHex(o.base.baseFingerprint), version: o.version, signed: o.privateKey !== undefined },
    image,
  );
  if (o.privateKey) attachSignature(unit, signEd25519(signedMessage(unit), o.privateKey));
  return unit;
}
