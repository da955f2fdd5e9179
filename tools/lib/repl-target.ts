/**
 * Where `npm run repl` runs its session (docs/repl.md): the REPL firmware (the board plus
 * io/repl/agent.ts, with the engine's REPL part) under QEMU, or on a board behind a serial device.
 */
import { PassThrough } from "node:stream";
import { buildFirmware, type Firmware } from "./build.ts";
import { runQemu, type QemuResult } from "./qemu.ts";
import { loadLineMapper } from "./source-map.ts";
import { repoPath } from "./paths.ts";
import { openSerialLine } from "./serial-line.ts";
import { ReplSession } from "./repl-session.ts";

export const REPL_AGENT = repoPath("io/repl/agent.ts");

export interface ReplTarget {
  session: ReplSession;
  /** Ends the run (QEMU stopped, the port closed); resolves with QEMU's result when there is one. */
  stop(): Promise<QemuResult | undefined>;
  /** Settles when the device side ends by itself (QEMU exited). */
  ended: Promise<QemuResult | undefined>;
}

/** Builds the REPL firmware for `board` (cached after the first time). */
export function buildReplFirmware(board: string, progress?: (line: string) => void): Promise<Firmware> {
  return buildFirmware({ board, app: REPL_AGENT, repl: true, progress });
}

/** Boots the REPL firmware under QEMU; `print` shows the device's output. */
export async function replUnderQemu(fw: Firmware, print: (text: string) => void, timeoutS = Infinity): Promise<ReplTarget> {
  const input = new PassThrough();
  const abort = new AbortController();
  const session = new ReplSession({ write: (d) => input.write(d), print });
  const ended = runQemu({
    board: fw.board,
    elf: fw.elf,
    timeoutS,
    mapLine: loadLineMapper(fw.bundles),
    input,
    // Frames wait until the agent is listening (the UART is programmed by then: INPUT_HOLD_MS).
    inputAfter: "\x1eREPL ready",
    onOutput: (text) => session.feed(text),
    signal: abort.signal,
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

/** A board running the REPL firmware behind a serial device, set raw at `baud` (tools/lib/serial-line.ts). */
export function replOverPort(port: string, baud: number, print: (text: string) => void): ReplTarget {
  let session: ReplSession | undefined;
  const line = openSerialLine(port, baud, (t) => session?.feed(t), print);
  session = new ReplSession({ write: (d) => line.write(d), print });
  return { session, ended: line.ended, stop: line.stop };
}
