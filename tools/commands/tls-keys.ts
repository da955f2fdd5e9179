/**
 * `tsmetal tls-keys`: makes the firmware's TLS key and a self-signed certificate outside the
 * repository (once; existing ones are kept unless --force) and prints the --define flags a build
 * takes them with (tools/lib/tls-keys.ts, docs/security.md#tls).
 */
import { UserError } from "../lib/errors.ts";
import { parseOptions } from "../lib/options.ts";
import { shellQuote } from "../lib/ssh-keys.ts";
import { defaultTlsKeyDir, ensureTlsKeys, TLS_CERT_FILE, TLS_KEY_FILE, type TlsKeyAlgorithm } from "../lib/tls-keys.ts";

export const tlsKeysOptions = {
  out: { type: "string" },
  algorithm: { type: "string" },
  name: { type: "string", multiple: true },
  days: { type: "string" },
  force: { type: "boolean" },
} as const;

export async function tlsKeysCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, tlsKeysOptions);
  const algorithm = values.algorithm ?? "ed25519";
  if (algorithm !== "ed25519" && algorithm !== "p256") throw new UserError(`tls-keys: --algorithm must be ed25519 or p256, not ${JSON.stringify(algorithm)}`);
  const days = values.days === undefined ? 3650 : Number(values.days);
  const dir = values.out ?? defaultTlsKeyDir();
  const files = ensureTlsKeys(dir, { algorithm: algorithm as TlsKeyAlgorithm, names: values.name ?? [], days, force: values.force ?? false });
  console.error(`${files.created ? "made" : "using"} ${files.key} and ${files.cert}${files.created ? "" : " (--force makes new ones)"}`);
  console.error(`clients trust the certificate with e.g. curl --cacert ${shellQuote(files.cert)}; build with:`);
  const d = shellQuote(dir);
  console.log(`--define TLS_CERT="$(cat ${d}/${TLS_CERT_FILE})" --define TLS_KEY="$(cat ${d}/${TLS_KEY_FILE})"`);
  return 0;
}
