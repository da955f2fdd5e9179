/**
 * The updatable firmware (docs/updates.md): the base (engine with the image-exec part, board,
 * drivers, the update agent io/update/agent.ts as the firmware's app) and the app as a unit of its
 * own in the image (io/update/unit.ts), which the agent runs at boot and can replace at run time.
 * The facts a deploy needs (fingerprints, public key) go to build/<board>/update-base.json when
 * `npm run qemu -- --updatable` starts one (writeBaseManifest).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { buildFirmware, defaultOutDir, type BuildOptions, type Firmware } from "./build.ts";
import { compileApp, imageFingerprint, wrapAppImage, type BaseFacts } from "./app-unit.ts";
import { buildRoot, repoPath } from "./paths.ts";
import { readPublicKey } from "./update-keys.ts";
import { UserError } from "./errors.ts";
import { checkAppFile } from "./options.ts";

export const UPDATE_AGENT = repoPath("io/update/agent.ts");
/** How long a switched-to app has to call update.confirm() unless --confirm-s says otherwise. */
export const DEFAULT_CONFIRM_MS = 10_000;

export interface UpdatableOptions extends Omit<BuildOptions, "app" | "repl" | "defines"> {
  readonly app: string;
  /** The built-in app's version (default 1). */
  readonly appVersion?: number;
  /** An Ed25519 public key PEM (--update-key): the base then runs only units signed with its pair. */
  readonly updateKey?: string;
  readonly confirmMs?: number;
}

export interface UpdatableFirmware extends Firmware {
  readonly base: BaseFacts;
}

/** build/<board>/update-base.json. */
export const baseManifestPath = (board: string): string => path.join(buildRoot, board, "update-base.json");

/**
 * The base fingerprint: what an app unit is linked against. It changes with the board, the engine
 * (its fingerprint), the key, and the API the base publishes to apps (io/index.ts) and the agent
 * that runs them, so a unit built for another base is refused before its bytecode is read.
 */
export function baseFingerprint(board: string, engineFingerprint: string, publicKey: string): string {
  const h = createHash("sha256").update(`tsmetal-base-1\0${board}\0${engineFingerprint}\0${publicKey}\0`);
  for (const f of ["io/index.ts", "io/update/agent.ts", "io/update/api.ts", "io/update/api-names.ts"]) h.update(readFileSync(repoPath(f))).update("\0");
  return h.digest("hex").slice(0, 32);
}

export async function buildUpdatableFirmware(o: UpdatableOptions): Promise<UpdatableFirmware> {
  const app = checkAppFile(o.app);
  const version = o.appVersion ?? 1;
  const confirmMs = o.confirmMs ?? DEFAULT_CONFIRM_MS;
  if (!Number.isInteger(confirmMs) || confirmMs < 100 || confirmMs > 3_600_000) throw new UserError(`the confirm time must be 0.1 s to 1 h; got ${confirmMs} ms`);
  const publicKey = o.updateKey ? Buffer.from(readPublicKey(o.updateKey)).toString("hex") : "";
  const image = await compileApp(app);
  const engineFingerprint = imageFingerprint(image).toString(16).padStart(8, "0");
  const base: BaseFacts = { board: o.board, engineFingerprint, baseFingerprint: baseFingerprint(o.board, engineFingerprint, publicKey), publicKey };
  // The built-in app is not signed: it is part of the image, which the engine checks at boot.
  const unit = wrapAppImage(image, { version, base });
  const fw = await buildFirmware({
    ...o,
    app: UPDATE_AGENT,
    // One folder per app, not one per agent: the app is in the image.
    out: o.out ?? `${defaultOutDir(o.board, app)}-updatable`,
    repl: true,
    defines: {
      UPDATE_ENGINE_FP: engineFingerprint,
      UPDATE_BASE_FP: base.baseFingerprint,
      UPDATE_PUBLIC_KEY: publicKey,
      UPDATE_INITIAL_APP: Buffer.from(unit).toString("base64"),
      UPDATE_CONFIRM_MS: String(confirmMs),
    },
  });
  return { ...fw, base };
}

/** Records `fw`'s facts for `npm run deploy` (only the qemu command does: a test's base must not
    replace the one a developer is running). */
export function writeBaseManifest(fw: UpdatableFirmware): string {
  const manifest = baseManifestPath(fw.board.name);
  mkdirSync(path.dirname(manifest), { recursive: true });
  writeFileSync(manifest, JSON.stringify({ ...fw.base, image: fw.image }, null, 2) + "\n");
  return manifest;
}

/** The facts of the last updatable build for `board` (npm run deploy reads them). */
export function readBaseManifest(board: string, file = baseManifestPath(board)): BaseFacts {
  if (!existsSync(file)) throw new UserError(`no updatable base built for ${board} (${file}): start one with npm run qemu -- --board ${board} --app <app.ts> --updatable`);
  const m = JSON.parse(readFileSync(file, "utf8")) as Partial<BaseFacts>;
  if (typeof m.engineFingerprint !== "string" || typeof m.baseFingerprint !== "string" || typeof m.publicKey !== "string" || m.board !== board) {
    throw new UserError(`${file} is not an update base manifest for ${board}`);
  }
  return { board, engineFingerprint: m.engineFingerprint, baseFingerprint: m.baseFingerprint, publicKey: m.publicKey };
}
