// Piped input reaches the firmware whole, first byte included, with no delay on the sender's
// side: QEMU handed the first byte to the console UART before its driver programmed it, and
// enabling the FIFOs discarded it (the shell answered "> elp"). runQemu now holds input until
// the console's first output (tools/lib/qemu.ts INPUT_HOLD_MS). Through the CLI, as a user pipes.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { repoPath } from "../../tools/lib/paths.ts";

const test = suite("piped input");

/** `npm run qemu` with `input` written to its standard input at once, then closed. */
function qemuCli(board: string, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [repoPath("bin/tsmetal.mjs"), "qemu", "--board", board, "--app", repoPath("examples/shell/main.ts"), "--timeout", "60"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    // A backstop above --timeout: the test must end even if the CLI does not.
    const kill = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

for (const board of ["pizero", "usbarmory-mk2", "microvm"]) {
  test(`${board}: the first piped byte arrives (the shell runs "help", not "elp")`, async () => {
    const r = await qemuCli(board, "help\nexit 3\n");
    const all = `${r.stdout}${r.stderr}`;
    assert.not.match(r.stdout, /unknown command/, all);
    assert.match(r.stdout, /> help\r?\n {2}help {2,}list the commands/, all);
    assert.is(r.code, 3, all);
  });
}

test.run();
