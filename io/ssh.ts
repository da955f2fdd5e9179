/**
 * serveSsh from "tsmetal": a stub that loads the image unit "ssh" (io/ssh/unit.ts) on its first
 * call, so that a firmware that never calls it carries none of the SSH code or its cryptography,
 * and one that does pays nothing for it at boot. The net unit is told the board first (io/network.ts).
 */
import { image } from "hal";
import { netUnit } from "./network.ts";
import type * as SshUnit from "./ssh/unit.ts";

export type { ServeSshOptions, SshServer, SshSession, SessionHandler } from "./ssh/unit.ts";

/** An SSH-2 server on the board's default network: publickey logins, the app's commands as shell and exec (docs/security.md#ssh). */
export function serveSsh(...args: Parameters<typeof SshUnit.serveSsh>): ReturnType<typeof SshUnit.serveSsh> {
  netUnit();
  return (image.load("ssh") as typeof SshUnit).serveSsh(...args);
}
