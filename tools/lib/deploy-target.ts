/**
 * Where `npm run deploy` reaches a running updatable firmware (docs/updates.md): QEMU started by
 * this process (tests, bench), QEMU started by `npm run qemu -- --updatable` (its console on the
 * unix socket build/<board>/console.sock), or a board behind a serial device (--port, as the REPL:
 * tools/lib/serial-line.ts), the first and last through tools/lib/agent-target.ts as the REPL's.
 * Over the network a deploy needs no target: tools/lib/deploy-http.ts, tools/lib/deploy-ssh.ts.
 */
import { createConnection } from "node:net";
import { runQemu } from "./qemu.ts";
import { loadLineMapper } from "./source-map.ts";
import { DeploySession } from "./deploy-session.ts";
import { UserError } from "./errors.ts";
import type { Firmware } from "./build.ts";
import type { Forward } from "./forward.ts";
import { agentOnPipes, agentOverPort, type AgentTarget } from "./agent-target.ts";

export type DeployTarget = AgentTarget<DeploySession>;

/** Boots an updatable firmware under QEMU with its console on this process's pipes (and its NIC on user networking with `forwards`, a disk image in its card slot with `disk`). */
export function updatableUnderQemu(fw: Firmware, print: (text: string) => void, timeoutS = Infinity, extraArgs: string[] = [], forwards?: readonly Forward[], disk?: string): DeployTarget {
  return agentOnPipes((line) => new DeploySession(line), print, "\x1eUPDATE ready", (piped) =>
    runQemu({ board: fw.board, elf: fw.elf, timeoutS, mapLine: loadLineMapper(fw.bundles), extraArgs, forwards, disk, ...piped }),
  );
}

/** A running QEMU's console on a unix socket (npm run qemu -- --updatable). */
export function deployOverSocket(file: string, print: (text: string) => void): Promise<DeployTarget> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(file);
    const session = new DeploySession({ write: (d) => void sock.write(d), print });
    let close: () => void = () => undefined;
    const ended = new Promise<undefined>((r) => (close = () => r(undefined)));
    sock.once("error", (e) => reject(new UserError(`cannot reach the console at ${file}: ${e.message} (is npm run qemu -- --updatable running?)`)));
    sock.setEncoding("utf8").on("data", (t: string) => session.feed(t));
    sock.on("close", () => close());
    sock.once("connect", () =>
      resolve({
        session,
        ended,
        stop: async () => {
          sock.end();
          sock.destroy();
          return undefined;
        },
      }),
    );
  });
}

/** A board running an updatable firmware behind a serial device. */
export function deployOverPort(port: string, baud: number, print: (text: string) => void): DeployTarget {
  return agentOverPort((line) => new DeploySession(line), port, baud, print);
}
