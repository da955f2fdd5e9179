/**
 * The image unit "ssh" (loaded by the "tsmetal" stub serveSsh, io/ssh.ts): stacks/ssh on the
 * board's default network, which lives in the unit "net" and is reached through
 * hal.image.load("net") (as runtime/web/http.ts does), with the runtime's randomness, clock and
 * timers. Key generation needs a real random source: on a board without one it refuses.
 */
import { image } from "hal";
import { serveSshOn, type SshServer } from "../../stacks/ssh/server.ts";
import type * as NetUnit from "../net/unit.ts";
import { checkSshOptions, type ServeSshOptions } from "./options.ts";

export type { ServeSshOptions, SshSession, SessionHandler } from "./options.ts";
export type { SshServer } from "../../stacks/ssh/server.ts";

function random(n: number): Uint8Array {
  const out = new Uint8Array(n);
  const c = (globalThis as { crypto?: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto;
  try {
    if (!c) throw new Error("no crypto");
    c.getRandomValues(out);
  } catch (e) {
    throw new Error(`serveSsh: this board has no random source (crypto.getRandomValues: ${e instanceof Error ? e.message : String(e)}); SSH keys cannot be made safely`);
  }
  return out;
}

/** An SSH server on the board's default network (DHCP unless network({ ipv4 }) came first); docs/security.md#ssh. */
export function serveSsh(options: ServeSshOptions): SshServer {
  const o = checkSshOptions(options);
  random(1); // refuse now, not at the first connection
  const net = (image.load("net") as typeof NetUnit).defaultNetwork();
  return serveSshOn({
    ...o,
    net: net.stack,
    random,
    clock: { now: () => Date.now() },
    timers: { set: (ms, callback) => setTimeout(callback, ms), clear: (handle) => clearTimeout(handle as number) },
  });
}
