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
import { loadBoard } from "./boards.ts";
import { hasDiskSlot } from "./disk.ts";
import { checkUpdatePath } from "../../io/update/http.ts";

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
  /** Keep the confirmed unit and the highest confirmed version on the board's card for the next
      boot (--disk; docs/updates.md, "Kept for the next boot"). Off: the base carries no storage units. */
  readonly keep?: boolean;
  /** The HTTP update endpoint (--update-http): PUT <path> on <port> (docs/updates.md, "Over HTTP"). */
  readonly http?: UpdateHttpService;
  /** The SSH update command (--update-ssh): `ssh -p <port> user@device update < unit` (docs/updates.md, "Over SSH"). */
  readonly ssh?: UpdateSshService;
}

export interface UpdateHttpService {
  readonly port: number;
  /** Default "/update". */
  readonly path?: string;
}

export interface UpdateSshService {
  readonly port: number;
  /** The host key as serveSsh takes it (tools/lib/ssh-keys.ts: one line of base64 PKCS#8 DER). */
  readonly hostKey: string;
  /** authorized_keys lines: the keys that may log in to deploy. */
  readonly authorizedKeys: string;
}

/** The base's entry: the agent alone, or with the network transports asked for (one entry per set, io/update/agent-*.ts). */
export function agentEntry(o: { readonly http?: unknown; readonly ssh?: unknown }): string {
  const which = [o.http ? "http" : "", o.ssh ? "ssh" : ""].filter(Boolean).join("-");
  return which ? repoPath(`io/update/agent-${which}.ts`) : UPDATE_AGENT;
}

/** The --define strings of the network transports (none without them). */
function serviceDefines(o: UpdatableOptions): Record<string, string> {
  const d: Record<string, string> = {};
  if (o.http) {
    d.UPDATE_HTTP_PORT = String(checkPort(o.http.port, "--update-http"));
    d.UPDATE_HTTP_PATH = o.http.path ?? "/update";
    try {
      checkUpdatePath(d.UPDATE_HTTP_PATH);
    } catch (e) {
      throw new UserError(`--update-http: ${(e as Error).message}`);
    }
  }
  if (o.ssh) {
    d.UPDATE_SSH_PORT = String(checkPort(o.ssh.port, "--update-ssh"));
    d.UPDATE_SSH_HOST_KEY = o.ssh.hostKey;
    d.UPDATE_SSH_AUTHORIZED_KEYS = o.ssh.authorizedKeys;
  }
  if (o.http && o.ssh && o.http.port === o.ssh.port) throw new UserError(`--update-http and --update-ssh both take port ${o.ssh.port}`);
  return d;
}

function checkPort(port: number, what: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`${what}: port ${port} is not 1 to 65535`);
  return port;
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
  if (o.keep && !hasDiskSlot(loadBoard(o.board))) throw new UserError(`an updatable base that keeps its app on a card needs a disk; board '${o.board}' has none under QEMU`);
  if ((o.http || o.ssh) && !loadBoard(o.board).qemu.network) throw new UserError(`--update-http and --update-ssh need a network device; board '${o.board}' has none under QEMU`);
  const services = serviceDefines(o);
  const publicKey = o.updateKey ? Buffer.from(readPublicKey(o.updateKey)).toString("hex") : "";
  const image = await compileApp(app);
  const engineFingerprint = imageFingerprint(image).toString(16).padStart(8, "0");
  const base: BaseFacts = { board: o.board, engineFingerprint, baseFingerprint: baseFingerprint(o.board, engineFingerprint, publicKey), publicKey };
  // The built-in app is not signed: it is part of the image, which the engine checks at boot.
  const unit = wrapAppImage(image, { version, base });
  const fw = await buildFirmware({
    ...o,
    app: agentEntry(o),
    // One folder per app, not one per agent: the app is in the image.
    out: o.out ?? `${defaultOutDir(o.board, app)}-updatable${o.http ? "-http" : ""}${o.ssh ? "-ssh" : ""}${o.keep ? "-keep" : ""}`,
    repl: true,
    defines: {
      UPDATE_ENGINE_FP: engineFingerprint,
      UPDATE_BASE_FP: base.baseFingerprint,
      UPDATE_PUBLIC_KEY: publicKey,
      UPDATE_INITIAL_APP: Buffer.from(unit).toString("base64"),
      UPDATE_CONFIRM_MS: String(confirmMs),
      UPDATE_KEEP: o.keep ? "1" : "",
      ...services,
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
