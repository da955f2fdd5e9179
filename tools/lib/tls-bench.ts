/**
 * The TLS figures of `npm run bench` (tools/commands/bench.ts) from tools/bench/tls.ts, which
 * runs stacks/tls's server with no network (the client's records made in the firmware from
 * fixed keys, the server's random bytes fixed), counted by the insn-count plugin's hits on
 * js_performance_now, under -icount as ssh-bench.ts:
 *   tls_handshake_insns        the server's side of a full handshake with an Ed25519 certificate
 *                              (TLS_CHACHA20_POLY1305_SHA256, the server's preference): ClientHello
 *                              in, ServerHello and the encrypted flight out, then the client's
 *                              Finished in
 *   tls_insns_per_kib          per KiB of application data received in 16 KiB records
 *   tls_connection_heap_bytes  the heap the session holds once the handshake is done
 */
import path from "node:path";
import { buildFirmware } from "./build.ts";
import { insnCountQemuArgs, readInsnCount } from "./insn-count.ts";
import { repoPath } from "./paths.ts";
import { runQemu } from "./qemu.ts";
import { UserError } from "./errors.ts";
import { codeSymbols, symbolAddress } from "./symbols.ts";

const PERFORMANCE_NOW = "js_performance_now";

export interface TlsBenchResult {
  tls_handshake_insns: number;
  tls_insns_per_kib: number;
  tls_connection_heap_bytes: number;
}

export async function tlsBench(board: string, plugin: string, tmp: string): Promise<TlsBenchResult> {
  const fw = await buildFirmware({ board, app: repoPath("tools/bench/tls.ts") });
  const perfNow = symbolAddress(await codeSymbols(fw.board, fw.elf), PERFORMANCE_NOW);
  const out = path.join(tmp, "tls.json");
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 300, input: "", onOutput: () => {}, extraArgs: ["-icount", "shift=0,sleep=off", ...insnCountQemuArgs(plugin, out, { hits: [perfNow] })] });
  const line = /bench-tls heap (\d+) kib (\d+)/.exec(r.output);
  if (r.code !== 0 || !line) throw new UserError(`bench: tools/bench/tls.ts exited with ${r.code}:\n${r.output}${r.stderr}`);
  const m = (await readInsnCount(out)).hits.get(perfNow) ?? [];
  if (m.length < 7) throw new UserError(`bench: expected performance.now() 7 times in tools/bench/tls.ts, saw ${m.length}`);
  const s = m.slice(-6);
  return {
    tls_handshake_insns: s[1] - s[0] + (s[3] - s[2]),
    tls_insns_per_kib: Math.round((s[5] - s[4]) / Number(line[2])),
    tls_connection_heap_bytes: Number(line[1]),
  };
}
