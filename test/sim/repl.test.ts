// npm run repl -- --sim: the REPL firmware's agent on the simulator's machine (tools/sim/repl.ts),
// with the session every REPL target runs (test/support/repl-cli.ts): declarations persisting,
// top-level await, inspect, an error at the input's line, Ctrl-C stopping a runaway loop through
// QuickJS's interrupt handler in the worker, .load, .exit. Then damaged frames through the module
// API, and the refusals of the command line. docs/repl.md, "In the simulator".
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { repoPath } from "../../tools/lib/paths.ts";
import { encodeFrame } from "../../io/repl/frame.ts";
import { replUnderSim } from "../../tools/sim/repl.ts";
import { simReplPayload } from "../../tools/sim/repl-host.ts";
import { assertSession, replCli, SESSION_STEPS } from "../support/repl-cli.ts";

const test = suite("repl --sim");

test("pizero: a scripted session", async () => {
  const r = await replCli(["--board", "pizero", "--sim"], [...SESSION_STEPS, ".exit"]);
  assertSession(r);
});

test("microvm: damaged frames and foreign payloads are refused, not run, and the next input runs", async () => {
  let out = "";
  const t = await replUnderSim("microvm", (s) => (out += s), 120);
  try {
    await t.session.ready();
    const frame = encodeFrame(simReplPayload("repl-input-99.js", "globalThis.ran = 1;"));
    const body = frame.slice();
    body[body.length - 1] ^= 0x40;
    assert.is(await t.session.send(body), "refused", out);
    assert.match(out, /the device refused the input: frame checksum mismatch/, out);
    // Bytecode (here: no NUL after a name) is not what the simulator runs.
    assert.is(await t.session.send(encodeFrame(new TextEncoder().encode("not a script"))), "done", out);
    assert.match(out, /Uncaught TypeError: refusing REPL input: not a simulator payload/, out);
    assert.is(await t.session.evaluate("typeof ran"), "done", out);
    assert.match(out, /^'undefined'$/m, out);
    assert.is(await t.session.evaluate("6 * 7"), "done", out);
    assert.match(out, /^42$/m, out);
  } finally {
    const r = await t.stop();
    assert.ok(r?.stopped, "stopped by the session");
  }
});

test("--sim refuses a Linux board and --port, before anything is built", () => {
  const run = (args: string[]) => spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "repl", ...args], { encoding: "utf8", timeout: 60_000 });
  const linux = run(["--board", "linux-amd64", "--sim"]);
  assert.is(linux.status, 1, linux.stderr);
  assert.match(linux.stderr, /--sim: 'linux-amd64' is a Linux userspace board, which the simulator does not run .*; npm run repl -- --board linux-amd64 runs its REPL as a process/, linux.stderr);
  const port = run(["--board", "pizero", "--sim", "--port", "/dev/null"]);
  assert.is(port.status, 1, port.stderr);
  assert.match(port.stderr, /--sim runs the board's machine here, --port talks to a real board/, port.stderr);
});

test.run();
