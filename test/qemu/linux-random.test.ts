// crypto.getRandomValues() on the Linux boards from getrandom(2) (hal/arch/linux/random.c),
// through `npm run linux`: on linux-amd64 under the seccomp filter, which must allow the call (a
// refused one kills the process with SIGSYS), and on linux-arm and linux-riscv64 under qemu-user.
// Before, every board answered "this board has no random number source".
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { repoPath } from "../../tools/lib/paths.ts";

const test = suite("crypto.getRandomValues on Linux boards");

function runRandom(board: string): string {
  const r = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "linux", "--board", board, "--app", repoPath("test/fixtures/linux-random.ts"), "--timeout", "120"], {
    encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300_000,
  });
  const all = `${r.stdout}${r.stderr}`;
  assert.is(r.status, 0, all);
  // Web Crypto's quota: more than 65,536 bytes is a QuotaExceededError (runtime/crypto.ts).
  assert.match(r.stdout, /^quota: QuotaExceededError$/m, all);
  assert.match(r.stdout, /^max: filled$/m, all);
  const m = /^random ([0-9a-f]{32})$/m.exec(r.stdout);
  assert.ok(m, all);
  return m![1];
}

for (const board of ["linux-amd64", "linux-arm", "linux-riscv64"]) {
  test(`${board}: two runs draw different bytes, and the quota holds`, () => {
    const a = runRandom(board);
    const b = runRandom(board);
    assert.is.not(a, b, `${board} drew ${a} twice`);
    assert.is.not(a, "0".repeat(32));
  });
}

test.run();
