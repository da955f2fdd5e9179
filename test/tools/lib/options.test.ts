// What tools/lib/options.ts refuses (repeated and empty options, --timeout, --app, --out) and the
// --memory-limit checks, seen through the CLI: every command parses its options there, before
// anything is built. The same checks as functions: test/tools/commands/build.test.ts and
// test/tools/lib/build.test.ts.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoPath } from "../../../tools/lib/paths.ts";
import { maxLimit } from "../../support/memory-limit.ts";
import { parseRunTimeout, RUN_TIMEOUT_DEFAULT_S } from "../../../tools/lib/options.ts";

const test = suite("command-line option checks");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-options-"));

/** The CLI with no input, no QEMU reachable in time: every refusal below comes before a build. */
const cli = (args: string[]) =>
  spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });

function refusedBeforeBuild(args: string[], re: RegExp): void {
  const r = cli(args);
  assert.is.not(r.status, 0, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
  assert.is.not(r.status, null, `${args.join(" ")} was still running after 60 s`);
  assert.match(r.stderr, re, args.join(" "));
  assert.not.match(r.stderr, /engine:|firmware\.elf|goroutine|\n\s+at /, `${args.join(" ")}: refused before building, without a stack`);
}

test("CLI: --memory-limit out of range or malformed, exit 1 before building", () => {
  refusedBeforeBuild(["build", "--board", "pizero", "--memory-limit", "4097m"], new RegExp(`^tsmetal: --memory-limit 4097m is out of range for board 'pizero'.*1 to ${maxLimit("pizero")} bytes`));
  refusedBeforeBuild(["build", "--board", "microvm", "--memory-limit", "4g"], /--memory-limit 4g is out of range for board 'microvm'/);
  refusedBeforeBuild(["qemu", "--memory-limit", "0"], /--memory-limit takes a number of bytes of at least 1.*got '0'/);
});

test("CLI: --timeout above Node's timer range, negative or not a number is refused by every command", () => {
  const re = /--timeout takes seconds, a number greater than 0 and at most 2147483 \(24\.8 days\); got '/;
  const run = /--timeout takes seconds, 0 for none or a number greater than 0 and at most 2147483 \(24\.8 days\); got '/;
  // 2^31 ms and more fired after 1 ms: the run stopped at once as "timed out".
  refusedBeforeBuild(["qemu", "--timeout", "2147484"], run);
  refusedBeforeBuild(["sim", "--timeout", "3000000"], run);
  refusedBeforeBuild(["linux", "--timeout=-5"], run);
  refusedBeforeBuild(["conformance", "--timeout", "NaN"], re);
  refusedBeforeBuild(["qemu", "--timeout", "Infinity"], run);
  // Only the commands a person watches take 0 (none): conformance and fuzz always end.
  refusedBeforeBuild(["conformance", "--timeout", "0"], re);
  refusedBeforeBuild(["fuzz", "--timeout", "0"], re);
});

test("CLI: --timeout 0 (none) is taken by qemu, sim and linux", () => {
  // The next check, --app, is what refuses these: --timeout 0 got past the parser.
  for (const command of ["qemu", "sim", "linux"]) {
    refusedBeforeBuild([command, "--timeout", "0", "--app", path.join(tmp, "missing.ts")], /^tsmetal: --app .*missing\.ts: no such file/);
  }
});

test("parseRunTimeout: 0 is none, no option is none at a terminal and 60 s otherwise", () => {
  assert.is(parseRunTimeout("0", false), Infinity);
  assert.is(parseRunTimeout("0.0", false), Infinity);
  assert.is(parseRunTimeout(undefined, true), Infinity);
  assert.is(parseRunTimeout(undefined, false), RUN_TIMEOUT_DEFAULT_S);
  assert.is(RUN_TIMEOUT_DEFAULT_S, 60, "tests and CI rely on the old default");
  assert.is(parseRunTimeout("2.5", true), 2.5);
  assert.is(parseRunTimeout("2147483", false), 2147483);
  assert.throws(() => parseRunTimeout("-1", true), /0 for none/);
  assert.throws(() => parseRunTimeout("1e3", false), /0 for none/);
});

test("CLI: an --app that is not a TypeScript/JavaScript file is refused before tsc sees it", () => {
  refusedBeforeBuild(["build", "--board", "pizero", "--app", "/etc/passwd"], /--app \/etc\/passwd: not a TypeScript or JavaScript module; the entry must be a file ending in \.ts, \.tsx, \.mts, \.js, \.mjs/);
  refusedBeforeBuild(["qemu", "--app", path.join(tmp, "missing.ts")], /--app .*missing\.ts: no such file/);
  const dir = path.join(tmp, "app.ts");
  mkdirSync(dir);
  refusedBeforeBuild(["linux", "--app", dir], /--app .*app\.ts: is a directory/);
  refusedBeforeBuild(["sim", "--app", "/etc/passwd"], /--app \/etc\/passwd: not a TypeScript or JavaScript module/);
});

test("CLI: repeated options, empty values, a bad --profile and an --out that is a file are refused", () => {
  // parseArgs kept the last of a repeated option: this flashed pi1.
  refusedBeforeBuild(["flash", "--board", "pizero", "--board", "pi1", "--to", tmp], /--board is given more than once/);
  refusedBeforeBuild(["qemu", "--timeout", "5", "--timeout", "10"], /--timeout is given more than once/);
  refusedBeforeBuild(["build", "--board", "pizero", "--out="], /--out needs a value, got an empty one/);
  // A --profile that is not a count silently printed no profile.
  refusedBeforeBuild(["bench", "--board", "pizero", "--profile", "abc"], /--profile takes a whole number from 1 to 1000000; got 'abc'/);
  const notDir = path.join(tmp, "file");
  writeFileSync(notDir, "");
  refusedBeforeBuild(["build", "--board", "pizero", "--out", path.join(notDir, "out")], /--out .*: .*file is not a directory/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
