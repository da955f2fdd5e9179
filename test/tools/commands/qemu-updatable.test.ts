/** tools/commands/qemu-updatable.ts: the network transports' options and the hints printed at start. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { networkHints, parseUpdateHttp, parseUpdateSsh } from "../../../tools/commands/qemu-updatable.ts";
import { hostKeyStrings } from "../../../tools/lib/ssh-keys.ts";

const dir = mkdtempSync(path.join(tmpdir(), "tsmetal-qemu-updatable-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("--update-http <port>[/<path>]", () => {
  assert.is(parseUpdateHttp(undefined), undefined);
  assert.equal(parseUpdateHttp("80"), { port: 80, path: "/update" });
  assert.equal(parseUpdateHttp("8080/fw/app"), { port: 8080, path: "/fw/app" });
  for (const bad of ["", "x", "0", "65536", "80update", "http://x"]) assert.throws(() => parseUpdateHttp(bad), /--update-http takes <port>\[\/<path>\], e\.g\. 80 or 80\/update/, bad);
});

test("--update-ssh <port> with the given host key and authorized keys; the key options alone are refused", () => {
  const pem = generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  writeFileSync(path.join(dir, "host.pem"), pem);
  const line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFgRqY5o5cC1v1rYyqkkUuZ3Nl9o1mZrA0kGk0V6iVbZ me@host";
  writeFileSync(path.join(dir, "keys"), `${line}\nssh-rsa AAAAB3Nza other\n`);
  const s = parseUpdateSsh({ "update-ssh": "22", "ssh-host-key": path.join(dir, "host.pem"), "authorized-keys": path.join(dir, "keys") });
  assert.equal(s, { port: 22, hostKey: hostKeyStrings(pem, "x").define, authorizedKeys: line });
  assert.is(parseUpdateSsh({}), undefined);
  assert.throws(() => parseUpdateSsh({ "authorized-keys": "k" }), /--authorized-keys is for --update-ssh/);
  assert.throws(() => parseUpdateSsh({ "update-ssh": "ssh" }), /--update-ssh takes a port, e\.g\. 22; got 'ssh'/);
  assert.throws(() => parseUpdateSsh({ "update-ssh": "22", "ssh-host-key": path.join(dir, "absent.pem") }), /--ssh-host-key .*absent\.pem: no such file/);
});

test("the hints name the host port a --forward gives, or the --forward missing", () => {
  const forwards = [{ protocol: "tcp" as const, hostPort: 8080, guestPort: 80 }];
  assert.equal(networkHints({ port: 80, path: "/update" }, { port: 22, hostKey: "", authorizedKeys: "" }, forwards), [
    "tsmetal: deploy over HTTP with --to http://127.0.0.1:8080/update",
    "tsmetal: the SSH update command is on guest port 22, which no --forward reaches (add --forward tcp:2222:22)",
  ]);
  assert.equal(networkHints(undefined, undefined, forwards), []);
});

test.run();
