/**
 * npm run deploy -- --board B --app src/main.ts: builds the app as a unit for the updatable base
 * last built for the board (tools/lib/app-unit.ts, build/<board>/update-base.json), signs it when
 * the base has a public key, and sends it over the console line to the running firmware's update
 * agent (tools/lib/deploy-session.ts): QEMU started with `npm run qemu -- --updatable` (its
 * console socket), or a board behind --port; or over the network with --to: an HTTP PUT to the
 * base's --update-http endpoint (tools/lib/deploy-http.ts) or its --update-ssh `update` command
 * through OpenSSH (tools/lib/deploy-ssh.ts). `--keygen` makes the signing key pair.
 * docs/updates.md.
 */
import path from "node:path";
import { existsSync, writeFileSync } from "node:fs";
import { DEFAULT_BOARD, loadBoard } from "../lib/boards.ts";
import { parseOptions, checkAppFile } from "../lib/options.ts";
import { UserError } from "../lib/errors.ts";
import { buildAppUnit } from "../lib/app-unit.ts";
import { readBaseManifest } from "../lib/update-base.ts";
import { defaultUpdateKeyDir, makeUpdateKeys, PRIVATE_KEY_FILE, readPrivateKey } from "../lib/update-keys.ts";
import { consoleSocketPath } from "../lib/console-socket.ts";
import { deployOverPort, deployOverSocket, type DeployTarget } from "../lib/deploy-target.ts";
import { displayPath } from "../lib/paths.ts";
import { parseDeployTo, type DeployTo } from "../lib/deploy-to.ts";
import { deployOverHttp } from "../lib/deploy-http.ts";
import { deployOverSsh } from "../lib/deploy-ssh.ts";
import type { DeployOutcome } from "../lib/deploy-session.ts";

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
  // Over the network (docs/updates.md, "Over HTTP", "Over SSH").
  to: { type: "string" },
  base: { type: "string" },
  "write-unit": { type: "string" },
  identity: { type: "string" },
  "known-hosts": { type: "string" },
  timeout: { type: "string" },
} as const;

/** --timeout for a network deploy: seconds from 1 to 3600 (default 120: the device verifies the signature before it answers). */
export function parseDeployTimeout(text: string | undefined): number {
  if (text === undefined) return 120_000;
  const s = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || s < 1 || s > 3600) throw new UserError(`--timeout takes seconds from 1 to 3600; got '${text}'`);
  return Math.round(s * 1000);
}

/** The options that belong to one way of reaching the device, refused with the other. */
function checkReach(values: { "write-unit"?: string; to?: string; port?: string; socket?: string; baud?: string; identity?: string; "known-hosts"?: string; timeout?: string }, to: DeployTo | undefined): void {
  if (values["write-unit"] !== undefined && (to || values.port !== undefined || values.socket !== undefined)) throw new UserError("--write-unit writes the unit to a file and sends nothing: give it without --to, --port or --socket");
  if (to) {
    for (const o of ["port", "socket", "baud"] as const) if (values[o] !== undefined) throw new UserError(`--${o} is for the console line; --to sends over the network`);
  } else if (values.timeout !== undefined) throw new UserError("--timeout is for --to (a network deploy)");
  if (to?.kind !== "ssh") for (const o of ["identity", "known-hosts"] as const) if (values[o] !== undefined) throw new UserError(`--${o} is for --to ssh://user@host:port`);
  for (const o of ["identity", "known-hosts"] as const) {
    const f = values[o];
    if (f !== undefined && !existsSync(f)) throw new UserError(`--${o} ${f}: no such file`);
  }
}

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
  const to = values.to === undefined ? undefined : parseDeployTo(values.to);
  checkReach(values, to);
  const timeoutMs = parseDeployTimeout(values.timeout);
  const version = parseAppVersion(values["app-version"]);
  const baud = parseBaud(values.baud);
  if (values.baud !== undefined && values.port === undefined) throw new UserError("--baud is for --port (a serial device)");
  if (values.port !== undefined && values.socket !== undefined) throw new UserError("--port and --socket both name the console line: give one");
  if (values.port !== undefined && !existsSync(values.port)) throw new UserError(`--port ${values.port}: no such device`);
  if (values.base !== undefined && !existsSync(values.base)) throw new UserError(`--base ${values.base}: no such file`);
  const base = readBaseManifest(boardName, values.base);
  let privateKey;
  if (base.publicKey) privateKey = readPrivateKey(values.key ?? path.join(values["key-dir"] ?? defaultUpdateKeyDir(), PRIVATE_KEY_FILE));
  else if (values.key !== undefined) console.error("tsmetal: the base has no public key (built without --update-key): sending the unit unsigned");
  const unit = await buildAppUnit({ app, version, base, privateKey });
  if (values["write-unit"] !== undefined) {
    // The unit as a file: for `curl -T` or `ssh … update <`, or to carry from an offline signer.
    writeFileSync(values["write-unit"], unit);
    console.error(`tsmetal: wrote ${displayPath(app)} as version ${version} (${unit.length} bytes${privateKey ? ", signed" : ""}) to ${values["write-unit"]}; nothing sent`);
    return 0;
  }
  if (to) {
    console.error(`tsmetal: sending ${displayPath(app)} as version ${version} (${unit.length} bytes${privateKey ? ", signed" : ""}) to ${to.url}`);
    const r = to.kind === "http" ? await deployOverHttp(unit, { ...to, timeoutMs }) : await deployOverSsh(unit, { ...to, identity: values.identity, knownHosts: values["known-hosts"], timeoutMs });
    return reportOutcome(r);
  }
  const print = (t: string) => void process.stdout.write(t);
  let target: DeployTarget;
  if (values.port !== undefined) target = deployOverPort(values.port, baud, print);
  else target = await deployOverSocket(values.socket ?? consoleSocketPath(boardName), print);
  console.error(`tsmetal: sending ${displayPath(app)} as version ${version} (${unit.length} bytes${privateKey ? ", signed" : ""}; ${(unit.length * 10 / 115200).toFixed(1)} s at 115200 baud)`);
  try {
    return reportOutcome(await target.session.send(unit));
  } finally {
    await target.stop();
  }
}

function reportOutcome(r: DeployOutcome): number {
  if (!r.ok) {
    console.error(`tsmetal: the device refused the update: ${r.why}`);
    return 1;
  }
  console.error(`tsmetal: the device accepted version ${r.version} and switched to it`);
  return 0;
}
