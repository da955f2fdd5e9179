// --timeout 0 means no timeout for the commands that run a firmware: the run goes to the
// firmware's own end. Infinity reached setTimeout as 1 ms before runQemu/runLinux guarded it,
// which would have stopped every run at once with 124.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { repoPath } from "../../tools/lib/paths.ts";

const test = suite("--timeout 0");

const cli = (args: string[]) =>
  spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 });

for (const [command, board] of [["qemu", "pizero"], ["linux", "linux-amd64"], ["sim", "pizero"]]) {
  test(`${command} --timeout 0 runs ${board} to the firmware's exit`, () => {
    const r = cli([command, "--board", board, "--app", repoPath("firmware-template/src/main.ts"), "--timeout", "0"]);
    const all = `${r.stdout}${r.stderr}`;
    assert.is(r.status, 0, all);
    assert.match(r.stdout, /Hello from TypeScript/, all);
    assert.not.match(r.stderr, /did not finish/, all);
  });
}

test.run();
