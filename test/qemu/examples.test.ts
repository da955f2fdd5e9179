// examples/blink and examples/serial-echo boot under QEMU and do what their READMEs say: the LED
// toggles through Digital with its state printed (on a Pi and on the USB armory, whose pad mux the
// example sets), and lines piped into `npm run qemu` come back numbered, the first byte included.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { boot } from "./boot.ts";
import { repoPath } from "../../tools/lib/paths.ts";

const test = suite("examples: blink, serial-echo");

/** What examples/blink prints for an LED: ten toggles, then done. */
function blinkLines(board: string, name: string, pin: number, activeLow: boolean): string {
  const lines = [`blink: ${name} LED on pin ${pin} of ${board}, every 250 ms`];
  for (let i = 0; i < 10; i++) {
    const lit = i % 2 === 0;
    lines.push(`${name} ${lit ? "on" : "off"} (pin ${pin} = ${lit !== activeLow ? 1 : 0})`);
  }
  return [...lines, "blink: done", ""].join("\n");
}

for (const [board, name, pin, activeLow] of [["pizero", "ACT", 47, true], ["usbarmory-mk2", "white", 117, true]] as const) {
  test(`blink on ${board}: the ${name} LED toggles ten times, read back from the pin, then exit 0`, async () => {
    const r = await boot(repoPath("examples/blink/main.ts"), { board });
    assert.is(r.output, blinkLines(board, name, pin, activeLow));
    assert.is(r.code, 0, r.output);
  });
}

test("blink on a board without an LED says so and exits 1", async () => {
  const r = await boot(repoPath("examples/blink/main.ts"), { board: "microvm" });
  assert.match(r.output, /Error: blink: microvm has no LED this example knows \(docs\/boards\/microvm\.md\)/);
  assert.is(r.code, 1, r.output);
});

/** `npm run qemu` with `input` piped in at once, as `printf ... | npm run qemu` does. */
function qemuCli(board: string, app: string, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [repoPath("bin/tsmetal.mjs"), "qemu", "--board", board, "--app", app, "--timeout", "60"], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    // A backstop above --timeout: the test ends even if the CLI does not.
    const kill = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

for (const board of ["pizero", "microvm"]) {
  test(`serial-echo on ${board}: piped lines (LF, CRLF, UTF-8) come back numbered; "exit" ends with 0`, async () => {
    const r = await qemuCli(board, repoPath("examples/serial-echo/main.ts"), "hello\nsecond line\r\nwörld ✓\nexit\n");
    const all = `${r.stdout}${r.stderr}`;
    assert.is(r.stdout, `serial-echo on ${board}: each line comes back; "exit" ends\n1: hello\n2: second line\n3: wörld ✓\nserial-echo: 3 lines\n`, all);
    assert.is(r.code, 0, all);
  });
}

test.run();
