// --help on the CLI (tools/cli.ts) and on every command: exit 0, and every option the command's parser accepts
// is listed (tools/commands/index.ts). Before, `--help` was an unknown option (exit 2).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { repoPath } from "../../tools/lib/paths.ts";
import { commands } from "../../tools/commands/index.ts";

const test = suite("CLI --help");

const cli = (args: string[]) =>
  spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });

test("tsmetal --help lists every command and exits 0", () => {
  for (const flag of ["--help", "-h"]) {
    const r = cli([flag]);
    assert.is(r.status, 0, r.stderr);
    for (const name of Object.keys(commands)) assert.match(r.stdout, new RegExp(`^  ${name} `, "m"), name);
  }
});

test("every command's --help lists every option its parser accepts, and exits 0 without running", () => {
  assert.ok(Object.keys(commands).length >= 10);
  for (const [name, c] of Object.entries(commands)) {
    // --help after other options too, as in `npm run qemu -- --board microvm --help`.
    for (const args of [[name, "--help"], [name, "--board", "pizero", "-h"]]) {
      const r = cli(args);
      assert.is(r.status, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: tsmetal ${name}\\b`), args.join(" "));
      for (const option of Object.keys(c.options)) {
        assert.match(r.stdout, new RegExp(`^  --${option}(?: |$)`, "m"), `${name} --help lacks --${option}`);
      }
      assert.not.match(r.stdout, /Hello from|firmware\.elf/, `${args.join(" ")} ran the command`);
    }
  }
});

test("an unknown option still fails, with the command's help", () => {
  const r = cli(["qemu", "--bogus"]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /Unknown option '--bogus'[\s\S]*usage: tsmetal qemu/);
});

test.run();
