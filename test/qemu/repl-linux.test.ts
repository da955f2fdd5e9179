// npm run repl on the Linux boards (docs/repl.md, "Where it runs"): the REPL firmware as a process,
// natively (linux-amd64, under its seccomp filter) and under qemu-user (linux-riscv64), with the
// session every REPL target runs (test/support/repl-cli.ts). Its Ctrl-C stops `while (true) {}`,
// a loop that touches no register: the engine's interrupt handler polls the register space's
// notification pipe there (tsm_arch_poll_irq, hal/arch/linux/registers.c).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { repoPath } from "../../tools/lib/paths.ts";
import { buildReplFirmware } from "../../tools/lib/repl-target.ts";
import { assertNoEval, assertSession, NO_EVAL_STEPS, replCli, SESSION_STEPS } from "../support/repl-cli.ts";

const test = suite("repl on the Linux boards");

for (const board of ["linux-amd64", "linux-riscv64"]) {
  test(`${board}: a scripted session`, async () => {
    // Built first, so that the CLI's session does not wait on a cold engine build.
    await buildReplFirmware(board);
    const r = await replCli(["--board", board], [...SESSION_STEPS, ...NO_EVAL_STEPS, ".exit"]);
    assertSession(r);
    assertNoEval(r);
    // Natively the filter is in place: no warning that it is not.
    if (board === "linux-amd64") assert.not.match(r.stderr, /no seccomp filter/, r.stderr);
  });
}

test("--port with a Linux board is refused before anything is built", () => {
  const r = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "repl", "--board", "linux-amd64", "--port", "/dev/null"], { encoding: "utf8", timeout: 60_000 });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /--port is for a board on a serial line; 'linux-amd64' is a Linux userspace board/, r.stderr);
});

test.run();
