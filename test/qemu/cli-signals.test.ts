/**
 * SIGTERM to the CLI of `npm run qemu` / `npm run linux` ends its emulator too, and the CLI exits
 * 143 (tools/lib/child-signals.ts). The emulator is found by pid among the CLI's children (other
 * engineers' QEMUs on the machine are none of this test's business) and checked gone by the same
 * pid and start time.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fixture } from "./boot.ts";
import { repoPath } from "../../tools/lib/paths.ts";

const test = suite("CLI ends its emulator on SIGTERM");

/** The direct children of `pid` (Linux /proc/PID/task/TID/children). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/** A process's identity: pid and start time (stat field 22), so a reused pid is not taken for it. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After the ")" that ends the command name: field 3 onwards; the start time is field 22.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

const command = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
  } catch {
    return "";
  }
};

for (const [cmd, board, emulator] of [["qemu", "pizero", /qemu-system-arm$/], ["linux", "linux-arm", /qemu-arm-static$/]] as const) {
  test(`${cmd} --board ${board}: SIGTERM ends ${emulator.source.slice(0, -1)} and the CLI exits 143`, async () => {
    const cli = spawn(process.execPath, [repoPath("bin/tsmetal.mjs"), cmd, "--board", board, "--app", fixture("forever.ts"), "--timeout", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    cli.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    cli.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => cli.on("close", (code, signal) => resolve({ code, signal })));
    const emulators: { pid: number; start: string | undefined }[] = [];
    try {
      const deadline = Date.now() + 240_000;
      while (!out.includes("running until stopped")) {
        if (cli.exitCode !== null || Date.now() > deadline) throw new Error(`no firmware output:\n${out}${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const pid of childrenOf(cli.pid!)) if (emulator.test(command(pid))) emulators.push({ pid, start: startTime(pid) });
      assert.is(emulators.length, 1, `the CLI's children: ${childrenOf(cli.pid!).map(command).join(", ")}`);
      cli.kill("SIGTERM");
      const killer = setTimeout(() => cli.kill("SIGKILL"), 30_000);
      const r = await exited;
      clearTimeout(killer);
      // The emulator was ended (and reaped) before the CLI exited.
      for (const e of emulators) assert.ok(!existsSync(`/proc/${e.pid}`) || startTime(e.pid) !== e.start, `${cmd}'s emulator (pid ${e.pid}) still runs`);
      assert.equal(r, { code: 143, signal: null }, err);
    } finally {
      // Only what this test started: the CLI and the emulator it spawned, by pid.
      for (const e of emulators) if (startTime(e.pid) === e.start) process.kill(e.pid, "SIGKILL");
      if (cli.exitCode === null && cli.signalCode === null) cli.kill("SIGKILL");
      await exited;
    }
  });
}

test.run();
