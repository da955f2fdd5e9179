/**
 * npm run qemu -- --updatable (docs/updates.md): the app built as a unit beside the update agent
 * (tools/lib/update-base.ts), booted with its console also on build/<board>/console.sock, where
 * `npm run deploy` sends new app units (tools/lib/console-socket.ts).
 */
import { runQemu } from "../lib/qemu.ts";
import { defaultApp } from "../lib/build.ts";
import { loadLineMapper } from "../lib/source-map.ts";
import { UserError } from "../lib/errors.ts";
import { displayPath } from "../lib/paths.ts";
import { buildUpdatableFirmware, writeBaseManifest, type UpdateHttpService, type UpdateSshService } from "../lib/update-base.ts";
import { defaultKeyDir, ensureHostKey, hostKeyStrings, readAuthorizedKeys } from "../lib/ssh-keys.ts";
import { existsSync, readFileSync } from "node:fs";
import { consoleSocketPath, serveConsole } from "../lib/console-socket.ts";
import { parseAppVersion } from "./deploy.ts";
import { firmwareOptions } from "./build.ts";
import type { Forward } from "../lib/forward.ts";

export interface UpdatableValues {
  readonly board?: string;
  readonly app?: string;
  readonly out?: string;
  readonly "enable-eval"?: boolean;
  readonly "memory-limit"?: string;
  readonly "max-job-ms"?: string;
  readonly define?: string[];
  readonly "update-key"?: string;
  readonly "app-version"?: string;
  readonly "confirm-s"?: string;
  readonly screenshot?: string;
  readonly gdb?: string;
  readonly disk?: string;
  readonly "update-http"?: string;
  readonly "update-ssh"?: string;
  readonly "ssh-host-key"?: string;
  readonly "authorized-keys"?: string;
}

/** --update-http <port>[/<path>]: the HTTP update endpoint (default path /update). */
export function parseUpdateHttp(text: string | undefined): UpdateHttpService | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d{1,5})(\/.*)?$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) throw new UserError(`--update-http takes <port>[/<path>], e.g. 80 or 80/update; got '${text}'`);
  return { port: Number(m[1]), path: m[2] ?? "/update" };
}

/** --update-ssh <port> with the host key (--ssh-host-key, else npm run ssh-keys's) and the keys that may deploy (--authorized-keys, else ~/.ssh/*.pub). */
export function parseUpdateSsh(values: UpdatableValues): UpdateSshService | undefined {
  const text = values["update-ssh"];
  if (text === undefined) {
    for (const o of ["ssh-host-key", "authorized-keys"] as const) if (values[o] !== undefined) throw new UserError(`--${o} is for --update-ssh`);
    return undefined;
  }
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new UserError(`--update-ssh takes a port, e.g. 22; got '${text}'`);
  const keyFile = values["ssh-host-key"];
  if (keyFile !== undefined && !existsSync(keyFile)) throw new UserError(`--ssh-host-key ${keyFile}: no such file`);
  const hostKey = keyFile !== undefined ? hostKeyStrings(readFileSync(keyFile, "utf8"), keyFile).define : ensureHostKey(defaultKeyDir()).define;
  const authorizedKeys = readAuthorizedKeys(values["authorized-keys"]).lines.join("\n");
  return { port: Number(text), hostKey, authorizedKeys };
}

/** The confirm time in ms from --confirm-s (0.1 to 3600 s). */
export function parseConfirmS(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || s < 0.1 || s > 3600) throw new UserError(`--confirm-s takes seconds from 0.1 to 3600; got '${text}'`);
  return Math.round(s * 1000);
}

/** Where the network transports are reached from this host, or that no --forward reaches them. */
export function networkHints(http: UpdateHttpService | undefined, ssh: UpdateSshService | undefined, forwards: readonly Forward[]): string[] {
  const lines: string[] = [];
  const hostPort = (guest: number) => forwards.find((f) => f.protocol === "tcp" && f.guestPort === guest)?.hostPort;
  if (http) {
    const p = hostPort(http.port);
    lines.push(p === undefined ? `tsmetal: the HTTP update endpoint is on guest port ${http.port}, which no --forward reaches (add --forward tcp:8080:${http.port})` : `tsmetal: deploy over HTTP with --to http://127.0.0.1:${p}${http.path ?? "/update"}`);
  }
  if (ssh) {
    const p = hostPort(ssh.port);
    lines.push(p === undefined ? `tsmetal: the SSH update command is on guest port ${ssh.port}, which no --forward reaches (add --forward tcp:2222:${ssh.port})` : `tsmetal: deploy over SSH with --to ssh://<user>@127.0.0.1:${p}`);
  }
  return lines;
}

export async function qemuUpdatable(board: string, values: UpdatableValues, timeoutS: number, forwards: readonly Forward[] | undefined): Promise<number> {
  for (const o of ["screenshot", "gdb", "define"] as const) {
    if (values[o] !== undefined) throw new UserError(`--updatable does not take --${o} yet (docs/updates.md, "Not done")`);
  }
  const confirmMs = parseConfirmS(values["confirm-s"]);
  const appVersion = values["app-version"] === undefined ? 1 : parseAppVersion(values["app-version"]);
  const base = firmwareOptions(board, values);
  const http = parseUpdateHttp(values["update-http"]);
  const ssh = parseUpdateSsh(values);
  const fw = await buildUpdatableFirmware({ ...base, app: base.app ?? defaultApp(), appVersion, updateKey: values["update-key"], confirmMs, http, ssh, keep: values.disk !== undefined });
  writeBaseManifest(fw);
  const file = consoleSocketPath(board);
  const con = await serveConsole(file);
  console.error(`tsmetal: app version ${appVersion}${fw.base.publicKey ? ", signed updates only" : ", unsigned updates accepted (no --update-key)"}; deploy with npm run deploy -- --board ${board} --app <app.ts> (console on ${displayPath(file)})`);
  for (const line of networkHints(http, ssh, forwards ?? [])) console.error(line);
  if (!process.stdin.isTTY) process.stdin.pipe(con.input, { end: false });
  else process.stdin.on("data", (d) => con.input.write(d));
  try {
    const r = await runQemu({
      board: fw.board,
      elf: fw.elf,
      timeoutS,
      mapLine: loadLineMapper(fw.bundles),
      // The network transports need the NIC even with nothing forwarded.
      forwards: forwards ?? (http || ssh ? [] : undefined),
      input: con.input,
      inputAfter: "\x1eUPDATE ready",
      // With a disk the base keeps confirmed apps on it for the next boot (docs/updates.md).
      disk: values.disk,
      onOutput: (text) => {
        process.stdout.write(text);
        con.output(text);
      },
    });
    if (r.stderr.trim()) process.stderr.write(r.stderr);
    if (r.timedOut) console.error(`tsmetal: QEMU did not finish within ${timeoutS} s (--timeout); stopped it`);
    return r.code;
  } finally {
    con.close();
    process.stdin.unpipe(con.input);
    process.stdin.pause();
  }
}
