/**
 * The simulation of a REPL session (tools/sim/repl.ts), in a worker thread so that the main
 * thread keeps reading the person's keys while an input computes: the REPL firmware's agent
 * (io/repl/agent.ts) on the board's machine, with the REPL's exec and Ctrl-C
 * (tools/sim/repl-host.ts); console input from the shared ring (tools/sim/shared-input.ts); its
 * output, then its result, as messages.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runSim } from "./run.ts";
import { SharedInputReader } from "./shared-input.ts";
import type { ReplWorkerData, ReplWorkerMessage } from "./repl.ts";

const data = workerData as ReplWorkerData;
const post = (m: ReplWorkerMessage) => parentPort!.postMessage(m);
try {
  const result = await runSim({
    board: data.board,
    app: data.app,
    timeoutS: data.timeoutS,
    terminal: new SharedInputReader(data.input),
    repl: true,
    onOutput: (text) => post({ kind: "output", text }),
  });
  post({ kind: "ended", result });
} catch (e) {
  post({ kind: "failed", message: e instanceof Error ? e.message : String(e) });
}
