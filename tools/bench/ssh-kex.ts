/**
 * ssh_kex_insns: the server's side of one SSH key exchange (stacks/ssh), between two
 * performance.now() marks: a client's version line, KEXINIT and KEX_ECDH_INIT in, the
 * negotiation, X25519 key pair and shared secret, exchange hash, Ed25519 signature, key
 * derivation and cipher set-up, and KEX_ECDH_REPLY and NEWKEYS out. No network: the same bytes
 * every run (a fixed client key and fixed "random" bytes), so the count is deterministic. Never
 * use fixed randomness in a real firmware.
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { cpu } from "hal";
import { hostKey, parseAuthorizedKeys } from "../../stacks/ssh/keys.ts";
import { Msg } from "../../stacks/ssh/messages.ts";
import { PacketWriter } from "../../stacks/ssh/packet.ts";
import { sshConnection } from "../../stacks/ssh/server-connection.ts";
import { concatBytes } from "../../runtime/bytes.ts";
import { SshWriter, utf8Bytes } from "../../stacks/ssh/wire.ts";

// The first performance.now() may bring up the clock: not inside the measured span (the last two calls).
performance.now();
let counter = 1;
const fixed = (n: number) => Uint8Array.from({ length: n }, () => (counter = (counter * 1103515245 + 12345) >>> 0) >>> 24);

const key = hostKey(new Uint8Array(32).fill(0x42));
const clientPublic = x25519.getPublicKey(new Uint8Array(32).fill(0x17));
const list = (w: SshWriter, names: string[]) => w.nameList(names);
const kexinit = new SshWriter().byte(Msg.KEXINIT).raw(new Uint8Array(16));
list(kexinit, ["curve25519-sha256", "kex-strict-c-v00@openssh.com"]);
list(kexinit, ["ssh-ed25519"]);
for (let i = 0; i < 2; i++) list(kexinit, ["chacha20-poly1305@openssh.com"]);
for (let i = 0; i < 2; i++) list(kexinit, ["hmac-sha2-256"]);
for (let i = 0; i < 2; i++) list(kexinit, ["none"]);
list(list(kexinit, []), []).boolean(false).uint32(0);
const framer = new PacketWriter(fixed);
const input = concatBytes(
  utf8Bytes("SSH-2.0-bench\r\n"),
  framer.frame(kexinit.bytes()),
  framer.frame(new SshWriter().byte(Msg.KEX_ECDH_INIT).string(clientPublic).bytes()),
);

let written = 0;
let ended = "";
const transport = sshConnection(
  { write: (b) => (written += b.length), close: () => {}, random: fixed, now: () => 0, onEnd: (r) => (ended = r) },
  { hostKey: key, authorizedKeys: parseAuthorizedKeys([]), handler: {} },
);
const before = written;
performance.now();
transport.receive(input);
performance.now();
if (ended) throw new Error(`bench: the key exchange failed: ${ended}`);
console.log(`bench-ssh-kex ${written - before} bytes`);
cpu.exit(0);
