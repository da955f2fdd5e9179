/**
 * npm run qemu --gdb (and npm run linux --gdb: linux-amd64 under gdbserver, linux-arm and
 * linux-riscv64 on qemu-user's gdbstub): the guest waits for gdb-multiarch, and the command line the CLI prints,
 * run in batch mode, stops at the uncaught-exception report (tsmetal-break-uncaught) where `bt`
 * shows the C stack and tsmetal-bt the JS frames at the fixture's .ts lines. One board per arch.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fixture } from "./boot.ts";
import { freePort } from "../../tools/lib/free-port.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { inTempDir } from "../support/temp-dir.ts";

const test = suite("qemu --gdb");

interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end in a process group of its own, killed with its children (QEMU)
    after `timeoutS` or by `kill`. */
function runFor(command: string, args: string[], timeoutS: number): { done: Promise<Exited>; kill: () => void; stderrSoFar: () => string; exited: () => boolean } {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  let stdout = "", stderr = "", ended = false;
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const timer = setTimeout(() => killGroup("SIGKILL"), timeoutS * 1000);
  const done = new Promise<Exited>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      ended = true;
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  done.catch(() => undefined);
  return { done, kill: () => killGroup("SIGKILL"), stderrSoFar: () => stderr, exited: () => ended };
}

/** Whether something listens on 127.0.0.1:`port` (Linux /proc/net/tcp; state 0A is LISTEN),
    checked without connecting: QEMU's gdbstub takes one connection and would let the guest run
    when it closed. */
function listening(port: number, address?: string): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  return readFileSync("/proc/net/tcp", "utf8").split("\n").some((l) => {
    const f = l.trim().split(/\s+/);
    return (address === undefined ? f[1]?.endsWith(`:${hex}`) : f[1] === `${address}:${hex}`) && f[3] === "0A";
  });
}

/** Waits until `ok`, failing at once if `gone` (the command ended early, e.g. refusing --gdb). */
async function waitFor(what: string, ok: () => boolean, timeoutS: number, gone: () => string | null): Promise<void> {
  const end = Date.now() + timeoutS * 1000;
  while (!ok()) {
    const why = gone();
    if (why !== null) throw new Error(`ended while waiting for ${what}:\n${why}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const GDB_SCRIPT = ["set pagination off", "set confirm off", "tsmetal-break-uncaught", "continue", "bt", "echo ==js==\\n", "tsmetal-bt", "kill"].join("\n") + "\n";

// `npm run linux --gdb`: linux-amd64 under gdbserver, linux-arm and linux-riscv64 on qemu-user's own
// gdbstub, offered on the loopback port (docs/debugging.md, "Linux boards").
const BOARDS = [["qemu", "pizero"], ["qemu", "sifive_u"], ["qemu", "microvm"], ["linux", "linux-amd64"], ["linux", "linux-arm"], ["linux", "linux-riscv64"]] as const;
for (const [command, board] of BOARDS) {
  test(`${command} ${board}: gdb stops at the uncaught exception; bt and tsmetal-bt name the C and the .ts frames`, async () => {
    await inTempDir("tsmetal-gdb-", async (dir) => {
      const port = await freePort();
      const qemu = runFor(process.execPath, [repoPath("bin/tsmetal.mjs"), command, "--board", board, "--app", fixture("debug-throw.ts"), "--gdb", String(port), "--timeout", "120"], 150);
      try {
        const gone = () => (qemu.exited() ? qemu.stderrSoFar() : null);
        await waitFor("the gdb command line", () => /\n {2}gdb-multiarch .*\n/.test(qemu.stderrSoFar()), 120, gone);
        await waitFor(`the gdbstub on port ${port}`, () => listening(port), 30, gone);
        // On the loopback interface only (qemu-user's -g PORT, and gdbserver 13.1 given
        // 127.0.0.1:PORT, would take every interface: docs/debugging.md).
        assert.not.ok(listening(port, "00000000"), `port ${port} is open on every interface`);
        const line = /\n {2}(gdb-multiarch .*)\n/.exec(qemu.stderrSoFar())![1];
        assert.match(line, new RegExp(`-ex 'source ${repoPath("tools/gdb/tsmetal.py")}' -ex 'target (extended-)?remote :${port}'`));
        const script = path.join(dir, "session.gdb");
        writeFileSync(script, GDB_SCRIPT);
        const gdb = await runFor("bash", ["-c", `${line} -batch -x ${script}`], 90).done;
        const out = gdb.stdout + gdb.stderr;
        assert.match(out, /Breakpoint 1, tsm_report_exception \(/, out);
        const [cStack, jsStack] = out.split("==js==\n");
        assert.match(cStack, /#1 .* tsm_report_pending_exception /, out);
        const frames = jsStack.split("\n").filter((l) => l.startsWith("#"));
        assert.match(frames[1] ?? "", /^#1 +checkReading \(firmware\.js:\d+\) at test\/fixtures\/debug-throw\.ts:5$/, out);
        assert.match(frames[2] ?? "", /^#2 +average \(firmware\.js:\d+\) at test\/fixtures\/debug-throw\.ts:11$/, out);
        assert.match(frames[3] ?? "", /^#3 +<eval> \(firmware\.js:\d+\) at test\/fixtures\/debug-throw\.ts:15$/, out);
        // gdb's kill ends QEMU: the run does not wait for its timeout.
        const q = await qemu.done;
        assert.ok(q.code !== 124, q.stderr);
      } finally {
        qemu.kill();
        await qemu.done;
      }
    });
  });
}

test.run();
