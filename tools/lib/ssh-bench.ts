/**
 * ssh_kex_insns for `npm run bench` (tools/commands/bench.ts): the guest instructions of the
 * server's side of one SSH key exchange, between the last two performance.now() marks of
 * tools/bench/ssh-kex.ts (no network: the client's messages are fixed bytes, so the count is the
 * same every run). Counted by the insn-count plugin's hits on js_performance_now. Under
 * -icount, as the loop figures: guest time follows the instruction count, so the clock's set-up
 * at the first performance.now() (calibrated against a timer in wall time without it) and any
 * timer interrupt land the same way every run.
 */
import path from "node:path";
import { buildFirmware } from "./build.ts";
import { insnCountQemuArgs, readInsnCount } from "./insn-count.ts";
import { repoPath } from "./paths.ts";
import { runQemu } from "./qemu.ts";
import { UserError } from "./errors.ts";
import { codeSymbols, symbolAddress } from "./symbols.ts";

const PERFORMANCE_NOW = "js_performance_now";

export async function sshKexInsns(board: string, plugin: string, tmp: string): Promise<number> {
  const fw = await buildFirmware({ board, app: repoPath("tools/bench/ssh-kex.ts") });
  const perfNow = symbolAddress(await codeSymbols(fw.board, fw.elf), PERFORMANCE_NOW);
  const out = path.join(tmp, "ssh-kex.json");
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 300, input: "", onOutput: () => {}, extraArgs: ["-icount", "shift=0,sleep=off", ...insnCountQemuArgs(plugin, out, { hits: [perfNow] })] });
  if (r.code !== 0 || !/bench-ssh-kex \d+ bytes/.test(r.output)) throw new UserError(`bench: tools/bench/ssh-kex.ts exited with ${r.code}:\n${r.output}${r.stderr}`);
  const marks = (await readInsnCount(out)).hits.get(perfNow) ?? [];
  if (marks.length < 3) throw new UserError(`bench: expected performance.now() 3 times in tools/bench/ssh-kex.ts, saw ${marks.length}`);
  return marks[marks.length - 1] - marks[marks.length - 2];
}
