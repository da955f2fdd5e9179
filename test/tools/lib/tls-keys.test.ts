/** tools/lib/tls-keys.ts: openssl's key and certificate made once outside the repository, read back by the firmware's parser; the defines; what is refused. */
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCredentials } from "../../../stacks/tls/credentials.ts";
import { defaultTlsKeyDir, ensureTlsKeys, subjectAltName, tlsDefineFlags } from "../../../tools/lib/tls-keys.ts";

const dir = mkdtempSync(path.join(tmpdir(), "tsmetal-tls-keys-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

for (const algorithm of ["ed25519", "p256"] as const) {
  test(`${algorithm}: made once (key mode 0600), kept after unless forced; the firmware's parser takes them`, () => {
    const o = { algorithm, names: ["device.local", "10.0.2.15"], days: 30, force: false };
    const a = ensureTlsKeys(path.join(dir, algorithm), o);
    assert.ok(a.created);
    assert.is(statSync(a.key).mode & 0o777, 0o600);
    const cert = readFileSync(a.cert, "utf8");
    const c = loadCredentials(cert, readFileSync(a.key, "utf8"));
    assert.is(c.scheme, algorithm === "ed25519" ? 0x0807 : 0x0403);
    const x = new X509Certificate(cert);
    assert.is(x.subjectAltName, "DNS:localhost, IP Address:127.0.0.1, DNS:device.local, IP Address:10.0.2.15");
    assert.ok(x.checkHost("device.local"));
    const b = ensureTlsKeys(path.join(dir, algorithm), o);
    assert.not.ok(b.created);
    assert.is(readFileSync(b.cert, "utf8"), cert);
    const forced = ensureTlsKeys(path.join(dir, algorithm), { ...o, force: true });
    assert.ok(forced.created);
    assert.is.not(readFileSync(forced.cert, "utf8"), cert);
    const flags = tlsDefineFlags(forced);
    assert.equal([flags[0], flags[2]], ["--define", "--define"]);
    assert.ok(flags[1].startsWith("TLS_CERT=-----BEGIN CERTIFICATE-----\n"));
    assert.ok(flags[3].startsWith("TLS_KEY=-----BEGIN PRIVATE KEY-----\n"));
  });
}

test("a directory inside the repository is refused, as are bad names and day counts", () => {
  const o = { algorithm: "ed25519" as const, names: [], days: 30, force: false };
  assert.throws(() => ensureTlsKeys(path.join(dir, "repo", "build", "keys"), o, path.join(dir, "repo")), /inside the repository/);
  assert.throws(() => ensureTlsKeys(path.join(dir, "d"), { ...o, days: 0 }), /--days/);
  assert.throws(() => subjectAltName(["bad name"]), /neither a DNS name nor an IPv4 address/);
  assert.throws(() => subjectAltName(["a..b"]), /neither/);
  assert.throws(() => subjectAltName(["-x.example"]), /neither/);
  assert.is(subjectAltName(["localhost", "a.example"]), "DNS:localhost,IP:127.0.0.1,DNS:a.example");
});

test("the default directory follows XDG_CONFIG_HOME", () => {
  assert.is(defaultTlsKeyDir({ XDG_CONFIG_HOME: "/x/cfg" }), "/x/cfg/tsmetal/tls");
});

test.run();
