/**
 * deploy_http_insns for `npm run bench -- --deploy` on boards with a network device
 * (docs/updates.md, "Figures"): as deploy_insns (tools/lib/deploy-bench.ts), the guest
 * instructions from the idle built-in app (tools/bench/deploy-http-base.ts) to the deployed app's
 * first statement (tools/bench/deploy-app.ts), with the same signed unit of a 64 KiB body, sent as
 * one HTTP PUT to a base built with --update-http (io/update/http.ts) through a slirp forward:
 * TCP receive, the HTTP server, the checks and the Ed25519 verification, the answer, the wait for
 * the connection's end and the switch. Under -icount the guest runs only while there is work.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildInsnCountPlugin, insnCountQemuArgs, readInsnCount } from "./insn-count.ts";
import { buildRoot, repoPath } from "./paths.ts";
import { loadBoard } from "./boards.ts";
import { runQemu } from "./qemu.ts";
import { UserError } from "./errors.ts";
import { codeSymbols, symbolAddress } from "./symbols.ts";
import { buildUpdatableFirmware } from "./update-base.ts";
import { makeUpdateKeys, readPrivateKey } from "./update-keys.ts";
import { appUnitOf, DEPLOY_BODY_BYTES } from "./deploy-bench.ts";
import { deployOverHttp } from "./deploy-http.ts";
import { freePort } from "./free-port.ts";
import type { DeployOutcome } from "./deploy-session.ts";

const PERFORMANCE_NOW = "js_performance_now";

export async function deployHttpInsns(board: string, plugin: string, tmp: string): Promise<{ deploy_http_insns: number }> {
  const keys = makeUpdateKeys(path.join(tmp, "deploy-keys"));
  const fw = await buildUpdatableFirmware({ board, app: repoPath("tools/bench/deploy-http-base.ts"), updateKey: keys.publicKey, out: path.join(tmp, "deploy-http-fw"), http: { port: 80 } });
  const unit = await appUnitOf(DEPLOY_BODY_BYTES, { version: 2, base: fw.base, privateKey: readPrivateKey(keys.privateKey) });
  const perfNow = symbolAddress(await codeSymbols(fw.board, fw.elf), PERFORMANCE_NOW);
  const out = path.join(tmp, "deploy-http.json");
  const port = await freePort();
  let seen = "";
  let sent: Promise<DeployOutcome> | undefined;
  const r = await runQemu({
    board: fw.board,
    elf: fw.elf,
    timeoutS: 600,
    input: "",
    forwards: [{ protocol: "tcp", hostPort: port, guestPort: 80 }],
    onOutput: (text) => {
      seen += text;
      if (sent === undefined && /^update: PUT /m.test(seen) && /^bench-deploy waiting$/m.test(seen)) {
        sent = deployOverHttp(unit, { host: "127.0.0.1", port, path: "/update", timeoutMs: 300_000 });
        sent.catch(() => undefined);
      }
    },
    extraArgs: ["-icount", "shift=0,sleep=off", ...insnCountQemuArgs(plugin, out, { hits: [perfNow] })],
  });
  const verdict = await sent;
  if (r.code !== 0 || !/bench-deploy switched \d+/.test(r.output) || !verdict?.ok) {
    throw new UserError(`bench: the HTTP deploy of ${unit.length} bytes did not switch (exit ${r.code}, ${JSON.stringify(verdict)}):\n${r.output}${r.stderr}`);
  }
  const marks = (await readInsnCount(out)).hits.get(perfNow) ?? [];
  if (marks.length < 3) throw new UserError(`bench: expected performance.now() 3 times in the HTTP deploy bench, saw ${marks.length}`);
  return { deploy_http_insns: marks[marks.length - 1] - marks[marks.length - 2] };
}

/** deploy_http_insns on a board with a network device under QEMU; nothing on the others. */
export async function deployHttpFigures(board: string): Promise<{ deploy_http_insns?: number }> {
  if (!loadBoard(board).qemu.network) return {};
  const plugin = await buildInsnCountPlugin(path.join(buildRoot, "host"));
  const tmp = await mkdtemp(path.join(os.tmpdir(), "tsmetal-deploy-http-bench-"));
  try {
    return await deployHttpInsns(board, plugin, tmp);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
