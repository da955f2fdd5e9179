// The editor integration of a new project (firmware-template/.vscode/tasks.json and launch.json,
// copied by tools/lib/new-project.ts): the tasks' problem matchers must match what the build
// really prints, so a real build of a file with a type error and a real uncaught exception (in the
// simulator, the same trace as on the target) are run here and matched with the tasks' regexps,
// as VS Code does (JavaScript regular expressions, one line at a time).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoPath } from "../tools/lib/paths.ts";
import { writeProject } from "../tools/lib/new-project.ts";
import { inTempDir } from "./support/temp-dir.ts";

const test = suite("firmware-template: VS Code tasks, problem matchers, gdb launch");

interface Pattern {
  readonly regexp: string;
  readonly file?: number;
  readonly line?: number;
  readonly column?: number;
  readonly severity?: number;
  readonly code?: number;
  readonly message?: number;
}
interface Matcher {
  readonly owner: string;
  readonly fileLocation: readonly string[];
  readonly pattern: Pattern | readonly Pattern[];
  readonly background?: { readonly beginsPattern: string; readonly endsPattern: string };
}
interface Task {
  readonly label: string;
  readonly command: string;
  readonly isBackground?: boolean;
  readonly problemMatcher: Matcher | readonly Matcher[];
}

const tasks = (JSON.parse(readFileSync(repoPath("firmware-template/.vscode/tasks.json"), "utf8")) as { tasks: Task[] }).tasks;
const task = (label: string): Task => {
  const t = tasks.find((x) => x.label === label);
  assert.ok(t, `no task "${label}" in firmware-template/.vscode/tasks.json`);
  return t;
};
const matchers = (t: Task): Matcher[] => (Array.isArray(t.problemMatcher) ? t.problemMatcher : [t.problemMatcher]) as Matcher[];

/** What VS Code reports for `output` with `m`: a single-line pattern per line, or a multi-line one over consecutive lines. */
function problems(m: Matcher, output: string): Array<Record<string, string>> {
  const patterns = (Array.isArray(m.pattern) ? m.pattern : [m.pattern]) as Pattern[];
  const lines = output.split(/\r?\n/);
  const found: Array<Record<string, string>> = [];
  for (let i = 0; i + patterns.length <= lines.length; i++) {
    const fields: Record<string, string> = {};
    const ok = patterns.every((p, k) => {
      const r = new RegExp(p.regexp).exec(lines[i + k]);
      if (!r) return false;
      for (const key of ["file", "line", "column", "severity", "code", "message"] as const) if (p[key] !== undefined) fields[key] = r[p[key]!];
      return true;
    });
    if (ok) found.push(fields);
  }
  return found;
}

/** Makes `dir` a project with a package.json, so the CLI takes it as the project (paths relative to it). */
function project(dir: string, files: Record<string, string>): string {
  mkdirSync(path.join(dir, "src"));
  writeFileSync(path.join(dir, "package.json"), '{ "name": "matcher-test", "private": true }\n');
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, f), text);
  return dir;
}

const cli = (cwd: string, args: string[]) =>
  spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), ...args], { cwd, encoding: "utf8", timeout: 180_000, env: { ...process.env, TSMETAL_BUILD_DIR: repoPath("build") } });

test("the tasks build, boot under QEMU, start the REPL and start QEMU for gdb on port 1234", () => {
  assert.match(task("tsmetal: build").command, /^npx tsmetal build --board pizero --app src\/main\.ts --out build\/pizero$/);
  assert.match(task("tsmetal: qemu").command, /^npx tsmetal qemu .*--out build\/pizero/);
  assert.match(task("tsmetal: repl").command, /^npx tsmetal repl\b/);
  const gdb = task("tsmetal: qemu --gdb");
  assert.match(gdb.command, /--gdb 1234$/);
  assert.ok(gdb.isBackground);
  // The launch configuration waits for this line of the --gdb banner (tools/lib/gdb.ts) before attaching.
  assert.ok(new RegExp(matchers(gdb)[0].background!.endsPattern).test("tsmetal: attach with"));
});

test("the launch configuration attaches gdb-multiarch to localhost:1234 with the ELF the gdb task builds", () => {
  const launch = JSON.parse(readFileSync(repoPath("firmware-template/.vscode/launch.json"), "utf8")) as { configurations: Array<Record<string, unknown>> };
  const c = launch.configurations[0];
  assert.is(c.type, "cppdbg");
  assert.is(c.miDebuggerPath, "gdb-multiarch");
  assert.is(c.miDebuggerServerAddress, "localhost:1234");
  assert.is(c.program, "${workspaceFolder}/build/pizero/firmware.elf");
  assert.is(c.preLaunchTask, "tsmetal: qemu --gdb");
  // The helper script it sources is where an installed tsmetal has it.
  assert.ok(existsSync(repoPath("tools/gdb/tsmetal.py")));
});

test("the build task's matcher finds a real type error of `tsmetal build`: file, line, column, code", () => inTempDir("vscode-tsc-", (tmp) => {
  const dir = project(tmp, { "src/main.ts": 'const ok = 1;\nconst n: number = "not a number";\nconsole.log(ok, n);\n' });
  const r = cli(dir, ["build", "--board", "pizero", "--app", "src/main.ts", "--out", "build/pizero"]);
  assert.is(r.status, 1, r.stderr);
  const found = matchers(task("tsmetal: build")).flatMap((m) => problems(m, r.stdout + r.stderr));
  assert.equal(found, [{ file: "src/main.ts", line: "2", column: "7", severity: "error", code: "TS2322", message: "Type 'string' is not assignable to type 'number'." }], r.stderr);
}));

test("the qemu task's matcher finds a real uncaught exception: message, and file and line of its first frame", () => inTempDir("vscode-uncaught-", (tmp) => {
  const dir = project(tmp, { "src/main.ts": 'function fail(): never {\n  throw new RangeError("out of range");\n}\nfail();\n' });
  const r = cli(dir, ["sim", "--board", "pizero", "--app", "src/main.ts", "--timeout", "60"]);
  assert.is(r.status, 1, r.stdout + r.stderr);
  const found = matchers(task("tsmetal: qemu")).flatMap((m) => problems(m, r.stdout + r.stderr));
  assert.equal(found, [{ message: "Uncaught RangeError: out of range", file: "src/main.ts", line: "2" }], r.stdout);
}));

test("tsmetal new writes the .vscode folder into the project", () => inTempDir("vscode-new-", async (tmp) => {
  const dir = path.join(tmp, "fw");
  await writeProject(dir, "fw");
  for (const f of ["tasks.json", "launch.json"]) {
    assert.is(readFileSync(path.join(dir, ".vscode", f), "utf8"), readFileSync(repoPath("firmware-template/.vscode", f), "utf8"));
  }
}));

test.run();
