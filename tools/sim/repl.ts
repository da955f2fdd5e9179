/**
 * `npm run repl -- --board <b> --sim`: the REPL on the simulator (docs/repl.md, "In the
 * simulator"). The REPL firmware's agent (io/repl/agent.ts) runs unchanged on the board's machine
 * in a worker thread (tools/sim/repl-worker.ts); this thread runs the session: each input is
 * transpiled and rewritten as for a device (tools/lib/repl-compile.ts) and sent in the same frame
 * (io/repl/frame.ts), whose payload is the script as text (tools/sim/repl-host.ts says why), through
 * a shared ring the simulator reads even while an input computes (tools/sim/shared-input.ts), so
 * Ctrl-C reaches a runaway loop.
 */
import { Worker } from "node:worker_threads";
import { REPL_AGENT, type ReplTarget } from "../lib/repl-target.ts";
import { ReplSession } from "../lib/repl-session.ts";
import type { QemuResult } from "../lib/qemu.ts";
import { newSharedInputBuffer, SharedInputWriter } from "./shared-input.ts";
import { simReplPayload } from "./repl-host.ts";
import { hideRuntimeFrames } from "./stack-trace.ts";

export interface ReplWorkerData {
  board: string;
  app: string;
  timeoutS: number;
  input: SharedArrayBuffer;
}

export type ReplWorkerMessage =
  | { kind: "output"; text: string }
  | { kind: "ended"; result: QemuResult }
  | { kind: "failed"; message: string };

/** How long a stopped simulation may take to end before its thread is terminated. */
const STOP_GRACE_MS = 2000;

/**
 * The simulator's output as the engine's: stack frames without columns (quickjs-emscripten's
 * QuickJS records them, the engine's does not) and without the guest runtime's own frames.
 */
function asEngineLines(line: string): string {
  return hideRuntimeFrames(line.replace(/(\.(?:js|ts):\d+):\d+\)/g, "$1)"));
}

/** Starts the REPL simulation of `board`; `print` shows the firmware's output. */
export function replUnderSim(board: string, print: (text: string) => void, timeoutS = Infinity): Promise<ReplTarget> {
  const buffer = newSharedInputBuffer();
  const input = new SharedInputWriter(buffer);
  const data: ReplWorkerData = { board, app: REPL_AGENT, timeoutS, input: buffer };
  // execArgv: the bootstrap registers tsx itself; a loader inherited from `node --import tsx` would be a second one.
  const worker = new Worker(new URL("./repl-worker.mjs", import.meta.url), { workerData: data, execArgv: [] });
  let stopping = false;
  let partial = "";
  const session = new ReplSession({
    write: (d) => input.write(d),
    print,
    compile: async (js, scriptName) => simReplPayload(scriptName, js),
  });
  const feed = (text: string) => {
    partial += text;
    const cut = partial.lastIndexOf("\n") + 1;
    if (cut === 0) return;
    const lines = partial.slice(0, cut);
    partial = partial.slice(cut);
    session.feed(asEngineLines(lines));
  };
  // A failure (the agent's build, the worker itself) ends the run as a firmware's would, exit 1.
  const failed = (message: string): QemuResult => ({ code: 1, timedOut: false, output: "", stderr: `tsmetal: ${message}\n` });
  const ended = new Promise<QemuResult | undefined>((resolve) => {
    worker.on("message", (m: ReplWorkerMessage) => {
      if (m.kind === "output") {
        if (!stopping) feed(m.text);
      } else if (m.kind === "ended") resolve(stopping ? { ...m.result, stopped: true } : m.result);
      else resolve(failed(m.message));
    });
    worker.on("error", (e) => resolve(failed(e.message)));
    worker.on("exit", () => resolve(undefined));
  });
  const target: ReplTarget = {
    session,
    ended,
    stop: async () => {
      stopping = true;
      input.quit();
      const kill = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      try {
        return await ended;
      } finally {
        clearTimeout(kill);
        await worker.terminate();
      }
    },
  };
  return Promise.resolve(target);
}
