import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { efiSigning, PASSPHRASE_ENV, signEfiImage } from "../../../tools/lib/efi-sign.ts";
import { buildFirmware } from "../../../tools/lib/build.ts";
import { repoPath } from "../../../tools/lib/paths.ts";

// The snakeoil key (Debian's ovmf) is encrypted with the passphrase "snakeoil" (README.Debian).
const KEY = "/usr/share/ovmf/PkKek-1-snakeoil.key";
const CERT = "/usr/share/ovmf/PkKek-1-snakeoil.pem";

test("efiSigning: neither option is no signing; one alone or a missing file is refused", () => {
  assert.is(efiSigning(undefined, undefined), undefined);
  assert.throws(() => efiSigning(KEY, undefined), /--sign-key and --sign-cert go together/);
  assert.throws(() => efiSigning(undefined, CERT), /--sign-key and --sign-cert go together/);
  assert.throws(() => efiSigning("/nonexistent/k.pem", CERT), /--sign-key \/nonexistent\/k\.pem: no such file/);
  assert.equal(efiSigning(KEY, CERT), { key: KEY, cert: CERT });
});

test("signEfiImage: an encrypted key with its passphrase signs (sbverify agrees); without it, or with a wrong one, a clear error", async () => {
  const fw = await buildFirmware({ board: "uefi-x64", app: repoPath("test/fixtures/exit-code.ts") });
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-efi-sign-"));
  const saved = process.env[PASSPHRASE_ENV];
  try {
    const out = path.join(dir, "signed.efi");
    delete process.env[PASSPHRASE_ENV];
    const missing = await signEfiImage(fw.image, { key: KEY, cert: CERT }, out).then(() => "", (e: Error) => e.message);
    assert.match(missing, /is encrypted: put its passphrase in the environment variable TSMETAL_SIGN_PASSPHRASE/);
    process.env[PASSPHRASE_ENV] = "not it";
    const wrong = await signEfiImage(fw.image, { key: KEY, cert: CERT }, out).then(() => "", (e: Error) => e.message);
    assert.match(wrong, /decrypting .* \(openssl pkey; is TSMETAL_SIGN_PASSPHRASE its passphrase\?\) failed/);
    process.env[PASSPHRASE_ENV] = "snakeoil";
    await signEfiImage(fw.image, { key: KEY, cert: CERT }, out);
    const v = spawnSync("sbverify", ["--cert", CERT, out], { encoding: "utf8" });
    assert.is(v.status, 0, v.stderr);
    // A key that does not belong to the certificate: sbverify (or sbsign) refuses.
    const other = path.join(dir, "other.key");
    execFileSync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", other], { stdio: "ignore" });
    const mismatch = await signEfiImage(fw.image, { key: other, cert: CERT }, path.join(dir, "bad.efi")).then(() => "", (e: Error) => e.message);
    assert.match(mismatch, /(signing BOOTX64\.EFI \(sbsign\)|checking the signature of .*\(sbverify\)) failed/);
    // The signed image differs from the unsigned one only by the signature appended.
    assert.ok(readFileSync(out).length > readFileSync(fw.image).length);
  } finally {
    if (saved === undefined) delete process.env[PASSPHRASE_ENV];
    else process.env[PASSPHRASE_ENV] = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
