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
import { buildUpdatableFirmware, writeBaseManifest } from "../lib/update-base.ts";
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
}

/** The confirm time in ms from --confirm-s (0.1 to 3600 s). */
export function parseConfirmS(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || s < 0.1 || s > 3600) throw new UserError(`--confirm-s takes seconds from 0.1 to 3600; got '${text}'`);
  return Math.round(s * 1000);
}

export async function qemuUpdatable(board: string, values: UpdatableValues, timeoutS: number, forwards: readonly Forward[] | undefined): Promise<number> {
  for (const o of ["screenshot", "gdb", "disk", "define"] as const) {
    if (values[o] !== undefined) throw new UserError(`--updatable does not take --${o} yet (docs/updates.md, "Not done")`);
  }
  const confirmMs = parseConfirmS(values["confirm-s"]);
  const appVersion = values["app-version"] === undefined ? 1 : parseAppVersion(values["app-version"]);
  const base = firmwareOptions(board, values);
  const fw = await buildUpdatableFirmware({ ...base, app: base.app ?? defaultApp(), appVersion, updateKey: values["update-key"], confirmMs });
  writeBaseManifest(fw);
  const file = consoleSocketPath(board);
  const con = await serveConsole(file);
  console.error(`tsmetal: app version ${appVersion}${fw.base.publicKey ? ", signed updates only" : ", unsigned updates accepted (no --update-key)"}; deploy with npm run deploy -- --board ${board} --app <app.ts> (console on ${displayPath(file)})`);
  if (!process.stdin.isTTY) process.stdin.pipe(con.input, { end: false });
  else process.stdin.on("data", (d) => con.input.write(d));
  try {
    const r = await runQemu({
      board: fw.board,
      elf: fw.elf,
      timeoutS,
      mapLine: loadLineMapper(fw.bundles),
      forwards,
      input: con.input,
      inputAfter: "\x1eUPDATE ready",
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
