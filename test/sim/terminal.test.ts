import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { repoPath } from "../../tools/lib/paths.ts";
import { fixture } from "../qemu/boot.ts";

// The console UART driven from the command line (tools/commands/sim.ts): piped standard input,
// and a terminal in raw mode with QEMU's Ctrl-A escapes (tools/sim/terminal.ts), here a
// pseudo-terminal from script(1) (bsdutils).
const test = suite("Node simulator: console input from the command line");
const TIMEOUT_MS = 180_000;

interface Session {
  /** Resolves once the output so far matches `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
  write(text: string): void;
  end(): void;
  done: Promise<{ code: number | null; output: string }>;
}

function start(command: string, args: string[]): Session {
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], cwd: repoPath() });
  let output = "";
  const waiters: Array<{ pattern: RegExp; resolve: (s: string) => void }> = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const w of waiters.splice(0)) (w.pattern.test(output) ? w.resolve(output) : waiters.push(w));
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      for (const w of waiters.splice(0)) w.resolve(output);
      resolve({ code, output });
    }),
  );
  return {
    waitFor: (pattern) => (pattern.test(output) ? Promise.resolve(output) : new Promise((resolve) => waiters.push({ pattern, resolve }))),
    write: (text) => child.stdin.write(text),
    end: () => child.stdin.end(),
    done,
  };
}

const simArgs = (app: string) => [repoPath("bin/tsmetal.mjs"), "sim", "--app", app];
/** The simulator on the pseudo-terminal script(1) makes; -e: script exits with its code. */
const inTerminal = (app: string) => start("script", ["-qfec", simArgs(app).map((a) => `'${a}'`).join(" "), "/dev/null"]);

test("piped input with no delay reaches the shell whole, first byte included (pizero, usbarmory-mk2)", async () => {
  for (const board of ["pizero", "usbarmory-mk2"]) {
    const s = start(process.execPath, [...simArgs(repoPath("examples/shell/main.ts")), "--board", board]);
    s.write("help\rexit 3\r");
    s.end();
    const r = await s.done;
    assert.match(r.output, new RegExp(`^tsmetal shell on ${board}; type help\\n> help\\r\\n {2}help {19}list the commands\\n`));
    assert.match(r.output, /\n> exit 3\r\n$/);
    assert.is(r.code, 3);
  }
});

test("a terminal types into the UART in raw mode: every byte as typed, Ctrl-C too, Ctrl-A Ctrl-A sends one Ctrl-A", async () => {
  const s = inTerminal(fixture("sim/keys.ts"));
  await s.waitFor(/ready\r\n/);
  // Byte by byte, each after the firmware has shown the one before.
  const keys: Array<[string, string]> = [["a", "61"], ["\x03", "03"], ["\x01\x01", "01"], ["\r", "0d"], ["\x7f", "7f"]];
  for (const [key, hex] of keys) {
    s.write(key);
    await s.waitFor(new RegExp(`got ${hex}\\r\\n`));
  }
  s.write("q");
  const r = await s.done;
  assert.match(r.output, /^ready\r\ngot 61\r\ngot 03\r\ngot 01\r\ngot 0d\r\ngot 7f\r\ngot 71\r\nq at \d+ ms\r\n$/);
  assert.is(r.code, 0);
});

test("Ctrl-A h lists the escapes; Ctrl-A x ends the run with 130, even inside a job that never ends", async () => {
  const s = inTerminal(fixture("sim/keys.ts"));
  await s.waitFor(/ready\r\n/);
  s.write("\x01h");
  await s.waitFor(/C-a x {4}end the simulation \(exit code 130\)/);
  s.write("\x01x");
  const r = await s.done;
  assert.match(r.output, /\r\ntsmetal sim: ended with Ctrl-A x\r\n$/);
  assert.not.match(r.output, /got/);
  assert.is(r.code, 130);
  const spin = inTerminal(fixture("sim/spin.ts"));
  await spin.waitFor(/spinning\r\n/);
  spin.write("\x01x");
  const stopped = await spin.done;
  assert.match(stopped.output, /^spinning\r\n\r\ntsmetal sim: ended with Ctrl-A x\r\n$/);
  assert.is(stopped.code, 130);
});

test("with a terminal, machine time follows the host's while the firmware sleeps", async () => {
  const s = inTerminal(fixture("sim/keys.ts"));
  await s.waitFor(/ready\r\n/);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  s.write("q");
  const r = await s.done;
  assert.is(r.code, 0);
  // Piped, the same wait would take no machine time at all.
  const ms = Number(/\r\ngot 71\r\nq at (\d+) ms\r\n$/.exec(r.output)?.[1]);
  assert.ok(ms >= 1400 && ms < 60_000, r.output);
});

test.run();
