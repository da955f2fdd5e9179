/** Test keys and certificates, made once per process with openssl (tools/lib/tls-keys.ts) under the OS's temporary folder. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureTlsKeys, type TlsKeyAlgorithm } from "../../../tools/lib/tls-keys.ts";

export interface TestKeys {
  readonly cert: string;
  readonly key: string;
  readonly certPath: string;
}

const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-tls-keys-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const made = new Map<TlsKeyAlgorithm, TestKeys>();

/** A key of `algorithm` and its self-signed certificate for localhost, 127.0.0.1 and device.test. */
export function testKeys(algorithm: TlsKeyAlgorithm): TestKeys {
  let k = made.get(algorithm);
  if (!k) {
    const files = ensureTlsKeys(path.join(dir, algorithm), { algorithm, names: ["device.test"], days: 30, force: false });
    k = { cert: readFileSync(files.cert, "utf8"), key: readFileSync(files.key, "utf8"), certPath: files.cert };
    made.set(algorithm, k);
  }
  return k;
}
