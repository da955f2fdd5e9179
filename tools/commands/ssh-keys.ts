/**
 * `tsmetal ssh-keys`: makes the firmware's SSH host key outside the repository (once; an existing
 * one is kept), reads the keys that may log in, and prints the --define flags a build takes them
 * with (tools/lib/ssh-keys.ts, docs/security.md#ssh).
 */
import { parseOptions } from "../lib/options.ts";
import { defaultKeyDir, ensureHostKey, readAuthorizedKeys, shellQuote, sshDefineFlags } from "../lib/ssh-keys.ts";

export const sshKeysOptions = {
  out: { type: "string" },
  "authorized-keys": { type: "string" },
} as const;

export async function sshKeysCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, sshKeysOptions);
  const host = ensureHostKey(values.out ?? defaultKeyDir());
  const { lines, skipped } = readAuthorizedKeys(values["authorized-keys"]);
  console.error(`${host.created ? "made" : "using"} host key ${host.path}`);
  console.error(`host public key (for known_hosts): ${host.publicLine}`);
  for (const s of skipped) console.error(`left out (not ssh-ed25519): ${s}`);
  console.error(`${lines.length} authorized key(s); build with:`);
  console.log(sshDefineFlags(host.define, lines).map(shellQuote).join(" "));
  return 0;
}
