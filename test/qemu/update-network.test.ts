// Live, signed app updates over the network (docs/updates.md, "Over HTTP", "Over SSH"), on microvm
// with its NIC on QEMU's user networking (--forward): a base built with a public key,
// --update-http and --update-ssh runs app 1; over HTTP a unit with a tampered signature, one
// signed with another key and a truncated one are each answered 422 with the reason while app 1
// keeps ticking and the endpoint keeps answering; `npm run deploy -- --to http://…` replaces the
// app, which prints its version; an older version is refused as a rollback; over SSH (Debian's
// OpenSSH client, publickey login) the same CLI deploys version 3, an older unit is refused with
// exit status 1, and a key that is not authorized cannot log in.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoPath } from "../../tools/lib/paths.ts";
import { buildUpdatableFirmware } from "../../tools/lib/update-base.ts";
import { updatableUnderQemu } from "../../tools/lib/deploy-target.ts";
import { compileApp, wrapAppImage } from "../../tools/lib/app-unit.ts";
import { makeUpdateKeys, readPrivateKey } from "../../tools/lib/update-keys.ts";
import { hostKeyStrings } from "../../tools/lib/ssh-keys.ts";
import { deployOverHttp } from "../../tools/lib/deploy-http.ts";
import { deployOverSsh } from "../../tools/lib/deploy-ssh.ts";
import { freePort } from "../../tools/lib/free-port.ts";

const test = suite("update over the network");
const TICKER = repoPath("test/fixtures/update/ticker.ts");
const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-update-net-"));
const own = makeUpdateKeys(path.join(dir, "own"));
const other = makeUpdateKeys(path.join(dir, "other"));

test.after(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run deploy` as a user runs it; resolves with its exit status and output. */
function deployCli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [repoPath("bin/tsmetal.mjs"), "deploy", ...args], { cwd: repoPath("."), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), 240_000);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test("microvm: HTTP refusals keep the old app, HTTP and SSH deploys replace it, rollbacks are refused", async () => {
  for (const k of ["deployer", "stranger"]) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", k, "-f", path.join(dir, k)]);
  const hostPem = generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  const host = hostKeyStrings(hostPem, "the test's host key");
  const fw = await buildUpdatableFirmware({
    board: "microvm",
    app: TICKER,
    updateKey: own.publicKey,
    confirmMs: 30_000,
    http: { port: 80 },
    ssh: { port: 22, hostKey: host.define, authorizedKeys: readFileSync(path.join(dir, "deployer.pub"), "utf8") },
  });
  assert.ok(["http", "ssh"].every((u) => fw.bundles.some((b) => b.unit === u)), fw.bundles.map((b) => b.unit).join(" "));
  const httpPort = await freePort();
  const sshPort = await freePort();
  const knownHosts = path.join(dir, "known_hosts");
  writeFileSync(knownHosts, `[127.0.0.1]:${sshPort} ${host.publicLine}\n`);
  const manifest = path.join(dir, "update-base.json");
  writeFileSync(manifest, JSON.stringify(fw.base));
  let out = "";
  const t = updatableUnderQemu(fw, (s) => (out += s), 600, [], [
    { protocol: "tcp", hostPort: httpPort, guestPort: 80 },
    { protocol: "tcp", hostPort: sshPort, guestPort: 22 },
  ]);
  /** Resolves once the output after `from` matches `re`. */
  const seen = async (re: RegExp, from = 0): Promise<void> => {
    for (let i = 0; i < 1200 && !re.test(out.slice(from)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out.slice(from), re, out);
  };
  const http = (unit: Uint8Array) => deployOverHttp(unit, { host: "127.0.0.1", port: httpPort, path: "/update", timeoutMs: 180_000 });
  /** Refused with `why` over HTTP, the device printing it too, and app `v` still ticking afterwards. */
  const refused = async (unit: Uint8Array, why: RegExp, v: number) => {
    const r = await http(unit);
    assert.is(r.ok, false, out);
    if (!r.ok) assert.match(r.why, why, out);
    const mark = out.length;
    await seen(new RegExp(`^app ${v} tick \\d+$`, "m"), mark);
  };
  try {
    await seen(/^update: PUT http:\/\/10\.0\.2\.15:80\/update$/m);
    await seen(/^update: ssh -p 22 <user>@10\.0\.2\.15 update < app\.unit$/m);
    await seen(/^app 1 tick 2$/m);
    const key = readPrivateKey(own.privateKey);
    const base = fw.base;
    const image = await compileApp(TICKER);
    const good = wrapAppImage(image, { version: 2, base, privateKey: key });

    const tampered = good.slice();
    tampered[60] ^= 0x01;
    await refused(tampered, /^HTTP 422: bad signature: not signed with this base's key, or altered$/, 1);
    assert.match(out, /tsmetal: update refused: bad signature.*; app 1 keeps running/);
    await refused(wrapAppImage(image, { version: 2, base, privateKey: readPrivateKey(other.privateKey) }), /^HTTP 422: bad signature/, 1);
    await refused(good.subarray(0, good.length - 100), /^HTTP 422: truncated unit: \d+ of \d+ body bytes$/, 1);

    // The CLI: builds, signs and PUTs the unit; the device answers before it switches.
    const before2 = out.length;
    const cli = await deployCli(["--board", "microvm", "--app", TICKER, "--app-version", "2", "--base", manifest, "--key", own.privateKey, "--to", `http://127.0.0.1:${httpPort}`, "--timeout", "180"]);
    assert.is(cli.code, 0, cli.out + out);
    assert.match(cli.out, /tsmetal: the device accepted version 2 and switched to it/, cli.out);
    await seen(/^app 2 running$/m, before2);
    await seen(/^app 2 tick 2$/m, out.lastIndexOf("app 2 running"));
    assert.not.match(out.slice(out.lastIndexOf("app 2 running")), /^app 1 tick/m, out);

    await refused(wrapAppImage(image, { version: 1, base, privateKey: key }), /^HTTP 422: version 1 is not above the running version 2 \(rollback refused\)$/, 2);

    // Over SSH: the CLI with the key that may log in and the base's host key pinned.
    const sshTo = `ssh://deployer@127.0.0.1:${sshPort}`;
    const sshArgs = ["--identity", path.join(dir, "deployer"), "--known-hosts", knownHosts, "--timeout", "180"];
    const before3 = out.length;
    const viaSsh = await deployCli(["--board", "microvm", "--app", TICKER, "--app-version", "3", "--base", manifest, "--key", own.privateKey, "--to", sshTo, ...sshArgs]);
    assert.is(viaSsh.code, 0, viaSsh.out + out);
    assert.match(viaSsh.out, /tsmetal: the device accepted version 3 and switched to it/, viaSsh.out);
    await seen(/^app 3 running$/m, before3);
    await seen(/^app 3 tick 2$/m, out.lastIndexOf("app 3 running"));

    const older = await deployCli(["--board", "microvm", "--app", TICKER, "--app-version", "2", "--base", manifest, "--key", own.privateKey, "--to", sshTo, ...sshArgs]);
    assert.is(older.code, 1, older.out + out);
    assert.match(older.out, /tsmetal: the device refused the update: version 2 is not above the running version 3 \(rollback refused\)/, older.out);
    const stranger = await deployOverSsh(good, { user: "x", host: "127.0.0.1", port: sshPort, identity: path.join(dir, "stranger"), knownHosts, timeoutMs: 180_000 });
    assert.is(stranger.ok, false);
    if (!stranger.ok) assert.match(stranger.why, /^ssh to ssh:\/\/x@127\.0\.0\.1:\d+ failed: .*Permission denied/, stranger.why);
    const mark = out.length;
    await seen(/^app 3 tick \d+$/m, mark);
  } finally {
    await t.stop();
  }
});

test.run();
