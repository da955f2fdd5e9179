// `npm run repl` driven through its CLI with piped standard input, and the scripted session that
// test/qemu/repl.test.ts (QEMU boards), test/qemu/repl-linux.test.ts (the Linux boards) and
// test/sim/repl.test.ts (the simulator) run: declarations persisting, inspect, top-level await, an
// error at the input's line, Ctrl-C stopping `while (true) {}` with the next input still working,
// .load, .exit with 0. docs/repl.md.
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { repoPath } from "../../tools/lib/paths.ts";

export type Step = string | { readonly when: RegExp; readonly delayMs: number; readonly line: string };

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run repl -- <args>` with its standard input piped: plain lines are written at once (the
    CLI queues them); a step with `when` waits until standard output matches it, then `delayMs`. */
export function replCli(args: readonly string[], steps: readonly Step[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [repoPath("bin/tsmetal.mjs"), "repl", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    let next = 0;
    let waiting = false;
    const advance = () => {
      while (next < steps.length && !waiting) {
        const s = steps[next];
        if (typeof s === "string") {
          child.stdin.write(`${s}\n`);
          next++;
        } else if (s.when.test(stdout)) {
          waiting = true;
          setTimeout(() => {
            child.stdin.write(`${s.line}\n`);
            next++;
            waiting = false;
            advance();
          }, s.delayMs);
        } else return;
      }
    };
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
      advance();
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    // A backstop: the test must end even if the CLI does not.
    const kill = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => undefined);
    advance();
  });
}

/** The session every REPL target runs (before `.exit`; a target may add its own inputs). */
export const SESSION_STEPS: readonly Step[] = [
  "let a = 40",
  "const o = { list: [1, 2], name: 'tsmetal' }",
  "a + 2",
  "o",
  "await new Promise<number>((resolve) => setTimeout(() => resolve(a * 2), 5))",
  "",
  "if (a > 1) { throw new Error('boom') }",
  "let i = 0; while (true) { i++ }",
  // Ctrl-C (ETX alone on a line, for piped input) once the loop has been running a while.
  { when: /Uncaught Error: boom/, delayMs: 3000, line: "\x03" },
  { when: /interrupted/, delayMs: 0, line: "i > 0 && a === 40" },
  `.load ${repoPath("test/fixtures/repl/load-me.ts")}`,
  "replLoaded + replTwice(1)",
  "replFail()",
  "missing.property",
];

/** What SESSION_STEPS must print, and .exit's 0. */
export function assertSession(r: CliResult): void {
  const all = `${r.stdout}\n--- stderr\n${r.stderr}`;
  assert.is(r.code, 0, all);
  assert.match(r.stdout, /^42$/m, all);
  // The device's inspect: quoted strings, nested arrays.
  assert.match(r.stdout, /^\{ list: \[ 1, 2 \], name: 'tsmetal' \}$/m, all);
  assert.match(r.stdout, /^80$/m, all);
  assert.match(r.stdout, /Uncaught Error: boom\n\s+at <anonymous> \(REPL\d+:1\)/, all);
  assert.match(r.stdout, /Uncaught InternalError: interrupted/, all);
  assert.match(r.stdout, /^true$/m, all);
  assert.match(r.stdout, /^14$/m, all);
  assert.match(r.stdout, /^9$/m, all);
  assert.match(r.stdout, /Uncaught RangeError: from the loaded file\n\s+at replFail \(test\/fixtures\/repl\/load-me.ts:9\)/, all);
  assert.match(r.stdout, /Uncaught ReferenceError: 'missing' is not defined/, all);
}

/** Inputs that need eval, with what an engine without it prints (the device never parses source). */
export const NO_EVAL_STEPS: readonly Step[] = ["(0, eval)('1 + 1')", "new Function('return 2')"];
export function assertNoEval(r: CliResult): void {
  assert.is(r.stdout.match(/Uncaught TypeError: eval is not supported/g)?.length, 2, `${r.stdout}\n--- stderr\n${r.stderr}`);
}
