/**
 * deploy_insns for `npm run bench -- --deploy` (docs/updates.md): the guest instructions from the
 * built-in app's last performance.now() (tools/bench/deploy-base.ts, then idle) to the deployed
 * app's first (tools/bench/deploy-app.ts): receiving a signed unit with a 64 KiB body over the
 * console, checking it (CRCs, fingerprints, Ed25519) and switching to it. The frames are sent at
 * once, without waiting for the agent's answers (which go unread): under -icount the guest only
 * runs while there is work, so the count is the agent's work, plus a little for how the host
 * pipe happens to split the bytes into receive interrupts.
 */
import { writeFileSync } from "node:fs";
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
import { compileScript } from "./repl-compile.ts";
import { bundleAppScript, wrapAppImage } from "./app-unit.ts";
import { makeUpdateKeys, readPrivateKey } from "./update-keys.ts";
import { encodeFrame } from "../../io/repl/frame.ts";
import { beginPayload, CHUNK_SIZE, dataPayload, endPayload } from "../../io/update/transfer.ts";
import { UNIT_HEADER_SIZE } from "../../io/update/unit.ts";

const PERFORMANCE_NOW = "js_performance_now";
export const DEPLOY_BODY_BYTES = 64 * 1024;

/** Every frame of one transfer, back to back. */
export function transferFrames(unit: Uint8Array): Buffer {
  const frames = [encodeFrame(beginPayload(unit.length))];
  for (let at = 0; at < unit.length; at += CHUNK_SIZE) frames.push(encodeFrame(dataPayload(at, unit.subarray(at, at + CHUNK_SIZE))));
  frames.push(encodeFrame(endPayload(unit.length)));
  return Buffer.concat(frames);
}

/** A unit of the deployed bench app whose body (its bytecode image) is exactly `bytes` long. */
export async function appUnitOf(bytes: number, base: Parameters<typeof wrapAppImage>[1]): Promise<Uint8Array> {
  const js = await bundleAppScript(repoPath("tools/bench/deploy-app.ts"));
  const image = (pad: number) => compileScript(`var PAYLOAD = ${JSON.stringify("x".repeat(pad))};\n${js}`, "deploy-app.js");
  const small = (await image(0)).length;
  // A string of n one-byte characters adds n bytes (plus its length's encoding): close in, then exact.
  let pad = bytes - small;
  let img = await image(pad);
  for (let i = 0; i < 4 && img.length !== bytes; i++) img = await image((pad += bytes - img.length));
  return wrapAppImage(img, base);
}

/** `signed`: a base with a key and a signed unit (the figure); false isolates the signature's share. */
export async function deployInsns(board: string, plugin: string, tmp: string, signed = true): Promise<{ deploy_insns: number; deploy_unit_bytes: number }> {
  const keys = signed ? makeUpdateKeys(path.join(tmp, "deploy-keys")) : undefined;
  const fw = await buildUpdatableFirmware({ board, app: repoPath("tools/bench/deploy-base.ts"), updateKey: keys?.publicKey, out: path.join(tmp, "deploy-fw") });
  const unit = await appUnitOf(DEPLOY_BODY_BYTES, { version: 2, base: fw.base, privateKey: keys && readPrivateKey(keys.privateKey) });
  const perfNow = symbolAddress(await codeSymbols(fw.board, fw.elf), PERFORMANCE_NOW);
  const out = path.join(tmp, "deploy.json");
  writeFileSync(path.join(tmp, "deploy.unit"), unit);
  const r = await runQemu({
    board: fw.board,
    elf: fw.elf,
    timeoutS: 600,
    input: transferFrames(unit),
    inputAfter: "bench-deploy waiting",
    onOutput: () => {},
    extraArgs: ["-icount", "shift=0,sleep=off", ...insnCountQemuArgs(plugin, out, { hits: [perfNow] })],
  });
  if (r.code !== 0 || !/bench-deploy switched \d+/.test(r.output)) throw new UserError(`bench: the deploy of ${unit.length} bytes did not switch (exit ${r.code}):\n${r.output}${r.stderr}`);
  const marks = (await readInsnCount(out)).hits.get(perfNow) ?? [];
  if (marks.length < 3) throw new UserError(`bench: expected performance.now() 3 times in the deploy bench, saw ${marks.length}`);
  if (unit.length - UNIT_HEADER_SIZE !== DEPLOY_BODY_BYTES) throw new UserError(`bench: the deploy unit's body is ${unit.length - UNIT_HEADER_SIZE} bytes, not ${DEPLOY_BODY_BYTES}`);
  return { deploy_insns: marks[marks.length - 1] - marks[marks.length - 2], deploy_unit_bytes: unit.length };
}

/** `npm run bench -- --deploy`: deploy_insns and the unit's size, in a temporary folder of their own. */
export async function deployFigures(board: string): Promise<{ deploy_insns: number; deploy_unit_bytes: number }> {
  if (loadBoard(board).target.linux) throw new UserError(`--deploy: the Linux board '${board}' has no update agent yet (docs/updates.md, "Not done")`);
  const plugin = await buildInsnCountPlugin(path.join(buildRoot, "host"));
  const tmp = await mkdtemp(path.join(os.tmpdir(), "tsmetal-deploy-bench-"));
  try {
    return await deployInsns(board, plugin, tmp);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
