/**
 * Where `npm run deploy` reaches a running updatable firmware (docs/updates.md): QEMU started by
 * this process (tests, bench), QEMU started by `npm run qemu -- --updatable` (its console on the
 * unix socket build/<board>/console.sock), or a board behind a serial device (--port, as the REPL:
 * tools/lib/serial-line.ts).
 */
import { createConnection } from "node:net";
import { PassThrough } from "node:stream";
import { runQemu, type QemuResult } from "./qemu.ts";
import { loadLineMapper } from "./source-map.ts";
import { DeploySession } from "./deploy-session.ts";
import { openSerialLine } from "./serial-line.ts";
import { UserError } from "./errors.ts";
import type { Firmware } from "./build.ts";

export interface DeployTarget {
  session: DeploySession;
  stop(): Promise<QemuResult | undefined>;
  ended: Promise<QemuResult | undefined>;
}

/** Boots an updatable firmware under QEMU with its console on this process's pipes. */
export function updatableUnderQemu(fw: Firmware, print: (text: string) => void, timeoutS = Infinity, extraArgs: string[] = []): DeployTarget {
  const input = new PassThrough();
  const abort = new AbortController();
  const session = new DeploySession({ write: (d) => input.write(d), print });
  const ended = runQemu({
    board: fw.board,
    elf: fw.elf,
    timeoutS,
    mapLine: loadLineMapper(fw.bundles),
    input,
    // Frames wait until the agent is listening (the UART is programmed by then).
    inputAfter: "\x1eUPDATE ready",
    onOutput: (text) => session.feed(text),
    signal: abort.signal,
    extraArgs,
  });
  ended.catch(() => undefined);
  return {
    session,
    ended,
    stop: async () => {
      abort.abort();
      input.end();
      return ended;
    },
  };
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
  let session: DeploySession | undefined;
  const line = openSerialLine(port, baud, (t) => session?.feed(t), print);
  session = new DeploySession({ write: (d) => line.write(d), print });
  return { session, ended: line.ended, stop: line.stop };
}
