/**
 * Signing BOOTX64.EFI for UEFI Secure Boot (`npm run flash -- --sign-key K --sign-cert C`): an
 * Authenticode signature (PE format, "The Attribute Certificate Table"; UEFI 2.10, 32.2.4) made
 * by Debian's sbsign (sbsigntool), then checked with sbverify against the same certificate, so a
 * key and certificate that do not belong together are refused here rather than by the PC's
 * firmware. The firmware verifies it at load time against its db (docs/boards/uefi-x64.md, "Secure
 * Boot"). sbsign rather than our own PKCS#7 code: the signature must hash the image exactly as
 * Authenticode prescribes (sections, certificate table excluded), which sbsign has done for
 * shim and every Debian kernel for a decade.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { UserError } from "./errors.ts";
import { requireTool } from "./toolchain.ts";

const sbsign = { command: "sbsign", debianPackage: "sbsigntool" };
const sbverify = { command: "sbverify", debianPackage: "sbsigntool" };
const openssl = { command: "openssl", debianPackage: "openssl" };

/** The environment variable that holds an encrypted key's passphrase (sbsign takes none itself). */
export const PASSPHRASE_ENV = "TSMETAL_SIGN_PASSPHRASE";

/**
 * Runs a tool with stdin closed: OpenSSL asks for an encrypted key's passphrase on the terminal,
 * and without one (a script, a test) it would otherwise wait on stdin for ever.
 */
function runQuiet(cmd: string, args: string[], what: string, env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { env: env ?? process.env, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new UserError(`${what} failed:\n${cmd} ${args.join(" ")}\n${stderr}${stdout}`));
      else resolve();
    });
    child.stdin?.end();
  });
}

/** Whether a PEM key is encrypted (PKCS#8 "ENCRYPTED PRIVATE KEY", or the legacy Proc-Type header). */
function isEncrypted(key: string): boolean {
  const pem = readFileSync(key, "latin1");
  return pem.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----") || /^Proc-Type: 4,ENCRYPTED$/m.test(pem);
}

export interface EfiSigning {
  /** PEM private key. */
  readonly key: string;
  /** PEM X.509 certificate of that key (the firmware's db must hold it, or a CA of it). */
  readonly cert: string;
}

/** Both of --sign-key and --sign-cert, or neither; a missing file is refused. */
export function efiSigning(key: string | undefined, cert: string | undefined): EfiSigning | undefined {
  if (key === undefined && cert === undefined) return undefined;
  if (key === undefined || cert === undefined) throw new UserError("--sign-key and --sign-cert go together: the PEM private key and the X.509 certificate that Secure Boot's db trusts");
  for (const [option, file] of [["--sign-key", key], ["--sign-cert", cert]] as const) {
    if (!existsSync(file)) throw new UserError(`${option} ${file}: no such file`);
  }
  return { key, cert };
}

/**
 * Signs `image` into `out` and checks the signature against the certificate. An encrypted key is
 * decrypted first with the passphrase in $TSMETAL_SIGN_PASSPHRASE (openssl pkey, into a private
 * temporary folder removed at once), as sbsign has no way to be given one but the terminal.
 */
export async function signEfiImage(image: string, signing: EfiSigning, out: string): Promise<void> {
  let key = signing.key;
  const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-sign-"));
  try {
    if (isEncrypted(key)) {
      if (process.env[PASSPHRASE_ENV] === undefined) {
        throw new UserError(`--sign-key ${signing.key} is encrypted: put its passphrase in the environment variable ${PASSPHRASE_ENV}`);
      }
      const plain = path.join(tmp, "key.pem");
      await runQuiet(await requireTool(openssl), ["pkey", "-in", signing.key, "-passin", `env:${PASSPHRASE_ENV}`, "-out", plain], `decrypting ${signing.key} (openssl pkey; is ${PASSPHRASE_ENV} its passphrase?)`);
      key = plain;
    }
    await runQuiet(await requireTool(sbsign), ["--key", key, "--cert", signing.cert, "--output", out, image], "signing BOOTX64.EFI (sbsign)");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  await runQuiet(await requireTool(sbverify), ["--cert", signing.cert, out], `checking the signature of ${out} against ${signing.cert} (sbverify)`);
}
