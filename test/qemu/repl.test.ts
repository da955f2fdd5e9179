// npm run repl: a session scripted over QEMU's serial line through the CLI with piped standard
// input (test/support/repl-cli.ts: declarations persisting, inspect, top-level await, an error's
// line, Ctrl-C stopping `while (true) {}` with the next input still working, .load, .exit with 0,
// no eval on the device), and a damaged frame refused through the module API
// (tools/lib/repl-target.ts). docs/repl.md.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { repoPath } from "../../tools/lib/paths.ts";
import { buildReplFirmware, replUnderQemu } from "../../tools/lib/repl-target.ts";
import { encodeFrame } from "../../io/repl/frame.ts";
import { qemuArgs } from "../../tools/lib/qemu.ts";
import { requireTool } from "../../tools/lib/toolchain.ts";
import { assertNoEval, assertSession, NO_EVAL_STEPS, replCli, SESSION_STEPS } from "../support/repl-cli.ts";

const test = suite("repl");

for (const board of ["pizero", "microvm"]) {
  test(`${board}: a scripted session`, async () => {
    // Built first, so that the CLI's session does not wait on a cold engine build.
    await buildReplFirmware(board);
    const r = await replCli(["--board", board], [...SESSION_STEPS, ...NO_EVAL_STEPS, ".exit"]);
    assertSession(r);
    assertNoEval(r);
  });
}

test("pizero: a damaged frame is refused, not run, and the next input runs", async () => {
  const fw = await buildReplFirmware("pizero");
  let out = "";
  const t = await replUnderQemu(fw, (s) => (out += s), 120);
  try {
    await t.session.ready();
    const frame = encodeFrame(new TextEncoder().encode("not bytecode at all"));
    const body = frame.slice();
    body[body.length - 1] ^= 0x40;
    assert.is(await t.session.send(body), "refused", out);
    assert.match(out, /the device refused the input: frame checksum mismatch/, out);
    const header = frame.slice();
    header[5] ^= 0x01;
    assert.is(await t.session.send(header), "refused", out);
    assert.match(out, /frame header check failed/, out);
    // An intact frame whose payload is not a tsmetal image: the engine's image check refuses it.
    assert.is(await t.session.send(frame), "done", out);
    assert.match(out, /Uncaught TypeError: refusing REPL input: /, out);
    assert.is(await t.session.evaluate("6 * 7"), "done", out);
    assert.match(out, /^42$/m, out);
  } finally {
    await t.stop();
  }
});

test("pizero: --port talks to a board on a serial device (QEMU's serial on a pty)", async () => {
  const fw = await buildReplFirmware("pizero");
  const args = qemuArgs(fw.board, fw.elf);
  const at = args.findIndex((a, i) => a === "stdio" && args[i - 1] === "-serial");
  args[at] = "pty";
  const qemu = spawn(await requireTool(fw.board.target.qemu), args, { stdio: ["ignore", "pipe", "pipe"] });
  // A backstop: QEMU must not outlive the test.
  const kill = setTimeout(() => qemu.kill("SIGKILL"), 120_000);
  try {
    let qemuText = "";
    const pty = await new Promise<string>((resolve, reject) => {
      const look = (c: string) => {
        qemuText += c;
        const m = /char device redirected to (\/dev\/pts\/\d+)/.exec(qemuText);
        if (m) resolve(m[1]);
      };
      qemu.stdout.setEncoding("utf8").on("data", look);
      qemu.stderr.setEncoding("utf8").on("data", look);
      qemu.on("close", () => reject(new Error(`QEMU ended: ${qemuText}`)));
    });
    // The agent prints "ready" to nobody: give the firmware time to boot before the first frame.
    await new Promise((r) => setTimeout(r, 3000));
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [repoPath("bin/tsmetal.mjs"), "repl", "--board", "pizero", "--port", pty, "--baud", "115200"], { stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "", stderr = "";
      child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
      child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
      const backstop = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(backstop);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end("const viaPort = 6\nviaPort * 7\n.exit\n");
    });
    const all = `${r.stdout}\n--- stderr\n${r.stderr}`;
    assert.is(r.code, 0, all);
    assert.match(r.stdout, /^42$/m, all);
  } finally {
    clearTimeout(kill);
    qemu.kill("SIGTERM");
  }
});

test.run();
