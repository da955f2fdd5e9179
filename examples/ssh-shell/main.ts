/**
 * The shell of examples/shell on the serial console and over SSH on port 22: the same command
 * table (examples/shell/commands.ts), publickey logins with the keys given at build time.
 *
 *   npm run ssh-keys                      # once: a host key outside the repository; prints the --define flags
 *   npm run qemu -- --board microvm --app examples/ssh-shell/main.ts --forward tcp:2222:22 \
 *     --define SSH_HOST_KEY=… --define SSH_AUTHORIZED_KEYS="$(cat ~/.ssh/id_ed25519.pub)"
 *   ssh -p 2222 user@127.0.0.1            # or: ssh -p 2222 user@127.0.0.1 uptime
 */
import { board, LineReader, network, serveSsh } from "tsmetal";
import { COMMANDS, execute } from "../shell/commands.ts";

/** From `--define` (tools/lib/defines.ts): the host key (PKCS#8 base64 or PEM) and authorized_keys lines. */
declare const SSH_HOST_KEY: string;
declare const SSH_AUTHORIZED_KEYS: string;

if (typeof SSH_HOST_KEY === "undefined" || typeof SSH_AUTHORIZED_KEYS === "undefined") {
  throw new Error("build with --define SSH_HOST_KEY=… --define SSH_AUTHORIZED_KEYS=… (npm run ssh-keys prints them)");
}

serveSsh({
  port: 22,
  hostKey: SSH_HOST_KEY,
  authorizedKeys: SSH_AUTHORIZED_KEYS,
  commands: COMMANDS,
  banner: `tsmetal shell on ${board().name}; type help, Ctrl-D to leave`,
  onLogin: (user, key) => console.log(`ssh: ${user} logged in with ${key || "a key"}`),
  onEnd: (reason) => console.log(`ssh: ${reason}`),
});
// serveSsh listens at once; the address comes with the DHCP lease.
network().then(
  (net) => console.log(`ssh: listening on ${net.address} port 22`),
  (e: unknown) => console.log(`ssh: no network: ${e instanceof Error ? e.message : String(e)}`),
);

const serial = board().openSerial();
console.log(`tsmetal shell on ${board().name}; type help`);
new LineReader({ serial, prompt: "> ", onLine: execute });
