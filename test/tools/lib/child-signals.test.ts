/**
 * tools/lib/child-signals.ts: a CLI process told to stop by a signal ends the children it owns
 * (a detached one's whole process group) and exits 128 + the signal; without an owned child the
 * signal keeps Node's default action.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { repoPath } from "../../../tools/lib/paths.ts";

/** A Node process that owns `sh -c 'sleep 60 & echo ...; wait'` (detached, as a group) and prints
    the shell's and the sleep's pids; with `own` false it spawns the same and does not own it. */
const SCRIPT = (own: boolean) => `
import { spawn } from "node:child_process";
import { endWithCli } from ${JSON.stringify(repoPath("tools/lib/child-signals.ts"))};
const c = spawn("sh", ["-c", "sleep 60 & echo $$ $!; wait"], { stdio: ["ignore", "pipe", "inherit"], detached: true });
${own ? "endWithCli(c, { group: true });" : ""}
c.stdout.pipe(process.stdout);
`;

/** Whether `pid` runs (a zombie waiting for init to reap it does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

async function run(signal: NodeJS.Signals, own: boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; left: number[] }> {
  const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT(own)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  p.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.on("close", (code, sig) => resolve({ code, signal: sig })));
  while (!/^\d+ \d+\n/.test(out)) {
    if (p.exitCode !== null) throw new Error(`the script ended: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const pids = out.trim().split(" ").map(Number);
  p.kill(signal);
  const r = await ended;
  // The sleep, orphaned when its shell ended, may take a moment to die.
  for (let i = 0; i < 20 && pids.some(running); i++) await new Promise((r) => setTimeout(r, 100));
  const left = pids.filter(running);
  // Only what this test started.
  for (const pid of left) process.kill(pid, "SIGKILL");
  return { ...r, left };
}

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130], ["SIGHUP", 129]] as const) {
  test(`${signal}: the owned child's process group is ended, then exit ${code}`, async () => {
    const r = await run(signal, true);
    assert.equal(r, { code, signal: null, left: [] });
  });
}

test("without an owned child a signal ends the process as before (and its group runs on)", async () => {
  const r = await run("SIGTERM", false);
  assert.is(r.signal, "SIGTERM");
  assert.is(r.left.length, 2);
});

test.run();
