/** tools/commands/deploy.ts: the network options (--to, --identity, --known-hosts, --timeout, --base) and what is refused before anything is built or sent. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { deployCommand, parseDeployTimeout } from "../../../tools/commands/deploy.ts";
import { repoPath } from "../../../tools/lib/paths.ts";
import { compileApp, imageFingerprint } from "../../../tools/lib/app-unit.ts";
import { decodeUnit } from "../../../io/update/unit.ts";

const APP = repoPath("test/fixtures/update/ticker.ts");
const run = (args: string[]) => deployCommand(["--board", "microvm", "--app", APP, ...args]);

test("--timeout: seconds from 1 to 3600, 120 by default", () => {
  assert.is(parseDeployTimeout(undefined), 120_000);
  assert.is(parseDeployTimeout("2.5"), 2500);
  for (const bad of ["0", "-1", "x", "3601"]) assert.throws(() => parseDeployTimeout(bad), /--timeout takes seconds from 1 to 3600/, bad);
});

test("options of the console line and of the network do not mix", async () => {
  const cases: [string[], RegExp][] = [
    [["--to", "http://127.0.0.1:1", "--port", "/dev/ttyUSB0"], /--port is for the console line; --to sends over the network/],
    [["--to", "http://127.0.0.1:1", "--socket", "x.sock"], /--socket is for the console line/],
    [["--timeout", "5"], /--timeout is for --to \(a network deploy\)/],
    [["--to", "http://127.0.0.1:1", "--identity", "id"], /--identity is for --to ssh:\/\/user@host:port/],
    [["--known-hosts", "k"], /--known-hosts is for --to ssh:\/\//],
    [["--to", "ssh://me@127.0.0.1:1", "--identity", "/nonexistent/id"], /--identity \/nonexistent\/id: no such file/],
    [["--to", "gopher://x"], /unknown scheme gopher:/],
    [["--to", "http://127.0.0.1:1", "--base", "/nonexistent/update-base.json"], /--base \/nonexistent\/update-base\.json: no such file/],
    [["--to", "http://127.0.0.1:1", "--write-unit", "x.unit"], /--write-unit writes the unit to a file and sends nothing: give it without --to, --port or --socket/],
  ];
  for (const [args, why] of cases) {
    const e = await run(args).then(() => undefined, (x: unknown) => x);
    assert.match(String(e), why, args.join(" "));
  }
});

test("--write-unit: the unit for the base, as a file, and nothing sent", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tsmetal-deploy-cmd-"));
  try {
    const engineFingerprint = imageFingerprint(await compileApp(APP)).toString(16).padStart(8, "0");
    const base = path.join(dir, "update-base.json");
    writeFileSync(base, JSON.stringify({ board: "microvm", engineFingerprint, baseFingerprint: "ab".repeat(16), publicKey: "" }));
    const out = path.join(dir, "app.unit");
    assert.is(await run(["--base", base, "--app-version", "42", "--write-unit", out]), 0);
    const u = decodeUnit(new Uint8Array(readFileSync(out)));
    assert.is(u.version, 42);
    assert.is(u.signed, false);
    assert.is(Buffer.from(u.baseFingerprint).toString("hex"), "ab".repeat(16));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
