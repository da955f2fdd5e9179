/**
 * npm run deploy -- --board B --app src/main.ts: builds the app as a unit for the updatable base
 * last built for the board (tools/lib/app-unit.ts, build/<board>/update-base.json), signs it when
 * the base has a public key, and sends it over the console line to the running firmware's update
 * agent (tools/lib/deploy-session.ts): QEMU started with `npm run qemu -- --updatable` (its
 * console socket), or a board behind --port. `--keygen` makes the signing key pair.
 * docs/updates.md.
 */
import path from "node:path";
import { existsSync } from "node:fs";
import { DEFAULT_BOARD, loadBoard } from "../lib/boards.ts";
import { parseOptions, checkAppFile } from "../lib/options.ts";
import { UserError } from "../lib/errors.ts";
import { buildAppUnit } from "../lib/app-unit.ts";
import { readBaseManifest } from "../lib/update-base.ts";
import { defaultUpdateKeyDir, makeUpdateKeys, PRIVATE_KEY_FILE, readPrivateKey } from "../lib/update-keys.ts";
import { consoleSocketPath } from "../lib/console-socket.ts";
import { deployOverPort, deployOverSocket, type DeployTarget } from "../lib/deploy-target.ts";
import { displayPath } from "../lib/paths.ts";

export const deployOptions = {
  board: { type: "string" },
  app: { type: "string" },
  "app-version": { type: "string" },
  key: { type: "string" },
  keygen: { type: "boolean", default: false },
  "key-dir": { type: "string" },
  port: { type: "string" },
  baud: { type: "string" },
  socket: { type: "string" },
} as const;

/** A u32 above 0; by default the time in seconds, so that each deploy is above the last. */
export function parseAppVersion(text: string | undefined, now = Date.now()): number {
  if (text === undefined) return Math.floor(now / 1000);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 0xffffffff) throw new UserError(`--app-version takes a whole number from 1 to 4294967295; got '${text}'`);
  return n;
}

function parseBaud(text: string | undefined): number {
  if (text === undefined) return 115200;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 50 || n > 4000000) throw new UserError(`--baud takes a line speed such as 115200; got '${text}'`);
  return n;
}

export async function deployCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, deployOptions);
  if (values.keygen) {
    const k = makeUpdateKeys(values["key-dir"] ?? defaultUpdateKeyDir());
    console.log(`private key: ${k.privateKey} (keep it offline; anyone holding it can update your devices)`);
    console.log(`public key:  ${k.publicKey}`);
    console.log(`build the base with it: npm run qemu -- --board <board> --app <app.ts> --updatable --update-key ${k.publicKey}`);
    return 0;
  }
  const boardName = values.board ?? DEFAULT_BOARD;
  loadBoard(boardName);
  if (values.app === undefined) throw new UserError("--app <entry.ts> is required: the app to deploy");
  const app = checkAppFile(values.app);
  const version = parseAppVersion(values["app-version"]);
  const baud = parseBaud(values.baud);
  if (values.baud !== undefined && values.port === undefined) throw new UserError("--baud is for --port (a serial device)");
  if (values.port !== undefined && values.socket !== undefined) throw new UserError("--port and --socket both name the console line: give one");
  if (values.port !== undefined && !existsSync(values.port)) throw new UserError(`--port ${values.port}: no such device`);
  const base = readBaseManifest(boardName);
  let privateKey;
  if (base.publicKey) privateKey = readPrivateKey(values.key ?? path.join(values["key-dir"] ?? defaultUpdateKeyDir(), PRIVATE_KEY_FILE));
  else if (values.key !== undefined) console.error("tsmetal: the base has no public key (built without --update-key): sending the unit unsigned");
  const unit = await buildAppUnit({ app, version, base, privateKey });
  const print = (t: string) => void process.stdout.write(t);
  let target: DeployTarget;
  if (values.port !== undefined) target = deployOverPort(values.port, baud, print);
  else target = await deployOverSocket(values.socket ?? consoleSocketPath(boardName), print);
  console.error(`tsmetal: sending ${displayPath(app)} as version ${version} (${unit.length} bytes${privateKey ? ", signed" : ""}; ${(unit.length * 10 / 115200).toFixed(1)} s at 115200 baud)`);
  try {
    const r = await target.session.send(unit);
    if (!r.ok) {
      console.error(`tsmetal: the device refused the update: ${r.why}`);
      return 1;
    }
    console.error(`tsmetal: the device accepted version ${r.version} and switched to it`);
    return 0;
  } finally {
    await target.stop();
  }
}
